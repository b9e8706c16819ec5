"""Import documents into a project: read, segment, and write.

Guarantees:
- A file is all-or-nothing as every reader sees it: its documents are committed in
  short batches (one transaction each, so annotators' writes never wait long for the
  write lock), as one write unit (annotator.store.units) whose rows stay invisible
  until the file's last batch is in. A refused record discards the batches already
  written; a killed import's unit is discarded by the next open. Single-document
  `.txt` files need no unit: each batch of them commits as it is.
- Re-importing the same text is skipped and reported; the same id with different
  text is refused, so annotations on the stored text are never orphaned.

Speed: documents are segmented in batches. On large inputs a pool of worker processes
(one per core, less one for this process) segments batches while this process reads and
writes. Every batch goes to the pool; when this process would otherwise wait (its queue
of batches is full, or the input has ended) it takes back the oldest batch no worker
has started and segments it itself, so that neither side idles. Batches are written in
input order with one `executemany` per table. Workers send each sentence's tokens
already in their stored JSON form (`EncodedTokens`): a string per sentence crosses
between processes several times cheaper than a tuple per token, and this process
neither unpickles nor encodes them.

An `on_sentences` hook that is a `SentenceAnalyzer` (the lexicon's suggestions) has
pure per-sentence work: it runs next to segmentation, in the worker that segments the
batch, and this process only writes its results. Profiling the CLI import showed the
lexicon matching, run here after each write, was the largest cost on this process's
critical path. A plain hook still runs here, on each batch just written.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .corpus_files import (
    FieldChoice,
    RawDocument,
    detect_format,
    expand_paths,
    read_documents,
)
from .errors import AnnotatorError, InputError
from .model import Document, EncodedTokens, Sentence, tokens_json
from .segmentation import punkt, segment
from .store import Store
from .store.units import COMMIT_GAP_SECONDS, wait_for_turn
from .textnorm import content_hash

# A batch is segmented as one unit (in a worker or here) and written with one executemany.
BATCH_DOCUMENTS = 64
BATCH_CHARS = 256_000
# Below this much input, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD_BYTES = 1_000_000
# Batches read ahead and not yet written, at most: with this many waiting, this process
# segments one itself (or, if every one has started in a worker, waits).
MAX_QUEUED_BATCHES = 8
# Without batch commits (the old path, kept as the benchmarks' baseline): files are
# savepoints inside a transaction committed about this often.
COMMIT_SECONDS = 1.0
# A document longer than this is segmented and written a piece at a time (pieces end
# at a line end, where segmentation starts afresh anyway), so that its sentences and
# tokens are never all in memory: a 100 MB document imports in a few hundred MB.
LARGE_DOCUMENT_CHARS = 4_000_000
PIECE_BYTES = 1_000_000

Segments = list[tuple[int, int, list[tuple[int, int]]]]
# As a worker sends them: (start, end, tokens in their stored JSON form, token count).
Encoded = list[tuple[int, int, str, int]]


@dataclass
class FileResult:
    path: str
    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    skipped: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(f.documents for f in self.files if f.error is None)

    @property
    def sentences(self) -> int:
        return sum(f.sentences for f in self.files if f.error is None)

    @property
    def tokens(self) -> int:
        return sum(f.tokens for f in self.files if f.error is None)

    @property
    def skipped(self) -> int:
        return sum(len(f.skipped) for f in self.files if f.error is None)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]


@dataclass(frozen=True)
class ImportOptions:
    fmt: str = "auto"
    fields: FieldChoice = FieldChoice()
    encoding: str | None = None
    # Segment in worker processes on large inputs (False: always in this process).
    parallel: bool = True
    # Worker processes; None: one per core, less one for this process (at least one).
    workers: int | None = None
    # Commit each batch on its own, a file landing as one write unit. False: each file
    # is one transaction that holds the write lock until the file is in (the old path,
    # the benchmarks' baseline).
    batch_commits: bool = True


SentencesHook = Callable[[Store, list[Sentence]], None]
# (number of the sentence in its batch, the analyzer's result) for sentences with a result.
Found = list[tuple[int, Any]]


@runtime_checkable
class SentenceAnalyzer(Protocol):
    """A sentences hook whose work on each sentence is pure, so that it can run in the
    worker processes next to segmentation (the importer sends it to each worker once,
    when the pool starts: pickled for spawn and forkserver, inherited with fork).

    - `prepare()` readies it in a process (compiles what it needs), once per process;
    - `analyse(text, tokens)` gives the result for one sentence (falsy: nothing), and
      must depend on nothing but its arguments;
    - `write(store, found)` stores the results of sentences just written, as
      (sentence with its id, result) pairs, inside the import transaction;
    - called as a plain hook, `(store, sentences)`, it does both here.
    """

    def prepare(self) -> None: ...

    def analyse(self, text: str, tokens: list[tuple[int, int]]) -> Any: ...

    def write(self, store: Store, found: list[tuple[Sentence, Any]]) -> None: ...

    def __call__(self, store: Store, sentences: list[Sentence]) -> None: ...


def segment_texts(texts: list[str]) -> list[Segments]:
    """Segment a batch of document texts (runs in a worker process or in this one)."""
    return [segment(text) for text in texts]


def analyse_segments(analyzer: SentenceAnalyzer | None, texts: list[str], segments: list[Segments]) -> Found:
    """The analyzer's results for a segmented batch, numbered by sentence in the batch."""
    if analyzer is None:
        return []
    analyse = analyzer.analyse
    found: Found = []
    number = 0
    for text, pieces in zip(texts, segments):
        for start, end, tokens in pieces:
            result = analyse(text[start:end], tokens)
            if result:
                found.append((number, result))
            number += 1
    return found


# The analyzer of a worker process, set once by the pool initializer.
_worker_analyzer: SentenceAnalyzer | None = None


def process_texts(texts: list[str]) -> tuple[list[Encoded], Found]:
    """Segment a batch and analyse its sentences (in a worker process); tokens come
    back encoded for the store."""
    segments = segment_texts(texts)
    found = analyse_segments(_worker_analyzer, texts, segments)
    return [
        [(start, end, tokens_json(tokens), len(tokens)) for start, end, tokens in pieces] for pieces in segments
    ], found


def _warm_worker(analyzer: SentenceAnalyzer | None = None) -> None:
    # Ctrl-C reaches the whole process group: the importer handles it (and rolls back);
    # workers just stop when it shuts them down, without a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker shares its parent's pipes, so it would not notice the parent being
    # killed (SIGKILL, out of memory) and would wait forever: watch for that instead.
    parent = os.getppid()

    def exit_with_parent() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()
    punkt()
    global _worker_analyzer
    _worker_analyzer = analyzer
    if analyzer is not None:
        analyzer.prepare()


@dataclass
class _Entry:
    raw: RawDocument
    digest: str
    result: FileResult


class _FileUnit:
    """A file's write unit, begun by its first batch: a file that writes nothing (all
    skipped, or refused early) leaves no trace at all."""

    def __init__(self, store: Store, label: str):
        self.store, self.label = store, label
        self.id: int | None = None

    def get(self) -> int:
        if self.id is None:
            self.id = self.store.units.begin("import", self.label)
        return self.id

    def publish(self) -> None:
        if self.id is not None:
            self.store.units.publish(self.id)

    def discard(self) -> None:
        if self.id is not None:
            self.store.units.discard(self.id)


@dataclass
class _Batch:
    entries: list[_Entry]
    unit: _FileUnit | None = None
    future: Future | None = None
    segments: list[Segments] | list[Encoded] | None = None
    found: Found | None = None


class Importer:
    """Imports files into one store. `on_sentences` runs inside the import transaction
    for each batch of sentences just written (the lexicon uses it to add suggestions);
    a `SentenceAnalyzer` there does its per-sentence work alongside segmentation and
    only writes here. `on_progress` gets the number of input bytes read since its
    last call."""

    def __init__(
        self,
        store: Store,
        options: ImportOptions = ImportOptions(),
        on_sentences: SentencesHook | None = None,
        on_progress: Callable[[int], None] | None = None,
    ):
        self.store = store
        self.options = options
        self.on_sentences = on_sentences
        self.analyzer = on_sentences if isinstance(on_sentences, SentenceAnalyzer) else None
        self.on_progress = on_progress
        self._executor: Executor | None = None
        self._queue: deque[_Batch] = deque()
        self._open: list[_Entry] = []
        self._open_chars = 0
        # Documents read but not yet visible to others: id -> hash and hash -> id.
        self._pending_ids: dict[str, str] = {}
        self._pending_hashes: dict[str, str] = {}
        # The write unit of the file being imported (batch commits), if any.
        self._unit: _FileUnit | None = None
        self._last_commit = 0.0

    # ------------------------------------------------------------------ running

    def run(self, paths: Sequence[Path]) -> ImportReport:
        report = ImportReport()
        files = list(expand_paths(list(paths), self.options.fmt))
        sizes = {path: _size(path) for path in files}
        self._start_workers(sum(sizes.values()))
        try:
            if self.options.batch_commits:
                # Refuses a read-only project at once, even when every file would be skipped.
                with self.store.transaction():
                    pass
                for path in files:
                    report.files.append(self._import_file(path, sizes[path]))
                self._drain()
            else:
                remaining = iter(files)
                done = False
                while not done:
                    done = True
                    with self.store.transaction():
                        deadline = time.monotonic() + COMMIT_SECONDS
                        for path in remaining:
                            report.files.append(self._import_file(path, sizes[path]))
                            if time.monotonic() > deadline:
                                done = False
                                break
                        self._drain()
        finally:
            self._discard()
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None
        return report

    def import_file(self, path: Path) -> FileResult:
        """Import one file (a folder: all its files, reported as the last one's result)."""
        return self.run([path]).files[-1]

    def _import_file(self, path: Path, size: int) -> FileResult:
        result = FileResult(str(path))
        reported = 0
        try:
            if not path.exists():
                raise InputError(f"{path}: no such file or folder")
            records = read_documents(path, self.options.fmt, self.options.fields, self.options.encoding)
            if detect_format(path, self.options.fmt) == "txt":
                # One document, read whole before anything is written: nothing to roll
                # back, so it joins the batch of the files around it.
                for raw in records:
                    self._add(raw, result)
            elif self.options.batch_commits:
                self._drain()
                unit = self._unit = _FileUnit(self.store, str(path))
                try:
                    for raw in records:
                        self._add(raw, result)
                        self._progress(raw.position - reported)
                        reported = raw.position
                    self._drain()
                except BaseException:
                    self._discard()
                    unit.discard()
                    raise
                finally:
                    self._unit = None
                unit.publish()
                # Published: from here the store itself finds these documents.
                self._pending_ids.clear()
                self._pending_hashes.clear()
            else:
                self._drain()
                try:
                    with self.store.transaction():
                        for raw in records:
                            self._add(raw, result)
                            self._progress(raw.position - reported)
                            reported = raw.position
                        self._drain()
                except BaseException:
                    self._discard()
                    raise
        except AnnotatorError as exc:
            result.error = str(exc)
            result.documents = result.sentences = result.tokens = 0
            result.skipped.clear()
        self._progress(size - reported)
        return result

    def _progress(self, advance: int) -> None:
        if self.on_progress is not None and advance > 0:
            self.on_progress(advance)

    # ----------------------------------------------------------------- pipeline

    def _add(self, raw: RawDocument, result: FileResult) -> None:
        digest = content_hash(raw.text)
        previous = self._pending_ids.get(raw.id) or self.store.corpus.document_hash(raw.id)
        if previous is not None:
            if previous != digest:
                raise InputError(
                    f"{raw.origin}: document id {raw.id!r} already exists with different text;"
                    " refusing to replace it (give the new text another id)"
                )
            result.skipped.append(f"{raw.id} (already imported)")
            return
        duplicate_of = self._pending_hashes.get(digest) or self.store.corpus.document_with_hash(digest)
        if duplicate_of is not None:
            result.skipped.append(f"{raw.id} (same text as {duplicate_of})")
            return
        if len(raw.text) > LARGE_DOCUMENT_CHARS:
            self._write_large(raw, digest, result)
            return
        self._pending_ids[raw.id] = digest
        self._pending_hashes[digest] = raw.id
        self._open.append(_Entry(raw, digest, result))
        self._open_chars += len(raw.text)
        if len(self._open) >= BATCH_DOCUMENTS or self._open_chars >= BATCH_CHARS:
            self._dispatch()

    def _write_large(self, raw: RawDocument, digest: str, result: FileResult) -> None:
        """Write one large document in pieces, in this process: the document row first,
        then its sentences a piece at a time.

        With batch commits, each piece is its own short transaction inside a write unit
        (the file's, or the document's own for a .txt file), so the write lock is free
        between pieces and no reader sees the document until its last piece lands;
        otherwise the pieces share one transaction."""
        self._drain()  # what was read before it is written first, in input order
        own = _FileUnit(self.store, raw.origin) if self.options.batch_commits and self._unit is None else None
        unit = own or (self._unit if self.options.batch_commits else None)
        # From here the text is held as UTF-8 only (half or a quarter of a str with any
        # non-Latin-1 character, such as a curly quote), and the record gives its str up:
        # a 100 MB document is never in memory as text, bytes and SQLite's copy at once.
        data = raw.text.encode("utf-8")
        raw.text = ""
        document = Document(
            id=raw.id,
            text=data,  # insert_documents takes a large document's text as UTF-8 bytes
            title=raw.title,
            source=raw.source,
            url=raw.url,
            date=raw.date,
            metadata=raw.metadata,
            content_hash=digest,
        )
        index = tokens = 0
        start = 0  # in code points, as offsets are stored
        try:
            with self.store.transaction() if unit is None else nullcontext():
                with self._step(unit):
                    self.store.corpus.insert_documents([(document, [])], unit.get() if unit is not None else None)
                for first, last in _pieces(data, PIECE_BYTES):
                    piece = data[first:last].decode("utf-8")
                    segments = segment_texts([piece])
                    found = analyse_segments(self.analyzer, [piece], segments)
                    sentences = [
                        Sentence(None, raw.id, index + number, start + a, start + b, piece[a:b], piece_tokens)
                        for number, (a, b, piece_tokens) in enumerate(segments[0])
                    ]
                    width = len(piece)
                    del piece, segments
                    with self._step(unit):
                        self.store.corpus.append_sentences(raw.id, sentences)
                        if self.analyzer is not None:
                            if found:
                                self.analyzer.write(self.store, [(sentences[n], value) for n, value in found])
                        elif self.on_sentences is not None and sentences:
                            self.on_sentences(self.store, sentences)
                    index += len(sentences)
                    tokens += sum(len(s.tokens) for s in sentences)
                    start += width
                with self._step(unit):
                    self.store.corpus.set_counts(raw.id, index, tokens)
        except BaseException:
            if own is not None:
                own.discard()
            raise
        if own is not None:
            own.publish()
        elif unit is not None:
            # Written but not yet published with its file: later records must see it.
            self._pending_ids[raw.id] = digest
            self._pending_hashes[digest] = raw.id
        result.documents += 1
        result.sentences += index
        result.tokens += tokens

    @contextmanager
    def _step(self, unit: _FileUnit | None) -> Iterator[None]:
        """One piece of a large document: its own transaction in a write unit, after
        leaving the write lock free for a moment; a savepoint of the caller's otherwise."""
        if unit is not None:
            wait_for_turn(self.store, self._last_commit, COMMIT_GAP_SECONDS)
        with self.store.transaction():
            yield
        if unit is not None:
            self._last_commit = time.monotonic()

    def _dispatch(self) -> None:
        if not self._open:
            return
        batch = _Batch(self._open, self._unit)
        self._open, self._open_chars = [], 0
        if self._executor is not None:
            batch.future = self._executor.submit(process_texts, [entry.raw.text for entry in batch.entries])
        else:
            self._process_here(batch)
        self._queue.append(batch)
        self._write_ready()

    def _process_here(self, batch: _Batch) -> None:
        texts = [entry.raw.text for entry in batch.entries]
        batch.segments = segment_texts(texts)
        batch.found = analyse_segments(self.analyzer, texts, batch.segments)

    def _steal(self) -> bool:
        """Rather than wait for the workers, segment here the oldest batch none of them
        has started. False if there is none."""
        for batch in self._queue:
            if batch.future is not None and batch.future.cancel():
                batch.future = None
                self._process_here(batch)
                return True
        return False

    def _write_ready(self) -> None:
        """Write the finished batches at the head of the queue; with the queue full,
        help the workers (or wait for them)."""
        while self._queue:
            head = self._queue[0]
            if head.future is None or head.future.done():
                self._write(self._queue.popleft())
            elif len(self._queue) < MAX_QUEUED_BATCHES:
                return
            elif not self._steal():
                self._write(self._queue.popleft())

    def _drain(self) -> None:
        self._dispatch()
        while self._queue:
            head = self._queue[0]
            if head.future is None or head.future.done() or not self._steal():
                self._write(self._queue.popleft())

    def _discard(self) -> None:
        """Forget documents not yet written (their file failed)."""
        for batch in self._queue:
            if batch.future is not None:
                batch.future.cancel()
        self._queue.clear()
        self._open, self._open_chars = [], 0
        self._pending_ids.clear()
        self._pending_hashes.clear()

    def _write(self, batch: _Batch) -> None:
        encoded = False
        if batch.future is not None:
            try:
                batch.segments, batch.found = batch.future.result()
                encoded = True
            except BrokenProcessPool:
                # A worker died (killed, out of memory): carry on in this process.
                self._executor = None
                self._process_here(batch)
        segments, found = batch.segments, batch.found
        assert segments is not None
        items: list[tuple[Document, list[Sentence]]] = []
        for entry, pieces in zip(batch.entries, segments):
            raw = entry.raw
            text = raw.text
            if encoded:
                sentences = [
                    Sentence(None, raw.id, index, start, end, text[start:end], EncodedTokens(json, count))
                    for index, (start, end, json, count) in enumerate(pieces)
                ]
            else:
                sentences = [
                    Sentence(None, raw.id, index, start, end, text[start:end], tokens)
                    for index, (start, end, tokens) in enumerate(pieces)
                ]
            document = Document(
                id=raw.id,
                text=text,
                title=raw.title,
                source=raw.source,
                url=raw.url,
                date=raw.date,
                metadata=raw.metadata,
                content_hash=entry.digest,
            )
            items.append((document, sentences))
        unit = batch.unit.get() if batch.unit is not None else None
        if self.options.batch_commits:
            wait_for_turn(self.store, self._last_commit, COMMIT_GAP_SECONDS)
        try:
            # One transaction: the documents and their suggestions.
            with self.store.transaction():
                self._insert(unit, items, found)
        except sqlite3.IntegrityError as exc:
            # The ids were checked against every visible document: another import
            # running now has one of them in its unfinished file.
            raise InputError(
                f"{batch.entries[0].raw.origin}: a document id of this file is being imported by"
                f" another process at the same time ({exc})"
            ) from None
        self._last_commit = time.monotonic()
        for entry, (document, _) in zip(batch.entries, items):
            entry.result.documents += 1
            entry.result.sentences += document.sentence_count
            entry.result.tokens += document.token_count
            if batch.unit is None:  # visible now; a unit's stay pending until it is published
                del self._pending_ids[document.id]
                del self._pending_hashes[entry.digest]

    def _insert(self, unit: int | None, items: list[tuple[Document, list[Sentence]]], found: Found | None) -> None:
        self.store.corpus.insert_documents(items, unit)
        if self.analyzer is not None:
            if found:
                written = [sentence for _, sentences in items for sentence in sentences]
                self.analyzer.write(self.store, [(written[number], result) for number, result in found])
        elif self.on_sentences is not None:
            written = [sentence for _, sentences in items for sentence in sentences]
            if written:
                self.on_sentences(self.store, written)

    # ------------------------------------------------------------------ workers

    def _start_workers(self, total_bytes: int) -> None:
        if not self.options.parallel or total_bytes < PARALLEL_THRESHOLD_BYTES:
            return
        workers = self.options.workers or max(1, (os.cpu_count() or 1) - 1)
        punkt()  # built once here: forked workers inherit it
        if sys.platform.startswith("linux") and threading.active_count() == 1:
            # Fork starts workers at once with NLTK already loaded, and does not re-run
            # the caller's __main__ (spawn and forkserver do). It is only safe without
            # other threads: the CLI's progress bar refreshes without one.
            context = multiprocessing.get_context("fork")
        elif "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["annotator.segmentation"])
        else:
            context = multiprocessing.get_context("spawn")
        # The analyzer goes to each worker once: inherited as it is with fork (compiled,
        # so `prepare` has nothing left to do), pickled otherwise and compiled there.
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_warm_worker, initargs=(self.analyzer,)
        )


def _pieces(data: bytes, size: int):
    """(start, end) byte pieces of about `size` bytes of UTF-8, each ending after a
    newline (or at the end): sentences never cross a newline, so each piece segments
    on its own, and a newline byte never falls inside a character."""
    start, length = 0, len(data)
    while start < length:
        cut = data.find(b"\n", min(start + size, length))
        end = length if cut == -1 else cut + 1
        yield start, end
        start = end


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
