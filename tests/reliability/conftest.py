"""Fixtures for the reliability suites: real project files on disk, and child writers."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.corpus_import import Importer, ImportOptions
from annotator.resources import sample_paths
from annotator.store import Store

WRITER = Path(__file__).with_name("writer.py")


@pytest.fixture
def project_db(tmp_path: Path, tagset) -> Path:
    """A project file on disk holding the three sample articles."""
    path = tmp_path / "project.db"
    with Store.open(path, create=True) as store:
        store.initialize("reliability", tagset)
        report = Importer(store, ImportOptions(parallel=False)).run(sample_paths())
        assert not report.failed
    return path


def start_writer(db: Path, annotator: str, count: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), annotator, str(count), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def database_digest(path: Path) -> str:
    """A hash of every table's rows (the SQL dump), independent of page layout and WAL state."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()
