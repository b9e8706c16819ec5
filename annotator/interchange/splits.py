"""Train / validation / test splits by document, never by sentence.

Sentences of one document share topic, source and wording; splitting inside a document
would leak it into the test set. Each document gets a key from a hash of the seed and
its id; documents sorted by key are cut at the rounded percentages. The same seed and
documents give the same split on any machine (no dependence on Python's hash seed or
on corpus order), and a split with a share above zero gets at least one document when
there are enough.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SPLITS: tuple[str, ...] = ("train", "validation", "test")
DEFAULT_SPLIT = "80/10/10"


class SplitError(ValueError):
    """A --split that is not three whole percentages adding up to 100."""


def parse_split(text: str) -> tuple[int, int, int]:
    parts = text.split("/")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise SplitError(f"--split takes TRAIN/VALIDATION/TEST percentages, e.g. {DEFAULT_SPLIT}, not {text!r}")
    shares = tuple(int(p) for p in parts)
    if sum(shares) != 100:
        raise SplitError(f"--split percentages must add up to 100, not {sum(shares)} ({text})")
    return shares


def _key(seed: int, document_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{document_id}".encode()).digest()


def assign(document_ids: Iterable[str], shares: tuple[int, int, int], seed: int) -> dict[str, str]:
    """Each document's split name."""
    ordered = sorted(set(document_ids), key=lambda d: _key(seed, d))
    n = len(ordered)
    counts = [round(n * share / 100) for share in shares]
    counts[0] = n - counts[1] - counts[2]
    # A split with a share gets a document from the largest split while it can spare one.
    for i, share in enumerate(shares):
        donor = max(range(3), key=lambda j: counts[j])
        if share and not counts[i] and counts[donor] > 1:
            counts[donor] -= 1
            counts[i] += 1
    result: dict[str, str] = {}
    start = 0
    for name, count in zip(SPLITS, counts):
        for document_id in ordered[start : start + count]:
            result[document_id] = name
        start += count
    return result
