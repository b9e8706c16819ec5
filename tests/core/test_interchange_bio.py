"""BIO tags from character spans: overlaps keep the longest."""

from annotator.interchange.bio import bio_tags

TOKENS = [(0, 4), (5, 9), (10, 14), (15, 19)]  # "aaaa bbbb cccc dddd"


def test_spans_become_b_and_i_tags():
    tagged = bio_tags(TOKENS, [(5, 14, "x"), (15, 19, "y")])
    assert tagged.tags == ["O", "B-x", "I-x", "B-y"]
    assert (tagged.kept, tagged.dropped) == (2, 0)


def test_the_longest_of_overlapping_spans_is_kept():
    tagged = bio_tags(TOKENS, [(5, 9, "short"), (0, 14, "long"), (10, 19, "middle")])
    # "short" is nested (dropped); "middle" keeps the token "long" does not cover (cut).
    assert tagged.tags == ["B-long", "I-long", "I-long", "B-middle"]
    assert (tagged.kept, tagged.dropped, tagged.cut) == (1, 1, 1)


def test_ties_go_to_the_label_listed_first_then_the_earlier_span():
    # Equally long: the shared token goes to the label first in the tag set's order; the
    # other span keeps the token it alone covers, and is counted as cut.
    tagged = bio_tags(TOKENS, [(5, 14, "b"), (0, 9, "a")], ("a", "b"))
    assert tagged.tags == ["B-a", "I-a", "B-b", "O"] and (tagged.kept, tagged.cut) == (1, 1)
    assert bio_tags(TOKENS, [(5, 14, "a"), (0, 9, "b")], ("b", "a")).tags == ["B-b", "I-b", "B-a", "O"]
    assert bio_tags(TOKENS, [(0, 4, "z"), (0, 4, "a")], ("z", "a")).tags == ["B-z", "O", "O", "O"]
    # Labels outside the order come after it, by name; same label: the earlier span.
    assert bio_tags(TOKENS, [(0, 4, "z"), (0, 4, "a")]).tags == ["B-a", "O", "O", "O"]
    assert bio_tags(TOKENS, [(5, 14, "x"), (0, 9, "x")]).tags == ["B-x", "I-x", "B-x", "O"]


def test_a_span_partly_under_a_longer_one_keeps_the_tokens_it_wins():
    tagged = bio_tags(TOKENS, [(0, 9, "short"), (5, 19, "long")])
    assert tagged.tags == ["B-short", "B-long", "I-long", "I-long"]
    assert (tagged.kept, tagged.cut, tagged.dropped) == (1, 1, 0)


def test_a_span_inside_a_token_tags_the_whole_token():
    assert bio_tags(TOKENS, [(6, 8, "x")]).tags == ["O", "B-x", "O", "O"]


def test_a_span_over_whitespace_only_is_dropped():
    tagged = bio_tags(TOKENS, [(4, 5, "x")])
    assert tagged.tags == ["O"] * 4 and tagged.dropped == 1


def test_same_label_overlaps_finds_pairs_of_one_label_only():
    from annotator.overlaps import same_label_overlaps

    spans = [(0, 9, "x"), (5, 14, "x"), (5, 9, "y"), (10, 14, "x"), (15, 19, "x")]
    assert same_label_overlaps(spans) == [(0, 1), (1, 3)]
    assert same_label_overlaps([(0, 4, "x"), (4, 8, "x")]) == []  # touching is not overlapping
