"""Timing and memory measurement for the benchmarks.

The machine is shared and noisy, so every timing is the median of several runs (the
`BENCH_REPEAT` environment variable, default 3). Memory is measured on a child process:
its peak RSS from `wait4()` (the largest single process, as `/usr/bin/time -v` reports
it), and the peak PSS of the whole process tree (worker processes included, shared
pages counted once), sampled every 50 ms from /proc. The child is started by a small
launcher, because Linux carries the RSS high-water mark of a parent across fork and
exec: a command forked straight from pytest would report pytest's own peak.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MB = 1_000_000
MIB = 1024 * 1024


def repeat() -> int:
    return max(1, int(os.environ.get("BENCH_REPEAT", "3")))


def scale() -> float:
    """1.0 for the sizes the issue names; `python -m tests.bench --quick` uses 0.05."""
    return float(os.environ.get("BENCH_SCALE", "1"))


def scaled(size: float) -> float:
    return size * scale()


def cache_dir() -> Path:
    """Generated inputs are kept between runs (tests/bench/results/ is git-ignored)."""
    path = Path(os.environ.get("BENCH_CACHE", Path(__file__).parent / "results" / "cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def median_seconds(
    action: Callable[[], object], runs: int | None = None, setup: Callable[[], object] | None = None
) -> tuple[float, list[float]]:
    """Median wall time of `action` over `runs` runs; `setup` runs untimed before each."""
    times = []
    for _ in range(runs or repeat()):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


@dataclass
class ChildRun:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mib: float  # the largest single process of the tree, from wait4()
    peak_tree_pss_mib: float = 0.0  # the whole tree, sampled
    samples: int = 0
    argv: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0  # user + system time of the tree, steadier than wall time on a busy machine


def cli_command(*args: str) -> list[str]:
    """The `annotator` command line, run with this interpreter."""
    return [sys.executable, "-m", "annotator.cli", *args]


# Linux carries a process's RSS high-water mark across fork and exec: a child forked
# from a large process (pytest after a big benchmark) reports the parent's peak as its
# own. So the command is started by this small launcher, and its peak read from there.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as handle:
    handle.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(
    argv: Sequence[str],
    *,
    cwd: str | Path | None = None,
    sample_memory: bool = False,
    env: dict | None = None,
    check: bool = True,
) -> ChildRun:
    """Run a command, timing it; its peak RSS comes from wait4() in a small launcher
    process, and `sample_memory` also samples the PSS of its process tree."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-child-{os.getpid()}-{time.monotonic_ns()}"
    usage_path = Path(f"{out_path}.usage")
    with open(f"{out_path}.out", "w+") as out, open(f"{out_path}.err", "w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _LAUNCHER, str(usage_path), *argv], cwd=cwd, stdout=out, stderr=err, env=env
        )
        sampler = _TreeSampler(proc.pid) if sample_memory else None
        if sampler:
            sampler.start()
        _, status, _ = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stop()
        out.seek(0)
        err.seek(0)
        maxrss_kib, cpu = (float(v) for v in usage_path.read_text().split()) if usage_path.exists() else (0, 0)
        result = ChildRun(
            seconds,
            proc.returncode,
            out.read(),
            err.read(),
            maxrss_kib / 1024,
            sampler.peak_mib if sampler else 0.0,
            sampler.samples if sampler else 0,
            list(argv),
            cpu,
        )
    for suffix in (".out", ".err", ".usage"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


class _TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_mib = 0.0
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            total = sum(_pss_kib(pid) for pid in _tree(self.pid)[1:])  # not the launcher
            if total:
                self.samples += 1
                self.peak_mib = max(self.peak_mib, total / 1024)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def fmt_seconds(value: float) -> str:
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"
