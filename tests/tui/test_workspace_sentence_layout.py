"""Wrapping and hit testing of the sentence view (plain Python, no app)."""

from __future__ import annotations

from annotator.segmentation import tokenize
from annotator.tui.widgets.sentence_layout import display_text, layout_sentence


def lines_of(layout):
    return [layout.display[a:b] for a, b in layout.lines]


def test_wraps_at_spaces_and_drops_the_space_at_the_break():
    text = "Pasukan pengecut itu menyerang kota."
    layout = layout_sentence(text, tokenize(text), 17)
    assert lines_of(layout) == ["Pasukan pengecut", "itu menyerang", "kota."]
    assert all(len(line) <= 17 for line in lines_of(layout))


def test_a_word_wider_than_the_line_is_cut():
    text = "a" * 25 + " b"
    layout = layout_sentence(text, tokenize(text), 10)
    assert lines_of(layout) == ["a" * 10, "a" * 10, "a" * 5 + " b"]


def test_wide_characters_count_two_cells():
    text = "中文 字符 测试"
    layout = layout_sentence(text, tokenize(text), 10)
    assert lines_of(layout) == ["中文 字符", "测试"]
    assert layout.hits[0][1][:2] == (5, 9)


def test_token_at_finds_tokens_and_the_nearest_one_between_words():
    text = "Pasukan pengecut itu menyerang kota."
    layout = layout_sentence(text, tokenize(text), 17)
    assert layout.token_at(0, 0) == 0
    assert layout.token_at(9, 0) == 1
    assert layout.token_at(7, 0) == 0  # the space after "Pasukan"
    assert layout.token_at(0, 1) == 2
    assert layout.token_at(4, 2) == 5
    assert layout.token_at(0, 9) is None
    assert layout.token_line == [0, 0, 1, 1, 2, 2]


def test_three_hundred_tokens_lay_out_fast():
    import time

    text = " ".join(f"kata{i}" for i in range(300)) + "."
    started = time.perf_counter()
    layout = layout_sentence(text, tokenize(text), 76)
    assert time.perf_counter() - started < 0.5
    assert len(layout.token_line) == 301 and len(layout.lines) > 20


def test_display_text_replaces_tabs_newlines_and_controls_one_for_one():
    assert display_text("a\tb\nc\x1b\x9b\u202e") == "a b c\u241b\ufffd\ufffd"
