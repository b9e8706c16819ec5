"""The guidelines screen (`G`, and once at an annotator's first open) and the demo's
guided tour, driven through Pilot and checked in the store."""

from __future__ import annotations

import pytest
from textual.widgets import Markdown

from annotator import guidelines
from annotator.commands import hooks
from annotator.corpus_import import Importer
from annotator.resources import sample_paths
from annotator.tui.app import SessionApp
from annotator.tui.bindings import WORKSPACE_BINDINGS
from annotator.tui.screens.guidance import GuidelinesScreen, TourOffer, TourPanel
from annotator.workspace import AnnotationSession
from annotator.workspace.tour import STEPS

SIZE = (100, 30)
GUIDE = "# Pedoman\n\n## Kata bermuatan\n\nTandai kata yang *menilai*, bukan yang menggambarkan.\n\n- tolak “sekitar”\n"


def _app(store, annotator="alice", *, tour=False) -> SessionApp:
    session = AnnotationSession(store, annotator)
    session.open()
    return SessionApp(session, cursor_blink=False, tour=tour)


async def test_g_without_guidelines_says_how_to_set_them(corpus):
    app = _app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, GuidelinesScreen)  # nothing to show at the first open
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(app.screen, GuidelinesScreen)
        said = str(app.screen.query_one("#guidelines-none").render())
        assert "annotator guidelines set FILE.md" in said
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, GuidelinesScreen)
    assert guidelines.seen(corpus, guidelines.GUIDELINES, "alice") is None


async def test_first_open_shows_the_guidelines_once_per_annotator(corpus):
    guidelines.set_guidelines(corpus, GUIDE)
    app = _app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GuidelinesScreen) and screen.first_open
        markdown = screen.query_one(Markdown)
        assert markdown.source == GUIDE
        assert [type(block).__name__ for block in markdown.children][:2] == ["MarkdownH1", "MarkdownH2"]
        await pilot.press("escape", "1")  # closed, and the next key is the workspace's
        await pilot.pause()
    assert guidelines.seen(corpus, guidelines.GUIDELINES, "alice") == guidelines.version(GUIDE)
    assert corpus.annotations.spans_for_sentence(app.session.sentence_id, "alice")

    again = _app(corpus)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(again.screen, GuidelinesScreen)  # seen: not shown again
        await pilot.press("G")  # but G shows them
        await pilot.pause()
        assert isinstance(again.screen, GuidelinesScreen) and not again.screen.first_open
        await pilot.press("G")  # G again closes
        await pilot.pause()
        assert not isinstance(again.screen, GuidelinesScreen)

    other = _app(corpus, "bob")
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(other.screen, GuidelinesScreen)  # bob has not seen them
        await pilot.press("escape")
        await pilot.pause()
    assert guidelines.seen(corpus, guidelines.GUIDELINES, "bob") == guidelines.version(GUIDE)


async def test_changed_guidelines_are_shown_again(corpus):
    guidelines.set_guidelines(corpus, GUIDE)
    guidelines.remember_seen(corpus, guidelines.GUIDELINES, "alice", guidelines.version(GUIDE))
    guidelines.set_guidelines(corpus, GUIDE + "\n- tolak juga “beberapa”\n")
    app = _app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GuidelinesScreen)


async def test_adjudication_shows_the_guidelines_on_g(corpus):
    from annotator.adjudication.session import CurationSession
    from tests.adjudication_data import annotate

    guidelines.set_guidelines(corpus, GUIDE)
    first = corpus.corpus.sentence_at("berita-1", 0).id
    annotate(corpus, first, "ana", [(0, 7, "loaded_language")], "biased")
    annotate(corpus, first, "budi", [], "neutral")
    session = CurationSession(corpus, "lead")
    session.open()
    app = SessionApp(session, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, GuidelinesScreen)  # curators are not shown them by themselves
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(app.screen, GuidelinesScreen)
        assert app.screen.query_one(Markdown).source == GUIDE


def test_guidelines_screen_snapshot(snap_compare, corpus):
    guidelines.set_guidelines(
        corpus,
        GUIDE + "\n## Menolak saran\n\n1. Baca kalimat utuh.\n2. Tolak bila istilah netral dalam konteks.\n\n"
        "> Ragu? Tandai kalimat (`f`) dan tulis catatan (`c`).\n",
    )
    assert snap_compare(_app(corpus), terminal_size=(100, 30), run_before=lambda pilot: pilot.pause())


# ------------------------------------------------------------------ the tour


@pytest.fixture
def demo(store):
    """The demo project as `annotator demo` makes it: samples, default lexicon, suggestions."""
    hooks.prepare_demo(store)
    assert not Importer(store, on_sentences=hooks.sentences_hook(store)).run(sample_paths()).failed
    return store


def _panel(app) -> str:
    return app.screen.query_one(TourPanel).render().plain


async def _step(app, pilot, *keys):
    await pilot.press(*keys)
    await app.workers.wait_for_complete()
    await pilot.pause()


def _free_pair(session) -> int:
    """A token that, with the next, lies outside every span and suggestion."""
    covered = [(item.start, item.end) for item in [*session.spans, *session.suggestions]]
    tokens = session.tokens
    for first in range(len(tokens) - 1):
        start, end = tokens[first][0], tokens[first + 1][1]
        if not any(a < end and b > start for a, b in covered):
            return first
    raise AssertionError("no free tokens")


def _moves(session, token: int) -> list[str]:
    """The arrow keys that take the cursor to `token`."""
    delta = token - session.cursor.position
    return ["right" if delta > 0 else "left"] * abs(delta)


def _has_boundary_key() -> bool:
    return any(binding.id == "span.boundary" for binding in WORKSPACE_BINDINGS)


async def test_the_tour_walks_five_steps_on_the_demo_text(demo):
    app = _app(demo, "demo", tour=True)
    session = app.session
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TourOffer)
        await _step(app, pilot, "enter")
        assert "Tour 1/5 · Accept a suggestion" in _panel(app)
        sentence = session.sentence
        assert len(session.pending) >= 2  # it opened a sentence with suggestions

        await _step(app, pilot, "j", "k")  # moving around is no step
        assert "Tour 1/5" in _panel(app)
        await _step(app, pilot, "x")  # nor is another step's action
        assert "Tour 1/5" in _panel(app)
        await _step(app, pilot, "u", "a")
        assert "Tour 2/5 · Reject a suggestion" in _panel(app)
        pending = next(token for token, _, item in session.items() if getattr(item, "decision", 0) is None)
        await _step(app, pilot, *_moves(session, pending), "x")
        assert "Tour 3/5 · Select and label" in _panel(app)
        first = _free_pair(session)
        await _step(app, pilot, *_moves(session, first), "shift+right", "1")
        assert "Tour 4/5 · Edit a boundary" in _panel(app)
        manual = [s for s in session.spans if s.origin == "manual"]
        assert len(manual) == 1
        if _has_boundary_key():
            await _step(app, pilot, *_moves(session, first), "e", "left", "enter")
        else:  # until the `e` key lands (issue 16's keys): the same change through the store
            span = manual[0]

            def resize() -> None:
                demo.annotations.update_span(span.id, start=span.start, end=span.end - 1)
                session._reload()

            app.screen._run(resize)
            await _step(app, pilot)
        [resized] = [s for s in session.spans if s.id == manual[0].id]
        assert resized.end == manual[0].end - 1
        assert "Tour 5/5 · Mark the sentence done" in _panel(app)
        await _step(app, pilot, "enter")
        assert not app.screen.query(TourPanel)  # finished
        assert app.tour is None
    assert demo.annotations.get_judgment(sentence.id, "demo").status == "done"
    assert guidelines.seen(demo, guidelines.TOUR, "demo") == "taken"
    decisions = {g.decision for g in demo.suggestions.for_sentence(sentence.id, "demo")}
    assert {"accepted", "rejected"} <= decisions

    again = _app(demo, "demo", tour=True)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not isinstance(again.screen, TourOffer)  # once per annotator


async def test_the_tour_is_skipped_with_escape_or_ended_with_ctrl_t(demo):
    app = _app(demo, "demo", tour=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _step(app, pilot, "escape")
        assert not isinstance(app.screen, TourOffer) and not app.screen.query(TourPanel)
    assert guidelines.seen(demo, guidelines.TOUR, "demo") == "skipped"

    app = _app(demo, "ana", tour=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _step(app, pilot, "enter")
        assert app.screen.query(TourPanel)
        await _step(app, pilot, "ctrl+t")
        assert not app.screen.query(TourPanel) and app.tour is None
        await _step(app, pilot, "a")  # the workspace goes on as before
    assert guidelines.seen(demo, guidelines.TOUR, "ana") == "taken"


async def test_annotate_offers_no_tour(demo):
    app = _app(demo, "demo")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, TourOffer)
    assert guidelines.seen(demo, guidelines.TOUR, "demo") is None


def test_the_steps_are_the_five_of_the_issue():
    assert [step.title for step in STEPS] == [
        "Accept a suggestion",
        "Reject a suggestion",
        "Select and label",
        "Edit a boundary",
        "Mark the sentence done",
    ]


async def test_guidelines_come_first_then_the_tour_offer(demo):
    guidelines.set_guidelines(demo, GUIDE)
    app = _app(demo, "demo", tour=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GuidelinesScreen)
        await _step(app, pilot, "escape")
        assert isinstance(app.screen, TourOffer)
        await _step(app, pilot, "escape")
    assert guidelines.seen(demo, guidelines.GUIDELINES, "demo") == guidelines.version(GUIDE)
    assert guidelines.seen(demo, guidelines.TOUR, "demo") == "skipped"


def test_a_real_demo_run_offers_the_tour_once(db_path, tagset):
    """What `annotator demo` runs (run_workspace with the tour), on a project file."""
    from annotator.store import Store
    from annotator.tui.app import run_workspace
    from annotator.workspace.launch import open_workspace

    with Store.open(db_path, create=True) as store:
        store.initialize("demo", tagset)
        hooks.prepare_demo(store)
        assert not Importer(store, on_sentences=hooks.sentences_hook(store)).run(sample_paths()).failed
    offered: list[bool] = []
    advanced: list[bool] = []

    async def reviewer(pilot) -> None:
        await pilot.pause()
        offered.append(isinstance(pilot.app.screen, TourOffer))
        if offered[-1]:
            await pilot.press("enter", "a")  # take the tour, and do its first step
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            advanced.append("Tour 2/5" in pilot.app.screen.query_one(TourPanel).render().plain)
        await pilot.press("q")

    for _ in range(2):
        with open_workspace(db_path, "demo") as workspace:
            run_workspace(workspace, headless=True, auto_pilot=reviewer, tour=True)
    assert offered == [True, False] and advanced == [True]
    with Store.open(db_path) as store:
        assert guidelines.seen(store, guidelines.TOUR, "demo") == "taken"
