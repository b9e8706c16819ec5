"""Outside models through `annotator suggest --command`: the JSONL protocol, the
example program, and every kind of bad output refused whole."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Store

EXAMPLE = Path(__file__).parents[2] / "examples" / "keyword_tagger.py"
PY = shlex.quote(sys.executable)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The samples imported once; each test gets its own copy."""
    from annotator.resources import sample_paths

    path = tmp_path_factory.mktemp("external") / "template.db"
    ok("import", "--db", path, *sample_paths())
    return path


@pytest.fixture
def project(imported, db_path):
    Store.copy_database(imported, db_path)
    return db_path


def external_suggestions(db_path, source="external:keyword_tagger"):
    with Store.open(db_path, readonly=True) as store:
        return [
            (s.text[g.start : g.end], g)
            for s in store.corpus.iter_sentences()
            for g in store.suggestions.for_sentence(s.id)
            if g.detector == source
        ]


def tool(tmp_path, body: str) -> str:
    """A one-off outside program: `body` runs once per input sentence, with `s` the
    sentence and `emit(obj)` to write a line; the command to run it."""
    path = tmp_path / "tool.py"
    path.write_text(
        "import json, sys, time\n"
        "def emit(obj):\n    print(obj if isinstance(obj, str) else json.dumps(obj))\n"
        "for line in sys.stdin:\n    s = json.loads(line)\n" + "".join(f"    {row}\n" for row in body.splitlines()),
        encoding="utf-8",
    )
    return f"{PY} {shlex.quote(str(path))}"


def test_the_example_program_suggests_and_its_suggestions_are_counted_in_stats(project):
    command = f"{PY} {shlex.quote(str(EXAMPLE))} --label loaded_language Israel Irak"
    report = json.loads(ok("suggest", "--command", command, "--db", project, "--json").stdout)
    assert report["source"] == "external:keyword_tagger" and report["added"] > 0
    found = external_suggestions(project)
    assert {text for text, _ in found} == {"Israel", "Irak"}
    assert all(g.score == 1.0 and g.reason.startswith("keyword") for _, g in found)
    # Accepted and rejected like any other suggestion, and counted beside the lexicon.
    with Store.open(project) as store:
        store.suggestions.set_decision(found[0][1].id, "ana", "rejected")
    stats = json.loads(ok("lexicon", "stats", "--db", project, "--json").stdout)["entries"]
    [row] = [r for r in stats if r["term"] == "(external:keyword_tagger)"]
    assert row["label"] == "loaded_language" and row["rejected"] == 1 and row["hits"] == len(found)
    # A second run keeps the decisions of what it suggests again, and the lexicon's own.
    again = json.loads(ok("suggest", "--command", command, "--db", project, "--json").stdout)
    assert (again["added"], again["kept"]) == (0, len(found))


def test_the_program_gets_every_sentence_with_id_text_tokens_and_document(project, tmp_path):
    seen = tmp_path / "seen.jsonl"
    command = tool(tmp_path, f"open({str(seen)!r}, 'a').write(json.dumps(s) + '\\n')")
    ok("suggest", "--command", command, "--name", "probe", "--db", project)
    lines = [json.loads(line) for line in seen.read_text().splitlines()]
    with Store.open(project, readonly=True) as store:
        sentences = list(store.corpus.iter_sentences())
    assert [(x["id"], x["text"], [tuple(t) for t in x["tokens"]], x["document_id"]) for x in lines] == [
        (s.id, s.text, s.tokens, s.document_id) for s in sentences
    ]


BAD_OUTPUT = [
    ('emit({"id": s["id"], "start": 0, "end": len(s["text"]) + 1, "label": "loaded_language"})', "out of range"),
    ('emit({"id": s["id"], "start": 3, "end": 3, "label": "loaded_language"})', "out of range"),
    ('emit({"id": s["id"], "start": -1, "end": 2, "label": "loaded_language"})', "out of range"),
    ('emit({"id": s["id"], "start": 0, "end": 2, "label": "no_such_label"})', "unknown label"),
    ('emit({"id": 10**9, "start": 0, "end": 2, "label": "loaded_language"})', "unknown sentence id"),
    ('emit({"id": s["id"], "start": "0", "end": 2, "label": "loaded_language"})', "whole numbers"),
    ('emit({"id": s["id"], "start": 0, "end": 2, "label": "loaded_language", "score": 1.5})', "score"),
    ('emit({"id": s["id"], "start": 0, "end": 2})', "missing 'label'"),
    ('emit("this is not json")', "not a JSON object"),
    ('emit("[1, 2]")', "not a JSON object"),
]


@pytest.mark.parametrize(("body", "problem"), BAD_OUTPUT)
def test_bad_output_is_refused_line_by_line_and_nothing_is_stored(project, tmp_path, body, problem):
    # The first sentence's line is good; every other sentence's line is bad.
    good = 'emit({"id": s["id"], "start": 0, "end": 2, "label": "loaded_language"})'
    command = tool(tmp_path, f"if s['id'] == 1:\n    {good}\nelse:\n    {body}")
    result = invoke("suggest", "--command", command, "--name", "bad", "--db", project)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors and all(problem in line for line in errors[:-1] if "more" not in line), errors
    assert errors[0].startswith("error: 2: ")  # output line 2, the first bad one
    assert "nothing was stored" in result.stderr
    assert external_suggestions(project, "external:bad") == []


def test_a_crash_is_refused_and_nothing_is_stored(project, tmp_path):
    command = tool(
        tmp_path,
        'emit({"id": s["id"], "start": 0, "end": 2, "label": "loaded_language"})\n'
        'if s["id"] == 3:\n    raise SystemExit("model failed to load")',
    )
    result = invoke("suggest", "--command", command, "--name", "crash", "--db", project)
    assert result.exit_code == 1
    assert "error: 4: the command exited with status 1 (model failed to load)" in result.stderr
    assert external_suggestions(project, "external:crash") == []


def test_a_time_out_is_refused_and_nothing_is_stored(project, tmp_path):
    command = tool(
        tmp_path,
        'emit({"id": s["id"], "start": 0, "end": 2, "label": "loaded_language"})\nsys.stdout.flush()\ntime.sleep(30)',
    )
    result = invoke("suggest", "--command", command, "--name", "slow", "--timeout", "1", "--db", project)
    assert result.exit_code == 1
    assert "the command timed out after 1 s" in result.stderr
    assert external_suggestions(project, "external:slow") == []


def test_a_missing_program_is_one_line(project):
    result = invoke("suggest", "--command", "/no/such/program --x", "--db", project)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "cannot run" in result.stderr


def test_a_refused_run_leaves_the_previous_suggestions_of_that_source(project, tmp_path):
    command = f"{PY} {shlex.quote(str(EXAMPLE))} --label loaded_language Israel"
    ok("suggest", "--command", command, "--name", "kw", "--db", project)
    before = external_suggestions(project, "external:kw")
    assert before
    crash = tool(tmp_path, "raise SystemExit(2)")
    assert invoke("suggest", "--command", crash, "--name", "kw", "--db", project).exit_code == 1
    assert external_suggestions(project, "external:kw") == before
