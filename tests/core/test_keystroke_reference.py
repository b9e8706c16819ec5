"""The keystroke benchmark's reference annotation (tests/bench/data/reference_spans.jsonl)
stays true to the samples as the store segments them, and the planner finds the fewest keys."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.segmentation import tokenize
from annotator.workspace.cursor import token_range
from annotator.workspace.jump import jump_target
from tests.bench.keystrokes import SentencePlanner, contract_model, load_reference, old_model, workspace_bindings

REFERENCE = load_reference()


def test_every_reference_span_is_the_text_of_its_sentence(sample_store, tagset):
    documents = set(sample_store.corpus.document_ids())
    for span in REFERENCE:
        assert span.document in documents
        sentence = sample_store.corpus.sentence_at(span.document, span.sentence)
        assert sentence is not None, span
        assert 0 <= span.start < span.end <= len(sentence.text), span
        assert sentence.text[span.start : span.end] == span.text, span
        assert tagset.label(span.label) is not None, span


def test_the_reference_covers_what_the_benchmark_is_about(sample_store):
    """Several spans of more than one token, and at least one inside a token (a clitic)."""
    widths, inside = [], 0
    for span in REFERENCE:
        tokens = sample_store.corpus.sentence_at(span.document, span.sentence).tokens
        first, last = token_range(tokens, span.start, span.end)
        widths.append(last - first + 1)
        inside += (tokens[first][0], tokens[last][1]) != (span.start, span.end)
    assert len(REFERENCE) >= 20
    assert sum(w > 1 for w in widths) >= 5
    assert inside >= 1
    assert len({span.document for span in REFERENCE}) == 3


@pytest.fixture
def bindings(tagset):
    return workspace_bindings(tagset)[0]


def test_with_the_old_keys_a_span_costs_its_distance_plus_its_width_plus_the_digit(sample_store, tagset, bindings):
    """The old keys have one shortest way: right to the first token, shift+right to the last."""
    model = old_model(bindings, tagset)
    for span in REFERENCE:
        sentence = sample_store.corpus.sentence_at(span.document, span.sentence)
        first, last = token_range(sentence.tokens, span.start, span.end)
        planner = SentencePlanner(model, sentence.text, sentence.tokens)
        plan = planner.plan(sentence.tokens[first][0], sentence.tokens[last][1], span.label)
        assert plan.cost == first + (last - first) + 1
        exact = planner.plan(span.start, span.end, span.label)
        if (sentence.tokens[first][0], sentence.tokens[last][1]) == (span.start, span.end):
            assert exact.keys == plan.keys
        else:
            assert exact is None  # no key moves a boundary inside a token


def test_a_jump_lands_where_jump_target_says(tagset, bindings):
    text = "Pasukan pengecut itu menyerang kota di utara dan selatan sebelum pengungsi pergi dari sana pada pagi itu."
    tokens = tokenize(text)
    texts = [text[s:e] for s, e in tokens]
    planner = SentencePlanner(contract_model(bindings, tagset), text, tokens)
    word = {text: tokens[i] for i, text in reversed(list(enumerate(texts)))}
    # From the first token "p" lands on "pengecut" and "peng" still does; from "pengecut"
    # itself one letter reaches "pengungsi": one move saves three letters.
    assert jump_target(texts, 0, "peng") == 1
    assert jump_target(texts, 1, "p") == texts.index("pengungsi")
    assert planner.plan(*word["pengungsi"], "loaded_language").keys == ("right", "apostrophe", "p", "enter", "1")
    # A key that types nothing ends the jump and does its own work: no enter before it.
    # Every jump ended with enter (the contract's minimum), "per" is typed out instead.
    assert planner.plan(*word["pergi"], "loaded_language").keys == ("right", "apostrophe", "p", "right", "1")
    strict = SentencePlanner(replace(planner.model, jump_ends_on_unprintable=False), text, tokens)
    assert strict.plan(*word["pergi"], "loaded_language").keys == ("apostrophe", "p", "e", "r", "enter", "1")
    assert planner.plan(*tokens[-1], "loaded_language").keys == ("end", "1")
    # With a selection active a jump extends it.
    menyerang_selatan = (word["menyerang"][0], word["selatan"][1])
    assert planner.plan(*menyerang_selatan, "name_calling").keys == (
        *("apostrophe", "m"),
        "shift+right",
        *("apostrophe", "s", "enter"),
        "2",
    )


def test_a_boundary_inside_a_token_is_planned_with_the_boundary_edit(tagset, bindings):
    text = "kekejamannya terhadap rakyat"
    tokens = tokenize(text)
    planner = SentencePlanner(contract_model(bindings, tagset), text, tokens)
    # Three characters off the end of the first token, then the label ends the edit.
    assert planner.plan(0, 9, "loaded_language").keys == ("e", "left", "left", "left", "1")
    # Across a token boundary: select two tokens, then move the start.
    assert planner.plan(4, 21, "loaded_language").keys == (
        "shift+right",
        "e",
        "shift+right",
        "shift+right",
        "shift+right",
        "shift+right",
        "1",
    )
