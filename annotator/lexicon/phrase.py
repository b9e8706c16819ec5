"""The phrase syntax of lexicon entries: words, `~stem` words, `(a|b c)` groups and `...` gaps.

A phrase is parsed into one or more *patterns*, each a flat tuple of steps, by
expanding its groups. There are no regular expressions anywhere, so a lexicon can
never cause catastrophic backtracking: matching walks a token trie.

    serangan ~genosida                          serangan + any word whose stem is "genosida"
    pesawat (nirawak|tak berawak) pengecut      two patterns
    Perlawanan Islam (di|) Irak                 an empty alternative makes a group optional
    diklaim ... sebagai                         "..." skips 0 to 4 tokens

Words are split with the corpus tokenizer, so "Irak," is the two tokens `irak` `,` and
a phrase matches exactly the token sequences the corpus has.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..segmentation import tokenize

GAP = "..."
# The most tokens a `...` gap may skip.
MAX_GAP = 4
# A phrase may expand to at most this many patterns.
MAX_PATTERNS = 256
# What `lexicon check` and `load` accept, so that matching one entry stays a small
# multiple of the sentence's length (lexicons/README.md documents these).
MAX_GAPS = 3
MAX_WORDS = 20

_ATOM = re.compile(r"\(|\)|\||[^\s()|]+")
SYNTAX_CHARS = frozenset("~()|")


class PhraseError(ValueError):
    """A phrase that cannot be parsed; the message says why."""


@dataclass(frozen=True)
class Word:
    """A token that must equal `text` (lower-cased)."""

    text: str


@dataclass(frozen=True)
class StemWord:
    """A token whose stem equals the stem of `text` (lower-cased)."""

    text: str


@dataclass(frozen=True)
class Gap:
    """Skips 0 to MAX_GAP tokens."""


Step = Word | StemWord | Gap
Pattern = tuple[Step, ...]


def has_syntax(text: str) -> bool:
    return GAP in text or any(ch in SYNTAX_CHARS for ch in text)


def literal_words(text: str) -> tuple[str, ...]:
    """The lower-cased tokens of a plain (syntax-free) form."""
    return tuple(text[start:end].lower() for start, end in tokenize(text))


def parse_phrase(text: str) -> list[Pattern]:
    """Every pattern a phrase stands for, or PhraseError."""
    elements: list[list[Pattern]] = []  # each element: its alternatives
    group: list[list[Step]] | None = None
    for atom in _ATOM.findall(" ".join(text.split())):
        if atom == "(":
            if group is not None:
                raise PhraseError("groups cannot be nested")
            group = [[]]
        elif atom == ")":
            if group is None:
                raise PhraseError("')' without '('")
            if all(not alternative for alternative in group):
                raise PhraseError("empty group '()'")
            elements.append([tuple(alternative) for alternative in group])
            group = None
        elif atom == "|":
            if group is None:
                raise PhraseError("'|' outside a group: write alternatives as (a|b)")
            group.append([])
        else:
            steps = _atom_steps(atom, in_group=group is not None)
            if group is not None:
                group[-1].extend(steps)
            else:
                elements.append([tuple(steps)])
    if group is not None:
        raise PhraseError("unclosed '('")
    if not elements:
        raise PhraseError("empty phrase")
    count = 1
    for alternatives in elements:
        count *= len(alternatives)
    if count > MAX_PATTERNS:
        raise PhraseError(f"expands to {count} variants (at most {MAX_PATTERNS})")
    patterns: list[Pattern] = []
    for combination in itertools.product(*elements):
        pattern = tuple(step for part in combination for step in part)
        _check_pattern(pattern)
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


def _atom_steps(atom: str, *, in_group: bool) -> list[Step]:
    if atom == GAP:
        if in_group:
            raise PhraseError("'...' cannot stand inside a group")
        return [Gap()]
    if atom.startswith("~"):
        word = atom[1:]
        if not word:
            raise PhraseError("'~' must be followed by a word")
        if "~" in word or GAP in word:
            raise PhraseError(f"misplaced '~' or '...' in {atom!r}")
        tokens = literal_words(word)
        if len(tokens) != 1:
            raise PhraseError(f"'~' applies to a single word, not {word!r}")
        return [StemWord(tokens[0])]
    if "~" in atom or GAP in atom:
        raise PhraseError(f"misplaced '~' or '...' in {atom!r}")
    return [Word(token) for token in literal_words(atom)]


def _check_pattern(pattern: Pattern) -> None:
    if not any(not isinstance(step, Gap) for step in pattern):
        raise PhraseError("the phrase can match nothing (every word is optional)")
    if isinstance(pattern[0], Gap) or isinstance(pattern[-1], Gap):
        raise PhraseError("'...' must stand between words")
    for first, second in zip(pattern, pattern[1:]):
        if isinstance(first, Gap) and isinstance(second, Gap):
            raise PhraseError("two '...' gaps in a row")


def size_problem(pattern: Pattern) -> str | None:
    """Why a pattern is too big to match safely, or None."""
    gaps = sum(isinstance(step, Gap) for step in pattern)
    if gaps > MAX_GAPS:
        return f"{gaps} '...' gaps (at most {MAX_GAPS})"
    words = len(pattern) - gaps
    if words > MAX_WORDS:
        return f"{words} words (at most {MAX_WORDS})"
    return None


def split_alternatives(cell: str) -> list[str]:
    """Split a `forms`/`exclude` cell on `|`, except inside a phrase's ( ) group."""
    parts, depth, current = [], 0, []
    for ch in cell:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [" ".join(part.split()) for part in parts if part.strip()]
