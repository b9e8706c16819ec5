"""The learned recommender: training on 20,000 done sentences (under 60 s and 500 MB),
and model suggestions over 10 MB at most 3x the lexicon matching time in the same run."""

from __future__ import annotations

import time

import pytest

from annotator.lexicon.entries import read_lexicon
from annotator.lexicon.quotes import find_quotes
from annotator.lexicon.suggest import BATCH_SENTENCES, Suggester
from annotator.recommend.features import lexicon_hits
from annotator.recommend.tagging import Tagger
from annotator.recommend.training import train_model
from annotator.resources import default_lexicon_path, default_tagset_path
from annotator.segmentation import segment
from annotator.store import Store
from annotator.tagset import load_tagset
from tests.recommend_corpus import build

from .corpus import make_documents
from .measure import MB, cli_command, fmt_seconds, median_seconds, run_child, scaled

pytestmark = pytest.mark.bench


def _project(path, sentences: int) -> None:
    with Store.open(path, create=True) as store:
        store.initialize("bench", load_tagset(default_tagset_path()))
        documents = max(2, sentences // 100)
        build(store, documents=documents, sentences=100, done_documents=documents, annotators=("ana",))


def test_training_on_20000_done_sentences(bench, tmp_path):
    size = int(scaled(20_000))
    path = tmp_path / "train.db"
    _project(path, size)
    run = run_child(cli_command("recommend", "train", "--db", str(path), "--json"), sample_memory=True)
    memory = max(run.max_rss_mib, run.peak_tree_pss_mib)
    passed = run.seconds < 60 and memory < 500
    bench.record(
        f"recommend train, {size} done sentences",
        ours=f"{fmt_seconds(run.seconds)}, {memory:.0f} MiB",
        target="< 60 s, < 500 MB",
        passed=passed,
        ours_value=run.seconds,
        unit="s",
        runs=1,
        details={
            "cpu_seconds": run.cpu_seconds,
            "max_rss_mib": run.max_rss_mib,
            "peak_tree_pss_mib": run.peak_tree_pss_mib,
        },
    )
    assert passed


def test_model_suggestions_over_10mb_against_lexicon_matching(bench, tmp_path):
    path = tmp_path / "model.db"
    _project(path, 2000)
    labels = load_tagset(default_tagset_path()).label_names
    with Store.open(path) as store:
        model, _ = train_model(store)
        tagger = Tagger(store.recommender.model_bytes(model.version))
    suggester = Suggester(read_lexicon(default_lexicon_path(), labels), labels)
    size_mb = scaled(10)
    sentences = []
    for document in make_documents(size_mb):
        text = document["text"]
        sentences += [(text[start:end], tokens) for start, end, tokens in segment(text)]

    def lexicon_only() -> None:
        for text, tokens in sentences:
            suggester.suggest_text(0, text, tokens)

    def with_model() -> None:
        # What `suggest --source model` computes per batch, without the store writes:
        # the quotations found once for both, the lexicon, then the model on the batch
        # (spans and each sentence's uncertainty).
        for at in range(0, len(sentences), BATCH_SENTENCES):
            inputs = []
            for text, tokens in sentences[at : at + BATCH_SENTENCES]:
                quotes = find_quotes(text, tokens) or ()
                others = suggester.suggest_text(0, text, tokens, quotes) or ()
                inputs.append((text, tokens, lexicon_hits(others), quotes))
            tagger.tag_with_uncertainty(inputs)

    lexicon_only()  # warm the stem caches for both
    ours, _ = median_seconds(with_model)
    baseline, _ = median_seconds(lexicon_only)
    ratio = ours / baseline
    passed = ratio <= 3.0
    bench.record(
        f"model suggestions over {size_mb:g} MB",
        ours=fmt_seconds(ours),
        baseline=fmt_seconds(baseline),
        ratio=ratio,
        target="<= 3x lexicon matching",
        passed=passed,
        ours_value=ours,
        baseline_value=baseline,
        unit="s",
        details={"sentences": len(sentences), "MB": size_mb, "at": time.time(), "bytes_per_mb": MB},
    )
    assert passed
