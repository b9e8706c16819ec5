"""The project commands: init, import, status, documents, show, tagset show, demo."""

from __future__ import annotations

import json
import sqlite3
import unicodedata

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.errors import AnnotatorError
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store

SAMPLE = "004_42838089c5e12062"


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture
def project(db_path, samples_dir):
    result = invoke("import", "--db", db_path, samples_dir)
    assert result.exit_code == 0, result.output
    return db_path


# ----------------------------------------------------------------------- init


def test_init_creates_a_project_with_the_default_tagset(db_path):
    result = invoke("init", "--db", db_path)
    assert result.exit_code == 0
    assert "Created project 'project'" in result.stdout and "loaded-language-id" in result.stdout
    shown = json.loads(invoke("tagset", "show", "--db", db_path, "--json").stdout)
    assert [label["name"] for label in shown["labels"]][:2] == ["loaded_language", "name_calling"]


def test_init_twice_is_refused(db_path):
    invoke("init", "--db", db_path)
    assert_one_line_error(invoke("init", "--db", db_path), "already holds project 'project'")


def test_init_with_a_custom_tagset_and_name(db_path, tmp_path):
    custom = tmp_path / "ts.toml"
    custom.write_text(
        'name = "mini"\n[[labels]]\nname = "framing"\nkey = "1"\ncolor = "#112233"\n'
        '[judgment]\nname = "tone"\nlevel = "ordinal"\nvalues = ["low", "high"]\n',
        encoding="utf-8",
    )
    assert invoke("init", "--db", db_path, "--tagset", custom, "--name", "kecil").exit_code == 0
    toml = invoke("tagset", "show", "--db", db_path, "--toml").stdout
    assert 'name = "mini"' in toml and 'values = ["low", "high"]' in toml
    assert json.loads(invoke("status", "--db", db_path, "--json").stdout)["project"] == "kecil"


def test_init_with_an_invalid_tagset_names_file_and_line(db_path, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[labels]]\nname = "a"\nkey = "1"\ncolor = "red"\n', encoding="utf-8")
    assert_one_line_error(invoke("init", "--db", db_path, "--tagset", bad), "bad.toml:5:", "'color'")
    assert not db_path.exists()


def test_init_with_a_missing_tagset_is_a_usage_error(db_path, tmp_path):
    result = invoke("init", "--db", db_path, "--tagset", tmp_path / "nope.toml")
    assert result.exit_code == 2
    assert not db_path.exists()


def test_annotator_db_environment_variable_and_default(tmp_path):
    env_db = tmp_path / "from-env.db"
    assert invoke("init", env={"ANNOTATOR_DB": str(env_db)}).exit_code == 0
    assert env_db.exists()
    assert invoke("init").exit_code == 0
    assert (tmp_path / "annotator.db").exists()  # the tests run in tmp_path


# --------------------------------------------------------------------- import


def test_import_folder_creates_the_project_and_reports(db_path, samples_dir):
    result = invoke("import", "--db", db_path, samples_dir)
    assert result.exit_code == 0
    assert result.stdout.strip() == ("Imported 3 documents, 53 sentences, 1391 tokens; skipped 0, failed 0 file(s).")
    status = json.loads(invoke("status", "--db", db_path, "--json").stdout)
    assert (status["documents"], status["sentences"], status["tokens"]) == (3, 53, 1391)


def test_reimport_is_skipped_and_reported(project, samples_dir):
    result = invoke("import", "--db", project, samples_dir)
    assert result.exit_code == 0
    assert "Imported 0 documents" in result.stdout and "skipped 3" in result.stdout
    assert result.stderr.count("skipped: ") == 3 and "already imported" in result.stderr


def test_import_csv_with_field_flags(db_path, tmp_path):
    path = tmp_path / "berita.csv"
    path.write_text('kode,isi,kepala,penulis\nk1,"Isi pertama. Kalimat dua.",Judul K1,Ani\n', encoding="utf-8")
    result = invoke(
        "import", "--db", db_path, path, "--text-field", "isi", "--id-field", "kode", "--title-field", "kepala"
    )
    assert result.exit_code == 0, result.stderr
    shown = json.loads(invoke("show", "--db", db_path, "k1", "--json").stdout)
    assert shown["title"] == "Judul K1"
    assert [s["text"] for s in shown["sentences"]] == ["Isi pertama.", "Kalimat dua."]
    with Store.open(db_path) as store:
        assert store.corpus.get_document("k1").metadata == {"penulis": "Ani"}


def test_import_jsonl_and_format_flag(db_path, tmp_path):
    path = tmp_path / "data.txt"
    path.write_text('{"id": "j1", "content": "Dari JSONL."}\n', encoding="utf-8")
    assert invoke("import", "--db", db_path, path, "--format", "jsonl").exit_code == 0
    assert invoke("documents", "--db", db_path).stdout.startswith("j1\t1 sentences\tDari JSONL.")


def test_import_non_utf8_fails_with_offset_and_encoding_fixes_it(db_path, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Harga naik menjadi £5.".encode("cp1252"))
    result = invoke("import", "--db", db_path, path)
    assert result.exit_code == 1
    assert "latin.txt: not UTF-8 at byte offset 19 (line 1)" in result.stderr
    assert "failed 1 file(s)" in result.stdout
    result = invoke("import", "--db", db_path, path, "--encoding", "cp1252")
    assert result.exit_code == 0
    assert json.loads(invoke("show", "--db", db_path, "latin", "--json").stdout)["title"] == "Harga naik menjadi £5."


def test_import_unknown_encoding(db_path, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Halo.", encoding="utf-8")
    result = invoke("import", "--db", db_path, path, "--encoding", "klingon")
    assert result.exit_code == 1 and "unknown encoding 'klingon'" in result.stderr


def test_bad_inputs_are_refused_one_line_each_and_good_ones_imported(db_path, tmp_path, samples_dir):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    (bad / "broken.csv").write_text('id,text\na,"ok"\nb,"x"y\n', encoding="utf-8")
    (bad / "broken.jsonl").write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": \n', encoding="utf-8")
    (bad / "notext.jsonl").write_text('{"id": "a", "judul": "?"}\n', encoding="utf-8")
    result = invoke("import", "--db", db_path, samples_dir, bad, tmp_path / "missing.txt")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 6
    for fragment in (
        "binary.txt: binary file",
        "broken.csv:3: malformed CSV",
        "broken.jsonl:2: malformed JSON",
        "empty.txt: empty file",
        "missing.txt: no such file",
        "notext.jsonl:1: no text field",
    ):
        assert any(fragment in line for line in errors), fragment
    assert "Imported 3 documents" in result.stdout and "failed 6 file(s)" in result.stdout
    assert json.loads(invoke("status", "--db", db_path, "--json").stdout)["documents"] == 3


def test_same_id_with_different_text_is_refused(project, tmp_path):
    changed = tmp_path / f"{SAMPLE}.txt"
    changed.write_text("Teks yang lain sama sekali.", encoding="utf-8")
    result = invoke("import", "--db", project, changed)
    assert result.exit_code == 1
    assert f"document id '{SAMPLE}' already exists with different text" in result.stderr


# ------------------------------------------------------ status, documents, show


def test_status_text_and_json(project):
    result = invoke("status", "--db", project)
    assert result.exit_code == 0
    assert "3 documents, 53 sentences, 1391 tokens" in result.stdout
    with Store.open(project) as store:
        sentence = store.corpus.sentences_of(SAMPLE)[0]
        from annotator.model import SentenceState

        store.annotations.put_judgment(SentenceState(sentence.id, "ana", status="done", judgment="biased"))
    status = json.loads(invoke("status", "--db", project, "--json").stdout)
    assert status["annotators"] == [{"name": "ana", "done": 1, "skipped": 0, "judged": 1, "spans": 0}]
    assert "ana" in invoke("status", "--db", project).stdout


def test_documents_lists_one_line_per_document(project):
    lines = invoke("documents", "--db", project).stdout.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["000_da3b1012a6ad7316", "19 sentences"],
        ["001_0da7177c8754087f", "16 sentences"],
        [SAMPLE, "18 sentences"],
    ]
    listed = json.loads(invoke("documents", "--db", project, "--json").stdout)
    assert [d["document_id"] for d in listed] == [line.split("\t")[0] for line in lines]


def test_show_json_follows_the_contract(project):
    result = invoke("show", "--db", project, SAMPLE, "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert set(shown) == {"document_id", "title", "sentences"}
    assert shown["document_id"] == SAMPLE
    assert shown["title"].startswith("BAGHDAD (Arrahmah.id) – Irak")
    text = [p for p in sample_paths() if p.stem == SAMPLE][0].read_text(encoding="utf-8")
    assert len(shown["sentences"]) == 18
    for index, sentence in enumerate(shown["sentences"]):
        assert set(sentence) == {"index", "start", "end", "text", "tokens", "suggestions"}
        assert sentence["index"] == index
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert all(isinstance(t, list) and len(t) == 2 for t in sentence["tokens"])
        for suggestion in sentence["suggestions"]:
            assert set(suggestion) == {"start", "end", "label", "term", "quoted"}
            assert isinstance(suggestion["quoted"], bool)
    israel = shown["sentences"][7]
    words = [israel["text"][a:b] for a, b in israel["tokens"]]
    assert words[-4:] == ["“", "Israel", "”", "."]


def test_show_text(project):
    result = invoke("show", "--db", project, SAMPLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{SAMPLE}: BAGHDAD")
    assert lines[1].strip().startswith("1  BAGHDAD (Arrahmah.id)")  # people count from 1
    assert len(lines) == 19


def test_show_unknown_document(project):
    assert_one_line_error(invoke("show", "--db", project, "nope"), "no document 'nope'")


def test_tagset_show_text_and_json(project):
    text = invoke("tagset", "show", "--db", project).stdout
    assert "loaded_language" in text and "Judgment 'bias' (nominal): 1=neutral, 2=biased, 3=cannot_tell" in text
    shown = json.loads(invoke("tagset", "show", "--db", project, "--json").stdout)
    assert shown["judgment"] == {"name": "bias", "level": "nominal", "values": ["neutral", "biased", "cannot_tell"]}


# ----------------------------------------------------------------------- demo


def test_demo_without_ui_creates_then_reuses_the_demo_project(db_path):
    first = invoke("demo", "--db", db_path, "--no-ui")
    assert first.exit_code == 0, first.stderr
    assert "3 documents, 53 sentences" in first.stdout
    again = invoke("demo", "--db", db_path, "--no-ui")
    assert again.exit_code == 0
    assert json.loads(invoke("status", "--db", db_path, "--json").stdout)["documents"] == 3


def test_demo_refuses_another_project(project):
    assert_one_line_error(invoke("demo", "--db", project, "--no-ui"), "not the demo")


# --------------------------------------------------------------- errors & safety


def test_usage_error_exits_2(project):
    assert invoke("status", "--db", project, "--bogus").exit_code == 2


def test_debug_shows_the_traceback(project):
    with pytest.raises(AnnotatorError):
        invoke("--debug", "show", "--db", project, "nope")


def test_not_a_database_is_a_one_line_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("just notes", encoding="utf-8")
    assert_one_line_error(invoke("status", "--db", bogus), "not an SQLite database")
    assert bogus.read_text(encoding="utf-8") == "just notes"


def test_empty_file_is_no_project(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert_one_line_error(invoke("status", "--db", empty), "no project at")
    assert empty.read_bytes() == b""
    assert invoke("init", "--db", empty).exit_code == 0


def test_newer_schema_is_refused_by_every_command_and_left_untouched(project, tmp_path):
    conn = sqlite3.connect(project)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('framing-annotator', 'm999_x', 'x')"
    )
    conn.commit()
    conn.close()
    before = project.read_bytes()
    extra = tmp_path / "new.txt"
    extra.write_text("Dokumen baru.", encoding="utf-8")
    for args in (
        ["status"],
        ["documents"],
        ["show", SAMPLE],
        ["tagset", "show"],
        ["init"],
        ["import", extra],
        ["demo", "--no-ui"],
    ):
        assert_one_line_error(invoke(*args, "--db", project), "newer framing-annotator")
    assert project.read_bytes() == before


def _has_raw_controls(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text)


def test_control_characters_never_reach_the_terminal(db_path, tmp_path):
    nasty = "\x1b]52;c;cGF5bG9hZA==\x07\x1b[2J\x9b31m"
    path = tmp_path / "kotor.jsonl"
    path.write_text(
        json.dumps({"id": "kotor", "title": f"Judul {nasty}\nbaris dua", "text": f"Kalimat {nasty} satu.\tDua."})
        + "\n",
        encoding="utf-8",
    )
    bad_name = tmp_path / "nama\x1b[31m.txt"
    bad_name.write_bytes(b"")
    outputs = [invoke("import", "--db", db_path, path, bad_name)]
    with Store.open(db_path) as store:
        assert nasty in store.corpus.get_document("kotor").text  # kept in the stored text
        store.annotations.ensure_annotator(f"ana{nasty}")
    custom = tmp_path / "ts.toml"
    custom.write_text(
        'name = "t\\u001b[5m"\n[[labels]]\nname = "a"\nkey = "1"\ncolor = "#112233"\n'
        'description = "d\\u001b]0;title\\u0007"\n[judgment]\nname = "j\\u001b"\nvalues = ["v\\u0007"]\n',
        encoding="utf-8",
    )
    other = tmp_path / "other.db"
    outputs += [
        invoke("init", "--db", other, "--tagset", custom, "--name", f"p{nasty}"),
        invoke("tagset", "show", "--db", other),
        invoke("status", "--db", db_path),
        invoke("documents", "--db", db_path),
        invoke("show", "--db", db_path, "kotor"),
        invoke("show", "--db", db_path, "kotor", "--json"),
        invoke("show", "--db", db_path, f"no{nasty}"),
        invoke("status", "--db", tmp_path / f"missing{nasty}.db"),
    ]
    for result in outputs:
        assert not _has_raw_controls(result.stdout + result.stderr), repr(result.stdout + result.stderr)
    shown = json.loads(outputs[6].stdout)
    assert nasty in shown["sentences"][0]["text"]  # JSON escapes it, and keeps it
    documents = outputs[4].stdout
    assert len(documents.splitlines()) == 1 and "baris dua" in documents


def test_nested_json_and_huge_numbers_fail_their_file_alone(db_path, tmp_path, samples_dir):
    bad = tmp_path / "hostile"
    bad.mkdir()
    (bad / "nested.jsonl").write_text(
        '{"id": "n", "text": "Satu."}\n{"id": "m", "text": "Dua.", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        encoding="utf-8",
    )
    (bad / "shallow.jsonl").write_text(
        '{"id": "s", "text": "Tiga.", "meta": ' + "[" * 200 + "]" * 200 + "}\n", encoding="utf-8"
    )
    (bad / "digits.jsonl").write_text('{"id": "d", "text": "Empat.", "n": ' + "9" * 5000 + "}\n", encoding="utf-8")
    (bad / "huge.jsonl").write_text(
        '{"id": ' + "9" * 40 + ', "text": "Lima.", "n": ' + "9" * 4000 + "}\n", encoding="utf-8"
    )
    result = invoke("import", "--db", db_path, bad, samples_dir)
    assert result.exit_code == 1 and "internal error" not in result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"error: {bad / 'digits.jsonl'}:1: malformed JSON: a number of more than 4300 digits",
        f"error: {bad / 'nested.jsonl'}:2: malformed JSON: nested more than 64 levels deep",
        f"error: {bad / 'shallow.jsonl'}:1: malformed JSON: nested more than 64 levels deep",
    ]
    # The huge integer is a valid id (JSON keeps it exactly), and the samples go on.
    assert "Imported 4 documents" in result.stdout and "failed 3 file(s)" in result.stdout
    listed = invoke("documents", "--db", db_path).stdout
    ids = [row.split("\t")[0] for row in listed.splitlines()]
    assert "9" * 40 in ids and "n" not in ids  # a failed file is all-or-nothing


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("extra = " + "[" * 50_000 + "]" * 50_000, "invalid TOML: arrays or tables nested too deeply"),
        ("extra = " + "9" * 5000, "invalid TOML: a number of more than 4300 digits"),
    ],
    ids=["nested", "digits"],
)
def test_a_hostile_tagset_is_one_error_naming_the_file(db_path, tmp_path, toml, problem):
    path = tmp_path / "hostile.toml"
    path.write_text(default_tagset_path().read_text(encoding="utf-8") + "\n" + toml + "\n", encoding="utf-8")
    assert_one_line_error(invoke("init", "--db", db_path, "--tagset", path), f"error: {path}: {problem}")
    assert not db_path.exists()
