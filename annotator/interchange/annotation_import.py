"""Import annotations from files in the export schemas: spans CSV, sentences CSV, JSONL.

The format is recognised by the CSV header (exactly the export's columns, with or
without the gold columns) or, for JSONL, by a first line holding a JSON object. Every
row is checked against the project: the document and sentence exist, the offsets lie
in the sentence and agree with its place in the document, the text is the sentence's
text there, the label and judgment are in the tag set, and the annotator is named.

A file is all-or-nothing: one transaction, rolled back when any row is refused, and
every refused row is reported with the file and line. Rows already stored are not
added again, so importing the same file twice adds nothing.

- Spans are added by identity (sentence, annotator, start, end, label); a span already
  there is left as it is.
- A sentences CSV row is the annotator's whole state for that sentence and replaces
  what is stored (an identical state counts as unchanged).
- A JSONL object adds its spans and, when it has one, sets its judgment.

Empty cells mean "none" for judgment, note, status, first_shown_at, finished_at, served_order and
lexicon_term; other values are kept exactly as given. Every text cell the export made
spreadsheet-safe (ids, names, terms, timestamps and free text; see
`annotator.store.csv_format`) is unescaped: one leading apostrophe before a formula
character is removed. A `text` or `sentence_text` cell is accepted as written
or unescaped, whichever equals the sentence, so files exported with `--raw` import too.
A note cannot be checked that way, so a file exported with `--raw` is imported with
`raw=True`, which keeps every cell as written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..clock import now_iso
from ..csv_reading import csv_reader
from ..errors import InputError
from ..jsonline import JSONLineError, parse_json_line
from ..model import (
    GOLD,
    ORDERS,
    ORIGINS,
    STATUSES,
    SUGGESTION_MODES,
    Event,
    Sentence,
    SentenceState,
    SpanAnnotation,
)
from ..store import Store
from ..store.csv_format import FREE_TEXT_COLUMNS, SHEET_SAFE_COLUMNS, unescape
from .formats import (
    DOCUMENT_COLUMNS,
    FALSE,
    GOLD_COLUMNS,
    SENTENCE_COLUMNS,
    SPAN_COLUMNS,
    TOKEN_COLUMNS,
    TRUE,
)
from .offsets import read as read_offset

# The spreadsheet-safe cells unescaped as they are read; the free-text ones are unescaped
# where they are checked against the sentence (text) or stored (note).
_UNESCAPED_UP_FRONT = SHEET_SAFE_COLUMNS - FREE_TEXT_COLUMNS
RESOLUTIONS = ("auto", "curated")
# Reported errors per file; the count of the rest is given.
MAX_ERRORS = 50
# Spans written per batch.
BATCH = 1000
JSONL_REQUIRED = ("text", "label", "document_id", "sentence_index", "annotator")


@dataclass
class FileImport:
    path: str
    kind: str | None = None  # "spans", "sentences" or "jsonl"
    rows: int = 0
    spans_added: int = 0
    spans_present: int = 0
    states_added: int = 0
    states_updated: int = 0
    states_unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.errors)


class _Refused(Exception):
    """Rolls back a file with errors."""


class RowError(ValueError):
    pass


def import_annotations(
    store: Store, path: Path, annotator_prefix: str = "", *, raw: bool = False, offsets: str = "codepoints"
) -> FileImport:
    """Import one file in one transaction; on any error nothing of it is kept.

    `raw`: the file was exported with `--raw`, so free-text cells are not unescaped.
    `offsets`: how a JSONL file's `label` offsets count ("utf16": UTF-16 code units, as
    exported with `--offsets utf16`); CSV offsets are always code points.
    """
    result = FileImport(str(path))
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        result.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
        return result
    reader = _FileReader(store, path, annotator_prefix, result, raw, offsets)
    try:
        with handle, store.transaction():
            reader.run(handle)
            if result.errors:
                raise _Refused
            reader.log_events()
    except _Refused:
        _reset_counts(result)
    except UnicodeDecodeError as exc:
        _reset_counts(result)
        result.errors = [f"{path}: not UTF-8 ({exc.reason} at byte {exc.start} of a block); nothing imported"]
    except InputError as exc:
        _reset_counts(result)
        result.errors = [str(exc)]
    return result


# SQLite's INTEGER range: a larger number cannot even be looked up.
_LARGEST = 2**63 - 1


def _in_range(value: int, column: str) -> int:
    if not -_LARGEST - 1 <= value <= _LARGEST:
        raise RowError(f"{column} {_shown(str(value))} is out of range")
    return value


def _shown(cell: str) -> str:
    """A cell quoted in a message, cut short so one error stays one readable line."""
    return repr(cell if len(cell) <= 60 else cell[:57] + "...")


def _reset_counts(result: FileImport) -> None:
    result.spans_added = result.spans_present = 0
    result.states_added = result.states_updated = result.states_unchanged = 0


class _FileReader:
    def __init__(
        self, store: Store, path: Path, prefix: str, result: FileImport, raw: bool = False, offsets: str = "codepoints"
    ):
        self.store = store
        self.offsets = offsets
        self.unescape = (lambda cell: cell) if raw else unescape
        self.path = path
        self.prefix = prefix
        self.result = result
        tagset = store.tagset()
        self.labels = set(tagset.label_names)
        self.label_list = ", ".join(tagset.label_names)
        self.values = set(tagset.judgment.values)
        self.value_list = ", ".join(tagset.judgment.values)
        self._sentences: dict[tuple[str, int], Sentence | None] = {}
        self._pending: list[SpanAnnotation] = []
        self._touched: dict[str, list[int]] = {}  # annotator -> [spans added, states changed]

    # ----------------------------------------------------------------- driving

    def run(self, handle: io.TextIOBase) -> None:
        first = handle.readline()
        while first and not first.strip():
            first = handle.readline()
        if not first:
            raise InputError(f"{self.path}: empty file; nothing imported")
        handle.seek(0)
        if first.lstrip("\ufeff").lstrip().startswith("{"):
            self.result.kind = "jsonl"
            self._read_jsonl(handle)
        else:
            self._read_csv(handle)
        self._flush()

    def error(self, line: int, message: str) -> None:
        if len(self.result.errors) < MAX_ERRORS:
            self.result.errors.append(f"{self.path}:{line}: {message}")
        else:
            self.result.errors_not_listed += 1

    def _read_csv(self, handle: io.TextIOBase) -> None:
        reader = csv_reader(handle)
        try:
            header = tuple(next(reader))
        except csv.Error as exc:
            raise InputError(f"{self.path}:1: malformed CSV header ({exc}); nothing imported") from None
        has_gold = False
        # A spans CSV from before issue 15 has no status column; the status of a span's
        # sentence comes back from the sentences CSV either way.
        before_status = SPAN_COLUMNS[:-1]
        before_served_order = SENTENCE_COLUMNS[:-1]
        if header in (SPAN_COLUMNS, SPAN_COLUMNS + GOLD_COLUMNS, before_status, before_status + GOLD_COLUMNS):
            self.result.kind, row_reader = "spans", self._span_row
            has_gold = header not in (SPAN_COLUMNS, before_status)
        # A sentences CSV from before issue 19 has no served_order column.
        elif header in (
            SENTENCE_COLUMNS,
            SENTENCE_COLUMNS + GOLD_COLUMNS,
            before_served_order,
            before_served_order + GOLD_COLUMNS,
        ):
            self.result.kind, row_reader = "sentences", self._sentence_row
            has_gold = header not in (SENTENCE_COLUMNS, before_served_order)
        elif header == DOCUMENT_COLUMNS:
            raise InputError(
                f"{self.path}: a documents export holds no annotations; import documents with 'annotator import'"
            )
        elif header in (TOKEN_COLUMNS, TOKEN_COLUMNS[:-1]):
            raise InputError(f"{self.path}: a tokens export cannot be imported; import the spans CSV instead")
        else:
            raise InputError(
                f"{self.path}:1: not a spans CSV, sentences CSV or JSONL export; a spans CSV starts with the header "
                f"{','.join(SPAN_COLUMNS)} and a sentences CSV with {','.join(SENTENCE_COLUMNS)}"
            )
        line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.error(line, f"malformed CSV ({exc})")
                return
            if not row:  # a blank line
                line = reader.line_num + 1
                continue
            self.result.rows += 1
            if len(row) != len(header):
                self.error(line, f"expected {len(header)} cells, found {len(row)}")
            else:
                cells = dict(zip(header, row))
                for name in _UNESCAPED_UP_FRONT.intersection(cells):
                    cells[name] = self.unescape(cells[name])
                try:
                    row_reader(cells, has_gold)
                except RowError as exc:
                    self.error(line, str(exc))
                except (ValueError, OverflowError, RecursionError) as exc:
                    self.error(line, f"cannot read: {type(exc).__name__}: {exc}")
            line = reader.line_num + 1

    def _read_jsonl(self, handle: io.TextIOBase) -> None:
        for number, text in enumerate(handle, 1):
            if not text.strip():
                continue
            self.result.rows += 1
            try:
                obj = parse_json_line(text)
            except JSONLineError as exc:
                self.error(number, f"not JSON ({exc})")
                continue
            try:
                self._jsonl_object(obj)
            except RowError as exc:
                self.error(number, str(exc))
            except (ValueError, OverflowError, RecursionError) as exc:
                # What the row provoked beyond the checks (a limit of Python's or SQLite's)
                # still refuses this row, with its line, and not the other files.
                self.error(number, f"cannot read: {type(exc).__name__}: {exc}")

    # ------------------------------------------------------------ validation

    def sentence(self, document_id: str, index: int) -> Sentence:
        key = (document_id, index)
        if key not in self._sentences:
            if len(self._sentences) > 4096:
                self._sentences.clear()
            self._sentences[key] = self.store.corpus.sentence_at(document_id, index)
        sentence = self._sentences[key]
        if sentence is None:
            if self.store.corpus.get_document(document_id) is None:
                raise RowError(f"no document {document_id!r} in this project")
            raise RowError(f"document {document_id!r} has no sentence {index + 1} (sentence_index {index})")
        return sentence

    def annotator(self, name: str) -> str:
        if not name.strip():
            raise RowError("annotator name is empty")
        return self.prefix + name

    def label(self, name: str) -> str:
        if name not in self.labels:
            raise RowError(f"label {name!r} is not in the tag set ({self.label_list})")
        return name

    def judgment(self, value: str | None) -> str | None:
        if value is None:
            return None
        if value not in self.values:
            raise RowError(f"judgment {value!r} is not in the tag set ({self.value_list})")
        return value

    @staticmethod
    def integer(row: dict[str, str], column: str) -> int:
        cell = row[column]
        try:
            value = int(cell)
        except ValueError:
            raise RowError(f"{column} {_shown(cell)} is not a whole number") from None
        return _in_range(value, column)

    @staticmethod
    def choice(row: dict[str, str], column: str, allowed: tuple[str, ...], empty_ok: bool = True) -> str | None:
        cell = row[column]
        if cell == "" and empty_ok:
            return None
        if cell not in allowed:
            expected = " or ".join(repr(a) for a in allowed) + (" or empty" if empty_ok else "")
            raise RowError(f"{column} {cell!r} is not {expected}")
        return cell

    @staticmethod
    def flag(row: dict[str, str], column: str) -> bool:
        cell = row[column]
        if cell not in (TRUE, FALSE):
            raise RowError(f"{column} {cell!r} is not 'true' or 'false'")
        return cell == TRUE

    def same_text(self, cell: str, expected: str) -> bool:
        # As written (a --raw export) or unescaped (the default export).
        return cell == expected or self.unescape(cell) == expected

    @staticmethod
    def offsets_in(sentence: Sentence, start: int, end: int) -> None:
        if not 0 <= start < end <= len(sentence.text):
            raise RowError(
                f"offsets {start}..{end} do not lie within the sentence (0..{len(sentence.text)}, start < end)"
            )

    # ----------------------------------------------------------------- rows

    def _span_row(self, row: dict[str, str], has_gold: bool) -> None:
        sentence = self.sentence(row["document_id"], self.integer(row, "sentence_index"))
        start, end = self.integer(row, "start"), self.integer(row, "end")
        self.offsets_in(sentence, start, end)
        doc_start, doc_end = self.integer(row, "doc_start"), self.integer(row, "doc_end")
        if (doc_start, doc_end) != (sentence.doc_start + start, sentence.doc_start + end):
            raise RowError(
                f"doc_start..doc_end {doc_start}..{doc_end} do not match start..end in this sentence "
                f"(expected {sentence.doc_start + start}..{sentence.doc_start + end})"
            )
        expected = sentence.text[start:end]
        if not self.same_text(row["text"], expected):
            raise RowError(f"text {row['text']!r} is not the sentence text at {start}..{end} ({expected!r})")
        name = self.annotator(row["annotator"])
        self._gold_needs_provenance(name, has_gold)
        span = SpanAnnotation(
            sentence_id=sentence.id,
            annotator=name,
            start=start,
            end=end,
            label=self.label(row["label"]),
            origin=self.choice(row, "origin", ORIGINS, empty_ok=False),
            quoted=self.flag(row, "quoted"),
            lexicon_term=row["lexicon_term"] or None,
            note=self.unescape(row["note"]) or None,
            created_at=row["created_at"] or None,
        )
        if has_gold:
            span.agreed_by = tuple(row["agreed_by"].split("|")) if row["agreed_by"] else ()
            span.resolution = self.choice(row, "resolution", RESOLUTIONS)
        self._add_span(span)

    def _sentence_row(self, row: dict[str, str], has_gold: bool) -> None:
        sentence = self.sentence(row["document_id"], self.integer(row, "sentence_index"))
        doc_start, doc_end = self.integer(row, "doc_start"), self.integer(row, "doc_end")
        if (doc_start, doc_end) != (sentence.doc_start, sentence.doc_end):
            raise RowError(
                f"doc_start..doc_end {doc_start}..{doc_end} are not the sentence's "
                f"({sentence.doc_start}..{sentence.doc_end})"
            )
        if not self.same_text(row["sentence_text"], sentence.text):
            raise RowError("sentence_text is not the text of this sentence in the project")
        name = self.annotator(row["annotator"])
        self._gold_needs_provenance(name, has_gold)
        state = SentenceState(
            sentence_id=sentence.id,
            annotator=name,
            status=self.choice(row, "status", STATUSES),
            judgment=self.judgment(row["judgment"] or None),
            flagged=self.flag(row, "flagged"),
            note=self.unescape(row["note"]) or None,
            suggestion_mode=self.choice(row, "suggestion_mode", SUGGESTION_MODES),
            first_shown_at=row["first_shown_at"] or None,
            finished_at=row["finished_at"] or None,
        )
        existing = self.store.annotations.get_judgment(state.sentence_id, name)
        if "served_order" in row:
            state.served_order = self.choice(row, "served_order", ORDERS)
        elif existing is not None:
            # A file from before the column says nothing about the order: keep it.
            state.served_order = existing.served_order
        if has_gold:
            state.judgment_agreed_by = tuple(row["agreed_by"].split("|")) if row["agreed_by"] else ()
            state.judgment_resolution = self.choice(row, "resolution", RESOLUTIONS)
        elif existing is not None:
            # A file without the gold columns says nothing about provenance: keep it.
            state.judgment_agreed_by = existing.judgment_agreed_by
            state.judgment_resolution = existing.judgment_resolution
        self._put_state(existing, state)

    @staticmethod
    def _gold_needs_provenance(name: str, has_gold: bool) -> None:
        # Gold without agreed_by/resolution would be gold nobody can account for.
        if name == GOLD and not has_gold:
            raise RowError(
                f"{GOLD!r} is the adjudicated gold standard: import it from a file written by "
                "'annotator export --gold' (with agreed_by and resolution columns)"
            )

    def _jsonl_object(self, obj: object) -> None:
        if not isinstance(obj, dict):
            raise RowError("not a JSON object")
        missing = [key for key in JSONL_REQUIRED if key not in obj]
        if missing:
            raise RowError(f"missing key(s) {', '.join(missing)}")
        document_id, index = obj["document_id"], obj["sentence_index"]
        if not isinstance(document_id, str):
            raise RowError("document_id is not a string")
        if not isinstance(index, int) or isinstance(index, bool):
            raise RowError("sentence_index is not a whole number")
        _in_range(index, "sentence_index")
        sentence = self.sentence(document_id, index)
        if obj["text"] != sentence.text:
            raise RowError("text is not the text of this sentence in the project")
        if not isinstance(obj["annotator"], str):
            raise RowError("annotator is not a string")
        name = self.annotator(obj["annotator"])
        self._gold_needs_provenance(name, False)
        judgment = obj.get("judgment")
        if judgment is not None and not isinstance(judgment, str):
            raise RowError("judgment is not a string or null")
        judgment = self.judgment(judgment)
        labels = obj["label"]
        if not isinstance(labels, list):
            raise RowError("label is not a list of [start, end, label]")
        spans = []
        for item in labels:
            if not (
                isinstance(item, list)
                and len(item) == 3
                and all(isinstance(v, int) and not isinstance(v, bool) for v in item[:2])
                and isinstance(item[2], str)
            ):
                raise RowError(f"label item {_shown(repr(item))} is not [start, end, label]")
            _in_range(item[0], "start")
            _in_range(item[1], "end")
            try:
                start, end = (read_offset(sentence.text, item[i], self.offsets) for i in (0, 1))
            except ValueError as exc:
                raise RowError(f"label item {_shown(repr(item))}: {exc}") from None
            self.offsets_in(sentence, start, end)
            spans.append(SpanAnnotation(sentence.id, name, start, end, self.label(item[2])))
        # "open" (or no status key, as older exports wrote) says nothing to store.
        status = obj.get("status", "open")
        if status not in (*STATUSES, "open"):
            raise RowError(f"status {_shown(repr(status))} is not one of done, skipped, open")
        for span in spans:
            self._add_span(span)
        changes = {"judgment": judgment} if judgment is not None else {}
        if status != "open":
            changes["status"] = status
        if changes:
            existing = self.store.annotations.get_judgment(sentence.id, name)
            state = SentenceState(sentence.id, name, **changes) if existing is None else replace(existing, **changes)
            self._put_state(existing, state)

    # ---------------------------------------------------------------- writes

    def _add_span(self, span: SpanAnnotation) -> None:
        if self.result.errors:
            return  # the file is refused: keep checking, stop writing
        self._pending.append(span)
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.result.errors or not self._pending:
            self._pending.clear()
            return
        by_annotator: dict[str, list[SpanAnnotation]] = {}
        for span in self._pending:
            by_annotator.setdefault(span.annotator, []).append(span)
        for name, spans in by_annotator.items():
            added = self.store.annotations.add_spans_if_new(spans)
            self.result.spans_added += added
            self.result.spans_present += len(spans) - added
            self._touched.setdefault(name, [0, 0])[0] += added
        self._pending.clear()

    def _put_state(self, existing: SentenceState | None, state: SentenceState) -> None:
        if self.result.errors:
            return
        if existing == state:
            self.result.states_unchanged += 1
            return
        self.store.annotations.put_judgment(state)
        if existing is None:
            self.result.states_added += 1
        else:
            self.result.states_updated += 1
        self._touched.setdefault(state.annotator, [0, 0])[1] += 1

    def log_events(self) -> None:
        """One event per annotator whose work this file changed (nothing when it added nothing)."""
        at = now_iso()
        for name, (spans, states) in sorted(self._touched.items()):
            if spans or states:
                self.store.annotations.append_event(
                    Event(
                        name,
                        "import_annotations",
                        {"file": self.path.name, "spans": spans, "states": states},
                        at=at,
                        origin="import",
                    )
                )


def iter_errors(result: FileImport) -> Iterator[str]:
    yield from result.errors
    if result.errors_not_listed:
        yield f"{result.path}: {result.errors_not_listed} more error(s) not listed; nothing imported"
