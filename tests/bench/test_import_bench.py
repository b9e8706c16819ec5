"""Import speed against bare Punkt + regexp tokenization, and peak memory of a 200 MB import."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .corpus import write_jsonl
from .measure import (
    MB,
    cache_dir,
    cli_command,
    fmt_seconds,
    median_seconds,
    repeat,
    run_child,
    scaled,
)

SEED = 8

# The baseline is fixed here, not taken from annotator.segmentation, so that tuning the
# segmenter never moves it: stock NLTK Punkt with the abbreviations the foundation issue
# lists, and one compiled regular expression for words, numbers and punctuation.
BASELINE_ABBREVIATIONS = {
    "jend",
    "letjen",
    "mayjen",
    "brigjen",
    "kol",
    "dr",
    "prof",
    "h",
    "hj",
    "ir",
    "drs",
    "no",
    "jl",
    "dll",
    "dsb",
    "dst",
    "tgl",
    "hlm",
    "bpk",
    "sdr",
    "pt",
    "s.h",
    "m.si",
    "a.n",
    "u.p",
}
BASELINE_TOKEN = re.compile(r"\w+(?:[-'’.,/:]\w+)*|\.{2,}|-{2,}|[^\w\s]")


def corpus_file(size_mb: float, seed: int = SEED) -> Path:
    """The benchmark corpus as JSONL, generated once and cached."""
    path = cache_dir() / f"corpus-{size_mb:g}mb-seed{seed}.jsonl"
    if not path.exists():
        partial = path.with_suffix(".partial")
        write_jsonl(partial, size_mb, seed)
        partial.rename(path)
    return path


def _texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


def bare_segmentation(texts: list[str]) -> int:
    """The baseline: Punkt sentence spans, then the regexp tokenizer over each sentence."""
    params = PunktParameters()
    params.abbrev_types = set(BASELINE_ABBREVIATIONS)
    punkt = PunktSentenceTokenizer(params)
    tokens = 0
    for text in texts:
        for start, end in punkt.span_tokenize(text):
            tokens += sum(1 for _ in BASELINE_TOKEN.finditer(text, start, end))
    return tokens


def test_import_10mb_against_bare_punkt_and_regexp_tokenization(bench, tmp_path):
    size = scaled(10)
    source = corpus_file(size)
    texts = _texts(source)
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / MB
    db = tmp_path / "import.db"

    def reset() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    def ours() -> None:
        run_child(cli_command("import", "--db", str(db), str(source)))

    # Interleave the two, so that load from other users of the machine hits both alike.
    ours_times, base_times = [], []
    for _ in range(repeat()):
        ours_times += median_seconds(ours, runs=1, setup=reset)[1]
        base_times += median_seconds(lambda: bare_segmentation(texts), runs=1)[1]
    ours_s, base_s = sorted(ours_times)[len(ours_times) // 2], sorted(base_times)[len(base_times) // 2]
    ratio = ours_s / base_s
    speed = text_mb / ours_s
    passed = ratio <= 1.7 and speed >= 2.0
    bench.record(
        f"import of {size:g} MB (CLI, end to end)",
        ours=f"{fmt_seconds(ours_s)} ({speed:.1f} MB/s)",
        baseline=f"{fmt_seconds(base_s)} Punkt + regexp",
        ratio=ratio,
        target="<= 1.7x and >= 2 MB/s",
        passed=passed,
        ours_value=ours_s,
        baseline_value=base_s,
        unit="s",
        details={"ours_runs": ours_times, "baseline_runs": base_times, "text_mb": text_mb},
    )
    assert passed, f"import {ours_s:.2f} s = {ratio:.2f}x the baseline, {speed:.2f} MB/s"


def test_peak_memory_of_importing_200mb_jsonl(bench, tmp_path):
    size = scaled(200)
    source = corpus_file(size)
    db = tmp_path / "big.db"
    run = run_child(cli_command("import", "--db", str(db), str(source)), sample_memory=True)
    file_mb = source.stat().st_size / MB
    peak = max(run.peak_tree_pss_mib, run.max_rss_mib)
    passed = peak < 300
    bench.record(
        f"peak memory, import of {size:g} MB JSONL",
        ours=f"{peak:.0f} MiB ({fmt_seconds(run.seconds)})",
        target="< 300 MB",
        passed=passed,
        ours_value=peak,
        unit="MiB",
        runs=1,
        details={
            "max_rss_single_process_mib": run.max_rss_mib,
            "peak_tree_pss_mib": run.peak_tree_pss_mib,
            "samples": run.samples,
            "seconds": run.seconds,
            "file_mb": file_mb,
        },
    )
    assert passed, f"peak {peak:.0f} MiB"
