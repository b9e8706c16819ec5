"""The lexicon commands and `annotator suggest`, through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.lexicon.entries import COLUMNS
from annotator.lexicon.phrase import MAX_GAPS, MAX_WORDS
from annotator.store import Store

S001, S004 = "001_0da7177c8754087f", "004_42838089c5e12062"
HEADER = ",".join(COLUMNS)


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def project(db_path, samples_dir):
    ok("import", "--db", db_path, samples_dir)
    return db_path


def show_suggestions(db_path: Path, document_id: str) -> list[tuple]:
    data = json.loads(ok("show", document_id, "--db", db_path, "--json").stdout)
    return [
        (s["index"], g["start"], g["end"], s["text"][g["start"] : g["end"]], g["label"], g["term"], g["quoted"])
        for s in data["sentences"]
        for g in s["suggestions"]
    ]


def test_import_suggests_and_show_json_lists_the_suggestions(project):
    data = json.loads(ok("show", S004, "--db", project, "--json").stdout)
    for sentence in data["sentences"]:
        for g in sentence["suggestions"]:
            assert set(g) == {"start", "end", "label", "term", "quoted"}
            assert 0 <= g["start"] < g["end"] <= len(sentence["text"])
    assert [s[3:] for s in show_suggestions(project, S004)] == [
        ("“Israel”", "scare_quotes", "Israel", False),
        ("rezim", "name_calling", "rezim", False),
        ("rezim", "name_calling", "rezim", False),
        ("jihadis", "name_calling", "jihadis", False),
    ]
    quoted = [s for s in show_suggestions(project, S001) if s[6]]
    assert [s[3:] for s in quoted] == [("genosida", "loaded_language", "genosida", True)]


def test_init_loads_the_default_lexicon_and_list_shows_it(db_path):
    ok("init", "--db", db_path)
    data = json.loads(ok("lexicon", "list", "--db", db_path, "--json").stdout)
    assert [x["name"] for x in data["lexicons"]] == ["id-loaded-language"]
    assert data["lexicons"][0]["entries"] == len(data["entries"]) >= 60
    assert {"term": "pendudukan", "match": "stem"}.items() <= next(
        e for e in data["entries"] if e["term"] == "pendudukan"
    ).items()
    text = ok("lexicon", "list", "--db", db_path, "--label", "epistemic_framing").stdout
    assert "dalih" in text and "rezim" not in text


def test_check_reports_each_problem_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nrezim,nope,exact\n,name_calling,exact\nx (y,loaded_language,phrase\n", encoding="utf-8")
    result = invoke("lexicon", "check", bad)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {bad}:2: unknown label 'nope'")
    assert lines[1] == f"error: {bad}:3: empty term"
    assert lines[2] == f"error: {bad}:4: cannot parse phrase 'x (y': unclosed '('"
    assert lines[3] == f"3 problem(s) in {bad}."
    assert not Path("annotator.db").exists()  # check creates no project


def test_check_accepts_the_bundled_lexicon_against_a_project_or_a_tagset(project, tmp_path):
    from annotator.resources import default_lexicon_path, default_tagset_path

    result = ok("lexicon", "check", default_lexicon_path(), "--db", project)
    assert "entries OK against the tag set of" in result.stdout
    result = ok(
        "lexicon", "check", default_lexicon_path(), "--tagset", default_tagset_path(), "--db", tmp_path / "none.db"
    )
    assert "entries OK" in result.stdout and not (tmp_path / "none.db").exists()


def test_load_adds_a_lexicon_and_refuses_a_second_of_the_same_name_unless_replace(project, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(HEADER + "\nmemerangi,loaded_language,exact,,,melawan,war verb,test\n", encoding="utf-8")
    assert "Loaded lexicon 'mine': 1 entries" in ok("lexicon", "load", mine, "--db", project).stdout
    result = invoke("lexicon", "load", mine, "--db", project)
    assert result.exit_code == 1 and "already has a lexicon 'mine': pass --replace" in result.stderr
    mine.write_text(HEADER + "\nmemerangi,loaded_language,exact\nmengutuk,loaded_language,exact\n", encoding="utf-8")
    ok("lexicon", "load", mine, "--db", project, "--replace")
    data = json.loads(ok("lexicon", "list", "--db", project, "--json", "--lexicon", "mine").stdout)
    assert [e["term"] for e in data["entries"]] == ["memerangi", "mengutuk"]
    # The suggestions follow only after `annotator suggest`.
    before = len(show_suggestions(project, S004))
    report = json.loads(ok("suggest", "--db", project, "--json").stdout)
    assert report["added"] == 3 and report["removed"] == 0 and report["kept"] == 24  # memerangi twice, mengutuk
    assert len(show_suggestions(project, S004)) == before + 1


def test_load_warns_of_entries_another_lexicon_already_defines(project, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(HEADER + "\npengecut,loaded_language,exact\nmemerangi,loaded_language,exact\n", encoding="utf-8")
    result = ok("lexicon", "load", mine, "--db", project)
    assert "Loaded lexicon 'mine': 2 entries" in result.stdout
    [warning] = result.stderr.splitlines()
    assert (
        warning.startswith("warning: duplicate entry") and "'pengecut'" in warning and "id-loaded-language" in warning
    )
    # Replacing the lexicon with itself is no overlap.
    assert ok("lexicon", "load", mine, "--db", project, "--replace").stderr.count("warning:") == 1


def test_load_of_an_invalid_file_loads_nothing(project, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nmemerangi,loaded_language,exact\nrezim,nope,exact\n", encoding="utf-8")
    result = invoke("lexicon", "load", bad, "--db", project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}:3: unknown label 'nope' (labels: loaded_language, "
        "name_calling, epistemic_framing, scare_quotes, euphemism, "
        "unattributed_claim)",
        "1 problem(s); nothing was loaded.",
    ]
    with Store.open(project) as store:
        assert [x.name for x in store.lexicons.all()] == ["id-loaded-language"]


def test_add_remove_and_suggest_keep_decisions(project):
    with Store.open(project) as store:
        sentence = next(s for s in store.corpus.sentences_of(S004) if "kendali rezim Suriah" in s.text)
        [rezim] = store.suggestions.for_sentence(sentence.id)
        store.suggestions.set_decision(rezim.id, "ani", "rejected")
    result = ok(
        "lexicon",
        "add",
        "kendali",
        "--label",
        "loaded_language",
        "--neutral",
        "kontrol",
        "--note",
        "test",
        "--db",
        project,
    )
    assert "Added 'kendali' (loaded_language, exact) to lexicon 'project'" in result.stdout
    ok("lexicon", "add", "luar kendali", "--label", "euphemism", "--db", project)  # phrase by default
    ok("suggest", "--db", project)
    with Store.open(project) as store:
        got = [
            (sentence.text[g.start : g.end], g.term, g.decision)
            for g in store.suggestions.for_sentence(sentence.id, "ani")
        ]
    assert got == [("luar kendali", "luar kendali", None), ("rezim", "rezim", "rejected")]
    assert "Removed 'rezim' (name_calling, exact)" in ok("lexicon", "remove", "REZIM", "--db", project).stdout
    ok("suggest", "--db", project)
    with Store.open(project) as store:
        assert [g.term for g in store.suggestions.for_sentence(sentence.id)] == ["luar kendali"]


def test_add_and_remove_errors(project):
    result = invoke("lexicon", "add", "rezim", "--label", "name_calling", "--db", project)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: duplicate entry 'rezim' (exact): already defined in lexicon 'id-loaded-language' (line 20)\n"
    )
    result = invoke("lexicon", "add", "x", "--label", "nope", "--db", project)
    assert result.exit_code == 1 and "unknown label 'nope'" in result.stderr
    result = invoke("lexicon", "add", "a (b", "--label", "loaded_language", "--db", project)
    assert result.exit_code == 1 and "cannot parse phrase 'a (b': unclosed '('" in result.stderr
    result = invoke("lexicon", "add", "x", "--label", "loaded_language", "--match", "fuzzy", "--db", project)
    assert result.exit_code == 2
    result = invoke("lexicon", "add", "x", "--db", project)
    assert result.exit_code == 2 and "--label is required" in result.stderr
    ok("lexicon", "add", "Perlawanan Gaza", "--match", "ignore", "--db", project)
    result = invoke("lexicon", "remove", "nothing-like-this", "--db", project)
    assert result.exit_code == 1 and result.stderr == "error: no lexicon entry 'nothing-like-this'\n"


def test_export_round_trips_through_load(project, tmp_path):
    text = ok("lexicon", "export", "--db", project).stdout
    assert text.splitlines()[0] == HEADER
    out = tmp_path / "exported.csv"
    result = ok("lexicon", "export", "--db", project, "--out", out)
    assert out.read_text(encoding="utf-8") == text and "Wrote" in result.stderr
    with Store.open(project) as store:
        original = [
            (e.term, e.label, e.match, e.forms, e.exclude, e.neutral, e.note, e.source)
            for e in store.lexicons.entries()
        ]
    ok("lexicon", "load", out, "--db", project, "--name", "id-loaded-language", "--replace")
    with Store.open(project) as store:
        again = [
            (e.term, e.label, e.match, e.forms, e.exclude, e.neutral, e.note, e.source)
            for e in store.lexicons.entries()
        ]
    assert again == original
    result = invoke("lexicon", "export", "--db", project, "--lexicon", "nope")
    assert result.exit_code == 1 and "no lexicon 'nope'" in result.stderr


def test_stats_table_json_and_candidates(project):
    with Store.open(project) as store:
        for sentence in store.corpus.iter_sentences():
            for g in store.suggestions.for_sentence(sentence.id):
                store.suggestions.set_decision(g.id, "ani", "rejected" if g.term == "rezim" else "accepted")
        from annotator.model import SpanAnnotation

        sentence = next(s for s in store.corpus.sentences_of(S004) if "kendali rezim Suriah" in s.text)
        start = sentence.text.index("kendali")
        for annotator in ("ani", "budi"):
            store.annotations.add_span(SpanAnnotation(sentence.id, annotator, start, start + 7, "loaded_language"))
    data = json.loads(ok("lexicon", "stats", "--db", project, "--json").stdout)
    first = data["entries"][0]
    assert (
        first["term"],
        first["hits"],
        first["accepted"],
        first["rejected"],
        first["pending"],
        first["precision"],
    ) == ("rezim", 2, 0, 2, 0, 0.0)
    assert set(first) == {"term", "label", "match", "lexicon", "hits", "accepted", "rejected", "pending", "precision"}
    table = ok("lexicon", "stats", "--db", project).stdout
    assert "precision" in table and "rezim" in table
    data = json.loads(ok("lexicon", "stats", "--candidates", "--db", project, "--json").stdout)
    assert data == {
        "candidates": [
            {
                "form": "kendali",
                "label": "loaded_language",
                "frequency": 2,
                "annotators": 2,
                "labels": {"loaded_language": 2},
                "command": "annotator lexicon add kendali --label loaded_language",
            }
        ],
        "excludes": [],
    }
    table = ok("lexicon", "stats", "--candidates", "--db", project).stdout
    assert "annotator lexicon add kendali --label loaded_language" in table.replace("\n", " ") or "kendali" in table


def test_suggest_output_and_missing_project(project, tmp_path):
    assert "24 suggestions (0 new, 0 removed, 24 kept" in ok("suggest", "--db", project).stdout
    result = invoke("suggest", "--db", tmp_path / "missing.db")
    assert result.exit_code == 1 and "no project at" in result.stderr
    assert not (tmp_path / "missing.db").exists()
    result = invoke("lexicon", "list", "--db", tmp_path / "missing.db")
    assert result.exit_code == 1 and not (tmp_path / "missing.db").exists()


def test_demo_project_has_the_lexicon_and_suggestions(tmp_path):
    db = tmp_path / "demo.db"
    ok("demo", "--db", db, "--no-ui")
    data = json.loads(ok("show", S004, "--db", db, "--json").stdout)
    assert sum(len(s["suggestions"]) for s in data["sentences"]) == 4


def test_check_and_load_refuse_phrases_too_big_to_match_safely(project, tmp_path):
    gaps = " ... ".join(["kata"] * (MAX_GAPS + 2))
    long_phrase = " ".join(f"w{i}" for i in range(1500))
    long_form = " ".join(f"v{i}" for i in range(MAX_WORDS + 1))
    bad = tmp_path / "big.csv"
    bad.write_text(
        f'{HEADER}\n"{gaps}",loaded_language,phrase\n"{long_phrase}",loaded_language,phrase\n'
        f'klaim,loaded_language,exact,"{long_form}"\n',
        encoding="utf-8",
    )
    for args in (("check", bad), ("load", bad, "--db", project)):
        result = invoke("lexicon", *args)
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert lines[0].startswith(f"error: {bad}:2: phrase 'kata ... kata") and lines[0].endswith(
            f"is too long to match safely: {MAX_GAPS + 1} '...' gaps (at most {MAX_GAPS})"
        )
        assert lines[1].startswith(f"error: {bad}:3: phrase 'w0 w1") and lines[1].endswith(
            f"too long to match safely: 1500 words (at most {MAX_WORDS})"
        )
        assert lines[2].startswith(f"error: {bad}:4: form 'v0 v1") and lines[2].endswith(
            f"too long to match safely: {MAX_WORDS + 1} words (at most {MAX_WORDS})"
        )
        assert "w1499" not in lines[1]  # one readable line, not the whole phrase
    with Store.open(project) as store:
        assert [x.name for x in store.lexicons.all()] == ["id-loaded-language"]


CONTROL_ROW = (
    "klaimx",
    "loaded_language",
    "exact",
    "",
    "",
    "netral \x9b",
    "catatan \x1b]0;T\x07 dan \x01 \x7f",
    "sumber \x1b[31m",
)


def test_export_then_load_round_trips_control_characters(project, tmp_path):
    source = tmp_path / "control.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([COLUMNS, CONTROL_ROW])
    ok("lexicon", "load", source, "--db", project, "--name", "control")
    piped = invoke("lexicon", "export", "--db", project, "--lexicon", "control").stdout_bytes
    ok("lexicon", "export", "--db", project, "--lexicon", "control", "--out", tmp_path / "out.csv")
    assert piped == (tmp_path / "out.csv").read_bytes()  # stdout into a pipe is the file's data
    assert list(csv.reader(io.StringIO(piped.decode("utf-8"), newline="")))[1] == list(CONTROL_ROW)
    (tmp_path / "again.csv").write_bytes(piped)
    ok("lexicon", "load", tmp_path / "again.csv", "--db", project, "--name", "control", "--replace")
    with Store.open(project) as store:
        [entry] = store.lexicons.entries("control")
    assert (entry.neutral, entry.note, entry.source) == CONTROL_ROW[5:]
