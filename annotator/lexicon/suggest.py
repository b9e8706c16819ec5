"""Suggestions: lexicon matches and scare quotes for sentences, kept in the store.

At import, new sentences get suggestions inside the import transaction
(`sentences_hook`). The matching is pure, so on large imports it runs in the importer's
worker processes next to segmentation, and the importing process only writes the
suggestions (`SuggestionHook`, an `annotator.corpus_import.SentenceAnalyzer`). `suggest_all`
re-runs the matching over the whole corpus after the lexicon changes, committing in
short batches; suggestions that still exist keep their accept/reject decisions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import islice

from ..model import LexiconEntry, Sentence, Suggestion
from ..resources import default_lexicon_path
from ..store import Store
from ..store.units import COMMIT_GAP_SECONDS, wait_for_turn
from .entries import read_lexicon
from .matcher import CompiledLexicon
from .quotes import Quote, find_quotes, is_quoted, scare_quotes

SCARE_QUOTES = "scare_quotes"
LEXICON_DETECTOR = "lexicon"
DEFAULT_LEXICON = "id-loaded-language"
BATCH_SENTENCES = 2000
# The sources `suggest_all` owns: the model's and outside tools' suggestions are theirs.
LEXICON_SOURCES = frozenset({LEXICON_DETECTOR, SCARE_QUOTES})


class Suggester:
    """Everything that proposes spans for a sentence: the compiled lexicon and the
    scare-quote detector (on when the tag set has a `scare_quotes` label)."""

    def __init__(self, entries: Sequence[LexiconEntry], labels: Collection[str]):
        self.lexicon = CompiledLexicon([e for e in entries if e.match == "ignore" or e.label in labels])
        self.scare_label = SCARE_QUOTES if SCARE_QUOTES in labels else None

    @classmethod
    def from_store(cls, store: Store) -> Suggester:
        return cls(store.lexicons.entries(), store.tagset().label_names)

    @property
    def active(self) -> bool:
        return bool(self.lexicon.entries) or self.scare_label is not None

    def suggest(self, sentence: Sentence) -> list[Suggestion]:
        assert sentence.id is not None
        return self.suggest_text(sentence.id, sentence.text, sentence.tokens)

    def suggest_text(
        self, sentence_id: int, text: str, tokens: Sequence[tuple[int, int]], quotes: Sequence[Quote] | None = None
    ) -> list[Suggestion]:
        """`quotes`: the sentence's `find_quotes`, when the caller has them already."""
        matches, ignored = self.lexicon.scan(text, tokens)
        if quotes is None:
            quotes = find_quotes(text, tokens)
        if not quotes:
            return [
                Suggestion(sentence_id, start, end, entry.label, entry.term, reason=lexicon_reason(entry))
                for start, end, entry in matches
            ]
        found = [
            Suggestion(
                sentence_id,
                start,
                end,
                entry.label,
                entry.term,
                is_quoted(quotes, start, end),
                reason=lexicon_reason(entry),
            )
            for start, end, entry in matches
        ]
        if self.scare_label is not None:
            scares = scare_quotes(text, tokens, quotes)
            for scare in scares:
                if any(scare.start < end and start < scare.end for start, end in ignored):
                    continue
                found.append(
                    Suggestion(
                        sentence_id,
                        scare.start,
                        scare.end,
                        self.scare_label,
                        scare.text,
                        quoted=is_quoted(quotes, scare.start, scare.end),
                        detector=SCARE_QUOTES,
                        reason=scare.reason,
                    )
                )
            if scares and len(found) > 1:
                found.sort(key=_position)
        return found


def lexicon_reason(entry: LexiconEntry) -> str:
    """Why the lexicon suggested a span: the entry and how it matched."""
    return f"lexicon entry “{entry.term}” ({entry.match} match)"


def _position(suggestion: Suggestion) -> tuple[int, int, str]:
    return suggestion.start, suggestion.end, suggestion.label


@dataclass(frozen=True)
class SuggestReport:
    sentences: int
    added: int
    removed: int
    kept: int

    @property
    def total(self) -> int:
        return self.added + self.kept


def suggest_all(
    store: Store, on_progress: Callable[[int], None] | None = None, *, batch_commits: bool = True
) -> SuggestReport:
    """Re-run the matching over every sentence.

    The all-or-nothing unit is one sentence: each sentence's suggestions change as a
    whole. Batches of BATCH_SENTENCES sentences are matched outside any transaction
    and each batch is committed on its own, with the write lock left free between
    them, so annotators keep saving while it runs. An interrupted run leaves every
    sentence with either its old suggestions or its new ones, never a mix, and
    running it again finishes the job. `batch_commits=False` makes the whole run one
    transaction (the old path, kept as the benchmarks' baseline).
    """
    suggester = Suggester.from_store(store)
    sentences = added = removed = kept = 0

    def sync(batch: list[Sentence]) -> None:
        nonlocal sentences, added, removed, kept
        suggestions = [g for s in batch for g in suggester.suggest(s)]
        if batch_commits:
            wait_for_turn(store, last_commit, COMMIT_GAP_SECONDS)
        a, r, k = store.suggestions.sync(
            [s.id for s in batch if s.id is not None], suggestions, sources=LEXICON_SOURCES
        )
        sentences, added, removed, kept = sentences + len(batch), added + a, removed + r, kept + k
        if on_progress is not None:
            on_progress(len(batch))

    last_commit = 0.0
    if batch_commits:
        after = 0
        while batch := store.units.sentence_page(after, BATCH_SENTENCES):
            after = batch[-1].id
            sync(batch)
            last_commit = time.monotonic()
    else:
        with store.transaction():
            iterator = store.corpus.iter_sentences()
            while batch := list(islice(iterator, BATCH_SENTENCES)):
                sync(batch)
    return SuggestReport(sentences, added, removed, kept)


# What `SuggestionHook.analyse` gives for one sentence: (start, end, label, term, quoted,
# detector, reason) per suggestion, in `Suggester.suggest_text` order. Plain tuples of shared
# strings cross from a worker process for little.
Found = list[tuple[int, int, str, str, bool, str, str | None]]


class SuggestionHook:
    """Adds suggestions for newly imported sentences (the importer's `on_sentences`).

    It is an `annotator.corpus_import.SentenceAnalyzer`: `analyse` (the matching, pure) runs
    wherever the importer segments, in its worker processes on large inputs, and
    `write` stores the results in the importing process with one executemany. Called
    as a plain hook it does both. Pickled (for a spawned worker) it carries only the
    entries and labels, and compiles them once in that process (`prepare`); a forked
    worker inherits the compiled lexicon. Each process keeps its own stem cache.
    """

    def __init__(self, entries: Sequence[LexiconEntry], labels: Collection[str], suggester: Suggester | None = None):
        self.entries = tuple(entries)
        self.labels = frozenset(labels)
        self._suggester = suggester

    @property
    def suggester(self) -> Suggester:
        if self._suggester is None:
            self._suggester = Suggester(self.entries, self.labels)
        return self._suggester

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "labels": self.labels}

    def __setstate__(self, state: dict) -> None:
        self.entries, self.labels, self._suggester = state["entries"], state["labels"], None

    def prepare(self) -> None:
        self.suggester  # noqa: B018 - compiles the lexicon in this process

    def analyse(self, text: str, tokens: Sequence[tuple[int, int]]) -> Found | None:
        found = self.suggester.suggest_text(0, text, tokens)
        if not found:
            return None
        return [(g.start, g.end, g.label, g.term, g.quoted, g.detector, g.reason) for g in found]

    def write(self, store: Store, found: Sequence[tuple[Sentence, Found]]) -> None:
        store.suggestions.add(
            Suggestion(sentence.id, start, end, label, term, quoted, detector, reason=reason)
            for sentence, rows in found
            for start, end, label, term, quoted, detector, reason in rows
        )

    def __call__(self, store: Store, sentences: list[Sentence]) -> None:
        analyse = self.analyse
        self.write(store, [(s, rows) for s in sentences if (rows := analyse(s.text, s.tokens))])


def sentences_hook(store: Store) -> SuggestionHook | None:
    """Adds suggestions for newly imported sentences, or None when nothing would match."""
    entries, labels = store.lexicons.entries(), store.tagset().label_names
    suggester = Suggester(entries, labels)
    if not suggester.active:
        return None
    return SuggestionHook(entries, labels, suggester)


def load_default_lexicon(store: Store) -> int:
    """Load the bundled lexicon (entries whose label the project's tag set lacks are left
    out). Returns the number of entries loaded; 0 if it was already there."""
    if any(lexicon.name == DEFAULT_LEXICON for lexicon in store.lexicons.all()):
        return 0
    labels = store.tagset().label_names
    path = default_lexicon_path()
    entries = [e for e in read_lexicon(path) if e.match == "ignore" or e.label in labels]
    store.lexicons.save(DEFAULT_LEXICON, entries, str(path))
    return len(entries)
