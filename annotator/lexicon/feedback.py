"""The feedback loop: how reviewers judge each entry, and what they tag that no entry covers."""

from __future__ import annotations

import shlex
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import GOLD, LexiconEntry
from ..store import Store
from .matcher import CompiledLexicon
from .suggest import SCARE_QUOTES


@dataclass(frozen=True)
class EntryStats:
    term: str
    label: str
    match: str  # an entry's match kind, or "detector" for a built-in detector
    lexicon: str
    hits: int = 0
    accepted: int = 0
    rejected: int = 0
    pending: int = 0

    @property
    def precision(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None

    def as_json(self) -> dict:
        return {
            "term": self.term, "label": self.label, "match": self.match, "lexicon": self.lexicon,
            "hits": self.hits, "accepted": self.accepted, "rejected": self.rejected, "pending": self.pending,
            "precision": self.precision,
        }  # fmt: skip


def entry_stats(store: Store) -> list[EntryStats]:
    """One row per entry (and per built-in detector that suggested anything), the entries
    reviewers reject most first: by rejections, then lowest precision, then most hits."""
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    detectors: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for t in store.suggestions.tallies():
        bucket = detectors[t.detector] if t.detector != "lexicon" else tallies[(t.term, t.label)]
        for i, value in enumerate((t.hits, t.accepted, t.rejected, t.pending)):
            bucket[i] += value
    rows: list[EntryStats] = []
    seen: set[tuple[str, str]] = set()
    for entry in store.lexicons.entries():
        if entry.match == "ignore" or (entry.term, entry.label) in seen:
            continue
        seen.add((entry.term, entry.label))
        counts = tallies.get((entry.term, entry.label), [0, 0, 0, 0])
        rows.append(EntryStats(entry.term, entry.label, entry.match, entry.lexicon or "", *counts))
    for detector, counts in detectors.items():
        label = SCARE_QUOTES if detector == SCARE_QUOTES else detector
        rows.append(EntryStats(f"({detector} detector)", label, "detector", "", *counts))
    rows.sort(key=lambda r: (-r.rejected, 2.0 if r.precision is None else r.precision, -r.hits, r.term))
    return rows


@dataclass
class Candidate:
    """A normalised form that annotators tagged by hand and no entry covers."""

    form: str
    frequency: int = 0
    annotator_names: set[str] = field(default_factory=set)
    labels: Counter = field(default_factory=Counter)

    @property
    def annotators(self) -> int:
        return len(self.annotator_names)

    @property
    def label(self) -> str:
        return min(self.labels.items(), key=lambda item: (-item[1], item[0]))[0]

    @property
    def command(self) -> str:
        return f"annotator lexicon add {shlex.quote(self.form)} --label {shlex.quote(self.label)}"

    def as_json(self) -> dict:
        return {"form": self.form, "label": self.label, "frequency": self.frequency,
                "annotators": self.annotators, "labels": dict(self.labels), "command": self.command}


def normalise_form(text: str) -> str:
    """Lower case, single spaces, without the punctuation and quotes around it."""
    text = " ".join(unicodedata.normalize("NFC", text).lower().split())
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def candidates(store: Store, entries: list[LexiconEntry] | None = None) -> list[Candidate]:
    """Manual spans (not gold, not scare quotes) that no lexicon entry covers, as proposed
    additions, ranked by frequency and then by the number of annotators who tagged them."""
    lexicon = CompiledLexicon(store.lexicons.entries() if entries is None else entries)
    # sentence id -> (text, ranges the lexicon covers, ignore ranges included)
    sentences: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    found: dict[str, Candidate] = {}
    for span in store.annotations.iter_spans():
        if span.origin != "manual" or span.annotator == GOLD or span.label == SCARE_QUOTES:
            continue
        if span.sentence_id not in sentences:
            sentence = store.corpus.get_sentence(span.sentence_id)
            if sentence is None:
                continue
            matches, ignored = lexicon.scan(sentence.text, sentence.tokens)
            sentences[span.sentence_id] = (sentence.text, [(start, end) for start, end, _ in matches] + ignored)
        text, covered = sentences[span.sentence_id]
        if any(start < span.end and span.start < end for start, end in covered):
            continue
        form = normalise_form(text[span.start : span.end])
        if not form:
            continue
        candidate = found.setdefault(form, Candidate(form))
        candidate.frequency += 1
        candidate.annotator_names.add(span.annotator)
        candidate.labels[span.label] += 1
    return sorted(found.values(), key=lambda c: (-c.frequency, -c.annotators, c.form))
