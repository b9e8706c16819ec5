"""The learned recommender through the CLI: recommend train/evaluate, suggest --source
model, and the settings that govern it."""

from __future__ import annotations

import json
import shlex

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.resources import default_tagset_path
from annotator.sources import MODEL
from annotator.store import Store
from annotator.tagset import load_tagset
from tests.recommend_corpus import LABEL, NOISE_LABEL, TERM, build


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def synthetic(db_path):
    """Twelve documents; annotators tagged TERM (in no lexicon) in the first eight."""
    with Store.open(db_path, create=True) as store:
        store.initialize("synthetic", load_tagset(default_tagset_path()))
        build(store)
    return db_path


def test_a_consistently_tagged_term_is_learned_and_suggested_in_unseen_documents(synthetic):
    trained = json.loads(ok("recommend", "train", "--db", synthetic, "--json").stdout)
    assert trained["version"] == 1 and trained["sentences"] == 80 and trained["documents"] == 8
    assert trained["labels"] == [LABEL] and trained["noise"]["sentences_disagreeing"] == 0
    report = json.loads(ok("suggest", "--source", "model", "--db", synthetic, "--json").stdout)
    assert report["added"] > 0
    with Store.open(synthetic, readonly=True) as store:
        unseen = [s for d in ("doc-08", "doc-09", "doc-10", "doc-11") for s in store.corpus.sentences_of(d)]
        with_term = [s for s in unseen if TERM in s.text]
        assert with_term
        for sentence in unseen:
            model = [g for g in store.suggestions.for_sentence(sentence.id) if g.detector == MODEL]
            expected = (
                [(sentence.text.index(TERM), sentence.text.index(TERM) + len(TERM))] if TERM in sentence.text else []
            )
            assert [(g.start, g.end) for g in model] == expected, sentence.text
            for g in model:
                assert g.label == LABEL and 0.5 <= g.score <= 1 and "model v1" in g.reason


def test_evaluate_shows_the_model_above_the_lexicon_on_the_learned_label(synthetic):
    ok("recommend", "train", "--db", synthetic)
    result = json.loads(ok("recommend", "evaluate", "--folds", "4", "--db", synthetic, "--json").stdout)
    scores = result["labels"][LABEL]
    assert scores["model"]["f1"] > scores["lexicon"]["f1"]
    assert scores["model"]["precision"] >= 0.9 and scores["model"]["recall"] >= 0.9
    assert result["switched_off"] == [] and result["folds"] == 4 and result["model_version"] == 1
    text = ok("recommend", "evaluate", "--folds", "4", "--db", synthetic).stdout
    assert "No label is below the minimum precision 0.5" in text


def test_a_label_below_the_minimum_precision_is_switched_off_and_not_suggested(db_path):
    with Store.open(db_path, create=True) as store:
        store.initialize("noisy", load_tagset(default_tagset_path()))
        build(store, noise=True)
    ok("recommend", "train", "--db", db_path)
    ok("settings", "set", "recommend-min-precision", "0.9", "--db", db_path)
    result = json.loads(ok("recommend", "evaluate", "--folds", "4", "--db", db_path, "--json").stdout)
    noisy = result["labels"][NOISE_LABEL]["model"]
    assert noisy["precision"] is not None and noisy["precision"] < 0.9
    assert result["switched_off"] == [NOISE_LABEL]
    assert (
        f"Switched off (model precision below 0.9): {NOISE_LABEL}"
        in ok("recommend", "evaluate", "--folds", "4", "--db", db_path).stdout
    )
    ok("suggest", "--source", "model", "--threshold", "0", "--db", db_path)
    with Store.open(db_path, readonly=True) as store:
        labels = {
            g.label
            for s in store.corpus.iter_sentences()
            for g in store.suggestions.for_sentence(s.id)
            if g.detector == MODEL
        }
        assert labels == {LABEL}
        assert store.recommender.latest().disabled_labels == (NOISE_LABEL,)
    # A retrained version keeps the label off until an evaluation passes it.
    assert json.loads(ok("recommend", "train", "--db", db_path, "--json").stdout)["switched_off"] == [NOISE_LABEL]


def test_a_stored_setting_that_no_longer_parses_is_one_line_error(synthetic):
    ok("recommend", "train", "--db", synthetic)
    with Store.open(synthetic) as store:
        store.set_meta("setting:recommend-min-precision", "1.01")
    result = invoke("recommend", "evaluate", "--folds", "4", "--db", synthetic)
    assert result.exit_code == 1 and "recommend-min-precision" in result.output


def test_a_retrained_model_is_a_new_version_with_its_training_set(synthetic):
    ok("recommend", "train", "--db", synthetic)
    second = json.loads(ok("recommend", "train", "--annotators", "ana", "--db", synthetic, "--json").stdout)
    assert second["version"] == 2 and second["annotators"] == ["ana"] and second["examples"] == 80
    with Store.open(synthetic, readonly=True) as store:
        versions = store.recommender.versions()
    assert [(v.version, v.sentences) for v in versions] == [(1, 80), (2, 80)]
    assert all(v.trained_at for v in versions)


def test_lexicon_rerun_keeps_model_suggestions(synthetic):
    ok("recommend", "train", "--db", synthetic)
    added = json.loads(ok("suggest", "--source", "model", "--db", synthetic, "--json").stdout)["added"]
    ok("suggest", "--db", synthetic)
    again = json.loads(ok("suggest", "--source", "model", "--db", synthetic, "--json").stdout)
    assert (again["added"], again["kept"]) == (0, added)


def test_recommend_usage_errors(synthetic, db_path):
    result = invoke("suggest", "--source", "model", "--db", synthetic)
    assert result.exit_code == 1 and "recommend train" in result.output
    result = invoke("recommend", "train", "--gold", "--annotators", "ana", "--db", synthetic)
    assert result.exit_code == 2
    result = invoke("recommend", "train", "--gold", "--db", synthetic)
    assert result.exit_code == 1 and "no done sentences" in result.output
    result = invoke("suggest", "--threshold", "0.7", "--db", synthetic)
    assert result.exit_code == 2


def test_settings_show_and_set(synthetic):
    shown = json.loads(ok("settings", "show", "--db", synthetic, "--json").stdout)
    assert shown == {
        "license": "unknown",
        "recommend-auto": False,
        "recommend-auto-every": 200,
        "recommend-min-precision": 0.5,
        "require-decisions": False,
        "require-judgment": False,
    }
    ok("settings", "set", "recommend-auto", "true", "--db", synthetic)
    assert json.loads(ok("settings", "show", "--db", synthetic, "--json").stdout)["recommend-auto"] is True
    result = invoke("settings", "set", "recommend-auto", "maybe", "--db", synthetic)
    assert result.exit_code == 1 and "true or false" in result.output
    result = invoke("settings", "set", "no-such-key", "1", "--db", synthetic)
    assert result.exit_code == 1 and "unknown setting" in result.output


def test_a_low_precision_sense_of_an_entry_is_proposed_as_an_exclude_form(db_path):
    from annotator.lexicon.suggest import suggest_all
    from annotator.model import LexiconEntry
    from tests.workspace_corpus import add_document

    with Store.open(db_path, create=True) as store:
        store.initialize("senses", load_tagset(default_tagset_path()))
        store.lexicons.save("project", [LexiconEntry("duduk", LABEL, "stem", neutral="tempati")], None)
        add_document(
            store,
            "d",
            [
                "Wilayah itu diduduki pasukan asing.",
                "Kota itu diduduki lagi.",
                "Kedudukan tim itu naik.",
                "Ia kehilangan kedudukan di partai.",
                "Kedudukan hukum itu jelas.",
            ],
        )
        suggest_all(store)
        for sentence in store.corpus.sentences_of("d"):
            for g in store.suggestions.for_sentence(sentence.id):
                decision = "accepted" if "diduduki" in sentence.text else "rejected"
                store.suggestions.set_decision(g.id, "ana", decision)
    data = json.loads(ok("lexicon", "stats", "--candidates", "--db", db_path, "--json").stdout)
    [proposal] = data["excludes"]
    assert (proposal["term"], proposal["form"], proposal["accepted"], proposal["rejected"]) == (
        "duduk",
        "kedudukan",
        0,
        3,
    )
    assert proposal["entry_precision"] == 0.4
    assert "--exclude kedudukan" in proposal["command"] and "--neutral tempati" in proposal["command"]
    # The proposed command works, and the sense is no longer suggested.
    for step in proposal["command"].split(" && "):
        args = shlex.split(step)[1:]
        ok(*args, "--db", db_path)
    ok("suggest", "--db", db_path)
    with Store.open(db_path, readonly=True) as store:
        suggested = [
            s.text[g.start : g.end]
            for s in store.corpus.sentences_of("d")
            for g in store.suggestions.for_sentence(s.id)
        ]
    assert suggested == ["diduduki", "diduduki"]
