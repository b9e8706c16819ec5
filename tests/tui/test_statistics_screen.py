"""The statistics screen's charts and choices, driven with Pilot: progress bars, per-label alpha
with intervals on a key press, this sitting's pace, and the HTML report written from a key."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from annotator.tui.screens.statistics import StatisticsScreen
from annotator.workspace import AnnotationSession


def _work(store, annotator: str, sentences: int) -> None:
    session = AnnotationSession(store, annotator)
    session.open()
    for _ in range(sentences):
        session.apply_label("1")
        session.set_judgment("biased")
        session.mark_done()


async def _statistics(pilot) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"statistics")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _chart_text(screen, selector: str) -> str:
    return screen.query_one(selector, PlotextPlot).render().plain


async def test_statistics_charts_intervals_pace_and_report(make_app, corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for annotator in ("bob", "carol"):
        _work(corpus, annotator, 5)
    app = make_app()
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.press("1", "enter", "1", "enter")  # alice labels and finishes two sentences
        await pilot.pause()
        assert corpus.annotations.done_count("alice") == 2
        await _statistics(pilot)
        screen = app.screen
        assert isinstance(screen, StatisticsScreen)
        progress = _chart_text(screen, "#statistics-progress-chart")
        assert "bob" in progress and "carol" in progress and "alice" in progress
        sitting = screen.query_one("#statistics-session").render().plain
        assert "2 sentences in" in sitting and "ETA" in sitting
        alpha_chart = screen.query_one("#statistics-alpha-chart", PlotextPlot)
        assert alpha_chart.display and "press i for intervals" in _chart_text(screen, "#statistics-alpha-chart")
        choices = screen.query_one("#statistics-choices").render().plain
        assert "--" not in choices and "annotator " not in choices  # choices, not command lines

        await pilot.press("i")
        await app.workers.wait_for_complete()
        await pilot.pause()
        per_label = screen.report["token"]["per_label"]
        assert any(entry.get("ci") for entry in per_label.values())
        assert "with 95% intervals" in _chart_text(screen, "#statistics-alpha-chart")
        assert "[" in screen.query_one("#statistics-agreement").render().plain

        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = list((tmp_path / "exports").glob("*-report-*.html"))
        assert written == [screen.written]
        page = written[0].read_text(encoding="utf-8")
        assert page.count("<svg") >= 5
        assert 'class="line"' not in page and "Left out" in page  # blind: nobody's spans on the page
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatisticsScreen)
    assert corpus.annotations.done_count("alice") == 2  # the screen reads; it never writes
