"""Workloads for the team benchmarks: a big project with a roster of 30, its
assignment, and 30 annotators' work.

`team_project(sentences)` is the workspace benchmarks' corpus (documents of 50
sentences) with 30 annotators on the roster, unassigned. `assigned_project(sentences)`
adds `assign --per-item 2` (adaptive overlap on, so the finishing write's check runs
in the key benchmark) and each annotator's first WORK_DOCUMENTS documents done, with a
span on the first token of some sentences (so pairs agree only in part), time on
screen and an event. Both are cached in tests/bench/results/cache/.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from annotator.model import Event, SentenceState, SpanAnnotation
from annotator.store import Store
from annotator.team.campaign import assign

from .measure import cache_dir
from .ui_workload import build_project

ANNOTATORS = tuple(f"a{number:02d}" for number in range(1, 31))
WORK_DOCUMENTS = 20


def team_project(sentences: int) -> Path:
    path = cache_dir() / f"team-{sentences}.db"
    if not path.exists():
        partial = path.with_suffix(".partial.db")
        build_project(partial, sentences)
        with Store.open(partial) as store:
            store.team.add(ANNOTATORS, "annotator")
        partial.rename(path)
    return path


def fresh_copy(source: Path, name: str) -> Path:
    target = source.with_name(name)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def assigned_project(sentences: int) -> Path:
    path = cache_dir() / f"team-assigned-{sentences}.db"
    if path.exists():
        return path
    partial = fresh_copy(team_project(sentences), path.with_suffix(".partial.db").name)
    rng = random.Random(14)
    with Store.open(partial) as store:
        assign(store, per_item=2, adaptive=(3, 0.5))
        store.conn.execute("PRAGMA synchronous = OFF")
        label = store.tagset().labels[0].name
        with store.transaction():
            for name in ANNOTATORS:
                entries = sorted(store.team.queue(name), key=lambda e: e.position)[:WORK_DOCUMENTS]
                for entry in entries:
                    for sentence in store.corpus.sentences_of(entry.document_id):
                        if sentence.tokens and rng.random() < 0.3:
                            start, end = sentence.tokens[0]
                            store.annotations.add_span(SpanAnnotation(sentence.id, name, start, end, label))
                        store.annotations.put_judgment(
                            SentenceState(
                                sentence.id,
                                name,
                                "done",
                                suggestion_mode="on",
                                first_shown_at="2026-01-01T00:00:00.000Z",
                                finished_at=f"2026-01-01T{rng.randrange(24):02d}:00:00.000Z",
                            )
                        )
                        store.team.add_visit(sentence.id, name, rng.uniform(5, 60))
                store.annotations.append_event(Event(name, "sentence.done", {}, at="2026-01-02T00:00:00.000Z"))
        store.conn.execute("PRAGMA synchronous = FULL")
    partial.rename(path)
    return path
