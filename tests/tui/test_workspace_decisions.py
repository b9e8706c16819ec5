"""Decisions and feedback through Pilot, asserted on the store: the pending count, where
the cursor goes after `a` and `x`, what `enter` says or refuses, what undo and redo say,
and digits without a label."""

from __future__ import annotations

import pytest

from annotator import settings
from annotator.model import Suggestion
from annotator.tui.widgets.header import WorkspaceHeader
from tests.tui.test_workspace_keys import decisions, labelled, state
from tests.workspace_corpus import sentence_id

SIZE = (80, 24)

# Sentence 0 of berita-1: Pasukan(0) pengecut(1) itu(2) menyerang(3) kota(4) .(5),
# with a pending suggestion on "pengecut".


@pytest.fixture
def three_pending(corpus):
    """Two more suggestions in sentence 0: on "menyerang" and "kota"."""
    sentence = corpus.corpus.sentence_at("berita-1", 0)
    found = []
    for word in ("menyerang", "kota"):
        start = sentence.text.index(word)
        found.append(Suggestion(sentence.id, start, start + len(word), "loaded_language", word))
    corpus.suggestions.add(found)
    return corpus


async def run(app, *keys):
    """Press the keys; return the header's pending counts before and after, and every message."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.screen.query_one(WorkspaceHeader)
        before = header.info.pending
        await pilot.press(*keys)
        await pilot.pause()
        return before, header.info.pending, [n.message for n in app._notifications]


async def test_the_header_counts_the_pending_suggestions(make_app, three_pending):
    assert (await run(make_app(), "a", "x"))[:2] == (3, 1)
    # Hidden suggestions are not counted; off shows no count at all.
    assert (await run(make_app("bob", suggestions="after")))[:2] == (None, None)
    assert (await run(make_app("cem", suggestions="off"), "enter"))[:2] == (None, None)


async def test_after_a_the_cursor_goes_to_the_next_pending_suggestion(make_app, three_pending):
    await run(make_app(), "a", "2")  # a accepts pengecut (the first), then 2 labels menyerang
    assert labelled(three_pending) == [("pengecut", "loaded_language"), ("menyerang", "name_calling")]


async def test_after_x_the_cursor_goes_to_the_next_pending_suggestion_wrapping(make_app, three_pending):
    # On kota: x rejects it and the cursor wraps round to pengecut; x again, then menyerang.
    await run(make_app(), "end", "left", "x", "3", "x", "4")
    assert labelled(three_pending) == [("pengecut", "epistemic_framing"), ("menyerang", "scare_quotes")]
    assert decisions(three_pending) == ["rejected", None, "rejected"]


async def test_x_with_no_suggestion_under_the_cursor_rejects_the_first_pending(make_app):
    app = make_app()
    await run(app, "x")
    store = app.session.store
    assert decisions(store) == ["rejected"]
    assert labelled(store) == []


async def test_after_x_a_does_not_take_the_reject_back(make_app, corpus):
    _, _, messages = await run(make_app(), "right", "x", "a")
    assert decisions(corpus) == ["rejected"] and labelled(corpus) == []
    assert "no pending suggestion to accept" in messages


async def test_enter_with_suggestions_pending_marks_done_and_says_how_many(make_app, three_pending):
    _, _, messages = await run(make_app(), "a", "enter")
    assert state(three_pending).status == "done"
    assert "2 suggestions left undecided." in messages


async def test_require_decisions_makes_enter_refuse_while_one_is_pending(make_app, corpus):
    settings.set_value(corpus, "require-decisions", "true")
    _, _, messages = await run(make_app(), "enter")
    assert state(corpus).status is None
    assert "not done: 1 suggestion pending: accept (a) or reject (x)" in messages
    await run(make_app(), "x", "enter")
    assert state(corpus).status == "done"


async def test_require_judgment_makes_enter_refuse_without_one(make_app, corpus):
    settings.set_value(corpus, "require-judgment", "true")
    _, _, messages = await run(make_app(), "a", "enter")
    assert state(corpus).status is None
    assert "not done: no judgment (bias) yet: choose one (v)" in messages
    await run(make_app(), "v", "1", "enter")
    assert state(corpus).status == "done" and state(corpus).judgment is not None


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        (("1", "u"), "undid: label 'Pasukan' as loaded_language"),
        (("1", "u", "ctrl+r"), "redid: label 'Pasukan' as loaded_language"),
        (("1", "2", "u"), "undid: relabel 'Pasukan' as name_calling"),
        (("1", "d", "u"), "undid: remove 'Pasukan' (loaded_language)"),
        (("a", "u"), "undid: accept 'pengecut' as loaded_language"),
        (("x", "u"), "undid: reject 'pengecut' as loaded_language"),
        (("A", "u"), "undid: accept all: 1 suggestion"),
        (("X", "u", "ctrl+r"), "redid: reject all: 1 suggestion"),
        (("f", "u"), "undid: flag"),
        (("enter", "u"), "undid: mark done"),
        (("1", "t", "u"), "undid: quoted on for 'Pasukan'"),
        (("u",), "nothing to undo"),
    ],
    ids=[
        "label",
        "redo",
        "relabel",
        "delete",
        "accept",
        "reject",
        "accept-all",
        "reject-all",
        "flag",
        "done",
        "quoted",
        "nothing",
    ],
)
async def test_undo_and_redo_say_what_they_did(make_app, keys, said):
    _, _, messages = await run(make_app(), *keys)
    assert said in messages, messages


@pytest.mark.parametrize("digit", ["7", "8", "9", "0"])
async def test_a_digit_without_a_label_says_so(make_app, corpus, digit):
    _, _, messages = await run(make_app(), digit)
    assert f"no label on key {digit}" in messages
    assert labelled(corpus) == []
    assert sentence_id(corpus, "berita-1", 0)  # the sentence is still there, untouched
