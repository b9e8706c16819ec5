"""Schema migrations, applied in order whenever a store is opened for writing.

Each migration is a small numbered function. Never edit one that has shipped: add a
new one. A database that has applied a migration this code does not know was written
by a newer version, and `Store` refuses to touch it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

# The steps are applied by sqlite_utils' Migrations, as the set "framing-annotator"
# (recorded in the _sqlite_migrations table). sqlite_utils is imported only when a
# database needs a step: opening an up-to-date project reads the table directly
# (store/opening.applied_migrations), so read-only commands do not pay for the import.
MIGRATION_SET = "framing-annotator"
_STEPS: list[Callable[[Database], None]] = []
_SET: Migrations | None = None


def _step(func: Callable[[Database], None]) -> Callable[[Database], None]:
    _STEPS.append(func)
    return func


def migration_set() -> Migrations:
    """The steps as a sqlite_utils migration set."""
    global _SET
    if _SET is None:
        from sqlite_utils import Migrations

        steps = Migrations(MIGRATION_SET)
        for func in _STEPS:
            steps()(func)
        _SET = steps
    return _SET


def __getattr__(name: str) -> object:
    if name == "migrations":  # the set, made on first use
        return migration_set()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@_step
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE project (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            color TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL
        );
        CREATE TABLE documents (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            source TEXT,
            url TEXT,
            date TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            sentence_count INTEGER NOT NULL,
            token_count INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        -- tokens: a compact JSON array of [start, end] pairs into the sentence text,
        -- kept so offsets stay stable if the tokenizer changes later.
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            idx INTEGER NOT NULL,
            doc_start INTEGER NOT NULL,
            doc_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            tokens TEXT NOT NULL,
            UNIQUE (document_id, idx)
        );
        CREATE TABLE annotators (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        );
        CREATE TABLE lexicons (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            path TEXT,
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE lexicon_entries (
            id INTEGER PRIMARY KEY,
            lexicon_id INTEGER NOT NULL REFERENCES lexicons(id) ON DELETE CASCADE,
            term TEXT NOT NULL,
            label TEXT NOT NULL,
            match TEXT NOT NULL CHECK (match IN ('exact', 'stem', 'phrase', 'ignore')),
            forms TEXT NOT NULL DEFAULT '',
            exclude TEXT NOT NULL DEFAULT '',
            neutral TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            line INTEGER,
            UNIQUE (lexicon_id, term, label, match)
        );
        -- A suggestion's identity is (sentence, start, end, label, term).
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            label TEXT NOT NULL,
            term TEXT NOT NULL,
            quoted INTEGER NOT NULL DEFAULT 0,
            detector TEXT NOT NULL DEFAULT 'lexicon',
            UNIQUE (sentence_id, char_start, char_end, label, term)
        );
        -- Decisions are per annotator: blind annotation means one reviewer's reject
        -- must not hide the suggestion from another.
        CREATE TABLE suggestion_decisions (
            suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
            decided_at TEXT NOT NULL,
            PRIMARY KEY (suggestion_id, annotator)
        );
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            label TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggestion')),
            quoted INTEGER NOT NULL DEFAULT 0,
            lexicon_term TEXT,
            suggestion_id INTEGER REFERENCES suggestions(id) ON DELETE SET NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            CHECK (char_start < char_end),
            UNIQUE (sentence_id, annotator, char_start, char_end, label)
        );
        CREATE INDEX spans_by_annotator ON spans (annotator, sentence_id);
        CREATE TABLE sentence_status (
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            status TEXT CHECK (status IN ('done', 'skipped')),
            judgment TEXT,
            flagged INTEGER NOT NULL DEFAULT 0,
            note TEXT,
            suggestion_mode TEXT,
            first_shown_at TEXT,
            finished_at TEXT,
            PRIMARY KEY (sentence_id, annotator)
        );
        CREATE INDEX sentence_status_by_annotator ON sentence_status (annotator, status, sentence_id);
        -- Append-only: who did what, when. Undo writes a new event, never deletes one.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            action TEXT NOT NULL,
            sentence_id INTEGER,
            payload TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL DEFAULT 'ui'
        );
        CREATE INDEX events_by_annotator ON events (annotator, id);
        """,
    )


@_step
def m002_gold_provenance(db: Database) -> None:
    # Adjudication records who agreed on each gold item and whether a rule or the
    # curator put it there.
    _run(
        db,
        """
        ALTER TABLE spans ADD COLUMN agreed_by TEXT;
        ALTER TABLE spans ADD COLUMN resolution TEXT;
        ALTER TABLE sentence_status ADD COLUMN judgment_agreed_by TEXT;
        ALTER TABLE sentence_status ADD COLUMN judgment_resolution TEXT;
        """,
    )


@_step
def m003_documents_by_content_hash(db: Database) -> None:
    # Import looks every new document up by its hash (same text under another id is
    # skipped). Without an index each lookup scans every stored text: quadratic imports.
    _run(db, "CREATE INDEX documents_by_content_hash ON documents (content_hash)")


@_step
def m004_workspace_corpus_counts(db: Database) -> None:
    # The workspace header shows progress out of the number of sentences at every
    # start. COUNT(*) over a million sentences takes 150 ms from a cold cache, and
    # SUM(documents.sentence_count) reads every document's text, so triggers keep
    # the two counts in one row instead.
    db.execute(
        "CREATE TABLE corpus_counts (id INTEGER PRIMARY KEY CHECK (id = 1),"
        " documents INTEGER NOT NULL, sentences INTEGER NOT NULL)"
    )
    db.execute(
        "INSERT INTO corpus_counts (id, documents, sentences)"
        " SELECT 1, COUNT(*), COALESCE(SUM(sentence_count), 0) FROM documents"
    )
    # One statement each: _run splits scripts at ";\n", which would cut a trigger body.
    db.execute(
        "CREATE TRIGGER corpus_counts_insert AFTER INSERT ON documents BEGIN"
        " UPDATE corpus_counts SET documents = documents + 1, sentences = sentences + NEW.sentence_count"
        " WHERE id = 1; END"
    )
    db.execute(
        "CREATE TRIGGER corpus_counts_delete AFTER DELETE ON documents BEGIN"
        " UPDATE corpus_counts SET documents = documents - 1, sentences = sentences - OLD.sentence_count"
        " WHERE id = 1; END"
    )
    db.execute(
        "CREATE TRIGGER corpus_counts_update AFTER UPDATE OF sentence_count ON documents BEGIN"
        " UPDATE corpus_counts SET sentences = sentences - OLD.sentence_count + NEW.sentence_count"
        " WHERE id = 1; END"
    )


@_step
def m005_annotator_order(db: Database) -> None:
    # A reviewer who chose a random order meets it again next time without repeating
    # --order random --seed N; resuming in another order would jump around the corpus.
    _run(
        db,
        """
        ALTER TABLE annotators ADD COLUMN document_order TEXT;
        ALTER TABLE annotators ADD COLUMN order_seed INTEGER
        """,
    )


@_step
def m006_harden_ids_never_reused(db: Database) -> None:
    # Undo and redo put a span back under its old id, and a decision back on its
    # suggestion's id. Without AUTOINCREMENT SQLite gives a freed largest id to the next
    # insert, so another annotator's new span (or a re-run suggestion) could take it and
    # be overwritten by the restore. AUTOINCREMENT never hands out an id twice; SQLite
    # can only add it by rebuilding the table (store/opening.migrate runs with foreign keys off,
    # as that procedure requires, and checks them after).
    for table in ("suggestions", "spans"):
        _rebuild_with_autoincrement(db, table)


def _rebuild_with_autoincrement(db: Database, table: str) -> None:
    """SQLite's table-rebuild procedure: the same table, columns, indexes and triggers,
    with `id INTEGER PRIMARY KEY AUTOINCREMENT`; the ids are kept."""
    (create,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    extras = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            [table],
        )
    ]
    rebuilt = f"{table}_rebuilt"
    create, found = re.subn(r"\bid INTEGER PRIMARY KEY\b", "id INTEGER PRIMARY KEY AUTOINCREMENT", create, count=1)
    assert found == 1, f"{table}: no integer id to make AUTOINCREMENT"
    db.execute(re.sub(rf"^CREATE TABLE {table}\b", f"CREATE TABLE {rebuilt}", create))
    db.execute(f"INSERT INTO {rebuilt} SELECT * FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
    for statement in extras:
        db.execute(statement)


@_step
def m007_team(db: Database) -> None:
    # Team campaigns (issue 14). The roster is the annotators table: people who merely
    # opened the workspace stay off it (on_roster 0) until the lead adds them. A fixed
    # suggestion mode is the lead's experimental condition; last_suggestions is what
    # an annotator without one used last time. Assignments carry the document's size
    # so queue and status sums never read the documents' rows (their text), and each
    # annotator's load is kept on her row, so adaptive overlap finds the least loaded
    # annotator from 30 rows rather than summing every assignment inside a key press.
    # sentence_time sums the capped seconds each sentence was on screen, per annotator.
    # No foreign keys to documents or sentences: those names may be views (write
    # units), and SQLite refuses a foreign key whose parent is a view.
    _run(
        db,
        """
        ALTER TABLE annotators ADD COLUMN on_roster INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE annotators ADD COLUMN role TEXT NOT NULL DEFAULT 'annotator';
        ALTER TABLE annotators ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE annotators ADD COLUMN suggestions TEXT;
        ALTER TABLE annotators ADD COLUMN suggestion_share REAL;
        ALTER TABLE annotators ADD COLUMN last_suggestions TEXT;
        ALTER TABLE annotators ADD COLUMN assigned_sentences INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE assignments (
            document_id TEXT NOT NULL,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            sentences INTEGER NOT NULL,
            position REAL NOT NULL,
            calibration INTEGER NOT NULL DEFAULT 0,
            gold_check INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL DEFAULT 'assign' CHECK (origin IN ('assign', 'adaptive')),
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE INDEX assignments_by_annotator ON assignments (annotator, calibration, position);
        CREATE TABLE sentence_time (
            sentence_id INTEGER NOT NULL,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            seconds REAL NOT NULL DEFAULT 0,
            visits INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (sentence_id, annotator)
        )
        """,
    )


@_step
def m008_suggestion_reason(db: Database) -> None:
    # A suggestion says why it was made ("1-3 words in quotes, no speech cue", a lexicon
    # entry's match, an outside tool's own words) and, from a model, how sure it is: an
    # annotator who sees the reason can reject a wrong one without second-guessing it.
    _run(
        db,
        """
        ALTER TABLE suggestions ADD COLUMN reason TEXT;
        ALTER TABLE suggestions ADD COLUMN score REAL
        """,
    )


@_step
def m009_recommender_models(db: Database) -> None:
    # The learned recommender lives in the project, so every copy of the project
    # suggests the same. Each training adds a version; the newest one suggests.
    # `done_at_training` is the count of done sentence states when it was trained, so
    # automatic retraining knows how many are new since.
    _run(
        db,
        """
        CREATE TABLE recommender_models (
            version INTEGER PRIMARY KEY,
            trained_at TEXT NOT NULL,
            source TEXT NOT NULL,
            annotators TEXT NOT NULL DEFAULT '[]',
            sentences INTEGER NOT NULL,
            documents INTEGER NOT NULL,
            spans INTEGER NOT NULL,
            labels TEXT NOT NULL DEFAULT '[]',
            disabled_labels TEXT NOT NULL DEFAULT '[]',
            noise TEXT NOT NULL DEFAULT '{}',
            evaluation TEXT,
            done_at_training INTEGER NOT NULL DEFAULT 0,
            model BLOB NOT NULL
        )
        """,
    )


# The columns of documents and sentences as readers see them (m006 turns both names
# into views over the *_rows tables).
_DOCUMENT_VIEW_COLUMNS = (
    "seq, id, title, source, url, date, metadata, text, content_hash, sentence_count, token_count, imported_at"
)
_SENTENCE_VIEW_COLUMNS = "id, document_id, idx, doc_start, doc_end, text, tokens"


# The one visibility rule: a row written by a big writer's unfinished unit (an import's
# file, a merge's source, a lexicon being loaded) is invisible until the unit is published, that is until its
# `write_units` row is gone. Rows keep their unit number afterwards; AUTOINCREMENT
# never hands that number out again.
def visible(unit: str = "unit") -> str:
    """The rule for a row whose unit number is in the column `unit` (as `alias.unit`
    in a join)."""
    return f"({unit} IS NULL OR {unit} NOT IN (SELECT id FROM write_units))"


VISIBLE = visible()


@_step
def m010_write_units(db: Database) -> None:
    # A big import or merge commits in short batches, so that annotators' single-row
    # writes never wait long for the write lock, and still lands all-or-nothing: its
    # rows carry the number of their unit and stay out of the `documents`,
    # `sentences` and `lexicons` views until the unit's last batch is in. Every reader reads the
    # views, so the rule above is the only place that knows about units.
    db.execute(
        "CREATE TABLE write_units (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
        " label TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, process_start TEXT,"
        " started_at TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'discarding')),"
        " documents INTEGER NOT NULL DEFAULT 0, sentences INTEGER NOT NULL DEFAULT 0)"
    )
    for statement in (
        "DROP TRIGGER corpus_counts_insert",
        "DROP TRIGGER corpus_counts_delete",
        "DROP TRIGGER corpus_counts_update",
        # RENAME rewrites the foreign keys of sentences, spans, suggestions and
        # sentence_status to the new names; indexes follow their table.
        "ALTER TABLE documents RENAME TO document_rows",
        "ALTER TABLE document_rows ADD COLUMN unit INTEGER",
        "CREATE INDEX document_rows_by_unit ON document_rows (unit) WHERE unit IS NOT NULL",
        "ALTER TABLE sentences RENAME TO sentence_rows",
        "ALTER TABLE sentence_rows ADD COLUMN unit INTEGER",
        f"CREATE VIEW documents AS SELECT {_DOCUMENT_VIEW_COLUMNS} FROM document_rows WHERE {VISIBLE}",
        f"CREATE VIEW sentences AS SELECT {_SENTENCE_VIEW_COLUMNS} FROM sentence_rows WHERE {VISIBLE}",
        # A lexicon loaded with --replace: the new one hidden while its entries go in,
        # then the swap in one short transaction (the old one hidden, then removed).
        "ALTER TABLE lexicons RENAME TO lexicon_rows",
        "ALTER TABLE lexicon_rows ADD COLUMN unit INTEGER",
        f"CREATE VIEW lexicons AS SELECT id, name, path, loaded_at FROM lexicon_rows WHERE {VISIBLE}",
        # corpus_counts counts what readers see: a unit's documents are counted on
        # the unit's row while it is open and move to corpus_counts when it is
        # published (its row deleted while 'open'); a discarded unit's never do.
        (
            "CREATE TRIGGER corpus_counts_insert AFTER INSERT ON document_rows BEGIN"
            " UPDATE corpus_counts SET documents = documents + 1, sentences = sentences + NEW.sentence_count"
            " WHERE id = 1 AND NEW.unit IS NULL;"
            " UPDATE write_units SET documents = documents + 1, sentences = sentences + NEW.sentence_count"
            " WHERE id = NEW.unit; END"
        ),
        (
            "CREATE TRIGGER corpus_counts_delete AFTER DELETE ON document_rows BEGIN"
            " UPDATE corpus_counts SET documents = documents - 1, sentences = sentences - OLD.sentence_count"
            " WHERE id = 1 AND (OLD.unit IS NULL OR OLD.unit NOT IN (SELECT id FROM write_units));"
            " UPDATE write_units SET documents = documents - 1, sentences = sentences - OLD.sentence_count"
            " WHERE id = OLD.unit; END"
        ),
        (
            "CREATE TRIGGER corpus_counts_update AFTER UPDATE OF sentence_count ON document_rows BEGIN"
            " UPDATE corpus_counts SET sentences = sentences - OLD.sentence_count + NEW.sentence_count"
            " WHERE id = 1 AND (NEW.unit IS NULL OR NEW.unit NOT IN (SELECT id FROM write_units));"
            " UPDATE write_units SET sentences = sentences - OLD.sentence_count + NEW.sentence_count"
            " WHERE id = NEW.unit; END"
        ),
        (
            "CREATE TRIGGER write_units_publish AFTER DELETE ON write_units WHEN OLD.state = 'open' BEGIN"
            " UPDATE corpus_counts SET documents = documents + OLD.documents, sentences = sentences + OLD.sentences"
            " WHERE id = 1; END"
        ),
    ):
        db.execute(statement)


@_step
def m011_serve_links(db: Database) -> None:
    # Browser links (issue 18): one secret link per roster member. Only the SHA-256 of
    # the token is kept, so the file never holds a working link; a revoked link keeps
    # its row (token_hash NULL) so `team link` can say it was revoked.
    _run(
        db,
        """
        CREATE TABLE serve_links (
            name TEXT PRIMARY KEY REFERENCES annotators(name),
            token_hash TEXT UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )
        """,
    )


@_step
def m012_uncertainty_order(db: Database) -> None:
    # Uncertainty-first order (issue 19). `suggest --source model` scores each sentence
    # by how unsure the model is of it, and each document by its most unsure sentence
    # (NULL: no sentence), with the document's rank in that order as its key: the
    # workspace then maps a position to a document (and back) by one key lookup, as
    # in document order, and lists nothing at startup. served_order is the order the
    # workspace served the sentence in (document, random, uncertain), so analyses can
    # separate the work done in each. No foreign keys: sentences and documents are
    # views (m010).
    _run(
        db,
        """
        ALTER TABLE sentence_status ADD COLUMN served_order TEXT;
        CREATE TABLE sentence_uncertainty (
            sentence_id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL,
            model_version INTEGER NOT NULL,
            score REAL NOT NULL
        );
        CREATE INDEX sentence_uncertainty_by_document ON sentence_uncertainty (document_id, score DESC);
        CREATE TABLE document_uncertainty (
            rank INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL UNIQUE,
            seq INTEGER NOT NULL UNIQUE,
            model_version INTEGER NOT NULL,
            score REAL
        )
        """,
    )


# m013: the annotation tables as readers see them, and the key a live write may meet a
# hidden row on (a row of an unfinished merge that this write now takes over).
_ANNOTATION_TABLES = (
    # (view, rows table, view columns, key or None)
    (
        "suggestions",
        "suggestion_rows",
        "id, sentence_id, char_start, char_end, label, term, quoted, detector, reason, score",
        ("sentence_id", "char_start", "char_end", "label", "term"),
    ),
    (
        "suggestion_decisions",
        "decision_rows",
        "suggestion_id, annotator, decision, decided_at",
        ("suggestion_id", "annotator"),
    ),
    (
        "spans",
        "span_rows",
        "id, sentence_id, annotator, char_start, char_end, label, origin, quoted, lexicon_term, suggestion_id,"
        " note, created_at, agreed_by, resolution",
        ("sentence_id", "annotator", "char_start", "char_end", "label"),
    ),
    (
        "sentence_status",
        "sentence_status_rows",
        "sentence_id, annotator, status, judgment, flagged, note, suggestion_mode, first_shown_at, finished_at,"
        " judgment_agreed_by, judgment_resolution, served_order",
        ("sentence_id", "annotator"),
    ),
    ("events", "event_rows", "id, at, annotator, action, sentence_id, payload, origin", None),
)


@_step
def m013_annotation_units(db: Database) -> None:
    # A merge commits a source's annotation rows (suggestions, decisions, spans,
    # sentence states, events) in short batches too, as m010 lets it do for documents:
    # each table becomes a *_rows table with a unit column, behind a view of the old
    # name that leaves out an unfinished unit's rows. Writers write the *_rows tables.
    # A live write (no unit) that meets a hidden row with its key publishes that one
    # row first (the trigger), so the write then goes on as if the merge had already
    # landed it: nothing the annotator writes is hidden, or lost with a discarded unit.
    # An update that moves a row onto a hidden row's key (a span relabelled or resized)
    # removes the hidden one instead, as if the merge had come after it and kept the
    # annotator's. RENAME carries the foreign keys, indexes, triggers and
    # sqlite_sequence rows along.
    for view, rows, columns, key in _ANNOTATION_TABLES:
        db.execute(f"ALTER TABLE {view} RENAME TO {rows}")
        db.execute(f"ALTER TABLE {rows} ADD COLUMN unit INTEGER")
        db.execute(f"CREATE INDEX {rows}_by_unit ON {rows} (unit) WHERE unit IS NOT NULL")
        db.execute(f"CREATE VIEW {view} AS SELECT {columns} FROM {rows} WHERE {VISIBLE}")
        if key is not None:
            same_key = " AND ".join(f"{column} = NEW.{column}" for column in key)
            # A row of a unit being discarded is removed instead: it is on its way out.
            db.execute(
                f"CREATE TRIGGER {rows}_take_over BEFORE INSERT ON {rows} WHEN NEW.unit IS NULL BEGIN"
                f" DELETE FROM {rows} WHERE {same_key}"
                " AND unit IN (SELECT id FROM write_units WHERE state = 'discarding');"
                f" UPDATE {rows} SET unit = NULL WHERE {same_key} AND unit IN (SELECT id FROM write_units); END"
            )
            db.execute(
                f"CREATE TRIGGER {rows}_make_room BEFORE UPDATE OF {', '.join(key)} ON {rows}"
                f" WHEN NEW.unit IS NULL BEGIN DELETE FROM {rows} WHERE {same_key} AND rowid != OLD.rowid"
                " AND unit IN (SELECT id FROM write_units); END"
            )
    for statement in (
        # The per-annotator counts read only the index, the unit column included.
        "DROP INDEX spans_by_annotator",
        "CREATE INDEX spans_by_annotator ON span_rows (annotator, sentence_id, unit)",
        "DROP INDEX sentence_status_by_annotator",
        "CREATE INDEX sentence_status_by_annotator ON sentence_status_rows (annotator, status, sentence_id, unit)",
        # Deleting a suggestion clears the spans' links to it (ON DELETE SET NULL):
        # without this index every deleted suggestion scans every span.
        "CREATE INDEX span_rows_by_suggestion ON span_rows (suggestion_id) WHERE suggestion_id IS NOT NULL",
        # The annotators a merge added before its end (its rows refer to them): a
        # discarded unit takes back those nothing else uses.
        "ALTER TABLE write_units ADD COLUMN annotators TEXT NOT NULL DEFAULT '[]'",
    ):
        db.execute(statement)


def _run(db: Database, script: str) -> None:
    # Not executescript(): it commits any open transaction first, which would break
    # the all-or-nothing guarantee Migrations gives each step.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


def known_names() -> list[str]:
    return [func.__name__ for func in _STEPS]
