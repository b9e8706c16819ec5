"""The annotation session without a screen: every action's effect on the store."""

from __future__ import annotations

import pytest

from annotator.errors import AnnotatorError
from annotator.model import SentenceState, SpanAnnotation
from annotator.workspace import ActionRefused, AnnotationSession, DocumentOrder
from tests.workspace_corpus import build_corpus, sentence_id, token_index


class Clock:
    """A deterministic clock: 2026-01-01T00:00:00.001Z, .002Z, ..."""

    def __init__(self) -> None:
        self.ticks = 0

    def __call__(self) -> str:
        self.ticks += 1
        return f"2026-01-01T00:00:{self.ticks // 1000:02d}.{self.ticks % 1000:03d}Z"


@pytest.fixture
def corpus(store):
    return build_corpus(store)


def session_for(store, annotator="alice", **options) -> AnnotationSession:
    session = AnnotationSession(store, annotator, clock=Clock(), **options)
    session.open()
    return session


def spans(store, annotator="alice", document="berita-1", index=0):
    return [
        (s.start, s.end, s.label)
        for s in store.annotations.spans_for_sentence(sentence_id(store, document, index), annotator)
    ]


def word_range(store, word, document="berita-1", index=0):
    text = store.corpus.sentence_at(document, index).text
    start = text.index(word)
    return start, start + len(word)


# ------------------------------------------------------------------ opening


def test_opens_on_first_sentence_with_cursor_on_first_token_and_nothing_selected(corpus):
    session = session_for(corpus)
    assert session.sentence.text.startswith("Pasukan pengecut")
    assert session.cursor.position == 0 and session.cursor.selection is None
    assert (session.total, session.done) == (5, 0)


def test_refuses_the_reserved_gold_name_and_empty_names(corpus):
    for name in ("gold", "GOLD", " gold ", "", "   "):
        with pytest.raises(AnnotatorError):
            AnnotationSession(corpus, name)


def test_refuses_a_project_without_documents(store):
    with pytest.raises(AnnotatorError, match="no documents"):
        AnnotationSession(store, "alice")


def test_showing_a_sentence_records_first_shown_at_once(corpus):
    session = session_for(corpus)
    first = corpus.annotations.get_judgment(session.sentence_id, "alice")
    assert first.first_shown_at is not None and first.status is None and first.suggestion_mode == "on"
    session.next_sentence()
    session.previous_sentence()
    assert corpus.annotations.get_judgment(session.sentence_id, "alice").first_shown_at == first.first_shown_at


def test_resumes_at_first_sentence_not_done(corpus):
    session = session_for(corpus)
    session.mark_done()
    session.skip()  # skipped is not done: resume comes back to it
    again = session_for(corpus)
    assert (again.document.id, again.index) == ("berita-1", 1)
    assert again.done == 1


def test_resume_when_everything_is_done_opens_at_the_start_with_a_notice(corpus):
    session = session_for(corpus)
    for _ in range(5):
        session.mark_done()
    again = AnnotationSession(corpus, "alice")
    assert again.open() == "Every sentence is done."
    assert (again.document.id, again.index) == ("berita-1", 0)


def test_document_option_starts_at_that_document(corpus):
    session = AnnotationSession(corpus, "alice")
    session.open("berita-2")
    assert (session.document.id, session.index) == ("berita-2", 0)
    with pytest.raises(AnnotatorError, match="no document"):
        AnnotationSession(corpus, "alice").open("missing")


def test_random_order_is_a_per_annotator_permutation_of_the_documents(corpus):
    from tests.workspace_corpus import add_document

    for n in range(3, 12):
        add_document(corpus, f"berita-{n}", [f"Kalimat nomor {n}."])
    orders = {}
    for annotator in ("alice", "bob", "carol"):
        order = DocumentOrder.for_annotator(corpus, annotator, "random", seed=7)
        orders[annotator] = [order.document_at(p) for p in range(len(order))]
        assert sorted(orders[annotator]) == sorted(corpus.corpus.document_ids())
        assert all(order.position_of(d) == p for p, d in enumerate(orders[annotator]))
    assert len({tuple(o) for o in orders.values()}) > 1
    again = DocumentOrder.for_annotator(corpus, "alice", "random", seed=7)
    assert [again.document_at(p) for p in range(len(again))] == orders["alice"]
    session = AnnotationSession(corpus, "alice", order=again)
    session.open()
    assert session.document.id == orders["alice"][0]


# ------------------------------------------------------------------- labels


def test_label_key_labels_the_token_under_the_cursor(corpus):
    session = session_for(corpus)
    session.place(token_index(corpus, "berita-1", 0, "pengecut"))
    session.apply_label("1")
    assert spans(corpus) == [(*word_range(corpus, "pengecut"), "loaded_language")]
    span = corpus.annotations.spans_for_sentence(session.sentence_id, "alice")[0]
    assert span.origin == "manual" and span.created_at is not None


def test_label_key_labels_the_selection_and_clears_it(corpus):
    session = session_for(corpus)
    session.extend(1)
    session.extend(1)
    session.apply_label("2")
    text = corpus.corpus.sentence_at("berita-1", 0).text
    assert spans(corpus) == [(0, text.index("itu") + 3, "name_calling")]
    assert session.cursor.selection is None


def test_label_key_on_an_existing_span_relabels_it(corpus):
    session = session_for(corpus)
    session.apply_label("1")
    session.apply_label("3")
    assert spans(corpus) == [(0, 7, "epistemic_framing")]
    with pytest.raises(ActionRefused, match="already"):
        session.apply_label("3")


def test_a_key_without_a_label_is_refused(corpus):
    with pytest.raises(ActionRefused):
        session_for(corpus).apply_label("9")


def test_delete_removes_the_span_under_the_cursor(corpus):
    session = session_for(corpus)
    session.apply_label("1")
    session.delete()
    assert spans(corpus) == []
    with pytest.raises(ActionRefused):
        session.delete()


def test_toggle_quoted(corpus):
    session = session_for(corpus)
    session.apply_label("4")
    session.toggle_quoted()
    assert corpus.annotations.spans_for_sentence(session.sentence_id, "alice")[0].quoted is True
    session.toggle_quoted()
    assert corpus.annotations.spans_for_sentence(session.sentence_id, "alice")[0].quoted is False


# -------------------------------------------------------------- suggestions


def test_accept_takes_the_suggestion_as_a_span_with_its_provenance(corpus):
    session = session_for(corpus)
    session.accept()  # cursor is not on it: the first pending one
    span = corpus.annotations.spans_for_sentence(session.sentence_id, "alice")[0]
    assert (span.start, span.end, span.label) == (*word_range(corpus, "pengecut"), "loaded_language")
    assert span.origin == "suggestion" and span.lexicon_term == "pengecut" and span.suggestion_id is not None
    assert [g.decision for g in corpus.suggestions.for_sentence(session.sentence_id, "alice")] == ["accepted"]
    assert session.pending == []


def test_reject_takes_the_suggestion_under_the_cursor_or_else_the_first_pending(corpus):
    session = session_for(corpus)
    session.reject()  # cursor is not on it: the first pending one, as accept does
    assert [g.decision for g in corpus.suggestions.for_sentence(session.sentence_id, "alice")] == ["rejected"]
    assert spans(corpus) == []
    with pytest.raises(ActionRefused, match="no pending suggestion to reject"):
        session.reject()


def test_accept_all_and_reject_all(corpus):
    first, second = sentence_id(corpus, "berita-1", 0), sentence_id(corpus, "berita-1", 1)
    # A second suggestion in the first sentence.
    from annotator.model import Suggestion

    corpus.suggestions.add([Suggestion(first, *word_range(corpus, "menyerang"), "loaded_language", "menyerang")])
    session = session_for(corpus)
    session.accept_all()
    assert len(corpus.annotations.spans_for_sentence(first, "alice")) == 2
    session.next_sentence()
    session.reject_all()
    assert [g.decision for g in corpus.suggestions.for_sentence(second, "alice")] == ["rejected"]
    with pytest.raises(ActionRefused):
        session.reject_all()


def test_deleting_an_accepted_suggestion_turns_it_into_a_reject(corpus):
    session = session_for(corpus)
    session.accept()
    session.place(token_index(corpus, "berita-1", 0, "pengecut"))
    session.delete()
    assert [g.decision for g in corpus.suggestions.for_sentence(session.sentence_id, "alice")] == ["rejected"]


def test_relabelling_an_accepted_suggestion_is_a_reject_plus_a_manual_span_in_lexicon_stats(corpus):
    def pengecut():
        # What `lexicon stats` counts per entry.
        return next(t for t in corpus.suggestions.tallies() if t.term == "pengecut")

    session = session_for(corpus)
    session.accept()
    assert (pengecut().accepted, pengecut().rejected) == (1, 0)
    session.place(token_index(corpus, "berita-1", 0, "pengecut"))
    session.apply_label("3")  # another label than the entry's
    [span] = corpus.annotations.spans_for_sentence(session.sentence_id, "alice")
    assert (span.label, span.origin, span.suggestion_id, span.lexicon_term) == (
        "epistemic_framing",
        "manual",
        None,
        None,
    )
    assert [g.decision for g in corpus.suggestions.for_sentence(session.sentence_id, "alice")] == ["rejected"]
    assert (pengecut().accepted, pengecut().rejected) == (0, 1)
    session.undo()
    [span] = corpus.annotations.spans_for_sentence(session.sentence_id, "alice")
    assert span.origin == "suggestion" and span.suggestion_id is not None
    assert (pengecut().accepted, pengecut().rejected) == (1, 0)


def test_decisions_are_per_annotator(corpus):
    alice = session_for(corpus, "alice")
    alice.place(token_index(corpus, "berita-1", 0, "pengecut"))
    alice.reject()
    bob = session_for(corpus, "bob")
    assert [g.decision for g in bob.suggestions] == [None]
    assert len(bob.pending) == 1


def test_suggestions_off_hides_them_and_refuses_accept(corpus):
    session = session_for(corpus, suggestions="off")
    assert session.suggestions == []
    with pytest.raises(ActionRefused, match="off"):
        session.accept()


def test_after_mode_reveals_uncovered_suggestions_on_enter_then_marks_done(corpus):
    session = session_for(corpus, suggestions="after")
    assert session.suggestions == []
    with pytest.raises(ActionRefused, match="hidden"):
        session.accept()
    notice = session.mark_done()
    assert "revealed" in notice
    assert session.index == 0 and [g.term for g in session.pending] == ["pengecut"]
    assert corpus.annotations.get_judgment(session.sentence_id, "alice").status is None
    session.accept()
    session.mark_done()
    done = corpus.annotations.get_judgment(sentence_id(corpus, "berita-1", 0), "alice")
    assert done.status == "done" and done.suggestion_mode == "after"
    assert session.index == 1


def test_after_mode_does_not_reveal_suggestions_already_covered(corpus):
    session = session_for(corpus, suggestions="after")
    session.next_sentence()  # "... sebagai dalih keamanan."
    session.place(token_index(corpus, "berita-1", 1, "dalih"))
    session.extend(1)
    session.apply_label("3")  # covers "dalih keamanan"
    assert session.mark_done() is None  # nothing uncovered to reveal: done at once
    assert corpus.annotations.get_judgment(sentence_id(corpus, "berita-1", 1), "alice").status == "done"
    assert [g.decision for g in corpus.suggestions.for_sentence(sentence_id(corpus, "berita-1", 1), "alice")] == [None]


# ------------------------------------------------------------ sentence state


def test_mark_done_stores_status_mode_and_finished_at_and_moves_on(corpus):
    session = session_for(corpus)
    first = session.sentence_id
    session.mark_done()
    state = corpus.annotations.get_judgment(first, "alice")
    assert state.status == "done" and state.finished_at is not None and state.suggestion_mode == "on"
    assert state.first_shown_at < state.finished_at
    assert session.index == 1 and session.done == 1 and corpus.annotations.done_count("alice") == 1


def test_mark_done_on_the_last_sentence_stays_with_a_notice(corpus):
    session = AnnotationSession(corpus, "alice")
    session.open("berita-2")
    session.next_sentence()
    assert "last sentence" in session.mark_done()
    assert corpus.annotations.get_judgment(session.sentence_id, "alice").status == "done"


def test_skip_flag_note_and_judgment(corpus):
    session = session_for(corpus)
    first = session.sentence_id
    session.toggle_flag()
    session.set_note("cek sumber")
    session.set_judgment("biased")
    state = corpus.annotations.get_judgment(first, "alice")
    assert (state.flagged, state.note, state.judgment) == (True, "cek sumber", "biased")
    session.toggle_flag()
    session.set_judgment(None)
    session.set_note("")
    state = corpus.annotations.get_judgment(first, "alice")
    assert (state.flagged, state.note, state.judgment) == (False, None, None)
    with pytest.raises(ActionRefused):
        session.set_judgment("not-a-value")
    session.skip()
    assert corpus.annotations.get_judgment(first, "alice").status == "skipped" and session.index == 1


# --------------------------------------------------------------- navigation


def test_sentence_and_document_navigation(corpus):
    session = session_for(corpus)
    with pytest.raises(ActionRefused):
        session.previous_sentence()
    session.next_sentence()
    session.next_sentence()
    session.next_sentence()  # crosses into the next document
    assert (session.document.id, session.index) == ("berita-2", 0)
    session.previous_sentence()  # back to the last sentence of the previous one
    assert (session.document.id, session.index) == ("berita-1", 2)
    session.next_document()
    assert (session.document.id, session.index) == ("berita-2", 0)
    with pytest.raises(ActionRefused):
        session.next_document()
    session.previous_document()
    assert (session.document.id, session.index) == ("berita-1", 0)
    assert session.cursor.position == 0 and session.cursor.selection is None


def test_next_open_skips_done_sentences_and_wraps(corpus):
    session = session_for(corpus)
    session.next_sentence()
    session.mark_done()  # 1 done, now on 2
    session.previous_sentence()
    session.previous_sentence()  # on 0
    session.mark_done()  # 0 done, now on 1 (done)
    session.next_open()
    assert session.index == 2
    session.next_document()
    session.next_open()
    assert (session.document.id, session.index) == ("berita-2", 1)
    session.next_open()  # wraps to the start
    assert (session.document.id, session.index) == ("berita-1", 2)


def test_tab_moves_between_spans_and_suggestions(corpus):
    session = session_for(corpus)
    session.place(token_index(corpus, "berita-1", 0, "kota"))
    session.apply_label("5")
    session.place(0)
    session.next_item()
    assert session.cursor.position == token_index(corpus, "berita-1", 0, "pengecut")
    session.next_item()
    assert session.cursor.position == token_index(corpus, "berita-1", 0, "kota")
    session.next_item()  # wraps
    assert session.cursor.position == token_index(corpus, "berita-1", 0, "pengecut")
    session.previous_item()
    assert session.cursor.position == token_index(corpus, "berita-1", 0, "kota")


def test_search_and_go_to_sentence(corpus):
    hits = corpus.corpus.search_sentences("KORBAN")
    assert [h.text for h in hits] == ["Media asing melaporkan korban sipil."]
    assert corpus.corpus.search_sentences("100%") == [] and corpus.corpus.search_sentences("a_b") == []
    session = session_for(corpus)
    session.go_to_sentence(hits[0].id)
    assert (session.document.id, session.index) == ("berita-2", 1)


# ----------------------------------------------------------------- blindness


def test_another_annotators_work_is_never_loaded(corpus):
    bob = session_for(corpus, "bob")
    bob.apply_label("1")
    bob.toggle_flag()
    bob.set_note("bob's note")
    bob.set_judgment("biased")
    bob.accept()
    alice = session_for(corpus, "alice")
    assert alice.spans == [] and alice.judgment.note is None and alice.judgment.judgment is None
    assert not alice.judgment.flagged
    assert [g.decision for g in alice.suggestions] == [None]


# --------------------------------------------------------- events and undo


def test_every_change_appends_one_event_in_its_transaction(corpus):
    session = session_for(corpus)
    before = len(corpus.annotations.events("alice"))
    session.apply_label("1")
    events = corpus.annotations.events("alice")[before:]
    assert [e.action for e in events] == ["span.add"]
    change = events[0].payload["changes"][0]
    assert change["kind"] == "span" and change["before"] is None and change["after"]["label"] == "loaded_language"


def _state(store, annotator="alice"):
    """Everything of one annotator that an edit can change, apart from timestamps of first sight."""
    rows = []
    for sentence in store.corpus.iter_sentences():
        judgment = store.annotations.get_judgment(sentence.id, annotator) or SentenceState(sentence.id, annotator)
        rows.append(
            (
                sentence.id,
                tuple(
                    (s.id, s.start, s.end, s.label, s.origin, s.quoted, s.note, s.suggestion_id)
                    for s in store.annotations.spans_for_sentence(sentence.id, annotator)
                ),
                tuple((g.id, g.decision) for g in store.suggestions.for_sentence(sentence.id, annotator)),
                (judgment.status, judgment.judgment, judgment.flagged, judgment.note, judgment.finished_at),
            )
        )
    return rows


def _nothing(session):
    return None


# kind of change: (setup, the action under test)
ACTIONS = {
    "label": (_nothing, lambda s: s.apply_label("1")),
    "relabel": (lambda s: s.apply_label("1"), lambda s: s.apply_label("2")),
    "delete": (lambda s: s.apply_label("1"), lambda s: s.delete()),
    "quoted": (lambda s: s.apply_label("4"), lambda s: s.toggle_quoted()),
    "span_note": (lambda s: s.apply_label("1"), lambda s: s.set_span_note("catatan")),
    "accept": (_nothing, lambda s: s.accept()),
    "accept_all": (_nothing, lambda s: s.accept_all()),
    "reject": (lambda s: s.place(1), lambda s: s.reject()),
    "reject_all": (_nothing, lambda s: s.reject_all()),
    "delete_accepted": (lambda s: (s.accept(), s.place(1)), lambda s: s.delete()),
    "done": (_nothing, lambda s: s.mark_done()),
    "skip": (_nothing, lambda s: s.skip()),
    "flag": (_nothing, lambda s: s.toggle_flag()),
    "note": (_nothing, lambda s: s.set_note("catatan")),
    "judgment": (_nothing, lambda s: s.set_judgment("neutral")),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_undo_restores_and_redo_replays_every_kind_of_change(corpus, action):
    setup, act = ACTIONS[action]
    session = session_for(corpus)
    setup(session)
    before, done_before = _state(corpus), session.done
    act(session)
    after = _state(corpus)
    assert after != before
    # Undo returns to the sentence of the change, wherever the action moved on to.
    session.undo()
    assert _state(corpus) == before
    assert session.done == done_before == corpus.annotations.done_count("alice")
    assert (session.document.id, session.index) == ("berita-1", 0)
    session.redo()
    assert _state(corpus) == after
    assert session.done == corpus.annotations.done_count("alice")
    logged = [e for e in corpus.annotations.events("alice") if e.action != "sentence.shown"]
    assert [e.action for e in logged[-2:]] == ["undo", "redo"]
    assert logged[-1].payload["of"] == logged[-2].payload["of"] == logged[-3].action


def test_undo_and_redo_with_nothing_to_do_are_refused(corpus):
    session = session_for(corpus)
    with pytest.raises(ActionRefused):
        session.undo()
    with pytest.raises(ActionRefused):
        session.redo()
    session.apply_label("1")
    session.undo()
    session.apply_label("2")  # a new edit clears what could be redone
    with pytest.raises(ActionRefused):
        session.redo()


def test_relabelling_onto_a_label_the_range_already_has_merges_and_undo_restores_both(corpus):
    session = session_for(corpus)
    session.apply_label("1")
    # Two labels on one range can come from an import or a merge.
    corpus.annotations.add_span(SpanAnnotation(session.sentence_id, "alice", 0, 7, "name_calling"))
    session.go_to_sentence(session.sentence_id)
    with_two = _state(corpus)
    session.apply_label("2")  # relabels loaded_language, the first span under the cursor
    assert spans(corpus) == [(0, 7, "name_calling")]
    session.undo()
    assert _state(corpus) == with_two


def test_read_only_session_navigates_but_changes_nothing(corpus, tmp_path):
    from annotator.store import Store

    path = tmp_path / "ro.db"
    with Store.open(path, create=True) as writable:
        writable.initialize("ro", corpus.tagset())
        build_corpus(writable)
    with Store.open(path, readonly=True) as reader:
        session = AnnotationSession(reader, "alice")
        session.open()
        assert session.readonly
        session.next_sentence()
        for attempt in (lambda: session.apply_label("1"), session.mark_done, session.toggle_flag, session.accept):
            with pytest.raises(ActionRefused, match="read-only"):
                attempt()
        assert reader.annotations.events() == []


def test_a_manual_span_inside_quotation_marks_is_quoted(sample_store):
    from annotator.workspace import AnnotationSession

    session = AnnotationSession(sample_store, "ana")
    session.open("004_42838089c5e12062")
    sentence = next(s for s in session.sentences if "“Israel”" in s.text)
    session.go_to_sentence(sentence.id)
    start = sentence.text.index("Israel")
    session.place(session.token_range(start, start + 6)[0])
    session.apply_label("1")
    session.place(0)
    session.apply_label("1")
    spans = {(s.start, s.quoted) for s in sample_store.annotations.spans_for_sentence(sentence.id, "ana")}
    assert (start, True) in spans and (0, False) in spans
