"""The model's uncertainty about each sentence, and each document's (its most
uncertain sentence's): what the workspace's uncertainty-first order reads.

`suggest --source model` replaces the scores in its transaction: `clear`, `add` per
batch, then `rank_documents`. A score is from 0 (sure) to 1 (see
annotator.recommend.suggest for the measure).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import ORDERS
from .room import Room


class Uncertainty(Room):
    def clear(self) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM sentence_uncertainty")
            self.conn.execute("DELETE FROM document_uncertainty")

    def add(self, version: int, scores: Iterable[tuple[int, str, float]]) -> None:
        """(sentence id, document id, score) of sentences scored by model `version`."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO sentence_uncertainty (sentence_id, document_id, model_version, score)"
                " VALUES (?, ?, ?, ?)",
                [(sentence_id, document_id, version, score) for sentence_id, document_id, score in scores],
            )

    def rank_documents(self, version: int) -> None:
        """Rank every document visible now: most uncertain first by its most uncertain
        sentence, then those without sentences (score NULL), ties in import order. The
        rank (from 0) is the key, so a workspace position is one lookup."""
        with self.transaction():
            self.conn.execute("DELETE FROM document_uncertainty")
            self.conn.execute(
                "INSERT INTO document_uncertainty (rank, document_id, seq, model_version, score)"
                " SELECT ROW_NUMBER() OVER (ORDER BY score IS NULL, score DESC, seq) - 1, id, seq, ?, score"
                " FROM (SELECT d.id, d.seq, (SELECT MAX(u.score) FROM sentence_uncertainty u"
                " WHERE u.document_id = d.id) AS score FROM documents d)",
                [version],
            )

    def has_scores(self) -> bool:
        return self._one("SELECT 1 FROM document_uncertainty LIMIT 1") is not None

    def version(self) -> int | None:
        """The model version the scores are from (None: no scores)."""
        value = self._scalar("SELECT model_version FROM document_uncertainty LIMIT 1")
        return None if value is None else int(value)

    def ranked_count(self) -> int:
        """How many documents the last run ranked (ranks run 0..count-1: the key's maximum)."""
        value = self._scalar("SELECT MAX(rank) FROM document_uncertainty")
        return 0 if value is None else int(value) + 1

    def document_at_rank(self, rank: int) -> str | None:
        value = self._scalar("SELECT document_id FROM document_uncertainty WHERE rank = ?", [rank])
        return None if value is None else str(value)

    def rank_of(self, document_id: str) -> int | None:
        value = self._scalar("SELECT rank FROM document_uncertainty WHERE document_id = ?", [document_id])
        return None if value is None else int(value)

    def unranked_documents(self, visible: int) -> list[str]:
        """Documents visible now that the last run did not rank, in import order, given
        how many documents are visible. Those imported since have higher seqs, read on
        the key; only when that does not account for them all is every document looked at."""
        ranked = self.ranked_count()
        newest = self._scalar("SELECT MAX(seq) FROM document_uncertainty")
        found = [
            row[0] for row in self.conn.execute("SELECT id FROM documents WHERE seq > ? ORDER BY seq", [newest or 0])
        ]
        if ranked + len(found) == visible:
            return found
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT id FROM documents d WHERE NOT EXISTS"
                " (SELECT 1 FROM document_uncertainty u WHERE u.document_id = d.id) ORDER BY seq"
            )
        ]

    def document_scores(self, document_ids: Iterable[str]) -> dict[str, float | None]:
        """The score of each of these documents that was ranked (None: no sentences)."""
        ids = list(document_ids)
        found: dict[str, float | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                self.conn.execute(
                    "SELECT document_id, score FROM document_uncertainty"
                    f" WHERE document_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return found

    def sentence_ranks(self, document_id: str, annotator: str) -> list[tuple[int, bool]]:
        """(index, open for `annotator`) of each sentence of a document, most uncertain
        first; unscored sentences last, all in text order among equals."""
        return [
            (int(index), bool(is_open))
            for index, is_open in self.conn.execute(
                "SELECT s.idx, st.status IS NOT 'done' FROM sentences s"
                " LEFT JOIN sentence_uncertainty u ON u.sentence_id = s.id"
                " LEFT JOIN sentence_status st ON st.sentence_id = s.id AND st.annotator = ?"
                " WHERE s.document_id = ? ORDER BY u.score IS NULL, u.score DESC, s.idx",
                [annotator, document_id],
            )
        ]

    def sentences_by_served_order(self, annotators: Sequence[str]) -> dict[str, list[int]]:
        """For each workspace order, the sentences done by at least two of `annotators`
        where every one who did it was served it in that order (what `agreement --by
        served-order` compares)."""
        marks = ",".join("?" * len(annotators))
        found: dict[str, list[int]] = {order: [] for order in ORDERS}
        for sentence_id, orders in self.conn.execute(
            "SELECT sentence_id, group_concat(DISTINCT COALESCE(served_order, '')) FROM sentence_status"
            f" WHERE status = 'done' AND annotator IN ({marks}) GROUP BY sentence_id HAVING COUNT(*) >= 2",
            list(annotators),
        ):
            if orders in found:
                found[orders].append(sentence_id)
        return found
