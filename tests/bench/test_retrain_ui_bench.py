"""Key press latency while an automatic retraining runs (issue 19: "the UI key p95 stays
under 30 ms while a retrain runs"), beside the same keys on the same project with no
retraining, in the same run.

The retraining is the real one: `annotator.recommend.auto.start`, the detached
`python -m annotator.recommend.auto DB` process the workspace starts when
`recommend-auto` finds a retraining due, on a project of 60,000 done sentences (three
times the issue's training size: at Pilot's pace of about ten keys a second here, a
20,000-sentence retraining holds too few keys for a p95). A window of (a) opens the
workspace, starts the process, waits until it holds its lock (it has started up and begun: from then on the workspace's own
done-sentence check sees a retraining running and starts no second one), and presses
keys until it has exited. Each press begins while the process is alive (checked before
every press), so the window covers the retraining (reading the done sentences, the CRF
training, the model's write) and nothing after it. (b), the
baseline, presses as many of the same keys on a fresh copy of the same project with
automatic retraining off. Windows alternate (a), (b), so the machine's load hits both
alike; figures are medians over `--repeat` runs.

The size is not scaled by `--quick`: the retraining must last long enough to hold a
few rounds of keys.

Latency is sending the key to the compositor's next screen update, as in
test_ui_bench (Pilot's idle-detection sleeps are not the app's).
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from annotator import settings
from annotator.recommend import auto
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset
from tests.recommend_corpus import build

from .measure import cache_dir, fmt_seconds, repeat
from .test_ui_bench import KEYS, SIZE, _percentile, _timed_app_class

DONE_SENTENCES = 60_000
PER_DOCUMENT = 100
MIN_PRESSES = 6 * len(KEYS)  # fewer measured presses than this cannot give a p95
GIVE_UP_SECONDS = 300  # a retraining this long is broken, not slow


def _template() -> Path:
    """The project: 60,000 sentences done by one annotator, built once and cached."""
    path = cache_dir() / f"retrain-{DONE_SENTENCES}.db"
    if not path.exists():
        partial = path.with_suffix(".partial.db")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        with Store.open(partial, create=True) as store:
            store.initialize("retrain-bench", load_tagset(default_tagset_path()))
            documents = DONE_SENTENCES // PER_DOCUMENT
            build(store, documents=documents, sentences=PER_DOCUMENT, done_documents=documents, annotators=("ana",))
        partial.rename(path)
    return path


def _copy(template: Path, path: Path, *, retraining: bool) -> Path:
    """A fresh copy of the project, so every window starts alike: no model yet, and (with
    `retraining`) `recommend-auto` on, which makes a retraining due (60,000 done >= 200)."""
    shutil.copyfile(template, path)
    with Store.open(path) as store:
        settings.set_value(store, "recommend-auto", "true" if retraining else "false")
        assert auto.due(store) == retraining
    return path


class _Retraining:
    """The background process as the workspace starts it; a thread waits for its exit to
    note the moment and its CPU time (wait4's rusage), so the window knows when to stop."""

    def __init__(self, db: Path):
        self.started = time.perf_counter()
        self.process = auto.start(db)
        self.lock = auto.lock_path(db)
        self.ended = 0.0
        self.cpu_seconds = 0.0
        self.max_rss_mib = 0.0
        self.exit_code: int | None = None
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()

    def _wait(self) -> None:
        _, status, usage = os.wait4(self.process.pid, 0)
        self.ended = time.perf_counter()
        self.cpu_seconds = usage.ru_utime + usage.ru_stime
        self.max_rss_mib = usage.ru_maxrss / 1024
        self.exit_code = self.process.returncode = os.waitstatus_to_exitcode(status)

    def wait_for_lock(self) -> float:
        """Seconds until the process holds the retraining lock."""
        while not self.lock.exists():
            if not self.alive:
                raise AssertionError(f"the retraining exited {self.exit_code} before taking its lock")
            time.sleep(0.005)
        return time.perf_counter() - self.started

    @property
    def alive(self) -> bool:
        return self._waiter.is_alive()

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def stop(self) -> None:
        if self.alive:  # only after a failure: the process this benchmark started
            self.process.kill()
            self._waiter.join()


@dataclass
class Window:
    to_screen: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)  # of each press in to_screen
    round_trip: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    presses: int = 0
    seconds: float = 0.0
    retrain_seconds: float | None = None
    retrain_cpu_seconds: float | None = None
    retrain_max_rss_mib: float | None = None
    retrain_exit_code: int | None = None
    slowest_before_exit_s: float | None = None
    start_up_s: float | None = None  # from starting the process to its taking the lock
    last_press_to_exit_s: float | None = None

    def measured(self) -> list[float]:
        warm = len(KEYS)  # the first round warms caches, as in test_ui_bench
        return self.to_screen[warm:]

    def p(self, share: float) -> float:
        return _percentile(self.measured(), share)


async def _window(db: Path, *, retrain: bool, presses: int | None = None) -> Window:
    """(a) with `retrain`: keys until the retraining exits; (b): `presses` keys."""
    from annotator.workspace.launch import open_workspace

    gc.collect()  # not the previous window's garbage
    window = Window()
    with open_workspace(db, "bench-keys") as workspace:
        app = _timed_app_class()(workspace.session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            retraining = _Retraining(db) if retrain else None
            try:
                if retraining:
                    window.start_up_s = retraining.wait_for_lock()
                opened = last_press = time.perf_counter()
                while retraining.alive if retraining else window.presses < presses:
                    if retraining and time.perf_counter() - opened > GIVE_UP_SECONDS:
                        raise AssertionError(f"the retraining still runs after {GIVE_UP_SECONDS} s")
                    key = KEYS[window.presses % len(KEYS)]
                    last_press = start = time.perf_counter()
                    cpu_start = time.process_time()
                    await pilot.press(key)
                    await pilot.pause()
                    window.round_trip.append(time.perf_counter() - start)
                    window.cpu.append(time.process_time() - cpu_start)
                    if app.displayed_at > start:
                        window.to_screen.append(app.displayed_at - start)
                        window.sent_at.append(start)
                    window.presses += 1
            finally:
                if retraining:
                    retraining.stop()
            window.seconds = time.perf_counter() - opened
            if retraining:
                window.retrain_seconds = retraining.seconds
                window.retrain_cpu_seconds = retraining.cpu_seconds
                window.retrain_max_rss_mib = retraining.max_rss_mib
                window.retrain_exit_code = retraining.exit_code
                window.last_press_to_exit_s = retraining.ended - last_press
                # Where the slowest key fell: near the end, the model's write; else training.
                if len(window.to_screen) > len(KEYS):
                    slowest = max(range(len(KEYS), len(window.to_screen)), key=window.to_screen.__getitem__)
                    window.slowest_before_exit_s = retraining.ended - window.sent_at[slowest]
    return window


def _models(db: Path) -> list[int]:
    """The training set size of each model version saved in the project."""
    with Store.open(db, readonly=True) as store:
        return [version.sentences for version in store.recommender.versions()]


def test_key_press_latency_while_a_retraining_runs(bench, tmp_path):
    template = _template()
    asyncio.run(_window(_copy(template, tmp_path / "warm.db", retraining=False), retrain=False, presses=2 * len(KEYS)))
    ours, baseline = [], []
    for run in range(repeat()):  # alternating, so the machine's load hits both alike
        db = _copy(template, tmp_path / f"retrain-{run}.db", retraining=True)
        window = asyncio.run(_window(db, retrain=True))
        assert window.retrain_exit_code == 0, f"the retraining exited {window.retrain_exit_code}"
        models = _models(db)  # one retraining, the one timed: the workspace started no second
        assert len(models) == 1 and models[0] >= DONE_SENTENCES, f"models saved: {models}"
        assert len(window.measured()) >= MIN_PRESSES, (
            f"only {len(window.measured())} measured presses in a {window.retrain_seconds:.1f} s retraining"
        )
        ours.append(window)
        db = _copy(template, tmp_path / f"quiet-{run}.db", retraining=False)
        quiet = asyncio.run(_window(db, retrain=False, presses=window.presses))
        assert _models(db) == [], "the baseline must not retrain"
        baseline.append(quiet)
    p50 = statistics.median(w.p(0.5) for w in ours)
    p95 = statistics.median(w.p(0.95) for w in ours)
    base_p50 = statistics.median(w.p(0.5) for w in baseline)
    base_p95 = statistics.median(w.p(0.95) for w in baseline)
    retrain_s = statistics.median(w.retrain_seconds for w in ours)
    ratio = p95 / base_p95
    passed = p95 < 0.030
    bench.record(
        f"UI key press to screen update while retraining on {DONE_SENTENCES:,} done sentences (Pilot)",
        ours=f"p50 {fmt_seconds(p50)}, p95 {fmt_seconds(p95)} (retraining {fmt_seconds(retrain_s)})",
        baseline=f"p50 {fmt_seconds(base_p50)}, p95 {fmt_seconds(base_p95)} with no retraining",
        ratio=ratio,
        target="p95 < 30 ms",
        passed=passed,
        ours_value=p95,
        baseline_value=base_p95,
        unit="s",
        details={
            "keys": list(KEYS),
            "p50_ratio": p50 / base_p50,
            "load_average": os.getloadavg(),
            "runs": [
                {
                    kind: {
                        "presses": w.presses,
                        "measured": len(w.measured()),
                        "window_s": w.seconds,
                        "p50_s": w.p(0.5),
                        "p95_s": w.p(0.95),
                        "max_s": max(w.measured()),
                        "pilot_round_trip_p95_s": _percentile(w.round_trip, 0.95),
                        "cpu_per_press_p95_s": _percentile(w.cpu, 0.95),
                        "retrain_s": w.retrain_seconds,
                        "retrain_cpu_s": w.retrain_cpu_seconds,
                        "retrain_start_up_s": w.start_up_s,
                        "retrain_max_rss_mib": w.retrain_max_rss_mib,
                        "last_press_to_exit_s": w.last_press_to_exit_s,
                        "slowest_press_before_exit_s": w.slowest_before_exit_s,
                    }
                    for kind, w in (("retraining", a), ("baseline", b))
                }
                for a, b in zip(ours, baseline)
            ],
        },
    )
    assert passed, f"p95 {p95 * 1000:.1f} ms while retraining ({base_p95 * 1000:.1f} ms without)"
