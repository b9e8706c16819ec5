"""Roster names, conditions, disagreement, timing and queues: the pure rules."""

from __future__ import annotations

import pytest

from annotator.team.conditions import ConditionRefused, drawn_mode, resolve_mode
from annotator.team.disagreement import (
    document_disagreement,
    token_accuracy,
    token_labels,
)
from annotator.team.queue import QueueEntry, queue_order, queue_progress
from annotator.team.roster import RosterError, check_new_name, clean_name, did_you_mean
from annotator.team.timing import IDLE_LIMIT_SECONDS, eta_seconds, visit_seconds


def test_names_are_trimmed_and_nfc_normalised() -> None:
    assert clean_name("  Budi \t") == "Budi"
    assert clean_name("Sri  Wahyuni") == "Sri Wahyuni"
    assert clean_name("Jose\u0301") == "Jos\u00e9"


@pytest.mark.parametrize("twin", ["budi", "Budi ", "BUDI", "Bu di"])
def test_a_near_duplicate_of_an_existing_name_is_refused(twin: str) -> None:
    with pytest.raises(RosterError, match="only in case or spacing"):
        check_new_name(twin, ["BuDi"])


def test_the_same_name_again_is_not_a_near_duplicate() -> None:
    assert check_new_name("Budi ", ["Budi", "ana"]) == "Budi"


@pytest.mark.parametrize("name", ["gold", " Gold", "GO LD", ""])
def test_gold_and_empty_names_are_refused(name: str) -> None:
    with pytest.raises(RosterError):
        clean_name(name)


def test_did_you_mean_finds_the_closest_roster_name() -> None:
    assert did_you_mean("anna", ["ana", "budi"]) == "ana"
    assert did_you_mean("BUDI", ["ana", "budi"]) == "budi"
    assert did_you_mean("zzzzzz", ["ana", "budi"]) is None


def test_a_fixed_mode_wins_and_a_conflicting_flag_names_it() -> None:
    assert resolve_mode("ana", "off", None, "on") == "off"
    assert resolve_mode("ana", "off", "off", None) == "off"
    with pytest.raises(ConditionRefused, match="fixed ana's suggestions to 'off'"):
        resolve_mode("ana", "off", "on", None)
    assert resolve_mode("ana", None, None, "after") == "after"
    assert resolve_mode("ana", None, "off", "after") == "off"
    assert resolve_mode("ana", None, None, None) == "on"


def test_the_random_draw_is_stable_and_follows_the_share() -> None:
    draws = [drawn_mode("p", "ana", i, 0.3) for i in range(4000)]
    assert draws == [drawn_mode("p", "ana", i, 0.3) for i in range(4000)]
    assert 0.27 < draws.count("on") / 4000 < 0.33
    assert draws != [drawn_mode("p", "budi", i, 0.3) for i in range(4000)]
    assert all(drawn_mode("p", "ana", i, 0.0) == "off" for i in range(100))
    assert all(drawn_mode("p", "ana", i, 1.0) == "on" for i in range(100))


def test_token_labels_take_the_shortest_covering_span() -> None:
    tokens = [(0, 4), (5, 9), (10, 14)]
    assert token_labels(tokens, [(0, 14, "a"), (5, 9, "b")]) == ("a", "b", "a")
    assert token_labels(tokens, []) == ("O", "O", "O")


def test_document_disagreement_counts_labels_and_judgments() -> None:
    tokens = [(0, 4), (5, 9)]
    same = (tokens, {"ana": [(0, 4, "x")], "budi": [(0, 4, "x")]}, {"ana": "j", "budi": "j"})
    labels = (tokens, {"ana": [(0, 4, "x")], "budi": []}, {"ana": "j", "budi": "j"})
    judged = (tokens, {"ana": [], "budi": []}, {"ana": "j", "budi": None})
    assert document_disagreement([same, labels, judged, same]) == 0.5
    assert document_disagreement([]) == 0.0


def test_token_accuracy_against_gold() -> None:
    tokens = [(0, 4), (5, 9)]
    assert token_accuracy([(tokens, [(0, 4, "x")], [(0, 4, "x")]), (tokens, [], [(5, 9, "x")])]) == 0.75
    assert token_accuracy([]) is None


def test_visits_are_capped_at_the_idle_limit_and_eta_follows_the_recent_rate() -> None:
    assert visit_seconds(3600) == IDLE_LIMIT_SECONDS
    assert visit_seconds(-1) == 0.0
    assert eta_seconds(10, [30.0, 30.0]) == 300.0
    assert eta_seconds(0, []) == 0.0
    assert eta_seconds(5, []) is None


def test_calibration_comes_first_then_the_queue_in_her_order() -> None:
    entries = [
        QueueEntry("d2", 1.0, False, 3),
        QueueEntry("c1", 0.0, True, 2),
        QueueEntry("d1", 0.0, False, 4),
        QueueEntry("d3", 2.0, False, 1),
    ]
    assert queue_order(entries, "ana") == ["c1", "d1", "d2", "d3"]
    shuffled = queue_order(entries, "ana", "random", 3)
    assert shuffled[0] == "c1" and sorted(shuffled[1:]) == ["d1", "d2", "d3"]
    assert shuffled == queue_order(entries, "ana", "random", 3)
    progress = queue_progress(entries, {"c1": 2, "d1": 1, "elsewhere": 9})
    assert (progress.documents, progress.documents_done, progress.sentences, progress.sentences_done) == (4, 1, 10, 3)
    assert not progress.finished
