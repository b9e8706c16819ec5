"""The agreement read model: what annotator.agreement needs, as numpy arrays.

A few queries, one row per sentence or span (never per token), with names turned into
integer codes in SQL so rows convert to numpy arrays in one step. A million tokens load
in a fraction of a second. numpy is imported on first use: most commands never need it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import warnings
from collections.abc import Sequence

from .room import Room


class Agreement(Room):
    def _codes(self, column: str, names: Sequence[str], first: int) -> tuple[str, list[str]]:
        """A CASE expression numbering `names` from `first` (0 for any other value)."""
        cases = " ".join(f"WHEN ? THEN {first + i}" for i in range(len(names)))
        return f"CASE {column} {cases} ELSE {first - 1} END" if names else str(first - 1), list(names)

    def _int_rows(self, columns: Sequence[str], rest: str, params: Sequence) -> object:
        """`SELECT columns rest` (integer expressions) as an (n, len(columns)) int64 array.

        SQLite writes each column's numbers into one comma-separated string (one
        group_concat per column: the aggregates see the same rows in the same order) and
        numpy parses them, so no Python object is made per row. Cheaper than one
        printf() per row. NULL counts as 0.
        """
        import numpy as np

        aggregates = ", ".join(f"group_concat({column}, ',')" for column in columns)
        try:
            texts = self._one(f"SELECT {aggregates} {rest}", params) or ()
            arrays = [_parse_ints(text) for text in texts]
            if arrays and any(len(a) != len(arrays[0]) for a in arrays):  # a NULL was skipped
                raise sqlite3.DataError("NULL in an integer column")
        except (sqlite3.DataError, sqlite3.OperationalError):  # pragma: no cover - NULLs, or past SQLite's string limit
            rows = self.conn.execute(f"SELECT {', '.join(columns)} {rest}", params).fetchall()
            return np.array([[v or 0 for v in row] for row in rows], dtype=np.int64).reshape(-1, len(columns))
        if not arrays or not len(arrays[0]):
            return np.zeros((0, len(columns)), dtype=np.int64)
        return np.stack(arrays, axis=1)

    def annotators(self) -> list[str]:
        """Annotators who have marked, judged or annotated anything, by name."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM annotators a WHERE EXISTS (SELECT 1 FROM sentence_status st"
                " WHERE st.annotator = a.name AND (st.status = 'done' OR st.judgment IS NOT NULL))"
                " OR EXISTS (SELECT 1 FROM spans sp WHERE sp.annotator = a.name) ORDER BY name"
            )
        ]

    def done(self, annotators: Sequence[str]) -> object:
        """(sentence_id, annotator index) of every sentence an annotator marked done, as an (n, 2) int64 array."""
        import numpy as np

        if not annotators:
            raise ValueError("no annotators given")
        # One query per annotator: each is a range of the covering index
        # sentence_status_by_annotator, so no row is looked up and no name compared.
        parts = []
        for index, name in enumerate(annotators):
            ids = self._int_rows(
                ["sentence_id"], "FROM sentence_status WHERE annotator = ? AND status = 'done'", [name]
            )[:, 0]
            parts.append(np.stack([ids, np.full(len(ids), index, dtype=np.int64)], axis=1))
        return np.concatenate(parts)

    def sentences(self, sentence_ids: Sequence[int]) -> tuple[object, object, object, object, object]:
        """The given sentences in corpus order, for agreement.

        Returns (sentence_ids, document_ids, lengths, token_counts, tokens) as numpy
        arrays: four with one entry per sentence (document ids as str objects), and
        every token's [start, end] offsets into its sentence as one (n, 2) int64 array,
        sentence after sentence.
        """
        import numpy as np

        # One row: each column's values comma-joined, and the token arrays (JSON, as
        # [[0,5],[6,10]]) joined by ';', so numpy parses every offset at once and no
        # Python object is made per sentence or token.
        where = (
            " FROM sentences s JOIN documents d ON d.id = s.document_id WHERE s.id IN (SELECT value FROM json_each(?))"
        )
        params = [json.dumps([int(i) for i in sentence_ids])]
        try:
            row = self._one(
                "SELECT group_concat(s.id, ','), group_concat(d.seq, ','), group_concat(s.idx, ','),"
                f" group_concat(s.doc_end - s.doc_start, ','), group_concat(s.tokens, ';'){where}",
                params,
            )
        except (sqlite3.DataError, sqlite3.OperationalError):  # pragma: no cover - past SQLite's string limit
            rows = self.conn.execute(
                f"SELECT s.id, d.seq, s.idx, s.doc_end - s.doc_start, s.tokens{where}", params
            ).fetchall()
            row = [",".join(str(r[i]) for r in rows) for i in range(4)] + [";".join(r[4] for r in rows)]
        if not row or row[0] is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, np.zeros(0, dtype=object), empty, empty, np.zeros((0, 2), dtype=np.int64)
        ids, seqs, positions, lengths = (_parse_ints(text) for text in row[:4])
        counts, tokens = _token_offsets(row[4], len(ids))
        # Corpus order: documents by import order, sentences by position.
        order = np.lexsort((positions, seqs))
        if (order != np.arange(len(order))).any():
            ptr = np.concatenate(([0], np.cumsum(counts)))
            new_counts = counts[order]
            new_ptr = np.concatenate(([0], np.cumsum(new_counts)))
            take = np.repeat(ptr[:-1][order], new_counts) + (
                np.arange(int(new_ptr[-1])) - np.repeat(new_ptr[:-1], new_counts)
            )
            ids, seqs, lengths, counts, tokens = ids[order], seqs[order], lengths[order], new_counts, tokens[take]
        documents, where_seq = np.unique(seqs, return_inverse=True)
        names = dict(
            self.conn.execute(
                "SELECT seq, id FROM documents WHERE seq IN (SELECT value FROM json_each(?))",
                [json.dumps(documents.tolist())],
            ).fetchall()
        )
        document_ids = np.array([names[seq] for seq in documents.tolist()], dtype=object)[where_seq.reshape(-1)]
        return ids, document_ids, lengths, counts, tokens

    def spans(self, annotators: Sequence[str], labels: Sequence[str]) -> tuple[object, list[str]]:
        """The annotators' spans, done sentences or not (the caller keeps the done ones).

        Returns (spans, labels): spans as an (n, 5) int64 array of (sentence_id,
        annotator index, start, end, label index), indices into `annotators` and into
        the returned labels: the given ones, then any other label found, sorted.
        """
        if not annotators:
            raise ValueError("no annotators given")
        import numpy as np

        # "+annotator": scan the covering (sentence, annotator, offsets, label) index
        # rather than look rows up through spans_by_annotator.
        where = f"+annotator IN ({','.join('?' * len(annotators))})"
        names = list(labels)
        who_base = len(annotators) + 1
        while True:
            who, who_params = self._codes("annotator", annotators, 1)
            what, what_params = self._codes("label", names, 1)
            what_base = len(names) + 1
            # Three numbers per span rather than five: fewer to format and parse.
            packed = self._int_rows(
                [f"sentence_id * {who_base} + {who}", "char_start", f"char_end * {what_base} + {what}"],
                f"FROM spans WHERE {where}",
                [*who_params, *what_params, *annotators],
            )
            sentence, annotator = np.divmod(packed[:, 0], who_base)
            end, label = np.divmod(packed[:, 2], what_base)
            spans = np.stack([sentence, annotator - 1, packed[:, 1], end, label - 1], axis=1)
            if not (spans[:, 4] < 0).any():
                return spans, names
            names += sorted(
                row[0]
                for row in self.conn.execute(
                    f"SELECT DISTINCT label FROM spans WHERE {where} AND label NOT IN ({','.join('?' * len(names))})",
                    [*annotators, *names],
                )
            )

    def judgments(self, annotators: Sequence[str], values: Sequence[str]) -> tuple[object, list[str]]:
        """The annotators' judgments, except those on sentences they skipped.

        Returns (judgments, values): an (n, 3) int64 array of (sentence_id, annotator
        index, value index), indices into `annotators` and into the returned values: the
        given ones, then any other value found, sorted.
        """
        if not annotators:
            raise ValueError("no annotators given")
        where = f"annotator IN ({','.join('?' * len(annotators))}) AND judgment IS NOT NULL AND status IS NOT 'skipped'"
        names = list(values)
        while True:
            who, who_params = self._codes("annotator", annotators, 1)
            what, what_params = self._codes("judgment", names, 1)
            judgments = self._int_rows(
                ["sentence_id", f"{who} - 1", f"{what} - 1"],
                f"FROM sentence_status WHERE {where}",
                [*who_params, *what_params, *annotators],
            )
            if not (judgments[:, 2] < 0).any():
                return judgments, names
            names += sorted(
                row[0]
                for row in self.conn.execute(
                    f"SELECT DISTINCT judgment FROM sentence_status WHERE {where}"
                    f" AND judgment NOT IN ({','.join('?' * len(names))})",
                    [*annotators, *names],
                )
            )

    def documents(self, sentence_ids: Sequence[int]) -> list[tuple[int, str]]:
        """(sentence_id, document_id) of the given sentences, in corpus order."""
        return self.conn.execute(
            "SELECT s.id, s.document_id FROM sentences s JOIN documents d ON d.id = s.document_id"
            " WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY d.seq, s.idx",
            [json.dumps([int(i) for i in sentence_ids])],
        ).fetchall()


def _parse_ints(text: str | bytes | None) -> object:
    """A comma-separated string of integers (a group_concat) as an int64 numpy array."""
    import numpy as np

    if not text:
        return np.zeros(0, dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.fromstring(text if isinstance(text, (str, bytes)) else str(text), dtype=np.int64, sep=",")


_SEMICOLON_TO_COMMA = bytes.maketrans(b";", b",")


def _token_offsets(joined: str, n: int) -> tuple[object, object]:
    """`n` token arrays as stored ([[0,5],[6,10]]) joined by ';': (token count of each
    array, (m, 2) int64 offsets of every token)."""
    import numpy as np

    counts = numbers = None
    if joined.isascii():  # as written by model.tokens_json: digits, brackets and commas
        raw = joined.encode("ascii")
        chars = np.frombuffer(raw, dtype=np.uint8)
        opens = np.flatnonzero(chars == ord("["))
        between = np.searchsorted(opens, np.flatnonzero(chars == ord(";")))
        # Each array has one bracket more than pairs.
        counts = np.diff(between, prepend=0, append=len(opens)) - 1
        flat = raw.translate(_SEMICOLON_TO_COMMA, b"[]")
        if not counts.all():  # empty arrays leave empty fields
            flat = re.sub(rb",,+", b",", flat).strip(b",")
        numbers = _parse_ints(flat)
    if counts is None or len(counts) != n or numbers.size != 2 * int(counts.sum()):
        # pragma: no cover - not the usual form: parse each array
        arrays = json.loads(f"[{joined.replace(';', ',')}]")
        counts = np.array([len(a) for a in arrays], dtype=np.int64)
        numbers = np.array([v for a in arrays for pair in a for v in pair], dtype=np.int64)
    return counts, numbers.reshape(-1, 2)
