"""The export read model: the rows of every export (CSV, JSONL, CoNLL, tokens), their
counts, and the SQL that builds CSV lines inside SQLite."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import GOLD, Sentence
from . import csv_format
from .room import Room
from .rows import SENTENCE_COLUMNS, to_sentence

# A unit's status in the sentence-level exports.
STATUSES: tuple[str, ...] = csv_format.UNIT_STATUSES


class Exports(Room):
    # Streaming reads for export: each yields tuples in the export's column order
    # straight from one cursor, so memory stays constant however many rows there are.
    # Rows come in corpus order, then annotator, then offsets: the order of the
    # sentences(document_id, idx) and spans(sentence_id, annotator, ...) keys, so
    # SQLite streams them without sorting.

    # A sentence state is exported when it holds a status, a judgment, a flag or a note.
    _STATE_KEPT = "(st.status IS NOT NULL OR st.judgment IS NOT NULL OR st.flagged OR st.note IS NOT NULL)"

    def _annotator_clause(
        self, column: str, annotators: Sequence[str] | None, exclude: Sequence[str]
    ) -> tuple[str, list]:
        """The WHERE clause of an export's rows by annotator (`column` is a table's
        `annotator` column with the table's alias, such as `sp.annotator`).

        Gold is exported only where it is settled: a sentence whose gold state is not
        marked adjudicated (done) holds a draft, such as the automatic pre-fill of a
        sentence the curator only passed, and its gold is left out. Gold without any
        state (imported spans) counts as settled.
        """
        parts, params = [], []
        if annotators is not None:
            parts.append(f"{column} IN ({','.join('?' * len(annotators))})")
            params += list(annotators)
        if exclude:
            parts.append(f"{column} NOT IN ({','.join('?' * len(exclude))})")
            params += list(exclude)
        if GOLD not in exclude and (annotators is None or GOLD in annotators):
            # Qualified, or the subquery would read its own draft.sentence_id.
            alias, dot, name = column.partition(".")
            assert dot and name == "annotator", column
            sentence = f"{alias}.sentence_id"
            parts.append(
                f"({column} != ? OR NOT EXISTS (SELECT 1 FROM sentence_status draft WHERE draft.sentence_id ="
                f" {sentence} AND draft.annotator = ? AND draft.status IS NOT 'done'))"
            )
            params += [GOLD, GOLD]
        return " AND ".join(parts) or "1", params

    def gold_drafts(self) -> int:
        """Sentences whose gold is a draft that holds something (a span, a judgment, a
        flag or a note): opened in adjudication, not marked adjudicated. What an export
        of gold leaves out."""
        return int(
            self._scalar(
                "SELECT COUNT(*) FROM sentence_status st WHERE st.annotator = ? AND st.status IS NOT 'done'"
                " AND (st.judgment IS NOT NULL OR st.flagged OR st.note IS NOT NULL OR EXISTS"
                " (SELECT 1 FROM spans sp WHERE sp.sentence_id = st.sentence_id AND sp.annotator = ?))",
                [GOLD, GOLD],
            )
            or 0
        )

    def count_spans(self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> int:
        clause, params = self._annotator_clause("sp.annotator", annotators, exclude)
        return int(self._scalar(f"SELECT COUNT(*) FROM spans sp WHERE {clause}", params) or 0)

    def count_states(self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> int:
        clause, params = self._annotator_clause("st.annotator", annotators, exclude)
        return int(
            self._scalar(f"SELECT COUNT(*) FROM sentence_status st WHERE {self._STATE_KEPT} AND {clause}", params) or 0
        )

    # The CSV exports of spans, sentences and documents, built from the columns of
    # csv_format (each a name, an SQL expression and a kind); free-text cells get the
    # spreadsheet-safety apostrophe here in SQL (csv_format.sheet_safe_sql) unless the
    # export is raw.
    #
    # SQLite joins a row's cells into one value, separated by SEPARATOR (the
    # ASCII unit separator), and returns it with the row's key. Profiling the
    # 1,000,000-span export showed the cost per value crossing into Python (the API
    # calls, each behind the connection's mutex, the GIL released and taken per
    # column, an object each) dominating once the csv module was out of the way, so
    # one value per row is what keeps the export near the sqlite3 shell's speed. The
    # caller (annotator.interchange.export) turns the values into CSV lines and, for the
    # rare row whose values hold the separator themselves, asks `Exports.row` for its
    # cells by key. || and replace() are safe with NUL characters; substr() and
    # length() stop at the first NUL, so when some sentence holds a NUL a span's text
    # is cut in SQL only where the sentence's length() is whole, and by
    # interchange_slice() (Python) otherwise.

    SEPARATOR = "\x1f"

    _SPAN_TEXT_NUL_SAFE = (
        "CASE WHEN length(s.text) = s.doc_end - s.doc_start"
        " THEN substr(s.text, sp.char_start + 1, sp.char_end - sp.char_start)"
        " ELSE interchange_slice(s.text, sp.char_start, sp.char_end) END"
    )
    # What identifies a row of each export, for `row`.
    _EXPORT_KEYS = {"spans": ("sp.id",), "sentences": ("st.sentence_id", "st.annotator"), "documents": ("d.seq",)}

    @staticmethod
    def _slice(text: str, start: int, end: int) -> str:
        return text[start:end]

    def sentences_hold_nul(self) -> bool:
        """Whether any sentence holds a NUL character (one scan of the sentence texts)."""
        return bool(self._scalar("SELECT EXISTS (SELECT 1 FROM sentences WHERE instr(text, char(0)))"))

    def columns(self, kind: str, provenance: bool = False) -> tuple[str, ...]:
        """The header of a CSV export."""
        return csv_format.column_names(kind, provenance)

    def _cells(self, kind: str, provenance: bool, safe: bool, nul_safe: bool) -> list[str]:
        cells = []
        for column in csv_format.columns(kind, provenance):
            expr, column_kind = column.sql, column.kind
            if expr == csv_format.SPAN_TEXT and nul_safe:
                expr = self._SPAN_TEXT_NUL_SAFE
            # A cell of vocabulary words (Column.words) is never changed by the rule.
            if column_kind in csv_format.SAFE_KINDS and safe and not column.words:
                # Once in a subquery would be clearer, but SQLite flattens it back.
                expr = csv_format.sheet_safe_sql(expr)
            cells.append(f"IFNULL({expr}, '')" if column_kind in ("null", "free") else expr)
        return cells

    def _joined(self, kind: str, provenance: bool, safe: bool, nul_safe: bool) -> str:
        """SQL joining a row's cells with SEPARATOR. A run of integer cells is one
        printf() (one string built instead of a concatenation per cell; integers hold no
        NUL for printf to stop at)."""
        sep = self.SEPARATOR
        groups: list[tuple[str, list[str]]] = []
        columns = csv_format.columns(kind, provenance)
        for column_kind, cell in zip((c.kind for c in columns), self._cells(kind, provenance, safe, nul_safe)):
            if column_kind == "int" and groups and groups[-1][0] == "int":
                groups[-1][1].append(cell)
            else:
                groups.append((column_kind, [cell]))
        sql = [
            f"printf('{sep.join(['%d'] * len(group))}', {', '.join(group)})"
            if column_kind == "int"
            else f"({group[0]})"  # parenthesised: || binds tighter than +
            for column_kind, group in groups
        ]
        return f" || '{sep}' || ".join(sql)

    def query(
        self,
        kind: str,
        annotators: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        *,
        provenance: bool = False,
        safe: bool = True,
        plain: bool = False,
        nul_safe: bool = True,
        where: str = "",
        where_params: Sequence = (),
    ) -> tuple[str, list]:
        """The SQL of a CSV export (`kind` spans, sentences or documents) and its parameters.

        Each row is (cells joined by SEPARATOR as UTF-8 bytes, *key). `plain` gives SQL that
        other tools can run instead: one value per column as stored (NULL stays NULL, no
        escaping, no Python function); what the benchmark gives the sqlite3 shell.
        """
        if plain:
            select = ", ".join(f'{c.sql} AS "{c.name}"' for c in csv_format.columns(kind, provenance))
        else:
            # As a BLOB: the UTF-8 bytes go to the file without a decode and an encode.
            joined = self._joined(kind, provenance, safe, nul_safe)
            select = f"CAST({joined} AS BLOB), {', '.join(self._EXPORT_KEYS[kind])}"
        # CROSS JOIN fixes the join order, so rows stream in the order of the keys
        # (documents.seq, sentences(document_id, idx), spans(sentence_id, annotator,
        # ...)) and SQLite never sorts them in a temporary b-tree.
        if kind == "spans":
            clause, params = self._annotator_clause("sp.annotator", annotators, exclude)
            sql = (
                f"SELECT {select} FROM documents d CROSS JOIN sentences s CROSS JOIN spans sp"
                " LEFT JOIN sentence_status sps ON sps.sentence_id = sp.sentence_id AND sps.annotator = sp.annotator"
                f" WHERE s.document_id = d.id AND sp.sentence_id = s.id AND {clause}{where}"
                " ORDER BY d.seq, s.idx, sp.annotator, sp.char_start, sp.char_end, sp.label"
            )
        elif kind == "sentences":
            clause, params = self._annotator_clause("st.annotator", annotators, exclude)
            sql = (
                f"SELECT {select} FROM documents d CROSS JOIN sentences s CROSS JOIN sentence_status st"
                f" WHERE s.document_id = d.id AND st.sentence_id = s.id AND {self._STATE_KEPT} AND {clause}{where}"
                " ORDER BY d.seq, s.idx, st.annotator"
            )
        elif kind == "documents":
            sql, params = f"SELECT {select} FROM documents d WHERE 1{where} ORDER BY d.seq", []
        else:
            raise ValueError(f"no CSV export query for {kind!r}")
        return sql, [*params, *where_params]

    def _prepare(self, kind: str) -> bool:
        nul_safe = kind == "spans" and self.sentences_hold_nul()
        if nul_safe:
            self.conn.create_function("interchange_slice", 3, self._slice, deterministic=True)
        return nul_safe

    def iter_rows(
        self,
        kind: str,
        annotators: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        *,
        provenance: bool = False,
        safe: bool = True,
        chunk: int = 10_000,
        seq_range: tuple[int | None, int | None] = (None, None),
        statuses: Sequence[str] | None = None,
    ) -> Iterator[list[tuple]]:
        """The rows of a CSV export, (cells joined by SEPARATOR, *key), in lists of
        up to `chunk` rows from one cursor; with `seq_range` (from, to), only the rows of
        documents with from <= seq < to (either end None: open); with `statuses`, only
        the rows of units with one of those statuses (None: any)."""
        nul_safe = self._prepare(kind)
        where, where_params = "", []
        if kind in ("spans", "sentences"):
            alias = "sp" if kind == "spans" else "st"
            where, where_params = self.status_where(f"{alias}.sentence_id", f"{alias}.annotator", statuses)
        if seq_range[0] is not None:
            where, where_params = f"{where} AND d.seq >= ?", [*where_params, seq_range[0]]
        if seq_range[1] is not None:
            where, where_params = f"{where} AND d.seq < ?", [*where_params, seq_range[1]]
        sql, params = self.query(
            kind,
            annotators,
            exclude,
            provenance=provenance,
            safe=safe,
            nul_safe=nul_safe,
            where=where,
            where_params=where_params,
        )
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield rows

    def middle_seq(self, kind: str, annotators: Sequence[str] | None, exclude: Sequence[str], rows: int) -> int | None:
        """The seq of the document about halfway through an export's `rows` rows, for
        splitting the work. Read from the (sentence_id, ...) index alone: sentence ids
        follow import order, so the middle sentence id lies in the middle document.
        (Were they ever out of order, the split would only be uneven.)"""
        table, column = ("spans sp", "sp.annotator") if kind == "spans" else ("sentence_status st", "st.annotator")
        clause, params = self._annotator_clause(column, annotators, exclude)
        state = f" AND {self._STATE_KEPT}" if kind == "sentences" else ""
        value = self._scalar(
            f"SELECT d.seq FROM documents d JOIN sentences s ON s.document_id = d.id WHERE s.id ="
            f" (SELECT sentence_id FROM {table} WHERE {clause}{state} ORDER BY sentence_id LIMIT 1 OFFSET ?)",
            [*params, rows // 2],
        )
        return None if value is None else int(value)

    def row(self, kind: str, key: Sequence, *, provenance: bool = False, safe: bool = True) -> list[str]:
        """The cells of one export row by its key (from `iter_rows`), each on its own."""
        nul_safe = self._prepare(kind)
        cells = self._cells(kind, provenance, safe, nul_safe)
        key_columns = self._EXPORT_KEYS[kind]
        where = "".join(f" AND {column} = ?" for column in key_columns)
        sql, params = self.query(kind, provenance=provenance, where=where, where_params=list(key))
        sql = f"SELECT {', '.join(cells)}" + sql[sql.index(" FROM documents d") :]
        row = self._one(sql, params)
        if row is None:
            raise KeyError(key)
        return [str(value) for value in row]

    # Sentence-level exports (JSONL, CoNLL, tokens CSV, hf, Label Studio) walk three
    # streams in the same order and join them in Python: the sentences that have any
    # unit, the states, and the spans. A unit is one sentence and one annotator with a
    # kept state or a span. Its status is the stored one, `done` or `skipped`, or `open`
    # when there is none; gold is exported only where it is settled (see
    # _annotator_clause), so gold without a stored state counts as `done`. `statuses`
    # keeps the units with one of those statuses (None: any).

    @staticmethod
    def status_of(sentence_id: str, annotator: str) -> str:
        """SQL for a unit's status, given SQL for its sentence id and its annotator."""
        return csv_format.unit_status_sql(sentence_id, annotator)

    def status_where(self, sentence_id: str, annotator: str, statuses: Sequence[str] | None) -> tuple[str, list]:
        """` AND <the unit's status is one of statuses>`, or nothing for any status (None).
        On a sentence_status row (alias st) its own status is read; elsewhere it is looked up."""
        if statuses is None or set(statuses) >= set(STATUSES):
            return "", []
        unknown = set(statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status {sorted(unknown)}")
        alias = annotator.partition(".")[0]
        status = self._state_status(alias) if alias == "st" else self.status_of(sentence_id, annotator)
        return f" AND {status} IN ({','.join('?' * len(statuses))})", list(statuses)

    def _unit_clause(
        self, column: str, annotators: Sequence[str] | None, exclude: Sequence[str], statuses: Sequence[str] | None
    ) -> tuple[str, list]:
        clause, params = self._annotator_clause(column, annotators, exclude)
        status, status_params = self.status_where(f"{column.partition('.')[0]}.sentence_id", column, statuses)
        return clause + status, [*params, *status_params]

    @staticmethod
    def _state_status(alias: str) -> str:
        """A kept state's own status (no lookup: the row is the state)."""
        return f"COALESCE({alias}.status, CASE WHEN {alias}.annotator = '{GOLD}' THEN 'done' ELSE 'open' END)"

    def unit_sentences(
        self,
        annotators: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        statuses: Sequence[str] | None = None,
    ) -> Iterator[Sentence]:
        span_clause, span_params = self._unit_clause("sp.annotator", annotators, exclude, statuses)
        state_clause, state_params = self._unit_clause("st.annotator", annotators, exclude, statuses)
        columns = ", ".join(f"s.{c.strip()}" for c in SENTENCE_COLUMNS.split(","))
        for row in self.conn.execute(
            f"SELECT {columns} FROM documents d JOIN sentences s ON s.document_id = d.id"
            f" WHERE EXISTS (SELECT 1 FROM spans sp WHERE sp.sentence_id = s.id AND {span_clause})"
            f" OR EXISTS (SELECT 1 FROM sentence_status st WHERE st.sentence_id = s.id AND {self._STATE_KEPT}"
            f" AND {state_clause}) ORDER BY d.seq, s.idx",
            [*span_params, *state_params],
        ):
            yield to_sentence(row)

    def unit_states(
        self,
        annotators: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        statuses: Sequence[str] | None = None,
    ) -> Iterator[tuple[int, str, str | None, str]]:
        """(sentence_id, annotator, judgment, status) of kept states, in unit order."""
        clause, params = self._unit_clause("st.annotator", annotators, exclude, statuses)
        yield from self.conn.execute(
            f"SELECT st.sentence_id, st.annotator, st.judgment, {self._state_status('st')}"
            " FROM documents d JOIN sentences s ON s.document_id = d.id"
            " JOIN sentence_status st ON st.sentence_id = s.id"
            f" WHERE {self._STATE_KEPT} AND {clause} ORDER BY d.seq, s.idx, st.annotator",
            params,
        )

    def unit_spans(
        self,
        annotators: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        statuses: Sequence[str] | None = None,
    ) -> Iterator[tuple[int, str, int, int, str]]:
        """(sentence_id, annotator, start, end, label) of spans, in unit order."""
        clause, params = self._unit_clause("sp.annotator", annotators, exclude, statuses)
        yield from self.conn.execute(
            "SELECT sp.sentence_id, sp.annotator, sp.char_start, sp.char_end, sp.label FROM documents d"
            " JOIN sentences s ON s.document_id = d.id JOIN spans sp ON sp.sentence_id = s.id"
            f" WHERE {clause} ORDER BY d.seq, s.idx, sp.annotator, sp.char_start, sp.char_end, sp.label",
            params,
        )

    def unit_annotators(
        self, annotators: Sequence[str] | None, exclude: Sequence[str], statuses: Sequence[str] | None
    ) -> list[str]:
        """The annotators who have a unit in the selection, sorted."""
        span_clause, span_params = self._unit_clause("sp.annotator", annotators, exclude, statuses)
        state_clause, state_params = self._unit_clause("st.annotator", annotators, exclude, statuses)
        return [
            row[0]
            for row in self.conn.execute(
                f"SELECT DISTINCT sp.annotator FROM spans sp WHERE {span_clause} UNION SELECT DISTINCT st.annotator"
                f" FROM sentence_status st WHERE {self._STATE_KEPT} AND {state_clause} ORDER BY 1",
                [*span_params, *state_params],
            )
        ]

    def span_labels(self, annotators: Sequence[str] | None, exclude: Sequence[str]) -> list[str]:
        """The distinct labels of the selected spans."""
        clause, params = self._annotator_clause("sp.annotator", annotators, exclude)
        return [row[0] for row in self.conn.execute(f"SELECT DISTINCT sp.label FROM spans sp WHERE {clause}", params)]
