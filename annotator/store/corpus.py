"""The corpus: documents and their sentences, as imported, and the reads that walk them
(navigation, search, the counts the workspace shows)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..clock import now_iso
from ..model import Document, Sentence
from .room import Room
from .rows import (
    DOCUMENT_COLUMNS,
    SENTENCE_COLUMNS,
    compact_json,
    encode_tokens,
    to_document,
    to_sentence,
)


class Corpus(Room):
    def document_hash(self, document_id: str) -> str | None:
        value = self._scalar("SELECT content_hash FROM documents WHERE id = ?", [document_id])
        return None if value is None else str(value)

    def document_with_hash(self, content_hash: str) -> str | None:
        value = self._scalar("SELECT id FROM documents WHERE content_hash = ? LIMIT 1", [content_hash])
        return None if value is None else str(value)

    def insert_document(self, document: Document, sentences: Sequence[Sentence]) -> list[int]:
        """Insert one document and its sentences; returns the new sentence ids in order."""
        self.insert_documents([(document, sentences)])
        return [s.id for s in sentences]

    def insert_documents(self, items: Sequence[tuple[Document, Sequence[Sentence]]], unit: int | None = None) -> None:
        """Insert documents with their sentences in one transaction and two executemany
        calls; sets each document's `seq` and each sentence's `id`. With `unit` (from
        `store.units`), they stay invisible until that unit is published."""
        if not items:
            return
        with self.transaction():
            imported_at = now_iso()
            # The tables, not the views: an unfinished unit's rows hold numbers too.
            seq = self._scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM document_rows")
            sentence_id = self._scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM sentence_rows")
            assert isinstance(seq, int) and isinstance(sentence_id, int)
            document_rows, sentence_rows = [], []
            for document, sentences in items:
                document.seq = seq
                seq += 1
                tokens = 0
                for s in sentences:
                    s.id = sentence_id
                    sentence_id += 1
                    tokens += len(s.tokens)
                    sentence_rows.append(
                        (s.id, document.id, s.index, s.doc_start, s.doc_end, s.text, encode_tokens(s.tokens), unit)
                    )
                document.sentence_count, document.token_count = len(sentences), tokens
                document_rows.append(
                    (
                        document.seq,
                        document.id,
                        document.title,
                        document.source,
                        document.url,
                        document.date,
                        compact_json(document.metadata),
                        # UTF-8 bytes, cast back to TEXT below: bound as a str, the text
                        # would keep a cached UTF-8 copy of itself (100 MB for a 100 MB
                        # document) for as long as it lives. A large document's text
                        # comes as bytes already.
                        document.text if isinstance(document.text, bytes) else document.text.encode("utf-8"),
                        document.content_hash,
                        len(sentences),
                        tokens,
                        document.imported_at or imported_at,
                        unit,
                    )
                )
            self.conn.executemany(
                "INSERT INTO document_rows (seq, id, title, source, url, date, metadata, text, content_hash,"
                " sentence_count, token_count, imported_at, unit) VALUES (?,?,?,?,?,?,?,CAST(? AS TEXT),?,?,?,?,?)",
                document_rows,
            )
            self.conn.executemany(
                "INSERT INTO sentence_rows (id, document_id, idx, doc_start, doc_end, text, tokens, unit)"
                " VALUES (?,?,?,?,?,?,?,?)",
                sentence_rows,
            )

    def append_sentences(self, document_id: str, sentences: Sequence[Sentence]) -> None:
        """Add sentences to a document already inserted (a large document is written in
        pieces, so that its tokens are never all in memory); sets each sentence's `id`.
        `set_counts` records the document's totals once its last piece is in: updating
        them here would rewrite the whole row, its text included, at every piece."""
        if not sentences:
            return
        with self.transaction():
            # The tables, not the views: the document may belong to a unit not yet published.
            unit = self._scalar("SELECT unit FROM document_rows WHERE id = ?", [document_id])
            sentence_id = self._scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM sentence_rows")
            assert isinstance(sentence_id, int)
            rows = []
            for s in sentences:
                s.id = sentence_id
                sentence_id += 1
                rows.append((s.id, document_id, s.index, s.doc_start, s.doc_end, s.text, encode_tokens(s.tokens), unit))
            self.conn.executemany(
                "INSERT INTO sentence_rows (id, document_id, idx, doc_start, doc_end, text, tokens, unit)"
                " VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )

    def set_counts(self, document_id: str, sentences: int, tokens: int) -> None:
        """A document's sentence and token totals (after `append_sentences`)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE document_rows SET sentence_count = ?, token_count = ? WHERE id = ?",
                [sentences, tokens, document_id],
            )

    def get_document(self, document_id: str) -> Document | None:
        row = self._one(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", [document_id])
        return to_document(row) if row else None

    def document_at(self, seq: int) -> Document | None:
        row = self._one(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE seq = ?", [seq])
        return to_document(row) if row else None

    def iter_documents(self, *, with_text: bool = False) -> Iterator[Document]:
        columns = DOCUMENT_COLUMNS if with_text else DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        for row in self.conn.execute(f"SELECT {columns} FROM documents ORDER BY seq"):
            yield to_document(row)

    def document_ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM documents ORDER BY seq")]

    def document_position(self, document_id: str) -> int | None:
        """1-based position of a document in import order."""
        value = self._scalar(
            "SELECT COUNT(*) FROM documents WHERE seq <= (SELECT seq FROM documents WHERE id = ?)",
            [document_id],
        )
        return int(value) if value else None

    def counts(self) -> dict[str, int]:
        row = self._one(
            "SELECT COUNT(*), COALESCE(SUM(sentence_count), 0), COALESCE(SUM(token_count), 0) FROM documents"
        )
        assert row is not None
        return {"documents": row[0], "sentences": row[1], "tokens": row[2]}

    # ---------------------------------------------------------------- sentences

    def sentences_of(self, document_id: str) -> list[Sentence]:
        return [
            to_sentence(row)
            for row in self.conn.execute(
                f"SELECT {SENTENCE_COLUMNS} FROM sentences WHERE document_id = ? ORDER BY idx",
                [document_id],
            )
        ]

    def get_sentence(self, sentence_id: int) -> Sentence | None:
        row = self._one(f"SELECT {SENTENCE_COLUMNS} FROM sentences WHERE id = ?", [sentence_id])
        return to_sentence(row) if row else None

    def sentence_at(self, document_id: str, index: int) -> Sentence | None:
        row = self._one(
            f"SELECT {SENTENCE_COLUMNS} FROM sentences WHERE document_id = ? AND idx = ?",
            [document_id, index],
        )
        return to_sentence(row) if row else None

    def iter_sentences(self, sentence_ids: Iterable[int] | None = None) -> Iterator[Sentence]:
        """All sentences in corpus order, or the given ones in the order given."""
        if sentence_ids is None:
            # Qualified: both tables have an `id` column.
            columns = ", ".join(f"s.{c.strip()}" for c in SENTENCE_COLUMNS.split(","))
            for row in self.conn.execute(
                f"SELECT {columns} FROM sentences s JOIN documents d ON d.id = s.document_id ORDER BY d.seq, s.idx"
            ):
                yield to_sentence(row)
            return
        for sentence_id in sentence_ids:
            sentence = self.get_sentence(sentence_id)
            if sentence is not None:
                yield sentence

    # ---- navigation: the reads the workspace moves with

    def document_header(self, document_id: str) -> Document | None:
        """A document's title, source and counts, without its text (what a header shows)."""
        columns = DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        row = self._one(f"SELECT {columns} FROM documents WHERE id = ?", [document_id])
        return to_document(row) if row else None

    def document_seq_range(self) -> tuple[int, int, int]:
        """(number of documents, lowest seq, highest seq): a trigger-kept count and the primary key."""
        # Separate MIN and MAX subqueries: SQLite answers each from the key in O(log n),
        # but scans the table for MIN and MAX in one SELECT.
        row = self._one(
            "SELECT (SELECT documents FROM corpus_counts WHERE id = 1),"
            " COALESCE((SELECT MIN(seq) FROM documents), 0), COALESCE((SELECT MAX(seq) FROM documents), 0)"
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    def document_seq(self, document_id: str) -> int | None:
        value = self._scalar("SELECT seq FROM documents WHERE id = ?", [document_id])
        return None if value is None else int(value)

    def document_id_at(self, index: int, *, first_seq: int | None = None) -> str | None:
        """The id of the document at 0-based `index` in import order.

        When the caller knows the seqs run without gaps from `first_seq`, this is one
        primary-key lookup; otherwise an OFFSET walk over the key.
        """
        if first_seq is not None:
            value = self._scalar("SELECT id FROM documents WHERE seq = ?", [first_seq + index])
        else:
            value = self._scalar("SELECT id FROM documents ORDER BY seq LIMIT 1 OFFSET ?", [index])
        return None if value is None else str(value)

    def sentence_total(self) -> int:
        """Number of sentences, kept by triggers (migration m004): no scan, whatever the corpus size."""
        return int(self._scalar("SELECT sentences FROM corpus_counts WHERE id = 1") or 0)

    def first_open_sentence(self, document_id: str, annotator: str, after_index: int = -1) -> int | None:
        """Index of the first sentence after `after_index` in a document not marked done by `annotator`."""
        value = self._scalar(
            "SELECT s.idx FROM sentences s"
            " LEFT JOIN sentence_status st ON st.sentence_id = s.id AND st.annotator = ?"
            " WHERE s.document_id = ? AND s.idx > ? AND (st.status IS NULL OR st.status != 'done')"
            " ORDER BY s.idx LIMIT 1",
            [annotator, document_id, after_index],
        )
        return None if value is None else int(value)

    def search_sentences(self, text: str, limit: int = 50, *, queue_of: str | None = None) -> list[Sentence]:
        """Sentences containing `text` (case-insensitive for ASCII), in import order;
        with `queue_of`, only in the documents assigned to that annotator."""
        pattern = _containing(text)
        where, params = "", [pattern]
        if queue_of is not None:
            where = " AND document_id IN (SELECT document_id FROM assignments WHERE annotator = ?)"
            params.append(queue_of)
        return [
            to_sentence(row)
            for row in self.conn.execute(
                f"SELECT {SENTENCE_COLUMNS} FROM sentences WHERE text LIKE ? ESCAPE '\\'{where} ORDER BY id LIMIT ?",
                [*params, limit],
            )
        ]

    def documents_with_prefix(self, prefix: str, limit: int = 8) -> list[Document]:
        """Documents (without text) whose id starts with `prefix`, on the id index."""
        columns = DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        rows = self.conn.execute(
            f"SELECT {columns} FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            [prefix, prefix + "\U0010ffff", limit],
        )
        return [to_document(row) for row in rows]

    def documents_titled(self, text: str, limit: int = 8) -> list[Document]:
        """Documents (without text) whose title contains `text` (case-insensitive for
        ASCII), in import order. The title column comes before the text in each row, so
        the scan never reads a document's text: a few milliseconds on 20,000 documents."""
        pattern = _containing(text)
        columns = DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        rows = self.conn.execute(
            f"SELECT {columns} FROM documents WHERE title LIKE ? ESCAPE '\\' ORDER BY seq LIMIT ?",
            [pattern, limit],
        )
        return [to_document(row) for row in rows]


def _containing(text: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching any text that contains `text` literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
