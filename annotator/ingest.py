"""Read documents from .txt, .csv and .jsonl files.

Pure readers: they stream records and never touch the store. CSV and JSONL are read
line by line from bytes, so a 200 MB file is never held whole, and a decoding error
names its byte offset.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .textnorm import decode_bytes, normalize_text

FORMATS = ("auto", "txt", "csv", "jsonl")
TITLE_LIMIT = 120

# Field names we recognise, in order of preference; --text-field etc. override them.
TEXT_FIELDS = ("text", "content", "body", "article", "isi", "teks")
ID_FIELDS = ("id", "document_id", "doc_id", "uid")
TITLE_FIELDS = ("title", "judul", "headline")
SOURCE_FIELDS = ("source", "sumber", "publisher", "media")
URL_FIELDS = ("url", "link")
DATE_FIELDS = ("date", "tanggal", "published", "published_at", "datetime")

_BINARY_SNIFF = 8192


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


@dataclass(frozen=True)
class FieldChoice:
    text: str | None = None
    id: str | None = None
    title: str | None = None


def detect_format(path: Path, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "txt"


def expand_paths(paths: list[Path]) -> Iterator[Path]:
    """Files as given; folders recursively, in sorted order, skipping hidden files."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        else:
            yield path


def title_from_text(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:TITLE_LIMIT]
    return ""


def read_documents(
    path: Path, fmt: str = "auto", fields: FieldChoice = FieldChoice(), encoding: str | None = None
) -> Iterator[RawDocument]:
    fmt = detect_format(path, fmt)
    if fmt == "txt":
        yield read_txt(path, encoding)
    elif fmt == "csv":
        yield from iter_csv(path, fields, encoding)
    elif fmt == "jsonl":
        yield from iter_jsonl(path, fields, encoding)
    else:
        raise InputError(f"unknown format {fmt!r}")


def read_txt(path: Path, encoding: str | None = None) -> RawDocument:
    raw = _read_bytes(path)
    if not raw.strip():
        raise InputError(f"{path}: empty file; not imported")
    text = decode_bytes(raw, str(path), encoding)
    if not text.strip():
        raise InputError(f"{path}: no text; not imported")
    return RawDocument(id=path.stem, text=text, title=title_from_text(text), origin=str(path))


def iter_csv(path: Path, fields: FieldChoice = FieldChoice(), encoding: str | None = None) -> Iterator[RawDocument]:
    lines = _decoded_lines(path, encoding)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: empty file; not imported") from None
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
                f"{path}:{line_number}: {len(row)} fields where the header has {len(header)}"
            )
        record = {name: normalize_text(value) for name, value in zip(header, row)}
        seen_any = True
        yield _to_document(record, mapping, path, line_number)
    if not seen_any:
        raise InputError(f"{path}: no rows under the header; not imported")


def iter_jsonl(
    path: Path, fields: FieldChoice = FieldChoice(), encoding: str | None = None
) -> Iterator[RawDocument]:
    mapping: dict[str, str | None] | None = None
    seen_any = False
    for line_number, line in enumerate(_decoded_lines(path, encoding), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{line_number}: malformed JSON: {exc.msg}") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{line_number}: expected a JSON object per line")
        record = {
            normalize_text(str(k)): normalize_text(v) if isinstance(v, str) else v for k, v in record.items()
        }
        if mapping is None:
            mapping = _map_fields(list(record), fields, f"{path}:{line_number}")
        elif mapping["text"] not in record:
            # Later records may order or omit fields differently; re-detect for this one.
            mapping = _map_fields(list(record), fields, f"{path}:{line_number}")
        seen_any = True
        yield _to_document(record, mapping, path, line_number)
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
            f"{where}: no text field (looked for {', '.join(TEXT_FIELDS)}); name it with --text-field"
        )
    return mapping


def _to_document(record: dict, mapping: dict[str, str | None], path: Path, line_number: int) -> RawDocument:
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

    document_id = scalar("id") or f"{path.stem}-{line_number}"
    used = {name for name in mapping.values() if name}
    metadata = {k: v for k, v in record.items() if k not in used}
    title = scalar("title") or title_from_text(text)
    return RawDocument(
        id=document_id.strip(),
        text=text,
        title=title[:TITLE_LIMIT] if not scalar("title") else title,
        origin=where,
        source=scalar("source"),
        url=scalar("url"),
        date=scalar("date"),
        metadata=metadata,
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _decoded_lines(path: Path, encoding: str | None) -> Iterator[str]:
    """Decoded lines with their line ends, streamed; errors name the byte offset."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        head = handle.read(_BINARY_SNIFF)
        if not head.strip():
            raise InputError(f"{path}: empty file; not imported")
        if encoding is None and b"\x00" in head:
            raise InputError(f"{path}: binary file (contains NUL bytes); not imported")
        handle.seek(0)
        codec = encoding or "utf-8"
        try:
            "".encode(codec)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        offset = 0
        for number, raw_line in enumerate(handle):
            if number == 0 and raw_line.startswith(b"\xef\xbb\xbf") and codec.replace("-", "").lower() in (
                "utf8",
                "utf8sig",
            ):
                raw_line = raw_line[3:]
                offset += 3
            try:
                line = raw_line.decode(codec)
            except UnicodeDecodeError as exc:
                hint = "" if encoding else "; pass --encoding (e.g. --encoding cp1252)"
                raise InputError(
                    f"{path}: not {codec} at byte offset {offset + exc.start} (line {number + 1}){hint}"
                ) from None
            offset += len(raw_line)
            yield line
