"""Agreement of 1,000,000 token units x 3 annotators through the CLI, against NLTK's AnnotationTask.alpha."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from nltk.metrics.agreement import AnnotationTask

from annotator.store import Store

from .agreement_workload import build_agreement_project
from .annotators import names
from .measure import cli_command, fmt_seconds, median_seconds, repeat, run_child, scaled

ANNOTATORS = 3


def token_matrix(path: Path) -> list[tuple[str, str, str]]:
    """(coder, unit, label) triples: each token of each annotated sentence, labelled by the
    span covering it or O. Built from the Store directly, not by the agreement code, so
    equal alphas show both sides read the same matrix. The synthetic annotators never
    overlap their own spans."""
    people = names(ANNOTATORS)
    triples: list[tuple[str, str, str]] = []
    with Store.open(path, readonly=True) as store:
        spans: dict[tuple[int, str], list] = {}
        for span in store.annotations.iter_spans(people):
            spans.setdefault((span.sentence_id, span.annotator), []).append(span)
        done = {j.sentence_id for j in store.annotations.iter_judgments(people) if j.status == "done"}
        for sentence in store.corpus.iter_sentences():
            if sentence.id not in done:
                continue
            for person in people:
                labels = ["O"] * len(sentence.tokens)
                for span in spans.get((sentence.id, person), ()):
                    for index, (start, end) in enumerate(sentence.tokens):
                        if start >= span.start and end <= span.end:
                            labels[index] = span.label
                triples += [(person, f"{sentence.id}:{i}", label) for i, label in enumerate(labels)]
    return triples


def test_token_agreement_of_a_million_units_against_nltk(bench):
    units = int(scaled(1_000_000))
    db = build_agreement_project(units=units, annotators=ANNOTATORS)
    results = {}
    cpu: list[float] = []

    def ours() -> None:
        run = run_child(cli_command("agreement", "--level", "token", "--json", "--db", str(db)))
        results["ours"] = json.loads(run.stdout)
        cpu.append(run.cpu_seconds)

    triples = token_matrix(db)

    nltk_cpu: list[float] = []

    def nltk() -> None:
        start = time.process_time()
        results["nltk"] = AnnotationTask(data=triples).alpha()
        nltk_cpu.append(time.process_time() - start)

    ours_times, base_times = [], []
    for _ in range(repeat()):
        ours_times += median_seconds(ours, runs=1)[1]
        base_times += median_seconds(nltk, runs=1)[1]
    ours_s, base_s = sorted(ours_times)[len(ours_times) // 2], sorted(base_times)[len(base_times) // 2]
    ratio = ours_s / base_s
    report = results["ours"]
    report = report.get("token", report)
    passed = ratio <= 0.1 and ours_s < 5.0
    bench.record(
        f"token agreement, {report['units']:,} units x {ANNOTATORS} annotators (CLI)",
        ours=fmt_seconds(ours_s),
        baseline=f"{fmt_seconds(base_s)} NLTK alpha",
        ratio=ratio,
        target="<= 0.1x and < 5 s",
        passed=passed,
        ours_value=ours_s,
        baseline_value=base_s,
        unit="s",
        details={
            "ours_runs": ours_times,
            "ours_cpu_runs": cpu,
            "baseline_runs": base_times,
            "baseline_cpu_runs": nltk_cpu,
            "cpu_ratio": statistics.median(cpu) / statistics.median(nltk_cpu),
            "units": report["units"],
            "ours_alpha": report["krippendorff_alpha"],
            "nltk_alpha": results["nltk"],
            "nltk_items": len(triples) // ANNOTATORS,
        },
    )
    assert abs(report["krippendorff_alpha"] - results["nltk"]) < 1e-6, "the two alphas differ: not the same matrix"
    assert passed, f"agreement {ours_s:.2f} s = {ratio:.2f}x NLTK"
