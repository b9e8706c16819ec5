"""Spreadsheet safety: the escaping rule, its reversal, and the SQL and CSV paths that apply it."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.interchange.export import CsvFormatter
from annotator.interchange.safety import escape, needs_escape, unescape
from annotator.store import Store

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


@given(cells)
def test_escape_is_reversible_and_never_starts_with_a_trigger(value):
    escaped = escape(value)
    assert unescape(escaped) == value
    assert escaped[:1] not in {"=", "+", "-", "@", "\t", "\r"}
    assert needs_escape(value) == (escaped != value)


@settings(max_examples=60)
@given(cells)
def test_the_sql_rule_matches_the_python_rule(value):
    store = Store.memory()
    try:
        sql = f"SELECT {Store._sheet_safe('v')} FROM (SELECT ? AS v)"
        assert store.conn.execute(sql, [value]).fetchone()[0] == escape(value)
    finally:
        store.close()


@settings(max_examples=80)
@given(st.lists(st.lists(st.one_of(st.text(max_size=10), st.integers(-5, 10**6)), min_size=3, max_size=3),
                min_size=1, max_size=6))
def test_the_fast_formatter_writes_what_csv_writer_writes(rows):
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    assert CsvFormatter([1, 1, 1]).lines([tuple(r) for r in rows]) == expected.getvalue()


@settings(max_examples=60)
@given(st.lists(st.tuples(st.text(max_size=8), st.integers(0, 99), st.integers(0, 99), st.sampled_from(["true", "false"]),
                          st.text(max_size=8)), min_size=1, max_size=6))
def test_joined_cells_are_split_back_when_a_row_needs_quoting(rows):
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    joined = [(a, f"{b},{c},{d}", e) for a, b, c, d, e in rows]
    assert CsvFormatter([1, 3, 1]).lines(joined) == expected.getvalue()
