"""Step 3 of a merge (annotator.store.merge): the source's annotation rows, in batches.

Planning stages the source's suggestions (on matched sentences), decisions, spans,
sentence states and events in temporary tables, numbered in order, inside its one
read snapshot (`stage`). Step 3 then copies them BATCH_ROWS at a time, each batch in
its own short transaction, as rows of the merge's unit: the views of m013 leave them
out until the unit is published (`copy`). A source row whose key is already here is
not copied: a span or suggestion here is kept, and a sentence state or decision here
is replaced only by a later one. Those replacements and the few lexicons run in the
transaction that publishes the unit (`finish`), whose length follows the number of
rows the source changes here, not the number it brings.

Suggestions match by (sentence, offsets, label, term), so the staged decisions and
spans carry their suggestion's key (g_start, g_end, g_label, g_term) rather than its
id, and find the suggestion here, visible or the unit's own, when their batch is
copied. The annotators are the one thing that shows before the end, since the unit's
rows refer to them; the unit records those it added, and a discarded unit (a failed
merge, or a killed one at the next open) takes them back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..migrations import visible
from ..model import LexiconEntry, MergeResult
from .rows import JUDGMENT_COLUMNS, LEXICON_ENTRY_INSERT, lexicon_entry_values

if TYPE_CHECKING:
    from .merge import Merge
    from .units import PacedTransactions

SRC = "merge_source"
# Annotation rows copied per transaction.
BATCH_ROWS = 10_000
STAGED_TABLES = (
    "merge_src_suggestions",
    "merge_src_decisions",
    "merge_src_spans",
    "merge_src_states",
    "merge_src_events",
    "merge_state_updates",
    "merge_decision_updates",
)
# A sentence state's columns after its key (sentence, annotator).
_STATE_COLUMNS = tuple(column.strip() for column in JUDGMENT_COLUMNS.split(",")[2:])
_SUGGESTION_KEY = "g.char_start AS g_start, g.char_end AS g_end, g.label AS g_label, g.term AS g_term"


def _state_is_later(new: str, old: str) -> str:
    """A source's sentence state replaces the one here when it was finished (or first
    shown) later."""
    return (
        f"COALESCE({new}.finished_at, {new}.first_shown_at, '') > COALESCE({old}.finished_at, {old}.first_shown_at, '')"
    )


def _decision_is_later(new: str, old: str) -> str:
    return f"{new}.decided_at > {old}.decided_at AND {new}.decision != {old}.decision"


def _mine(alias: str) -> str:
    """A row here that a batch may build on: visible, or the unit's own (one parameter)."""
    return f"({alias}.unit = ? OR {visible(f'{alias}.unit')})"


def _suggestion_here(alias: str) -> str:
    """The join from a staged row to this project's suggestion with its suggestion key."""
    return (
        f"main.suggestion_rows t ON t.sentence_id = ms.dst_id AND t.char_start = {alias}.g_start"
        f" AND t.char_end = {alias}.g_end AND t.label = {alias}.g_label AND t.term = {alias}.g_term AND {_mine('t')}"
    )


# ------------------------------------------------------------------ staging


def stage(merge: Merge) -> None:
    """The source's annotation rows in temporary tables (call inside the planning
    snapshot, once the matched sentences are mapped): step 3 copies one state of the
    source, however long it takes and whoever writes to the source meanwhile."""
    run = merge.conn.execute
    run(
        "CREATE TEMP TABLE merge_src_suggestions AS SELECT g.sentence_id, g.char_start, g.char_end, g.label,"
        " g.term, g.quoted, g.detector, g.reason, g.score"
        f" FROM {SRC}.suggestions g JOIN temp.merge_sentences ms ON ms.src_id = g.sentence_id ORDER BY g.id"
    )
    run(
        f"CREATE TEMP TABLE merge_src_decisions AS SELECT g.sentence_id, {_SUGGESTION_KEY},"
        f" d.annotator, d.decision, d.decided_at FROM {SRC}.suggestion_decisions d"
        f" JOIN {SRC}.suggestions g ON g.id = d.suggestion_id ORDER BY d.suggestion_id, d.annotator"
    )
    run(
        "CREATE TEMP TABLE merge_src_spans AS SELECT sp.sentence_id, sp.annotator, sp.char_start, sp.char_end,"
        " sp.label, sp.origin, sp.quoted, sp.lexicon_term, sp.note, sp.created_at, sp.agreed_by, sp.resolution,"
        f" {_SUGGESTION_KEY} FROM {SRC}.spans sp LEFT JOIN {SRC}.suggestions g ON g.id = sp.suggestion_id"
        " ORDER BY sp.id"
    )
    run(
        f"CREATE TEMP TABLE merge_src_states AS SELECT sentence_id, annotator, {', '.join(_STATE_COLUMNS)}"
        f" FROM {SRC}.sentence_status ORDER BY sentence_id, annotator"
    )
    run(
        "CREATE TEMP TABLE merge_src_events AS SELECT at, annotator, action, sentence_id, payload, origin"
        f" FROM {SRC}.events ORDER BY id"
    )
    # The staged rows (n: their rowid) that replace a visible row here, found batch by
    # batch and written by finish(), with the row's sentence or suggestion here.
    run("CREATE TEMP TABLE merge_state_updates (n INTEGER PRIMARY KEY, sentence_id INTEGER NOT NULL)")
    run("CREATE TEMP TABLE merge_decision_updates (n INTEGER PRIMARY KEY, suggestion_id INTEGER NOT NULL)")


# --------------------------------------------------------------- 3. batches


def copy(merge: Merge, result: MergeResult, unit: int, paced: PacedTransactions) -> None:
    """The staged rows, as rows of `unit`, in short transactions."""
    run = merge.conn.execute
    with paced.transaction():
        run(
            "UPDATE main.write_units SET annotators = (SELECT json_group_array(name) FROM"
            f" {SRC}.annotators WHERE name NOT IN (SELECT name FROM main.annotators)) WHERE id = ?",
            [unit],
        )
        result.annotators_added = run(
            f"INSERT OR IGNORE INTO main.annotators (name, created_at) SELECT name, created_at FROM {SRC}.annotators"
        ).rowcount
    # Decisions and spans find their suggestions here, so suggestions go first (those
    # on new sentences came with them, in step 2).
    result.suggestions_added += _batches(merge, paced, "merge_src_suggestions", _copy_suggestions, unit)
    result.decisions_added = _batches(merge, paced, "merge_src_decisions", _copy_decisions, unit)
    result.spans_added = _batches(merge, paced, "merge_src_spans", _copy_spans, unit)
    result.statuses_added = _batches(merge, paced, "merge_src_states", _copy_states, unit)
    with paced.transaction():
        # The events written here since planning took its snapshot (snapshot_events).
        run(
            "INSERT INTO temp.merge_events SELECT id, at, annotator, action, sentence_id, payload, origin"
            " FROM main.events WHERE id > (SELECT COALESCE(MAX(id), 0) FROM temp.merge_events)"
        )
    result.events_added = _batches(merge, paced, "merge_src_events", _copy_events, unit)


def _batches(
    merge: Merge, paced: PacedTransactions, table: str, step: Callable[[Merge, int, int, int], int], unit: int
) -> int:
    """`step(merge, unit, low, high)` over the staged rows low < rowid <= high of
    `table`, a batch per transaction; the number of rows it added."""
    last = int(merge._scalar(f"SELECT COALESCE(MAX(rowid), 0) FROM temp.{table}") or 0)
    added = 0
    for low in range(0, last, BATCH_ROWS):
        with paced.transaction():
            added += step(merge, unit, low, low + BATCH_ROWS)
    return added


def _copy_suggestions(merge: Merge, unit: int, low: int, high: int) -> int:
    return merge.conn.execute(
        "INSERT INTO main.suggestion_rows (sentence_id, char_start, char_end, label, term, quoted, detector,"
        " reason, score, unit)"
        " SELECT ms.dst_id, g.char_start, g.char_end, g.label, g.term, g.quoted, g.detector, g.reason, g.score, ?"
        " FROM temp.merge_src_suggestions g JOIN temp.merge_sentences ms ON ms.src_id = g.sentence_id"
        " WHERE g.rowid > ? AND g.rowid <= ? ORDER BY g.rowid"
        " ON CONFLICT (sentence_id, char_start, char_end, label, term) DO NOTHING",
        [unit, low, high],
    ).rowcount


def _copy_decisions(merge: Merge, unit: int, low: int, high: int) -> int:
    run = merge.conn.execute
    batch = (
        " FROM temp.merge_src_decisions d JOIN temp.merge_sentences ms ON ms.src_id = d.sentence_id"
        f" JOIN {_suggestion_here('d')}"
    )
    run(
        f"INSERT INTO temp.merge_decision_updates (n, suggestion_id) SELECT d.rowid, t.id{batch}"
        " JOIN main.suggestion_decisions here ON here.suggestion_id = t.id AND here.annotator = d.annotator"
        f" WHERE d.rowid > ? AND d.rowid <= ? AND {_decision_is_later('d', 'here')}",
        [unit, low, high],
    )
    return run(
        f"INSERT INTO main.decision_rows (suggestion_id, annotator, decision, decided_at, unit)"
        f" SELECT t.id, d.annotator, d.decision, d.decided_at, ?{batch} WHERE d.rowid > ? AND d.rowid <= ?"
        " ORDER BY d.rowid ON CONFLICT (suggestion_id, annotator) DO NOTHING",
        [unit, unit, low, high],
    ).rowcount


def _copy_spans(merge: Merge, unit: int, low: int, high: int) -> int:
    return merge.conn.execute(
        "INSERT INTO main.span_rows (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
        " lexicon_term, suggestion_id, note, created_at, agreed_by, resolution, unit)"
        " SELECT ms.dst_id, sp.annotator, sp.char_start, sp.char_end, sp.label, sp.origin, sp.quoted,"
        " sp.lexicon_term, t.id, sp.note, sp.created_at, sp.agreed_by, sp.resolution, ?"
        " FROM temp.merge_src_spans sp JOIN temp.merge_sentences ms ON ms.src_id = sp.sentence_id"
        f" LEFT JOIN {_suggestion_here('sp')} WHERE sp.rowid > ? AND sp.rowid <= ? ORDER BY sp.rowid"
        " ON CONFLICT (sentence_id, annotator, char_start, char_end, label) DO NOTHING",
        [unit, unit, low, high],
    ).rowcount


def _copy_states(merge: Merge, unit: int, low: int, high: int) -> int:
    run = merge.conn.execute
    run(
        "INSERT INTO temp.merge_state_updates (n, sentence_id) SELECT st.rowid, ms.dst_id"
        " FROM temp.merge_src_states st JOIN temp.merge_sentences ms ON ms.src_id = st.sentence_id"
        " JOIN main.sentence_status here ON here.sentence_id = ms.dst_id AND here.annotator = st.annotator"
        f" WHERE st.rowid > ? AND st.rowid <= ? AND {_state_is_later('st', 'here')}",
        [low, high],
    )
    return run(
        f"INSERT INTO main.sentence_status_rows (sentence_id, annotator, {', '.join(_STATE_COLUMNS)}, unit)"
        f" SELECT ms.dst_id, st.annotator, {', '.join(f'st.{c}' for c in _STATE_COLUMNS)}, ?"
        " FROM temp.merge_src_states st JOIN temp.merge_sentences ms ON ms.src_id = st.sentence_id"
        " WHERE st.rowid > ? AND st.rowid <= ? ORDER BY st.rowid"
        " ON CONFLICT (sentence_id, annotator) DO NOTHING",
        [unit, low, high],
    ).rowcount


def _copy_events(merge: Merge, unit: int, low: int, high: int) -> int:
    """Events; one identical to an event here (sentence mapped) is not added twice."""
    return merge.conn.execute(
        "INSERT INTO main.event_rows (at, annotator, action, sentence_id, payload, origin, unit)"
        " SELECT e.at, e.annotator, e.action, ms.dst_id, e.payload, e.origin, ?"
        " FROM temp.merge_src_events e LEFT JOIN temp.merge_sentences ms ON ms.src_id = e.sentence_id"
        " WHERE e.rowid > ? AND e.rowid <= ? AND NOT EXISTS (SELECT 1 FROM temp.merge_events k WHERE k.at = e.at"
        " AND k.annotator = e.annotator AND k.action = e.action AND k.sentence_id IS ms.dst_id"
        " AND k.payload = e.payload AND k.origin = e.origin) ORDER BY e.rowid",
        [unit, low, high],
    ).rowcount


# ------------------------------------------------------------------ 4. finish


def finish(merge: Merge, result: MergeResult, lexicon_entries: Sequence[LexiconEntry], unit: int) -> None:
    """The replacements and the lexicons (call in the transaction that publishes the unit)."""
    _replace_states(merge, result, unit)
    _replace_decisions(merge, result, unit)
    _add_lexicons(merge, result, lexicon_entries)


def _replace_states(merge: Merge, result: MergeResult, unit: int) -> None:
    staged = " FROM temp.merge_state_updates u JOIN temp.merge_src_states st ON st.rowid = u.n"
    added, result.statuses_updated = _replace(
        merge, unit, "sentence_status_rows", "sentence_id", _STATE_COLUMNS, staged, "st", _state_is_later
    )
    result.statuses_added += added


def _replace_decisions(merge: Merge, result: MergeResult, unit: int) -> None:
    # A suggestion that went meanwhile (a `suggest` run) takes its decision with it.
    staged = (
        " FROM temp.merge_decision_updates u JOIN temp.merge_src_decisions d ON d.rowid = u.n"
        " JOIN main.suggestion_rows s ON s.id = u.suggestion_id"
    )
    added, result.decisions_updated = _replace(
        merge, unit, "decision_rows", "suggestion_id", ("decision", "decided_at"), staged, "d", _decision_is_later
    )
    result.decisions_added += added


def _replace(
    merge: Merge,
    unit: int,
    table: str,
    key: str,
    columns: Sequence[str],
    staged: str,
    alias: str,
    is_later: Callable[[str, str], str],
) -> tuple[int, int]:
    """Write the staged rows (`staged`: FROM u, the updates, joined to `alias`, the
    staged source rows) over their rows here, keyed by (u.`key`, annotator), where
    `is_later`; (added, updated). A row here that went meanwhile is added, as a row
    of the unit: it shows with the rest."""
    same_key = f"r.{key} = u.{key} AND r.annotator = {alias}.annotator"
    added = int(
        merge._scalar(f"SELECT COUNT(*){staged} WHERE NOT EXISTS (SELECT 1 FROM main.{table} r WHERE {same_key})") or 0
    )
    changed = merge.conn.execute(
        f"INSERT INTO main.{table} ({key}, annotator, {', '.join(columns)}, unit)"
        f" SELECT u.{key}, {alias}.annotator, {', '.join(f'{alias}.{c}' for c in columns)}, ?{staged} WHERE 1"
        f" ON CONFLICT ({key}, annotator) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns)}"
        f" WHERE {is_later('excluded', table)}",
        [unit],
    ).rowcount
    return added, changed - added


def _add_lexicons(merge: Merge, result: MergeResult, lexicon_entries: Sequence[LexiconEntry]) -> None:
    """Lexicons this project lacks, by name, and the entries the caller chose."""
    run = merge.conn.execute
    result.lexicons_added = run(
        "INSERT INTO main.lexicon_rows (name, path, loaded_at) SELECT l.name, l.path, l.loaded_at"
        f" FROM {SRC}.lexicons l WHERE l.name NOT IN (SELECT name FROM main.lexicons) ORDER BY l.id"
    ).rowcount
    ids = dict(run("SELECT name, id FROM main.lexicons"))
    before = merge.conn.total_changes
    merge.conn.executemany(
        f"{LEXICON_ENTRY_INSERT} ON CONFLICT (lexicon_id, term, label, match) DO NOTHING",
        [lexicon_entry_values(ids[e.lexicon], e) for e in lexicon_entries],
    )
    result.lexicon_entries_added = merge.conn.total_changes - before
