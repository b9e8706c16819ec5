"""`annotator team link` and `annotator serve`'s warnings, through the CLI."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from annotator.cli import cli
from annotator.serve.tokens import token_hash
from annotator.store import Store


def run(*args: str):
    return CliRunner().invoke(cli, list(args), obj={})


def _project(db) -> None:
    assert run("init", "--db", str(db)).exit_code == 0
    assert run("team", "add", "ana", "--db", str(db)).exit_code == 0


def test_team_link_prints_a_link_whose_token_only_the_hash_of_is_stored(tmp_path) -> None:
    db = tmp_path / "p.db"
    _project(db)
    result = run("team", "link", "ana", "--db", str(db))
    assert result.exit_code == 0
    url = result.output.strip()
    assert url.startswith("http://127.0.0.1:8000/s/")
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 22  # >= 128 bits in URL-safe base64
    with Store.open(db) as store:
        assert store.links.holder(token_hash(token)).name == "ana"
    assert token.encode() not in db.read_bytes()


def test_team_link_again_is_refused_and_rotate_and_revoke_work(tmp_path) -> None:
    db = tmp_path / "p.db"
    _project(db)
    first = run("team", "link", "ana", "--db", str(db)).output.strip().rsplit("/", 1)[1]
    again = run("team", "link", "ana", "--db", str(db))
    assert again.exit_code == 1 and "--rotate" in again.output
    second = run("team", "link", "ana", "--rotate", "--db", str(db)).output.strip().rsplit("/", 1)[1]
    with Store.open(db) as store:
        assert store.links.holder(token_hash(first)) is None
        assert store.links.holder(token_hash(second)) is not None
    assert run("team", "link", "ana", "--revoke", "--db", str(db)).exit_code == 0
    with Store.open(db) as store:
        assert store.links.holder(token_hash(second)) is None


def test_team_link_refuses_someone_off_the_roster_or_retired(tmp_path) -> None:
    db = tmp_path / "p.db"
    _project(db)
    assert run("team", "link", "zed", "--db", str(db)).exit_code == 1
    assert run("team", "retire", "ana", "--db", str(db)).exit_code == 0
    assert run("team", "link", "ana", "--db", str(db)).exit_code == 1


def test_serve_on_another_address_warns_about_plain_http(tmp_path) -> None:
    db = tmp_path / "p.db"
    _project(db)
    from tests.serve.conftest import free_port

    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "annotator.cli",
            "serve",
            "--db",
            str(db),
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stderr.readline()
    finally:
        child.terminate()
        child.wait(10)
    assert "plain HTTP" in line


def test_serve_on_localhost_does_not_warn(tmp_path) -> None:
    from tests.serve.conftest import free_port

    db = tmp_path / "p.db"
    _project(db)
    child = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "serve", "--db", str(db), "--port", str(free_port())],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stderr.readline()
    finally:
        child.terminate()
        child.wait(10)
    assert line.startswith("serving") and "warning" not in line
