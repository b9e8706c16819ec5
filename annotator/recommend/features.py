"""Token features for the CRF, as python-crfsuite takes them (a list of strings per token).

Each token gets: its lower-cased form, Sastrawi stem and the affixes around the stem,
its shape, the lexicon's hit on it with the label (B-/I-), whether it is inside
quotation marks, whether it is an attribution cue, whether a cue comes earlier in the
sentence, and the form, stem and lexicon hit of its neighbours two either side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexicon.matcher import CompiledLexicon
from ..lexicon.quotes import ATTRIBUTION_CUES, SPEECH_CUES, find_quotes
from ..lexicon.stemming import StemCache, shared_stems

_SHAPE_RUNS = re.compile(r"(.)\1+")
WINDOW = 2


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


def sentence_features(
    text: str,
    tokens: Sequence[tuple[int, int]],
    hits_of: Sequence[tuple[int, int, str]],
    stems: StemCache | None = None,
) -> list[list[str]]:
    """Features of each token; `hits_of` is the lexicon's matches (`lexicon_spans`)."""
    stems = stems or shared_stems()
    words = [text[start:end].lower() for start, end in tokens]
    word_stems = [stems.stem(w) for w in words]
    hits = ["O"] * len(tokens)
    for start, end, label in hits_of:
        inside = [i for i, (s, e) in enumerate(tokens) if start <= s and e <= end]
        for n, i in enumerate(inside):
            hits[i] = ("B-" if n == 0 else "I-") + label
    quoted = [False] * len(tokens)
    for quote in find_quotes(text, tokens):
        for i, (s, e) in enumerate(tokens):
            if quote.start <= s and e <= quote.end:
                quoted[i] = True
    rows: list[list[str]] = []
    cue_seen = False
    for i, ((start, end), word) in enumerate(zip(tokens, words, strict=True)):
        surface = text[start:end]
        prefix, suffix = affixes(word, word_stems[i])
        row = [
            "bias",
            "w=" + word,
            "stem=" + word_stems[i],
            "pre=" + prefix,
            "suf=" + suffix,
            "shape=" + shape(surface),
            "lex=" + hits[i],
            "q=" + ("1" if quoted[i] else "0"),
            "last3=" + word[-3:],
        ]
        if word in ATTRIBUTION_CUES:
            row.append("cue")
        if cue_seen:
            row.append("cue_before")
        if word in SPEECH_CUES:
            cue_seen = True
        for offset in range(-WINDOW, WINDOW + 1):
            if offset == 0:
                continue
            j = i + offset
            if 0 <= j < len(tokens):
                row += [f"{offset}:w={words[j]}", f"{offset}:lex={hits[j]}"]
                if abs(offset) == 1:
                    row += [f"{offset}:stem={word_stems[j]}", f"{offset}:q={'1' if quoted[j] else '0'}"]
            else:
                row.append(f"{offset}:edge")
        rows.append(row)
    return rows
