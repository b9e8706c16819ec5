"""Uncertainty first (issue 19): the scores `suggest --source model` stores, the order
they give documents and sentences, its refusal without scores, and the order recorded
with each sentence state."""

from __future__ import annotations

import pycrfsuite
import pytest

from annotator.errors import AnnotatorError
from annotator.lexicon.suggest import LEXICON_DETECTOR, Suggester
from annotator.model import Document, Sentence, SentenceState
from annotator.recommend.features import sentence_features
from annotator.recommend.suggest import suggest_with_model
from annotator.recommend.training import train_model
from annotator.store import Store
from annotator.team.campaign import assign
from annotator.workspace import ActionRefused, AnnotationSession
from annotator.workspace.launch import open_workspace
from annotator.workspace.order import DocumentOrder, first_open_sentence
from tests.recommend_corpus import build
from tests.team_corpus import add_documents
from tests.uncertainty_corpus import SCORES, scored_corpus, write_scores
from tests.workspace_corpus import add_document


def here(session: AnnotationSession) -> tuple[str, int]:
    return session.document.id, session.index


# ------------------------------------------------------------------- the scores


def test_suggest_with_the_model_scores_every_sentence_by_its_least_sure_token(store):
    build(store)
    model, _ = train_model(store)
    suggest_with_model(store)
    stored = dict(store.conn.execute("SELECT sentence_id, score FROM sentence_uncertainty").fetchall())
    versions = {v for (v,) in store.conn.execute("SELECT model_version FROM sentence_uncertainty")}
    sentences = list(store.corpus.iter_sentences())
    assert set(stored) == {s.id for s in sentences} and versions == {model.version}
    # The documented measure, computed again with CRFsuite directly: 1 - the marginal
    # probability of the tag the model chose, at the least sure token.
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(store.recommender.model_bytes(model.version))
    suggester = Suggester.from_store(store)
    for sentence in sentences:
        others = suggester.suggest_text(0, sentence.text, sentence.tokens)
        lexical = [(g.start, g.end, g.label) for g in others if g.detector == LEXICON_DETECTOR]
        tags = tagger.tag(sentence_features(sentence.text, sentence.tokens, lexical))
        expected = 1 - min(tagger.marginal(tag, i) for i, tag in enumerate(tags))
        assert stored[sentence.id] == pytest.approx(expected, abs=1e-5)
        assert 0.0 <= stored[sentence.id] <= 1.0
    # A document's score is its most uncertain sentence's.
    for document_id, score in store.conn.execute("SELECT document_id, score FROM document_uncertainty"):
        mine = [stored[s.id] for s in store.corpus.sentences_of(document_id)]
        assert score == max(mine)


def test_a_new_run_replaces_the_scores(store):
    build(store)
    train_model(store)
    suggest_with_model(store)
    first = store.conn.execute("SELECT COUNT(*) FROM sentence_uncertainty").fetchone()[0]
    train_model(store)
    suggest_with_model(store)
    rows = store.conn.execute("SELECT COUNT(*), MIN(model_version), MAX(model_version) FROM sentence_uncertainty")
    assert rows.fetchone() == (first, 2, 2)
    assert store.uncertainty.version() == 2


# -------------------------------------------------------------------- the order


def test_documents_come_by_their_most_uncertain_sentence_ties_in_import_order(store):
    scored_corpus(store)
    order = DocumentOrder.for_annotator(store, "ana", "uncertain")
    assert order.name == "uncertain"
    assert [order.document_at(i) for i in range(len(order))] == ["d-1", "d-3", "d-2", "d-0"]
    assert [order.position_of(d) for d in ("d-1", "d-3", "d-2", "d-0", "nope")] == [0, 1, 2, 3, None]


def test_documents_imported_since_the_scores_come_last_in_import_order(store):
    scored_corpus(store)
    add_document(store, "late-b", ["Berita baru sekali."])
    add_document(store, "late-a", ["Berita baru lagi."])
    order = DocumentOrder.for_annotator(store, "ana", "uncertain")
    assert [order.document_at(i) for i in range(len(order))] == ["d-1", "d-3", "d-2", "d-0", "late-b", "late-a"]


def test_inside_a_document_the_open_sentences_come_most_uncertain_first(store):
    scored_corpus(store)
    assert first_open_sentence(store, "uncertain", "d-1", "ana") == 1
    assert first_open_sentence(store, "uncertain", "d-1", "ana", after=1) == 2
    assert first_open_sentence(store, "uncertain", "d-1", "ana", after=2) == 0
    assert first_open_sentence(store, "uncertain", "d-1", "ana", after=0) is None
    assert first_open_sentence(store, "document", "d-1", "ana") == 0  # text order otherwise
    store.annotations.put_judgment(SentenceState(store.corpus.sentence_at("d-1", 1).id, "ana", "done"))
    assert first_open_sentence(store, "uncertain", "d-1", "ana") == 2
    assert first_open_sentence(store, "uncertain", "d-1", "bob") == 1  # her done is not his


def test_the_session_serves_the_most_uncertain_sentence_and_goes_on_by_uncertainty(store):
    scored_corpus(store)
    session = AnnotationSession(store, "ana", order=DocumentOrder.for_annotator(store, "ana", "uncertain"))
    session.open()
    assert here(session) == ("d-1", 1)
    session.next_open()
    assert here(session) == ("d-1", 2)
    session.mark_done()  # enter goes on by uncertainty too
    assert here(session) == ("d-1", 0)
    session.mark_done()
    assert here(session) == ("d-3", 0)
    session.previous_sentence()  # the arrows still move in text order, across documents
    assert here(session) == ("d-1", 2)
    session.next_open()  # n goes on along the served sequence, not back to its start
    assert here(session) == ("d-3", 0)
    states = {
        (s.document_id, s.index): store.annotations.get_judgment(s.id, "ana")
        for d in ("d-1", "d-3")
        for s in store.corpus.sentences_of(d)
    }
    assert {k: (v.status, v.served_order) for k, v in states.items() if v is not None} == {
        ("d-1", 0): ("done", "uncertain"),
        ("d-1", 1): (None, "uncertain"),
        ("d-1", 2): ("done", "uncertain"),
        ("d-3", 0): (None, "uncertain"),
    }


def test_the_last_open_sentence_done_says_everything_is_done(store):
    scored_corpus(store)
    session = AnnotationSession(store, "ana", order=DocumentOrder.for_annotator(store, "ana", "uncertain"))
    session.open()
    notices = [session.mark_done() for _ in range(len(SCORES))]
    assert notices[:-1] == [None] * (len(SCORES) - 1)
    assert notices[-1] == "Every sentence is done."
    with pytest.raises(ActionRefused):
        session.next_open()


def test_document_order_records_document(store):
    scored_corpus(store)
    session = AnnotationSession(store, "ana")
    session.open()
    session.mark_done()
    first = store.corpus.sentence_at("d-0", 0)
    assert store.annotations.get_judgment(first.id, "ana").served_order == "document"
    shown = store.annotations.get_judgment(store.corpus.sentence_at("d-0", 1).id, "ana")
    assert (shown.status, shown.served_order) == (None, "document")
    assert store.annotations.events("ana")[0].payload["served_order"] == "document"


# ------------------------------------------------ the workspace: refusal, memory, queue


@pytest.fixture
def project(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("ragu", tagset)
        scored_corpus(store)
    return db_path


def test_the_order_is_refused_without_scores_and_not_remembered(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("ragu", tagset)
        add_documents(store, [2, 2])
    with pytest.raises(AnnotatorError) as refused:
        open_workspace(db_path, "ana", order="uncertain")
    message = str(refused.value)
    assert "annotator recommend train" in message and "annotator suggest --source model" in message
    assert "\n" not in message
    with open_workspace(db_path, "ana") as ws:
        assert ws.session.order.name == "document"
        assert ws.store.annotations.annotator_order("ana")[0] != "uncertain"


def test_the_uncertain_order_is_remembered_per_annotator(project):
    with open_workspace(project, "ana", order="uncertain") as ws:
        assert here(ws.session) == ("d-1", 1)
    with open_workspace(project, "ana") as ws:  # no --order: her last choice
        assert ws.session.order.name == "uncertain" and here(ws.session) == ("d-1", 1)
        assert ws.store.annotations.annotator_order("ana") == ("uncertain", None)
    with open_workspace(project, "bob") as ws:
        assert ws.session.order.name == "document"


def test_the_queue_in_uncertain_order_keeps_calibration_first(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("tim", tagset)
        ids = add_documents(store, [2, 2, 2, 2, 2])
        store.team.add(["ana"], "annotator")
        assign(store, per_item=1, calibration=1)
        calibration = [r.document_id for r in store.team.rows("ana") if r.calibration]
        # The calibration document is the surest; the others by their scores.
        ranked = {d: 0.1 * (i + 1) for i, d in enumerate(reversed(ids))}
        ranked[calibration[0]] = 0.0
        write_scores(store, {(d, 0): score for d, score in ranked.items()})
    with open_workspace(db_path, "ana", order="uncertain") as ws:
        order = ws.session.order
        served = [order.document_at(i) for i in range(len(order))]
    rest = sorted((d for d in ids if d not in calibration), key=lambda d: -ranked[d])
    assert served == calibration + rest


def test_a_document_without_sentences_ranks_after_the_scored_ones(store):
    scored_corpus(store)
    store.corpus.insert_document(Document(id="empty", text="", content_hash="h-empty"), [])
    write_scores(store, SCORES)
    order = DocumentOrder.for_annotator(store, "ana", "uncertain")
    assert [order.document_at(i) for i in range(len(order))] == ["d-1", "d-3", "d-2", "d-0", "empty"]


def test_a_document_published_after_the_scores_with_an_older_seq_still_comes_last(store):
    # An import's unit holds its rows hidden while the scores are made; the document
    # is older by seq than the ranked ones imported after it.
    unit = store.units.begin("import", "slow.jsonl")
    sentence = Sentence(None, "slow", 0, 0, 5, "Lama.", [(0, 4), (4, 5)])
    store.corpus.insert_documents([(Document(id="slow", text="Lama.", content_hash="h-slow"), [sentence])], unit)
    scored_corpus(store)
    store.units.publish(unit)
    order = DocumentOrder.for_annotator(store, "ana", "uncertain")
    assert [order.document_at(i) for i in range(len(order))] == ["d-1", "d-3", "d-2", "d-0", "slow"]
    assert order.position_of("slow") == 4


def test_a_scoring_run_during_a_session_reranks_under_it(store):
    scored_corpus(store)
    session = AnnotationSession(store, "ana", order=DocumentOrder.for_annotator(store, "ana", "uncertain"))
    session.open()
    assert here(session) == ("d-1", 1)
    write_scores(store, {**SCORES, ("d-0", 0): 0.99})  # d-0 now leads, d-1 is second
    assert here(session) == ("d-1", 1)  # the sentence on screen stays
    session.next_document()
    assert session.document.id == "d-1"  # position 1 of the new ranking
    session.previous_document()
    assert session.document.id == "d-0"
    session.next_open()
    assert here(session) == ("d-0", 1)
