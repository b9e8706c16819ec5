"""`annotator agreement --table`: agreement from a plain units x coders CSV, no project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 12 units x 4 coders.
K2011 = """unit,A,B,C,D
1,1,1,,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,,5,5,5
11,,,1,1
12,,3,,
"""

# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each; how many chose each diagnosis
# (depression, personality disorder, schizophrenia, neurosis, other).
FLEISS_1971 = [
    (0, 0, 0, 6, 0),
    (0, 3, 0, 0, 3),
    (0, 1, 4, 0, 1),
    (0, 0, 0, 0, 6),
    (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0),
    (0, 0, 4, 0, 2),
    (2, 0, 3, 1, 0),
    (2, 0, 0, 4, 0),
    (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0),
    (1, 1, 0, 4, 0),
    (0, 3, 3, 0, 0),
    (1, 0, 0, 5, 0),
    (0, 2, 0, 3, 1),
    (0, 0, 5, 0, 1),
    (3, 0, 0, 1, 2),
    (5, 1, 0, 0, 0),
    (0, 2, 0, 4, 0),
    (1, 0, 2, 0, 3),
    (0, 0, 0, 0, 6),
    (0, 1, 0, 5, 0),
    (0, 2, 0, 1, 3),
    (2, 0, 0, 4, 0),
    (1, 0, 0, 4, 1),
    (0, 5, 0, 1, 0),
    (4, 0, 0, 0, 2),
    (0, 2, 0, 4, 0),
    (1, 0, 5, 0, 0),
    (0, 0, 0, 0, 6),
]
DIAGNOSES = ("depression", "personality disorder", "schizophrenia", "neurosis", "other")


def run(*args: str, code: int = 0, stdin: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture
def k2011(tmp_path: Path) -> Path:
    path = tmp_path / "k2011.csv"
    path.write_text(K2011, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_table_reproduces_krippendorff_2011(k2011, metric, published):
    data = json.loads(run("agreement", "--table", str(k2011), "--metric", metric, "--json").stdout)
    assert round(data["krippendorff_alpha"], 3) == published
    assert data["level"] == "sentence" and data["annotators"] == ["A", "B", "C", "D"]
    assert data["units"] == 11  # unit 12 has one value: not pairable
    assert data["warnings"] == []


def test_table_reproduces_fleiss_1971_from_stdin():
    lines = ["patient," + ",".join(f"rater{i}" for i in range(1, 7))]
    for patient, counts in enumerate(FLEISS_1971, start=1):
        ratings = [name for name, count in zip(DIAGNOSES, counts) for _ in range(count)]
        lines.append(f"{patient}," + ",".join(ratings))
    data = json.loads(run("agreement", "--table", "-", "--json", stdin="\n".join(lines) + "\n").stdout)
    assert round(data["fleiss_kappa"], 3) == 0.430
    assert data["fleiss_units"] == 30


def test_table_json_has_the_sentence_levels_keys_and_a_reproducible_interval(k2011, tmp_path):
    from annotator.agreement.report import sentence_level
    from annotator.agreement.table import read_table

    args = ("agreement", "--table", str(k2011), "--bootstrap", "300", "--seed", "2", "--json")
    data = json.loads(run(*args).stdout)
    assert data == json.loads(run(*args).stdout)
    low, high = data["krippendorff_alpha_ci"]
    assert low <= data["krippendorff_alpha"] <= high
    expected = sentence_level(read_table(K2011.splitlines(), "x"), "nominal")
    assert set(data) == set(expected) | {"krippendorff_alpha_ci"}
    assert set(data["cohen_kappa"]) == {"A|B", "A|C", "A|D", "B|C", "B|D", "C|D"}


def test_table_readable_output_and_csv(k2011):
    text = run("agreement", "--table", str(k2011)).stdout
    assert "0.743" in text and "11 units" in text
    rows = run("agreement", "--table", str(k2011), "--csv").stdout.splitlines()
    assert rows[0] == "level,scope,measure,value,n"
    assert any(row.startswith("sentence,all,krippendorff_alpha,0.743") for row in rows)


def test_text_values_order_as_text_and_the_metric_says_it_uses_positions(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("unit,a,b\nu1,low,low\nu2,high,mid\nu3,mid,mid\nu4,high,high\n", encoding="utf-8")
    data = json.loads(run("agreement", "--table", str(path), "--metric", "interval", "--json").stdout)
    assert data["krippendorff_alpha"] is not None
    assert any("positions" in warning for warning in data["warnings"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("unit,a\n1,x\n", "two coder columns"),
        ("unit,a,a\n1,x,y\n", "distinct"),
        ("unit,a,b\n1,x\n", "line 2"),
        ("unit,a,b\n1,x,y\n1,x,x\n", "appears twice"),
    ],
)
def test_bad_tables_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = run("agreement", "--table", str(path), code=1)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_project_options_are_refused_with_a_table(k2011, tmp_path):
    assert "--level" in run("agreement", "--table", str(k2011), "--level", "token", code=2).stderr
    assert "error" in run("agreement", "--table", str(tmp_path / "missing.csv"), code=1).stderr
