"""Foreign files stay untouched: another application's SQLite database (its own tables, in
rollback-journal mode) given as --db to every command, the creating ones included, is
refused with one error line, stays byte-identical, and gets no -wal, -shm or journal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.resources import sample_paths


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    path = tmp_path / "other-app.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers(id))")
    conn.executemany("INSERT INTO customers (name) VALUES (?)", [("a",), ("b",)])
    conn.commit()
    conn.close()
    return path


def _commands(tmp_path: Path) -> list[list[str]]:
    spans = tmp_path / "spans.csv"
    spans.write_text("document_id\n", encoding="utf-8")
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text("term,label,match\nkata,loaded_language,exact\n", encoding="utf-8")
    sample = str(sample_paths()[0])
    return [
        ["status"],
        ["status", "--json"],
        ["documents"],
        ["show", "x"],
        ["tagset"],
        ["init"],
        ["init", "--name", "p"],
        ["import", sample],
        ["demo", "--no-ui"],
        ["export", "--what", "spans", "--out", str(tmp_path / "out.csv")],
        ["export", "--what", "all", "--out", "-"],
        ["import-annotations", str(spans)],
        ["merge", str(tmp_path / "nothing.db")],
        ["agreement"],
        ["disagreements"],
        ["suggest"],
        ["lexicon", "list"],
        ["lexicon", "load", str(lexicon)],
        ["lexicon", "add", "kata", "loaded_language"],
        ["lexicon", "stats"],
        ["lexicon", "export"],
        ["annotate", "--annotator", "ana"],
        ["adjudicate"],
    ]


def test_a_foreign_database_is_refused_by_every_command_and_left_byte_identical(foreign: Path, tmp_path: Path):
    before = foreign.read_bytes()
    for command in _commands(tmp_path):
        name, *rest = command
        result = CliRunner().invoke(cli, [name, "--db", str(foreign), *rest])
        assert result.exit_code != 0, command
        assert result.exit_code in (1, 2) and "Traceback" not in result.output, (command, result.output)
        assert foreign.read_bytes() == before, command
        for suffix in ("-wal", "-shm", "-journal"):
            assert not Path(f"{foreign}{suffix}").exists(), (command, suffix)
    # The refusal names the problem.
    result = CliRunner().invoke(cli, ["status", "--db", str(foreign)])
    assert "not an annotator project" in result.stderr


def test_an_empty_sqlite_file_is_no_project_to_read_but_can_become_one(tmp_path: Path):
    empty = tmp_path / "empty.db"
    conn = sqlite3.connect(empty)
    conn.execute("PRAGMA user_version = 1")  # a header with content, no tables
    conn.close()
    before = empty.read_bytes()
    assert before
    result = CliRunner().invoke(cli, ["status", "--db", str(empty)])
    assert result.exit_code == 1 and empty.read_bytes() == before
    result = CliRunner().invoke(cli, ["init", "--db", str(empty)])
    assert result.exit_code == 0, result.output


def test_a_foreign_database_given_as_a_merge_source_is_refused_and_left_byte_identical(foreign: Path, tmp_path: Path):
    project = tmp_path / "project.db"
    assert CliRunner().invoke(cli, ["init", "--db", str(project)]).exit_code == 0
    before = foreign.read_bytes()
    result = CliRunner().invoke(cli, ["merge", "--db", str(project), str(foreign)])
    assert result.exit_code == 1 and "not an annotator project" in result.stderr, result.output
    assert foreign.read_bytes() == before
    assert not any(Path(f"{foreign}{suffix}").exists() for suffix in ("-wal", "-shm", "-journal"))
