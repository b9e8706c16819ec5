"""The sentences the reading view can show around the focus, read once per focus sentence.

Only a window is read (`store.reading.window`): as many sentences before and after the
focus as there are terminal rows, which is more than can be on screen, whatever the
document's length. The window is read again whenever the focus sentence changes, so
a sentence just left shows the spans made in it; keys within a sentence read nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from ...store import Store
from ...store.reading import ReadingSentence
from .sentence_view import Mark, Passage, ReadingContext

# label name -> (colour, key)
Look = Callable[[str], tuple[str, str]]


class ReadingWindow:
    def __init__(self, annotator: str, look: Look) -> None:
        self.annotator = annotator
        self.look = look
        self._key: tuple | None = None
        self._context = ReadingContext()

    def around(self, store: Store, document_id: str | None, index: int, rows: int) -> ReadingContext:
        """The context of sentence `index` (0-based) of a document, `rows` sentences each side."""
        key = (document_id, index, rows)
        if key == self._key:
            return self._context
        self._key = key
        if document_id is None:
            self._context = ReadingContext()
            return self._context
        sentences = store.reading.window(document_id, index - rows, index + rows, self.annotator)
        focus = next((s for s in sentences if s.index == index), None)
        self._context = ReadingContext(
            before=tuple(self._passage(s) for s in sentences if s.index < index),
            after=tuple(self._passage(s) for s in sentences if s.index > index),
            paragraph=focus.paragraph if focus else True,
        )
        return self._context

    def _passage(self, sentence: ReadingSentence) -> Passage:
        marks = []
        for mark in sentence.marks:
            color, key = self.look(mark.label)
            marks.append(
                Mark(mark.start, mark.end, color, key, "span" if mark.kind == "span" else "rejected", mark.quoted)
            )
        return Passage(sentence.id, sentence.text, sentence.paragraph, tuple(marks))
