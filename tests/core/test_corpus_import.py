"""Importing files into a store: idempotence, refusals, all-or-nothing files, workers."""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from annotator import corpus_import as importer_module
from annotator.corpus_import import Importer, ImportOptions
from annotator.model import SpanAnnotation
from annotator.resources import sample_paths
from tests.bench.corpus import write_jsonl as write_corpus


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_samples_import_with_consistent_offsets(store):
    report = Importer(store).run(sample_paths())
    assert (report.documents, report.sentences, report.skipped, report.failed) == (3, 53, 0, [])
    assert store.corpus.counts() == {"documents": 3, "sentences": 53, "tokens": report.tokens}
    for document_id in store.corpus.document_ids():
        document = store.corpus.get_document(document_id)
        sentences = store.corpus.sentences_of(document_id)
        assert document.sentence_count == len(sentences)
        assert document.token_count == sum(len(s.tokens) for s in sentences)
        assert [s.index for s in sentences] == list(range(len(sentences)))
        for s in sentences:
            assert s.text == document.text[s.doc_start : s.doc_end]
            assert all(0 <= a < b <= len(s.text) for a, b in s.tokens)


def test_documents_keep_import_order(store, tmp_path):
    path = jsonl(tmp_path / "x.jsonl", [{"id": f"d{i}", "text": f"Teks nomor {i}."} for i in (3, 1, 2)])
    Importer(store).run([path])
    assert store.corpus.document_ids() == ["d3", "d1", "d2"]
    assert [store.corpus.document_position(i) for i in ("d3", "d1", "d2")] == [1, 2, 3]


def test_reimport_is_skipped_and_reported(store):
    Importer(store).run(sample_paths())
    again = Importer(store).run(sample_paths())
    assert (again.documents, again.skipped, again.failed) == (0, 3, [])
    assert all("already imported" in s for f in again.files for s in f.skipped)
    assert store.corpus.counts()["documents"] == 3


def test_same_id_with_different_text_is_refused_and_annotations_survive(store, tmp_path):
    Importer(store).run([jsonl(tmp_path / "a.jsonl", [{"id": "doc", "text": "Teks asli. Kalimat dua."}])])
    sentence = store.corpus.sentences_of("doc")[0]
    store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 0, 4, "loaded_language"))
    report = Importer(store).run([jsonl(tmp_path / "b.jsonl", [{"id": "doc", "text": "Teks baru."}])])
    [failure] = report.failed
    assert "document id 'doc' already exists with different text" in failure.error
    assert "b.jsonl:1" in failure.error
    assert store.corpus.get_document("doc").text == "Teks asli. Kalimat dua."
    assert len(store.annotations.spans_for_sentence(sentence.id, "ana")) == 1


def test_same_text_under_another_id_is_skipped(store, tmp_path):
    path = jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": "Sama."}, {"id": "b", "text": "Sama."}])
    report = Importer(store).run([path])
    assert report.documents == 1
    assert report.files[0].skipped == ["b (same text as a)"]


def test_repeated_record_in_one_file_is_skipped(store, tmp_path):
    path = jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": "Sama."}, {"id": "a", "text": "Sama."}])
    assert Importer(store).run([path]).files[0].skipped == ["a (already imported)"]


def test_failing_file_leaves_no_partial_document(store, tmp_path):
    records = [{"id": f"ok{i}", "text": f"Kalimat {i}."} for i in range(150)]
    path = tmp_path / "rusak.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "{not json}\n", encoding="utf-8")
    report = Importer(store).run([path])
    [failure] = report.failed
    assert "rusak.jsonl:151: malformed JSON" in failure.error
    assert (failure.documents, failure.sentences, report.documents) == (0, 0, 0)
    assert store.corpus.counts() == {"documents": 0, "sentences": 0, "tokens": 0}


def test_good_paths_are_imported_when_others_fail(store, tmp_path):
    good = jsonl(tmp_path / "good.jsonl", [{"id": "g", "text": "Baik."}])
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02")
    report = Importer(store).run([empty, good, tmp_path / "missing.txt", binary, sample_paths()[0]])
    assert report.documents == 2
    assert sorted(Path(f.path).name for f in report.failed) == ["bin.txt", "empty.txt", "missing.txt"]
    assert store.corpus.document_ids() == ["g", sample_paths()[0].stem]


def test_txt_files_around_a_failing_file_are_kept(store, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "COMMIT_SECONDS", 0.0)
    folder = tmp_path / "korpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Berita satu. Kalimat dua.", encoding="utf-8")
    (folder / "b.jsonl").write_text('{"id": "b1", "text": "Satu."}\n{"id": "b2"}\n', encoding="utf-8")
    (folder / "c.txt").write_text("Berita C.", encoding="utf-8")
    report = Importer(store).run([folder])
    assert [Path(f.path).name for f in report.failed] == ["b.jsonl"]
    assert store.corpus.document_ids() == ["a", "c"]
    assert report.files[0].sentences == 2


def test_hook_sees_each_batch_inside_the_transaction(store, tmp_path):
    seen = []

    def hook(hook_store, sentences):
        assert hook_store.conn.in_transaction
        assert all(s.id is not None and hook_store.corpus.get_sentence(s.id).text == s.text for s in sentences)
        seen.extend(sentences)

    report = Importer(store, on_sentences=hook).run(sample_paths())
    assert len(seen) == report.sentences == 53
    assert len({s.id for s in seen}) == 53


def test_hook_failure_rolls_back_the_import(store):
    def hook(hook_store, sentences):
        raise RuntimeError("lexicon broke")

    with pytest.raises(RuntimeError):
        Importer(store, on_sentences=hook).run(sample_paths())
    assert store.corpus.counts()["documents"] == 0


def test_progress_adds_up_to_the_input_size(store, tmp_path):
    path = write_corpus(tmp_path / "c.jsonl", 0.05, seed=1)
    steps: list[int] = []
    Importer(store, on_progress=steps.append).run([path, *sample_paths()])
    assert sum(steps) == path.stat().st_size + sum(p.stat().st_size for p in sample_paths())
    assert len(steps) > 3


def test_worker_processes_give_the_same_result_as_one_process(tmp_path, monkeypatch, tagset):
    from annotator.store import Store

    monkeypatch.setattr(importer_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 8)
    path = write_corpus(tmp_path / "c.jsonl", 0.2, seed=7)
    results = []
    for parallel in (False, True):
        with Store.open(tmp_path / f"p{parallel}.db", create=True) as store:
            store.initialize("t", tagset)
            report = Importer(store, ImportOptions(parallel=parallel, workers=1)).run([path])
            assert report.failed == []
            results.append(
                [
                    (s.id, s.document_id, s.index, s.doc_start, s.doc_end, s.tokens)
                    for s in store.corpus.iter_sentences()
                ]
            )
    assert results[0] == results[1]
    assert len(results[0]) > 100


class CapitalWords:
    """A minimal SentenceAnalyzer: the capitalised words of each sentence (pure)."""

    def __init__(self):
        self.written: list[tuple[int, str, tuple]] = []

    def prepare(self) -> None:
        pass

    def analyse(self, text, tokens):
        return tuple(text[a:b] for a, b in tokens if text[a:b][:1].isupper())

    def write(self, store, found):
        assert store.conn.in_transaction
        self.written += [(sentence.id, sentence.text, result) for sentence, result in found]

    def __call__(self, store, sentences):
        self.write(store, [(s, r) for s in sentences if (r := self.analyse(s.text, s.tokens))])


class IdleWorkers(Executor):
    """A pool whose workers never start anything: the importer must take every batch back."""

    def submit(self, fn, /, *args, **kwargs):
        return Future()

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass


class DeadWorkers(IdleWorkers):
    """A pool whose worker died: every batch fails with BrokenProcessPool."""

    def submit(self, fn, /, *args, **kwargs):
        future = Future()
        future.set_running_or_notify_cancel()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future


def _import_rows(tagset, paths, analyzer, executor=None, monkeypatch=None):
    from annotator.store import Store

    if executor is not None:
        monkeypatch.setattr(
            importer_module.Importer, "_start_workers", lambda self, total: setattr(self, "_executor", executor)
        )
    with Store.memory() as store:
        store.initialize("t", tagset)
        report = Importer(store, ImportOptions(parallel=executor is not None), on_sentences=analyzer).run(paths)
        assert report.failed == []
        return [(s.id, s.document_id, s.index, s.doc_start, s.doc_end, s.tokens) for s in store.corpus.iter_sentences()]


@pytest.mark.parametrize("workers", [IdleWorkers, DeadWorkers], ids=["idle", "dead"])
def test_batches_no_worker_takes_are_segmented_and_analysed_here(tagset, tmp_path, monkeypatch, workers):
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 4)
    path = write_corpus(tmp_path / "c.jsonl", 0.1, seed=5)
    expected = CapitalWords()
    rows = _import_rows(tagset, [path, *sample_paths()], expected)
    analyzer = CapitalWords()
    assert _import_rows(tagset, [path, *sample_paths()], analyzer, workers(), monkeypatch) == rows
    assert analyzer.written == expected.written and len(expected.written) > 100


def test_an_analyzer_in_worker_processes_gives_what_it_gives_here(tagset, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 4)
    path = write_corpus(tmp_path / "c.jsonl", 0.1, seed=6)
    results = []
    for parallel in (False, True):
        from annotator.store import Store

        analyzer = CapitalWords()
        with Store.memory() as store:
            store.initialize("t", tagset)
            Importer(store, ImportOptions(parallel=parallel, workers=1), on_sentences=analyzer).run([path])
        results.append(analyzer.written)
    assert results[0] == results[1] and len(results[0]) > 100


def _sentences(store) -> list[tuple]:
    return [
        (s.document_id, s.index, s.doc_start, s.doc_end, s.text, list(map(tuple, s.tokens)))
        for s in store.corpus.iter_sentences()
    ]


def test_a_large_document_is_written_in_pieces_with_the_same_sentences(tmp_path, tagset, monkeypatch):
    from annotator.lexicon.suggest import sentences_hook
    from annotator.store import Store

    body = "\n".join(path.read_text(encoding="utf-8") for path in sample_paths()) * 3
    (tmp_path / "besar.txt").write_text(body, encoding="utf-8")
    (tmp_path / "kecil.txt").write_text("Sebelum yang besar.", encoding="utf-8")
    results = []
    for pieces in (False, True):
        if pieces:  # every document over 2,000 characters goes in pieces of about 500
            monkeypatch.setattr(importer_module, "LARGE_DOCUMENT_CHARS", 2_000)
            monkeypatch.setattr(importer_module, "PIECE_BYTES", 500)
        with Store.open(tmp_path / f"p{pieces}.db", create=True) as store:
            store.initialize("t", tagset)
            report = Importer(store, ImportOptions(parallel=False), on_sentences=sentences_hook(store)).run(
                [tmp_path / "besar.txt", tmp_path / "kecil.txt"]
            )
            document = store.corpus.get_document("besar")
            results.append(
                (
                    report.documents,
                    report.sentences,
                    report.tokens,
                    _sentences(store),
                    document.text,
                    document.sentence_count,
                    document.token_count,
                    sorted(
                        (g.sentence_id, g.start, g.end, g.label)
                        for s in store.corpus.iter_sentences()
                        for g in store.suggestions.for_sentence(s.id)
                    ),
                )
            )
    assert results[0] == results[1]
    assert results[1][3][0][1] == 0 and len(results[1][3]) > 100
    assert results[1][7], "the lexicon suggested something in the pieces too"
