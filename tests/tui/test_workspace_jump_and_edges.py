"""The keys of issue 16 through Pilot, asserted on the store: home/end, shift+home/end,
the `'` jump and the `e` boundary edit (in the workspace and in adjudication)."""

from __future__ import annotations

import pytest

from annotator.tui.widgets.header import WorkspaceHeader
from tests.adjudication_data import annotate
from tests.tui.test_adjudicate_screen import DOC, gold
from tests.tui.test_adjudicate_screen import SIZE as CURATION_SIZE
from tests.tui.test_adjudicate_screen import make_app as make_curation_app
from tests.tui.test_workspace_keys import drive, labelled
from tests.workspace_corpus import add_document

SIZE = (80, 24)

# Sentence 0 of berita-1: Pasukan(0) pengecut(1) itu(2) menyerang(3) kota(4) .(5)


# ------------------------------------------------------------- home and end


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("end", "1"), [(".", "loaded_language")]),
        (("end", "home", "1"), [("Pasukan", "loaded_language")]),
        (("right", "right", "shift+end", "1"), [("itu menyerang kota.", "loaded_language")]),
        (("right", "right", "shift+home", "1"), [("Pasukan pengecut itu", "loaded_language")]),
        (("end", "shift+home", "shift+end", "2"), [(".", "name_calling")]),
    ],
    ids=["end", "home", "shift+end", "shift+home", "anchor-stays"],
)
async def test_home_end_and_their_selections(make_app, keys, expected):
    assert labelled(await drive(make_app(), *keys)) == expected


# -------------------------------------------------------------------- jump


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("apostrophe", "m", "enter", "1"), [("menyerang", "loaded_language")]),
        (("apostrophe", "k", "o", "escape", "1"), [("kota", "loaded_language")]),
        # Upper case typed, lower case in the text; "pa" wraps round to the first token.
        (("apostrophe", "P", "enter", "1"), [("pengecut", "loaded_language")]),
        (("right", "apostrophe", "p", "a", "enter", "1"), [("Pasukan", "loaded_language")]),
        # Updates as you type: "i" lands on itu, backspace and "k" go on to kota.
        (("apostrophe", "i", "backspace", "k", "enter", "1"), [("kota", "loaded_language")]),
        # No token starts so: the cursor stays.
        (("apostrophe", "z", "enter", "1"), [("Pasukan", "loaded_language")]),
        # With a selection the jump extends it.
        (("shift+right", "apostrophe", "k", "enter", "5"), [("Pasukan pengecut itu menyerang kota", "euphemism")]),
        # Another key ends the jump and does what it always does.
        (("apostrophe", "m", "right", "1"), [("kota", "loaded_language")]),
    ],
    ids=["enter-ends", "escape-ends", "case", "wraps", "backspace", "no-match", "extends", "other-key"],
)
async def test_the_jump(make_app, keys, expected):
    assert labelled(await drive(make_app(), *keys)) == expected


async def test_the_jump_ignores_accents_and_the_letters_do_not_reach_other_keys(make_app, corpus):
    add_document(corpus, "berita-3", ["Kafé itu dekat Élysée dan naïve."])
    app = make_app(document="berita-3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("apostrophe", "e", "l", "y")
        await pilot.pause()
        header = app.screen.query_one(WorkspaceHeader)
        assert header.info.key_mode.startswith("JUMP 'ely'")
        # The footer greys out the keys the jump takes over.
        assert app.screen.check_action("accept", ()) is None and app.screen.check_action("end_jump", ())
        # d (delete), a (accept), n (next open) were typed as letters, not keys.
        await pilot.press("enter", "1", "apostrophe", "n", "a", "i", "enter", "2", "apostrophe", "k", "a", "f", "e")
        await pilot.press("escape", "3")
        await pilot.pause()
        assert header.info.key_mode == "" and app.screen.check_action("accept", ())
    assert labelled(corpus, "berita-3") == [
        ("Kafé", "epistemic_framing"),
        ("Élysée", "loaded_language"),
        ("naïve", "name_calling"),
    ]


# ----------------------------------------------------------- boundary edit


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        # The end moves left three characters: the span ends inside the token.
        (("right", "1", "e", "left", "left", "left", "enter"), [("penge", "loaded_language")]),
        # The start moves right: it starts inside the token.
        (("right", "1", "e", "shift+right", "shift+right", "enter"), [("ngecut", "loaded_language")]),
        (("right", "1", "e", "shift+left", "right", "enter"), [(" pengecut ", "loaded_language")]),
        (("right", "1", "e", "left", "shift+right", "escape"), [("pengecut", "loaded_language")]),
        # Keys other than the edit's do nothing while it is open (d would delete).
        (("right", "1", "e", "d", "left", "enter"), [("pengecu", "loaded_language")]),
        # A selection with no span: the edited range is labelled with a label key.
        (("shift+right", "e", "left", "left", "left", "5"), [("Pasukan penge", "euphemism")]),
        # No selection and no span: the token under the cursor.
        (("e", "left", "left", "1"), [("Pasuk", "loaded_language")]),
        # enter on a new range refuses (it needs a label) and the edit stays open.
        (("e", "left", "enter", "left", "2"), [("Pasuk", "name_calling")]),
        # The range never empties.
        (("end", "e", "left", "left", "enter", "1"), [(".", "loaded_language")]),
    ],
    ids=[
        "end-left",
        "start-right",
        "outwards",
        "escape",
        "other-keys",
        "selection",
        "token",
        "enter-new",
        "never-empty",
    ],
)
async def test_the_boundary_edit(make_app, keys, expected):
    assert labelled(await drive(make_app(), *keys)) == expected


async def test_a_boundary_edit_is_one_undoable_edit_and_undo_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "1", "e", "left", "left")
        await pilot.pause()
        assert app.screen.query_one(WorkspaceHeader).info.key_mode.startswith("EDIT sukan [pengec]ut")
        await pilot.press("enter")
        await pilot.pause()
        assert labelled(app.session.store) == [("pengec", "loaded_language")]
        await pilot.press("u")
        await pilot.pause()
        assert labelled(app.session.store) == [("pengecut", "loaded_language")]
        await pilot.press("ctrl+r")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert labelled(app.session.store) == [("pengec", "loaded_language")]
    assert "undid: boundaries of 'pengecut' (loaded_language) -> 'pengec'" in messages
    assert "redid: boundaries of 'pengecut' (loaded_language) -> 'pengec'" in messages


async def test_a_boundary_edit_of_an_accepted_suggestion_makes_it_manual(make_app):
    store = await drive(make_app(), "a", "tab", "e", "shift+right", "shift+right", "enter")
    sentence = store.corpus.sentence_at("berita-1", 0)
    [span] = store.annotations.spans_for_sentence(sentence.id, "alice")
    assert (sentence.text[span.start : span.end], span.origin, span.suggestion_id) == ("ngecut", "manual", None)
    assert [g.decision for g in store.suggestions.for_sentence(sentence.id, "alice")] == ["rejected"]


# ------------------------------------------------- the same keys in adjudication


@pytest.fixture
def disputed_first(sample_store):
    """Two annotators who took "Baghdad" as loaded language in a sample's first sentence."""
    s1 = sample_store.corpus.sentences_of(DOC)[0].id
    annotate(sample_store, s1, "ana", [(0, 7, "loaded_language"), (9, 14, "name_calling")], "biased")
    annotate(sample_store, s1, "budi", [(0, 7, "loaded_language")], "biased")
    return sample_store, s1


async def test_adjudication_shares_home_end_jump_and_boundary_edit(disputed_first):
    store, s1 = disputed_first
    text = store.corpus.get_sentence(s1).text  # "Baghdad, Purna Warta – ..."
    app = make_curation_app(store)
    async with app.run_test(size=CURATION_SIZE) as pilot:
        # a takes "Baghdad" into gold; e, left, left, enter: "Bagha" ends inside the token.
        await pilot.press("a", "escape", "e", "left", "left")
        await pilot.pause()
        assert app.screen.query_one("#gold-sentence").border_title.startswith("EDIT [Baghd]ad")
        await pilot.press("enter", "apostrophe", "p", "enter", "2", "end", "shift+home", "escape", "end", "3")
        await pilot.pause()
        spans = {(text[g[0] : g[1]], g[2]) for g in gold(store, s1)}
        assert ("Baghd", "loaded_language") in spans and ("Baghdad", "loaded_language") not in spans
        assert ("Purna", "name_calling") in spans
        assert (text[-1], "epistemic_framing") in spans
        await pilot.press("u", "u", "u")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert {(text[g[0] : g[1]], g[2]) for g in gold(store, s1)} == {("Baghdad", "loaded_language")}
    assert "undid: boundaries of 'Baghdad' (loaded_language) -> 'Baghd'" in messages


def test_help_lists_the_keys_of_both_modes(tagset):
    from annotator.tui.bindings import MODE_KEYS, key_display
    from annotator.tui.screens.help import adjudication_help_content, help_content

    for text in (help_content(tagset).plain, adjudication_help_content(tagset).plain):
        assert "Jump (after ')" in text and "Boundary edit (after e)" in text
        for keys in MODE_KEYS.values():
            for binding in keys:
                assert f"{key_display(binding):<16}{binding.description}" in text


def test_the_new_contract_keys_are_bound_in_both_screens():
    from annotator.tui.bindings import ADJUDICATE_KEYS, WORKSPACE_KEYS, key_display

    contract = {"home", "end", "shift+home", "shift+end", "'", "e"}
    for keys in (WORKSPACE_KEYS, ADJUDICATE_KEYS):
        assert contract <= {key for _, binding in keys for key in key_display(binding).split()}


# ----------------------------------------------- modes while a write is waiting


async def test_modes_route_keys_in_order_while_another_writer_holds_the_lock(db_path, tagset):
    """Keys queue behind a waiting write: the screen routes them to the jump and the
    boundary edit as they come, before the session has caught up."""
    from annotator.store import Store
    from annotator.tui.app import SessionApp
    from annotator.workspace.launch import open_workspace
    from tests.tui.test_workspace_write_lock import _hold_write_lock, _project, _until_saved

    _project(db_path, tagset)
    with open_workspace(db_path, "alice") as workspace:
        app = SessionApp(workspace.session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            holder = _hold_write_lock(db_path)
            try:
                # "1" waits for the lock; everything after it queues. "a" and "d" are
                # letters of the jump here, not accept and delete.
                keys = ["1", "apostrophe", "m", "e", "enter", "e", "left", "left", "2"]
                await pilot.press(*keys, "apostrophe", "k", "a", "d", "escape", "3")
                assert app.screen.pending_actions > 0
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            await _until_saved(pilot, app)
            assert app.screen.key_mode is None
    with Store.open(db_path, readonly=True) as reader:
        assert labelled(reader) == [
            ("Pasukan", "loaded_language"),
            ("menyera", "name_calling"),
            ("kota", "epistemic_framing"),
        ]
        assert [
            g.decision for g in reader.suggestions.for_sentence(reader.corpus.sentence_at("berita-1", 0).id, "alice")
        ] == [None]
