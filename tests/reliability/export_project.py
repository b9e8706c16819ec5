"""A project with many spans, written straight in SQL (seconds, not an import), for the
export crash and concurrency tests; and the real `annotator export` command as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset

SENTENCE = "Kata pengecut itu diucapkan oleh pejabat, katanya, di depan para wartawan pagi ini."
ANNOTATORS = ("ana", "budi")


def build_project(path: Path, documents: int, sentences: int = 10, spans_per_annotator: int = 10) -> int:
    """Documents of `sentences` copies of SENTENCE; each annotator labels the first
    `spans_per_annotator` one-character ranges of every sentence. Returns the span count."""
    with Store.open(path, create=True) as store:
        store.initialize("crash", load_tagset(default_tagset_path()))
        label = store.tagset().label_names[0]
        length = len(SENTENCE) + 1
        with store.transaction():
            run = store.conn.execute
            run(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                " INSERT INTO document_rows (seq, id, title, text, content_hash, sentence_count, token_count, imported_at)"
                " SELECT i, 'doc' || i, 'Judul ' || i, ?, 'hash' || i, ?, ?, '2026-01-01T00:00:00.000Z' FROM n",
                [documents, " ".join([SENTENCE] * sentences), sentences, sentences * 14],
            )
            run(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)"
                " INSERT INTO sentence_rows (document_id, idx, doc_start, doc_end, text, tokens)"
                " SELECT d.id, n.i, n.i * ?, n.i * ? + ?, ?, '[[0,4],[5,13]]' FROM documents d, n ORDER BY d.seq, n.i",
                [sentences, length, length, len(SENTENCE), SENTENCE],
            )
            for name in ANNOTATORS:
                run("INSERT INTO annotators (name, created_at) VALUES (?, 't')", [name])
                run(
                    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)"
                    " INSERT INTO span_rows (sentence_id, annotator, char_start, char_end, label, origin, created_at)"
                    " SELECT s.id, ?, n.i, n.i + 1, ?, 'manual', 't' FROM sentences s, n",
                    [spans_per_annotator, name, label],
                )
        return documents * sentences * spans_per_annotator * len(ANNOTATORS)


def export_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", "export", "--db", str(db), *args]


def child_pids(pid: int) -> list[int]:
    """The live children of `pid`, from /proc."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                children.append(int(entry))
    return children


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def run_export(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(export_command(db, *args), check=False, capture_output=True, text=True, env=dict(os.environ))
