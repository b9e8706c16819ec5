"""What comes out goes back in unchanged: export -> import (or merge) -> export is byte-identical."""

import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interchange.annotation_import import import_annotations
from annotator.interchange.export import Selection
from annotator.interchange.merge import merge_project
from annotator.model import Document, Sentence, SentenceState, SpanAnnotation
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset
from annotator.textnorm import content_hash
from tests.core.interchange_data import (
    DOC,
    annotate,
    export_text,
    file_project,
    fresh_project,
)

KINDS = ("spans", "sentences")


def write(folder: Path, store: Store, selection: Selection = Selection(), raw: bool = False) -> dict[str, str]:
    texts = {}
    for kind in KINDS:
        texts[kind] = export_text(store, kind, selection=selection, raw=raw)
        (folder / f"{kind}.csv").write_text(texts[kind], encoding="utf-8", newline="")
    return texts


def test_export_import_export_is_byte_identical(tagset, tmp_path):
    source = fresh_project(tagset)
    annotate(source)
    first = write(tmp_path, source)
    target = fresh_project(tagset)
    for kind in KINDS:
        assert import_annotations(target, tmp_path / f"{kind}.csv").errors == []
    assert {kind: export_text(target, kind) for kind in KINDS} == first


def test_the_raw_and_gold_exports_round_trip_too(tagset, tmp_path):
    source = fresh_project(tagset)
    annotate(source)
    assert "'=already quoted" in {s.note for s in source.annotations.iter_spans()}
    for selection, raw in ((Selection(), True), (Selection.of(gold=True), False)):
        first = write(tmp_path, source, selection, raw)
        target = fresh_project(tagset)
        for kind in KINDS:
            assert import_annotations(target, tmp_path / f"{kind}.csv", raw=raw).errors == []
        assert {kind: export_text(target, kind, selection=selection, raw=raw) for kind in KINDS} == first


def test_a_raw_file_imported_without_raw_loses_the_apostrophe_of_a_note_that_looks_escaped(tagset, tmp_path):
    # Documented: without --raw, import reverses the escaping, and a file cannot say it is raw.
    source = fresh_project(tagset)
    annotate(source)
    write(tmp_path, source, raw=True)
    target = fresh_project(tagset)
    assert import_annotations(target, tmp_path / "spans.csv").errors == []
    assert "=already quoted" in {s.note for s in target.annotations.iter_spans()}
    raw_target = fresh_project(tagset)
    assert import_annotations(raw_target, tmp_path / "spans.csv", raw=True).errors == []
    assert "'=already quoted" in {s.note for s in raw_target.annotations.iter_spans()}


def test_jsonl_round_trips_spans_judgments_and_statuses(tagset, tmp_path):
    source = fresh_project(tagset)
    annotate(source)
    source.annotations.put_judgment(SentenceState(source.corpus.sentence_at(DOC, 2).id, "citra", status="skipped"))
    first = export_text(source, "spans", "jsonl")
    (tmp_path / "a.jsonl").write_text(first, encoding="utf-8")
    target = fresh_project(tagset)
    assert import_annotations(target, tmp_path / "a.jsonl").errors == []
    # Every object comes back, a bare status (label [], no judgment) too, now that the
    # file says done from skipped.
    assert any(not json.loads(line)["label"] and json.loads(line)["judgment"] is None for line in first.splitlines())
    assert export_text(target, "spans", "jsonl") == first


def test_merge_into_a_fresh_project_then_export_is_byte_identical(tagset, tmp_path):
    file_project(tmp_path / "laptop.db", tagset)
    with Store.open(tmp_path / "laptop.db") as source:
        first = {
            kind: export_text(source, kind, selection=s)
            for kind in KINDS
            for s in (Selection(), Selection.of(gold=True))
        }
    for documents in (True, False):  # the lead's project with the same documents, or an empty one
        lead = tmp_path / f"lead-{documents}.db"
        file_project(lead, tagset, annotated=False) if documents else _empty_project(lead, tagset)
        with Store.open(lead) as store:
            result = merge_project(store, tmp_path / "laptop.db")
            assert result.conflicts == []
            again = {
                kind: export_text(store, kind, selection=s)
                for kind in KINDS
                for s in (Selection(), Selection.of(gold=True))
            }
        assert again == first


def _empty_project(path, tagset):
    with Store.open(path, create=True) as store:
        store.initialize("lead", tagset)


# ------------------------------------------------------------------ hypothesis

PIECES = [
    "kata",
    "Baghdad",
    "😀",
    "👍🏽",
    "🇮🇩",
    "e\u0301",
    "n\u0303",
    "שלום",
    "مرحبا",
    "\u200f",
    "\u202e",
    '"',
    "“",
    "”",
    "‘",
    "’",
    "«",
    "»",
    "'",
    ",",
    ";",
    "=",
    "+",
    "-",
    "@",
    "=SUM(A1)",
    "+62",
    "-1",
    "@x",
    "\t",
    "'=",
    "ŋ",
    "中文",
    "\x1f",
]
words = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)
sentences = st.lists(words, min_size=1, max_size=8).map(" ".join)
notes = st.one_of(st.none(), st.lists(st.sampled_from([*PIECES, "\n", "\r\n", " ", "'"]), max_size=6).map("".join))
names = st.sampled_from(["ana", "O'Brien", 'say "hi"', "ñandú 😀", "=cmd", "علي", "x; DROP TABLE spans"])


@st.composite
def corpora(draw):
    texts = draw(st.lists(sentences, min_size=1, max_size=3))
    spans = []
    for index, text in enumerate(texts):
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            spans.append(
                (index, start, end, draw(st.sampled_from(["loaded_language", "euphemism"])), draw(names), draw(notes))
            )
    states = [
        (
            index,
            draw(names),
            draw(st.sampled_from([None, "done", "skipped"])),
            draw(st.sampled_from([None, "biased"])),
            draw(notes),
        )
        for index in range(len(texts))
    ]
    return texts, spans, states


def build(tagset, texts) -> Store:
    store = Store.memory()
    store.initialize("h", tagset)
    text = "\n".join(texts)
    sentences, offset = [], 0
    for index, sentence in enumerate(texts):
        tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", sentence)]
        sentences.append(Sentence(None, "doc", index, offset, offset + len(sentence), sentence, tokens))
        offset += len(sentence) + 1
    store.corpus.insert_document(
        Document(id="doc", text=text, title=texts[0][:120], content_hash=content_hash(text)), sentences
    )
    return store


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_any_text_round_trips(corpus):
    tagset = load_tagset(default_tagset_path())
    texts, spans, states = corpus
    source = build(tagset, texts)
    for index, start, end, label, name, note in spans:
        sentence = source.corpus.sentence_at("doc", index)
        source.annotations.add_span(SpanAnnotation(sentence.id, name, start, end, label, note=note, created_at="t"))
    for index, name, status, judgment, note in states:
        source.annotations.put_judgment(
            SentenceState(
                source.corpus.sentence_at("doc", index).id, name, status=status, judgment=judgment, note=note or None
            )
        )
    stored = {(s.annotator, s.start, s.end, s.label): s.note for s in source.annotations.iter_spans()}
    for raw in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            first = write(Path(folder), source, raw=raw)
            target = build(tagset, texts)
            for kind in KINDS:
                result = import_annotations(target, Path(folder) / f"{kind}.csv", raw=raw)
                assert result.errors == []
            assert {kind: export_text(target, kind, raw=raw) for kind in KINDS} == first
        # Notes come back as stored, except that an empty note is no note.
        assert {(s.annotator, s.start, s.end, s.label): s.note for s in target.annotations.iter_spans()} == {
            key: note or None for key, note in stored.items()
        }
