"""The token cursor and selection model."""

from annotator.workspace import TokenCursor


def test_moves_are_clamped_and_clear_the_selection():
    cursor = TokenCursor(3)
    cursor.move(-1)
    assert cursor.position == 0
    cursor.extend(1)
    assert cursor.selection == (0, 1)
    cursor.move(5)
    assert (cursor.position, cursor.selection) == (2, None)


def test_extend_selects_from_the_anchor_in_either_direction():
    cursor = TokenCursor(5, position=2)
    cursor.extend(-1)
    cursor.extend(-1)
    assert cursor.selection == (0, 2) and cursor.target == (0, 2)
    cursor.extend(1)
    cursor.extend(1)
    cursor.extend(1)
    assert cursor.selection == (2, 3)
    cursor.clear()
    assert cursor.selection is None and cursor.target == (3, 3)


def test_select_and_reset():
    cursor = TokenCursor(6)
    cursor.select(4, 1)
    assert cursor.selection == (1, 4) and cursor.position == 1
    cursor.reset(2)
    assert (cursor.count, cursor.position, cursor.selection) == (2, 0, None)


def test_an_empty_sentence_has_no_target():
    cursor = TokenCursor(0)
    cursor.move(1)
    cursor.extend(1)
    assert cursor.position == 0 and cursor.target is None and cursor.selection is None
