"""Simulated annotators writing at a human pace while a big writer runs.

    python -m tests.bench.swarm DB NAME SEED STOPFILE   # one annotator (a child process)

Each annotator starts at a random moment of the first 3 s and saves one edit every 1-3 s, and now and then a burst of 3-6 edits
50-150 ms apart (a reviewer labelling a sentence quickly). An edit is what the
workspace saves for a key: one transaction holding a span and its event. For every
edit the child prints `ok SECONDS WRITE` or `fail SECONDS WRITE ERROR` (a write that
could not land, which the workspace shows as "not saved"), timed from the start of
the transaction (waiting for the write lock included) to its commit. It prints
`ready`, waits for a line on stdin, and stops when STOPFILE exists.

`run_swarm(db, command, annotators)` starts the annotators, releases them together
with `command` (the big writer), stops them when it ends, and returns the figures.
"""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[2]  # `python -m tests.bench.swarm` runs from the repository root


def _annotate(db: str, name: str, seed: int, stop: str) -> int:
    from annotator.model import Event, SpanAnnotation
    from annotator.store import Store

    rng = random.Random(seed)
    store = Store.open(db)
    # The first few thousand are plenty, and 30 copies of a million would not fit in memory.
    sentences = [s for s in itertools.islice(store.corpus.iter_sentences(), 2000) if s.tokens]
    print("ready", flush=True)
    sys.stdin.readline()
    # Reviewers do not all press a key at the same moment.
    time.sleep(rng.uniform(0.0, 3.0))
    write = 0
    while not os.path.exists(stop):
        burst = rng.randint(3, 6) if rng.random() < 0.2 else 1
        for _ in range(burst):
            sentence = sentences[write % len(sentences)]
            start, end = sentence.tokens[(write // len(sentences)) % len(sentence.tokens)]
            span = SpanAnnotation(sentence.id, name, start, end, "loaded_language", note=f"w{write}")
            began = time.perf_counter()
            try:
                with store.transaction():
                    saved = store.annotations.add_span(span)
                    store.annotations.append_event(
                        Event(name, "add_span", {"write": write, "span": saved.id}, sentence.id)
                    )
                print(f"ok {time.perf_counter() - began:.4f} {write}", flush=True)
            except Exception as exc:  # noqa: BLE001 - the workspace shows this as "not saved"
                print(f"fail {time.perf_counter() - began:.4f} {write} {type(exc).__name__}: {exc}", flush=True)
            write += 1
            time.sleep(rng.uniform(0.05, 0.15))
        time.sleep(rng.uniform(1.0, 3.0))
    store.close()
    return 0


@dataclass
class SwarmResult:
    seconds: float  # the big writer's wall time
    returncode: int
    latencies: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lost: int = 0  # edits reported saved but missing from the database
    stderr: str = ""

    def percentile(self, pct: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return 0.0
        return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    @property
    def p99(self) -> float:
        return self.percentile(99)


def run_swarm(db: Path, command: list[str], annotators: int = 30, seed: int = 0) -> SwarmResult:
    stop = Path(f"{db}.stop")
    stop.unlink(missing_ok=True)
    names = [f"swarm{n:02d}" for n in range(annotators)]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.bench.swarm", str(db), name, str(seed * 1000 + n), str(stop)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n, name in enumerate(names)
    ]
    for child in children:
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read()
    start = time.perf_counter()
    writer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    _, err = writer.communicate()
    seconds = time.perf_counter() - start
    stop.touch()
    result = SwarmResult(seconds, writer.returncode, stderr=err)
    saved: dict[str, set[int]] = {}
    for name, child in zip(names, children):
        out, child_err = child.communicate(timeout=120)
        saved[name] = set()
        for line in out.splitlines():
            kind, latency, write, *rest = line.split(" ", 3)
            if kind == "ok":
                result.latencies.append(float(latency))
                saved[name].add(int(write))
            else:
                result.failed.append(f"{name}: {' '.join(rest)}")
        if child.returncode:
            result.failed.append(f"{name} exited {child.returncode}: {child_err[-300:]}")
    stop.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    present: dict[str, set[int]] = {name: set() for name in names}
    for annotator, note in conn.execute("SELECT annotator, note FROM spans WHERE annotator LIKE 'swarm%'"):
        present[annotator].add(int(note[1:]))
    conn.close()
    result.lost = sum(len(saved[name] - present[name]) for name in names)
    return result


if __name__ == "__main__":
    sys.exit(_annotate(*sys.argv[1:3], int(sys.argv[3]), sys.argv[4]))
