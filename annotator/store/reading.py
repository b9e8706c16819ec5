"""The reading view's read model: a window of a document's sentences around the one
being annotated, with where paragraphs start and one annotator's own marks on them.

Only the window is read, never the whole document: the sentences by their
(document_id, idx) key, the gaps between them as one substring of the document text,
and the annotator's spans and rejected suggestions by sentence id. Blind by
construction: every mark is this annotator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .room import Room


@dataclass(frozen=True)
class ReadingMark:
    """A span of this annotator's (`span`), or a suggestion she rejected (`rejected`)."""

    start: int
    end: int
    label: str
    kind: str
    quoted: bool = False


@dataclass(frozen=True)
class ReadingSentence:
    id: int
    index: int
    text: str
    # Whether a line break separates it from the sentence before (or it is the first).
    paragraph: bool
    marks: tuple[ReadingMark, ...] = field(default=())


class Reading(Room):
    def window(self, document_id: str, first: int, last: int, annotator: str) -> list[ReadingSentence]:
        """Sentences `first`..`last` (0-based, inclusive) of a document, in order."""
        first = max(first, 0)
        rows = self.conn.execute(
            "SELECT id, idx, doc_start, doc_end, text FROM sentences"
            " WHERE document_id = ? AND idx BETWEEN ? AND ? ORDER BY idx",
            [document_id, first - 1, last],
        ).fetchall()
        if not rows:
            return []
        breaks = self._paragraph_starts(document_id, rows)
        shown = [row for row in rows if row[1] >= first]
        marks = self._marks([row[0] for row in shown], annotator)
        return [
            ReadingSentence(id, index, text, breaks[index], tuple(marks.get(id, ()))) for id, index, _, _, text in shown
        ]

    def _paragraph_starts(self, document_id: str, rows: list[tuple]) -> dict[int, bool]:
        """Which sentences follow a line break in the document text (the segmenter
        always ends a sentence at one). The gaps are read as one substring spanning
        the window: SQLite reads the whole text for it, once per window."""
        starts = {rows[0][1]: rows[0][1] == 0}
        if len(rows) < 2:
            return starts
        base, end = rows[0][3], rows[-1][2]
        region = self._scalar(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?", [base + 1, end - base, document_id]
        )
        region = region if isinstance(region, str) else ""
        for previous, row in zip(rows, rows[1:]):
            gap = region[previous[3] - base : row[2] - base]
            starts[row[1]] = "\n" in gap  # stored text has LF line ends only
        return starts

    def _marks(self, sentence_ids: list[int], annotator: str) -> dict[int, list[ReadingMark]]:
        found: dict[int, list[ReadingMark]] = {}
        if not sentence_ids:
            return found
        marks = ",".join("?" * len(sentence_ids))
        spans = self.conn.execute(
            "SELECT sentence_id, char_start, char_end, label, quoted FROM spans"
            f" WHERE annotator = ? AND sentence_id IN ({marks})"
            " ORDER BY sentence_id, char_end - char_start DESC, char_start",
            [annotator, *sentence_ids],
        )
        rejected = self.conn.execute(
            "SELECT sg.sentence_id, sg.char_start, sg.char_end, sg.label, sg.quoted FROM suggestions sg"
            " JOIN suggestion_decisions sd ON sd.suggestion_id = sg.id AND sd.annotator = ?"
            f" WHERE sg.sentence_id IN ({marks}) AND sd.decision = 'rejected'"
            " ORDER BY sg.sentence_id, sg.char_start",
            [annotator, *sentence_ids],
        )
        # Rejections first, so a span drawn over the same words shows on top.
        for kind, rows in (("rejected", rejected.fetchall()), ("span", spans.fetchall())):
            for sentence_id, start, end, label, quoted in rows:
                found.setdefault(sentence_id, []).append(ReadingMark(start, end, label, kind, bool(quoted)))
        return found
