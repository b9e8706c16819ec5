"""Agreement workload: a project of about a million token units x 3 annotators, and the
figures the README reports for it. Functions only; no tests here.

    build_agreement_project(path, units=1_000_000, annotators=3, p=0.7, seed=5) -> Path
    measure(path, runs=3) -> dict   # CLI end to end, in-process phases, NLTK on the same matrix

The project is built with `ui_workload.build_project` (sentences recombined from the
samples, inserted in bulk) and annotated by `annotators.annotate` (synthetic annotators
agreeing with probability p), so it is the same data the benchmark harness uses.

Run it directly:  python -m tests.bench.agreement_workload [--units N] [--runs R] [--skip-nltk]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from annotator.store import Store

from .annotators import annotate, names
from .measure import cache_dir
from .ui_workload import build_project

TOKENS_PER_SENTENCE = 26  # about, for the sample sentences


def build_agreement_project(
    path: str | Path | None = None, units: int = 1_000_000, annotators: int = 3, p: float = 0.7, seed: int = 5
) -> Path:
    """A project whose first sentences (about `units` tokens) are done by `annotators` annotators.

    Kept between runs in the benchmark cache when no path is given."""
    path = Path(path) if path else cache_dir() / f"agreement-workload-{units}-k{annotators}-p{p}-seed{seed}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial.db")
    build_project(partial, int(units / TOKENS_PER_SENTENCE * 1.2) + 10, suggestions=False, seed=seed)
    with Store.open(partial) as store:
        chosen, total = [], 0
        for sentence in store.corpus.iter_sentences():
            if total >= units:
                break
            total += len(sentence.tokens)
            chosen.append(sentence)
        store.conn.execute("PRAGMA synchronous = OFF")
        annotate(store, annotators, p, seed=seed, sentences=chosen)
    partial.rename(path)
    return path


def _cli(path: Path, *args: str) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of the child, its JSON) of one `annotator agreement --json` run."""
    argv = [sys.executable, "-m", "annotator.cli", "agreement", "--db", str(path), "--json", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(done.stdout)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def measure(path: str | Path, runs: int = 3, nltk: bool = True) -> dict:
    """Time the CLI (token level and all levels), the in-process phases, and NLTK's alpha."""
    import numpy as np

    from annotator.agreement.coefficients import MISSING, krippendorff_alpha
    from annotator.agreement.matrices import load_corpus
    from annotator.agreement.report import compute_report

    path = Path(path)
    figures: dict = {}
    figures["load_average_before"] = os.getloadavg()[0]
    token_runs, token_cpu, all_runs, all_cpu = [], [], [], []
    for _ in range(runs):
        seconds, cpu, report = _cli(path, "--level", "token")
        token_runs.append(seconds)
        token_cpu.append(cpu)
        seconds, cpu, _ = _cli(path)
        all_runs.append(seconds)
        all_cpu.append(cpu)
    figures["units"] = report["units"]
    figures["alpha"] = report["krippendorff_alpha"]
    figures["cli_token_s"] = _median(token_runs)
    figures["cli_token_cpu_s"] = _median(token_cpu)
    figures["cli_all_s"] = _median(all_runs)
    figures["cli_all_cpu_s"] = _median(all_cpu)

    people = names(3)
    with Store.open(path) as store:  # not read-only: a newer schema may need its migrations
        start = time.perf_counter()
        corpus = load_corpus(store, people, store.tagset().label_names)
        figures["read_s"] = time.perf_counter() - start
        start = time.perf_counter()
        matrix = corpus.token_matrix()
        figures["matrix_s"] = time.perf_counter() - start
        start = time.perf_counter()
        ours = krippendorff_alpha(matrix, len(corpus.values))
        figures["alpha_s"] = time.perf_counter() - start
        start = time.perf_counter()
        compute_report(store, level="token", annotators=people)
        figures["report_token_s"] = time.perf_counter() - start
    if nltk:
        from nltk.metrics.agreement import AnnotationTask

        values = np.array(corpus.values, dtype=object)
        triples = [
            (people[r], u, values[v])
            for r in range(matrix.shape[0])
            for u, v in zip(np.flatnonzero(matrix[r] != MISSING).tolist(), matrix[r][matrix[r] != MISSING].tolist())
        ]
        start, cpu = time.perf_counter(), time.process_time()
        reference = AnnotationTask(data=triples).alpha()
        figures["nltk_alpha_s"] = time.perf_counter() - start
        figures["nltk_alpha_cpu_s"] = time.process_time() - cpu
        figures["nltk_alpha"] = reference
        figures["alpha_difference"] = abs(reference - ours)
        figures["cli_token_vs_nltk"] = figures["cli_token_s"] / figures["nltk_alpha_s"]
        figures["cli_token_cpu_vs_nltk_cpu"] = figures["cli_token_cpu_s"] / figures["nltk_alpha_cpu_s"]
        figures["core_alpha_vs_nltk"] = figures["alpha_s"] / figures["nltk_alpha_s"]
    figures["load_average_after"] = os.getloadavg()[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-nltk", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    path = build_agreement_project(units=args.units)
    print(f"project {path} ready in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(json.dumps(measure(path, args.runs, nltk=not args.skip_nltk), indent=2))


if __name__ == "__main__":
    main()
