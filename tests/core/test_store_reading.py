"""The reading view's read model: a window of sentences, where paragraphs start, and one
annotator's own marks (store.reading)."""

from __future__ import annotations

from annotator.model import Document, Sentence, SpanAnnotation, Suggestion
from annotator.segmentation import segment
from annotator.textnorm import content_hash

TEXT = "Kalimat satu. Kalimat dua.\nParagraf baru di sini. Lanjut.\n\nParagraf ketiga.\nAkhir."


def _document(store, document_id: str = "doc", text: str = TEXT) -> list[Sentence]:
    rows = [
        Sentence(None, document_id, index, start, end, text[start:end], tokens)
        for index, (start, end, tokens) in enumerate(segment(text))
    ]
    store.corpus.insert_document(Document(id=document_id, text=text, title="t", content_hash=content_hash(text)), rows)
    return rows


def test_paragraphs_start_after_a_line_break_in_the_document_text(store):
    rows = _document(store)
    window = store.reading.window("doc", 0, 10, "alice")
    assert [s.text for s in window] == [r.text for r in rows]
    assert [s.paragraph for s in window] == [True, False, True, False, True, True]
    # A window starting mid-document still knows whether its first sentence starts a paragraph.
    assert [(s.index, s.paragraph) for s in store.reading.window("doc", 1, 2, "alice")] == [(1, False), (2, True)]
    assert [s.index for s in store.reading.window("doc", -5, 0, "alice")] == [0]
    assert store.reading.window("missing", 0, 3, "alice") == []


def test_marks_are_the_annotators_own_spans_and_rejections_only(store):
    rows = _document(store)
    first, second = rows[0].id, rows[1].id
    store.suggestions.add(
        [Suggestion(first, 0, 7, "loaded_language", "kalimat"), Suggestion(second, 8, 11, "name_calling", "dua")]
    )
    suggestion_ids = [g.id for g in store.suggestions.for_sentence(second)]
    store.annotations.add_span(SpanAnnotation(first, "alice", 8, 12, "euphemism", quoted=True))
    store.annotations.add_span(SpanAnnotation(first, "bob", 0, 7, "name_calling"))
    store.suggestions.set_decision(suggestion_ids[0], "alice", "rejected")
    store.suggestions.set_decision(suggestion_ids[0], "bob", "accepted")

    alice = {s.index: s.marks for s in store.reading.window("doc", 0, 1, "alice")}
    assert [(m.start, m.end, m.label, m.kind, m.quoted) for m in alice[0]] == [(8, 12, "euphemism", "span", True)]
    assert [(m.start, m.end, m.label, m.kind) for m in alice[1]] == [(8, 11, "name_calling", "rejected")]
    bob = {s.index: s.marks for s in store.reading.window("doc", 0, 1, "bob")}
    assert [(m.label, m.kind) for m in bob[0]] == [("name_calling", "span")]
    assert bob[1] == ()  # an accepted suggestion shows as the span made from it, not as a decision
    assert all(s.marks == () for s in store.reading.window("doc", 0, 5, "carol"))


def test_the_window_reads_only_the_sentences_asked_for(store):
    text = "\n".join(f"Kalimat nomor {i}." for i in range(3000))
    _document(store, "long", text)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        window = store.reading.window("long", 1500, 1540, "alice")
    finally:
        store.conn.set_trace_callback(None)
    assert [s.index for s in window] == list(range(1500, 1541))
    assert all(s.paragraph for s in window)
    assert window[0].text == "Kalimat nomor 1500."
    # One read of the sentences (by their key), one of the gaps, one each of spans and rejections.
    assert len(statements) == 4
