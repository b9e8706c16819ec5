"""Spreadsheet safety: the escaping rule, its reversal, and the SQL and CSV paths that apply it."""

import csv
import io
import sqlite3
from contextlib import closing

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.interchange.export import CsvLines
from annotator.store.csv_format import escape, needs_escape, sheet_safe_sql, unescape

FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "''+"]
cells = st.one_of(
    st.text(max_size=12),
    st.builds(lambda p, t: p + t, st.sampled_from(FORMULA_PREFIXES), st.text(max_size=8)),
)


def test_formula_like_values_get_an_apostrophe():
    assert escape("=SUM(A1)") == "'=SUM(A1)"
    assert escape("+62 812") == "'+62 812"
    assert escape("-1") == "'-1"
    assert escape("@here") == "'@here"
    assert escape("\tx") == "'\tx"
    assert escape("\rx") == "'\rx"


def test_plain_values_and_none_are_left_alone():
    for value in ("", "Baghdad", "a=b", "'quoted'", " =x", None):
        assert escape(value) == value


def test_a_value_that_already_looks_escaped_gets_one_more_apostrophe():
    assert escape("'=x") == "''=x"
    assert unescape("''=x") == "'=x"


def test_unescape_leaves_ordinary_apostrophes():
    assert unescape("'tis") == "'tis"
    assert unescape("'") == "'"


@settings(deadline=None)
@given(cells)
def test_escape_is_reversible_and_never_starts_with_a_trigger(value):
    escaped = escape(value)
    assert unescape(escaped) == value
    assert escaped[:1] not in {"=", "+", "-", "@", "\t", "\r"}
    assert needs_escape(value) == (escaped != value)


@settings(max_examples=60, deadline=None)
@given(cells)
def test_the_sql_rule_matches_the_python_rule(value):
    with closing(sqlite3.connect(":memory:")) as conn:
        sql = f"SELECT {sheet_safe_sql('v')} FROM (SELECT ? AS v)"
        assert conn.execute(sql, [value]).fetchone()[0] == escape(value)


odd_text = st.text(alphabet=st.sampled_from(list("ab ,\"'\r\n\x1f\x00=é😀")), max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(odd_text, st.integers(0, 10**6).map(str)), min_size=3, max_size=3), min_size=1, max_size=8
    )
)
def test_csv_lines_are_what_csv_writer_writes(rows):
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    joined = [("\x1f".join(cells).encode("utf-8"), i) for i, cells in enumerate(rows)]
    lines = CsvLines(3, "\x1f", lambda key: rows[key[0]])
    assert lines.lines(joined).decode("utf-8") == expected.getvalue()
