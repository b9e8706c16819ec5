"""Export: CSV columns and values, gold provenance, spreadsheet safety, JSONL, CoNLL and tokens."""

import csv
import io
import json
from dataclasses import replace

import pytest

from annotator.interchange.export import (
    Selection,
    UnsupportedExport,
    check_combination,
    export,
    export_conll,
    export_to_path,
    file_name,
    iter_units,
)
from annotator.interchange.formats import (
    DOCUMENT_COLUMNS,
    GOLD_COLUMNS,
    SENTENCE_COLUMNS,
    SPAN_COLUMNS,
    TOKEN_COLUMNS,
)
from annotator.model import GOLD, Document, Sentence, SentenceState, SpanAnnotation
from tests.core.interchange_data import (
    DOC,
    FORMULA_NOTE,
    OTHER_DOC,
    TRICKY_NAME,
    annotate,
    csv_rows,
    export_text,
    fresh_project,
)


@pytest.fixture
def project(tagset):
    store = fresh_project(tagset)
    annotate(store)
    yield store
    store.close()


def header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline="")))


def test_spans_csv_has_the_contract_columns_in_order(project):
    text = export_text(project, "spans")
    assert tuple(header(text)) == SPAN_COLUMNS
    assert text.startswith(",".join(SPAN_COLUMNS) + "\r\n")


def test_spans_csv_rows_carry_sentence_and_document_offsets(project):
    rows = csv_rows(export_text(project, "spans"))
    euphemism = next(r for r in rows if r["label"] == "euphemism")
    sentence = project.corpus.sentence_at(OTHER_DOC, 1)
    start, end = int(euphemism["start"]), int(euphemism["end"])
    assert euphemism["text"] == sentence.text[start:end]
    assert int(euphemism["doc_start"]) == sentence.doc_start + start
    assert int(euphemism["doc_end"]) == sentence.doc_start + end
    document = project.corpus.get_document(OTHER_DOC)
    assert document.text[int(euphemism["doc_start"]) : int(euphemism["doc_end"])] == euphemism["text"]


def test_spans_csv_values(project):
    rows = csv_rows(export_text(project, "spans"))
    suggested = next(r for r in rows if r["origin"] == "suggestion")
    assert (suggested["label"], suggested["lexicon_term"], suggested["quoted"]) == (
        "loaded_language",
        "Baghdad",
        "false",
    )
    scare = next(r for r in rows if r["label"] == "scare_quotes")
    assert scare["quoted"] == "true" and scare["note"] == "'-1 is not a formula\nsecond line"
    assert {r["annotator"] for r in rows} == {"ana", "budi", TRICKY_NAME}
    assert all(r["created_at"].startswith("2026-01-01") for r in rows)


def test_spans_csv_carries_each_spans_sentence_status_and_filters_by_it(project):
    rows = csv_rows(export_text(project, "spans"))
    status = {(r["sentence_index"], r["annotator"]): r["status"] for r in rows}
    assert status == {("0", "ana"): "done", ("0", TRICKY_NAME): "open", ("3", "budi"): "skipped", ("1", "ana"): "open"}
    gold = csv_rows(export_text(project, "spans", selection=Selection.of(gold=True)))
    assert [r["status"] for r in gold] == ["done"]
    done = csv_rows(export_text(project, "spans", selection=Selection.of(statuses=["done"])))
    assert {(r["sentence_index"], r["annotator"]) for r in done} == {("0", "ana")}


def test_rows_come_in_corpus_order_then_annotator_then_offsets(project):
    rows = csv_rows(export_text(project, "spans"))
    order = [project.corpus.document_position(r["document_id"]) for r in rows]
    assert order == sorted(order)
    first_sentence = [r for r in rows if r["document_id"] == DOC and r["sentence_index"] == "0"]
    keys = [(r["annotator"], int(r["start"]), int(r["end"]), r["label"]) for r in first_sentence]
    assert keys == sorted(keys)


def test_gold_is_left_out_unless_asked_for(project):
    assert GOLD not in {r["annotator"] for r in csv_rows(export_text(project, "spans"))}
    assert GOLD not in {r["annotator"] for r in csv_rows(export_text(project, "sentences"))}


def test_annotator_selection(project):
    rows = csv_rows(export_text(project, "spans", selection=Selection.of(["budi"])))
    assert {r["annotator"] for r in rows} == {"budi"} and len(rows) == 1


def test_gold_export_adds_agreed_by_and_resolution(project):
    spans = export_text(project, "spans", selection=Selection.of(gold=True))
    assert tuple(header(spans)) == SPAN_COLUMNS + GOLD_COLUMNS
    [row] = csv_rows(spans)
    assert (row["annotator"], row["agreed_by"], row["resolution"]) == (GOLD, "ana|budi", "auto")
    sentences = export_text(project, "sentences", selection=Selection.of(gold=True))
    assert tuple(header(sentences)) == SENTENCE_COLUMNS + GOLD_COLUMNS
    [state] = csv_rows(sentences)
    assert (state["judgment"], state["agreed_by"], state["resolution"]) == ("biased", "ana", "curated")


def test_gold_of_sentences_not_marked_adjudicated_is_a_draft_and_left_out(project):
    s1, s2 = project.corpus.sentence_at(DOC, 1), project.corpus.sentence_at(DOC, 2)
    # s1: pre-filled when the curator passed it, never marked adjudicated (a draft).
    project.annotations.add_span(
        SpanAnnotation(s1.id, GOLD, 0, 7, "loaded_language", agreed_by=("ana", "budi"), resolution="auto")
    )
    project.annotations.put_judgment(
        SentenceState(
            s1.id,
            GOLD,
            judgment="biased",
            judgment_agreed_by=("ana", "budi"),
            judgment_resolution="auto",
            first_shown_at="2026-01-03T00:00:00.000Z",
        )
    )
    # s2: gold spans imported without any state: settled as far as anyone can tell.
    project.annotations.add_span(
        SpanAnnotation(s2.id, GOLD, 0, 7, "euphemism", agreed_by=("ana",), resolution="curated")
    )
    # s3: opened, nothing in its gold: nothing to leave out.
    project.annotations.put_judgment(
        SentenceState(project.corpus.sentence_at(DOC, 3).id, GOLD, first_shown_at="2026-01-03T00:00:00.000Z")
    )
    assert project.exports.gold_drafts() == 1
    gold = Selection.of(gold=True)
    spans = [(r["sentence_index"], r["label"]) for r in csv_rows(export_text(project, "spans", selection=gold))]
    assert spans == [("0", "name_calling"), ("2", "euphemism")]
    # The counts behind the progress bar and the two-process split agree with the rows.
    assert project.exports.count_spans(gold.annotators, gold.exclude) == 2
    assert project.exports.count_states(gold.annotators, gold.exclude) == 1
    assert project.exports.middle_seq("spans", gold.annotators, gold.exclude, 2) is not None
    assert [r["sentence_index"] for r in csv_rows(export_text(project, "sentences", selection=gold))] == ["0"]
    units = [(u.sentence.index, u.annotator) for u in iter_units(project, gold)]
    assert units == [(0, GOLD), (2, GOLD)]
    sidecar = io.StringIO(newline="")
    export_conll(project, io.StringIO(), gold, sidecar=sidecar)
    assert [r["sentence_index"] for r in csv_rows(sidecar.getvalue())] == ["0", "2"]
    # Marked adjudicated, it is exported.
    project.annotations.put_judgment(replace(project.annotations.get_judgment(s1.id, GOLD), status="done"))
    assert project.exports.gold_drafts() == 0
    assert len(csv_rows(export_text(project, "spans", selection=gold))) == 3
    # Annotators' own work is never filtered so.
    assert len(csv_rows(export_text(project, "spans"))) == 6


def test_gold_with_annotators_exports_both(project):
    rows = csv_rows(export_text(project, "spans", selection=Selection.of(["budi"], gold=True)))
    assert {r["annotator"] for r in rows} == {"budi", GOLD}
    assert next(r for r in rows if r["annotator"] == "budi")["agreed_by"] == ""


def test_sentences_csv_has_one_row_per_kept_state(project):
    text = export_text(project, "sentences")
    assert tuple(header(text)) == SENTENCE_COLUMNS
    rows = csv_rows(text)
    # ana's state on sentence 3 was only shown (no status, judgment, flag or note): left out.
    assert [(r["document_id"], r["sentence_index"], r["annotator"]) for r in rows] == [
        (DOC, "0", "ana"),
        (DOC, "3", "budi"),
        (OTHER_DOC, "1", "budi"),
    ]
    skipped = rows[1]
    assert (skipped["status"], skipped["judgment"], skipped["flagged"], skipped["finished_at"]) == (
        "skipped",
        "",
        "true",
        "",
    )
    sentence = project.corpus.sentence_at(DOC, 0)
    assert rows[0]["sentence_text"] == sentence.text
    assert (rows[0]["doc_start"], rows[0]["doc_end"]) == (str(sentence.doc_start), str(sentence.doc_end))
    assert rows[0]["note"] == "'+ looks loaded" and rows[0]["suggestion_mode"] == "on"


def test_documents_csv(project):
    text = export_text(project, "documents")
    assert tuple(header(text)) == DOCUMENT_COLUMNS
    rows = csv_rows(text)
    assert [r["document_id"] for r in rows] == project.corpus.document_ids()
    assert rows[1]["sentences"] == str(project.corpus.get_document(DOC).sentence_count)
    assert json.loads(rows[0]["metadata"]) == {}


def test_free_text_cells_are_made_safe_for_spreadsheets(project):
    rows = csv_rows(export_text(project, "spans"))
    notes = {r["note"] for r in rows}
    assert "'" + FORMULA_NOTE in notes
    assert "'@mention\tand tab" in notes
    assert "''=already quoted" in notes


def test_raw_writes_free_text_as_stored(project):
    notes = {r["note"] for r in csv_rows(export_text(project, "spans", raw=True))}
    assert FORMULA_NOTE in notes and "'=already quoted" in notes


def test_titles_and_span_text_are_escaped_too(store):
    text = "=HYPERLINK(x) dan -nya"
    store.corpus.insert_document(
        Document(id="f", text=text, title="=cmd|' /C calc'!A0", content_hash="h"),
        [Sentence(None, "f", 0, 0, len(text), text, [(0, 13), (14, 17), (18, 22)])],
    )
    sentence = store.corpus.sentence_at("f", 0)
    store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 0, 13, "loaded_language"))
    store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 18, 22, "euphemism"))
    assert csv_rows(export_text(store, "documents"))[0]["title"] == "'=cmd|' /C calc'!A0"
    assert [r["text"] for r in csv_rows(export_text(store, "spans"))] == ["'=HYPERLINK(x)", "'-nya"]
    assert [r["text"] for r in csv_rows(export_text(store, "tokens"))] == ["'=HYPERLINK(x)", "dan", "'-nya"]
    assert [r["text"] for r in csv_rows(export_text(store, "spans", raw=True))] == ["=HYPERLINK(x)", "-nya"]


def test_span_text_is_cut_right_in_a_sentence_holding_nul(store):
    text = "a\x00b, “kata” lagi"
    store.corpus.insert_document(
        Document(id="nul", text=text, content_hash="n"),
        [Sentence(None, "nul", 0, 0, len(text), text, [(0, 3), (3, 4), (5, 6), (6, 10), (10, 11)])],
    )
    sentence = store.corpus.sentence_at("nul", 0)
    store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 5, 11, "scare_quotes", note="x\x00y"))
    [row] = csv_rows(export_text(store, "spans"))
    assert row["text"] == "“kata”" and row["note"] == "x\x00y"


def test_jsonl_has_the_doccano_shape(project):
    lines = export_text(project, "spans", "jsonl").splitlines()
    objects = [json.loads(line) for line in lines]
    keys = ["text", "label", "document_id", "sentence_index", "annotator", "judgment", "status"]
    assert all(list(o) == keys for o in objects)
    ana = next(o for o in objects if o["annotator"] == "ana" and o["document_id"] == DOC)
    sentence = project.corpus.sentence_at(DOC, 0)
    assert ana["text"] == sentence.text and ana["sentence_index"] == 0 and ana["judgment"] == "biased"
    assert [label for _, _, label in ana["label"]] == ["loaded_language", "name_calling", "scare_quotes"]
    assert all(sentence.text[s:e] for s, e, _ in ana["label"])
    # A sentence judged without spans is a unit too: the negative examples a classifier needs.
    budi = next(o for o in objects if o["annotator"] == "budi" and o["document_id"] == OTHER_DOC)
    assert budi["label"] == [] and budi["judgment"] == "neutral"
    assert (ana["status"], budi["status"]) == ("done", "done")
    assert export_text(project, "sentences", "jsonl") == "\n".join(lines) + "\n"


def test_units_cover_states_and_spans_in_order(project):
    units = [(u.sentence.document_id, u.sentence.index, u.annotator) for u in iter_units(project)]
    assert units == [
        (DOC, 0, TRICKY_NAME),
        (DOC, 0, "ana"),
        (DOC, 3, "budi"),
        (OTHER_DOC, 1, "ana"),
        (OTHER_DOC, 1, "budi"),
    ]


def conll_blocks(text: str) -> list[list[str]]:
    """The sentences of a CoNLL-2003 file (docstart blocks left out)."""
    blocks = [block.split("\n") for block in text.strip("\n").split("\n\n")]
    return [block for block in blocks if block != ["-DOCSTART- -X- -X- O"]]


def test_conll_is_the_conll_2003_layout_with_a_sidecar_of_its_sentences(project):
    handle, sidecar = io.StringIO(newline=""), io.StringIO(newline="")
    stats = export_conll(project, handle, Selection(("ana",), ()), sidecar=sidecar)
    text = handle.getvalue()
    assert not any(line.startswith("# ") for line in text.splitlines())
    # A docstart line before each document, a blank line after it and after each sentence.
    assert text.startswith("-DOCSTART- -X- -X- O\n\n") and text.count("-DOCSTART- -X- -X- O") == 2
    blocks = conll_blocks(text)
    assert stats.rows == len(blocks) == 2
    sentence = project.corpus.sentence_at(DOC, 0)
    columns = [line.split(" ") for line in blocks[0]]
    assert all(len(c) == 4 and c[1:3] == ["-X-", "_"] for c in columns)
    assert [c[0] for c in columns] == [sentence.text[s:e] for s, e in sentence.tokens]
    assert [c[3] for c in columns][:6] == [
        "B-loaded_language",
        "O",
        "B-name_calling",
        "I-name_calling",
        "I-name_calling",
        "O",
    ]
    rows = csv_rows(sidecar.getvalue())
    assert list(rows[0]) == ["document_id", "sentence_index", "annotator", "status", "text"]
    assert [(r["document_id"], r["sentence_index"], r["annotator"], r["status"]) for r in rows] == [
        (DOC, "0", "ana", "done"),
        (OTHER_DOC, "1", "ana", "open"),
    ]
    assert rows[0]["text"] == sentence.text


def test_a_token_that_looks_like_a_comment_or_a_docstart_stays_a_token(store):
    text = "# -DOCSTART- tagar"
    store.corpus.insert_document(
        Document(id="hash", text=text, title="t", content_hash="h"),
        [Sentence(None, "hash", 0, 0, len(text), text, [(0, 1), (2, 12), (13, 18)])],
    )
    sentence = store.corpus.sentence_at("hash", 0)
    store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 0, 12, "loaded_language"))
    handle = io.StringIO(newline="")
    export_conll(store, handle)
    assert conll_blocks(handle.getvalue()) == [
        ["# -X- _ B-loaded_language", "-DOCSTART- -X- _ I-loaded_language", "tagar -X- _ O"]
    ]


def test_conll_refuses_a_token_that_holds_whitespace(store):
    # The segmenter never makes one; a stored one would shift the columns of its line.
    text = "dua kata"
    store.corpus.insert_document(
        Document(id="ws", text=text, title="t", content_hash="w"),
        [Sentence(None, "ws", 0, 0, len(text), text, [(0, 8)])],
    )
    store.annotations.put_judgment(SentenceState(store.corpus.sentence_at("ws", 0).id, "ana", status="done"))
    with pytest.raises(ValueError, match="whitespace: 'dua kata'"):
        export_conll(store, io.StringIO())


def test_conll_keeps_the_longest_of_overlapping_spans_and_counts_the_rest(project):
    handle = io.StringIO(newline="")
    stats = export(project, "spans", "conll", handle)
    # ana's scare_quotes span sits inside her longer name_calling span.
    assert stats.spans_dropped == 1 and stats.spans_kept == 5
    assert "scare_quotes" not in handle.getvalue()


def test_tokens_csv_gives_the_conll_tags_per_token_and_the_status(project):
    text = export_text(project, "tokens")
    assert tuple(header(text)) == TOKEN_COLUMNS
    rows = csv_rows(text)
    conll = export_text(project, "tokens", "conll")
    conll_tags = [line.split(" ")[3] for block in conll_blocks(conll) for line in block]
    assert [r["tag"] for r in rows] == conll_tags
    first = rows[0]
    assert (first["document_id"], first["token_index"], first["text"]) == (DOC, "0", "Baghdad")
    assert {(r["annotator"], r["status"]) for r in rows if r["sentence_index"] == "0"} == {
        ("ana", "done"),
        (TRICKY_NAME, "open"),
    }


@pytest.mark.parametrize(
    "kind, fmt",
    [("documents", "conll"), ("sentences", "conll"), ("tokens", "jsonl"), ("documents", "jsonl"), ("all", "jsonl")],
)
def test_combinations_without_meaning_are_refused(kind, fmt):
    with pytest.raises(UnsupportedExport):
        check_combination(kind, fmt)


def test_file_names_follow_the_pattern():
    assert file_name("my project/2", "spans", "csv", "20261121T051000Z") == "my_project_2-spans-20261121T051000Z.csv"


def test_export_to_path_leaves_no_partial_file_when_it_fails(project, tmp_path):
    target = tmp_path / "out.csv"

    def boom(advance):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        export_to_path(project, "spans", "csv", target, progress=boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["spans", "sentences", "documents", "tokens"])
def test_csv_is_byte_for_byte_what_csv_writer_writes(project, kind):
    text = export_text(project, kind)
    rewritten = io.StringIO(newline="")
    csv.writer(rewritten, lineterminator="\r\n").writerows(csv.reader(io.StringIO(text, newline="")))
    assert rewritten.getvalue() == text


def test_values_holding_the_row_separator_are_exported_intact(project):
    sentence = project.corpus.sentence_at(DOC, 5)
    note = 'unit\x1fseparator, and "quotes"'
    project.annotations.add_span(SpanAnnotation(sentence.id, "ana", 0, 4, "euphemism", note=note))
    project.annotations.add_span(SpanAnnotation(sentence.id, "budi", 0, 4, "euphemism", note="plain\x1fone"))
    notes = {r["annotator"]: r["note"] for r in csv_rows(export_text(project, "spans")) if r["sentence_index"] == "5"}
    assert notes == {"ana": note, "budi": "plain\x1fone"}


def test_a_large_export_split_over_two_processes_is_the_same_file(tagset, tmp_path, monkeypatch):
    from annotator.interchange import export as export_module
    from annotator.model import SentenceState
    from annotator.store import Store
    from tests.core.interchange_data import file_project

    file_project(tmp_path / "p.db", tagset)
    with Store.open(tmp_path / "p.db") as store:
        first_document = store.corpus.document_ids()[0]
        for index in range(4):
            sentence = store.corpus.sentence_at(first_document, index)
            store.annotations.add_span(
                SpanAnnotation(sentence.id, "ana", *sentence.tokens[0], "euphemism", created_at="t")
            )
            store.annotations.put_judgment(SentenceState(sentence.id, "ana", status="done"))
        # The worker takes over at the second document: both processes have rows.
        assert store.exports.middle_seq("spans", None, (GOLD,), 10) == store.corpus.document_seq(DOC)
        for kind in ("spans", "sentences"):
            one = export_text(store, kind)
            monkeypatch.setattr(export_module, "PARALLEL_MIN_ROWS", 1)
            two = export_text(store, kind)
            monkeypatch.setattr(export_module, "PARALLEL_MIN_ROWS", 10**9)
            assert two == one and first_document in two and DOC in two


def test_when_the_worker_process_fails_this_process_writes_the_second_half(tagset, tmp_path, monkeypatch):
    from annotator.interchange import export as export_module
    from annotator.store import Store
    from tests.core.interchange_data import file_project

    file_project(tmp_path / "p.db", tagset)
    with Store.open(tmp_path / "p.db") as store:
        one = export_text(store, "spans")
        monkeypatch.setattr(export_module, "PARALLEL_MIN_ROWS", 1)
        # A worker that cannot open the project: it fails, and the export still completes.
        monkeypatch.setattr(store, "path", tmp_path / "missing.db")
        assert export_text(store, "spans") == one
