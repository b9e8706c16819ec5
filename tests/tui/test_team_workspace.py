"""The workspace in a team project, through key presses: the queue (only her
documents, its progress in the header, n and the end of it) and the lead's conditions
(a fixed mode that cannot be switched, a random share drawn per sentence)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, OptionList, Static

from annotator.store import Store
from annotator.team.campaign import assign
from annotator.team.conditions import drawn_mode
from annotator.tui.app import SessionApp
from annotator.tui.screens.dialogs import SearchDialog
from annotator.tui.widgets.header import WorkspaceHeader
from annotator.workspace.launch import open_workspace
from tests.team_corpus import add_documents, finish_document

SIZE = (100, 30)


@pytest.fixture
def project(db_path: Path, tagset) -> Path:
    with Store.open(db_path, create=True) as store:
        store.initialize("tim", tagset)
        add_documents(store, [2, 3, 2, 2, 3, 2])
        store.team.add(["ana", "budi", "citra"], "annotator")
    return db_path


def _app(workspace) -> SessionApp:
    notices = (workspace.notice,) if workspace.notice else ()
    return SessionApp(workspace.session, notices=notices, cursor_blink=False)


async def test_her_queue_only_with_its_progress_and_its_end(project: Path) -> None:
    with Store.open(project) as store:
        assign(store, per_item=1, seed=2)
        mine = {r.document_id: r.sentences for r in store.team.rows("ana")}
    assert 0 < len(mine) < 6
    with open_workspace(project, "ana") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            header = app.screen.query_one(WorkspaceHeader)
            assert (header.info.document_count, header.info.total) == (len(mine), sum(mine.values()))
            for _ in range(sum(mine.values())):
                assert app.session.document.id in mine
                await pilot.press("enter")
            await pilot.pause()
            assert header.info.done == sum(mine.values())
            await pilot.press("n")
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert any(m.startswith("Your queue is done") for m in messages), messages
    with Store.open(project) as store:
        done = store.team.done_by_document("ana")
        assert done == mine  # every sentence of her queue, and nothing else


async def test_resume_opens_her_first_open_document_in_the_queue(project: Path) -> None:
    with Store.open(project) as store:
        assign(store, per_item=1, seed=2)
        queue = sorted(store.team.queue("ana"), key=lambda e: e.position)
        finish_document(store, queue[0].document_id, "ana")
    with open_workspace(project, "ana") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.session.document.id == queue[1].document_id
            assert app.screen.query_one(WorkspaceHeader).info.done == queue[0].sentences


async def _palette_entries(app: SessionApp, pilot, query: str) -> list[str]:
    """Open the command palette, type `query`, and read the commands it offers."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.3)
    options = app.screen.query_one(CommandList)
    # Each prompt is the command, then its help on a second line.
    entries = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return entries


async def test_a_fixed_mode_is_not_offered_in_the_palette(project: Path) -> None:
    with Store.open(project) as store:
        store.team.set_condition("ana", "off", None)
        store.team.add(["dewi"], "annotator")
    with open_workspace(project, "ana") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            # Neither the list shown on opening nor a search offers a mode switch.
            for query in ("", "suggestions"):
                entries = await _palette_entries(app, pilot, query)
                assert not any("Suggestions" in e for e in entries), entries
            assert "Statistics" in await _palette_entries(app, pilot, "")
            # What the palette's entry would call is still refused, not obeyed.
            app.screen.set_mode("on")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.session.mode == "off"
            messages = [n.message for n in app._notifications]
            assert any("the lead fixed your suggestions to 'off'" in m for m in messages), messages
            assert not any(m.startswith("Suggestions:") for m in messages), messages
            await pilot.press("enter")
            await pilot.pause()
            sentence_id = app.session.sentences[0].id
    with Store.open(project) as store:
        assert store.annotations.get_judgment(sentence_id, "ana").suggestion_mode == "off"
    # Without a fixed mode (dewi), the three modes are offered.
    with open_workspace(project, "dewi") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            entries = await _palette_entries(app, pilot, "suggestions")
            assert {e.removesuffix(" (current)") for e in entries if e.startswith("Suggestions:")} == {
                "Suggestions: on",
                "Suggestions: off",
                "Suggestions: after",
            }, entries


async def test_the_random_condition_stores_each_sentence_s_draw(project: Path) -> None:
    with Store.open(project) as store:
        store.team.set_condition("budi", "random", 0.5)
    with open_workspace(project, "budi") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            seen = []
            for _ in range(12):
                seen.append(app.session.sentence_id)
                await pilot.press("enter")
            await pilot.pause()
    with Store.open(project) as store:
        modes = {sid: store.annotations.get_judgment(sid, "budi").suggestion_mode for sid in seen}
    assert modes == {sid: drawn_mode("tim", "budi", sid, 0.5) for sid in seen}
    assert set(modes.values()) == {"on", "off"}


def _queue_and_the_rest(project: Path) -> tuple[list[str], list[str]]:
    """ana's documents (in her queue's order) and the documents she was not given."""
    with Store.open(project) as store:
        assign(store, per_item=1, seed=2)
        mine = [e.document_id for e in sorted(store.team.queue("ana"), key=lambda e: e.position)]
        rest = [d for d in store.corpus.document_ids() if d not in mine]
    assert mine and rest
    return mine, rest


async def _search(app: SessionApp, pilot, query: str) -> list[str]:
    """Run a search from the / dialog; the hits' option ids (hit-<sentence id>)."""
    await pilot.press("slash")
    await pilot.pause()
    assert isinstance(app.screen, SearchDialog)
    app.screen.query_one("#search-input", Input).value = query
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return [
        app.screen.query_one(OptionList).get_option_at_index(i).id or ""
        for i in range(app.screen.query_one(OptionList).option_count)
    ]


async def test_search_finds_her_queue_s_sentences_and_none_outside_it(project: Path) -> None:
    mine, rest = _queue_and_the_rest(project)
    # Every sentence of doc-NNN ends in "NNN i."; the number alone picks one document.
    inside, outside = f" {int(mine[-1][4:])} 0.", f" {int(rest[0][4:])} 0."
    with Store.open(project) as store:
        target = store.corpus.sentences_of(mine[-1])[0].id
    with open_workspace(project, "ana") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            assert await _search(app, pilot, outside) == []
            assert "no match" in str(app.screen.query_one("#search-status", Static).content)
            await pilot.press("escape")
            await pilot.pause()
            assert await _search(app, pilot, inside) == [f"hit-{target}"]
            await pilot.press("enter")  # jump to the hit
            await pilot.pause()
            assert app.session.document.id == mine[-1]


async def test_the_header_shows_the_queue_s_progress(project: Path) -> None:
    mine, _ = _queue_and_the_rest(project)
    with Store.open(project) as store:
        sizes = {d: len(store.corpus.sentences_of(d)) for d in mine}
    total = sum(sizes.values())
    with open_workspace(project, "ana") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            header = app.screen.query_one(WorkspaceHeader)
            first, second = header.render().plain.splitlines()
            assert f"queue 1/{len(mine)} " in first
            assert f" 0/{total} done (0.0%) in your queue" in second
            await pilot.press("enter")
            await pilot.pause()
            second = header.render().plain.splitlines()[1]
            assert f" 1/{total} done ({1 / total:.1%}) in your queue" in second


async def test_an_allowed_mode_switch_from_the_palette_is_announced(project: Path) -> None:
    with open_workspace(project, "ana") as workspace:
        app = _app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"suggestions: after")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert app.session.mode == "after"
    assert "Suggestions: after" in messages
