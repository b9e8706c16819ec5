"""A click on the label bar applies that label, as its key does."""

from __future__ import annotations

import pytest

from annotator.tui.widgets.label_bar import LabelBar
from tests.tui.test_workspace_keys import labelled


def _label_x(bar: LabelBar, key: str) -> int:
    """The column (relative to the bar, past its padding) of a label's name."""
    [index] = [i for i, label in enumerate(bar.labels) if label.key == key]
    share = bar.content_size.width // len(bar.labels)
    return bar.content_region.x - bar.region.x + index * share + 4


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_clicking_a_label_labels_the_token_under_the_cursor(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("right")  # onto "pengecut"
        bar = app.screen.query_one(LabelBar)
        assert await pilot.click(LabelBar, offset=(_label_x(bar, "2"), 0))
        await pilot.pause()
    assert labelled(app.session.store) == [("pengecut", "name_calling")]


async def test_clicking_a_label_labels_the_selection_and_relabels_a_span(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("shift+right")  # "Pasukan pengecut"
        bar = app.screen.query_one(LabelBar)
        await pilot.click(LabelBar, offset=(_label_x(bar, "5"), 0))
        await pilot.pause()
        assert labelled(app.session.store) == [("Pasukan pengecut", "euphemism")]
        await pilot.click(LabelBar, offset=(_label_x(bar, "1"), 0))  # on the span: relabel
        await pilot.pause()
    assert labelled(app.session.store) == [("Pasukan pengecut", "loaded_language")]


async def test_a_click_past_the_labels_changes_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.screen.query_one(LabelBar)
        assert bar.label_at(bar.content_size.width) is None
        await pilot.click(LabelBar, offset=(bar.region.width - 1, 0))  # the padding
        await pilot.pause()
    assert labelled(app.session.store) == []
