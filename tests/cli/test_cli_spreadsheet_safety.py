"""Spreadsheet safety on every text cell: every column of every CSV export (spans,
sentences, documents, tokens; plain and --gold) holds no cell a spreadsheet would run
as a formula, every cell holding `;` is quoted, and import-annotations gives back
exactly what was stored."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import GOLD, SentenceState, SpanAnnotation
from annotator.store import Store
from annotator.store.csv_format import TRIGGERS

HOSTILE_ID = '=HYPERLINK("http://evil","x")'
ANNOTATOR = "=cmd|' /C calc'!A0;x"
TERM = "@SUM(1;2)"
NOTE = "x;=1+1"
DOCUMENT = {
    "id": HOSTILE_ID,
    "title": "+judul",
    "source": "-sumber;=1",
    "url": "@http://u",
    "date": "=2026-01-01",
    "text": "=1+1 kata pengecut itu; lagi. Kalimat kedua di sini.",
}


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr


def _project(tmp_path: Path, name: str) -> Path:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(DOCUMENT) + "\n", encoding="utf-8")
    db = tmp_path / f"{name}.db"
    run("import", "--db", str(db), str(corpus))
    return db


def _annotate(db: Path) -> None:
    with Store.open(db) as store:
        first = next(store.corpus.iter_sentences())
        label = store.tagset().label_names[0]
        for annotator in (ANNOTATOR, GOLD):
            store.annotations.add_span(
                SpanAnnotation(
                    first.id,
                    annotator,
                    0,
                    4,
                    label,
                    lexicon_term=TERM,
                    note=NOTE,
                    agreed_by=(ANNOTATOR,) if annotator == GOLD else (),
                )
            )
            store.annotations.put_judgment(SentenceState(first.id, annotator, status="done", note="-" + NOTE))


def _cells(path: Path) -> tuple[str, list[list[str]]]:
    raw = path.read_text(encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as handle:
        return raw, list(csv.reader(handle, strict=True))


def test_every_cell_of_every_csv_export_is_spreadsheet_safe_and_round_trips(tmp_path: Path):
    source = _project(tmp_path, "source")
    _annotate(source)
    plain, gold = tmp_path / "plain", tmp_path / "gold"
    run("export", "--db", str(source), "--what", "all", "--out", str(plain))
    run("export", "--db", str(source), "--what", "all", "--gold", "--out", str(gold))
    files = sorted(plain.iterdir()) + sorted(gold.iterdir())
    assert len(files) == 8
    for path in files:
        raw, rows = _cells(path)
        header, *body = rows
        assert body, path.name
        for row in body:
            for column, cell in zip(header, row):
                assert cell[:1] not in TRIGGERS, (path.name, column, cell)
                if ";" in cell:
                    assert '"' + cell.replace('"', '""') + '"' in raw, (path.name, column, cell)

    target = _project(tmp_path, "target")
    spans_files = [p for p in files if "-spans-" in p.name or "-sentences-" in p.name]
    run("import-annotations", "--db", str(target), *map(str, spans_files))
    with Store.open(source, readonly=True) as before, Store.open(target, readonly=True) as after:
        names = sorted(before.annotations.annotators())
        assert sorted(after.annotations.annotators()) == names == sorted([ANNOTATOR, GOLD])
        assert [d.id for d in after.corpus.iter_documents()] == [HOSTILE_ID]

        def state(store: Store) -> list:
            return [
                (s.annotator, s.start, s.end, s.label, s.lexicon_term, s.note) for s in store.annotations.iter_spans()
            ] + [(j.annotator, j.status, j.note) for j in store.annotations.iter_judgments()]

        assert state(after) == state(before)


def test_lexicon_export_is_spreadsheet_safe_and_loads_back_exactly(tmp_path: Path):
    source = _project(tmp_path, "source")
    lexicon = tmp_path / "hostile.csv"
    with lexicon.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["term", "label", "match", "forms", "exclude", "neutral", "note", "source"])
        writer.writerow(["=pengecut", "loaded_language", "exact", "@kecut", "", "-netral;x", NOTE, "+sumber;=1"])
    run("lexicon", "load", "--db", str(source), str(lexicon), "--name", "hostile")
    out = tmp_path / "exported.csv"
    run("lexicon", "export", "--db", str(source), "--lexicon", "hostile", "--out", str(out))
    raw, rows = _cells(out)
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in TRIGGERS, cell
            if ";" in cell:
                assert '"' + cell.replace('"', '""') + '"' in raw, cell

    target = _project(tmp_path, "target")
    run("lexicon", "load", "--db", str(target), str(out), "--name", "hostile")

    def entries(db: Path) -> list:
        with Store.open(db, readonly=True) as store:
            return [(e.term, e.forms, e.neutral, e.note, e.source) for e in store.lexicons.entries("hostile")]

    assert entries(target) == entries(source) == [("=pengecut", ("@kecut",), "-netral;x", NOTE, "+sumber;=1")]
