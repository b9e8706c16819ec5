"""Sastrawi stemming behind a dict cache of distinct lower-cased tokens.

Sastrawi is accurate but slow (tens of thousands of words a second, uncached), and a
corpus repeats the same few thousand words over and over. Every distinct token is
stemmed once; after that a stem costs one dict lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# Sastrawi only knows lower-case ASCII letters (and hyphens for reduplication:
# "pangkalan-pangkalan"). Anything else is its own stem, so "2.500" stays "2.500".
_STEMMABLE = re.compile(r"[a-z]+(?:-[a-z]+)*")
# A corpus with a huge vocabulary (names, numbers, typos) must not grow the cache
# without bound: past this many tokens it starts again, which costs little.
MAX_CACHED = 200_000


class StemCache:
    """Stems of lower-cased single tokens, computed once each."""

    def __init__(self) -> None:
        self._stems: dict[str, str] = {}

    def stem(self, token: str) -> str:
        """The Sastrawi stem of one token; `token` should already be lower-cased."""
        stem = self._stems.get(token)
        if stem is None:
            stem = self._compute(token)
            if len(self._stems) >= MAX_CACHED:
                self._stems.clear()
            self._stems[token] = stem
        return stem

    def __len__(self) -> int:
        return len(self._stems)

    def _compute(self, token: str) -> str:
        if not _STEMMABLE.fullmatch(token):
            return token
        return sastrawi_stem_word()(token) or token


@lru_cache(maxsize=1)
def sastrawi_stem_word() -> Callable[[str], str]:
    """Sastrawi's single-word stemmer; its dictionary loads once per process (~0.1 s)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # create_stemmer() wraps the stemmer in Sastrawi's own cache, which re-normalises
    # the text on every call; ours is keyed on the token, so use the inner stemmer.
    cached = StemmerFactory().create_stemmer()
    return cached.delegatedStemmer.stem_word


_shared: StemCache | None = None


def shared_stems() -> StemCache:
    """One cache per process: the dictionary loads once and stems are reused across runs."""
    global _shared
    if _shared is None:
        _shared = StemCache()
    return _shared
