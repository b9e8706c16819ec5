"""The guided tour's steps advance only on their own action, read from the session."""

from __future__ import annotations

from annotator import guidelines
from annotator.workspace import AnnotationSession
from annotator.workspace.tour import STEPS, Tour, tour_sentence
from tests.workspace_corpus import build_corpus, token_index


def _session(store) -> AnnotationSession:
    build_corpus(store)
    session = AnnotationSession(store, "alice")
    session.open("berita-1")
    return session


def test_each_step_needs_its_own_action(store):
    session = _session(store)  # "Pasukan pengecut itu menyerang kota." with a suggestion on "pengecut"
    tour = Tour()
    tour.start(session)
    session.place(0)
    session.apply_label("1")  # a manual span: step 3's action, not step 1's
    assert not tour.observe(session) and tour.step == 0
    session.accept()
    assert tour.observe(session) and tour.step == 1
    session.next_sentence()  # "... sebagai dalih keamanan." with a suggestion on "dalih"
    assert not tour.observe(session)
    session.place(token_index(store, "berita-1", 1, "dalih"))
    session.reject()
    assert tour.observe(session) and tour.step == 2
    session.place(0)
    session.apply_label("2")
    assert tour.observe(session) and tour.step == 3
    [span] = session.spans
    session.apply_label("3")  # a relabel keeps the boundaries: not a boundary edit
    assert not tour.observe(session)
    store.annotations.update_span(span.id, start=span.start + 1, end=span.end)  # what `e` leaves
    session._reload()
    assert tour.observe(session) and tour.step == 4
    session.mark_done()
    assert tour.observe(session) and tour.finished and tour.current is None
    assert not tour.observe(session)  # a finished tour stays finished
    assert len(STEPS) == 5


def test_the_tour_starts_on_a_sentence_with_two_pending_suggestions(store):
    build_corpus(store)
    assert tour_sentence(store, "alice", "berita-1") is None  # one suggestion per sentence here
    sentence = store.corpus.sentence_at("berita-2", 1)
    from annotator.model import Suggestion

    store.suggestions.add(
        [
            Suggestion(sentence.id, 0, 5, "loaded_language", "media"),
            Suggestion(sentence.id, 6, 11, "name_calling", "asing"),
        ]
    )
    assert tour_sentence(store, "alice", "berita-2") == sentence.id


def test_seen_is_kept_per_annotator_and_version(store):
    assert guidelines.unseen_guidelines(store, "alice") is None  # no guidelines at all
    guidelines.set_guidelines(store, "# A\n")
    assert guidelines.unseen_guidelines(store, "alice") == "# A\n"
    guidelines.remember_seen(store, guidelines.GUIDELINES, "alice", guidelines.version("# A\n"))
    assert guidelines.unseen_guidelines(store, "alice") is None
    assert guidelines.unseen_guidelines(store, "bob") == "# A\n"
    guidelines.set_guidelines(store, "# B\n")
    assert guidelines.unseen_guidelines(store, "alice") == "# B\n"
