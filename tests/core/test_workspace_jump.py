"""The `'` jump: where typed letters land, case- and accent-insensitively."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from annotator.workspace.jump import fold, jump_target

TOKENS = ["Juru", "bicara", "Kemenlu", "menyebut", "kelompok", "itu", "pengecut", "."]


def test_the_next_match_after_the_current_token():
    assert jump_target(TOKENS, 0, "k") == 2
    assert jump_target(TOKENS, 2, "k") == 4
    assert jump_target(TOKENS, 2, "ke") == 4


def test_the_search_wraps_round_and_tries_the_current_token_last():
    assert jump_target(TOKENS, 4, "k") == 2
    assert jump_target(TOKENS, 6, "peng") == 6
    assert jump_target(TOKENS, 7, "ju") == 0


def test_case_and_accents_are_ignored():
    tokens = ["kata", "Élysée", "CAFÉ", "naïve"]
    assert jump_target(tokens, 0, "ely") == 1
    assert jump_target(tokens, 0, "ÉLY") == 1
    assert jump_target(tokens, 0, "cafe") == 2
    assert jump_target(tokens, 0, "nai") == 3
    # Compatibility forms fold too: the ligature "ﬁ" starts "fi".
    assert jump_target(["a", "ﬁnal"], 0, "fin") == 1


def test_no_match_an_empty_prefix_or_an_empty_sentence_is_none():
    assert jump_target(TOKENS, 0, "zz") is None
    assert jump_target(TOKENS, 0, "") is None
    assert jump_target([], 0, "a") is None


def test_a_prefix_longer_than_every_token_matches_nothing():
    assert jump_target(TOKENS, 0, "pengecutan") is None


words = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=12)


@given(words, st.data())
def test_the_target_is_the_first_match_in_wrapped_order(tokens, data):
    current = data.draw(st.integers(0, len(tokens) - 1))
    typed = data.draw(st.text(min_size=1, max_size=3))
    target = jump_target(tokens, current, typed)
    order = [(current + step) % len(tokens) for step in range(1, len(tokens) + 1)]
    matches = [i for i in order if fold(tokens[i]).startswith(fold(typed))]
    assert target == (matches[0] if matches else None)


@given(words, st.data())
def test_a_token_is_always_found_by_its_own_prefix(tokens, data):
    current = data.draw(st.integers(0, len(tokens) - 1))
    wanted = data.draw(st.integers(0, len(tokens) - 1))
    typed = tokens[wanted][: data.draw(st.integers(1, len(tokens[wanted])))]
    if not fold(typed):
        return
    target = jump_target(tokens, current, typed)
    assert target is not None
    assert fold(tokens[target]).startswith(fold(typed))
    # Nothing between current and the target (in wrapped order) matches.
    step = (target - current) % len(tokens) or len(tokens)
    between = [(current + k) % len(tokens) for k in range(1, step)]
    assert not any(fold(tokens[i]).startswith(fold(typed)) for i in between)


@given(st.text(max_size=8))
def test_fold_is_idempotent_and_has_no_combining_marks(text):
    once = fold(text)
    assert fold(once) == once
    assert not any(unicodedata.combining(ch) for ch in once)
