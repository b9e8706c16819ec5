"""Suggestions: lexicon matches and scare quotes for sentences, kept in the store.

At import, new sentences get suggestions inside the import transaction
(`sentences_hook`). `suggest_all` re-runs the matching over the whole corpus after the
lexicon changes; suggestions that still exist keep their accept/reject decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import islice

from ..model import LexiconEntry, Sentence, Suggestion
from ..resources import default_lexicon_path
from ..store import Store
from .entries import read_lexicon
from .matcher import CompiledLexicon
from .quotes import find_quotes, is_quoted, scare_quotes

SCARE_QUOTES = "scare_quotes"
LEXICON_DETECTOR = "lexicon"
DEFAULT_LEXICON = "id-loaded-language"
BATCH_SENTENCES = 2000


class Suggester:
    """Everything that proposes spans for a sentence: the compiled lexicon and the
    scare-quote detector (on when the tag set has a `scare_quotes` label)."""

    def __init__(self, entries: Sequence[LexiconEntry], labels: Collection[str]):
        self.lexicon = CompiledLexicon([e for e in entries if e.match == "ignore" or e.label in labels])
        self.scare_label = SCARE_QUOTES if SCARE_QUOTES in labels else None

    @classmethod
    def from_store(cls, store: Store) -> Suggester:
        return cls(store.lexicon_entries(), store.tagset().label_names)

    @property
    def active(self) -> bool:
        return bool(self.lexicon.entries) or self.scare_label is not None

    def suggest(self, sentence: Sentence) -> list[Suggestion]:
        assert sentence.id is not None
        return self.suggest_text(sentence.id, sentence.text, sentence.tokens)

    def suggest_text(self, sentence_id: int, text: str, tokens: Sequence[tuple[int, int]]) -> list[Suggestion]:
        matches, ignored = self.lexicon.scan(text, tokens)
        quotes = find_quotes(text, tokens)
        if not quotes:
            return [Suggestion(sentence_id, start, end, entry.label, entry.term) for start, end, entry in matches]
        found = [
            Suggestion(sentence_id, start, end, entry.label, entry.term, is_quoted(quotes, start, end))
            for start, end, entry in matches
        ]
        if self.scare_label is not None:
            scares = scare_quotes(text, tokens, quotes)
            for scare in scares:
                if any(scare.start < end and start < scare.end for start, end in ignored):
                    continue
                found.append(Suggestion(sentence_id, scare.start, scare.end, self.scare_label, scare.text,
                                        quoted=is_quoted(quotes, scare.start, scare.end), detector=SCARE_QUOTES))
            if scares and len(found) > 1:
                found.sort(key=_position)
        return found


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


def suggest_all(store: Store, on_progress: Callable[[int], None] | None = None) -> SuggestReport:
    """Re-run the matching over every sentence, in one transaction."""
    suggester = Suggester.from_store(store)
    sentences = added = removed = kept = 0
    with store.transaction():
        iterator = store.iter_sentences()
        while batch := list(islice(iterator, BATCH_SENTENCES)):
            suggestions = [g for s in batch for g in suggester.suggest(s)]
            a, r, k = store.sync_suggestions([s.id for s in batch if s.id is not None], suggestions)
            sentences, added, removed, kept = sentences + len(batch), added + a, removed + r, kept + k
            if on_progress is not None:
                on_progress(len(batch))
    return SuggestReport(sentences, added, removed, kept)


def sentences_hook(store: Store) -> Callable[[Store, list[Sentence]], None] | None:
    """Adds suggestions for newly imported sentences, or None when nothing would match."""
    suggester = Suggester.from_store(store)
    if not suggester.active:
        return None

    def add_suggestions(target: Store, sentences: list[Sentence]) -> None:
        target.add_suggestions(g for s in sentences for g in suggester.suggest(s))

    return add_suggestions


def load_default_lexicon(store: Store) -> int:
    """Load the bundled lexicon (entries whose label the project's tag set lacks are left
    out). Returns the number of entries loaded; 0 if it was already there."""
    if any(lexicon.name == DEFAULT_LEXICON for lexicon in store.lexicons()):
        return 0
    labels = store.tagset().label_names
    path = default_lexicon_path()
    entries = [e for e in read_lexicon(path) if e.match == "ignore" or e.label in labels]
    store.save_lexicon(DEFAULT_LEXICON, entries, str(path))
    return len(entries)

