"""Export labelled data as CSV, JSONL (doccano) or CoNLL BIO, streamed at constant memory.

Rows come from store cursors and are written as they arrive; nothing holds all rows.
Every writer takes a text handle opened with `newline=""` and returns an
`ExportStats`. `export_to_path` writes to a private temporary file beside the target and
names it when done (output_file), so a failed export never leaves half a file under the
real name, and concurrent exports never share a file.

The spans, sentences and documents CSV are the hot path (a million spans must export
within twice the sqlite3 shell's time): SQLite builds each row as one UTF-8 value
(`Store.exports.iter_rows`), `CsvLines` turns a chunk of them into CSV bytes with C-level
string operations, and large exports use a second process (`PARALLEL_MIN_ROWS`). The
tokens CSV, JSONL and CoNLL go through Python per sentence.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import compress, islice, repeat
from multiprocessing import get_context
from operator import ne, or_
from pathlib import Path
from typing import TextIO

from ..model import GOLD, Sentence
from ..store import Store
from ..store.csv_format import SHEET_SAFE_COLUMNS, csv_line, escape, needs_escape
from .bio import bio_tags
from .formats import EXTENSIONS, SUPPORTED, TOKEN_COLUMNS
from .output_file import OutputFile, create_temporary, open_existing
from .worker_lifetime import die_with_parent

# Rows formatted at a time; also how often the progress bar moves. Small enough for a
# chunk's strings to stay in a core's cache (measured: fewer page faults than 10,000).
CHUNK = 2_000
# RFC 4180 line ends, as spreadsheets and the sqlite3 shell's .mode csv write them.
CSV_LINE_END = "\r\n"

# A CSV export of spans or sentences with at least this many rows, from a project file
# on a machine with two cores or more, runs in two processes, each on half of the
# documents. After the optimisations above, profiling leaves about half of the time in
# SQLite (the joins, and building each row's value) and half in Python's sqlite3
# module and the formatting, all on one core; a free second core takes half of it.
# Below this size the worker's start-up (about 0.5 s) would cost more than it saves.
PARALLEL_MIN_ROWS = 200_000

Progress = Callable[[int], None]


def _no_progress(advance: int) -> None:
    pass


@dataclass(frozen=True)
class Selection:
    """Whose work to export. `annotators=None` means everyone not in `exclude`."""

    annotators: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = (GOLD,)
    # Add the gold provenance columns (agreed_by, resolution) to spans and sentences CSV.
    provenance: bool = False

    @classmethod
    def of(cls, annotators: Sequence[str] = (), gold: bool = False) -> Selection:
        """The CLI's rule: by default every annotator except gold; `--annotator` picks
        some; `--gold` picks gold (plus any `--annotator`) and adds provenance columns."""
        if gold:
            names = tuple(dict.fromkeys([*annotators, GOLD]))
            return cls(names, (), True)
        if annotators:
            return cls(tuple(dict.fromkeys(annotators)), (), False)
        return cls(None, (GOLD,), False)


@dataclass
class ExportStats:
    kind: str
    fmt: str
    # Rows written (CSV), objects (JSONL) or sentences (CoNLL).
    rows: int = 0
    # Spans BIO cannot hold (overlaps, or covering no token): CoNLL and tokens CSV.
    spans_dropped: int = 0
    spans_kept: int = 0
    path: str | None = None
    unit: str = "rows"


class UnsupportedExport(ValueError):
    """A --what/--format combination that has no meaning."""


def check_combination(kind: str, fmt: str) -> None:
    if kind not in SUPPORTED.get(fmt, ()):
        holds = ", ".join(SUPPORTED.get(fmt, ()))
        raise UnsupportedExport(f"--format {fmt} cannot hold --what {kind} (it holds: {holds})")


# ------------------------------------------------------------------------- csv


class _Lines:
    """A csv.writer target that collects lines in a list: the writer then costs one
    list.append per row instead of a text-file write, and each chunk is written once."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.write = self.lines.append

    def flush_to(self, handle: TextIO) -> None:
        handle.write("".join(self.lines))
        self.lines.clear()


def _csv_writer(target: object) -> csv.writer:  # type: ignore[valid-type]
    # Python's csv defaults (QUOTE_MINIMAL, doubled quotes) with RFC 4180 line ends.
    return csv.writer(target, lineterminator=CSV_LINE_END)


def _escaped(rows: Iterable[Sequence], positions: tuple[int, ...]) -> Iterator[Sequence]:
    """Rows with the text cells at `positions` made spreadsheet-safe."""
    for row in rows:
        if any(row[i] and needs_escape(row[i]) for i in positions):
            row = list(row)
            for i in positions:
                row[i] = escape(row[i])
        yield row


def write_csv(
    handle: TextIO,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
) -> int:
    """Write a header and rows; text cells (by header name, SHEET_SAFE_COLUMNS) are
    escaped unless `raw`. A row with a cell holding `;` is written by csv_line, which
    quotes it (csv.writer cannot be told to)."""
    lines = _Lines()
    writer = _csv_writer(lines)
    writer.writerow(header)
    if not raw:
        positions = tuple(i for i, name in enumerate(header) if name in SHEET_SAFE_COLUMNS)
        if positions:
            rows = _escaped(rows, positions)
    iterator = iter(rows)
    written = 0
    while chunk := list(islice(iterator, CHUNK)):
        for row in chunk:
            if any(isinstance(cell, str) and ";" in cell for cell in row):
                lines.write(csv_line(row))
            else:
                writer.writerow(row)
        lines.flush_to(handle)
        written += len(chunk)
        progress(len(chunk))
    lines.flush_to(handle)
    return written


class CsvLines:
    """Turns rows of `Store.exports.iter_rows` into CSV exactly as `csv_format.csv_line`
    (QUOTE_MINIMAL, CRLF) would write their cells, as UTF-8 bytes, a chunk at a time.

    Each row holds its cells as UTF-8, joined by the store's separator, then the row's
    key. A value with exactly `width - 1` separators and no comma, quote, semicolon, CR
    or LF needs no quoting: its separators become commas. Those checks and the replacement
    run in C over the whole chunk (bytes.count, join, replace), so a clean row costs
    no Python bytecode, and the bytes go to the file without decoding and encoding.
    Any other row is split into cells and goes through csv_format.csv_line; a row whose values
    hold the separator themselves is fetched again cell by cell.
    """

    def __init__(self, width: int, separator: str, refetch: Callable[[Sequence], Sequence[str]]):
        self.width = width
        self.separator = separator.encode("utf-8")
        self.refetch = refetch

    def quoted(self, row: Sequence) -> bytes:
        """One row through csv_line."""
        cells = row[0].decode("utf-8").split(self.separator.decode("utf-8"))
        if len(cells) != self.width:
            cells = self.refetch(row[1:])
        return csv_line(cells).encode("utf-8")

    def lines(self, rows: Sequence[tuple]) -> bytes:
        values = [row[0] for row in rows]
        n, sep, k = len(values), self.separator, self.width - 1
        joined = b"\r\n".join(values)
        # Every value holds at least k separators, so the chunk holds n * k exactly when
        # each holds k. Commas are common in text, so they are counted per value; the
        # rest once per chunk, then per value only when the chunk has some.
        flags = list(map(bytes.count, values, repeat(b",")))
        if joined.count(sep) != n * k:
            flags = list(map(or_, flags, map(ne, map(bytes.count, values, repeat(sep)), repeat(k))))
        if b'"' in joined:
            flags = list(map(or_, flags, map(bytes.count, values, repeat(b'"'))))
        if b";" in joined:
            flags = list(map(or_, flags, map(bytes.count, values, repeat(b";"))))
        if joined.count(b"\n") != n - 1 or joined.count(b"\r") != n - 1:
            flags = list(map(or_, flags, map(bytes.count, values, repeat(b"\n"))))
            flags = list(map(or_, flags, map(bytes.count, values, repeat(b"\r"))))
        dirty = list(compress(range(n), flags))
        if not dirty:
            return joined.replace(sep, b",") + b"\r\n"
        pieces, start = [], 0
        for i in dirty:
            if i > start:
                pieces.append(b"\r\n".join(values[start:i]).replace(sep, b",") + b"\r\n")
            pieces.append(self.quoted(rows[i]))
            start = i + 1
        if start < n:
            pieces.append(b"\r\n".join(values[start:]).replace(sep, b",") + b"\r\n")
        return b"".join(pieces)


def _export_sql_csv(
    kind: str, store: Store, handle: TextIO, selection: Selection, raw: bool, progress: Progress
) -> ExportStats:
    """Spans, sentences and documents: rows from the store's cursor, already escaped
    in SQL (see Store.exports.query), formatted a chunk at a time; no Python per row
    unless the row needs quoting. Large exports of a project file use two processes
    (see `PARALLEL_MIN_ROWS`)."""
    provenance = selection.provenance and kind != "documents"
    header = store.exports.columns(kind, provenance)
    handle.write(",".join(header) + CSV_LINE_END)
    names, exclude = (None, ()) if kind == "documents" else (selection.annotators, selection.exclude)
    part = _RowsPart(kind, names, exclude, provenance, raw)
    split = _split_point(store, part)
    if split is None:
        return ExportStats(kind, "csv", rows=part.write(store, handle, progress=progress))
    # The documents from `split` on go to a worker process, which writes them to a
    # temporary file while this one writes the documents before `split`; then the
    # file is appended. Each half is read in its own transaction: a document is always
    # exported as it was at one moment.
    # Beside the export's own temporary file, so a killed export's part is cleaned up
    # with it (output_file); for a stream, in the system's temporary folder.
    near = getattr(handle, "name", None)
    folder = Path(near).parent if isinstance(near, str) and os.path.isfile(near) else Path(tempfile.gettempdir())
    temp_path, descriptor = create_temporary(folder / "export-part")
    os.close(descriptor)
    temp_name = str(temp_path)
    try:
        with ProcessPoolExecutor(
            max_workers=1, mp_context=get_context("spawn"), initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            second = pool.submit(_write_part_to_file, str(store.path), part, split, temp_name)
            rows = part.write(store, handle, seq_range=(None, split), progress=progress)
            try:
                later: int | None = second.result()
            except Exception:  # noqa: BLE001 - a worker that could not run (no processes
                later = None  # allowed, killed): this process writes the second half.
        if later is None:
            rows += part.write(store, handle, seq_range=(split, None), progress=progress)
        else:
            progress(later)
            _append_file(handle, temp_name)
            rows += later
    finally:
        os.unlink(temp_name)
    return ExportStats(kind, "csv", rows=rows)


@dataclass(frozen=True)
class _RowsPart:
    """What a CSV export of rows writes (picklable, for the worker process)."""

    kind: str
    annotators: tuple[str, ...] | None
    exclude: tuple[str, ...]
    provenance: bool
    raw: bool

    def write(
        self, store: Store, handle: TextIO, seq_range: tuple[int | None, int | None] = (None, None),
        progress: Progress = _no_progress,
    ) -> int:  # fmt: skip
        formatter = CsvLines(
            len(store.exports.columns(self.kind, self.provenance)), store.exports.SEPARATOR,
            lambda key: store.exports.row(self.kind, key, provenance=self.provenance, safe=not self.raw),
        )  # fmt: skip
        written = 0
        write = _byte_writer(handle)
        # The rows are freed by reference counting; cyclic GC passes over millions of
        # short-lived tuples would only cost time.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for rows in store.exports.iter_rows(
                self.kind, self.annotators, self.exclude, provenance=self.provenance, safe=not self.raw,
                chunk=CHUNK, seq_range=seq_range,
            ):  # fmt: skip
                write(formatter.lines(rows))
                written += len(rows)
                progress(len(rows))
        finally:
            if gc_was_enabled:
                gc.enable()
        return written


def _split_point(store: Store, part: _RowsPart) -> int | None:
    """The document seq where the worker process takes over, or None for one process."""
    if store.path is None or part.kind == "documents" or (os.cpu_count() or 1) < 2:
        return None
    if part.kind == "spans":
        rows = store.exports.count_spans(part.annotators, part.exclude)
    else:
        rows = store.exports.count_states(part.annotators, part.exclude)
    if rows < PARALLEL_MIN_ROWS:
        return None
    return store.exports.middle_seq(part.kind, part.annotators, part.exclude, rows)


def _byte_writer(handle: TextIO) -> Callable[[bytes], object]:
    """Write UTF-8 bytes to a text handle: straight to its buffer when it is a UTF-8
    file (flushed first, so the order holds), decoded otherwise (e.g. a StringIO)."""
    encoding = (getattr(handle, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding == "utf8" and hasattr(handle, "buffer"):
        handle.flush()
        return handle.buffer.write
    return lambda data: handle.write(data.decode("utf-8"))


def _append_file(handle: TextIO, file_name: str) -> None:
    """Append a UTF-8 file to `handle`."""
    write = _byte_writer(handle)
    with open(file_name, "rb") as rest:
        while block := rest.read(1 << 20):
            write(block)


def _write_part_to_file(db_path: str, part: _RowsPart, seq_from: int, file_name: str) -> int:
    """In the worker process: the rows of documents from `seq_from` on, into a file."""
    with Store.open(db_path, readonly=True) as store, store.read_snapshot(), open_existing(Path(file_name)) as handle:
        return part.write(store, handle, seq_range=(seq_from, None))


def export_spans_csv(
    store: Store, handle: TextIO, selection: Selection = Selection(), *, raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    """Columns SPAN_COLUMNS, plus GOLD_COLUMNS with `selection.provenance`."""
    return _export_sql_csv("spans", store, handle, selection, raw, progress)


def export_sentences_csv(
    store: Store, handle: TextIO, selection: Selection = Selection(), *, raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    """Columns SENTENCE_COLUMNS, plus GOLD_COLUMNS with `selection.provenance`."""
    return _export_sql_csv("sentences", store, handle, selection, raw, progress)


def export_documents_csv(
    store: Store, handle: TextIO, selection: Selection = Selection(), *, raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    """Columns DOCUMENT_COLUMNS (every document, whoever annotated it)."""
    return _export_sql_csv("documents", store, handle, selection, raw, progress)


def export_tokens_csv(
    store: Store, handle: TextIO, selection: Selection = Selection(), *, raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    stats = ExportStats("tokens", "csv")

    def rows() -> Iterator[tuple]:
        for unit in iter_units(store, selection):
            tagged = bio_tags(unit.sentence.tokens, unit.spans)
            stats.spans_kept += tagged.kept
            stats.spans_dropped += tagged.dropped
            s = unit.sentence
            for i, ((start, end), tag) in enumerate(zip(s.tokens, tagged.tags)):
                yield (s.document_id, s.index, i, start, end, s.doc_start + start, s.doc_start + end,
                       s.text[start:end], unit.annotator, tag)  # fmt: skip

    stats.rows = write_csv(handle, TOKEN_COLUMNS, rows(), raw=raw, progress=progress)
    return stats


# ------------------------------------------------------------ sentence units


@dataclass
class Unit:
    """One sentence as one annotator left it: judgment (if any) and spans."""

    sentence: Sentence
    annotator: str
    judgment: str | None
    spans: list[tuple[int, int, str]]


def iter_units(store: Store, selection: Selection = Selection()) -> Iterator[Unit]:
    """Units in corpus order, then annotator: a sentence and an annotator who gave it a
    kept state (status, judgment, flag or note) or a span.

    Joins three cursors that share one order, so memory holds one sentence at a time.
    """
    names, exclude = selection.annotators, selection.exclude
    states = store.exports.unit_states(names, exclude)
    spans = store.exports.unit_spans(names, exclude)
    state = next(states, None)
    span = next(spans, None)
    for sentence in store.exports.unit_sentences(names, exclude):
        units: dict[str, Unit] = {}
        while state is not None and state[0] == sentence.id:
            units[state[1]] = Unit(sentence, state[1], state[2], [])
            state = next(states, None)
        while span is not None and span[0] == sentence.id:
            unit = units.get(span[1])
            if unit is None:
                unit = units[span[1]] = Unit(sentence, span[1], None, [])
            unit.spans.append((span[2], span[3], span[4]))
            span = next(spans, None)
        for name in sorted(units):
            yield units[name]


def export_jsonl(
    store: Store, handle: TextIO, selection: Selection = Selection(), *, raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    """One object per sentence and annotator, in doccano's sequence-labelling shape."""
    stats = ExportStats("sentences", "jsonl", unit="JSON objects")
    for unit in iter_units(store, selection):
        s = unit.sentence
        obj = {
            "text": s.text,
            "label": [[start, end, label] for start, end, label in unit.spans],
            "document_id": s.document_id,
            "sentence_index": s.index,
            "annotator": unit.annotator,
            "judgment": unit.judgment,
        }
        handle.write(json.dumps(obj, ensure_ascii=False))
        handle.write("\n")
        stats.rows += 1
        if stats.rows % 1000 == 0:
            progress(1000)
    return stats


def conll_comment(document_id: str, index: int, annotator: str) -> str:
    # The first line is exactly the documented `# document_id = ... sentence_index = ...`;
    # the annotator goes on a comment line of its own, so strict readers of that line work.
    return f"# document_id = {document_id} sentence_index = {index}\n# annotator = {annotator}"


def export_conll(
    store: Store, handle: TextIO, selection: Selection = Selection(), *, raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    """Token-level BIO: per unit a comment line, one `token<TAB>tag` line per token, a blank line."""
    stats = ExportStats("tokens", "conll", unit="sentences (one per annotator)")
    write = handle.write
    for unit in iter_units(store, selection):
        s = unit.sentence
        tagged = bio_tags(s.tokens, unit.spans)
        stats.spans_kept += tagged.kept
        stats.spans_dropped += tagged.dropped
        lines = [conll_comment(s.document_id, s.index, unit.annotator)]
        lines += [f"{s.text[start:end]}\t{tag}" for (start, end), tag in zip(s.tokens, tagged.tags)]
        write("\n".join(lines))
        write("\n\n")
        stats.rows += 1
        if stats.rows % 1000 == 0:
            progress(1000)
    return stats


# -------------------------------------------------------------------- dispatch

Writer = Callable[..., ExportStats]

_WRITERS: dict[tuple[str, str], Writer] = {
    ("spans", "csv"): export_spans_csv,
    ("sentences", "csv"): export_sentences_csv,
    ("documents", "csv"): export_documents_csv,
    ("tokens", "csv"): export_tokens_csv,
    ("spans", "jsonl"): export_jsonl,
    ("sentences", "jsonl"): export_jsonl,
    ("spans", "conll"): export_conll,
    ("tokens", "conll"): export_conll,
}


def export(
    store: Store, kind: str, fmt: str, handle: TextIO, selection: Selection = Selection(), *,
    raw: bool = False, progress: Progress = _no_progress,
) -> ExportStats:  # fmt: skip
    """Write one kind in one format to an open text handle (opened with newline="")."""
    check_combination(kind, fmt)
    if kind == "all":
        raise UnsupportedExport("--what all writes several files: use export_to_folder")
    stats = _WRITERS[(kind, fmt)](store, handle, selection, raw=raw, progress=progress)
    stats.kind = kind
    return stats


def progress_total(store: Store, kind: str, fmt: str, selection: Selection) -> int | None:
    """How far the progress bar goes (rows), when it can be counted cheaply."""
    if fmt != "csv":
        return None
    if kind == "spans":
        return store.exports.count_spans(selection.annotators, selection.exclude)
    if kind == "sentences":
        return store.exports.count_states(selection.annotators, selection.exclude)
    if kind == "documents":
        return store.corpus.counts()["documents"]
    return None


def file_name(project: str, kind: str, fmt: str, stamp: str) -> str:
    """`<project>-<what>-<UTC timestamp>.<ext>`, the project name made safe for a file name."""
    safe = re.sub(r"[^\w.-]+", "_", project).strip("._") or "project"
    return f"{safe}-{kind}-{stamp}.{EXTENSIONS[fmt]}"


def export_to_path(
    store: Store, kind: str, fmt: str, path: Path, selection: Selection = Selection(), *,
    raw: bool = False, progress: Progress = _no_progress, free_name: bool = False,
) -> ExportStats:  # fmt: skip
    """Write to `path` through a private temporary file that takes the name when complete
    (see output_file). With `free_name`, `path` is a name the tool picked: if it is taken,
    the file gets the first free `-2`, `-3` ... name instead; `stats.path` says which."""
    check_combination(kind, fmt)
    output = OutputFile(path, free_name=free_name)
    with output as handle:
        stats = export(store, kind, fmt, handle, selection, raw=raw, progress=progress)
    stats.path = str(output.path)
    return stats
