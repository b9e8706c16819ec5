"""Proves that random bytes and Unicode given to every importer (txt, csv, jsonl, tag set TOML, lexicon CSV, annotations CSV) are imported correctly or refused with `error:` lines and exit code 1, never a traceback, and that a refusal leaves the database unchanged."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from annotator.cli import cli
from annotator.interchange.formats import SENTENCE_COLUMNS
from annotator.model import Document, Sentence
from annotator.store import Store
from annotator.textnorm import normalize_text

from .conftest import database_digest

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any Unicode text, with the characters that break naive parsers made likely.
_NASTY = st.sampled_from(
    [
        "\x00",
        "\x1b[31m",
        "\x07",
        "\r",
        "\r\n",
        "\n",
        "\t",
        '"',
        "'",
        ",",
        ";",
        "\ufeff",
        "\u202e",
        "=",
        "[bold]",
        "\x85",
        "\u2028",
        "e\u0301",
        "\U0001f600",
        "\\",
        "{",
        "}",
        "\x1c",
        " ",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=30), _NASTY), max_size=12).map("".join)
SOME_BYTES = st.binary(max_size=600)
# Ordinary text, so that the structured cases are mostly importable.
_WORDS = st.lists(
    st.sampled_from(["Serangan", "pengecut", "“Israel”", "dll.", "2.500", "al-Assad", "di", "Gaza."]),
    min_size=1,
    max_size=8,
).map(" ".join)
_NAME = st.from_regex(r"[a-z_][a-z0-9_-]{0,12}", fullmatch=True)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """An initialised project holding one small document, to be copied per example."""
    path = tmp_path_factory.mktemp("template") / "project.db"
    result = CliRunner().invoke(cli, ["init", "--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with Store.open(path) as store:
        text = "Serangan pengecut itu terjadi."
        store.corpus.insert_document(
            Document(id="seed", text=text, content_hash="seed"),
            [Sentence(None, "seed", 0, 0, len(text), text, [(0, 8), (9, 17)])],
        )
    return path


def _fresh_copy(template: Path, folder: Path) -> Path:
    db = folder / "project.db"
    shutil.copyfile(template, db)
    return db


def _invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    return result


def _assert_one_line_refusal(result) -> None:
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "internal error" not in lines[0], lines[0]


def _new_documents(db: Path) -> dict[str, str]:
    with Store.open(db, readonly=True) as store:
        return {d.id: d.text for d in store.corpus.iter_documents(with_text=True) if d.id != "seed"}


def _import(template: Path, name: str, payload: bytes):
    """Import one file into a copy of the template; returns (result, new documents)."""
    with tempfile.TemporaryDirectory() as folder:
        db = _fresh_copy(template, Path(folder))
        source = Path(folder) / name
        source.write_bytes(payload)
        before = database_digest(db)
        result = _invoke("import", "--db", str(db), str(source))
        event(f"{name}: {'refused' if result.exit_code else 'imported'}")
        if result.exit_code == 1:
            _assert_one_line_refusal(result)
            assert database_digest(db) == before, "a refused import changed the database"
            return result, None
        return result, _new_documents(db)


def _decodes(payload: bytes) -> str | None:
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------- txt


@FUZZ
@given(payload=st.one_of(SOME_BYTES, TEXT.map(lambda t: t.encode("utf-8"))))
def test_txt_import_of_any_bytes_imports_the_text_exactly_or_refuses_cleanly(template_db, payload):
    result, documents = _import(template_db, "doc.txt", payload)
    text = _decodes(payload)
    acceptable = text is not None and b"\x00" not in payload[:8192] and normalize_text(text).strip() != ""
    if result.exit_code == 0:
        assert documents == {"doc": normalize_text(text)}
    elif acceptable:
        # Readable, non-blank UTF-8 is refused only by the binary-file heuristics.
        assert "binary" in result.stderr, result.stderr


# --------------------------------------------------------------------------- csv

_COLUMN = st.one_of(st.sampled_from(["id", "text", "title", "content", "source", "date", ""]), TEXT)


@st.composite
def csv_files(draw) -> tuple[bytes, list[str] | None]:
    """A CSV written by the csv module (with its text column, if any), or random bytes."""
    if draw(st.booleans()):
        return draw(SOME_BYTES), None
    header = draw(st.lists(_COLUMN, max_size=4))
    if draw(st.integers(0, 3)):  # mostly a text column, somewhere
        header.insert(draw(st.integers(0, len(header))), "text")
    header = header or ["text"]
    cell = st.one_of(TEXT, _WORDS) if draw(st.booleans()) else _WORDS
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    # Another column named "text" in other case (or e.g. "content") makes the choice of text
    # column the importer's: compare texts only when "text" is the one candidate.
    candidates = [h for h in header if h.strip().lower() in ("text", "content", "body", "article", "isi", "teks")]
    texts = [row[header.index("text")] for row in rows] if candidates == ["text"] else None
    return buffer.getvalue().encode("utf-8"), texts


@FUZZ
@given(case=csv_files())
def test_csv_import_of_any_input_imports_every_text_or_refuses_cleanly(template_db, case):
    payload, texts = case
    result, documents = _import(template_db, "docs.csv", payload)
    if documents is not None and texts is not None and all(t.strip() for t in texts):
        # Imported: the stored texts are the column's texts, normalised.
        assert set(documents.values()) == {normalize_text(t) for t in texts}


# ------------------------------------------------------------------------- jsonl

_JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)


@st.composite
def jsonl_files(draw) -> tuple[bytes, list[str] | None]:
    """JSON lines with a text field (and random other fields), lone surrogates, or random bytes."""
    kind = draw(st.sampled_from(["bytes", "records", "surrogate"]))
    if kind == "bytes":
        return draw(SOME_BYTES), None
    if kind == "surrogate":
        return b'{"id": "x", "text": "caf\\ud800e"}\n', None
    records = draw(st.lists(st.dictionaries(TEXT, _JSON_VALUE, max_size=4), min_size=1, max_size=5))
    texts = []
    for record in records:
        record["text"] = draw(TEXT)
        texts.append(record["text"])
    lines = "\n".join(json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records)
    return lines.encode("utf-8"), texts


@FUZZ
@given(case=jsonl_files())
def test_jsonl_import_of_any_input_imports_every_text_or_refuses_cleanly(template_db, case):
    payload, texts = case
    result, documents = _import(template_db, "docs.jsonl", payload)
    if documents is not None and texts is not None:
        assert set(documents.values()) == {normalize_text(t) for t in texts}


# ---------------------------------------------------------------------- tag set


def _toml(value: object) -> str:
    """A TOML basic string or array of them (JSON syntax, without surrogate-pair escapes)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@st.composite
def tagset_files(draw) -> bytes:
    """TOML tag sets: valid ones with random names and values, mangled ones, and random bytes."""
    kind = draw(st.sampled_from(["bytes", "text", "tagset"]))
    if kind == "bytes":
        return draw(SOME_BYTES)
    if kind == "text":
        return draw(TEXT).encode("utf-8")
    valid = draw(st.integers(0, 2)) > 0  # mostly well-formed, with hostile descriptions
    count = draw(st.integers(0 if not valid else 1, 10 if not valid else 9))
    names = draw(st.lists(_NAME if valid else st.one_of(_NAME, TEXT), min_size=count, max_size=count, unique=True))
    keys = (
        [str(n + 1) for n in range(count)]
        if valid
        else draw(st.lists(st.sampled_from("0123456789x"), min_size=count, max_size=count))
    )
    values = draw(st.lists(_NAME if valid else TEXT, min_size=1 if valid else 0, max_size=4, unique=True))
    lines = [f"name = {_toml(draw(_NAME if valid else TEXT))}"]
    for name, key in zip(names, keys):
        lines += [
            "[[labels]]",
            f"name = {_toml(name)}",
            f'key = "{key}"',
            'color = "#e5534b"',
            f"description = {_toml(draw(TEXT))}",
        ]
    levels = ["nominal", "ordinal"] if valid else ["nominal", "ordinal", "interval", "ratio", "x"]
    lines += [
        "[judgment]",
        f"name = {_toml(draw(_NAME if valid else TEXT))}",
        f"level = {_toml(draw(st.sampled_from(levels)))}",
        f"values = {_toml(values)}",
    ]
    text = "\n".join(lines)
    if not valid and draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(TEXT) + text[cut:]
    return text.encode("utf-8")


@FUZZ
@given(payload=tagset_files())
def test_tagset_toml_of_any_input_creates_a_project_or_refuses_without_creating_one(payload):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "new.db"
        source = Path(folder) / "tagset.toml"
        source.write_bytes(payload)
        result = _invoke("init", "--db", str(db), "--tagset", str(source))
        event(f"tag set: {'refused' if result.exit_code else 'accepted'}")
        if result.exit_code == 1:
            _assert_one_line_refusal(result)
            assert not db.exists(), "a refused tag set left a database behind"
        else:
            shown = _invoke("tagset", "show", "--json", "--db", str(db))
            assert shown.exit_code == 0 and json.loads(shown.stdout)["labels"]


def test_lone_surrogate_in_jsonl_is_an_input_error_not_an_internal_one(template_db):
    # Kept as its own example: hypothesis may not draw it often.
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bad.jsonl"
        source.write_bytes(b'{"id": "x", "text": "caf\\ud800e"}\n')
        db = _fresh_copy(template_db, Path(folder))
        before = database_digest(db)
        result = _invoke("import", "--db", str(db), str(source))
        _assert_one_line_refusal(result)
        assert "bad.jsonl" in result.stderr
        assert database_digest(db) == before


# ------------------------------------------------------------------ lexicon CSV

_LEXICON_COLUMNS = ["term", "label", "match", "forms", "exclude", "neutral", "note", "source"]
_LEXICON_CELL = {
    "term": st.one_of(
        _WORDS,
        TEXT,
        st.sampled_from(["serangan ~genosida", "pesawat (nirawak|tak berawak)", "a ... b", "((", "~", "|", "x ~"]),
    ),
    "label": st.one_of(st.sampled_from(["loaded_language", "name_calling", "scare_quotes", "nope", ""]), TEXT),
    "match": st.one_of(st.sampled_from(["exact", "stem", "phrase", "ignore", "regex", ""]), TEXT),
    "forms": st.one_of(st.just(""), st.lists(_WORDS, max_size=3).map("|".join), TEXT),
    "exclude": st.one_of(st.just(""), st.lists(_WORDS, max_size=2).map("|".join), TEXT),
    "neutral": TEXT,
    "note": TEXT,
    "source": TEXT,
}


@st.composite
def lexicon_files(draw) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(SOME_BYTES)
    header = list(_LEXICON_COLUMNS)
    if draw(st.booleans()):  # valid entries, with hostile notes
        cells = {
            **_LEXICON_CELL,
            "term": st.from_regex(r"[a-z]{3,12}", fullmatch=True),
            "label": st.sampled_from(["loaded_language", "name_calling"]),
            "match": st.sampled_from(["exact", "stem"]),
            "forms": st.just(""),
            "exclude": st.just(""),
        }
        rows = draw(
            st.lists(st.fixed_dictionaries(cells), min_size=1, max_size=4, unique_by=lambda row: row["term"].lower())
        )
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *([row[c] for c in header] for row in rows)])
        return buffer.getvalue().encode("utf-8")
    if draw(st.integers(0, 4)) == 0:
        header = draw(st.permutations(header))[: draw(st.integers(1, len(header)))]
    rows = draw(st.lists(st.fixed_dictionaries({c: _LEXICON_CELL[c] for c in header}), min_size=1, max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows([row[c] for c in header] for row in rows)
    return buffer.getvalue().encode("utf-8")


@FUZZ
@given(payload=lexicon_files())
def test_lexicon_csv_of_any_input_loads_or_refuses_cleanly_and_check_agrees(template_db, payload):
    with tempfile.TemporaryDirectory() as folder:
        db = _fresh_copy(template_db, Path(folder))
        source = Path(folder) / "mine.csv"
        source.write_bytes(payload)
        checked = _invoke("lexicon", "check", "--db", str(db), str(source))
        before = database_digest(db)
        result = _invoke("lexicon", "load", "--db", str(db), str(source))
        event(f"lexicon: {'refused' if result.exit_code else 'loaded'}")
        assert checked.exit_code == result.exit_code, (checked.output, result.output)
        if result.exit_code == 1:
            _assert_error_lines(result)
            assert database_digest(db) == before, "a refused lexicon changed the database"
        else:
            listed = _invoke("lexicon", "list", "--db", str(db))
            assert listed.exit_code == 0 and "mine" in listed.stdout


# -------------------------------------------------------------- annotations CSV

SPAN_HEADER = [
    "document_id",
    "sentence_index",
    "start",
    "end",
    "doc_start",
    "doc_end",
    "text",
    "label",
    "annotator",
    "origin",
    "quoted",
    "lexicon_term",
    "note",
    "created_at",
]
SEED_TEXT = "Serangan pengecut itu terjadi."


@st.composite
def span_rows(draw) -> list[str]:
    if draw(st.booleans()):  # a valid span, with hostile names and notes
        start = draw(st.integers(0, len(SEED_TEXT) - 1))
        end = draw(st.integers(start + 1, len(SEED_TEXT)))
        return [
            "seed",
            "0",
            str(start),
            str(end),
            str(start),
            str(end),
            SEED_TEXT[start:end],
            draw(st.sampled_from(["loaded_language", "euphemism"])),
            draw(st.one_of(st.sampled_from(["ana", 'O\'Brien "x"; DROP TABLE spans;--', "😀 ñ"]), _WORDS)),
            "manual",
            draw(st.sampled_from(["true", "false"])),
            "",
            draw(st.one_of(st.just(""), _WORDS)),
            "2026-01-01T00:00:00.000Z",
        ]
    start = draw(st.integers(-2, len(SEED_TEXT) + 2))
    end = draw(st.integers(-2, len(SEED_TEXT) + 2))
    good_text = SEED_TEXT[max(start, 0) : max(end, 0)]
    return [
        draw(st.one_of(st.just("seed"), TEXT)),
        draw(st.one_of(st.just("0"), st.integers(-1, 3).map(str), TEXT)),
        str(start),
        str(end),
        str(max(start, 0)),
        str(max(end, 0)),
        draw(st.one_of(st.just(good_text), TEXT)),
        draw(st.one_of(st.sampled_from(["loaded_language", "euphemism", "unknown_label"]), TEXT)),
        draw(st.one_of(st.sampled_from(["ana", 'O\'Brien "x"; DROP TABLE spans;--', "😀 ñ"]), TEXT)),
        draw(st.sampled_from(["manual", "suggestion", "robot", ""])),
        draw(st.sampled_from(["true", "false", "maybe", ""])),
        draw(st.one_of(st.just(""), TEXT)),
        draw(st.one_of(st.just(""), TEXT)),
        draw(st.sampled_from(["2026-01-01T00:00:00.000Z", "", "yesterday"])),
    ]


@st.composite
def annotation_files(draw) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(SOME_BYTES)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SPAN_HEADER)
    writer.writerows(draw(st.lists(span_rows(), min_size=1, max_size=5)))
    return buffer.getvalue().encode("utf-8")


def _assert_error_lines(result) -> None:
    """Commands that validate a whole file list each problem on its own `error:` line
    (with the file and line number), and may end with a one-line summary."""
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), result.stderr
    assert sum(not line.startswith("error: ") for line in lines) <= 1, result.stderr
    assert "internal error" not in result.stderr, result.stderr


@FUZZ
@given(payload=annotation_files())
def test_annotations_csv_of_any_input_imports_or_refuses_cleanly(template_db, payload):
    with tempfile.TemporaryDirectory() as folder:
        db = _fresh_copy(template_db, Path(folder))
        source = Path(folder) / "spans.csv"
        source.write_bytes(payload)
        before = database_digest(db)
        result = _invoke("import-annotations", "--db", str(db), str(source))
        event(f"annotations: {'refused' if result.exit_code else 'imported'}")
        if result.exit_code == 1:
            _assert_error_lines(result)
            assert database_digest(db) == before, "refused annotations changed the database"
        else:
            rows = list(csv.reader(io.StringIO(payload.decode("utf-8"))))[1:]
            with Store.open(db, readonly=True) as store:
                stored = {(s.annotator, s.start, s.end, s.label) for s in store.annotations.iter_spans()}
            for row in rows:
                assert (row[8], int(row[2]), int(row[3]), row[7]) in stored


# ------------------------------------------- hostile structure: nesting, numbers, size

FEW = settings(FUZZ, max_examples=15)
# JSON values that defeat naive readers: nesting around Python's and our limit, integers
# around the 4,300-digit conversion limit and SQLite's 64-bit range, and an overflow.
_HOSTILE_JSON = st.one_of(
    st.sampled_from([10, 63, 64, 65, 1_000, 100_000]).map(lambda n: "[" * n + "]" * n),
    st.sampled_from([10, 64, 65, 5_000]).map(lambda n: '{"a": ' * n + "1" + "}" * n),
    st.sampled_from([19, 20, 400, 4_300, 4_301, 6_000]).map(lambda n: "9" * n),
    st.sampled_from(["-" + "9" * 30, "1e999", "-1e999", str(2**63), str(-(2**63) - 1)]),
)
# A field longer than the csv module's default limit (128 KiB).
_BIG_FIELD = st.sampled_from([131_073, 200_000]).map(lambda n: ("kata " * (n // 5 + 1))[:n].strip())


@st.composite
def hostile_jsonl_files(draw) -> bytes:
    lines = []
    for number in range(draw(st.integers(1, 3))):
        field = draw(st.sampled_from(["id", "x", "text", "title"]))
        value = draw(_HOSTILE_JSON)
        record = {"text": "Ada teks.", "id": f"d{number}"}
        pairs = [f'"{k}": {json.dumps(v)}' for k, v in record.items() if k != field] + [f'"{field}": {value}']
        lines.append("{" + ", ".join(pairs) + "}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@FEW
@given(payload=hostile_jsonl_files())
def test_deep_nesting_and_big_numbers_in_jsonl_import_or_refuse_cleanly(template_db, payload):
    _import(template_db, "docs.jsonl", payload)  # one `error: FILE:LINE:` line or an import, never a traceback


@FEW
@given(text=_BIG_FIELD, terminator=st.sampled_from(["\n", "\r\n", "\r"]))
def test_a_csv_field_over_128_kb_is_imported_whole(template_db, text, terminator):
    payload = f"id,text{terminator}big,{text}{terminator}".encode()
    result, documents = _import(template_db, "big.csv", payload)
    assert documents == {"big": text}, result.stderr


def _corpus_file(draw) -> tuple[str, bytes, bool]:
    """(name, content, importable) for one file of a multi-file import."""
    kind = draw(st.sampled_from(["txt", "csv", "jsonl", "hostile", "bytes"]))
    number = draw(st.integers(0, 10**6))
    if kind == "txt":
        return f"t{number}.txt", f"Teks nomor {number} di sini.".encode(), True
    if kind == "csv":
        return f"c{number}.csv", f"id,text\nc{number},Baris nomor {number}.\n".encode(), True
    if kind == "jsonl":
        return f"j{number}.jsonl", json.dumps({"id": f"j{number}", "text": f"Rekaman {number}."}).encode(), True
    if kind == "hostile":
        return f"h{number}.jsonl", draw(hostile_jsonl_files()), False
    return f"b{number}.txt", b"\x7fELF\x00" + draw(SOME_BYTES), False


@FEW
@given(data=st.data())
def test_several_files_at_once_each_fail_alone(template_db, data):
    files = {}
    for _ in range(data.draw(st.integers(2, 5))):
        name, content, _importable = _corpus_file(data.draw)
        files[name] = content
    with tempfile.TemporaryDirectory() as folder:
        db = _fresh_copy(template_db, Path(folder))
        paths = []
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
            paths.append(str(Path(folder) / name))
        result = _invoke("import", "--db", str(db), *paths)
        # Two drawn files can hold the same record: the second is then reported as skipped.
        errors = [line for line in result.stderr.strip().splitlines() if not line.startswith("skipped: ")]
        assert all(line.startswith("error: ") and "internal error" not in line for line in errors), result.stderr
        failed = {Path(line.split(":", 2)[1].strip()).name for line in errors}
        assert len(failed) == len(errors), "one line per failed file"
        stored = _new_documents(db)
        for name in files:
            if name in failed:
                continue
            # Every file not refused is in, whatever the others did.
            expected = {"t": name[:-4], "c": name[:-4], "j": name[:-6]}.get(name[0])
            if expected is not None:
                assert expected in stored, (name, result.stderr)


# ------------------------------------------------- sentences CSV and JSONL annotations


@st.composite
def sentence_rows(draw) -> list[str]:
    hostile = draw(st.sampled_from(["", "9" * 30, "9" * 5_000, "-1", "x"]))
    return [
        draw(st.one_of(st.just("seed"), TEXT)),
        draw(st.sampled_from(["0", "1", hostile or "0"])),
        draw(st.sampled_from(["0", hostile or "0"])),
        str(len(SEED_TEXT)),
        draw(st.one_of(st.just(SEED_TEXT), TEXT)),
        draw(st.one_of(st.sampled_from(["ana", "😀 ñ"]), TEXT)),
        draw(st.sampled_from(["done", "skipped", "", "maybe"])),
        draw(st.sampled_from(["", "biased", "neutral", "nope"])),
        draw(st.sampled_from(["true", "false", "x"])),
        draw(st.one_of(st.just(""), TEXT, _BIG_FIELD)),
        draw(st.sampled_from(["on", "off", "after", "?"])),
        draw(st.sampled_from(["", "2026-01-01T00:00:00.000Z"])),
        draw(st.sampled_from(["", "2026-01-01T00:00:00.000Z"])),
    ]


@st.composite
def annotation_jsonl_files(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(SEED_TEXT) - 1))
        end = draw(st.integers(start + 1, len(SEED_TEXT)))
        record = {
            "text": SEED_TEXT,
            "label": [[start, end, draw(st.sampled_from(["loaded_language", "nope"]))]],
            "document_id": "seed",
            "sentence_index": 0,
            "annotator": draw(st.sampled_from(["ana", "😀 ñ"])),
            "judgment": draw(st.sampled_from([None, "biased", "nope"])),
        }
        line = json.dumps(record)
        if draw(st.booleans()):  # a hostile value in place of one of them
            key = draw(st.sampled_from(["sentence_index", "label", "judgment", "annotator"]))
            line = line[:-1] + f', "{key}": {draw(_HOSTILE_JSON)}' + "}"
        lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8")


@FEW
@given(data=st.data())
def test_sentences_csv_and_jsonl_annotations_of_any_input_import_or_refuse_cleanly(template_db, data):
    if data.draw(st.booleans()):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(SENTENCE_COLUMNS)
        writer.writerows(data.draw(st.lists(sentence_rows(), min_size=1, max_size=4)))
        name, payload = "states.csv", buffer.getvalue().encode("utf-8")
    else:
        name, payload = "spans.jsonl", data.draw(annotation_jsonl_files())
    with tempfile.TemporaryDirectory() as folder:
        db = _fresh_copy(template_db, Path(folder))
        source = Path(folder) / name
        source.write_bytes(payload)
        before = database_digest(db)
        result = _invoke("import-annotations", "--db", str(db), str(source))
        event(f"{name}: {'refused' if result.exit_code else 'imported'}")
        if result.exit_code == 1:
            _assert_error_lines(result)
            assert database_digest(db) == before, "refused annotations changed the database"


# ---------------------------------------------------------- lexicon phrases with gaps

_PHRASE_WORD = st.sampled_from(["serangan", "pengecut", "itu", "terjadi", "~serang", "(di|ke)", "yang"])


@st.composite
def gap_phrase_lexicons(draw) -> bytes:
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        words = draw(st.lists(_PHRASE_WORD, min_size=1, max_size=draw(st.sampled_from([3, 8, 30]))))
        gaps = draw(st.integers(0, 6))
        phrase = words[0]
        for position, word in enumerate(words[1:]):
            phrase += (" ... " if position < gaps else " ") + word
        rows.append([phrase, "loaded_language", draw(st.sampled_from(["phrase", "ignore"]))])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["term", "label", "match"], *rows])
    return buffer.getvalue().encode("utf-8")


@FEW
@given(payload=gap_phrase_lexicons())
def test_gap_phrases_load_and_match_or_are_refused_with_their_line(template_db, payload):
    with tempfile.TemporaryDirectory() as folder:
        db = _fresh_copy(template_db, Path(folder))
        source = Path(folder) / "gaps.csv"
        source.write_bytes(payload)
        checked = _invoke("lexicon", "check", "--db", str(db), str(source))
        result = _invoke("lexicon", "load", "--db", str(db), str(source))
        assert checked.exit_code == result.exit_code, (checked.output, result.output)
        if result.exit_code == 1:
            _assert_error_lines(result)
            assert all(f"{source}:" in line for line in result.stderr.splitlines()[:-1])
        else:
            suggested = _invoke("suggest", "--db", str(db))  # matching an accepted phrase is cheap
            assert suggested.exit_code == 0, suggested.output
