"""A merge's annotation rows (suggestions, decisions, spans, sentence states, events)
commit in short batches as rows of its write unit: readers see none of them until the
last transaction publishes the unit, a failure removes them all, and a live write that
meets one of them takes it over rather than losing to it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.corpus_import import Importer, ImportOptions
from annotator.interchange.merge import merge_project
from annotator.model import Event, SentenceState, SpanAnnotation, Suggestion
from annotator.store import Store, merge_annotations

ROW_TABLES = ("suggestion_rows", "decision_rows", "span_rows", "sentence_status_rows", "event_rows")
SENTENCES = 6


@pytest.fixture
def project(tmp_path: Path, tagset) -> Path:
    """A project and, beside it, a copy (`laptop.db`) where budi annotated every
    sentence: the merge's documents all match, and only annotation rows move."""
    path = tmp_path / "p.db"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps({"id": f"d{n}", "text": f"Rezim nomor {n} itu bungkam. Kalimat lain {n} di sini."})
            for n in range(SENTENCES // 2)
        )
        + "\n",
        encoding="utf-8",
    )
    with Store.open(path, create=True) as store:
        store.initialize("batches", tagset)
        Importer(store, ImportOptions(parallel=False)).run([corpus])
        first = store.corpus.iter_sentences().__next__()
        # Here: an early state and a decision of budi's on the first sentence.
        store.suggestions.add([Suggestion(first.id, 0, 5, "loaded_language", "rezim")])
        [suggestion] = store.suggestions.for_sentence(first.id)
        store.suggestions.set_decision(suggestion.id, "budi", "rejected")
        with store.transaction():
            store.conn.execute("UPDATE decision_rows SET decided_at = '2026-01-01T00:00:00'")
        store.annotations.put_judgment(SentenceState(first.id, "budi", "done", finished_at="2026-01-01T00:00:00"))
    Store.copy_database(path, tmp_path / "laptop.db")
    with Store.open(tmp_path / "laptop.db") as laptop:
        for sentence in laptop.corpus.iter_sentences():
            laptop.suggestions.add([Suggestion(sentence.id, 0, 5, "loaded_language", "rezim")])
            [suggestion] = laptop.suggestions.for_sentence(sentence.id)
            laptop.suggestions.set_decision(suggestion.id, "budi", "accepted")
            laptop.annotations.add_span(
                SpanAnnotation(
                    sentence.id, "budi", 0, 5, "loaded_language", origin="suggestion", suggestion_id=suggestion.id
                )
            )
            laptop.annotations.put_judgment(
                SentenceState(sentence.id, "budi", "done", finished_at="2026-06-01T00:00:00")
            )
            laptop.annotations.append_event(Event("budi", "span.add", {"n": sentence.id}, sentence.id))
    return path


def _seen(path: Path) -> dict:
    """What another process reads, through the store."""
    with Store.open(path, readonly=True) as other:
        first = next(other.corpus.iter_sentences())
        return {
            "spans": sum(1 for _ in other.annotations.iter_spans(["budi"])),
            "done": other.annotations.done_count("budi"),
            "events": len(other.annotations.events("budi")),
            "suggestions": sum(len(other.suggestions.for_sentence(s.id)) for s in other.corpus.iter_sentences()),
            "first": (
                other.annotations.get_judgment(first.id, "budi").finished_at,
                other.suggestions.for_sentence(first.id, "budi")[0].decision,
            ),
        }


def _committed(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ROW_TABLES}
    finally:
        conn.close()


def _watch_batches(monkeypatch, path: Path, fail_at: int | None = None) -> list:
    """Look at the project before each annotation batch (and fail one, if asked)."""
    monkeypatch.setattr(merge_annotations, "BATCH_ROWS", 2)
    seen: list = []
    for name in ("_copy_suggestions", "_copy_decisions", "_copy_spans", "_copy_states", "_copy_events"):
        original = getattr(merge_annotations, name)

        def look(merge, unit, low, high, original=original, name=name):
            seen.append((name, _committed(path), _seen(path)))
            if fail_at is not None and len(seen) == fail_at:
                raise OSError("disk full")
            return original(merge, unit, low, high)

        monkeypatch.setattr(merge_annotations, name, look)
    return seen


def test_annotation_rows_commit_in_batches_and_show_only_when_the_merge_ends(project, tmp_path, monkeypatch):
    from annotator.store import merge as merge_module

    monkeypatch.setattr(merge_module, "COMMIT_GAP_SECONDS", 0.0)
    before = _seen(project)
    seen = _watch_batches(monkeypatch, project)
    with Store.open(project) as store:
        result = merge_project(store, tmp_path / "laptop.db")
    # Three batches of two for each of the five tables (one suggestion was here already).
    assert [name for name, *_ in seen].count("_copy_spans") == SENTENCES // 2
    committed = [rows for _, rows, _ in seen]
    assert committed == sorted(committed, key=lambda rows: sum(rows.values())) and committed[0] != committed[-1]
    assert all(view == before for _, _, view in seen), "no reader saw any of the source before its end"
    assert (result.spans_added, result.statuses_added, result.statuses_updated) == (SENTENCES, SENTENCES - 1, 1)
    assert (result.suggestions_added, result.decisions_added, result.decisions_updated) == (
        SENTENCES - 1,
        SENTENCES - 1,
        1,
    )
    assert result.events_added == SENTENCES
    after = _seen(project)
    assert after == {
        "spans": SENTENCES,
        "done": SENTENCES,
        "events": SENTENCES,
        "suggestions": SENTENCES,
        "first": ("2026-06-01T00:00:00", "accepted"),
    }
    with Store.open(project) as store:
        assert store.units.open_units() == [] and store.integrity_check() == "ok"
        # Each span points at its suggestion here, found by its key.
        spans = list(store.annotations.iter_spans(["budi"]))
        assert all(store.suggestions.for_sentence(s.sentence_id)[0].id == s.suggestion_id for s in spans)
        again = merge_project(store, tmp_path / "laptop.db")
    assert (again.spans_added, again.statuses_added, again.events_added, again.decisions_added) == (0, 0, 0, 0)
    assert _seen(project) == after


@pytest.mark.parametrize("fail_at", [1, 4, 9, 14])
def test_a_merge_failing_in_its_annotation_batches_leaves_the_project_as_it_was(
    project, tmp_path, monkeypatch, fail_at
):
    with Store.open(project) as store:
        names = store.annotations.annotators()
    before, committed = _seen(project), _committed(project)
    _watch_batches(monkeypatch, project, fail_at=fail_at)
    with Store.open(project) as store:
        with pytest.raises(OSError):
            merge_project(store, tmp_path / "laptop.db")
        assert store.units.open_units() == [] and store.annotations.annotators() == names
    assert _committed(project) == committed and _seen(project) == before


def _laptop_with_a_new_annotator(tmp_path: Path) -> Path:
    laptop = tmp_path / "laptop.db"
    with Store.open(laptop) as other:
        sentence = next(other.corpus.iter_sentences())
        other.annotations.add_span(SpanAnnotation(sentence.id, "citra", 6, 11, "loaded_language"))
    return laptop


def test_annotators_a_failed_merge_added_are_taken_back(project, tmp_path, monkeypatch):
    laptop = _laptop_with_a_new_annotator(tmp_path)
    _watch_batches(monkeypatch, project, fail_at=9)
    with Store.open(project) as store:
        with pytest.raises(OSError):
            merge_project(store, laptop)
        assert "citra" not in store.annotations.annotators()


_KILLED_MERGE = """
import os, signal, sys
from pathlib import Path
from annotator.interchange.merge import merge_project
from annotator.store import Store, merge_annotations
merge_annotations._copy_spans = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
with Store.open(sys.argv[1]) as store:
    merge_project(store, Path(sys.argv[2]))
"""


def test_a_killed_merge_leaves_nothing_after_the_next_open_not_even_its_annotators(project, tmp_path):
    laptop = _laptop_with_a_new_annotator(tmp_path)
    before, committed = _seen(project), _committed(project)
    child = subprocess.run([sys.executable, "-c", _KILLED_MERGE, str(project), str(laptop)], capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    conn = sqlite3.connect(project)
    assert conn.execute("SELECT annotators FROM write_units").fetchall() == [('["citra"]',)]
    assert conn.execute("SELECT COUNT(*) FROM decision_rows WHERE unit IS NOT NULL").fetchone()[0] > 0
    conn.close()
    with Store.open(project) as store:  # a writer's open removes the dead unit
        assert store.units.open_units() == [] and "citra" not in store.annotations.annotators()
        assert store.integrity_check() == "ok"
    assert _committed(project) == committed and _seen(project) == before


def test_a_second_merge_is_refused_while_one_is_running(project, tmp_path):
    from annotator.store.units import UnitBusy

    before, committed = _seen(project), _committed(project)
    with Store.open(project) as store:
        store.units.begin("merge", "elsewhere.db")
        with pytest.raises(UnitBusy, match="another merge into this project is running"):
            merge_project(store, tmp_path / "laptop.db")
        assert len(store.units.open_units()) == 1
    assert _committed(project) == committed and _seen(project) == before


def test_a_suggest_run_removing_a_suggestion_midway_does_not_fail_the_merge(project, tmp_path, monkeypatch):
    original = merge_annotations._copy_spans

    def suggest_meanwhile(merge, unit, low, high):
        if low == 0:
            first = next(merge.store.corpus.iter_sentences())
            merge.store.suggestions.sync([first.id], [])  # the decision to replace goes with it
        return original(merge, unit, low, high)

    monkeypatch.setattr(merge_annotations, "_copy_spans", suggest_meanwhile)
    with Store.open(project) as store:
        result = merge_project(store, tmp_path / "laptop.db")
        assert result.decisions_updated == 0 and result.spans_added == SENTENCES
        first = next(store.corpus.iter_sentences())
        assert store.suggestions.for_sentence(first.id) == []
        assert store.integrity_check() == "ok"


def _hidden_unit(store: Store) -> int:
    """An open merge unit holding a span, a sentence state, a suggestion with a
    decision and an event of budi's on the first sentence, hidden from readers."""
    sentence = next(store.corpus.iter_sentences())
    unit = store.units.begin("merge", "elsewhere.db")
    with store.transaction():
        run = store.conn.execute
        run("INSERT OR IGNORE INTO annotators (name, created_at) VALUES ('budi', 't')")
        suggestion = run(
            "INSERT INTO suggestion_rows (sentence_id, char_start, char_end, label, term, unit)"
            " VALUES (?, 6, 11, 'loaded_language', 'nomor', ?)",
            [sentence.id, unit],
        ).lastrowid
        run(
            "INSERT INTO decision_rows (suggestion_id, annotator, decision, decided_at, unit)"
            " VALUES (?, 'budi', 'accepted', 't', ?)",
            [suggestion, unit],
        )
        run(
            "INSERT INTO span_rows (sentence_id, annotator, char_start, char_end, label, origin, note, created_at, unit)"
            " VALUES (?, 'budi', 6, 11, 'loaded_language', 'manual', 'from the merge', 't', ?)",
            [sentence.id, unit],
        )
        run("DELETE FROM sentence_status_rows WHERE annotator = 'budi'")
        run(
            "INSERT INTO sentence_status_rows (sentence_id, annotator, status, judgment, unit)"
            " VALUES (?, 'budi', 'done', 'biased', ?)",
            [sentence.id, unit],
        )
    return unit


def test_readers_never_see_an_open_units_rows(project):
    with Store.open(project) as store:
        sentence = next(store.corpus.iter_sentences())
        _hidden_unit(store)
        assert store.annotations.spans_for_sentence(sentence.id, "budi") == []
        assert store.annotations.get_judgment(sentence.id, "budi") is None
        assert [g.term for g in store.suggestions.for_sentence(sentence.id)] == ["rezim"]


@pytest.mark.parametrize("then", ["publish", "discard"])
def test_a_live_write_on_a_hidden_rows_key_takes_the_row_over(project, then):
    with Store.open(project) as store:
        sentence = next(store.corpus.iter_sentences())
        unit = _hidden_unit(store)
        span = store.annotations.add_span(SpanAnnotation(sentence.id, "budi", 6, 11, "loaded_language"))
        state = SentenceState(sentence.id, "budi", "skipped", note="live")
        store.annotations.put_judgment(state)
        store.suggestions.add([Suggestion(sentence.id, 6, 11, "loaded_language", "nomor")])
        [taken] = [g for g in store.suggestions.for_sentence(sentence.id) if g.term == "nomor"]
        store.suggestions.set_decision(taken.id, "budi", "rejected")
        # Each write shows at once, on the row the merge had brought.
        assert store.annotations.spans_for_sentence(sentence.id, "budi") == [span]
        assert span.note == "from the merge"
        assert store.annotations.get_judgment(sentence.id, "budi") == state
        (store.units.publish if then == "publish" else store.units.discard)(unit)
        # ...and none of them goes with the unit.
        assert store.annotations.spans_for_sentence(sentence.id, "budi") == [span]
        assert store.annotations.get_judgment(sentence.id, "budi") == state
        [kept] = [g for g in store.suggestions.for_sentence(sentence.id, "budi") if g.term == "nomor"]
        assert (kept.id, kept.decision) == (taken.id, "rejected")
        assert store.integrity_check() == "ok"


def test_a_live_write_on_a_discarding_units_key_replaces_the_row(project):
    with Store.open(project) as store:
        sentence = next(store.corpus.iter_sentences())
        unit = _hidden_unit(store)
        store.conn.execute("UPDATE write_units SET state = 'discarding' WHERE id = ?", [unit])
        span = store.annotations.add_span(SpanAnnotation(sentence.id, "budi", 6, 11, "loaded_language", note="mine"))
        assert span.note == "mine"
        store.units.discard(unit)
        assert store.annotations.spans_for_sentence(sentence.id, "budi") == [span]


def test_by_key_deletes_and_updates_leave_an_open_units_rows_alone(project):
    with Store.open(project) as store:
        sentence = next(store.corpus.iter_sentences())
        unit = _hidden_unit(store)
        store.annotations.delete_judgment(sentence.id, "budi")
        with store.transaction():
            store.team.touch_finished(sentence.id, "budi", "2030-01-01T00:00:00")
        store.units.publish(unit)
        state = store.annotations.get_judgment(sentence.id, "budi")
        assert (state.status, state.judgment, state.finished_at) == ("done", "biased", None)


def test_a_span_moved_onto_a_hidden_spans_key_replaces_that_one(project):
    with Store.open(project) as store:
        sentence = next(store.corpus.iter_sentences())
        live = store.annotations.add_span(SpanAnnotation(sentence.id, "budi", 0, 5, "loaded_language"))
        unit = _hidden_unit(store)
        moved = store.annotations.update_span(live.id, start=6, end=11)
        store.units.publish(unit)
        assert store.annotations.spans_for_sentence(sentence.id, "budi") == [moved]
        assert moved.note is None


def test_clearing_a_suggestions_links_reads_an_index_not_every_span(project):
    with Store.open(project) as store:
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN DELETE FROM suggestion_rows WHERE id = 1")]
    assert not any(step.startswith("SCAN span_rows") for step in plan), plan
