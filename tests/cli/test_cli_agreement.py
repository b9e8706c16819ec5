"""`annotator agreement` and `annotator disagreements` end to end on a project file."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import BROKEN_PIPE_EXIT, cli
from annotator.corpus_import import Importer
from annotator.model import GOLD, SentenceState, SpanAnnotation
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store
from annotator.tagset import load_tagset
from annotator.textnorm import visible


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def _mark(store: Store, name: str, sentence, spans, judgment) -> None:
    store.annotations.put_judgment(SentenceState(sentence.id, name, status="done", judgment=judgment))
    for first, last, label in spans:
        store.annotations.add_span(
            SpanAnnotation(sentence.id, name, sentence.tokens[first][0], sentence.tokens[last][1], label)
        )


@pytest.fixture(scope="module")
def project_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three annotators (and gold) on the first 15 sample sentences, agreeing in part.

    Built once: every command here opens it read-only."""
    db_path = tmp_path_factory.mktemp("agreement") / "project.db"
    with Store.open(db_path, create=True) as store, store.transaction():
        store.initialize("agreement", load_tagset(default_tagset_path()))
        Importer(store).run(sample_paths())
        for i, s in enumerate(list(store.corpus.iter_sentences())[:15]):
            base = [(0, 1, "loaded_language")] if i % 2 else [(2, 2, "name_calling")]
            _mark(store, "ana", s, base, "biased" if i % 3 else "neutral")
            _mark(store, "budi", s, base if i % 4 else [(0, 0, "loaded_language")], "biased" if i % 2 else "neutral")
            _mark(store, "citra", s, base if i % 5 else [], "biased" if i % 3 else "cannot_tell")
            _mark(store, GOLD, s, base, "biased" if i % 3 else "neutral")
    return db_path


def test_json_for_all_levels_is_one_object_keyed_by_level(project_db):
    data = json.loads(run("agreement", "--db", str(project_db), "--json").stdout)
    assert list(data) == ["sentence", "token", "span", "unitizing"]
    assert data["sentence"]["annotators"] == ["ana", "budi", "citra"]
    assert set(data["sentence"]["cohen_kappa"]) == {"ana|budi", "ana|citra", "budi|citra"}
    assert data["sentence"]["units"] == 15
    assert isinstance(data["unitizing"]["alpha_u"], float)


@pytest.mark.parametrize("level", ["sentence", "token", "span", "unitizing"])
def test_json_for_one_level_carries_the_contract_keys(project_db, level):
    data = json.loads(run("agreement", "--db", str(project_db), "--level", level, "--json").stdout)
    assert {"level", "annotators", "units", "metric", "warnings"} <= set(data)
    assert data["level"] == level
    expected = {
        "sentence": {"percent_agreement", "krippendorff_alpha", "fleiss_kappa", "cohen_kappa", "mean_cohen_kappa"},
        "token": {
            "percent_agreement",
            "krippendorff_alpha",
            "fleiss_kappa",
            "cohen_kappa",
            "mean_cohen_kappa",
            "per_label",
        },
        "span": {"pairs", "mean_exact_f1", "mean_overlap_f1", "per_label"},
        "unitizing": {"alpha_u", "per_label"},
    }[level]
    assert expected <= set(data)


def test_annotators_option_compares_with_gold(project_db):
    data = json.loads(
        run("agreement", "--db", str(project_db), "--annotators", "ana,gold", "--level", "span", "--json").stdout
    )
    assert data["annotators"] == ["ana", "gold"]
    assert data["pairs"]["ana|gold"]["exact_f1"] == 1.0


def test_bootstrap_with_a_seed_is_reproducible(project_db):
    args = ("agreement", "--db", str(project_db), "--level", "token", "--bootstrap", "200", "--seed", "9", "--json")
    first, second = json.loads(run(*args).stdout), json.loads(run(*args).stdout)
    assert first["krippendorff_alpha_ci"] == second["krippendorff_alpha_ci"]
    assert len(first["krippendorff_alpha_ci"]) == 2


def test_readable_tables_show_n_and_a_reading_of_alpha(project_db):
    output = run("agreement", "--db", str(project_db)).stdout
    assert "Agreement among ana, budi, citra (3 annotators)" in output
    assert "Krippendorff's alpha (nominal)" in output
    assert "Reading: alpha = " in output and "Reading: alpha_U = " in output
    assert "exact F1" in output


def test_csv_rows_name_level_scope_measure_value_and_n(project_db):
    output = run("agreement", "--db", str(project_db), "--level", "token", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(output)))
    alpha = next(r for r in rows if r["scope"] == "all" and r["measure"] == "krippendorff_alpha")
    assert alpha["level"] == "token" and float(alpha["value"]) and int(alpha["n"]) > 0
    assert any(r["scope"] == "pair:ana|budi" and r["measure"] == "cohen_kappa" for r in rows)


def test_by_document_and_label_options(project_db):
    data = json.loads(
        run(
            "agreement",
            "--db",
            str(project_db),
            "--level",
            "unitizing",
            "--by",
            "document",
            "--label",
            "loaded_language",
            "--json",
        ).stdout
    )
    assert list(data["per_label"]) == ["loaded_language"]
    assert data["by_document"]


def test_confusion_matrix_between_two_annotators(project_db):
    data = json.loads(run("agreement", "--db", str(project_db), "--confusion", "ana,budi", "--json").stdout)
    assert data["annotators"] == ["ana", "budi"] and data["labels"][0] == "O"
    assert sum(map(sum, data["matrix"])) == data["units"]
    assert "rows ana, columns budi" in run("agreement", "--db", str(project_db), "--confusion", "ana,budi").stdout


def test_one_annotator_is_a_clear_message_not_a_crash(project_db):
    result = run("agreement", "--db", str(project_db), "--annotators", "ana", code=1)
    assert result.stderr.startswith("error: agreement needs at least two annotators")
    assert "Traceback" not in result.output


def test_repeated_annotator_is_rejected(project_db):
    result = run("agreement", "--db", str(project_db), "--annotators", "ana,ana", code=1)
    assert "listed twice" in result.stderr


def test_json_and_csv_together_is_a_usage_error(project_db):
    run("agreement", "--db", str(project_db), "--json", "--csv", code=2)


def test_disagreements_json_ranks_sentences_with_everyones_work(project_db):
    data = json.loads(run("disagreements", "--db", str(project_db), "--limit", "3", "--json").stdout)
    assert data["level"] == "token" and len(data["sentences"]) == 3
    scores = [entry["disagreement"] for entry in data["sentences"]]
    assert scores == sorted(scores, reverse=True)
    assert set(data["sentences"][0]["annotations"]) == {"ana", "budi", "citra"}


@pytest.mark.parametrize("level", ["token", "span", "sentence"])
def test_disagreements_print_side_by_side(project_db, level):
    output = run("disagreements", "--db", str(project_db), "--level", level, "--limit", "2").stdout
    assert "sentences where ana, budi, citra disagree" in output
    assert "  ana " in output and "  citra " in output


def _annotator_rows(output: str) -> list[str]:
    """Each annotator's row of `disagreements`, its wrapped lines joined by one space."""
    rows: list[str] = []
    for line in output.splitlines():
        if line.startswith(" " * 9) and rows:
            rows[-1] += " " + line.strip()
        elif line.startswith("  ") and not line.startswith("   "):
            rows.append(line.strip())
    return rows


def test_disagreements_wrap_at_word_boundaries_under_the_text(project_db, monkeypatch):
    from annotator.commands.common import out

    console = out.real()
    monkeypatch.setattr(console, "width", 1000)
    wide = run("disagreements", "--db", str(project_db), "--level", "token", "--limit", "3").stdout
    monkeypatch.setattr(console, "width", 60)
    narrow = run("disagreements", "--db", str(project_db), "--level", "token", "--limit", "3").stdout
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert sum(line.startswith(" " * 9) for line in narrow.splitlines()) >= 6  # continuations, indented
    # Joined again with one space, the wrapped rows are the unwrapped ones: a word cut
    # in the middle would come back with a space inside it.
    rows = _annotator_rows(narrow)
    assert len(rows) == 9
    assert [" ".join(row.split()) for row in rows] == [" ".join(row.split()) for row in _annotator_rows(wide)]


def test_agreement_on_a_missing_project_creates_nothing(tmp_path):
    missing = tmp_path / "none.db"
    run("agreement", "--db", str(missing), code=1)
    assert not missing.exists()


@pytest.mark.parametrize(
    "command", [["disagreements", "--limit", "50"], ["agreement"], ["agreement", "--csv"], ["documents"]]
)
def test_a_broken_pipe_ends_quietly_as_unix_tools_do(project_db, command):
    # `annotator ... | head`: the reader is gone before the first line is written.
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", *command, "--db", str(project_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == BROKEN_PIPE_EXIT
    assert stderr == b""


HOSTILE_NAME = "bu\x1b]0;PWNED\x07di\x1b]8;;https://evil.example\x07"


@pytest.fixture(scope="module")
def hostile_names_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("hostile-names") / "project.db"
    with Store.open(db_path, create=True) as store, store.transaction():
        store.initialize("agreement", load_tagset(default_tagset_path()))
        Importer(store).run(sample_paths()[:1])
        for i, s in enumerate(list(store.corpus.iter_sentences())[:6]):
            _mark(store, "ana", s, [(0, 1, "loaded_language")], "biased" if i % 2 else "neutral")
            _mark(store, HOSTILE_NAME, s, [(0, 0, "loaded_language")], "biased")
    return db_path


def _on_a_terminal(*args: str) -> bytes:
    """What the command writes to stdout when stdout is a terminal (a pty)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "annotator.cli", *args], stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # EIO: the command closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    return b"".join(chunks)


def test_agreement_csv_on_a_terminal_shows_names_without_their_escapes(hostile_names_db):
    shown = _on_a_terminal("agreement", "--csv", "--db", str(hostile_names_db))
    # The name holds `;` (in its OSC 8 escape), so its cell is quoted.
    assert b'sentence,"pair:' in shown and b"\x1b" not in shown and b"\x07" not in shown
    assert visible(HOSTILE_NAME).encode("utf-8") in shown
    # Into a pipe or file the CSV is data, and holds the name exactly.
    piped = run("agreement", "--csv", "--db", str(hostile_names_db)).stdout
    assert f'"pair:ana|{HOSTILE_NAME}",' in piped


def test_bootstrap_resamples_sentences_and_adds_every_interval(project_db):
    args = ("agreement", "--db", str(project_db), "--bootstrap", "300", "--seed", "3", "--json")
    data = json.loads(run(*args).stdout)
    for level in ("sentence", "token"):
        low, high = data[level]["krippendorff_alpha_ci"]
        assert low <= data[level]["krippendorff_alpha"] <= high
    low, high = data["unitizing"]["alpha_u_ci"]
    assert low <= data["unitizing"]["alpha_u"] <= high
    used = {
        label: entry for label, entry in data["token"]["per_label"].items() if entry["krippendorff_alpha"] is not None
    }
    assert used and all(entry["ci"][0] <= entry["krippendorff_alpha"] <= entry["ci"][1] for entry in used.values())
    assert set(data["unitizing"]["per_label_ci"]) == set(data["unitizing"]["per_label"])
    low, high = data["span"]["mean_exact_f1_ci"]
    assert low <= data["span"]["mean_exact_f1"] <= high
    assert all("ci" in entry for entry in data["span"]["per_label"].values())
    by_document = json.loads(run(*args, "--bootstrap-unit", "document").stdout)
    assert by_document["token"]["krippendorff_alpha"] == data["token"]["krippendorff_alpha"]
    assert by_document["token"]["krippendorff_alpha_ci"] != data["token"]["krippendorff_alpha_ci"]
    table = run("agreement", "--db", str(project_db), "--bootstrap", "50", "--seed", "3").stdout
    assert "[" in table and "alpha_U" in table


def test_bootstrap_unit_is_checked(project_db):
    result = run("agreement", "--db", str(project_db), "--bootstrap-unit", "token", code=2)
    assert "token" in result.stderr


@pytest.fixture(scope="module")
def formula_names_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two annotators whose names a spreadsheet would run as formulas, one holding `;`."""
    db_path = tmp_path_factory.mktemp("formula-names") / "project.db"
    with Store.open(db_path, create=True) as store, store.transaction():
        store.initialize("agreement", load_tagset(default_tagset_path()))
        Importer(store).run(sample_paths()[:1])
        for i, s in enumerate(list(store.corpus.iter_sentences())[:6]):
            _mark(store, "=HYPERLINK(1)", s, [(0, 1, "loaded_language")], "biased" if i % 2 else "neutral")
            _mark(store, "+a;b", s, [(0, 0, "loaded_language")], "biased")
    return db_path


def test_agreement_csv_cells_are_spreadsheet_safe(formula_names_db):
    levels = run("agreement", "--csv", "--db", str(formula_names_db)).stdout
    rows = list(csv.reader(io.StringIO(levels)))
    assert rows[0] == ["level", "scope", "measure", "value", "n"]
    assert not [cell for row in rows for cell in row if cell and cell[0] in "=+@"]
    # Numbers (a negative alpha among them) are not escaped.
    assert all(row[3] == "" or float(row[3]) == float(row[3]) for row in rows[1:])
    confusion = run(
        "agreement", "--csv", "--db", str(formula_names_db), "--confusion", "=HYPERLINK(1),+a;b", "--level", "token"
    ).stdout
    header = confusion.splitlines()[0]
    # The name cell is escaped (an apostrophe first) and quoted for its `;`.
    assert header.startswith("'=HYPERLINK(1) \\ +a;b,") or header.startswith('"\'=HYPERLINK(1) \\ +a;b",')
    assert not [cell for row in csv.reader(io.StringIO(confusion)) for cell in row if cell and cell[0] in "=+@"]
