"""`annotator guidelines set|show`: one Markdown file stored in the project."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator import guidelines
from annotator.cli import cli
from annotator.store import Store

GUIDE = "# Pedoman anotasi\r\n\r\nTandai *kata bermuatan*; tolak “sekitar”.\r\n"


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture
def project_db(db_path):
    run("init", "--db", str(db_path))
    return db_path


def test_set_stores_the_file_and_show_prints_it(project_db, tmp_path):
    path = tmp_path / "pedoman.md"
    path.write_bytes(GUIDE.encode("utf-8"))
    assert "Guidelines stored" in run("guidelines", "set", "--db", str(project_db), str(path)).stdout
    with Store.open(project_db) as store:
        # Stored as all project text is: LF line ends.
        assert guidelines.get_guidelines(store) == GUIDE.replace("\r\n", "\n")
    assert run("guidelines", "show", "--db", str(project_db)).stdout == GUIDE.replace("\r\n", "\n")


def test_set_again_replaces_the_guidelines(project_db, tmp_path):
    for text in ("# One\n", "# Two\n"):
        path = tmp_path / "g.md"
        path.write_text(text, encoding="utf-8")
        run("guidelines", "set", "--db", str(project_db), str(path))
    assert run("guidelines", "show", "--db", str(project_db)).stdout == "# Two\n"


def test_show_without_guidelines_says_how_to_set_them(project_db):
    result = run("guidelines", "show", "--db", str(project_db), code=1)
    assert result.stderr == "error: this project has no guidelines yet: annotator guidelines set FILE.md\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n\t\n", "empty"),
        (b"# Pedoman\n\xff\xfe caf\xe9\n", "not UTF-8 at byte offset 10 (line 2)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"#" * (guidelines.MAX_GUIDELINES_BYTES + 1), "guidelines may hold at most 262,144 bytes"),
    ],
    ids=["empty", "blank", "latin-1", "binary", "huge"],
)
def test_set_refuses_unusable_files_with_one_line(project_db, tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    result = run("guidelines", "set", "--db", str(project_db), str(path), code=1)
    assert result.stderr.startswith(f"error: {path}: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    with Store.open(project_db) as store:
        assert guidelines.get_guidelines(store) is None


def test_set_refuses_a_missing_file(project_db, tmp_path):
    result = run("guidelines", "set", "--db", str(project_db), str(tmp_path / "none.md"), code=1)
    assert "none.md" in result.stderr and result.stderr.count("\n") == 1


def test_show_on_a_missing_project_creates_nothing(tmp_path):
    missing = tmp_path / "none.db"
    run("guidelines", "show", "--db", str(missing), code=1)
    assert not missing.exists()
