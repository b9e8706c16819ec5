"""csv_format.csv_line: csv.writer's output for every row, except that a cell holding `;`
is quoted too; every line parses back to its cells."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from annotator.store.csv_format import csv_line

cells = st.lists(st.text(alphabet=st.sampled_from(list("ab,;\"\r\n ='é"))), min_size=1, max_size=6)


def _writer_line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row)
    return out.getvalue()


@given(cells)
def test_csv_line_is_csv_writer_plus_quoted_semicolons(row):
    line = csv_line(row)
    assert next(csv.reader(io.StringIO(line, newline=""))) == row
    if not any(";" in cell for cell in row):
        assert line == _writer_line(row)
    for cell in row:
        if ";" in cell:
            assert '"' + cell.replace('"', '""') + '"' in line
