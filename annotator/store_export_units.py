"""The export read model by sentence status (issue 15): the sentence-level units of the
JSONL, CoNLL, tokens CSV, hf and Label Studio exports, and the status filter of the
CSV exports.

A unit is one sentence and one annotator with a kept state (status, judgment, flag or
note) or a span. Its status is the stored one, `done` or `skipped`, or `open` when
there is none. Gold is exported only where it is settled (see
Store._annotator_clause), so gold without a stored state counts as `done`.

Rows come in corpus order, then annotator, as Store's export queries stream them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .model import GOLD, Sentence

if TYPE_CHECKING:
    from .store import Store

STATUSES: tuple[str, ...] = ("done", "skipped", "open")


class ExportUnits:
    def __init__(self, store: Store):
        self.store = store

    @staticmethod
    def status_of(sentence_id: str, annotator: str) -> str:
        """SQL for a unit's status, given SQL for its sentence id and its annotator."""
        return (
            f"COALESCE((SELECT x.status FROM sentence_status x WHERE x.sentence_id = {sentence_id}"
            f" AND x.annotator = {annotator}), CASE WHEN {annotator} = '{GOLD}' THEN 'done' ELSE 'open' END)"
        )

    def status_where(self, sentence_id: str, annotator: str, statuses: Sequence[str] | None) -> tuple[str, list]:
        """` AND <unit status in statuses>`, or nothing for any status (None)."""
        if statuses is None or set(statuses) >= set(STATUSES):
            return "", []
        unknown = set(statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status {sorted(unknown)}")
        return f" AND {self.status_of(sentence_id, annotator)} IN ({','.join('?' * len(statuses))})", list(statuses)

    def _clauses(
        self, column: str, annotators: Sequence[str] | None, exclude: Sequence[str], statuses: Sequence[str] | None
    ) -> tuple[str, list]:
        clause, params = self.store._annotator_clause(column, annotators, exclude)
        alias = column.partition(".")[0]
        status, status_params = self.status_where(f"{alias}.sentence_id", column, statuses)
        return clause + status, [*params, *status_params]

    def iter_sentences(
        self, annotators: Sequence[str] | None, exclude: Sequence[str], statuses: Sequence[str] | None
    ) -> Iterator[Sentence]:
        from .store import _SENTENCE_COLUMNS, _sentence

        span_clause, span_params = self._clauses("sp.annotator", annotators, exclude, statuses)
        state_clause, state_params = self._clauses("st.annotator", annotators, exclude, statuses)
        columns = ", ".join(f"s.{c.strip()}" for c in _SENTENCE_COLUMNS.split(","))
        for row in self.store.conn.execute(
            f"SELECT {columns} FROM documents d JOIN sentences s ON s.document_id = d.id"
            f" WHERE EXISTS (SELECT 1 FROM spans sp WHERE sp.sentence_id = s.id AND {span_clause})"
            f" OR EXISTS (SELECT 1 FROM sentence_status st WHERE st.sentence_id = s.id AND {self.store._STATE_KEPT}"
            f" AND {state_clause}) ORDER BY d.seq, s.idx",
            [*span_params, *state_params],
        ):
            yield _sentence(row)

    def iter_states(
        self, annotators: Sequence[str] | None, exclude: Sequence[str], statuses: Sequence[str] | None
    ) -> Iterator[tuple[int, str, str | None, str]]:
        """(sentence_id, annotator, judgment, status) of kept states, in unit order."""
        clause, params = self._clauses("st.annotator", annotators, exclude, statuses)
        yield from self.store.conn.execute(
            f"SELECT st.sentence_id, st.annotator, st.judgment, COALESCE(st.status, CASE WHEN st.annotator = '{GOLD}'"
            " THEN 'done' ELSE 'open' END) FROM documents d JOIN sentences s ON s.document_id = d.id"
            " JOIN sentence_status st ON st.sentence_id = s.id"
            f" WHERE {self.store._STATE_KEPT} AND {clause} ORDER BY d.seq, s.idx, st.annotator",
            params,
        )

    def iter_spans(
        self, annotators: Sequence[str] | None, exclude: Sequence[str], statuses: Sequence[str] | None
    ) -> Iterator[tuple[int, str, int, int, str]]:
        """(sentence_id, annotator, start, end, label) of spans, in unit order."""
        clause, params = self._clauses("sp.annotator", annotators, exclude, statuses)
        yield from self.store.conn.execute(
            "SELECT sp.sentence_id, sp.annotator, sp.char_start, sp.char_end, sp.label FROM documents d"
            " JOIN sentences s ON s.document_id = d.id JOIN spans sp ON sp.sentence_id = s.id"
            f" WHERE {clause} ORDER BY d.seq, s.idx, sp.annotator, sp.char_start, sp.char_end, sp.label",
            params,
        )

    def span_labels(self, annotators: Sequence[str] | None, exclude: Sequence[str]) -> list[str]:
        """The distinct labels of the selected spans."""
        clause, params = self.store._annotator_clause("sp.annotator", annotators, exclude)
        return [row[0] for row in self.store.conn.execute(f"SELECT DISTINCT sp.label FROM spans sp WHERE {clause}", params)]
