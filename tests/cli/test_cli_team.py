"""The team contract end to end: team add/list/retire/set/status, assign,
assignments, flags and agreement --by suggestion-mode, with their JSON keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import GOLD, SentenceState, SpanAnnotation
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset
from tests.team_corpus import add_documents, finish_document

ANNOTATOR_KEYS = {
    "name",
    "assigned_documents",
    "assigned_sentences",
    "done",
    "skipped",
    "remaining",
    "active_seconds",
    "sentences_per_hour",
    "last_active",
    "eta_seconds",
    "flags",
    "gold_check_agreement",
}


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def run_json(*args: str):
    return json.loads(run(*args, "--json").stdout)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    with Store.open(path, create=True) as store:
        store.initialize("team", load_tagset(default_tagset_path()))
        add_documents(store, [3, 4, 2, 5, 3, 2, 4, 3])
    return path


def test_team_add_list_retire_and_set(db: Path) -> None:
    run("team", "add", "ana", " Budi ", "--db", str(db))
    run("team", "add", "citra", "--role", "curator", "--db", str(db))
    refused = run("team", "add", "budi", "--db", str(db), code=1)
    assert refused.stderr.startswith("error: ") and "only in case or spacing" in refused.stderr
    assert "reserved" in run("team", "add", "gold", "--db", str(db), code=1).stderr
    run("team", "retire", "citra", "--db", str(db))
    run("team", "set", "ana", "--suggestions", "random", "--share", "0.3", "--db", str(db))
    run("team", "set", "Budi", "--suggestions", "off", "--db", str(db))
    listed = run_json("team", "list", "--db", str(db))
    assert listed == [
        {"name": "Budi", "role": "annotator", "active": True, "suggestions": "off"},
        {"name": "ana", "role": "annotator", "active": True, "suggestions": "random"},
        {"name": "citra", "role": "curator", "active": False, "suggestions": None},
    ]
    assert "not on the roster" in run("team", "retire", "zed", "--db", str(db), code=1).stderr
    assert run("team", "set", "ana", "--suggestions", "on", "--share", "0.2", "--db", str(db), code=2)


def test_assign_and_assignments_json(db: Path) -> None:
    run("team", "add", "ana", "budi", "citra", "--db", str(db))
    summary = run_json("assign", "--per-item", "2", "--calibration", "1", "--seed", "3", "--db", str(db))
    assert summary["assigned_documents"] == 8 and len(summary["calibration"]) == 1
    documents = run_json("assignments", "--db", str(db))["documents"]
    assert set(documents[0]) == {"document_id", "annotators", "calibration", "gold_check"}
    assert len(documents) == 8
    calibration = [d for d in documents if d["calibration"]]
    assert [d["document_id"] for d in calibration] == summary["calibration"]
    assert calibration[0]["annotators"] == ["ana", "budi", "citra"]
    assert all(len(d["annotators"]) == 2 for d in documents if not d["calibration"])
    mine = run_json("assignments", "--annotator", "ana", "--db", str(db))["documents"]
    assert mine[0]["document_id"] == summary["calibration"][0]  # calibration first in her queue
    assert all("ana" in d["annotators"] for d in mine)
    # Again: nothing moves.
    assert run_json("assign", "--per-item", "2", "--db", str(db))["assignments_added"] == 0
    assert run_json("assignments", "--db", str(db))["documents"] == documents


def test_assign_refusals_are_one_line(db: Path) -> None:
    assert "no active annotators" in run("assign", "--per-item", "2", "--db", str(db), code=1).stderr
    run("team", "add", "ana", "budi", "--db", str(db))
    assert "at least 3" in run("assign", "--per-item", "3", "--db", str(db), code=1).stderr
    assert "--max" in run("assign", "--per-item", "2", "--adaptive", "--db", str(db), code=2).stderr
    assert (
        "above --per-item"
        in run(
            "assign", "--per-item", "2", "--adaptive", "--max", "2", "--threshold", "0.2", "--db", str(db), code=1
        ).stderr
    )


def test_team_status_and_flags_json(db: Path) -> None:
    run("team", "add", "ana", "budi", "--db", str(db))
    run("assign", "--per-item", "2", "--db", str(db))
    with Store.open(db) as store:
        first = store.team.document_sizes()[0][0]
        finish_document(store, first, "ana", label_first=True, flagged=True, note="periksa")
        finish_document(store, first, "budi")
        for sentence in store.corpus.sentences_of(first):
            store.annotations.put_judgment(SentenceState(sentence.id, GOLD, "done"))
            start, end = sentence.tokens[0]
            store.annotations.add_span(SpanAnnotation(sentence.id, GOLD, start, end, "loaded_language"))
    run("assign", "--per-item", "2", "--gold-checks", "1", "--db", str(db))
    status = run_json("team", "status", "--db", str(db))
    assert set(status) == {"annotators", "pairs"}
    assert all(set(a) == ANNOTATOR_KEYS for a in status["annotators"])
    ana = next(a for a in status["annotators"] if a["name"] == "ana")
    assert ana["done"] == 3 and ana["flags"] == 3 and ana["assigned_documents"] == 8
    [pair] = status["pairs"]
    assert set(pair) == {"annotators", "shared_sentences", "token_alpha"}
    assert pair["annotators"] == ["ana", "budi"] and pair["shared_sentences"] == 3
    flagged = run_json("flags", "--db", str(db))
    assert flagged[0] == {"document_id": first, "sentence_index": 0, "annotator": "ana", "note": "periksa"}
    assert len(flagged) == 3
    assert "ana" in run("team", "status", "--db", str(db)).stdout


def test_gold_check_agreement_is_her_token_accuracy_on_gold_checks(db: Path) -> None:
    run("team", "add", "ana", "budi", "citra", "--db", str(db))
    with Store.open(db) as store:
        first = store.team.document_sizes()[0][0]
        for sentence in store.corpus.sentences_of(first):
            store.annotations.put_judgment(SentenceState(sentence.id, GOLD, "done"))
            start, end = sentence.tokens[0]
            store.annotations.add_span(SpanAnnotation(sentence.id, GOLD, start, end, "loaded_language"))
    run("assign", "--per-item", "1", "--gold-checks", "1", "--db", str(db))
    with Store.open(db) as store:
        for name in ("ana", "budi", "citra"):
            if any(r.gold_check for r in store.team.rows(name) if r.document_id == first):
                finish_document(store, first, name, label_first=(name == "ana"))
    status = {a["name"]: a for a in run_json("team", "status", "--db", str(db))["annotators"]}
    checked = [n for n in status if status[n]["gold_check_agreement"] is not None]
    assert checked
    for name in checked:  # ana labelled what gold labelled; the others left it "O"
        assert (status[name]["gold_check_agreement"] == 1.0) == (name == "ana")


def test_agreement_by_suggestion_mode_splits_on_and_off(db: Path) -> None:
    with Store.open(db) as store:
        first, second = store.team.document_sizes()[:2]
        for name in ("ana", "budi"):
            for sentence in store.corpus.sentences_of(first[0]):
                store.annotations.put_judgment(SentenceState(sentence.id, name, "done", suggestion_mode="on"))
            for sentence in store.corpus.sentences_of(second[0]):
                store.annotations.put_judgment(SentenceState(sentence.id, name, "done", suggestion_mode="off"))
                if name == "ana":
                    start, end = sentence.tokens[0]
                    store.annotations.add_span(SpanAnnotation(sentence.id, name, start, end, "loaded_language"))
    report = run_json("agreement", "--level", "token", "--by", "suggestion-mode", "--db", str(db))
    split = report["by_suggestion_mode"]
    assert set(split) == {"on", "off"}
    # Token units: every done sentence is on one side, so the two add up to the whole.
    assert 0 < split["on"]["units"] < report["units"]
    assert split["on"]["units"] + split["off"]["units"] == report["units"]
    assert set(split["on"]) == set(report) - {"by_suggestion_mode"}
    everything = run_json("agreement", "--by", "suggestion-mode", "--db", str(db))
    assert set(everything["by_suggestion_mode"]["on"]) == {"sentence", "token", "span", "unitizing"}
    assert "Suggestions on" in run("agreement", "--level", "token", "--by", "suggestion-mode", "--db", str(db)).stdout


def test_annotate_refuses_a_name_off_the_roster_and_a_conflicting_mode(db: Path) -> None:
    run("team", "add", "ana", "budi", "--db", str(db))
    refused = run("annotate", "--annotator", "anna", "--db", str(db), code=1)
    assert refused.stderr.strip() == "error: 'anna' is not on this project's roster; did you mean 'ana'?"
    run("team", "set", "budi", "--suggestions", "after", "--db", str(db))
    conflict = run("annotate", "--annotator", "budi", "--suggestions", "on", "--db", str(db), code=1)
    assert "fixed budi's suggestions to 'after'" in conflict.stderr
    run("team", "retire", "budi", "--db", str(db))
    assert "retired" in run("annotate", "--annotator", "budi", "--db", str(db), code=1).stderr


def test_annotate_refuses_a_document_outside_her_queue_in_one_line(db: Path) -> None:
    run("team", "add", "ana", "budi", "--db", str(db))
    run("assign", "--per-item", "1", "--seed", "1", "--db", str(db))
    theirs = run_json("assignments", "--annotator", "budi", "--db", str(db))["documents"][0]["document_id"]
    refused = run("annotate", "--annotator", "ana", "--document", theirs, "--db", str(db), code=1)
    assert refused.stderr.startswith(f"error: document {theirs!r} is not in your queue")
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
