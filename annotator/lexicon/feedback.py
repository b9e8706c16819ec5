"""The feedback loop: how reviewers judge each entry, and what they tag that no entry covers."""

from __future__ import annotations

import shlex
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import GOLD, LexiconEntry
from ..sources import LEXICON, MODEL, is_external
from ..store import Store
from .matcher import CompiledLexicon
from .suggest import SCARE_QUOTES


@dataclass(frozen=True)
class EntryStats:
    term: str
    label: str
    # An entry's match kind; "detector" for a built-in detector; "model" for the learned
    # recommender and "external" for an outside program (one row per source and label).
    match: str
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
            "term": self.term,
            "label": self.label,
            "match": self.match,
            "lexicon": self.lexicon,
            "hits": self.hits,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending": self.pending,
            "precision": self.precision,
        }


def entry_stats(store: Store) -> list[EntryStats]:
    """One row per entry (and per built-in detector, and per label of the model and each
    outside program, that suggested anything), the entries reviewers reject most first:
    by rejections, then lowest precision, then most hits."""
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    detectors: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    learned: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for t in store.suggestions.tallies():
        if t.detector == LEXICON:
            bucket = tallies[(t.term, t.label)]
        elif t.detector == MODEL or is_external(t.detector):
            bucket = learned[(t.detector, t.label)]
        else:
            bucket = detectors[t.detector]
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
    for (source, label), counts in learned.items():
        rows.append(EntryStats(f"({source})", label, "model" if source == MODEL else "external", "", *counts))
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
        return {
            "form": self.form,
            "label": self.label,
            "frequency": self.frequency,
            "annotators": self.annotators,
            "labels": dict(self.labels),
            "command": self.command,
        }


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


# A surface form is proposed as an `exclude` of its entry when reviewers decided it at
# least this often and accepted it less than half the time, while the entry as a whole
# fares better: the form is the sense the entry should not catch ("menduduki" in
# "menduduki peringkat", ranks, against "menduduki wilayah", occupies).
EXCLUDE_MIN_DECISIONS = 2
EXCLUDE_MAX_PRECISION = 0.5


@dataclass(frozen=True)
class ExcludeProposal:
    entry: LexiconEntry
    form: str
    accepted: int
    rejected: int
    entry_precision: float | None

    @property
    def precision(self) -> float:
        return self.accepted / (self.accepted + self.rejected)

    @property
    def command(self) -> str:
        """Replaces the entry with the same entry plus this exclude form."""
        e = self.entry
        parts = [
            f"annotator lexicon remove {shlex.quote(e.term)} --label {shlex.quote(e.label)}"
            + (f" --lexicon {shlex.quote(e.lexicon)}" if e.lexicon else ""),
            f"annotator lexicon add {shlex.quote(e.term)} --label {shlex.quote(e.label)} --match {e.match}",
        ]
        if e.forms:
            parts[1] += f" --forms {shlex.quote('|'.join(e.forms))}"
        parts[1] += f" --exclude {shlex.quote('|'.join((*e.exclude, self.form)))}"
        for option, value in (
            ("--neutral", e.neutral),
            ("--note", e.note),
            ("--source", e.source),
            ("--lexicon", e.lexicon),
        ):
            if value:
                parts[1] += f" {option} {shlex.quote(value)}"
        return " && ".join(parts)

    def as_json(self) -> dict:
        return {
            "term": self.entry.term,
            "label": self.entry.label,
            "match": self.entry.match,
            "form": self.form,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "precision": round(self.precision, 4),
            "entry_precision": None if self.entry_precision is None else round(self.entry_precision, 4),
            "command": self.command,
        }


def exclude_proposals(store: Store) -> list[ExcludeProposal]:
    """Surface forms of stem and exact entries that reviewers mostly reject while the
    entry's other forms fare better, as `exclude` additions, most rejected first."""
    entries = {(e.term, e.label): e for e in store.lexicons.entries() if e.match in ("stem", "exact")}
    forms: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for term, label, text, accepted, rejected in store.suggestions.decided_forms():
        if (term, label) in entries:
            counts = forms[(term, label)][normalise_form(text)]
            counts[0] += accepted
            counts[1] += rejected
    proposals = []
    for key, by_form in forms.items():
        entry = entries[key]
        total_accepted = sum(a for a, _ in by_form.values())
        total = sum(a + r for a, r in by_form.values())
        for form, (accepted, rejected) in by_form.items():
            decided = accepted + rejected
            if decided < EXCLUDE_MIN_DECISIONS or accepted / decided >= EXCLUDE_MAX_PRECISION:
                continue
            if form in (f.lower() for f in entry.exclude) or form == entry.term.lower():
                continue
            others = total - decided
            if not others or (total_accepted - accepted) / others <= accepted / decided:
                continue  # no other form fares better: the entry is wrong, not this sense
            proposals.append(
                ExcludeProposal(entry, form, accepted, rejected, total_accepted / total if total else None)
            )
    proposals.sort(key=lambda p: (-p.rejected, p.precision, p.entry.term, p.form))
    return proposals
