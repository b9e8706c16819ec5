"""Whole flows through the UI: undo across every kind of change, resume, `after` mode,
read-only sessions, the command palette and the statistics screen."""

from __future__ import annotations

from annotator.model import SentenceState
from annotator.store import Store
from annotator.tui.app import SessionApp
from annotator.tui.screens.dialogs import JumpDialog
from annotator.tui.screens.statistics import StatisticsScreen
from annotator.tui.widgets.sentence_view import SentenceView
from annotator.workspace import AnnotationSession, open_workspace
from tests.workspace_corpus import build_corpus, sentence_id

SIZE = (80, 24)


def snapshot(store: Store, annotator: str = "alice"):
    """All of one annotator's work that edits change (first_shown_at aside)."""
    rows = []
    for sentence in store.corpus.iter_sentences():
        j = store.annotations.get_judgment(sentence.id, annotator) or SentenceState(sentence.id, annotator)
        rows.append(
            (
                sorted(
                    (s.start, s.end, s.label, s.origin, s.quoted, s.note)
                    for s in store.annotations.spans_for_sentence(sentence.id, annotator)
                ),
                [g.decision for g in store.suggestions.for_sentence(sentence.id, annotator)],
                (j.status, j.judgment, j.flagged, j.note, j.finished_at),
            )
        )
    return rows


async def test_undo_and_redo_walk_back_and_forth_over_every_kind_of_change(make_app):
    app = make_app()
    store = app.session.store
    initial = snapshot(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(
            "1",
            "2",  # label, relabel
            "right",
            "right",
            "4",
            "t",  # a span on "itu", quoted
            "a",  # accept the suggestion on "pengecut"
            "l",
            "l",
            "d",  # delete the span on "kota"? none: refused, nothing logged
            "h",
            "d",  # delete the quoted span on "itu"
            "f",  # flag
            "v",
            "2",  # judgment
            "c",
            *"cek",
            "enter",  # note
            "enter",  # done, to the next sentence
            "x",
            "right",
            "right",
            "right",
            "right",
            "right",
            "x",  # reject "dalih"
            "s",  # skip, to the next sentence
        )
        await pilot.pause()
        final = snapshot(store)
        assert final != initial
        for _ in range(20):
            await pilot.press("u")
        await pilot.pause()
        assert snapshot(store) == initial
        assert (app.session.document.id, app.session.index) == ("berita-1", 0)
        for _ in range(20):
            await pilot.press("ctrl+r")
        await pilot.pause()
        assert snapshot(store) == final
        assert app.session.done == store.annotations.done_count("alice") == 1


async def test_the_app_resumes_at_the_first_sentence_not_done(corpus):
    first = AnnotationSession(corpus, "alice")
    first.open()
    first.mark_done()
    first.mark_done()
    app = SessionApp(_opened(corpus, "alice"), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert (app.session.document.id, app.session.index) == ("berita-1", 2)
        assert "2/5 done" in app.screen.query_one("WorkspaceHeader").render().plain


def _opened(store, annotator, **options):
    session = AnnotationSession(store, annotator, **options)
    session.open()
    return session


async def test_after_mode_hides_suggestions_until_enter(make_app):
    app = make_app(suggestions="after")
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(SentenceView)
        assert not any(m.kind == "suggestion" for m in view.model.marks)
        await pilot.press("a")  # nothing to accept yet
        await pilot.press("enter")  # reveals
        await pilot.pause()
        assert [m.kind for m in view.model.marks] == ["suggestion"]
        assert app.session.index == 0
        await pilot.press("a", "enter")
        await pilot.pause()
        assert app.session.index == 1
    store = app.session.store
    state = store.annotations.get_judgment(sentence_id(store, "berita-1", 0), "alice")
    assert (state.status, state.suggestion_mode) == ("done", "after")
    assert [g.decision for g in store.suggestions.for_sentence(state.sentence_id, "alice")] == ["accepted"]


async def test_a_read_only_session_warns_and_saves_nothing(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("ro", tagset)
        build_corpus(store)
    with open_workspace(db_path, "alice") as holder, open_workspace(db_path, "alice") as second:
        assert second.session.readonly and not holder.session.readonly
        app = SessionApp(second.session, notices=tuple(second.warnings), cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("1", "a", "f", "enter", "j")
            await pilot.pause()
            assert "read-only" in app.screen.query_one("WorkspaceHeader").render().plain
            assert app.session.index == 1  # navigation still works
        assert second.store.annotations.events() == [] or all(
            e.annotator != "alice" or e.action == "sentence.shown" for e in second.store.annotations.events()
        )
    with Store.open(db_path) as store:
        assert store.annotations.spans_for_sentence(sentence_id(store, "berita-1", 0), "alice") == []


async def test_first_shown_at_is_written_once_the_sentence_is_on_screen(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("shown", tagset)
        build_corpus(store)
    with open_workspace(db_path, "alice") as workspace:
        app = SessionApp(workspace.session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("j")
            await pilot.pause()
            store = workspace.store
            for index in (0, 1):
                assert store.annotations.get_judgment(sentence_id(store, "berita-1", index), "alice").first_shown_at
            assert store.annotations.get_judgment(sentence_id(store, "berita-1", 2), "alice") is None


async def _palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_palette_switches_the_suggestion_mode(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _palette(pilot, "suggestions: off")
        assert app.session.mode == "off"
        assert app.screen.query_one(SentenceView).model.marks == ()
        await pilot.press("enter")
    store = app.session.store
    assert store.annotations.get_judgment(sentence_id(store, "berita-1", 0), "alice").suggestion_mode == "off"


async def test_palette_jumps_to_a_document(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _palette(pilot, "jump to document")
        assert isinstance(app.screen, JumpDialog)
        await pilot.press(*"berita-2", "enter")
        await pilot.pause()
        assert app.session.document.id == "berita-2"
        await pilot.press("g", "1", "enter")  # g jumps too, by number
        await pilot.pause()
        assert app.session.document.id == "berita-1"
        await _palette(pilot, "berita-2")  # a document id typed in the palette
        assert app.session.document.id == "berita-2"


async def test_statistics_screen_shows_progress_and_agreement(make_app, corpus):
    for annotator in ("bob", "carol"):
        session = _opened(corpus, annotator)
        for _ in range(5):
            session.apply_label("1")
            session.set_judgment("biased")
            session.mark_done()
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _palette(pilot, "statistics")
        assert isinstance(app.screen, StatisticsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        progress = app.screen.query_one("#statistics-progress").render().plain
        assert "bob" in progress and "carol" in progress and "5 sentences" in progress
        agreement = app.screen.query_one("#statistics-agreement").render().plain
        assert "Spans: exact F1 1.000" in agreement
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatisticsScreen)


def test_run_workspace_runs_a_real_app_until_q(db_path, tagset):
    from annotator.tui.app import run_workspace

    with Store.open(db_path, create=True) as store:
        store.initialize("run", tagset)
        build_corpus(store)

    async def reviewer(pilot) -> None:
        await pilot.press("1", "enter", "q")

    with open_workspace(db_path, "alice") as workspace:
        run_workspace(workspace, headless=True, auto_pilot=reviewer)
    with Store.open(db_path) as store:
        assert store.annotations.done_count("alice") == 1
        assert store.annotations.spans_for_sentence(sentence_id(store, "berita-1", 0), "alice")
