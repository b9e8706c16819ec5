"""BIO tags from character spans: overlaps keep the longest."""

from annotator.interchange.bio import bio_tags

TOKENS = [(0, 4), (5, 9), (10, 14), (15, 19)]  # "aaaa bbbb cccc dddd"


def test_spans_become_b_and_i_tags():
    tagged = bio_tags(TOKENS, [(5, 14, "x"), (15, 19, "y")])
    assert tagged.tags == ["O", "B-x", "I-x", "B-y"]
    assert (tagged.kept, tagged.dropped) == (2, 0)


def test_the_longest_of_overlapping_spans_is_kept():
    tagged = bio_tags(TOKENS, [(5, 9, "short"), (0, 14, "long"), (10, 19, "middle")])
    assert tagged.tags == ["B-long", "I-long", "I-long", "O"]
    assert (tagged.kept, tagged.dropped) == (1, 2)


def test_ties_go_to_the_earlier_span_then_label_order():
    assert bio_tags(TOKENS, [(5, 14, "b"), (0, 9, "a")]).tags == ["B-a", "I-a", "O", "O"]
    assert bio_tags(TOKENS, [(0, 4, "z"), (0, 4, "a")]).tags == ["B-a", "O", "O", "O"]


def test_a_span_inside_a_token_tags_the_whole_token():
    assert bio_tags(TOKENS, [(6, 8, "x")]).tags == ["O", "B-x", "O", "O"]


def test_a_span_over_whitespace_only_is_dropped():
    tagged = bio_tags(TOKENS, [(4, 5, "x")])
    assert tagged.tags == ["O"] * 4 and tagged.dropped == 1
