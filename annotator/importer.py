"""Import documents into a project: read, segment, and write, one file per transaction.

A file is all-or-nothing: any refused record rolls back every document of that file.
Re-importing the same text is skipped and reported; the same id with different text
is refused, so annotations on the stored text are never orphaned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .errors import AnnotatorError, InputError
from .ingest import FieldChoice, RawDocument, expand_paths, read_documents
from .model import Document, Sentence
from .segmentation import segment
from .store import Store
from .textnorm import content_hash

# Documents handed to a worker process at a time, and written per executemany.
BATCH_DOCUMENTS = 64
# Below this much text, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD_CHARS = 2_000_000


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
    # Use worker processes for segmentation on large inputs (both cores of a laptop).
    parallel: bool = True


SentencesHook = Callable[[Store, list[Sentence]], None]


def segment_document(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    return segment(text)


def _segment_batch(texts: list[str]) -> list[list[tuple[int, int, list[tuple[int, int]]]]]:
    return [segment(text) for text in texts]


class Importer:
    """Imports files into one store. `on_sentences` runs inside each file's transaction
    for the sentences just written (the lexicon uses it to add suggestions)."""

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
        self.on_progress = on_progress
        self._executor: Executor | None = None

    def run(self, paths: Sequence[Path]) -> ImportReport:
        report = ImportReport()
        try:
            for path in expand_paths(list(paths)):
                report.files.append(self.import_file(path))
        finally:
            if self._executor is not None:
                self._executor.shutdown()
        return report

    def import_file(self, path: Path) -> FileResult:
        result = FileResult(str(path))
        if not path.exists():
            result.error = f"{path}: no such file or folder"
            return result
        try:
            with self.store.transaction():
                self._import_records(read_documents(path, self.options.fmt, self.options.fields,
                                                    self.options.encoding), result)
        except AnnotatorError as exc:
            result.error = str(exc)
            result.documents = result.sentences = result.tokens = 0
            result.skipped.clear()
        return result

    def _import_records(self, records: Iterator[RawDocument], result: FileResult) -> None:
        seen_in_file: dict[str, str] = {}
        while True:
            batch = list(islice(records, BATCH_DOCUMENTS))
            if not batch:
                return
            fresh: list[tuple[RawDocument, str]] = []
            for raw in batch:
                digest = content_hash(raw.text)
                if not raw.id:
                    raise InputError(f"{raw.origin}: empty document id")
                previous = seen_in_file.get(raw.id) or self.store.document_hash(raw.id)
                if previous is not None:
                    if previous != digest:
                        raise InputError(
                            f"{raw.origin}: document id {raw.id!r} already exists with different text;"
                            " refusing to replace it (give the new text another id)"
                        )
                    result.skipped.append(f"{raw.id} (already imported)")
                    continue
                duplicate_of = self.store.document_with_hash(digest)
                if duplicate_of is not None:
                    result.skipped.append(f"{raw.id} (same text as {duplicate_of})")
                    continue
                seen_in_file[raw.id] = digest
                fresh.append((raw, digest))
            segmented = self._segment([raw.text for raw, _ in fresh])
            new_sentences: list[Sentence] = []
            for (raw, digest), pieces in zip(fresh, segmented):
                sentences = [
                    Sentence(None, raw.id, index, start, end, raw.text[start:end], tokens)
                    for index, (start, end, tokens) in enumerate(pieces)
                ]
                document = Document(
                    id=raw.id, text=raw.text, title=raw.title, source=raw.source, url=raw.url,
                    date=raw.date, metadata=raw.metadata, content_hash=digest,
                )  # fmt: skip
                self.store.insert_document(document, sentences)
                result.documents += 1
                result.sentences += len(sentences)
                result.tokens += sum(len(s.tokens) for s in sentences)
                new_sentences.extend(sentences)
            if self.on_sentences is not None and new_sentences:
                self.on_sentences(self.store, new_sentences)
            if self.on_progress is not None:
                self.on_progress(sum(len(raw.text) for raw in batch))

    def _segment(self, texts: list[str]) -> Iterable[list[tuple[int, int, list[tuple[int, int]]]]]:
        if not self.options.parallel or sum(len(t) for t in texts) < PARALLEL_THRESHOLD_CHARS // 8:
            return [segment(t) for t in texts]
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=2)
        half = (len(texts) + 1) // 2
        futures = [self._executor.submit(_segment_batch, texts[:half]), self._executor.submit(_segment_batch, texts[half:])]
        return [piece for future in futures for piece in future.result()]
