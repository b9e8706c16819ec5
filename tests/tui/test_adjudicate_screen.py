"""Pilot tests of the adjudication screen: every curator action, asserted on the store."""

from __future__ import annotations

import pytest

from annotator.adjudication.session import CurationSession
from annotator.model import GOLD
from annotator.tui.app import SessionApp
from annotator.tui.widgets.sentence_view import SentenceView
from tests.adjudication_data import annotate
from tests.tui.mouse import token_offsets

DOC = "001_0da7177c8754087f"
SIZE = (100, 30)


@pytest.fixture
def disputed(sample_store):
    """Three annotators who disagree on the first two sentences of a sample."""
    s1, s2 = [s.id for s in sample_store.corpus.sentences_of(DOC)[:2]]
    # "Baghdad, Purna Warta – Kementerian luar negeri Irak ..."
    annotate(sample_store, s1, "ana", [(0, 7, "loaded_language"), (9, 14, "name_calling")], "biased")
    annotate(sample_store, s1, "budi", [(0, 7, "loaded_language")], "biased")
    annotate(sample_store, s1, "citra", [(9, 20, "epistemic_framing")], "neutral")
    annotate(sample_store, s2, "ana", [], "neutral")
    annotate(sample_store, s2, "budi", [(0, 5, "euphemism")], "neutral")
    annotate(sample_store, s2, "citra", [], "cannot_tell")
    return sample_store, s1, s2


def make_app(store, auto="none", **options) -> SessionApp:
    session = CurationSession(store, "cur", auto=auto, **options)
    notice = session.open()
    return SessionApp(session, notices=(notice,) if notice else (), cursor_blink=False)


def gold(store, sentence_id):
    return [
        (g.start, g.end, g.label, g.agreed_by, g.resolution)
        for g in store.annotations.spans_for_sentence(sentence_id, GOLD)
    ]


async def test_a_takes_the_candidate_under_the_cursor(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
    assert gold(store, s1) == [(0, 7, "loaded_language", ("ana", "budi"), "curated")]


async def test_tab_moves_between_candidates_then_a_takes(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("tab", "a", "shift+tab", "shift+tab", "a")
        await pilot.pause()
    # Candidates: (0,7,loaded) ana+budi; (9,14,name_calling) ana; (9,20,epistemic) citra.
    assert gold(store, s1) == [
        (9, 14, "name_calling", ("ana",), "curated"),
        (9, 20, "epistemic_framing", ("citra",), "curated"),
    ]


async def test_T_takes_all_of_one_annotator(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("T")
        await pilot.pause()
        await pilot.press("1")  # ana
        await pilot.pause()
    assert [row[:3] for row in gold(store, s1)] == [(0, 7, "loaded_language"), (9, 14, "name_calling")]


async def test_x_rejects_an_auto_span(disputed):
    store, s1, _ = disputed
    async with make_app(store, auto="majority").run_test(size=SIZE) as pilot:
        assert gold(store, s1) == [(0, 7, "loaded_language", ("ana", "budi"), "auto")]
        await pilot.press("x")
        await pilot.pause()
    assert gold(store, s1) == []


async def test_label_keys_and_cursor_edit_gold(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        # Clear the candidate selection, select "Baghdad , Purna" and label it 3.
        await pilot.press("escape", "shift+right", "shift+right", "3")
        await pilot.pause()
        assert gold(store, s1) == [(0, 14, "epistemic_framing", (), "curated")]
        await pilot.press("h", "l", "h", "2")  # relabel the span under the cursor
        await pilot.pause()
        assert [row[2] for row in gold(store, s1)] == ["name_calling"]
        await pilot.press("t")
        await pilot.pause()
        assert store.annotations.spans_for_sentence(s1, GOLD)[0].quoted
        await pilot.press("d")
        await pilot.pause()
    assert gold(store, s1) == []


async def test_click_and_drag_on_the_gold_sentence_edit_gold(disputed):
    store, s1, _ = disputed
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        x_of = token_offsets(app.screen.query_one("#gold-sentence", SentenceView))
        await pilot.press("escape")  # no candidate selected
        await pilot.click("#gold-sentence", offset=x_of[2])  # "Purna"
        await pilot.press("2")
        await pilot.mouse_down("#gold-sentence", offset=x_of[0])  # "Baghdad" ...
        await pilot.hover("#gold-sentence", offset=x_of[1])  # ... ","
        await pilot.mouse_up("#gold-sentence", offset=x_of[1])
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
    assert [row[:3] for row in gold(store, s1)] == [(0, 8, "loaded_language"), (9, 14, "name_calling")]


async def test_v_sets_the_gold_judgment_with_who_agreed(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("2")  # biased
        await pilot.pause()
    state = store.annotations.get_judgment(s1, GOLD)
    assert (state.judgment, state.judgment_agreed_by, state.judgment_resolution) == (
        "biased",
        ("ana", "budi"),
        "curated",
    )


async def test_c_writes_the_curator_note_and_f_flags(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"dateline", "enter")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
    state = store.annotations.get_judgment(s1, GOLD)
    assert state.note == "dateline" and state.flagged


async def test_enter_marks_adjudicated_and_goes_to_the_next(disputed):
    store, s1, s2 = disputed
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.sentence_id == s2
        await pilot.press("k")
        await pilot.pause()
        assert app.session.sentence_id == s1
        await pilot.press("j")
        await pilot.pause()
        assert app.session.sentence_id == s2
        await pilot.press("n")  # the only other open sentence is s2 itself
        await pilot.pause()
    assert store.annotations.get_judgment(s1, GOLD).status == "done"


async def test_u_undoes_and_ctrl_r_redoes(disputed):
    store, s1, _ = disputed
    async with make_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("a", "u")
        await pilot.pause()
        assert gold(store, s1) == []
        await pilot.press("ctrl+r")
        await pilot.pause()
    assert [row[:3] for row in gold(store, s1)] == [(0, 7, "loaded_language")]


async def test_help_opens_and_closes(disputed):
    store, _, _ = disputed
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("?")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "AdjudicationHelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "AdjudicateScreen"


def test_adjudication_screen_with_three_annotators_who_disagree(snap_compare, disputed):
    store, _, _ = disputed

    async def settle(pilot) -> None:
        await pilot.press("tab")
        await pilot.pause()

    assert snap_compare(make_app(store, auto="majority"), terminal_size=(100, 30), run_before=settle)
