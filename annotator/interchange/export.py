"""Export labelled data, streamed at constant memory: the dispatcher.

Each format's writer lives in its own module (`jsonl`, `conll`, `hf_dataset`,
`label_studio`; `units` reads the sentence units they share, `splits` assigns
documents to train/validation/test, `offsets` converts offsets at the edge). Writers
take open text handles; this module opens the files (`OutputFile`, or any
`open_file` given) and routes units to writers. The CSV writers stay here.

Rows come from store cursors and are written as they arrive; nothing holds all rows.
Every writer takes a text handle opened with `newline=""`; the functions here return
`ExportStats`. Every file goes through an `OutputFile` (output_file): a private
temporary file beside the target, named when done, so a failed export never leaves half
a file under the real name, and concurrent exports never share a file.

The spans, sentences and documents CSV are the hot path (a million spans must export
within twice the sqlite3 shell's time): SQLite builds each row as one UTF-8 value
(`Store.exports.iter_rows`), `CsvLines` turns a chunk of them into CSV bytes with C-level
string operations, and large exports use a second process (`PARALLEL_MIN_ROWS`). The
tokens CSV, JSONL and CoNLL go through Python per sentence.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from itertools import compress, islice, repeat
from multiprocessing import get_context
from operator import ne, or_
from pathlib import Path
from typing import TextIO

from .. import settings
from ..model import GOLD
from ..overlaps import LabelOrder
from ..store import Store
from ..store.csv_format import SHEET_SAFE_COLUMNS, csv_line, escape, needs_escape
from .bio import bio_tags
from .conll import ConllWriter
from .formats import EXTENSIONS, SUPPORTED, TOKEN_COLUMNS
from .hf_dataset import HfWriter, dataset_card
from .jsonl import JsonlWriter
from .label_studio import LabelStudioWriter, label_config
from .output_file import OutputFile, create_temporary, open_existing
from .splits import DEFAULT_SPLIT, SPLITS, assign, parse_split
from .stats import ExportStats
from .units import Selection, Unit, iter_units, unit_annotators
from .worker_lifetime import die_with_parent

__all__ = ["ExportStats", "Selection", "Unit", "iter_units"]

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


def _csv_writer(target: object) -> csv.writer:
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
    part = _RowsPart(kind, names, exclude, provenance, raw, None if kind == "documents" else selection.statuses)
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
            except Exception:
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
    statuses: tuple[str, ...] | None = None

    def write(
        self,
        store: Store,
        handle: TextIO,
        seq_range: tuple[int | None, int | None] = (None, None),
        progress: Progress = _no_progress,
    ) -> int:
        formatter = CsvLines(
            len(store.exports.columns(self.kind, self.provenance)),
            store.exports.SEPARATOR,
            lambda key: store.exports.row(self.kind, key, provenance=self.provenance, safe=not self.raw),
        )
        written = 0
        write = _byte_writer(handle)
        # The rows are freed by reference counting; cyclic GC passes over millions of
        # short-lived tuples would only cost time.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for rows in store.exports.iter_rows(
                self.kind,
                self.annotators,
                self.exclude,
                provenance=self.provenance,
                safe=not self.raw,
                chunk=CHUNK,
                seq_range=seq_range,
                statuses=self.statuses,
            ):
                write(formatter.lines(rows))
                written += len(rows)
                progress(len(rows))
        finally:
            if gc_was_enabled:
                gc.enable()
        return written


def _split_point(store: Store, part: _RowsPart) -> int | None:
    """The document seq where the worker process takes over, or None for one process."""
    # A status filter is rare on the CSV exports (they default to any status), and the
    # counts that place the split do not take it: such an export runs in one process.
    if store.path is None or part.kind == "documents" or part.statuses is not None or (os.cpu_count() or 1) < 2:
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
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:
    """Columns SPAN_COLUMNS, plus GOLD_COLUMNS with `selection.provenance`."""
    return _export_sql_csv("spans", store, handle, selection, raw, progress)


def export_sentences_csv(
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:
    """Columns SENTENCE_COLUMNS, plus GOLD_COLUMNS with `selection.provenance`."""
    return _export_sql_csv("sentences", store, handle, selection, raw, progress)


def export_documents_csv(
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:
    """Columns DOCUMENT_COLUMNS (every document, whoever annotated it)."""
    return _export_sql_csv("documents", store, handle, selection, raw, progress)


def export_tokens_csv(
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
) -> ExportStats:
    """Columns TOKEN_COLUMNS: each token's BIO tag by the one overlap rule, and the unit's status."""
    stats = ExportStats("tokens", "csv")
    order = LabelOrder(store.tagset().label_names)

    def rows() -> Iterator[tuple]:
        for unit in iter_units(store, selection):
            tagged = bio_tags(unit.sentence.tokens, unit.spans, order)
            stats.add_tagged(tagged.kept, tagged.dropped, tagged.cut)
            s = unit.sentence
            for i, ((start, end), tag) in enumerate(zip(s.tokens, tagged.tags)):
                yield (
                    s.document_id,
                    s.index,
                    i,
                    start,
                    end,
                    s.doc_start + start,
                    s.doc_start + end,
                    s.text[start:end],
                    unit.annotator,
                    tag,
                    unit.status,
                )

    stats.rows = write_csv(handle, TOKEN_COLUMNS, rows(), raw=raw, progress=progress)
    return stats


def _each_unit(store: Store, selection: Selection, progress: Progress) -> Iterator[Unit]:
    """The units, moving the progress bar every thousand."""
    n = 0
    for n, unit in enumerate(iter_units(store, selection), 1):
        yield unit
        if n % 1000 == 0:
            progress(1000)
    progress(n % 1000)


def export_jsonl(
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
    offsets: str = "codepoints",
) -> ExportStats:
    """One object per sentence and annotator, in doccano's sequence-labelling shape."""
    stats = ExportStats("sentences", "jsonl", unit="JSON objects")
    writer = JsonlWriter(handle, stats, offsets)
    for unit in _each_unit(store, selection, progress):
        writer.write(unit)
    return stats


def export_conll(
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
    sidecar: TextIO | None = None,
) -> ExportStats:
    """CoNLL-2003 of the selected units (one annotator per file: see export_files), and
    the sidecar CSV of its sentences to `sidecar` when given."""
    stats = ExportStats("tokens", "conll", unit="sentences")
    writer = ConllWriter(handle, sidecar or io.StringIO(), stats, store.tagset().label_names, raw=raw)
    for unit in _each_unit(store, selection, progress):
        writer.write(unit)
    return stats


def export_label_studio(
    store: Store,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
    offsets: str = "codepoints",
) -> ExportStats:
    """One JSON array of Label Studio tasks (the labelling config: label_config)."""
    stats = ExportStats("spans", "label-studio", unit="tasks")
    writer = LabelStudioWriter(handle, stats, offsets)
    for unit in _each_unit(store, selection, progress):
        writer.write(unit)
    writer.close()
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
    ("spans", "label-studio"): export_label_studio,
    ("sentences", "label-studio"): export_label_studio,
}
# Formats that count offsets: --offsets applies to them.
OFFSET_FORMATS = ("jsonl", "label-studio")


def export(
    store: Store,
    kind: str,
    fmt: str,
    handle: TextIO,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
    offsets: str = "codepoints",
) -> ExportStats:
    """Write one kind in one format to an open text handle (opened with newline="")."""
    check_combination(kind, fmt)
    if kind == "all" or fmt == "hf":
        raise UnsupportedExport(f"--{'what all' if kind == 'all' else 'format hf'} writes several files: give a folder")
    extra = {"offsets": offsets} if fmt in OFFSET_FORMATS else {}
    stats = _WRITERS[(kind, fmt)](store, handle, selection, raw=raw, progress=progress, **extra)
    stats.kind = kind
    return stats


def progress_total(store: Store, kind: str, fmt: str, selection: Selection) -> int | None:
    """How far the progress bar goes (rows), when it can be counted cheaply."""
    if fmt != "csv" or (selection.statuses is not None and kind != "documents"):
        return None
    if kind == "spans":
        return store.exports.count_spans(selection.annotators, selection.exclude)
    if kind == "sentences":
        return store.exports.count_states(selection.annotators, selection.exclude)
    if kind == "documents":
        return store.corpus.counts()["documents"]
    return None


def safe_name(name: str, fallback: str = "project") -> str:
    """A name made safe for a file name."""
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or fallback


def file_name(project: str, kind: str, fmt: str, stamp: str) -> str:
    """`<project>-<what>-<UTC timestamp>.<ext>` (no extension for a folder), the project
    name made safe for a file name."""
    stem = f"{safe_name(project)}-{kind}-{stamp}"
    return f"{stem}.{EXTENSIONS[fmt]}" if EXTENSIONS.get(fmt) else stem


Opener = Callable[[Path], AbstractContextManager[TextIO]]


def export_to_path(
    store: Store,
    kind: str,
    fmt: str,
    path: Path,
    selection: Selection = Selection(),
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
    free_name: bool = False,
    offsets: str = "codepoints",
) -> ExportStats:
    """Write to `path` through a private temporary file that takes the name when complete
    (see output_file). With `free_name`, `path` is a name the tool picked: if it is taken,
    the file gets the first free `-2`, `-3` ... name instead; `stats.path` says which."""
    check_combination(kind, fmt)
    output = OutputFile(path, free_name=free_name)
    with output as handle:
        stats = export(store, kind, fmt, handle, selection, raw=raw, progress=progress, offsets=offsets)
    stats.path = str(output.path)
    stats.paths.append(str(output.path))
    return stats


@dataclass(frozen=True)
class Layout:
    """How a multi-file export is laid out: `--split` (None: no split) and its seed."""

    split: str | None = None
    seed: int = 0

    def shares(self) -> tuple[int, int, int]:
        return parse_split(self.split or DEFAULT_SPLIT)


def split_names(path: Path) -> dict[str, Path]:
    """`name.ext` -> `name.train.ext`, `name.validation.ext`, `name.test.ext`."""
    return {split: path.with_name(f"{path.stem}.{split}{path.suffix}") for split in SPLITS}


def sidecar_path(path: Path) -> Path:
    """`<name>.sentences.csv` beside a CoNLL file `<name>.conll`."""
    return path.with_name(f"{path.stem}.sentences.csv")


def document_splits(store: Store, selection: Selection, layout: Layout) -> dict[str, str]:
    """Each exported document's split."""
    sentences = store.exports.unit_sentences(selection.annotators, selection.exclude, selection.statuses)
    documents = (s.document_id for s in sentences)
    return assign(dict.fromkeys(documents), layout.shares(), layout.seed)


def export_split_files(
    store: Store,
    kind: str,
    fmt: str,
    path: Path,
    selection: Selection,
    layout: Layout,
    *,
    raw: bool = False,
    progress: Progress = _no_progress,
    offsets: str = "codepoints",
    open_file: Opener = OutputFile,
) -> list[ExportStats]:
    """JSONL as three files by document split (`name.train.jsonl` ...); CoNLL splits go
    through export_conll_files."""
    check_combination(kind, fmt)
    if fmt == "conll":
        return export_conll_files(store, kind, path, selection, layout, raw=raw, progress=progress, open_file=open_file)
    if fmt != "jsonl":
        raise UnsupportedExport(f"--split applies to hf, conll and jsonl, not --format {fmt}")
    splits = document_splits(store, selection, layout)
    with ExitStack() as stack:
        writers: dict[str, JsonlWriter] = {}
        for split, target in split_names(path).items():
            stats = ExportStats(kind, fmt, unit="JSON objects", path=str(target), paths=[str(target)])
            writers[split] = JsonlWriter(stack.enter_context(open_file(target)), stats, offsets)
        for unit in _each_unit(store, selection, progress):
            writers[splits[unit.sentence.document_id]].write(unit)
    return [writer.stats for writer in writers.values()]


def _annotator_paths(target: Path, annotators: Sequence[str], folder: bool) -> dict[str | None, Path]:
    """Each annotator's CoNLL file: `target`, or `<annotator>.conll` in the folder
    `target` (two names that read the same once made safe get -2, -3 ...)."""
    if not folder:
        return {annotators[0] if annotators else None: target}
    paths: dict[str | None, Path] = {}
    taken: set[str] = set()
    for name in annotators:
        stem, n = safe_name(name, "annotator"), 2
        candidate = stem
        while candidate.lower() in taken:
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate.lower())
        paths[name] = target / f"{candidate}.conll"
    return paths


def export_conll_files(
    store: Store,
    kind: str,
    target: Path,
    selection: Selection,
    layout: Layout | None = None,
    *,
    folder: bool = False,
    raw: bool = False,
    progress: Progress = _no_progress,
    open_file: Opener = OutputFile,
) -> list[ExportStats]:
    """CoNLL, one file per annotator (or gold): `target` itself for one annotator, or
    `<annotator>.conll` in the folder `target` (`folder`, or more than one annotator).
    Beside each goes its sidecar; with `layout`, each is split in three. One pass over
    the units routes each to its annotator's (and split's) writer."""
    check_combination(kind, "conll")
    annotators = unit_annotators(store, selection)
    folder = folder or len(annotators) > 1
    if folder:
        target.mkdir(parents=True, exist_ok=True)
    splits = document_splits(store, selection, layout) if layout is not None else None
    order = store.tagset().label_names
    with ExitStack() as stack:
        writers: dict[tuple[str | None, str | None], ConllWriter] = {}
        for name, path in _annotator_paths(target, annotators, folder).items():
            for split, file in split_names(path).items() if splits is not None else [(None, path)]:
                stats = ExportStats(
                    kind, "conll", unit="sentences", path=str(file), paths=[str(file), str(sidecar_path(file))]
                )
                handle = stack.enter_context(open_file(file))
                sidecar = stack.enter_context(open_file(sidecar_path(file)))
                writers[(name, split)] = ConllWriter(handle, sidecar, stats, order, raw=raw)
        for unit in _each_unit(store, selection, progress):
            split = splits[unit.sentence.document_id] if splits is not None else None
            writers[(unit.annotator, split)].write(unit)
    return [writer.stats for writer in writers.values()]


def agreement_lines(store: Store, annotators: Sequence[str]) -> list[str]:
    """The agreement figures for a dataset card, between the exported annotators."""
    from ..agreement.matrices import AgreementError
    from ..agreement.report import compute_report

    names = [name for name in annotators if name != GOLD]
    try:
        report = compute_report(store, level="all", annotators=names)
    except AgreementError as exc:
        return [f"not computed: {exc}"]

    def figure(value: object) -> str:
        return "undefined" if value is None else f"{value:.3f}"

    token, sentence, span = report["token"], report["sentence"], report["span"]
    return [
        f"Annotators compared: {', '.join(names)} (sentences each marked done).",
        (
            f"Token level: Krippendorff's alpha {figure(token['krippendorff_alpha'])} over {token['units']} tokens "
            "(labels by the overlap rule above)."
        ),
        (
            f"Sentence judgment: Krippendorff's alpha {figure(sentence['krippendorff_alpha'])} over "
            f"{sentence['units']} sentences."
        ),
        f"Spans: mean exact F1 {figure(span['mean_exact_f1'])}, mean overlap F1 {figure(span['mean_overlap_f1'])}.",
        "Alpha reads against Krippendorff's thresholds: at least .800 reliable, at least .667 tentative.",
    ]


def export_hf(
    store: Store,
    folder: Path,
    selection: Selection,
    layout: Layout,
    *,
    progress: Progress = _no_progress,
    open_file: Opener = OutputFile,
    kind: str = "sentences",
) -> ExportStats:
    """The Hugging Face dataset folder: train/validation/test.jsonl and README.md."""
    tagset = store.tagset()
    names = list(tagset.label_names)
    names += sorted(set(store.exports.span_labels(selection.annotators, selection.exclude)) - set(names))
    descriptions = {label.name: label.description for label in tagset.labels}
    folder.mkdir(parents=True, exist_ok=True)
    splits = document_splits(store, selection, layout)
    stats = ExportStats(kind, "hf", unit="lines", path=str(folder))
    annotators: set[str] = set()
    with ExitStack() as stack:
        handles = {split: stack.enter_context(open_file(folder / f"{split}.jsonl")) for split in SPLITS}
        writer = HfWriter(handles, stats, names)
        for unit in _each_unit(store, selection, progress):
            annotators.add(unit.annotator)
            writer.write(unit, splits[unit.sentence.document_id])
    statuses = (
        f"the sentences with status {' or '.join(selection.statuses)}"
        if selection.statuses
        else "sentences of every status"
    )
    card = dataset_card(
        project=store.project_name(),
        labels=[(name, descriptions.get(name, "")) for name in names],
        annotators=sorted(annotators),
        counts=writer.counts,
        agreement=agreement_lines(store, sorted(annotators)),
        license_id=str(settings.get(store, "license")),
        statuses=statuses,
        split=layout.split or DEFAULT_SPLIT,
        seed=layout.seed,
        stats=stats,
    )
    with open_file(folder / "README.md") as handle:
        handle.write(card)
    stats.paths = [str(folder / f"{split}.jsonl") for split in SPLITS] + [str(folder / "README.md")]
    return stats


def export_label_studio_files(
    store: Store,
    kind: str,
    path: Path,
    selection: Selection,
    *,
    progress: Progress = _no_progress,
    offsets: str = "codepoints",
    open_file: Opener = OutputFile,
) -> ExportStats:
    """The tasks file and `<name>.label-config.xml` beside it."""
    with open_file(path) as handle:
        stats = export(store, kind, "label-studio", handle, selection, progress=progress, offsets=offsets)
    stats.path, stats.paths = str(path), [str(path)]
    config = path.with_name(f"{path.stem}.label-config.xml")
    with open_file(config) as handle:
        handle.write(label_config(store.tagset()))
    stats.paths.append(str(config))
    return stats
