"""Read documents from .txt, .csv and .jsonl files.

Pure readers: they stream records and never touch the store. CSV and JSONL are read
line by line from bytes, so a 200 MB file is never held whole, and a decoding error
names its byte offset.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .csv_reading import csv_reader
from .errors import InputError
from .jsonline import JSONLineError, parse_json_line
from .textnorm import (
    SNIFF_BYTES,
    UTF8_BOM,
    check_decoded_head,
    check_unicode,
    decode_bytes,
    decode_error_message,
    normalize_text,
    sniff,
    visible,
)

FORMATS = ("auto", "txt", "csv", "jsonl")
TITLE_LIMIT = 120

# Field names we recognise, in order of preference; --text-field etc. override them.
TEXT_FIELDS = ("text", "content", "body", "article", "isi", "teks")
ID_FIELDS = ("id", "document_id", "doc_id", "uid")
TITLE_FIELDS = ("title", "judul", "headline")
SOURCE_FIELDS = ("source", "sumber", "publisher", "media")
URL_FIELDS = ("url", "link")
DATE_FIELDS = ("date", "tanggal", "published", "published_at", "datetime")

# Bytes read and decoded at a time by the CSV and JSONL readers.
CHUNK_BYTES = 1 << 20
CSV_DELIMITERS = (",", ";", "\t", "|")
# A JSON escape of a UTF-16 surrogate: json.loads turns an unpaired one into a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass
class RawDocument:
    id: str
    text: str
    title: str
    origin: str
    source: str | None = None
    url: str | None = None
    date: str | None = None
    metadata: dict = field(default_factory=dict)
    # Bytes of the file read so far when this record was produced (for progress bars).
    position: int = 0


@dataclass(frozen=True)
class FieldChoice:
    text: str | None = None
    id: str | None = None
    title: str | None = None


SUFFIXES = {".txt": "txt", ".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


def detect_format(path: Path, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    return SUFFIXES.get(path.suffix.lower(), "txt")


def expand_paths(paths: list[Path], fmt: str = "auto") -> Iterator[Path]:
    """Files as given; folders recursively, in sorted order.

    In a folder only files with a known suffix (.txt, .csv, .tsv, .jsonl, .ndjson,
    .json; with --format, those of that format) are taken, and hidden files and
    folders are skipped, so a README or .DS_Store does not fail the import.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUFFIXES
                    and (fmt == "auto" or SUFFIXES[child.suffix.lower()] == fmt)
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                ):
                    yield child
        else:
            yield path


def title_from_text(text: str) -> str:
    """The first non-blank line, stripped and cut to TITLE_LIMIT. Found without splitting
    the text into lines, which would copy a 100 MB document for one line."""
    found = _NON_BLANK.search(text)
    if found is None:
        return ""
    first = found.start()
    line_end = text.find("\n", first)
    line_end = len(text) if line_end == -1 else line_end
    return text[first : min(line_end, first + TITLE_LIMIT)].rstrip()


_NON_BLANK = re.compile(r"\S")


def read_documents(
    path: Path, fmt: str = "auto", fields: FieldChoice = FieldChoice(), encoding: str | None = None
) -> Iterator[RawDocument]:
    fmt = detect_format(path, fmt)
    if fmt == "txt":
        records: Iterator[RawDocument] = iter([read_txt(path, encoding)])
    elif fmt == "csv":
        records = iter_csv(path, fields, encoding)
    elif fmt == "jsonl":
        records = iter_jsonl(path, fields, encoding)
    else:
        raise InputError(f"unknown format {fmt!r}")
    # The readers name the line of every problem they know; anything else the input
    # provokes in them (an overflow, a limit of Python's) still fails this file alone.
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (ValueError, OverflowError, RecursionError, MemoryError, csv.Error) as exc:
            raise InputError(f"{path}: cannot read: {type(exc).__name__}: {exc}") from None
        yield record


def read_txt(path: Path, encoding: str | None = None) -> RawDocument:
    raw = _read_bytes(path)
    # isspace(), not strip(): strip copies a file that ends in a newline (a 100 MB
    # document would briefly take another 100 MB, and its text another 200 MB).
    if not raw or raw.isspace():
        raise InputError(f"{path}: empty file; not imported")
    size = len(raw)
    text = decode_bytes(raw, str(path), encoding)
    del raw
    if not text or text.isspace():
        raise InputError(f"{path}: no text; not imported")
    return RawDocument(
        id=_checked_id(path.stem, str(path)),
        text=text,
        title=title_from_text(text),
        origin=str(path),
        position=size,
    )


def iter_csv(path: Path, fields: FieldChoice = FieldChoice(), encoding: str | None = None) -> Iterator[RawDocument]:
    lines = _LineReader(path, encoding)
    first = next(iter(lines), None)
    if first is None or not first.strip():
        raise InputError(f"{path}: no header line; not imported")
    delimiter = _delimiter(path, first)
    reader = csv_reader(_chain(first, lines), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{path}:1: malformed CSV header: {exc}") from None
    header = [normalize_text(h).strip() for h in header]
    if len(set(header)) != len(header):
        raise InputError(f"{path}:1: duplicate column names in the header")
    mapping = _map_fields(header, fields, f"{path}:1")
    seen_any = False
    while True:
        line_number = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(f"{path}:{line_number}: malformed CSV: {exc}") from None
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}:{line_number}: malformed CSV: {len(row)} fields where the header has {len(header)}"
            )
        record = {name: normalize_text(value) for name, value in zip(header, row)}
        seen_any = True
        yield _to_document(record, mapping, path, line_number, lines.position)
    if not seen_any:
        raise InputError(f"{path}: no rows under the header; not imported")


def iter_jsonl(path: Path, fields: FieldChoice = FieldChoice(), encoding: str | None = None) -> Iterator[RawDocument]:
    lines = _LineReader(path, encoding)
    mapping: dict[str, str | None] | None = None
    seen_any = False
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse_json_line(line)
        except JSONLineError as exc:
            hint = ""
            if not seen_any and line.lstrip().startswith("["):
                hint = " (this looks like a JSON array; JSON Lines has one object per line)"
            raise InputError(f"{path}:{line_number}: malformed JSON: {exc}{hint}") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{line_number}: expected a JSON object per line, got {type(record).__name__}")
        if _SURROGATE_ESCAPE.search(line):
            _check_strings(record, f"{path}:{line_number}")
        record = {normalize_text(str(k)): normalize_text(v) if isinstance(v, str) else v for k, v in record.items()}
        if mapping is None or mapping["text"] not in record:
            # Later records may order or omit fields differently; re-detect for this one.
            mapping = _map_fields(list(record), fields, f"{path}:{line_number}")
        seen_any = True
        yield _to_document(record, mapping, path, line_number, lines.position)
    if not seen_any:
        raise InputError(f"{path}: empty file; not imported")


def _map_fields(names: list[str], fields: FieldChoice, where: str) -> dict[str, str | None]:
    lowered = {name.lower(): name for name in names}

    def pick(explicit: str | None, candidates: tuple[str, ...], role: str) -> str | None:
        if explicit is not None:
            if explicit not in names:
                raise InputError(f"{where}: no field {explicit!r} for the {role} (fields: {', '.join(names)})")
            return explicit
        return next((lowered[c] for c in candidates if c in lowered), None)

    mapping = {
        "text": pick(fields.text, TEXT_FIELDS, "text"),
        "id": pick(fields.id, ID_FIELDS, "id"),
        "title": pick(fields.title, TITLE_FIELDS, "title"),
        "source": pick(None, SOURCE_FIELDS, "source"),
        "url": pick(None, URL_FIELDS, "url"),
        "date": pick(None, DATE_FIELDS, "date"),
    }
    if mapping["text"] is None:
        raise InputError(
            f"{where}: no text field (looked for {', '.join(TEXT_FIELDS)}; fields: {', '.join(names)});"
            " name it with --text-field"
        )
    return mapping


def _to_document(
    record: dict, mapping: dict[str, str | None], path: Path, line_number: int, position: int
) -> RawDocument:
    where = f"{path}:{line_number}"
    text_field = mapping["text"]
    text = record.get(text_field) if text_field else None
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: missing or empty text field {text_field!r}")

    def scalar(role: str) -> str | None:
        name = mapping[role]
        value = record.get(name) if name else None
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    document_id = _checked_id(scalar("id") or f"{path.stem}-{line_number}", where)
    used = {name for name in mapping.values() if name}
    metadata = {k: v for k, v in record.items() if k not in used}
    title = scalar("title")
    return RawDocument(
        id=document_id,
        text=text,
        title=title if title is not None else title_from_text(text),
        origin=where,
        source=scalar("source"),
        url=scalar("url"),
        date=scalar("date"),
        metadata=metadata,
        position=position,
    )


def _check_strings(value: object, where: str) -> None:
    """Every string in a JSON value (keys too) must be valid Unicode."""
    if isinstance(value, str):
        check_unicode(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_unicode(key, where)
            _check_strings(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, where)


def _checked_id(document_id: str, where: str) -> str:
    """Ids are typed on the command line: no control characters, newlines or tabs."""
    document_id = document_id.strip()
    if not document_id:
        raise InputError(f"{where}: empty document id")
    if any(ch < " " or "\x7f" <= ch < "\xa0" for ch in document_id):
        raise InputError(f"{where}: document id {visible(repr(document_id))} contains control characters")
    return document_id


def _delimiter(path: Path, header_line: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    if "," in header_line:
        return ","
    # A header without commas: a semicolon (spreadsheet exports), tab or pipe file.
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


class _LineReader:
    """Decoded lines (with their line ends) of a file, streamed in chunks.

    Works for any codec, including UTF-16, whose newline is not the byte 0x0A. LF,
    CRLF and a lone CR end a line, all given as "\n" (not the other characters
    str.splitlines() knows), and a decoding error names its byte offset. `position`
    is the bytes read so far.
    """

    def __init__(self, path: Path, encoding: str | None):
        self.path = path
        self.encoding = encoding
        self.position = 0
        self._iterator: Iterator[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._iterator is None:
            self._iterator = self._lines()
        return self._iterator

    def _lines(self) -> Iterator[str]:
        path = self.path
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        with handle:
            head = handle.read(SNIFF_BYTES)
            if not head.strip():
                raise InputError(f"{path}: empty file; not imported")
            codec = sniff(head, str(path), self.encoding)
            base = 0
            if codec == "utf-8-sig":
                codec = "utf-8"
                if head.startswith(UTF8_BOM):
                    head, base = head[len(UTF8_BOM) :], len(UTF8_BOM)
            decoder = codecs.getincrementaldecoder(codec)("strict")
            carry = ""
            line = 1
            chunk = head
            checked = False
            held_cr = False
            while True:
                final = not chunk
                pending = decoder.getstate()[0]
                try:
                    text = decoder.decode(chunk, final)
                except UnicodeDecodeError as exc:
                    raise InputError(
                        decode_error_message(
                            str(path),
                            codec,
                            exc,
                            exc.object,
                            self.encoding is None,
                            base - len(pending),
                            line,
                        )
                    ) from None
                base += len(chunk)
                self.position = base
                if self.encoding is not None:
                    if not checked and text:
                        check_decoded_head(text, str(path))
                        checked = True
                    check_unicode(text, str(path))
                # CRLF and lone CR end lines too (old Mac and some spreadsheet exports
                # write CR only); a CR at a chunk's end waits to see if LF follows.
                if held_cr:
                    text, held_cr = "\r" + text, False
                if text.endswith("\r") and not final:
                    text, held_cr = text[:-1], True
                if "\r" in text:
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                if "\n" in text:
                    parts = (carry + text).split("\n")
                    carry = parts.pop()
                    for part in parts:
                        line += 1
                        yield part + "\n"
                else:
                    carry += text
                if final:
                    break
                chunk = handle.read(CHUNK_BYTES)
            if carry:
                yield carry
