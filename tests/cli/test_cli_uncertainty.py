"""`annotate --order uncertain` from the command line: the flag, its refusal before the
model has scored the corpus, and the order after `recommend train` and `suggest
--source model`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import SentenceState, SpanAnnotation
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset
from annotator.team.campaign import assign
from annotator.workspace.launch import open_workspace
from tests.recommend_corpus import build
from tests.team_corpus import add_documents


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def synthetic(db_path):
    with Store.open(db_path, create=True) as store:
        store.initialize("synthetic", load_tagset(default_tagset_path()))
        build(store)
    return db_path


def test_the_flag_is_offered():
    result = invoke("annotate", "--help")
    assert result.exit_code == 0 and "uncertain" in result.output


def test_without_model_scores_the_order_is_refused_in_one_line(synthetic):
    result = invoke("annotate", "--db", synthetic, "--annotator", "citra", "--order", "uncertain")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no uncertainty scores yet")
    assert "'annotator recommend train'" in lines[0] and "'annotator suggest --source model'" in lines[0]
    with Store.open(synthetic, readonly=True) as store:
        assert store.annotations.annotator_order("citra")[0] is None  # not remembered


def test_after_train_and_suggest_the_workspace_serves_the_most_uncertain_first(synthetic):
    assert invoke("recommend", "train", "--db", synthetic).exit_code == 0
    assert invoke("suggest", "--source", "model", "--db", synthetic).exit_code == 0
    with Store.open(synthetic, readonly=True) as store:
        ranked = store.conn.execute(
            "SELECT u.document_id, s.idx FROM sentence_uncertainty u JOIN sentences s ON s.id = u.sentence_id"
            " JOIN documents d ON d.id = s.document_id ORDER BY u.score DESC, d.seq, s.idx LIMIT 1"
        ).fetchone()
    with open_workspace(synthetic, "citra", order="uncertain") as ws:
        assert (ws.session.document.id, ws.session.index) == tuple(ranked)
        ws.session.record_shown()  # what the screen does once the sentence is drawn
        assert ws.store.annotations.get_judgment(ws.session.sentence_id, "citra").served_order == "uncertain"


def test_assignments_lists_her_queue_in_her_uncertain_order(synthetic):
    with Store.open(synthetic) as store:
        store.team.add(["citra"], "annotator")
        assign(store, per_item=1, annotators=["citra"])
    assert invoke("recommend", "train", "--db", synthetic).exit_code == 0
    assert invoke("suggest", "--source", "model", "--db", synthetic).exit_code == 0
    with open_workspace(synthetic, "citra", order="uncertain") as ws:
        served = [ws.session.order.document_at(i) for i in range(len(ws.session.order))]
    listed = json.loads(invoke("assignments", "--annotator", "citra", "--json", "--db", synthetic).stdout)
    assert [d["document_id"] for d in listed["documents"]] == served
    with Store.open(synthetic, readonly=True) as store:
        scores = store.uncertainty.document_scores(served)
    assert [scores[d] for d in served] == sorted(scores.values(), reverse=True)


def test_agreement_by_served_order_splits_the_sentences_by_the_order_they_were_served_in(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("tim", tagset)
        first, second, mixed = add_documents(store, [3, 4, 2])
        served = {
            "ana": {first: "uncertain", second: "document", mixed: "random"},
            "budi": {first: "uncertain", second: "document", mixed: "uncertain"},
        }
        for name, orders in served.items():
            for document_id, order in orders.items():
                for sentence in store.corpus.sentences_of(document_id):
                    store.annotations.put_judgment(SentenceState(sentence.id, name, "done", served_order=order))
                    if name == "ana" and document_id == second:
                        start, end = sentence.tokens[0]
                        store.annotations.add_span(SpanAnnotation(sentence.id, name, start, end, "loaded_language"))
    result = invoke("agreement", "--level", "token", "--by", "served-order", "--db", db_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    split = report["by_served_order"]
    assert set(split) == {"document", "random", "uncertain"}
    with Store.open(db_path, readonly=True) as store:
        tokens = {d: sum(len(s.tokens) for s in store.corpus.sentences_of(d)) for d in (first, second)}
    # The mixed document (ana random, budi uncertain) is on neither side.
    assert (split["uncertain"]["units"], split["document"]["units"]) == (tokens[first], tokens[second])
    # Both left the uncertain sentences untagged alike; only ana tagged the document-order ones.
    assert (split["uncertain"]["percent_agreement"], split["random"]["units"]) == (1.0, 0)
    assert split["document"]["percent_agreement"] < 1.0
    assert split["document"]["units"] < report["units"]
    text = invoke("agreement", "--level", "token", "--by", "served-order", "--db", db_path)
    assert text.exit_code == 0 and "Order uncertain" in text.stdout
