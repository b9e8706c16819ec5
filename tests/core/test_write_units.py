"""Batched big writes: an import commits in short batches, yet every reader sees each file whole or not at all, a failed or killed file's batches are removed, and suggest commits sentence batch by batch."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import corpus_import as importer_module
from annotator.corpus_import import Importer, ImportOptions
from annotator.errors import InputError
from annotator.lexicon.suggest import suggest_all
from annotator.model import Document, LexiconEntry, Sentence, SpanAnnotation, Suggestion
from annotator.store import Store


def _records(count: int, prefix: str = "d") -> list[dict]:
    return [
        {"id": f"{prefix}{n}", "text": f"Kalimat nomor {n} untuk {prefix} ini. Rezim itu bungkam lagi."}
        for n in range(count)
    ]


def _jsonl(path: Path, records: list[dict], bad_last: bool = False) -> Path:
    lines = [json.dumps(r) for r in records]
    if bad_last:
        lines.append('{"id": "broken", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stage(store: Store, unit: int, ids: list[str]) -> None:
    """Commit documents (one sentence each, with a suggestion) as batches of `unit`, as
    an import does before its file's last batch."""
    for document_id in ids:
        text = f"Rezim {document_id}."
        sentence = Sentence(None, document_id, 0, 0, len(text), text, [(0, 5)])
        with store.transaction():
            store.corpus.insert_documents([(Document(document_id, text, content_hash=document_id), [sentence])], unit)
            store.suggestions.add([Suggestion(sentence.id, 0, 5, "loaded_language", "rezim")])


@pytest.fixture
def project(tmp_path: Path, tagset) -> Path:
    path = tmp_path / "p.db"
    with Store.open(path, create=True) as store:
        store.initialize("units", tagset)
    return path


def _reader_view(path: Path) -> dict:
    """What another process sees, through every kind of reader the store has."""
    with Store.open(path, readonly=True) as other:
        return {
            "counts": other.corpus.counts(),
            "ids": other.corpus.document_ids(),
            "total": other.corpus.sentence_total(),
            "range": other.corpus.document_seq_range(),
            "search": len(other.corpus.search_sentences("Kalimat")),
            "sentences": sum(1 for _ in other.corpus.iter_sentences()),
            "export": sum(len(rows) for rows in other.exports.iter_rows("documents")),
        }


def test_a_file_in_many_committed_batches_stays_invisible_until_its_last_batch(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 5)
    monkeypatch.setattr(importer_module, "COMMIT_GAP_SECONDS", 0.0)
    seen: list[tuple[int, dict]] = []

    def look(store: Store, sentences) -> None:
        # Runs inside each batch's transaction: what earlier batches committed is on disk.
        committed = sqlite3.connect(project).execute("SELECT COUNT(*) FROM document_rows").fetchone()[0]
        seen.append((committed, _reader_view(project)))

    with Store.open(project) as store:
        report = Importer(store, ImportOptions(parallel=False), on_sentences=look).run(
            [_jsonl(tmp_path / "a.jsonl", _records(23))]
        )
    assert report.documents == 23 and not report.failed
    assert [committed for committed, _ in seen] == [0, 5, 10, 15, 20], "each batch committed on its own"
    final = _reader_view(project)
    for _, view in seen:
        assert view["counts"]["documents"] == 0 and view["ids"] == [] and view["total"] == 0
        assert view["search"] == view["sentences"] == view["export"] == 0
        assert view["range"] == (0, 0, 0)
    assert final["counts"]["documents"] == 23 and final["total"] == final["counts"]["sentences"] == 46
    assert final["range"] == (23, 1, 23) and final["export"] == 23


def test_a_refused_record_removes_the_batches_its_file_committed(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 4)
    good = _jsonl(tmp_path / "good.jsonl", _records(6, "g"))
    bad = _jsonl(tmp_path / "bad.jsonl", _records(17, "b"), bad_last=True)
    with Store.open(project) as store:
        report = Importer(store, ImportOptions(parallel=False)).run([good, bad])
        assert [f.error is None for f in report.files] == [True, False]
        assert store.corpus.counts()["documents"] == 6 and store.corpus.sentence_total() == 12
        raw = store.conn.execute("SELECT COUNT(*) FROM document_rows").fetchone()[0]
        assert raw == 6, "the refused file's committed batches are gone"
        assert store.conn.execute("SELECT COUNT(*) FROM sentence_rows").fetchone()[0] == 12
        assert store.units.open_units() == []


def test_a_dead_importers_unit_is_removed_by_the_next_open(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 4)
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(child.stdout)
    with Store.open(project) as store:
        Importer(store, ImportOptions(parallel=False)).run([_jsonl(tmp_path / "kept.jsonl", _records(3, "k"))])
        unit = store.units.begin("import", "killed.jsonl")
        # What a SIGKILLed import leaves: its unit open and some batches committed.
        _stage(store, unit, ["x1", "x2", "x3"])
        with store.transaction():
            store.conn.execute("UPDATE write_units SET pid = ?, process_start = NULL", [dead_pid])
        assert store.conn.execute("SELECT COUNT(*) FROM document_rows WHERE unit = ?", [unit]).fetchone()[0] > 0
        assert store.corpus.counts()["documents"] == 3 and store.corpus.sentence_total() == 6
    with Store.open(project) as store:
        assert store.units.open_units() == []
        assert store.conn.execute("SELECT COUNT(*) FROM document_rows").fetchone()[0] == 3
        assert store.corpus.counts()["documents"] == 3 and store.corpus.sentence_total() == 6
        assert store.integrity_check() == "ok"
        # And the file imports afresh.
        report = Importer(store, ImportOptions(parallel=False)).run([_jsonl(tmp_path / "x.jsonl", _records(9, "x"))])
        assert report.documents == 9 and store.corpus.counts()["documents"] == 12


def test_a_live_writers_unit_is_left_alone(project):
    with Store.open(project) as store:
        unit = store.units.begin("import", "running.jsonl")
    with Store.open(project) as store:
        assert [u.id for u in store.units.open_units()] == [unit]


def test_the_old_path_holds_a_file_in_one_transaction(project, tmp_path, monkeypatch):
    # The benchmarks' baseline: without batch commits nothing is committed mid-file.
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 5)
    committed = []

    def look(store: Store, sentences) -> None:
        committed.append(sqlite3.connect(project).execute("SELECT COUNT(*) FROM document_rows").fetchone()[0])

    with Store.open(project) as store:
        Importer(store, ImportOptions(parallel=False, batch_commits=False), on_sentences=look).run(
            [_jsonl(tmp_path / "a.jsonl", _records(12))]
        )
        assert store.corpus.counts()["documents"] == 12
    assert committed == [0, 0, 0]


def _lexicon(store: Store) -> None:
    store.lexicons.save("t", [LexiconEntry(term="rezim", label="loaded_language", match="exact")])


@pytest.mark.parametrize("batched", [True, False])
def test_suggest_leaves_the_write_lock_free_between_batches_only_when_batched(project, tmp_path, monkeypatch, batched):
    from annotator.lexicon import suggest as suggest_module

    monkeypatch.setattr(suggest_module, "BATCH_SENTENCES", 10)
    with Store.open(project) as store:
        Importer(store, ImportOptions(parallel=False)).run([_jsonl(tmp_path / "a.jsonl", _records(20))])
        _lexicon(store)
        other = sqlite3.connect(project, timeout=0)
        free = []

        def try_write(count: int) -> None:
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                free.append(True)
            except sqlite3.OperationalError:
                free.append(False)

        report = suggest_all(store, on_progress=try_write, batch_commits=batched)
        assert report.sentences == 40 and report.added == 20
        assert free == [batched] * 4
        assert len(store.suggestions.for_sentence(store.corpus.sentences_of("d3")[1].id)) == 1


def test_lexicon_stats_leave_out_an_unfinished_files_suggestions(project):
    with Store.open(project) as store:
        unit = store.units.begin("import", "x.jsonl")
        _stage(store, unit, ["a", "b"])
        assert store.suggestions.tallies() == []
        store.units.publish(unit)
        assert [t.hits for t in store.suggestions.tallies()] == [2]
        assert store.corpus.counts()["documents"] == 2 and store.corpus.sentence_total() == 2


def test_lexicon_replace_commits_entries_in_batches_and_swaps_at_once(project, monkeypatch):
    from annotator.store import lexicons as lexicons_module
    from annotator.store.lexicons import Lexicons

    monkeypatch.setattr(lexicons_module, "LEXICON_BATCH", 3)
    monkeypatch.setattr(lexicons_module, "COMMIT_GAP_SECONDS", 0.0)
    old = [LexiconEntry(term=f"lama{n}", label="loaded_language", match="exact") for n in range(4)]
    new = [LexiconEntry(term=f"baru{n}", label="loaded_language", match="exact") for n in range(8)]
    seen = []
    original = Lexicons._insert_entries

    def spy(self, lexicon_id, entries):
        # What another process sees while the batches go in: the old lexicon, whole.
        with Store.open(project, readonly=True) as other:
            seen.append(
                (
                    [e.term for e in other.lexicons.entries()],
                    [lx.name for lx in other.lexicons.all()],
                    other.lexicons.neutral("baru0", "loaded_language"),
                )
            )
        return original(self, lexicon_id, entries)

    with Store.open(project) as store:
        store.lexicons.save("x", old)
        monkeypatch.setattr(Lexicons, "_insert_entries", spy)
        with pytest.raises(Exception, match="pass --replace"):
            store.lexicons.save("x", new)
        saved = store.lexicons.save("x", new, replace=True)
        assert saved.entries == 8 and [e.term for e in store.lexicons.entries("x")] == [e.term for e in new]
        assert store.units.open_units() == []
        assert store.conn.execute("SELECT COUNT(*) FROM lexicon_rows").fetchone()[0] == 1
        assert store.conn.execute("SELECT COUNT(*) FROM lexicon_entries").fetchone()[0] == 8
    assert len(seen) == 3, "the entries went in three batches"
    assert all(view == ([e.term for e in old], ["x"], None) for view in seen)


def test_a_failed_lexicon_load_leaves_the_old_one_and_nothing_else(project, monkeypatch):
    from annotator.store import lexicons as lexicons_module

    monkeypatch.setattr(lexicons_module, "LEXICON_BATCH", 2)
    with Store.open(project) as store:
        store.lexicons.save("x", [LexiconEntry(term="lama", label="loaded_language", match="exact")])
        twice = [LexiconEntry(term=f"t{n}", label="loaded_language", match="exact") for n in range(3)]
        twice.append(twice[0])  # the UNIQUE constraint refuses the last batch
        with pytest.raises(sqlite3.IntegrityError):
            store.lexicons.save("x", twice, replace=True)
        assert [e.term for e in store.lexicons.entries()] == ["lama"]
        assert store.conn.execute("SELECT COUNT(*) FROM lexicon_rows").fetchone()[0] == 1
        assert store.conn.execute("SELECT COUNT(*) FROM lexicon_entries").fetchone()[0] == 1
        assert store.units.open_units() == []


def _source_with_documents(tmp_path: Path, tagset, count: int) -> Path:
    source = tmp_path / "laptop.db"
    with Store.open(source, create=True) as other:
        other.initialize("laptop", tagset)
        Importer(other, ImportOptions(parallel=False)).run([_jsonl(tmp_path / "m.jsonl", _records(count, "m"))])
        sentence = other.corpus.sentences_of("m0")[0]
        other.annotations.add_span(SpanAnnotation(sentence.id, "budi", 0, 7, "loaded_language"))
    return source


def test_a_merge_copies_new_documents_in_committed_batches_and_shows_the_source_at_once(
    project, tmp_path, tagset, monkeypatch
):
    from annotator.interchange.merge import merge_project
    from annotator.store import merge as merge_module

    monkeypatch.setattr(merge_module, "BATCH_DOCUMENTS", 4)
    monkeypatch.setattr(merge_module, "COMMIT_GAP_SECONDS", 0.0)
    source = _source_with_documents(tmp_path, tagset, 10)
    seen = []
    original = merge_module.copy_document_batch

    def look(*args):
        committed = sqlite3.connect(project).execute("SELECT COUNT(*) FROM document_rows").fetchone()[0]
        view = _reader_view(project)
        with Store.open(project, readonly=True) as other:
            spans = other.annotations.progress()
        seen.append((committed, view["counts"]["documents"], view["total"], spans))
        original(*args)

    monkeypatch.setattr(merge_module, "copy_document_batch", look)
    with Store.open(project) as store:
        result = merge_project(store, source)
        assert (result.documents_added, result.sentences_added, result.spans_added) == (10, 20, 1)
        assert store.corpus.counts()["documents"] == 10 and store.units.open_units() == []
    assert [row[0] for row in seen] == [0, 4, 8], "each batch committed on its own"
    assert all(row[1:] == (0, 0, []) for row in seen), "nothing of the source showed before its end"


def test_a_merge_that_fails_midway_removes_its_batches(project, tmp_path, tagset, monkeypatch):
    from annotator.interchange.merge import merge_project
    from annotator.store import merge as merge_module

    monkeypatch.setattr(merge_module, "BATCH_DOCUMENTS", 3)
    source = _source_with_documents(tmp_path, tagset, 10)
    original, calls = merge_module.copy_document_batch, []

    def fail_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        original(*args)

    monkeypatch.setattr(merge_module, "copy_document_batch", fail_third)
    with Store.open(project) as store:
        with pytest.raises(OSError):
            merge_project(store, source)
        assert store.conn.execute("SELECT COUNT(*) FROM document_rows").fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM sentence_rows").fetchone()[0] == 0
        assert store.units.open_units() == [] and store.corpus.counts()["documents"] == 0
        monkeypatch.setattr(merge_module, "copy_document_batch", original)
        assert merge_project(store, source).documents_added == 10


def _large_txt(path: Path, sentences: int) -> Path:
    # A line per pair of sentences: a large document is cut into pieces at line ends.
    text = "\n".join(f"Kalimat panjang nomor {n} di sini. Rezim itu bungkam." for n in range(sentences))
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_a_large_txt_document_commits_piece_by_piece_and_stays_invisible_until_whole(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "LARGE_DOCUMENT_CHARS", 2_000)
    monkeypatch.setattr(importer_module, "PIECE_BYTES", 600)
    monkeypatch.setattr(importer_module, "COMMIT_GAP_SECONDS", 0.0)
    source = _large_txt(tmp_path / "big.txt", 120)
    seen: list[tuple[int, dict]] = []

    def look(store: Store, sentences) -> None:
        # Inside each piece's transaction: what earlier pieces committed is on disk.
        committed = sqlite3.connect(project).execute("SELECT COUNT(*) FROM sentence_rows").fetchone()[0]
        seen.append((committed, _reader_view(project)))

    with Store.open(project) as store:
        report = Importer(store, ImportOptions(parallel=False), on_sentences=look).run([source])
    assert report.documents == 1 and not report.failed
    committed = [count for count, _ in seen]
    assert len(committed) > 5 and committed == sorted(committed) and committed[0] == 0 and committed[-1] > 0
    assert all(view["counts"]["documents"] == 0 and view["sentences"] == 0 for _, view in seen)
    final = _reader_view(project)
    assert final["counts"]["documents"] == 1 and final["total"] == 240
    with Store.open(project, readonly=True) as store:
        assert store.units.open_units() == []


def test_a_large_txt_document_that_fails_midway_leaves_nothing(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "LARGE_DOCUMENT_CHARS", 2_000)
    monkeypatch.setattr(importer_module, "PIECE_BYTES", 600)
    monkeypatch.setattr(importer_module, "COMMIT_GAP_SECONDS", 0.0)
    pieces = []

    def fail_on_the_fourth(store: Store, sentences) -> None:
        pieces.append(len(sentences))
        if len(pieces) == 4:
            raise InputError("big.txt: refused midway")

    with Store.open(project) as store:
        report = Importer(store, ImportOptions(parallel=False), on_sentences=fail_on_the_fourth).run(
            [_large_txt(tmp_path / "big.txt", 120)]
        )
        assert report.failed and len(pieces) == 4
        assert store.conn.execute("SELECT COUNT(*) FROM document_rows").fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM sentence_rows").fetchone()[0] == 0
        assert store.units.open_units() == []
