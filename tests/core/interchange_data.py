"""Annotated projects for the interchange tests (helpers, not tests)."""

from __future__ import annotations

import csv
import io

from annotator.corpus_import import Importer
from annotator.interchange.export import Selection, export
from annotator.model import GOLD, Event, SentenceState, SpanAnnotation, Suggestion
from annotator.resources import sample_paths
from annotator.store import Store

DOC = "001_0da7177c8754087f"
OTHER_DOC = "004_42838089c5e12062"
# Names and notes that must survive every trip intact.
TRICKY_NAME = 'O\'Brien "ops"; DROP TABLE spans;-- ñ 😀'
FORMULA_NOTE = '=HYPERLINK("http://evil","x")'


def fresh_project(tagset) -> Store:  # noqa: ANN001
    """A new in-memory project with the bundled samples, nothing annotated."""
    store = Store.memory()
    store.initialize("test", tagset)
    assert not Importer(store).run(sample_paths()).failed
    return store


def token(store: Store, document_id: str, index: int, first: int, last: int | None = None) -> tuple[int, int]:
    """Sentence offsets covering tokens first..last (inclusive)."""
    tokens = store.corpus.sentence_at(document_id, index).tokens
    return tokens[first][0], tokens[last if last is not None else first][1]


def annotate(store: Store) -> None:
    """Two annotators and gold, with overlapping spans, a suggestion, tricky notes and states."""
    s0 = store.corpus.sentence_at(DOC, 0)
    s3 = store.corpus.sentence_at(DOC, 3)
    s1 = store.corpus.sentence_at(OTHER_DOC, 1)
    store.suggestions.add([Suggestion(s0.id, *token(store, DOC, 0, 0), "loaded_language", "Baghdad")])
    [suggestion] = store.suggestions.for_sentence(s0.id)
    a, b = token(store, DOC, 0, 0), token(store, DOC, 0, 2, 4)
    spans = [
        SpanAnnotation(
            s0.id,
            "ana",
            *a,
            "loaded_language",
            origin="suggestion",
            lexicon_term="Baghdad",
            suggestion_id=suggestion.id,
            created_at="2026-01-01T00:00:00.000Z",
        ),
        SpanAnnotation(s0.id, "ana", *b, "name_calling", note=FORMULA_NOTE, created_at="2026-01-01T00:00:01.000Z"),
        # Overlaps the name_calling span above: CoNLL keeps the longer one.
        SpanAnnotation(
            s0.id,
            "ana",
            *token(store, DOC, 0, 3),
            "scare_quotes",
            quoted=True,
            note="-1 is not a formula\nsecond line",
            created_at="2026-01-01T00:00:02.000Z",
        ),
        SpanAnnotation(
            s0.id, TRICKY_NAME, *a, "epistemic_framing", note="'=already quoted", created_at="2026-01-01T00:00:03.000Z"
        ),
        SpanAnnotation(
            s3.id,
            "budi",
            *token(store, DOC, 3, 5, 6),
            "loaded_language",
            note="@mention\tand tab",
            created_at="2026-01-01T00:00:04.000Z",
        ),
        SpanAnnotation(
            s1.id, "ana", *token(store, OTHER_DOC, 1, 1), "euphemism", created_at="2026-01-01T00:00:05.000Z"
        ),
        SpanAnnotation(
            s0.id,
            GOLD,
            *b,
            "name_calling",
            agreed_by=("ana", "budi"),
            resolution="auto",
            created_at="2026-01-02T00:00:00.000Z",
        ),
    ]
    for span in spans:
        store.annotations.add_span(span)
    store.suggestions.set_decision(suggestion.id, "ana", "accepted")
    states = [
        SentenceState(
            s0.id,
            "ana",
            status="done",
            judgment="biased",
            note="+ looks loaded",
            suggestion_mode="on",
            first_shown_at="2026-01-01T00:00:00.000Z",
            finished_at="2026-01-01T00:01:00.000Z",
        ),
        SentenceState(s3.id, "budi", status="skipped", flagged=True, first_shown_at="2026-01-01T00:02:00.000Z"),
        SentenceState(s1.id, "budi", status="done", judgment="neutral", suggestion_mode="off"),
        # Only shown: not exported.
        SentenceState(s3.id, "ana", first_shown_at="2026-01-01T00:03:00.000Z"),
        SentenceState(
            s0.id, GOLD, status="done", judgment="biased", judgment_agreed_by=("ana",), judgment_resolution="curated"
        ),
    ]
    for state in states:
        store.annotations.put_judgment(state)
    store.annotations.append_event(
        Event("ana", "add_span", {"label": "name_calling"}, sentence_id=s0.id, at="2026-01-01T00:00:01.000Z")
    )
    store.annotations.append_event(Event("budi", "skip", {}, sentence_id=s3.id, at="2026-01-01T00:02:00.000Z"))


def export_text(
    store: Store, kind: str, fmt: str = "csv", selection: Selection = Selection(), raw: bool = False
) -> str:
    handle = io.StringIO(newline="")
    export(store, kind, fmt, handle, selection, raw=raw)
    return handle.getvalue()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def file_project(path, tagset, annotated: bool = True) -> None:  # noqa: ANN001
    """A project database at `path` with the samples, annotated unless told otherwise."""
    with Store.open(path, create=True) as store:
        store.initialize("test", tagset)
        assert not Importer(store).run(sample_paths()).failed
        if annotated:
            annotate(store)
