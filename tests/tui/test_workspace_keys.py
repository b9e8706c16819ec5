"""Every key of the contract, driven through Pilot, checked in the store afterwards."""

from __future__ import annotations

import pytest

from annotator.tui.screens.dialogs import JudgmentDialog, NoteDialog, SearchDialog
from annotator.tui.screens.help import HelpScreen
from annotator.tui.widgets.sentence_view import SentenceView
from annotator.workspace import AnnotationSession
from tests.tui.mouse import token_offsets
from tests.workspace_corpus import sentence_id

SIZE = (80, 24)

# Sentence 0 of berita-1: Pasukan(0) pengecut(1) itu(2) menyerang(3) kota(4) .(5)
WORDS = ["Pasukan", "pengecut", "itu", "menyerang", "kota", "."]


async def drive(app, *keys, size=SIZE):
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    return app.session.store


def labelled(store, document="berita-1", index=0, annotator="alice"):
    """The spans of one sentence as (covered text, label)."""
    sentence = store.corpus.sentence_at(document, index)
    return [
        (sentence.text[s.start : s.end], s.label) for s in store.annotations.spans_for_sentence(sentence.id, annotator)
    ]


def state(store, document="berita-1", index=0, annotator="alice"):
    return store.annotations.get_judgment(sentence_id(store, document, index), annotator)


def decisions(store, document="berita-1", index=0, annotator="alice"):
    return [g.decision for g in store.suggestions.for_sentence(sentence_id(store, document, index), annotator)]


# ------------------------------------------------------- cursor and labels


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("1",), [("Pasukan", "loaded_language")]),
        (("right", "1"), [("pengecut", "loaded_language")]),
        (("l", "l", "2"), [("itu", "name_calling")]),
        (("right", "right", "left", "3"), [("pengecut", "epistemic_framing")]),
        (("l", "l", "h", "4"), [("pengecut", "scare_quotes")]),
        (("shift+right", "5"), [("Pasukan pengecut", "euphemism")]),
        (
            ("right", "right", "right", "shift+left", "shift+left", "6"),
            [("pengecut itu menyerang", "unattributed_claim")],
        ),
        (("shift+right", "shift+right", "escape", "1"), [("itu", "loaded_language")]),
        (("tab", "2"), [("pengecut", "name_calling")]),
        (("shift+tab", "3"), [("pengecut", "epistemic_framing")]),
        (("1", "2"), [("Pasukan", "name_calling")]),  # a label key on a span relabels it
        (("7", "8", "9"), []),  # keys without a label in this tag set change nothing
    ],
    ids=["1", "right", "l", "left", "h", "shift+right", "shift+left", "escape", "tab", "shift+tab", "relabel", "7-9"],
)
async def test_cursor_selection_and_label_keys(make_app, keys, expected):
    store = await drive(make_app(), *keys)
    assert labelled(store) == expected


async def test_each_label_key_of_the_tag_set(make_app, tagset):
    keys = []
    for label in tagset.labels:
        keys += [label.key, "right"]
    store = await drive(make_app(), *keys)
    assert labelled(store) == [(WORDS[i], label.name) for i, label in enumerate(tagset.labels)]


async def test_cursor_stops_at_the_sentence_ends(make_app):
    store = await drive(make_app(), *(["right"] * 10), "1", *(["left"] * 10), "2")
    assert labelled(store) == [("Pasukan", "name_calling"), (".", "loaded_language")]


# ------------------------------------------------------------- suggestions


async def test_a_accepts_the_first_pending_suggestion(make_app):
    store = await drive(make_app(), "a")
    assert labelled(store) == [("pengecut", "loaded_language")]
    assert decisions(store) == ["accepted"]


async def test_capital_a_accepts_all_pending_suggestions(make_app):
    store = await drive(make_app(), "down", "A")
    assert labelled(store, index=1) == [("dalih", "epistemic_framing")]
    assert decisions(store, index=1) == ["accepted"]


async def test_x_rejects_the_suggestion_under_the_cursor(make_app):
    store = await drive(make_app(), "right", "x")
    assert decisions(store) == ["rejected"]
    assert labelled(store) == []


async def test_capital_x_rejects_all_pending_suggestions(make_app):
    store = await drive(make_app(), "X")
    assert decisions(store) == ["rejected"]


# ------------------------------------------------------------------- spans


@pytest.mark.parametrize("key", ["d", "delete"])
async def test_delete_keys_remove_the_span_under_the_cursor(make_app, key):
    store = await drive(make_app(), "1", "right", "2", key)
    assert labelled(store) == [("Pasukan", "loaded_language")]


async def test_t_toggles_quoted(make_app):
    store = await drive(make_app(), "4", "t")
    span = store.annotations.spans_for_sentence(sentence_id(store, "berita-1", 0), "alice")[0]
    assert span.quoted is True
    store = await drive(make_app(), "t")
    assert store.annotations.spans_for_sentence(sentence_id(store, "berita-1", 0), "alice")[0].quoted is False


# --------------------------------------------------------- sentence state


async def test_enter_marks_done_and_moves_on(make_app):
    app = make_app()
    store = await drive(app, "enter")
    done = state(store)
    assert done.status == "done" and done.finished_at and done.suggestion_mode == "on"
    assert state(store, index=1).first_shown_at is not None
    assert app.session.index == 1


async def test_s_skips(make_app):
    app = make_app()
    store = await drive(app, "s")
    assert state(store).status == "skipped" and app.session.index == 1


async def test_f_toggles_the_flag(make_app):
    store = await drive(make_app(), "f")
    assert state(store).flagged is True
    store = await drive(make_app(), "f")
    assert state(store).flagged is False


async def test_c_edits_the_sentence_note_in_a_modal(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"perlu cek", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog)
    assert state(app.session.store).note == "perlu cek"


async def test_escape_cancels_the_note(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *"abc", "escape")
        await pilot.pause()
    assert state(app.session.store).note is None


async def test_v_picks_the_judgment_with_a_digit(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, JudgmentDialog)
        await pilot.press("2")
        await pilot.pause()
        assert not isinstance(app.screen, JudgmentDialog)
        await pilot.press("v", "0")  # 0 clears
        await pilot.pause()
        assert state(app.session.store).judgment is None
        await pilot.press("v", "3")
        await pilot.pause()
    assert state(app.session.store).judgment == "cannot_tell"


# -------------------------------------------------------------- navigation


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        (("down",), ("berita-1", 1)),
        (("j",), ("berita-1", 1)),
        (("j", "j", "up"), ("berita-1", 1)),
        (("j", "j", "k"), ("berita-1", 1)),
        (("]",), ("berita-2", 0)),
        (("]", "j", "["), ("berita-1", 0)),
    ],
)
async def test_navigation_keys_move_without_marking(make_app, keys, where):
    app = make_app()
    store = await drive(app, *keys, "enter")
    # enter marks the sentence the keys led to, and nothing else
    assert [
        (s.document_id, s.index)
        for s in store.corpus.iter_sentences()
        if (st := state(store, s.document_id, s.index)) is not None and st.status == "done"
    ] == [where]


async def test_n_goes_to_the_next_sentence_not_done(make_app):
    app = make_app()
    store = await drive(app, "j", "enter", "k", "k", "n")
    assert state(store, index=1).status == "done"
    assert (app.session.document.id, app.session.index) == ("berita-1", 2)


# ----------------------------------------------------------------- history


async def test_u_undoes_and_ctrl_r_redoes(make_app):
    app = make_app()
    store = await drive(app, "1", "enter", "u")
    assert state(store).status is None and labelled(store) == [("Pasukan", "loaded_language")]
    assert app.session.index == 0  # undo returns to the sentence it changed
    store = await drive(make_app(), "u", "u", "ctrl+r")
    # A fresh app has its own history: nothing to undo, so nothing changes.
    assert labelled(store) == [("Pasukan", "loaded_language")]
    app = make_app()
    store = await drive(app, "f", "u", "ctrl+r")
    assert state(store).flagged is True
    assert [e.action for e in store.annotations.events("alice")][-3:] == ["sentence.flag", "undo", "redo"]


# --------------------------------------------------------------- the rest


async def test_slash_searches_and_jumps_to_a_match(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        await pilot.press(*"korban", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SearchDialog)
        await pilot.press("enter")
        await pilot.pause()
    assert state(app.session.store, "berita-2", 1).status == "done"


async def test_question_mark_opens_help_and_escape_closes_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("?")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("1")  # label keys do nothing on the help screen
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
    assert labelled(app.session.store) == []


async def test_q_quits_and_the_work_is_already_saved(make_app, corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter", "q")
        await pilot.pause()
        assert not app.is_running
    again = AnnotationSession(corpus, "alice")
    again.open()
    assert (again.index, again.done) == (1, 1)
    assert labelled(corpus) == [("Pasukan", "loaded_language")]


# ------------------------------------------------------------------- mouse


async def test_click_moves_the_cursor_and_drag_selects(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        x_of = token_offsets(app.screen.query_one(SentenceView))
        await pilot.click(SentenceView, offset=x_of[3])
        await pilot.press("1")
        await pilot.mouse_down(SentenceView, offset=x_of[0])
        await pilot.hover(SentenceView, offset=x_of[1])
        await pilot.mouse_up(SentenceView, offset=x_of[1])
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
    assert labelled(app.session.store) == [("Pasukan pengecut", "name_calling"), ("menyerang", "loaded_language")]
