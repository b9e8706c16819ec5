"""Long text stays usable: every key on a 20,000-token sentence answers within 100 ms (p95), and a
single 1,000,000-character token renders, wrapped, with its offsets intact."""

from __future__ import annotations

import statistics
import time

from annotator.tui.widgets.sentence_layout import layout_sentence
from annotator.tui.widgets.sentence_view import SentenceView
from tests.bench.ui_workload import LONG_TEXT_KEYS, long_sentence_app, percentile, press_until_painted

SIZE = (100, 30)
ROUNDS = 3


async def test_keys_on_a_20000_token_sentence_answer_within_100_ms(store):
    # Latency is from sending the key to the screen update it caused (as in
    # tests/bench/test_ui_bench.py): Pilot's own idle-detection sleeps are not the app's.
    # Today's code took 13.6 s for `tab` and 5 s for `enter` here.
    app = long_sentence_app(store, " ".join(f"kata{i % 97}" for i in range(19_999)) + ".", "alice")
    latencies: dict[str, list[float]] = {key: [] for key in LONG_TEXT_KEYS}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.session.tokens) == 20_000
        for _ in range(ROUNDS):
            for key in LONG_TEXT_KEYS:
                latencies[key].append(await press_until_painted(app, pilot, key))
                if key == "enter":  # back to the long sentence (not timed)
                    await pilot.press("k")
                    await pilot.pause()
        assert app.session.sentence.index == 0
    # On a shared machine one press in 50 can stall: here the p95 of all presses and
    # every key's median; tests/bench/test_long_text_bench.py takes each key's own p95.
    pooled = [value for values in latencies.values() for value in values]
    slow = {
        key: round(statistics.median(values), 3)
        for key, values in latencies.items()
        if statistics.median(values) >= 0.1
    }
    assert percentile(pooled, 95) < 0.1 and not slow, (percentile(pooled, 95), slow, latencies)


async def test_a_1_000_000_character_token_renders_wrapped_with_its_offsets_intact(store):
    token = "x" * 999_990 + "y" * 10
    started = time.monotonic()
    app = long_sentence_app(store, token + " akhir.", "alice", suggestions=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(SentenceView)
        layout = view.layout_for(view.text_width)
        width = view.text_width
        # Cut into full lines of `width` cells, covering every character once, in order.
        assert all(end - start == width for start, end in layout.lines[:-2])
        assert [b for _, b in layout.lines[:-1]] == [a for a, _ in layout.lines[1:]]
        assert layout.lines[0][0] == 0 and layout.display[: len(token)] == token
        assert layout.line_hits(len(layout.lines) // 2) == [(0, width, 0)]
        screen = "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)
        assert "x" * width in screen
        await pilot.press("l")  # to "akhir", on the last line
        await pilot.pause()
        assert app.session.cursor.position == 1
        assert int(view.scroll_y) > 9000
    assert time.monotonic() - started < 20  # today's code never reached a first screen (6 minutes)


def test_layout_is_linear_in_the_sentence():
    text = " ".join(f"kata{i % 97}" for i in range(20_000))
    from annotator.segmentation import tokenize

    tokens = tokenize(text)
    started = time.perf_counter()
    layout = layout_sentence(text, tokens, 97)
    assert time.perf_counter() - started < 0.5
    assert "".join(layout.display[a:b] + " " for a, b in layout.lines).strip() == text
    assert layout.line_of(19_999) == len(layout.lines) - 1
