"""Agreement from a plain units x coders table (`annotator agreement --table FILE.csv`).

The first column is the unit id and each further column a coder (the header row names
them); an empty cell is a missing value. The figures are the sentence level's, with the
same keys, so a textbook table and a project answer in one format.

Values: when every value is a number they are ordered by value and the interval and
ratio metrics use the numbers; otherwise they are ordered as text, and those metrics
use their positions (the level's warnings say so).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

import numpy as np

from .coefficients import MISSING
from .matrices import AgreementError, Judgments


def _value_order(values: Iterable[str]) -> list[str]:
    values = list(values)
    try:
        return sorted(values, key=float)
    except ValueError:
        return sorted(values)


def read_table(lines: Iterable[str], source: str = "the table") -> Judgments:
    """Parse the CSV into the judgments the sentence level works on (units with >= 2 values)."""
    rows = csv.reader(lines)
    header = next(rows, None)
    if header is None:
        raise AgreementError(f"{source} is empty: expected a header row (unit, coder, coder, ...)")
    coders = [name.strip() for name in header[1:]]
    if len(coders) < 2:
        raise AgreementError(f"{source} needs at least two coder columns after the unit column")
    if len(set(coders)) != len(coders) or "" in coders:
        raise AgreementError(f"{source}: every coder column needs a distinct, non-empty name")
    width = len(header)
    cells: list[list[str]] = []
    ids: list[str] = []
    for number, row in enumerate(rows, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            raise AgreementError(f"{source}, line {number}: {len(row)} cells, the header has {width}")
        ids.append(row[0])
        cells.append([cell.strip() for cell in row[1:]])
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        duplicate = next(unit for unit in ids if unit in seen or seen.add(unit))
        raise AgreementError(f"{source}: unit {duplicate!r} appears twice")
    grid = np.array(cells, dtype=str).reshape(len(cells), len(coders))
    found, inverse = np.unique(grid, return_inverse=True)
    present = [str(v) for v in found if v != ""]
    order = _value_order(present)
    code_of = {value: i for i, value in enumerate(order)}
    lookup = np.array([code_of.get(str(v), MISSING) for v in found], dtype=np.int64)
    matrix = lookup[inverse.reshape(grid.shape)].T if len(cells) else np.zeros((len(coders), 0), np.int64)
    pairable = (matrix != MISSING).sum(axis=0) >= 2
    unit_ids = np.array(ids, dtype=object)[pairable]
    return Judgments(tuple(coders), tuple(order), (), unit_ids, unit_ids, np.ascontiguousarray(matrix[:, pairable]))
