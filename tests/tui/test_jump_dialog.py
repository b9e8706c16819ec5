"""`g`: jump to a document by its number, the start of its id or words of its title."""

from __future__ import annotations

import threading

import pytest

from annotator.tui.screens.dialogs import JumpDialog
from annotator.workspace.document_finder import find_documents
from annotator.workspace.order import DocumentOrder
from tests.workspace_corpus import add_document

SIZE = (100, 30)


@pytest.fixture
def app(corpus, make_app):
    add_document(
        corpus, "laporan-3", ["Laporan khusus tentang Gaza.", "Korban terus bertambah."], title="Laporan khusus Gaza"
    )
    return make_app()


def _untouched(store) -> bool:
    """No span, decision or sentence status anywhere: no key reached the workspace."""
    spans = list(store.annotations.iter_spans(annotators=["alice"]))
    judgments = list(store.annotations.iter_judgments(["alice"]))
    decided = [
        g for s in store.corpus.iter_sentences() for g in store.suggestions.for_sentence(s.id, "alice") if g.decision
    ]
    return not spans and not decided and not [j for j in judgments if j.status]


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_typed_id_prefix_then_enter_goes_there_and_no_key_leaks(app):
    async with app.run_test(size=SIZE) as pilot:
        # "berita-2" holds a, e, t and r: workspace keys, had they leaked.
        await pilot.press("g", *"berita-2", "enter")
        await _settle(app, pilot)
        assert not isinstance(app.screen, JumpDialog)
        assert app.session.document.id == "berita-2"
    assert _untouched(app.session.store)


async def test_a_number_is_the_position_in_the_navigation_order(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "3", "enter")
        await _settle(app, pilot)
        assert app.session.document.id == "laporan-3"
    assert _untouched(app.session.store)


async def test_words_of_a_title_find_the_document(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", *"gaza")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, JumpDialog)
        assert [hit.document_id for hit in dialog._hits] == ["laporan-3"]
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.session.document.id == "laporan-3"


async def test_up_and_down_choose_among_the_matches(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", *"berita")
        await _settle(app, pilot)
        assert [hit.document_id for hit in app.screen._hits] == ["berita-1", "berita-2"]
        await pilot.press("down", "down", "up", "down", "enter")  # stops at the last
        await _settle(app, pilot)
        assert app.session.document.id == "berita-2"


async def test_nothing_typed_lists_the_documents_from_the_current_one(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("]", "g")
        await _settle(app, pilot)
        assert [(h.position, h.document_id) for h in app.screen._hits] == [(1, "berita-2"), (2, "laporan-3")]
        await pilot.press("down", "enter")
        await _settle(app, pilot)
        assert app.session.document.id == "laporan-3"


async def test_no_match_keeps_the_dialog_open_and_escape_cancels(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", *"zzz", "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, JumpDialog)
        await pilot.press("backspace", "backspace", "backspace", "escape")
        await _settle(app, pilot)
        assert not isinstance(app.screen, JumpDialog)
        assert app.session.document.id == "berita-1"
    assert _untouched(app.session.store)


async def test_enter_before_the_answer_waits_for_it_and_later_keys_never_land(app):
    """Typing on after enter, while a slow search is still out: the dialog jumps to
    the match for what was typed before enter, and the keys after it go nowhere."""
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen

        answer = threading.Event()

        def slow(text: str):
            answer.wait(10)  # the search is out until the test lets it answer
            return screen.jump_candidates(text)

        app.push_screen(
            JumpDialog(slow, len(app.session.order)),
            lambda document_id: None if document_id is None else screen._run(app.session.go_to_document, document_id),
        )
        await pilot.pause()
        await pilot.press(*"laporan", "enter", "1", "a", "x", "enter")
        assert isinstance(app.screen, JumpDialog)  # still waiting for the answer
        answer.set()
        await _settle(app, pilot)
        assert not isinstance(app.screen, JumpDialog)
        assert app.session.document.id == "laporan-3"
    assert _untouched(app.session.store)


def test_find_is_bounded_and_respects_the_order(corpus):
    for number in range(40):
        add_document(corpus, f"extra-{number:02d}", [f"Kalimat nomor {number}."], title=f"Berita tambahan {number}")
    order = DocumentOrder(corpus)
    assert len(find_documents(corpus, order, "extra", limit=5)) == 5
    assert [h.document_id for h in find_documents(corpus, order, "tambahan 3", limit=20)] == [
        "extra-03",
        *[f"extra-{n}" for n in range(30, 40)],
    ]
    hits = find_documents(corpus, order, "12")
    assert hits[0].match == "number" and hits[0].document_id == order.document_at(11)
    random = DocumentOrder.for_annotator(corpus, "alice", "random", seed=3)
    [hit] = [h for h in find_documents(corpus, random, "berita-2") if h.document_id == "berita-2"]
    assert random.document_at(hit.position) == "berita-2"


def test_find_keeps_to_a_queue(corpus):
    from annotator.team.queue import QueueOrder

    queue = QueueOrder(["berita-2"])
    assert [h.document_id for h in find_documents(corpus, queue, "berita")] == ["berita-2"]
    assert [h.document_id for h in find_documents(corpus, queue, "1")] == ["berita-2"]
