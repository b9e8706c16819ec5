"""Merging another project database into this one (`annotator merge`), in steps.

A source is one write unit (annotator.store.units): all of it lands, or none, and
every step after planning commits in short transactions, so annotators' writes never
wait long for the write lock. The steps run in this order:

1. plan (no write lock: temporary tables only): refuse a document with the same id
   and other text, map documents (by id, else by content hash, else new) and the
   sentences of matched ones, and refuse a segmentation, label or judgment value
   this project does not share. A refused source has written nothing. The source's
   annotation rows are staged in the same read snapshot
   (annotator.store.merge_annotations.stage).
2. copy the new documents with their sentences and suggestions, BATCH_DOCUMENTS
   documents per transaction, hidden as the unit's rows;
3. copy the annotation rows (suggestions on matched sentences, decisions, spans,
   sentence states, events) in batches, hidden the same way (merge_annotations.copy);
4. one last transaction replaces the sentence states and decisions here that the
   source has later ones of, adds the lexicons, and publishes the unit, so readers
   see the whole source at once.

A failure or a kill in steps 2 to 4 leaves the unit's rows hidden; they are removed
at once, or by the next open after a kill.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from ..errors import AnnotatorError, ReadOnlyStore
from ..model import LexiconEntry, MergeResult
from . import merge_annotations as annotation_rows
from .merge_annotations import SRC
from .room import Room
from .units import COMMIT_GAP_SECONDS, PacedTransactions

# New documents copied per transaction.
BATCH_DOCUMENTS = 64
_TEMP_TABLES = ("merge_hashes", "merge_documents", "merge_sentences", "merge_events", *annotation_rows.STAGED_TABLES)


class Merge(Room):
    def from_database(
        self, path: str | os.PathLike, lexicon_entries: Sequence[LexiconEntry] = (), *, batch_commits: bool = True
    ) -> MergeResult:
        """Bring another project database's documents, sentences, annotators, suggestions
        and decisions, spans, sentence states, events and lexicons into this one, as one
        unit (see the module's steps). Idempotent: what is already here is not added again.

        Documents match by id and content hash, or by content hash under another id.
        Nothing is merged, and `conflicts` says why, when a document has the same id
        and different text, a matched document is segmented differently, or spans,
        suggestions or judgments use labels or values this tag set lacks.

        Sentence ids differ between databases, so sentences map by (document, index)
        and suggestions by (sentence, start, end, label, term). A span or suggestion
        decision already here is kept; a sentence state already here is replaced only
        by one finished (or first shown) later; an event is added unless an identical
        one (time, annotator, action, sentence, payload, origin) is here. A lexicon this
        project lacks is added by name; `lexicon_entries` (each naming its lexicon) are
        the source's entries to add, chosen by the caller, which validates them against
        the entries here.

        `batch_commits=False` runs steps 2 to 4 in one transaction (the old path, kept
        as the benchmarks' baseline).
        """
        path = Path(path)
        result = MergeResult(source=str(path))
        if self.store.readonly:
            raise ReadOnlyStore(f"{self.store.path} is open read-only: nothing can be merged into it")
        if self.conn.in_transaction:
            raise AnnotatorError("merge cannot run inside another transaction")
        self.conn.execute(f"ATTACH DATABASE ? AS {SRC}", [f"{path.resolve().as_uri()}?mode=ro"])
        try:
            # One consistent read of both files; the temporary tables take no write lock.
            with self.store.read_snapshot():
                conflicts = plan(self, result)
                if conflicts:
                    return MergeResult(source=result.source, conflicts=conflicts)
                snapshot_events(self)
                annotation_rows.stage(self)
            unit = self.store.units.begin("merge", str(path), alone=True)
            paced = PacedTransactions(self.store, COMMIT_GAP_SECONDS)
            try:
                with self.transaction() if not batch_commits else nullcontext():
                    copy_new_documents(self, result, unit, paced)
                    annotation_rows.copy(self, result, unit, paced)
                    with paced.transaction():
                        annotation_rows.finish(self, result, lexicon_entries, unit)
                        self.store.units.publish(unit)
            except sqlite3.IntegrityError as exc:
                self.store.units.discard(unit)
                raise AnnotatorError(f"{path}: this project changed during the merge ({exc}); merge again") from None
            except BaseException:
                self.store.units.discard(unit)
                raise
        finally:
            for table in _TEMP_TABLES:
                self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
            self.conn.execute(f"DETACH DATABASE {SRC}")
        return result


# ------------------------------------------------------------------------ 1. plan


def plan(merge: Merge, result: MergeResult) -> list[str]:
    """Map the source onto this project in temporary tables; the conflicts, if any."""
    conflicts = same_id_other_text(merge)
    if conflicts:
        return conflicts
    map_documents(merge, result)
    map_matched_sentences(merge)
    return segmentation_conflicts(merge) + vocabulary_conflicts(merge)


def same_id_other_text(merge: Merge) -> list[str]:
    return [
        f"document {document_id!r}: same id here with different text"
        for (document_id,) in merge.conn.execute(
            f"SELECT s.id FROM {SRC}.documents s JOIN main.documents t ON t.id = s.id"
            " WHERE t.content_hash != s.content_hash ORDER BY s.seq"
        )
    ]


def map_documents(merge: Merge, result: MergeResult) -> None:
    """Documents: matched by id (same hash, checked before), else by hash, else new."""
    run = merge.conn.execute
    run("CREATE TEMP TABLE merge_hashes (content_hash TEXT PRIMARY KEY, id TEXT NOT NULL)")
    run("INSERT OR IGNORE INTO temp.merge_hashes SELECT content_hash, id FROM main.documents ORDER BY seq")
    run(
        "CREATE TEMP TABLE merge_documents (src_id TEXT PRIMARY KEY, dst_id TEXT NOT NULL,"
        " is_new INTEGER NOT NULL, seq INTEGER NOT NULL)"
    )
    run(
        "INSERT INTO temp.merge_documents (src_id, dst_id, is_new, seq)"
        " SELECT s.id, COALESCE(t.id, h.id, s.id), t.id IS NULL AND h.id IS NULL, s.seq"
        f" FROM {SRC}.documents s LEFT JOIN main.documents t ON t.id = s.id"
        " LEFT JOIN temp.merge_hashes h ON t.id IS NULL AND h.content_hash = s.content_hash"
    )
    # Step 2 walks the new documents in source order, a batch at a time.
    run("CREATE INDEX temp.merge_documents_new ON merge_documents (is_new, seq)")
    result.renamed = [
        (row[0], row[1])
        for row in run("SELECT src_id, dst_id FROM temp.merge_documents WHERE src_id != dst_id ORDER BY seq")
    ]
    result.documents_matched = int(merge._scalar("SELECT COUNT(*) FROM temp.merge_documents WHERE NOT is_new"))


def map_matched_sentences(merge: Merge) -> None:
    """Sentences of matched documents: by (document, index), with the same offsets."""
    run = merge.conn.execute
    # `batch`: the step 2 batch that copied a new sentence (NULL: matched here).
    run("CREATE TEMP TABLE merge_sentences (src_id INTEGER PRIMARY KEY, dst_id INTEGER NOT NULL, batch INTEGER)")
    run("CREATE INDEX temp.merge_sentences_batch ON merge_sentences (batch)")
    run(
        "INSERT INTO temp.merge_sentences (src_id, dst_id) SELECT s.id, t.id"
        f" FROM {SRC}.sentences s JOIN temp.merge_documents m ON m.src_id = s.document_id AND NOT m.is_new"
        " JOIN main.sentences t ON t.document_id = m.dst_id AND t.idx = s.idx"
        " AND t.doc_start = s.doc_start AND t.doc_end = s.doc_end"
    )


def segmentation_conflicts(merge: Merge) -> list[str]:
    return [
        f"document {document_id!r}: segmented differently here ({missing} sentence(s) do not match)"
        for document_id, missing in merge.conn.execute(
            f"SELECT s.document_id, COUNT(*) FROM {SRC}.sentences s"
            " JOIN temp.merge_documents m ON m.src_id = s.document_id AND NOT m.is_new"
            " LEFT JOIN temp.merge_sentences ms ON ms.src_id = s.id WHERE ms.src_id IS NULL"
            " GROUP BY s.document_id ORDER BY s.document_id"
        )
    ]


def vocabulary_conflicts(merge: Merge) -> list[str]:
    conflicts = [
        f"label {label!r} is not in this project's tag set"
        for (label,) in merge.conn.execute(
            f"SELECT label FROM {SRC}.spans UNION SELECT label FROM {SRC}.suggestions"
            f" UNION SELECT label FROM {SRC}.lexicon_entries WHERE match != 'ignore' OR label != ''"
            " EXCEPT SELECT name FROM main.labels ORDER BY 1"
        )
    ]
    values = set(merge.store.tagset().judgment.values)
    for (value,) in merge.conn.execute(
        f"SELECT DISTINCT judgment FROM {SRC}.sentence_status WHERE judgment IS NOT NULL"
    ):
        if value not in values:
            conflicts.append(f"judgment value {value!r} is not in this project's tag set")
    return conflicts


def snapshot_events(merge: Merge) -> None:
    """The keys of this project's events, in an indexed temporary table, taken before
    the write lock (add_events tops it up): an identical event is not added twice."""
    run = merge.conn.execute
    run(
        "CREATE TEMP TABLE merge_events (id INTEGER PRIMARY KEY, at TEXT, annotator TEXT, action TEXT,"
        " sentence_id INTEGER, payload TEXT, origin TEXT)"
    )
    run("INSERT INTO temp.merge_events SELECT id, at, annotator, action, sentence_id, payload, origin FROM main.events")
    run("CREATE INDEX temp.merge_events_key ON merge_events (at, annotator, action)")


# ----------------------------------------------------------- 2. new documents


def copy_new_documents(merge: Merge, result: MergeResult, unit: int, paced: PacedTransactions) -> None:
    """New documents, their sentences and the suggestions on them, in short
    transactions, as rows of `unit` (hidden until it is published)."""
    after = None
    while True:
        seqs = [
            row[0]
            for row in merge.conn.execute(
                "SELECT seq FROM temp.merge_documents WHERE is_new AND seq > ? ORDER BY seq LIMIT ?",
                [after if after is not None else -1, BATCH_DOCUMENTS],
            )
        ]
        if not seqs:
            return
        with paced.transaction():
            copy_document_batch(merge, result, unit, after, seqs[-1])
        after = seqs[-1]


def copy_document_batch(merge: Merge, result: MergeResult, unit: int, after: int | None, last: int) -> None:
    run = merge.conn.execute
    # CROSS JOIN: from the batch's few documents to their rows, on the keys.
    batch = "m.is_new AND m.seq > ? AND m.seq <= ?"
    bounds = [after if after is not None else -1, last]
    result.documents_added += run(
        "INSERT INTO main.document_rows (id, title, source, url, date, metadata, text, content_hash,"
        " sentence_count, token_count, imported_at, unit)"
        " SELECT s.id, s.title, s.source, s.url, s.date, s.metadata, s.text, s.content_hash,"
        f" s.sentence_count, s.token_count, s.imported_at, ? FROM temp.merge_documents m"
        f" CROSS JOIN {SRC}.documents s WHERE s.id = m.src_id AND {batch} ORDER BY m.seq",
        [unit, *bounds],
    ).rowcount
    result.sentences_added += run(
        "INSERT INTO main.sentence_rows (document_id, idx, doc_start, doc_end, text, tokens, unit)"
        f" SELECT s.document_id, s.idx, s.doc_start, s.doc_end, s.text, s.tokens, ? FROM temp.merge_documents m"
        f" CROSS JOIN {SRC}.sentences s WHERE s.document_id = m.src_id AND {batch} ORDER BY m.seq, s.idx",
        [unit, *bounds],
    ).rowcount
    run(
        "INSERT INTO temp.merge_sentences (src_id, dst_id, batch) SELECT s.id, t.id, ?"
        f" FROM temp.merge_documents m CROSS JOIN {SRC}.sentences s CROSS JOIN main.sentence_rows t"
        f" WHERE s.document_id = m.src_id AND t.document_id = m.dst_id AND t.idx = s.idx AND {batch}",
        [last, *bounds],
    )
    result.suggestions_added += run(
        "INSERT INTO main.suggestion_rows (sentence_id, char_start, char_end, label, term, quoted, detector,"
        " reason, score, unit)"
        " SELECT ms.dst_id, g.char_start, g.char_end, g.label, g.term, g.quoted, g.detector, g.reason, g.score, ?"
        f" FROM temp.merge_sentences ms CROSS JOIN {SRC}.suggestions g WHERE g.sentence_id = ms.src_id"
        " AND ms.batch = ? ORDER BY g.id",
        [unit, last],
    ).rowcount
