"""output_file: exclusive temporary files, exclusive free names, and the clean-up of only
the temporary files whose export process is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.interchange import output_file
from annotator.interchange.output_file import (
    OutputFile,
    create_temporary,
    remove_abandoned,
)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_taken_free_name_goes_to_the_next_one_and_a_given_name_is_replaced(tmp_path: Path):
    (tmp_path / "a.csv").write_text("theirs")
    with OutputFile(tmp_path / "a.csv", free_name=True) as handle:
        handle.write("mine")
    first = OutputFile(tmp_path / "a.csv", free_name=True)
    with first as handle:
        handle.write("again")
    assert (tmp_path / "a.csv").read_text() == "theirs"
    assert (tmp_path / "a-2.csv").read_text() == "mine"
    assert first.path == tmp_path / "a-3.csv"
    with OutputFile(tmp_path / "a.csv") as handle:
        handle.write("given")
    assert (tmp_path / "a.csv").read_text() == "given"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.csv", "a-3.csv", "a.csv"]


def test_a_failed_write_names_nothing_and_leaves_no_temporary_file(tmp_path: Path):
    with pytest.raises(RuntimeError), OutputFile(tmp_path / "a.csv", free_name=True) as handle:
        handle.write("half")
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_only_temporary_files_of_ended_processes_on_this_host_are_removed(tmp_path: Path):
    live, fd = create_temporary(tmp_path / "x.csv")
    os.close(fd)
    dead = tmp_path / f".x.csv.{output_file._HOST}.{_dead_pid()}.0badc0de.partial"
    elsewhere = tmp_path / f".x.csv.00000000.{_dead_pid()}.0badc0de.partial"
    other = tmp_path / ".x.csv.partial"
    for path in (dead, elsewhere, other):
        path.write_text("")
    assert remove_abandoned(tmp_path) == [dead]
    assert sorted(tmp_path.iterdir()) == sorted([live, elsewhere, other])
