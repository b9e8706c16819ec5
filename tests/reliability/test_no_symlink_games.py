"""No symlink games: a lock file or an export's `.OUT.partial` planted as a symlink (or a
hard link) leaves its target untouched; exports create their files exclusively."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.workspace.launch import open_for_writer
from annotator.workspace.lock import AnnotatorLock, lock_path

PRECIOUS = b"precious data\n" * 100


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_bytes(PRECIOUS)
    return path


@pytest.mark.parametrize("link", [os.symlink, os.link])
def test_a_planted_lock_file_link_leaves_its_target_untouched(project_db: Path, victim: Path, link):
    link(victim, lock_path(project_db, "ana"))
    with pytest.raises(OSError):
        AnnotatorLock(project_db, "ana").acquire()
    # The workspace then opens read-only and says why.
    store, lock, warnings = open_for_writer(project_db, "ana", busy="busy")
    store.close()
    assert lock is None and store.readonly and "not" in warnings[0]
    assert victim.read_bytes() == PRECIOUS


def test_an_existing_lock_file_is_taken_without_truncating_it(tmp_path: Path):
    db = tmp_path / "p.db"
    lock_path(db, "ana").write_text("12345\n")
    lock = AnnotatorLock(db, "ana")
    assert lock.acquire()
    lock.release()
    assert lock_path(db, "ana").read_text() == "12345\n"


def test_a_planted_partial_symlink_leaves_its_target_untouched(project_db: Path, victim: Path, tmp_path: Path):
    out = tmp_path / "out.csv"
    # The temporary name older exports used for --out FILE.
    (tmp_path / ".out.csv.partial").symlink_to(victim)
    result = CliRunner().invoke(cli, ["export", "--db", str(project_db), "--what", "spans", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == PRECIOUS
    assert not out.is_symlink() and out.read_text(encoding="utf-8").startswith("document_id,")


def test_an_export_to_a_symlinked_out_replaces_the_link_not_its_target(project_db: Path, victim: Path, tmp_path: Path):
    out = tmp_path / "out.csv"
    out.symlink_to(victim)
    result = CliRunner().invoke(cli, ["export", "--db", str(project_db), "--what", "spans", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == PRECIOUS
    assert not out.is_symlink()


def test_lexicon_export_to_a_symlinked_out_replaces_the_link_not_its_target(
    project_db: Path, victim: Path, tmp_path: Path
):
    out = tmp_path / "lexicon.csv"
    out.symlink_to(victim)
    result = CliRunner().invoke(cli, ["lexicon", "export", "--db", str(project_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == PRECIOUS
    assert not out.is_symlink() and out.read_text(encoding="utf-8").startswith("term,")
