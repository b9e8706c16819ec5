"""The learned recommender's room: the done sentences and spans it trains on, and its
stored model versions."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from ..clock import now_iso
from ..model import GOLD, RecommenderModel
from .room import Room
from .rows import compact_json

_INFO_COLUMNS = (
    "version, trained_at, source, annotators, sentences, documents, spans, labels, disabled_labels, noise,"
    " evaluation, done_at_training"
)


class Recommender(Room):
    def done_states(self, annotators: Sequence[str] | None) -> dict[int, list[str]]:
        """Sentence id -> who marked it done (corpus order), among `annotators` (None:
        everyone but gold)."""
        if annotators is None:
            where, params = "st.annotator != ?", [GOLD]
        else:
            where, params = f"st.annotator IN ({','.join('?' * len(annotators))})", list(annotators)
        rows = self.conn.execute(
            "SELECT st.sentence_id, st.annotator FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
            f" JOIN documents d ON d.id = s.document_id WHERE st.status = 'done' AND {where}"
            " ORDER BY d.seq, s.idx, st.annotator",
            params,
        )
        done: dict[int, list[str]] = {}
        for sentence_id, annotator in rows:
            done.setdefault(sentence_id, []).append(annotator)
        return done

    def done_spans(self, annotators: Sequence[str] | None) -> Iterator[tuple[int, str, int, int, str]]:
        """(sentence id, annotator, start, end, label) of every span on a sentence its
        annotator marked done, among `annotators` (None: everyone but gold)."""
        if annotators is None:
            where, params = "sp.annotator != ?", [GOLD]
        else:
            where, params = f"sp.annotator IN ({','.join('?' * len(annotators))})", list(annotators)
        yield from self.conn.execute(
            "SELECT sp.sentence_id, sp.annotator, sp.char_start, sp.char_end, sp.label FROM spans sp"
            " JOIN sentence_status st ON st.sentence_id = sp.sentence_id AND st.annotator = sp.annotator"
            f" WHERE st.status = 'done' AND {where}",
            params,
        )

    def done_total(self) -> int:
        """Done sentence states of all annotators but gold: what automatic retraining counts."""
        row = self._one("SELECT COUNT(*) FROM sentence_status WHERE status = 'done' AND annotator != ?", [GOLD])
        return int(row[0]) if row else 0

    def save(
        self,
        model: bytes,
        *,
        source: str,
        annotators: Sequence[str],
        sentences: int,
        documents: int,
        spans: int,
        labels: Sequence[str],
        noise: dict,
        done_at_training: int,
        disabled_labels: Sequence[str] = (),
    ) -> RecommenderModel:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO recommender_models (trained_at, source, annotators, sentences, documents, spans,"
                " labels, disabled_labels, noise, done_at_training, model) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    now_iso(),
                    source,
                    compact_json(list(annotators)),
                    sentences,
                    documents,
                    spans,
                    compact_json(list(labels)),
                    compact_json(sorted(disabled_labels)),
                    compact_json(noise),
                    done_at_training,
                    model,
                ],
            )
            version = cursor.lastrowid
        latest = self.latest()
        assert latest is not None and latest.version == version
        return latest

    def latest(self) -> RecommenderModel | None:
        row = self._one(f"SELECT {_INFO_COLUMNS} FROM recommender_models ORDER BY version DESC LIMIT 1")
        return None if row is None else _to_model(row)

    def versions(self) -> list[RecommenderModel]:
        return [
            _to_model(row)
            for row in self.conn.execute(f"SELECT {_INFO_COLUMNS} FROM recommender_models ORDER BY version")
        ]

    def model_bytes(self, version: int) -> bytes:
        row = self._one("SELECT model FROM recommender_models WHERE version = ?", [version])
        if row is None:
            raise KeyError(version)
        return bytes(row[0])

    def set_evaluation(self, version: int, evaluation: dict, disabled_labels: Sequence[str]) -> None:
        """Record a cross-validation and the labels it switched off on a model version."""
        with self.transaction():
            self.conn.execute(
                "UPDATE recommender_models SET evaluation = ?, disabled_labels = ? WHERE version = ?",
                [compact_json(evaluation), compact_json(sorted(disabled_labels)), version],
            )


def _to_model(row: tuple) -> RecommenderModel:
    return RecommenderModel(
        version=row[0],
        trained_at=row[1],
        source=row[2],
        annotators=tuple(json.loads(row[3])),
        sentences=row[4],
        documents=row[5],
        spans=row[6],
        labels=tuple(json.loads(row[7])),
        disabled_labels=tuple(json.loads(row[8])),
        noise=json.loads(row[9]),
        evaluation=None if row[10] is None else json.loads(row[10]),
        done_at_training=row[11],
    )
