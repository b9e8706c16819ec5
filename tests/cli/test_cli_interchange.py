"""`annotator export`, `import-annotations` and `merge` end to end on project files."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.interchange.formats import GOLD_COLUMNS, SPAN_COLUMNS
from annotator.model import SentenceState, SpanAnnotation
from annotator.store import Store
from tests.core.interchange_data import DOC, file_project


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture
def project_db(tmp_path, tagset):
    path = tmp_path / "project.db"
    file_project(path, tagset)
    return path


@pytest.fixture
def fresh_db(tmp_path, tagset):
    path = tmp_path / "fresh.db"
    file_project(path, tagset, annotated=False)
    return path


def read(path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_export_writes_to_exports_with_project_what_and_utc_time(project_db, tmp_path):
    result = run("export", "--db", str(project_db))
    [path] = (tmp_path / "exports").iterdir()
    assert re.fullmatch(r"test-spans-\d{8}T\d{6}Z\.csv", path.name)
    assert f"Exported spans: 6 rows to exports/{path.name}" in result.stdout
    assert rows(path.read_text(encoding="utf-8"))[0] == list(SPAN_COLUMNS)


def test_export_to_stdout(project_db):
    result = run("export", "--db", str(project_db), "--what", "sentences", "--out", "-")
    assert result.stdout.startswith("document_id,sentence_index,doc_start")
    assert "Exported sentences: 3 rows to stdout" in result.stderr


def test_export_to_a_file_and_to_a_folder(project_db, tmp_path):
    run("export", "--db", str(project_db), "--format", "jsonl", "--out", str(tmp_path / "out.jsonl"))
    # Done sentences only, by default: ana's and budi's one each.
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 2
    run("export", "--db", str(project_db), "--format", "jsonl", "--status", "any", "--out", str(tmp_path / "all.jsonl"))
    assert (tmp_path / "all.jsonl").read_text(encoding="utf-8").count("\n") == 5
    (tmp_path / "folder").mkdir()
    run("export", "--db", str(project_db), "--format", "conll", "--out", str(tmp_path / "folder"))
    names = sorted(path.name for path in (tmp_path / "folder").iterdir())
    assert names == ["ana.conll", "ana.sentences.csv", "budi.conll", "budi.sentences.csv"]


def test_export_all_writes_four_csv_files(project_db, tmp_path):
    run("export", "--db", str(project_db), "--what", "all", "--out", str(tmp_path / "all"))
    names = sorted(re.sub(r"-\d{8}T\d{6}Z", "", p.name) for p in (tmp_path / "all").iterdir())
    assert names == ["test-documents.csv", "test-sentences.csv", "test-spans.csv", "test-tokens.csv"]


def test_export_gold_has_provenance_columns(project_db):
    result = run("export", "--db", str(project_db), "--gold", "--out", "-")
    table = rows(result.stdout)
    assert table[0] == list(SPAN_COLUMNS + GOLD_COLUMNS)
    assert table[1][-2:] == ["ana|budi", "auto"] and table[1][8] == "gold"


def test_export_gold_says_how_many_drafts_it_left_out(project_db, tmp_path):
    with Store.open(project_db) as store:
        sentence = store.corpus.sentence_at(DOC, 1)
        store.annotations.add_span(
            SpanAnnotation(sentence.id, "gold", 0, 7, "loaded_language", agreed_by=("ana",), resolution="auto")
        )
        store.annotations.put_judgment(SentenceState(sentence.id, "gold", first_shown_at="2026-01-03T00:00:00.000Z"))
    result = run("export", "--db", str(project_db), "--gold", "--out", str(tmp_path / "gold.csv"))
    assert "Gold of 1 sentence(s) left out: opened in adjudication but not marked adjudicated" in result.stdout
    assert len(rows(read(tmp_path / "gold.csv"))) == 2  # the header and the one settled gold span
    assert "left out" not in run("export", "--db", str(project_db), "--out", str(tmp_path / "all.csv")).stdout


def test_export_raw_and_escaped(project_db):
    escaped = run("export", "--db", str(project_db), "--out", "-").stdout
    raw = run("export", "--db", str(project_db), "--raw", "--out", "-").stdout
    assert "'=HYPERLINK" in escaped and "'=HYPERLINK" not in raw and "=HYPERLINK" in raw


def test_conll_reports_what_bio_cannot_hold(project_db):
    result = run("export", "--db", str(project_db), "--format", "conll", "--annotator", "ana", "--out", "-")
    assert result.stdout.startswith("-DOCSTART- -X- -X- O\n")
    assert "of 3 spans, 1 have no tags (nested in a longer span" in result.stderr


def test_conll_of_several_annotators_needs_a_folder(project_db, tmp_path):
    result = run("export", "--db", str(project_db), "--format", "conll", "--out", "-", code=2)
    assert "one annotator per file" in result.stderr
    (tmp_path / "file.conll").write_text("x")
    result = run("export", "--db", str(project_db), "--format", "conll", "--out", str(tmp_path / "file.conll"), code=1)
    assert "--out must be a folder" in result.stderr
    run("export", "--db", str(project_db), "--format", "conll", "--out", str(tmp_path / "new"))
    assert sorted(p.name for p in (tmp_path / "new").iterdir())[0] == "ana.conll"


@pytest.mark.parametrize(
    "args",
    [
        ["--what", "documents", "--format", "conll"],
        ["--what", "tokens", "--format", "jsonl"],
        ["--what", "all", "--out", "-"],
        ["--what", "documents", "--annotator", "ana"],
        ["--what", "documents", "--gold"],
        ["--format", "jsonl", "--raw"],
        ["--format", "csv", "--offsets", "utf16"],
        ["--format", "csv", "--split", "80/10/10"],
        ["--format", "hf", "--split", "80/10"],
        ["--format", "hf", "--split", "50/10/10"],
        ["--format", "hf", "--out", "-"],
        ["--status", "finished"],
        ["--what", "everything"],
    ],
)
def test_export_combinations_without_meaning_are_usage_errors(project_db, args):
    result = run("export", "--db", str(project_db), *args, code=2)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def test_export_of_an_unknown_annotator_is_an_error(project_db):
    result = run("export", "--db", str(project_db), "--annotator", "zed", code=1)
    assert "no annotator 'zed'" in result.stderr and "ana" in result.stderr


def test_export_of_a_missing_project_creates_nothing(tmp_path):
    run("export", "--db", str(tmp_path / "none.db"), code=1)
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "exports").exists()


def test_import_annotations_round_trip_and_idempotency(project_db, fresh_db, tmp_path):
    run("export", "--db", str(project_db), "--out", str(tmp_path / "spans.csv"))
    run("export", "--db", str(project_db), "--what", "sentences", "--out", str(tmp_path / "sentences.csv"))
    result = run(
        "import-annotations", "--db", str(fresh_db), str(tmp_path / "spans.csv"), str(tmp_path / "sentences.csv")
    )
    assert "spans, 6 rows): 6 spans added, 0 already present" in result.stdout
    assert "3 sentence states added" in result.stdout
    again = run("import-annotations", "--db", str(fresh_db), str(tmp_path / "spans.csv"))
    assert "0 spans added, 6 already present" in again.stdout
    exported = run("export", "--db", str(fresh_db), "--out", "-").stdout_bytes.decode("utf-8")
    assert exported == read(tmp_path / "spans.csv")


def test_import_annotations_reports_errors_by_file_and_line(project_db, fresh_db, tmp_path):
    run("export", "--db", str(project_db), "--out", str(tmp_path / "spans.csv"))
    text = read(tmp_path / "spans.csv")
    (tmp_path / "bad.csv").write_text(text.replace("euphemism", "propaganda"), encoding="utf-8", newline="")
    result = run(
        "import-annotations", "--db", str(fresh_db), str(tmp_path / "bad.csv"), str(tmp_path / "spans.csv"), code=1
    )
    assert re.search(r"error: .*bad\.csv:8: label 'propaganda' is not in the tag set", result.stderr)
    assert "6 spans added" in result.stdout  # the good file is still imported


def test_import_annotations_raw_takes_a_raw_export_back_exactly(project_db, fresh_db, tmp_path):
    for kind in ("spans", "sentences"):
        run("export", "--db", str(project_db), "--what", kind, "--raw", "--out", str(tmp_path / f"{kind}.csv"))
    run(
        "import-annotations",
        "--db",
        str(fresh_db),
        "--raw",
        str(tmp_path / "spans.csv"),
        str(tmp_path / "sentences.csv"),
    )
    for kind in ("spans", "sentences"):
        again = run("export", "--db", str(fresh_db), "--what", kind, "--raw", "--out", "-").stdout_bytes.decode("utf-8")
        assert again == read(tmp_path / f"{kind}.csv")


def test_import_annotations_with_a_prefix(project_db, fresh_db, tmp_path):
    run("export", "--db", str(project_db), "--out", str(tmp_path / "spans.csv"))
    run("import-annotations", "--db", str(fresh_db), "--annotator-prefix", "siteA-", str(tmp_path / "spans.csv"))
    with Store.open(fresh_db) as store:
        assert {"siteA-ana", "siteA-budi"} <= set(store.annotations.annotators())


def test_merge_reports_and_is_idempotent(project_db, fresh_db):
    result = run("merge", "--db", str(fresh_db), str(project_db))
    assert "Merged" in result.stdout and "6 spans" not in result.stdout and "7 spans" in result.stdout
    again = run("merge", "--db", str(fresh_db), str(project_db))
    assert "0 spans" in again.stdout and "0 events" in again.stdout


def test_merge_refuses_a_conflicting_source_and_goes_on(project_db, fresh_db, tmp_path, tagset):
    from annotator.model import Document, Sentence

    with Store.open(fresh_db) as store:
        document = store.corpus.get_document(DOC)
    other = tmp_path / "other.db"
    with Store.open(other, create=True) as store:
        store.initialize("other", tagset)
        text = document.text + " Tambahan."
        store.corpus.insert_document(
            Document(id=DOC, text=text, content_hash="different"),
            [Sentence(None, DOC, 0, 0, len(text), text, [(0, 3)])],
        )
    result = run("merge", "--db", str(fresh_db), str(other), str(project_db), code=1)
    assert "refused, nothing merged" in result.stderr and "same id here with different text" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Merged" in result.stdout


def test_merge_reports_lexicon_entries_an_older_schema_and_what_it_skipped(fresh_db, tmp_path):
    from annotator.model import LexiconEntry
    from tests.core.older_schema import write_m001_project

    old = tmp_path / "old.db"
    write_m001_project(old)
    with Store.open(fresh_db) as store:
        store.lexicons.add_entry("team", LexiconEntry("antek asing", "loaded_language", "phrase"))
        tagset = store.tagset()
    with Store.open(tmp_path / "laptop.db", create=True) as laptop:
        laptop.initialize("laptop", tagset)
        laptop.lexicons.add_entry("team", LexiconEntry("antek asing", "name_calling", "phrase"))
        laptop.lexicons.add_entry("team", LexiconEntry("dalih", "epistemic_framing", "exact"))
    result = run("merge", "--db", str(fresh_db), str(tmp_path / "laptop.db"), str(old))
    assert "0 lexicons and 1 lexicon entries added" in result.stdout
    assert "lexicon entry skipped: lexicon 'team': duplicate entry 'antek asing' (phrase)" in result.stdout
    assert "Run 'annotator suggest'" in result.stdout
    assert "has an older schema (m001_initial): merged from an upgraded copy" in result.stdout


def test_merge_of_a_missing_file(fresh_db, tmp_path):
    result = run("merge", "--db", str(fresh_db), str(tmp_path / "nope.db"), code=1)
    assert "no such file" in result.stderr


def test_gold_rows_without_provenance_columns_are_refused(project_db, tmp_path):
    from annotator.interchange.formats import SPAN_COLUMNS

    exported = run("export", "--db", str(project_db), "--what", "spans", "--out", "-").stdout
    lines = exported.splitlines()
    header, first = lines[0], lines[1]
    assert header == ",".join(SPAN_COLUMNS)
    cells = first.split(",")
    cells[SPAN_COLUMNS.index("annotator")] = "gold"
    bad = tmp_path / "gold.csv"
    bad.write_text(header + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    result = run("import-annotations", "--db", str(project_db), str(bad), code=1)
    assert "export --gold" in result.stderr


def test_huge_numbers_and_nested_json_in_annotations_fail_their_file_alone(project_db, fresh_db, tmp_path):
    run("export", "--db", str(project_db), "--out", str(tmp_path / "spans.csv"))
    run("export", "--db", str(project_db), "--format", "jsonl", "--out", str(tmp_path / "spans.jsonl"))
    header, first, *_ = read(tmp_path / "spans.csv").split("\r\n")
    cells = first.split(",")
    files = {}
    for name, column, value in (("index.csv", 1, "9" * 30), ("digits.csv", 2, "9" * 5000)):
        changed = list(cells)
        changed[column] = value
        files[name] = f"{header}\r\n{','.join(changed)}\r\n"
    line = read(tmp_path / "spans.jsonl").splitlines()[0]
    files["nested.jsonl"] = line[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    files["index.jsonl"] = re.sub(r'"sentence_index": \d+', '"sentence_index": ' + "9" * 30, line) + "\n"
    files["offset.jsonl"] = re.sub(r'"label": \[\[\d+', '"label": [[' + "9" * 4000, line) + "\n"
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    result = run(
        "import-annotations",
        "--db",
        str(fresh_db),
        *(str(tmp_path / n) for n in files),
        str(tmp_path / "spans.csv"),
        code=1,
    )
    assert "internal error" not in result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 5
    for fragment in (
        "index.csv:2: sentence_index '999999999999999999999999999999' is out of range",
        "digits.csv:2: start '9999",
        "nested.jsonl:1: not JSON (nested more than 64 levels deep)",
        "index.jsonl:1: sentence_index '999999999999999999999999999999' is out of range",
        "offset.jsonl:1: start '9999",
    ):
        assert any(fragment in error for error in errors), fragment
    assert all(len(error) < 300 for error in errors)  # one readable line each, never 5,000 digits
    assert "6 spans added" in result.stdout  # the good file is still imported
