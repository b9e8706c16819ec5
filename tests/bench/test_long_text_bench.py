"""Long text in the workspace: each key's p95 on a 20,000-token sentence (target < 100 ms), a 1 MB
sentence opening (< 2 s) and taking `enter` (< 1 s), and a single 1,000,000-character token's first screen."""

from __future__ import annotations

import asyncio
import time

from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset

from .ui_workload import LONG_TEXT_KEYS, long_sentence_app, percentile, press_until_painted

SIZE = (120, 40)
ROUNDS = 20


def _app(text: str, suggestions: int = 200):
    store = Store.memory()
    store.initialize("bench", load_tagset(default_tagset_path()))
    return long_sentence_app(store, text, "bench", suggestions)


def test_each_key_on_a_20000_token_sentence(bench):
    async def run() -> dict[str, list[float]]:
        app = _app(" ".join(f"kata{i % 97}" for i in range(19_999)) + ".")
        latencies: dict[str, list[float]] = {key: [] for key in LONG_TEXT_KEYS}
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for _ in range(ROUNDS):
                for key in LONG_TEXT_KEYS:
                    latencies[key].append(await press_until_painted(app, pilot, key))
                    if key == "enter":
                        await pilot.press("k")
                        await pilot.pause()
        return latencies

    latencies = asyncio.run(run())
    p95 = {key: percentile(values, 95) for key, values in latencies.items()}
    worst = max(p95, key=p95.__getitem__)
    passed = p95[worst] < 0.1
    bench.record(
        "keys on a 20,000-token sentence (each key's p95)",
        ours=f"worst {worst} {p95[worst] * 1000:.0f} ms",
        target="< 100 ms",
        passed=passed,
        ours_value=p95[worst],
        unit="s",
        details={"p95": p95, "runs": latencies},
    )
    assert passed, p95


def test_a_1_mb_sentence_opens_and_takes_enter(bench):
    text = " ".join(f"kata{i % 97}" for i in range(143_000)) + "."

    async def run() -> tuple[float, float]:
        app = _app(text)  # the project is built first: opening is what is timed
        started = time.monotonic()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            opened = time.monotonic() - started
            enter = await press_until_painted(app, pilot, "enter")
            assert app.session.index == 1
        return opened, enter

    opened, enter = asyncio.run(run())
    passed = opened < 2 and enter < 1
    bench.record(
        f"a {len(text.encode()) / 1e6:.1f} MB sentence: open, then enter",
        ours=f"{opened:.2f} s, {enter:.2f} s",
        target="< 2 s, < 1 s",
        passed=passed,
        ours_value=opened,
        unit="s",
        details={"open_s": opened, "enter_s": enter},
    )
    assert passed, (opened, enter)


def test_a_1_000_000_character_token_first_screen(bench):
    async def run() -> float:
        app = _app("x" * 1_000_000 + " akhir.", suggestions=3)
        started = time.monotonic()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            return time.monotonic() - started

    seconds = asyncio.run(run())
    passed = seconds < 2
    bench.record(
        "a 1,000,000-character token: first screen",
        ours=f"{seconds:.2f} s",
        target="< 2 s",
        passed=passed,
        ours_value=seconds,
        unit="s",
    )
    assert passed, seconds
