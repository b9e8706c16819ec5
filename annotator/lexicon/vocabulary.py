"""Whether a word is Indonesian: Sastrawi's dictionary of root words (kata dasar).

Indonesian writing sets foreign terms in single quotes where print would use italics
('outlook', 'tender offer'), so a quotation of words the dictionary does not know is a
typographic convention, not a scare quote. Sastrawi ships the list with its stemmer
(`Sastrawi/Stemmer/data/kata-dasar.txt`, about 30,000 roots); an affixed word is known
when its stem is.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .stemming import shared_stems


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    text = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def is_indonesian(word: str) -> bool:
    """Whether a lower-cased word, or its Sastrawi stem, is an Indonesian root word.

    A reduplication ("pangkalan-pangkalan") counts when each part does.
    """
    roots = root_words()
    if word in roots:
        return True
    if "-" in word:
        return all(part and is_indonesian(part) for part in word.split("-"))
    return shared_stems().stem(word) in roots
