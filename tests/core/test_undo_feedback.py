"""What undo and redo say they undid or redid, in the curation session (the workspace's
sentences are driven through Pilot in tests/tui/test_workspace_decisions.py)."""

from __future__ import annotations

import pytest

from annotator.adjudication.session import CurationSession
from tests.adjudication_data import annotate

DOC = "001_0da7177c8754087f"


@pytest.fixture
def curator(sample_store):
    s1 = sample_store.corpus.sentences_of(DOC)[0].id
    # "Baghdad, Purna Warta – ...": 0-7 "Baghdad", 9-14 "Purna".
    annotate(sample_store, s1, "a", [(0, 7, "loaded_language"), (9, 14, "name_calling")], "biased")
    annotate(sample_store, s1, "b", [(0, 7, "loaded_language")], "biased")
    session = CurationSession(sample_store, "cur", auto="none")
    session.open()
    return session


@pytest.mark.parametrize(
    ("act", "said"),
    [
        (lambda s: s.take(), "take 'Baghdad' as loaded_language into gold"),
        (lambda s: s.take_all_of("a"), "take 2 spans into gold"),
        (lambda s: (s.take(), s.reject()), "remove 'Baghdad' (loaded_language)"),
        (lambda s: (s.take(), s.clear_selection(), s.apply_label("2")), "relabel 'Baghdad' as name_calling"),
        (lambda s: (s.take(), s.clear_selection(), s.delete()), "remove 'Baghdad' (loaded_language)"),
        (lambda s: s.set_judgment("biased"), "judgment biased"),
        (lambda s: s.toggle_flag(), "flag"),
        (lambda s: s.set_note("check the source"), "the sentence note"),
        (lambda s: s.mark_adjudicated(), "mark done"),
    ],
    ids=["take", "take-all", "reject", "relabel", "delete", "judgment", "flag", "note", "done"],
)
def test_undo_and_redo_say_what_the_last_gold_edit_was(curator, act, said):
    act(curator)
    assert curator.undo_saying() == f"undid: {said}"
    assert curator.redo_saying() == f"redid: {said}"
