"""The one way the tool reads CSV: strict parsing, and fields as large as any export writes.

Python's csv module refuses a field over 128 KiB by default, but a sentence, a note or a
whole article can be longer, and every export writes it whole; so every reader (corpus,
annotations, lexicons) goes through `csv_reader`, and a file round-trips at any size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

# The largest field accepted: the largest the csv module allows on every platform (a C long).
FIELD_LIMIT = 2**31 - 1


def csv_reader(lines: Iterable[str], **options: object) -> Iterator[list[str]]:
    """`csv.reader(lines, strict=True, **options)` with the field limit raised first
    (the limit is process-wide in the csv module)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    return csv.reader(lines, strict=True, **options)
