"""Token features for the CRF, as python-crfsuite takes them (a list of strings per token).

Each token gets: its lower-cased form, Sastrawi stem and the affixes around the stem,
its shape, the lexicon's hit on it with the label (B-/I-), whether it is inside
quotation marks, whether it is an attribution cue, whether a cue comes earlier in the
sentence, and the form, stem and lexicon hit of its neighbours two either side.

Most of a token's features depend on its text alone, so they are worked out once per
distinct token (`Pieces`, kept in `TokenTable`) and a sentence's rows are assembled
from those pieces and a few constant strings. `sentence_features` gives the rows as
strings (what training sees); `annotator.recommend.tagging` sums the model's weights
of the same pieces, so tagging never builds the strings.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from operator import itemgetter

from ..lexicon.matcher import CompiledLexicon
from ..lexicon.quotes import ATTRIBUTION_CUES, SPEECH_CUES, Quote, find_quotes, has_marks
from ..lexicon.stemming import MAX_CACHED, StemCache, shared_stems
from ..lexicon.suggest import LEXICON_DETECTOR
from ..model import Suggestion

_SHAPE_RUNS = re.compile(r"(.)\1+")
WINDOW = 2
# Neighbour offsets in row order; the nearest ones also give their stem and quote flag.
OFFSETS = tuple(o for o in range(-WINDOW, WINDOW + 1) if o != 0)
OUTSIDE_HIT = "O"
_start, _end = itemgetter(0), itemgetter(1)


def shape(token: str) -> str:
    """Xxxx, xxxx, XX, d.d, with runs of one class squeezed: 'Israel' -> 'Xx'."""
    classes = "".join("X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c for c in token)
    return _SHAPE_RUNS.sub(r"\1", classes)


def affixes(word: str, stem: str) -> tuple[str, str]:
    """The prefix and suffix around the stem ('menduduki', 'duduk' -> 'men', 'i')."""
    at = word.find(stem) if stem else -1
    if at < 0 or stem == word:
        return "", ""
    return word[:at], word[at + len(stem) :]


def lexicon_spans(
    lexicon: CompiledLexicon | None, text: str, tokens: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """The lexicon's matches in a sentence as (start, end, label)."""
    if lexicon is None or not lexicon.entries:
        return []
    return [(start, end, entry.label) for start, end, entry in lexicon.scan(text, tokens)[0]]


def lexicon_hits(suggestions: Sequence[Suggestion]) -> Sequence[tuple[int, int, str]]:
    """The lexicon's matches among a sentence's suggestions, as (start, end, label)
    (one shared empty tuple when there are none)."""
    if not suggestions:
        return ()
    return [(g.start, g.end, g.label) for g in suggestions if g.detector == LEXICON_DETECTOR] or ()


class Pieces:
    """The features one distinct token contributes, as strings.

    `head` and `tail` are its own features (the token's lexicon hit and quote flag go
    between them, in row order); `near` and `far` are what it gives the token one and
    two places away, as `near[offset]` and `far[offset]`, split where the neighbour's
    lexicon hit and quote flag go."""

    __slots__ = ("word", "head", "tail", "speech", "near")

    def __init__(self, surface: str, stems: StemCache):
        word = surface.lower()
        stem = stems.stem(word)
        prefix, suffix = affixes(word, stem)
        self.word = word
        self.head = ("bias", "w=" + word, "stem=" + stem, "pre=" + prefix, "suf=" + suffix, "shape=" + shape(surface))
        self.tail = ("last3=" + word[-3:], "cue") if word in ATTRIBUTION_CUES else ("last3=" + word[-3:],)
        self.speech = word in SPEECH_CUES
        # offset -> (features before the neighbour's hit, features after it)
        self.near = {
            offset: ((f"{offset}:w={word}",), (f"{offset}:stem={stem}",) if abs(offset) == 1 else ())
            for offset in OFFSETS
        }


class TokenTable(dict):
    """Surface token -> its `Pieces`, worked out once each (stems included)."""

    def __init__(self, stems: StemCache | None = None):
        super().__init__()
        self.stems = stems or shared_stems()

    def __missing__(self, surface: str) -> Pieces:
        pieces = Pieces(surface, self.stems)
        if len(self) >= MAX_CACHED:
            self.clear()
        self[surface] = pieces
        return pieces


_shared: TokenTable | None = None


def shared_table() -> TokenTable:
    global _shared
    if _shared is None:
        _shared = TokenTable()
    return _shared


def covered(tokens: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The token range [first, last) of the tokens that lie inside [start, end)."""
    first = bisect_left(tokens, start, key=_start)
    return first, bisect_right(tokens, end, lo=first, key=_end)


def hit_tags(tokens: Sequence[tuple[int, int]], hits_of: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The token ranges [first, last) of the lexicon's matches with their label: a
    match covers the tokens inside it, the first one B-, the rest I-."""
    found = []
    for start, end, label in hits_of:
        first, last = covered(tokens, start, end)
        if last > first:
            found.append((first, last, label))
    return found


def quoted_ranges(
    text: str, tokens: Sequence[tuple[int, int]], quotes: Sequence[Quote] | None = None
) -> list[tuple[int, int]]:
    """The token ranges [first, last) inside quotation marks; `quotes` are the
    sentence's `find_quotes`, when the caller has them already."""
    if quotes is None:
        if not has_marks(text):
            return []
        quotes = find_quotes(text, tokens)
    found = []
    for quote in quotes:
        first, last = covered(tokens, quote.start, quote.end)
        if last > first:
            found.append((first, last))
    return found


def sentence_features(
    text: str, tokens: Sequence[tuple[int, int]], hits_of: Sequence[tuple[int, int, str]]
) -> list[list[str]]:
    """Features of each token; `hits_of` is the lexicon's matches (`lexicon_spans`)."""
    if not tokens:
        return []
    table = shared_table()
    piece = table.__getitem__
    pieces = [piece(text[start:end]) for start, end in tokens]
    count = len(tokens)
    hits = [OUTSIDE_HIT] * count
    for first, last, label in hit_tags(tokens, hits_of):
        hits[first] = "B-" + label
        for i in range(first + 1, last):
            hits[i] = "I-" + label
    quoted = ["0"] * count
    for first, last in quoted_ranges(text, tokens):
        quoted[first:last] = ["1"] * (last - first)
    rows: list[list[str]] = []
    cue_seen = False
    for i, own in enumerate(pieces):
        row = [*own.head, "lex=" + hits[i], "q=" + quoted[i], *own.tail]
        if cue_seen:
            row.append("cue_before")
        if own.speech:
            cue_seen = True
        for offset in OFFSETS:
            j = i + offset
            if 0 <= j < count:
                before, after = pieces[j].near[offset]
                row += before
                row.append(f"{offset}:lex={hits[j]}")
                if after:
                    row += after
                    row.append(f"{offset}:q={quoted[j]}")
            else:
                row.append(f"{offset}:edge")
        rows.append(row)
    return rows
