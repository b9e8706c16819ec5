"""The CSV format is defined once (annotator.store.csv_format): every export header and
the interchange names come from that definition, and no other module repeats a column
list or the spreadsheet-escaping rule."""

import ast
import csv
import io
from pathlib import Path

import pytest

import annotator
from annotator.interchange import formats
from annotator.interchange.export import Selection
from annotator.store import csv_format
from tests.core.interchange_data import annotate, export_text, fresh_project

ROOT = Path(annotator.__file__).parent
DEFINITION = ROOT / "store" / "csv_format.py"

# The contract as published: tools outside this project read these headers.
CONTRACT = {
    "spans": "document_id,sentence_index,start,end,doc_start,doc_end,text,label,annotator,origin,quoted,"
    "lexicon_term,note,created_at,status",  # issue 15 appended the status
    "sentences": "document_id,sentence_index,doc_start,doc_end,sentence_text,annotator,status,judgment,flagged,"
    "note,suggestion_mode,first_shown_at,finished_at,served_order",  # issue 19 appended served_order
    "documents": "document_id,title,source,url,date,sentences,metadata",
    # issue 15 appended the status.
    "tokens": "document_id,sentence_index,token_index,start,end,doc_start,doc_end,text,annotator,tag,status",
}
GOLD_CONTRACT = "agreed_by,resolution"


@pytest.fixture
def project(tagset):
    store = fresh_project(tagset)
    annotate(store)
    yield store
    store.close()


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("kind", ["spans", "sentences", "documents"])
@pytest.mark.parametrize("gold", [False, True])
def test_every_csv_export_header_is_the_definition(project, kind, gold):
    selection = Selection.of((), gold=gold)
    rows = rows_of(export_text(project, kind, selection=selection))
    provenance = gold and kind != "documents"
    assert tuple(rows[0]) == csv_format.column_names(kind, provenance)
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_the_tokens_header_is_the_definition(project):
    assert tuple(rows_of(export_text(project, "tokens"))[0]) == csv_format.TOKEN_COLUMNS


def test_the_definition_keeps_the_published_contract():
    for kind, header in CONTRACT.items():
        names = csv_format.TOKEN_COLUMNS if kind == "tokens" else csv_format.column_names(kind)
        assert ",".join(names) == header
    for kind in ("spans", "sentences"):
        assert ",".join(csv_format.column_names(kind, True)) == f"{CONTRACT[kind]},{GOLD_CONTRACT}"
    assert csv_format.FREE_TEXT_COLUMNS == {"text", "sentence_text", "note", "title"}


def test_the_interchange_names_are_the_definitions():
    assert formats.SPAN_COLUMNS == csv_format.column_names("spans")
    assert formats.SENTENCE_COLUMNS == csv_format.column_names("sentences")
    assert formats.DOCUMENT_COLUMNS == csv_format.column_names("documents")
    assert formats.TOKEN_COLUMNS is csv_format.TOKEN_COLUMNS
    assert formats.SPAN_COLUMNS + formats.GOLD_COLUMNS == csv_format.column_names("spans", True)
    assert formats.SENTENCE_COLUMNS + formats.GOLD_COLUMNS == csv_format.column_names("sentences", True)


def _headers() -> list[tuple[str, ...]]:
    kinds = ("spans", "sentences", "documents")
    return [csv_format.column_names(kind, True) for kind in kinds] + [csv_format.TOKEN_COLUMNS]


def _longest_run(names: list[str], header: tuple[str, ...]) -> int:
    """The longest run of `names` that is also a run of consecutive header columns."""
    best = 0
    for i in range(len(names)):
        for j in range(len(header)):
            k = 0
            while i + k < len(names) and j + k < len(header) and names[i + k] == header[j + k]:
                k += 1
            best = max(best, k)
    return best


def repeated_definitions(source: str) -> list[str]:
    """Column lists (three or more header columns in header order, as a tuple or list
    of strings) and the escaping rule's trigger characters, written out in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if any(_longest_run(names, header) >= 3 for header in _headers()):
                found.append(f"line {node.lineno}: column list {names[:4]}...")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if sum(ch in text for ch in "=+-@") == 4 and len(set(text) - set("=+-@\t\r'")) == 0:
                found.append(f"line {node.lineno}: trigger characters {text!r}")
            if "'='" in text and "'@'" in text:
                found.append(f"line {node.lineno}: the escaping rule in SQL")
    return found


def test_the_check_finds_a_copied_column_list_and_rule():
    copied = 'COLUMNS = ("document_id", "sentence_index", "start", "end")\nT = frozenset("=+-@\\t\\r")\n'
    copied += "SQL = \"x IN ('=', '+', '-', '@')\"\n"
    assert len(repeated_definitions(copied)) == 3
    assert repeated_definitions('KEYS = ("text", "label", "document_id", "sentence_index", "annotator")\n') == []


def test_no_other_module_repeats_the_format():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted(ROOT.rglob("*.py"))
        if path != DEFINITION and (found := repeated_definitions(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
