"""import-annotations: format detection, every validation, all-or-nothing files, idempotency."""

import csv
import json

import pytest

from annotator.interchange.annotation_import import import_annotations
from annotator.interchange.formats import GOLD_COLUMNS, SENTENCE_COLUMNS, SPAN_COLUMNS
from annotator.model import GOLD
from tests.core.interchange_data import (
    DOC,
    TRICKY_NAME,
    annotate,
    export_text,
    fresh_project,
)


@pytest.fixture
def project(tagset):
    store = fresh_project(tagset)
    yield store
    store.close()


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    return path


def span_row(store, **changes):
    sentence = store.corpus.sentence_at(DOC, 0)
    start, end = sentence.tokens[2][0], sentence.tokens[3][1]
    row = {
        "document_id": DOC,
        "sentence_index": "0",
        "start": str(start),
        "end": str(end),
        "doc_start": str(sentence.doc_start + start),
        "doc_end": str(sentence.doc_start + end),
        "text": sentence.text[start:end],
        "label": "name_calling",
        "annotator": "ana",
        "origin": "manual",
        "quoted": "false",
        "lexicon_term": "",
        "note": "",
        "created_at": "2026-02-01T00:00:00.000Z",
    }
    row.update(changes)
    return row


def state_row(store, **changes):
    sentence = store.corpus.sentence_at(DOC, 0)
    row = {
        "document_id": DOC,
        "sentence_index": "0",
        "doc_start": str(sentence.doc_start),
        "doc_end": str(sentence.doc_end),
        "sentence_text": sentence.text,
        "annotator": "ana",
        "status": "done",
        "judgment": "biased",
        "flagged": "false",
        "note": "",
        "suggestion_mode": "",
        "first_shown_at": "",
        "finished_at": "",
    }
    row.update(changes)
    return row


def test_a_spans_csv_is_recognised_and_imported(project, tmp_path):
    path = write_csv(tmp_path / "s.csv", SPAN_COLUMNS, [span_row(project, note="'=1+1")])
    result = import_annotations(project, path)
    assert (result.kind, result.errors, result.spans_added) == ("spans", [], 1)
    [span] = project.annotations.spans_for_sentence(project.corpus.sentence_at(DOC, 0).id, "ana")
    assert span.label == "name_calling" and span.note == "=1+1"  # the apostrophe is removed again
    assert span.created_at == "2026-02-01T00:00:00.000Z" and span.origin == "manual" and not span.quoted


def test_reimporting_adds_nothing(project, tmp_path):
    path = write_csv(tmp_path / "s.csv", SPAN_COLUMNS, [span_row(project)])
    import_annotations(project, path)
    events = len(project.annotations.events())
    again = import_annotations(project, path)
    assert (again.spans_added, again.spans_present, again.errors) == (0, 1, [])
    assert len(project.annotations.events()) == events


def test_import_records_one_event_per_annotator(project, tmp_path):
    path = write_csv(tmp_path / "s.csv", SPAN_COLUMNS, [span_row(project), span_row(project, annotator="budi")])
    import_annotations(project, path)
    assert sorted((e.annotator, e.action, e.origin) for e in project.annotations.events()) == [
        ("ana", "import_annotations", "import"),
        ("budi", "import_annotations", "import"),
    ]


def test_annotator_prefix(project, tmp_path):
    path = write_csv(tmp_path / "s.csv", SPAN_COLUMNS, [span_row(project)])
    import_annotations(project, path, annotator_prefix="siteA-")
    assert "siteA-ana" in project.annotations.annotators()


def test_names_labels_and_notes_survive_intact(project, tmp_path):
    note = '"quoted"; DELETE FROM spans; -- é 😀 שלום'
    path = write_csv(tmp_path / "s.csv", SPAN_COLUMNS, [span_row(project, annotator=TRICKY_NAME, note=note)])
    assert import_annotations(project, path).errors == []
    [span] = project.annotations.spans_for_sentence(project.corpus.sentence_at(DOC, 0).id, TRICKY_NAME)
    assert span.note == note


def test_a_suggestion_span_is_linked_to_its_suggestion(project, tmp_path):
    from annotator.model import Suggestion

    sentence = project.corpus.sentence_at(DOC, 0)
    row = span_row(project, origin="suggestion", lexicon_term="Purna Warta")
    project.suggestions.add(
        [Suggestion(sentence.id, int(row["start"]), int(row["end"]), "name_calling", "Purna Warta")]
    )
    import_annotations(project, write_csv(tmp_path / "s.csv", SPAN_COLUMNS, [row]))
    [span] = project.annotations.spans_for_sentence(sentence.id, "ana")
    assert span.suggestion_id == project.suggestions.for_sentence(sentence.id)[0].id


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"document_id": "nope"}, "no document 'nope'"),
        ({"sentence_index": "999"}, "has no sentence 1000 (sentence_index 999)"),
        ({"sentence_index": "x"}, "sentence_index 'x' is not a whole number"),
        ({"start": "-1"}, "do not lie within the sentence"),
        ({"end": "100000"}, "do not lie within the sentence"),
        ({"start": "20", "end": "20"}, "do not lie within the sentence"),
        ({"doc_start": "0"}, "do not match start..end"),
        ({"text": "something else"}, "is not the sentence text at"),
        ({"label": "propaganda"}, "label 'propaganda' is not in the tag set"),
        ({"annotator": ""}, "annotator name is empty"),
        ({"annotator": "   "}, "annotator name is empty"),
        ({"origin": "magic"}, "origin 'magic' is not"),
        ({"quoted": "yes"}, "quoted 'yes' is not 'true' or 'false'"),
    ],
)
def test_each_bad_span_row_is_refused_naming_file_and_line(project, tmp_path, changes, message):
    path = write_csv(tmp_path / "bad.csv", SPAN_COLUMNS, [span_row(project), span_row(project, **changes)])
    result = import_annotations(project, path)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{path}:3: ") and message in result.errors[0]
    # All-or-nothing: the good first row is not kept either.
    assert project.annotations.spans_for_sentence(project.corpus.sentence_at(DOC, 0).id, "ana") == []
    assert result.spans_added == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"judgment": "evil"}, "judgment 'evil' is not in the tag set"),
        ({"status": "finished"}, "status 'finished' is not"),
        ({"flagged": "1"}, "flagged '1' is not 'true' or 'false'"),
        ({"suggestion_mode": "sometimes"}, "suggestion_mode 'sometimes' is not"),
        ({"sentence_text": "other"}, "sentence_text is not the text of this sentence"),
        ({"doc_end": "3"}, "are not the sentence's"),
        ({"annotator": ""}, "annotator name is empty"),
    ],
)
def test_each_bad_sentence_row_is_refused(project, tmp_path, changes, message):
    path = write_csv(tmp_path / "bad.csv", SENTENCE_COLUMNS, [state_row(project, **changes)])
    result = import_annotations(project, path)
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{path}:2: ") and message in result.errors[0]
    assert project.annotations.get_judgment(project.corpus.sentence_at(DOC, 0).id, "ana") is None


def test_error_lines_count_lines_of_the_file_not_records(project, tmp_path):
    rows = [span_row(project, note="two\nlines"), span_row(project, label="nope")]
    result = import_annotations(project, write_csv(tmp_path / "m.csv", SPAN_COLUMNS, rows))
    assert ":4: " in result.errors[0]


def test_every_bad_row_is_reported(project, tmp_path):
    rows = [span_row(project, label="nope"), span_row(project), span_row(project, annotator="")]
    result = import_annotations(project, write_csv(tmp_path / "m.csv", SPAN_COLUMNS, rows))
    assert [e.split(": ")[0].rsplit(":", 1)[1] for e in result.errors] == ["2", "4"]


def test_a_spans_csv_from_before_the_status_column_still_imports(project, tagset, tmp_path):
    from tests.core.interchange_data import csv_rows, export_text, fresh_project

    rows = csv_rows(export_text(project, "spans"))
    old = write_csv(tmp_path / "old.csv", SPAN_COLUMNS[:-1], rows)
    target = fresh_project(tagset)
    result = import_annotations(target, old)
    assert result.errors == [] and result.spans_added == len(rows)


def test_a_row_with_the_wrong_number_of_cells_is_refused(project, tmp_path):
    path = write_csv(tmp_path / "short.csv", SPAN_COLUMNS, [["a", "b"]])
    assert f"expected {len(SPAN_COLUMNS)} cells, found 2" in import_annotations(project, path).errors[0]


def test_an_unknown_header_is_refused_with_the_expected_ones(project, tmp_path):
    path = write_csv(tmp_path / "other.csv", ["id", "text"], [["1", "x"]])
    [error] = import_annotations(project, path).errors
    assert "not a spans CSV, sentences CSV or JSONL export" in error and ",".join(SPAN_COLUMNS) in error


def test_a_documents_export_is_pointed_to_import(project, tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text(export_text(project, "documents"), encoding="utf-8", newline="")
    assert "annotator import" in import_annotations(project, path).errors[0]


def test_an_empty_file_is_refused(project, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert "empty file" in import_annotations(project, path).errors[0]


def test_sentence_rows_keep_given_values_and_read_empty_cells_as_none(project, tmp_path):
    row = state_row(project, judgment="", status="", note="'-note", first_shown_at="yesterday", flagged="true")
    result = import_annotations(project, write_csv(tmp_path / "st.csv", SENTENCE_COLUMNS, [row]))
    assert result.states_added == 1
    state = project.annotations.get_judgment(project.corpus.sentence_at(DOC, 0).id, "ana")
    assert (state.status, state.judgment, state.note, state.first_shown_at, state.finished_at, state.flagged) == (
        None,
        None,
        "-note",
        "yesterday",
        None,
        True,
    )


def test_a_sentence_row_replaces_the_stored_state(project, tmp_path):
    path = write_csv(tmp_path / "st.csv", SENTENCE_COLUMNS, [state_row(project)])
    import_annotations(project, path)
    path = write_csv(tmp_path / "st2.csv", SENTENCE_COLUMNS, [state_row(project, judgment="neutral")])
    result = import_annotations(project, path)
    assert (result.states_added, result.states_updated) == (0, 1)
    assert project.annotations.get_judgment(project.corpus.sentence_at(DOC, 0).id, "ana").judgment == "neutral"
    assert import_annotations(project, path).states_unchanged == 1


def test_gold_columns_are_imported(project, tmp_path):
    rows = [span_row(project, annotator=GOLD, agreed_by="ana|budi", resolution="auto")]
    import_annotations(project, write_csv(tmp_path / "g.csv", SPAN_COLUMNS + GOLD_COLUMNS, rows))
    [span] = project.annotations.spans_for_sentence(project.corpus.sentence_at(DOC, 0).id, GOLD)
    assert (span.agreed_by, span.resolution) == (("ana", "budi"), "auto")
    bad = [span_row(project, annotator=GOLD, agreed_by="", resolution="voted")]
    assert (
        "resolution 'voted'"
        in import_annotations(project, write_csv(tmp_path / "b.csv", SPAN_COLUMNS + GOLD_COLUMNS, bad)).errors[0]
    )


def test_text_written_raw_imports_too(project, tmp_path):
    from annotator.model import Document, Sentence

    text = "=SUM(1) lagi"
    project.corpus.insert_document(
        Document(id="f", text=text, content_hash="f"), [Sentence(None, "f", 0, 0, len(text), text, [(0, 7), (8, 12)])]
    )
    row = span_row(project, document_id="f", start="0", end="7", doc_start="0", doc_end="7", text="=SUM(1)")
    assert import_annotations(project, write_csv(tmp_path / "raw.csv", SPAN_COLUMNS, [row])).errors == []
    row["text"], row["annotator"] = "'=SUM(1)", "budi"
    assert import_annotations(project, write_csv(tmp_path / "safe.csv", SPAN_COLUMNS, [row])).errors == []


def jsonl(path, objects):
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
    return path


def jsonl_object(store, **changes):
    sentence = store.corpus.sentence_at(DOC, 0)
    obj = {
        "text": sentence.text,
        "label": [[0, 7, "loaded_language"]],
        "document_id": DOC,
        "sentence_index": 0,
        "annotator": "ana",
        "judgment": "biased",
    }
    obj.update(changes)
    return obj


def test_jsonl_is_recognised_and_imported(project, tmp_path):
    result = import_annotations(project, jsonl(tmp_path / "a.jsonl", [jsonl_object(project, id=17)]))
    assert (result.kind, result.spans_added, result.states_added, result.errors) == ("jsonl", 1, 1, [])
    sentence_id = project.corpus.sentence_at(DOC, 0).id
    assert project.annotations.get_judgment(sentence_id, "ana").judgment == "biased"
    assert import_annotations(project, tmp_path / "a.jsonl").spans_added == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"label": [[0, 7]]}, "is not [start, end, label]"),
        ({"label": [[5, 2, "loaded_language"]]}, "do not lie within the sentence"),
        ({"label": [[0, 7, "nope"]]}, "label 'nope' is not in the tag set"),
        ({"label": "x"}, "label is not a list"),
        ({"text": "different"}, "text is not the text of this sentence"),
        ({"judgment": "evil"}, "judgment 'evil' is not in the tag set"),
        ({"annotator": ""}, "annotator name is empty"),
        ({"sentence_index": "0"}, "sentence_index is not a whole number"),
        ({"document_id": "ghost"}, "no document 'ghost'"),
    ],
)
def test_each_bad_jsonl_object_is_refused(project, tmp_path, changes, message):
    path = jsonl(tmp_path / "bad.jsonl", [jsonl_object(project), jsonl_object(project, **changes)])
    result = import_annotations(project, path)
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{path}:2: ") and message in result.errors[0]
    assert project.annotations.spans_for_sentence(project.corpus.sentence_at(DOC, 0).id, "ana") == []


def test_jsonl_that_is_not_json_or_lacks_keys(project, tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "x"}\n{not json\n', encoding="utf-8")
    errors = import_annotations(project, path).errors
    assert "missing key(s) label, document_id, sentence_index, annotator" in errors[0] and ":1:" in errors[0]
    assert "not JSON" in errors[1] and ":2:" in errors[1]


def test_an_export_of_an_annotated_project_imports_into_a_fresh_one(tagset, tmp_path):
    source = fresh_project(tagset)
    annotate(source)
    for kind, fmt in (("spans", "csv"), ("sentences", "csv"), ("spans", "jsonl")):
        path = tmp_path / f"{kind}.{fmt}"
        path.write_text(export_text(source, kind, fmt), encoding="utf-8", newline="")
    target = fresh_project(tagset)
    for name in ("spans.csv", "sentences.csv", "spans.jsonl"):
        assert import_annotations(target, tmp_path / name).errors == [], name
    assert len(list(target.annotations.iter_spans())) == len(
        list(source.annotations.iter_spans(annotators=["ana", "budi", TRICKY_NAME]))
    )
