"""The export SQL's shortcuts keep the spreadsheet-safety rule exact: the cheap first
look in `sheet_safe_sql` for values of every SQLite type, and the vocabulary cells
(`Column.words`) that the SQL leaves unescaped because the rule never changes them."""

import re
import sqlite3
from contextlib import closing

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model import ORIGINS, STATUSES
from annotator.store import Store, csv_format
from annotator.store.csv_format import escape, sheet_safe_sql

PREFIXES = ["", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "A", "@x", "0", "9", "z", "é"]
texts = st.builds(lambda p, t: p + t, st.sampled_from(PREFIXES), st.text(max_size=6))


def sql_escape(conn: sqlite3.Connection, value: object) -> object:
    return conn.execute(f"SELECT {sheet_safe_sql('v')} FROM (SELECT ? AS v)", [value]).fetchone()[0]


@settings(max_examples=200, deadline=None)
@given(texts)
def test_the_first_look_lets_through_only_what_the_rule_leaves_alone(value):
    with closing(sqlite3.connect(":memory:")) as conn:
        assert sql_escape(conn, value) == escape(value)


def test_values_that_are_not_text_are_escaped_as_their_text_is():
    # A BLOB sorts above every text value, so a bare `v < 'A'` would pass `=...` bytes
    # through unescaped; a number's text can start with '-'. The SQL must treat both as
    # the text unicode() and || read from them.
    with closing(sqlite3.connect(":memory:")) as conn:
        blob = conn.execute(f"SELECT typeof({sheet_safe_sql('v')}) FROM (SELECT ? AS v)", [b"=1+1"]).fetchone()[0]
        assert blob == "text"  # the apostrophe was prepended
        assert sql_escape(conn, b"=1+1") == "'=1+1"
        assert sql_escape(conn, b"Ab") == b"Ab"
        assert sql_escape(conn, -5) == "'-5"
        assert sql_escape(conn, -0.5) == "'-0.5"
        assert sql_escape(conn, 42) == 42
        assert sql_escape(conn, None) is None


def test_a_case_folding_collation_does_not_hide_a_trigger():
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE t (v TEXT COLLATE NOCASE)")
        conn.executemany("INSERT INTO t VALUES (?)", [("=a",), ("@b",), ("a",), ("Z",), ("'+c",)])
        got = [row[0] for row in conn.execute(f"SELECT {sheet_safe_sql('v')} FROM t ORDER BY rowid")]
        assert got == [escape(v) for v in ("=a", "@b", "a", "Z", "'+c")]


def _check_words(table_sql: str, column: str) -> set[str]:
    match = re.search(rf"\b{column}\b[^,]*?CHECK \({column} IN \(([^)]*)\)\)", table_sql)
    assert match, f"no CHECK constraint on {column}"
    return {word.strip().strip("'") for word in match.group(1).split(",")}


def test_vocabulary_cells_are_what_the_schema_allows_and_escaping_never_changes_them():
    with Store.memory() as store:
        schema = dict(store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    assert _check_words(schema["span_rows"], "origin") == set(ORIGINS)
    assert _check_words(schema["sentence_status_rows"], "status") == set(STATUSES)
    with_words = [c for columns in csv_format.COLUMNS.values() for c in columns if c.words]
    assert {c.name for c in with_words} == {"origin", "status"}
    for column in with_words:
        assert all(escape(word) == word for word in column.words), column
    # The spans' status cell can hold a stored status or one of its two defaults.
    status = next(c for c in csv_format.COLUMNS["spans"] if c.name == "status")
    assert set(re.findall(r"'(\w+)'", status.sql)) - {"gold"} <= set(status.words)
