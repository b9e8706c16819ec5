"""The actions the annotation and adjudication screens share: both edit one sentence
with the same keys (token cursor, selection, labels, undo), so both bind them here.

A mixin for a `Screen` whose `session` has these methods (`AnnotationSession` and
`CurationSession` both do). Mouse messages are handled by the naming convention, which
Textual looks up along the whole class hierarchy, mixins included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..widgets.sentence_view import SentenceView
from .actions import run_action


class SentenceEditingActions:
    session: Any

    def _run(self, method: Callable[..., Any], *args: Any) -> Any:
        return run_action(self, method, *args)  # type: ignore[arg-type]

    # the token cursor
    def action_move(self, delta: int) -> None:
        self._run(self.session.move, delta)

    def action_extend(self, delta: int) -> None:
        self._run(self.session.extend, delta)

    def action_clear_selection(self) -> None:
        self._run(self.session.clear_selection)

    def on_sentence_view_token_clicked(self, message: SentenceView.TokenClicked) -> None:
        self._run(self.session.place, message.token)

    def on_sentence_view_tokens_dragged(self, message: SentenceView.TokensDragged) -> None:
        self._run(self.session.select, message.first, message.last)

    # spans
    def action_label(self, key: str) -> None:
        self._run(self.session.apply_label, key)

    def action_reject(self) -> None:
        self._run(self.session.reject)

    def action_delete_span(self) -> None:
        self._run(self.session.delete)

    def action_toggle_quoted(self) -> None:
        self._run(self.session.toggle_quoted)

    # the sentence
    def action_flag(self) -> None:
        self._run(self.session.toggle_flag)

    def action_next_sentence(self) -> None:
        self._run(self.session.next_sentence)

    def action_previous_sentence(self) -> None:
        self._run(self.session.previous_sentence)

    def action_next_open(self) -> None:
        self._run(self.session.next_open)

    # history
    def action_undo(self) -> None:
        self._run(self.session.undo)

    def action_redo(self) -> None:
        self._run(self.session.redo)
