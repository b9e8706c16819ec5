"""The store's bulk reads for agreement: corpus order whatever the ids, empty token lists, odd token JSON."""

from __future__ import annotations

from annotator.agreement.matrices import load_corpus
from annotator.agreement.report import compute_report
from annotator.model import Document, Sentence, SentenceState, SpanAnnotation
from annotator.store import Store
from annotator.store.agreement import _token_offsets
from annotator.textnorm import content_hash


def _document(store: Store, doc_id: str, texts: list[str]) -> list[Sentence]:
    sentences, offset = [], 0
    for index, text in enumerate(texts):
        tokens, start = [], 0
        for word in text.split(" ") if text else []:
            tokens.append((start, start + len(word)))
            start += len(word) + 1
        sentences.append(Sentence(None, doc_id, index, offset, offset + len(text), text, tokens))
        offset += len(text) + 1
    body = " ".join(texts)
    store.corpus.insert_document(Document(id=doc_id, text=body, content_hash=content_hash(doc_id + body)), sentences)
    return sentences


def _done(store: Store, sentence: Sentence, name: str, *spans: tuple[int, int, str]) -> None:
    store.annotations.put_judgment(SentenceState(sentence.id, name, status="done"))
    for first, last, label in spans:
        store.annotations.add_span(
            SpanAnnotation(sentence.id, name, sentence.tokens[first][0], sentence.tokens[last][1], label)
        )


def test_sentences_come_in_corpus_order_even_when_ids_do_not(store):
    first = _document(store, "a", ["satu dua tiga", "empat lima"])
    second = _document(store, "b", ["enam tujuh", "delapan sembilan sepuluh"])
    # Document "a" now comes after "b" in the corpus, though its sentence ids are smaller.
    store.conn.execute("UPDATE document_rows SET seq = 99 WHERE id = 'a'")  # the table under the view (m006)
    everything = first + second
    for sentence in everything:
        _done(store, sentence, "ana", (0, 0, "loaded_language"))
        _done(store, sentence, "budi", (1, 1, "loaded_language"))
    ids, documents, lengths, counts, tokens = store.agreement.sentences([s.id for s in everything])
    expected = second + first
    assert ids.tolist() == [s.id for s in expected]
    assert documents.tolist() == ["b", "b", "a", "a"]
    assert lengths.tolist() == [len(s.text) for s in expected]
    assert counts.tolist() == [len(s.tokens) for s in expected]
    assert tokens.tolist() == [list(t) for s in expected for t in s.tokens]
    corpus = load_corpus(store, ["ana", "budi"], store.tagset().label_names)
    assert corpus.document_ids.tolist() == ["b", "b", "a", "a"]
    loaded = 1 + corpus.labels.index("loaded_language")
    matrix = corpus.token_matrix() // loaded
    assert matrix[0].tolist() == [1, 0, 1, 0, 0, 1, 0, 0, 1, 0]
    assert matrix[1].tolist() == [0, 1, 0, 1, 0, 0, 1, 0, 0, 1]


def test_sentences_without_tokens_count_zero_tokens(store):
    sentences = _document(store, "a", ["satu dua", "", "tiga empat lima", ""])
    for sentence in sentences:
        _done(store, sentence, "ana")
        _done(store, sentence, "budi")
    _done(store, sentences[2], "budi", (1, 2, "euphemism"))
    ids, _, _, counts, tokens = store.agreement.sentences([s.id for s in sentences])
    assert counts.tolist() == [2, 0, 3, 0]
    assert tokens.tolist() == [[0, 4], [5, 8], [0, 4], [5, 10], [11, 15]]
    report = compute_report(store, level="token")
    assert report["units"] == 5


def test_token_offsets_parse_the_stored_form_and_fall_back_on_any_other():
    counts, numbers = _token_offsets("[[0,5],[6,10]];[];[[0,3]];[]", 4)
    assert counts.tolist() == [2, 0, 1, 0] and numbers.tolist() == [[0, 5], [6, 10], [0, 3]]
    counts, numbers = _token_offsets("[]", 1)
    assert counts.tolist() == [0] and numbers.shape == (0, 2)
    # Spaces, as json.dumps writes them: parsed all the same.
    counts, numbers = _token_offsets("[[0, 5], [6, 10]];[[0, 3]]", 2)
    assert counts.tolist() == [2, 1] and numbers.tolist() == [[0, 5], [6, 10], [0, 3]]
