"""Shared fixtures: real SQLite stores and real files, never mocks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotator.corpus_import import Importer
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store
from annotator.tagset import load_tagset

SAMPLE_IDS = ("000_da3b1012a6ad7316", "001_0da7177c8754087f", "004_42838089c5e12062")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No test may touch the developer's ./annotator.db or depend on the caller's environment.
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def tagset():
    return load_tagset(default_tagset_path())


@pytest.fixture
def store(tagset) -> Store:
    """An initialised, empty in-memory project."""
    s = Store.memory()
    s.initialize("test", tagset)
    yield s
    s.close()


@pytest.fixture
def sample_store(store: Store) -> Store:
    """An in-memory project holding the three bundled sample articles."""
    report = Importer(store).run(sample_paths())
    assert not report.failed
    return store


@pytest.fixture
def samples_dir(tmp_path: Path) -> Path:
    """A copy of the bundled samples in a temporary folder."""
    target = tmp_path / "samples"
    target.mkdir()
    for path in sample_paths():
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def empty_nltk_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    empty = tmp_path / "nltk_data_empty"
    empty.mkdir()
    monkeypatch.setenv("NLTK_DATA", str(empty))
    return empty


def pytest_configure(config: pytest.Config) -> None:
    # Keep the suite independent of any nltk data installed on the machine.
    os.environ.setdefault("NLTK_DATA", str(Path(__file__).parent / "no_nltk_data"))
