"""Proves that a read-only database file, a folder that cannot be written, and corrupt, truncated or non-SQLite files give clear one-line errors, open read-only where reading is possible, and are never modified."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.errors import AnnotatorError, ReadOnlyStore
from annotator.model import SpanAnnotation
from annotator.resources import samples_dir
from annotator.store import Store

NOBODY = 65534
ROOT = os.geteuid() == 0


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI in a child process. As root, chmod does not stop writes, so the child
    runs as the unprivileged user `nobody`, for whom the permissions hold."""
    return _as_user(folder, [sys.executable, "-m", "annotator.cli", *args])


def _as_user(folder: Path, command: list[str]) -> subprocess.CompletedProcess:
    privileges: dict = {}
    if ROOT and shutil.which("setpriv"):
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    elif ROOT:
        privileges = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
    try:
        return subprocess.run(
            command,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOME": str(folder)},
            **privileges,
        )
    except PermissionError as exc:
        return subprocess.CompletedProcess(command, 126, "", str(exc))


def _assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    assert len(set(lines)) == 1, "one error, said once per file at most"
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def project_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "project.db"
    subprocess.run(
        [sys.executable, "-m", "annotator.cli", "import", "--db", str(path), str(samples_dir())],
        check=True,
        capture_output=True,
    )
    return path


@functools.cache
def _nobody_cannot_run(folder: Path) -> str:
    probe = _cli(folder, "--version")
    return "" if probe.returncode == 0 else probe.stderr.strip()[-200:]


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder the CLI child may enter (pytest's own temporary folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="annotator-perm-"))
    path.chmod(0o755)
    if ROOT:
        os.chown(path, NOBODY, NOBODY)
        problem = _nobody_cannot_run(Path(tempfile.gettempdir()))
        if problem:
            shutil.rmtree(path)
            pytest.skip(
                f"running as root, where chmod does not stop writes, and user nobody cannot run the "
                f"package from here to test as an ordinary user ({problem})"
            )
    yield path
    path.chmod(0o755)
    shutil.rmtree(path)


def _place(template: Path, folder: Path, mode: int) -> Path:
    db = folder / "project.db"
    shutil.copyfile(template, db)
    if ROOT:
        os.chown(db, NOBODY, NOBODY)
    db.chmod(mode)
    return db


@pytest.mark.slow  # child processes
def test_read_only_database_file_is_read_and_refuses_writes_with_a_clear_error(project_template, folder):
    db = _place(project_template, folder, 0o444)
    before = _digest(db)
    status = _cli(folder, "status", "--db", "project.db")
    assert status.returncode == 0, status.stderr
    assert "3 documents" in status.stdout
    imported = _cli(folder, "import", "--db", "project.db", str(samples_dir()))
    _assert_one_line_error(imported, "read-only")
    assert _digest(db) == before
    _assert_workspace_opens_read_only(folder)
    assert _digest(db) == before
    # Reading left no read-only -wal/-shm files behind to block the owner later.
    assert not [p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm"))]


@pytest.mark.slow  # child processes
def test_database_in_a_folder_that_cannot_be_written_is_read_and_refuses_writes(project_template, folder):
    db = _place(project_template, folder, 0o644)
    before = _digest(db)
    folder.chmod(0o555)
    status = _cli(folder, "status", "--db", "project.db")
    assert status.returncode == 0, status.stderr
    assert "3 documents" in status.stdout
    imported = _cli(folder, "import", "--db", "project.db", str(samples_dir()))
    _assert_one_line_error(imported, "read-only")
    _assert_workspace_opens_read_only(folder)
    assert _digest(db) == before


_WORKSPACE_PROBE = """
import asyncio
from annotator.tui.app import SessionApp
from annotator.workspace.launch import open_workspace

async def main():
    with open_workspace("project.db", "ana") as workspace:
        app = SessionApp(workspace.session, notices=tuple(workspace.warnings), cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("right", "1", "enter")
            await pilot.pause()
            header = app.screen.query_one("WorkspaceHeader").render().plain
        print(workspace.session.readonly, "read-only" in header, "|".join(workspace.warnings))

asyncio.run(main())
"""


def _assert_workspace_opens_read_only(folder: Path) -> None:
    """The annotation UI opens such a project read-only, says so, and keys do not crash it."""
    result = _as_user(folder, [sys.executable, "-c", _WORKSPACE_PROBE])
    assert result.returncode == 0, result.stderr[-2000:]
    readonly, shown, warnings = result.stdout.strip().split(" ", 2)
    assert (readonly, shown) == ("True", "True"), result.stdout
    assert "read-only" in warnings


@pytest.mark.slow  # child processes
def test_new_project_in_a_folder_that_cannot_be_written_is_a_clear_error(folder):
    folder.chmod(0o555)
    result = _cli(folder, "init", "--db", "project.db")
    _assert_one_line_error(result)
    assert not (folder / "project.db").exists()


def test_store_opened_read_only_refuses_every_write_and_leaves_the_file_alone(project_template, tmp_path):
    db = tmp_path / "project.db"
    shutil.copyfile(project_template, db)
    before = _digest(db)
    with Store.open(db, readonly=True) as store:
        assert store.readonly
        sentence = next(store.corpus.iter_sentences())
        with pytest.raises(ReadOnlyStore, match="read-only"):
            store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 0, 3, "loaded_language"))
        assert store.corpus.counts()["documents"] == 3
    assert _digest(db) == before


def _corrupt_header_kept(data: bytes) -> bytes:
    # The SQLite magic string survives; the rest of page 1 (the schema) is garbage.
    return data[:16] + bytes((i * 37 + 11) % 256 for i in range(16, 4096)) + data[4096:]


def _corrupt_tail(data: bytes) -> bytes:
    half = len(data) // 2
    return data[:half] + b"\xde\xad\xbe\xef" * ((len(data) - half) // 4)


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("not sqlite: text", lambda data: b"id,text\n1,hello\n"),
        ("not sqlite: png", lambda data: b"\x89PNG\r\n\x1a\n" + bytes(200)),
        ("sqlite header, garbage schema", _corrupt_header_kept),
        ("truncated", lambda data: data[:3000]),
        ("garbage pages", _corrupt_tail),
    ],
)
def test_corrupt_or_foreign_files_give_clear_errors_and_stay_untouched(project_template, tmp_path, case, make):
    db = tmp_path / "project.db"
    db.write_bytes(make(project_template.read_bytes()))
    before = _digest(db)
    for command in (
        ["status"],
        ["documents"],
        ["show", "001_0da7177c8754087f", "--json"],
        ["import", str(samples_dir())],
        ["init"],
    ):
        result = CliRunner().invoke(cli, [*command, "--db", str(db)], catch_exceptions=False)
        assert "Traceback" not in result.output, (case, command, result.output)
        if result.exit_code != 0:
            assert result.exit_code == 1, (case, command, result.output)
            errors = result.stderr.strip().splitlines()
            assert errors and all(line.startswith("error: ") for line in errors), (case, command, result.stderr)
            assert "internal error" not in result.stderr, (case, command, result.stderr)
        else:
            # Only damage the command never reads may go unnoticed; writes must not succeed.
            assert case == "garbage pages" and command[0] in ("status", "documents", "show"), (case, command)
    assert _digest(db) == before, f"{case}: the file was modified"


def test_store_names_a_non_sqlite_file_plainly(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("meeting notes, not a database")
    with pytest.raises(AnnotatorError, match="not an SQLite database"):
        Store.open(bogus)
    assert bogus.read_text() == "meeting notes, not a database"
