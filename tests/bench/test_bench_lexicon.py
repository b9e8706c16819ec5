"""Lexicon engine: compiling a 5,000-entry lexicon, and matching it over 10 MB against flashtext.

The lexicon is the bundled one plus synthetic entries built from Sastrawi's own word
list, stop words left out (exact forms, stems with exclusions, phrases with ~stems,
groups and gaps, and ignore entries). flashtext gets the same surface forms: every literal form, and every
phrase variant with its `~` words as written and its gaps left out. Both sides match
the same sentences; ours also stems, applies exclusions, ignore entries and
longest-match, finds quotations, sets the quoted flag and runs the scare-quote detector.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections import Counter
from pathlib import Path

import pytest
import Sastrawi
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from annotator.lexicon.entries import COLUMNS, Validator, read_lexicon
from annotator.lexicon.matcher import CompiledLexicon
from annotator.lexicon.phrase import MAX_GAPS, MAX_WORDS, Gap, has_syntax, parse_phrase
from annotator.lexicon.stemming import StemCache, sastrawi_stem_word
from annotator.lexicon.suggest import Suggester
from annotator.model import LexiconEntry
from annotator.resources import default_lexicon_path, default_tagset_path
from annotator.segmentation import segment
from annotator.tagset import load_tagset

from .corpus import make_documents
from .measure import MB, fmt_seconds, median_seconds, repeat, scaled

SEED = 3
ENTRIES = 5000
LABELS = ("loaded_language", "name_calling", "epistemic_framing", "euphemism", "unattributed_claim")


def synthetic_lexicon(size: int, seed: int = SEED) -> list[LexiconEntry]:
    """The bundled entries plus valid synthetic ones, `size` in all."""
    rng = random.Random(seed)
    labels = load_tagset(default_tagset_path()).label_names
    words_file = Path(Sastrawi.__file__).parent / "Stemmer" / "data" / "kata-dasar.txt"
    # A loaded-language lexicon holds content words, never "yang" or "dan".
    stop_words = set(StopWordRemoverFactory().get_stop_words())
    words = sorted(
        {
            w.strip()
            for w in words_file.read_text(encoding="utf-8").split()
            if w.strip().isalpha() and w.strip() not in stop_words
        }
    )
    validator = Validator(labels)
    entries = []
    for entry in read_lexicon(default_lexicon_path(), labels):
        validator.add(entry)
        entries.append(entry)
    while len(entries) < size:
        w1, w2, w3 = rng.sample(words, 3)
        kind = rng.random()
        label = rng.choice(LABELS)
        if kind < 0.40:
            entry = LexiconEntry(w1, label, "exact", forms=(f"di{w1}kan", f"ke{w1}an", f"{w1}nya"))
        elif kind < 0.75:
            entry = LexiconEntry(w1, label, "stem", exclude=(f"ke{w1}an",) if rng.random() < 0.3 else ())
        elif kind < 0.95:
            term = rng.choice((f"{w1} ~{w2}", f"{w1} ({w2}|{w3} {w2})", f"{w1} ... {w2}", f"~{w1} {w2} {w3}"))
            entry = LexiconEntry(term, label, "phrase")
        else:
            entry = LexiconEntry(f"{w1.title()} {w2.title()}", "", "ignore")
        if not validator.check(entry):
            validator.add(entry)
            entries.append(entry)
    return entries


def surface_forms(entries: list[LexiconEntry]) -> list[str]:
    forms: list[str] = []
    for entry in entries:
        if entry.match in ("exact", "stem"):
            forms += [entry.term, *entry.forms]
            continue
        for phrase in (entry.term, *entry.forms):
            for pattern in parse_phrase(phrase):
                forms.append(" ".join(step.text for step in pattern if not isinstance(step, Gap)))
    return forms


def sentences_of(size_mb: float) -> list[tuple[str, list[tuple[int, int]]]]:
    sentences = []
    for document in make_documents(size_mb, SEED):
        text = document["text"]
        sentences += [(text[start:end], tokens) for start, end, tokens in segment(text)]
    return sentences


def test_compile_5000_entry_lexicon(bench, tmp_path):
    entries = synthetic_lexicon(ENTRIES)
    sastrawi_stem_word()  # the dictionary load (~0.1 s) happens once per process, not per compile
    csv_path = tmp_path / "lexicon.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(
            [e.term, e.label, e.match, "|".join(e.forms), "|".join(e.exclude), "", "", ""] for e in entries
        )
    labels = load_tagset(default_tagset_path()).label_names
    compile_s, runs = median_seconds(lambda: CompiledLexicon(entries, StemCache()))
    read_s, _ = median_seconds(lambda: read_lexicon(csv_path, labels))
    passed = compile_s < 1.0
    bench.record(
        f"compile a {ENTRIES}-entry lexicon",
        ours=f"{fmt_seconds(compile_s)} (read+validate CSV {fmt_seconds(read_s)})",
        target="< 1 s",
        passed=passed,
        ours_value=compile_s,
        unit="s",
        details={
            "compile_runs": runs,
            "read_and_validate_s": read_s,
            "entries": len(entries),
            "by_match": {k: sum(e.match == k for e in entries) for k in ("exact", "stem", "phrase", "ignore")},
        },
    )
    assert passed, f"compiling took {compile_s:.2f} s"


def test_match_10mb_against_flashtext(bench):
    size = scaled(10)
    entries = synthetic_lexicon(ENTRIES)
    labels = load_tagset(default_tagset_path()).label_names
    sentences = sentences_of(size)
    text_mb = sum(len(text.encode("utf-8")) for text, _ in sentences) / MB
    # flashtext comes with the `bench` extra, not `test`: import it only when this runs.
    KeywordProcessor = pytest.importorskip("flashtext").KeywordProcessor  # noqa: N806
    processor = KeywordProcessor()
    processor.add_keywords_from_list(surface_forms(entries))
    sastrawi_stem_word()

    counts = {}
    # Compiled once, like flashtext's KeywordProcessor; every run starts with cold caches.
    suggester = Suggester(entries, labels)

    def cold() -> None:
        suggester.lexicon.clear_cache()
        suggester.lexicon.stems = StemCache()

    cpu: dict[str, list[float]] = {"ours": [], "flashtext": []}

    def ours() -> None:
        started = time.process_time()
        counts["ours"] = sum(len(suggester.suggest_text(0, text, tokens)) for text, tokens in sentences)
        cpu["ours"].append(time.process_time() - started)

    def flashtext() -> None:
        started = time.process_time()
        counts["flashtext"] = sum(len(processor.extract_keywords(text, span_info=True)) for text, _ in sentences)
        cpu["flashtext"].append(time.process_time() - started)

    # Interleave the two, so that load from other users of the machine hits both alike.
    ours_times, base_times = [], []
    for _ in range(repeat()):
        ours_times += median_seconds(ours, runs=1, setup=cold)[1]
        base_times += median_seconds(flashtext, runs=1)[1]
    ours_s, base_s = statistics.median(ours_times), statistics.median(base_times)
    ratio = ours_s / base_s
    passed = ratio <= 1.0
    bench.record(
        f"lexicon matching over {size:g} MB",
        ours=f"{fmt_seconds(ours_s)} ({text_mb / ours_s:.1f} MB/s)",
        baseline=f"{fmt_seconds(base_s)} flashtext",
        ratio=ratio,
        target="<= 1.0x flashtext",
        passed=passed,
        ours_value=ours_s,
        baseline_value=base_s,
        unit="s",
        details={
            "ours_runs": ours_times,
            "baseline_runs": base_times,
            "text_mb": text_mb,
            "ours_cpu_runs": cpu["ours"],
            "baseline_cpu_runs": cpu["flashtext"],
            "sentences": len(sentences),
            "entries": len(entries),
            "ours_suggestions": counts["ours"],
            "flashtext_matches": counts["flashtext"],
        },
    )
    assert passed, f"matching {ours_s:.2f} s = {ratio:.2f}x flashtext"


WORST_ENTRIES = 50


def worst_phrases(sentences, count: int = WORST_ENTRIES) -> list[LexiconEntry]:
    """The costliest phrases `lexicon check` accepts for this corpus: MAX_GAPS gaps, placed
    first (where they branch most), and every word one of the corpus's most frequent
    tokens, so that walks start everywhere and go as deep as the text allows. Half are
    as long as allowed (MAX_WORDS words), half as short (MAX_GAPS + 1 words: they match
    often, so the matches must be resolved too)."""
    frequency = Counter(text[s:e].lower() for text, tokens in sentences for s, e in tokens)
    common = [token for token, _ in frequency.most_common() if not has_syntax(token)][: count + MAX_WORDS]
    entries = []
    for i in range(count):
        length = MAX_WORDS if i % 2 else MAX_GAPS + 1
        words = [common[(i + k) % len(common)] for k in range(length)]
        parts = [words[0]] + [f"... {w}" for w in words[1 : MAX_GAPS + 1]] + words[MAX_GAPS + 1 :]
        entries.append(LexiconEntry(" ".join(parts), "loaded_language", "phrase"))
    return entries


def test_worst_phrases_cost_at_most_3x_the_plain_lexicon(bench):
    size = scaled(10)
    entries = synthetic_lexicon(ENTRIES)
    labels = load_tagset(default_tagset_path()).label_names
    sentences = sentences_of(size)
    worst = worst_phrases(sentences)
    validator = Validator(labels)
    assert not [m for entry in worst for m in validator.check(entry)], "lexicon check would refuse them"
    sastrawi_stem_word()
    plain, hostile = Suggester(entries, labels), Suggester(entries + worst, labels)

    def run(suggester: Suggester) -> None:
        suggester.lexicon.clear_cache()
        suggester.lexicon.stems = StemCache()
        for text, tokens in sentences:
            suggester.suggest_text(0, text, tokens)

    plain_times, worst_times = [], []
    for _ in range(repeat()):  # interleaved, so machine load hits both alike
        plain_times += median_seconds(lambda: run(plain), runs=1)[1]
        worst_times += median_seconds(lambda: run(hostile), runs=1)[1]
    plain_s, worst_s = statistics.median(plain_times), statistics.median(worst_times)
    ratio = worst_s / plain_s
    passed = ratio <= 3.0
    bench.record(
        f"lexicon matching over {size:g} MB with {WORST_ENTRIES} worst-case phrases",
        ours=fmt_seconds(worst_s),
        baseline=f"{fmt_seconds(plain_s)} plain lexicon",
        ratio=ratio,
        target="<= 3.0x plain",
        passed=passed,
        ours_value=worst_s,
        baseline_value=plain_s,
        unit="s",
        details={
            "ours_runs": worst_times,
            "baseline_runs": plain_times,
            "worst_example": worst[0].term,
            "entries": len(entries),
            "sentences": len(sentences),
        },
    )
    assert passed, f"worst phrases {worst_s:.2f} s = {ratio:.2f}x the plain lexicon"
