"""The actions the annotation and adjudication screens share: both edit one sentence
with the same keys (token cursor, selection, labels, undo), so both bind them here.

A mixin for a `Screen` whose `session` has these methods (`AnnotationSession` and
`CurationSession` both do). Mouse messages are handled by the naming convention, which
Textual looks up along the whole class hierarchy, mixins included.

Every session call goes through the screen's one `ActionQueue`, in key order: when
another process holds the write lock, keys queue behind the waiting write and the
screen shows "saving…" instead of freezing. A screen composes a `SavingIndicator`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.message import Message

from ..action_queue import ActionQueue
from ..bindings import label_bindings
from ..widgets.saving import SavingIndicator
from ..widgets.sentence_view import FrozenTokens, SentenceView
from .actions import report
from .dialogs import JudgmentDialog, JudgmentPick, NoteDialog

if TYPE_CHECKING:
    from ..widgets.label_bar import LabelBar


class SentenceEditingActions:
    session: Any
    NOTE_TITLE = "Note on this sentence"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]
    AUTO_FOCUS = None
    _actions: ActionQueue | None = None

    def __init__(self, session: Any, *, notices: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.session = session
        self.project = session.store.project_name()
        self.notices = notices
        # One frozen tuple per sentence, so a long sentence's tokens are copied once.
        self._frozen_tokens = FrozenTokens()
        for binding in label_bindings(session.tagset):
            self._bindings.bind(binding.key, binding.action, binding.description, show=False)

    def show_notices(self) -> None:
        """The launch's notices (read-only, resumed, ...), once the screen is up."""
        for notice in self.notices:
            self.notify(notice, severity="warning" if "read-only" in notice else "information", markup=False)

    @property
    def actions(self) -> ActionQueue:
        """The queue every session call of this screen goes through (made on first use)."""
        if self._actions is None:
            self._actions = ActionQueue(self, self.session.store, on_change=self._show_pending)
        return self._actions

    @dataclass
    class OnLoop(Message, bubble=False):
        """A queued action's report, posted by the queue's worker thread."""

        callback: Callable[[], None]

    def post_to_loop(self, callback: Callable[[], None]) -> bool:
        return self.post_message(self.OnLoop(callback))

    def on_sentence_editing_actions_on_loop(self, message: OnLoop) -> None:
        message.callback()

    @property
    def pending_actions(self) -> int:
        """Keys still waiting for the database (0 when everything shown is saved)."""
        return self._actions.pending if self._actions is not None else 0

    def _show_pending(self, count: int) -> None:
        self.query_one(SavingIndicator).show_pending(count)

    def _run(self, method: Callable[..., Any], *args: Any) -> None:
        """Call a session method in key order, then report its outcome and redraw."""
        self.actions.submit(partial(method, *args), partial(report, self))

    def _run_quietly(self, method: Callable[..., Any]) -> None:
        """The same for a call that changes nothing on screen: report a failure, no redraw."""
        self.actions.submit(method, partial(report, self, redraw=False))

    def _then(self, step: Callable[[], Any]) -> None:
        """A screen step that reads the session (a dialog's current value): after the
        keys before it have landed."""
        self.actions.submit_on_loop(step)

    def on_unmount(self) -> None:
        if self._actions is not None:
            self._actions.close()

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

    def on_label_bar_label_clicked(self, message: LabelBar.LabelClicked) -> None:
        # A click on the label bar is the label's key.
        self.action_label(message.key)

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

    def action_note(self) -> None:
        self._then(self._note)

    def _note(self) -> None:
        state = self.session.judgment
        self.app.push_screen(
            NoteDialog(self.NOTE_TITLE, state.note if state else None),
            lambda note: None if note is None else self._run(self.session.set_note, note),
        )

    def action_judgment(self) -> None:
        self._then(self._judgment)

    def _judgment(self) -> None:
        state = self.session.judgment

        def chosen(pick: JudgmentPick | None) -> None:
            if pick is not None:
                self._run(self.session.set_judgment, pick.value)

        self.app.push_screen(JudgmentDialog(self.session.tagset.judgment, state.judgment if state else None), chosen)

    # history
    def action_undo(self) -> None:
        self._run(self.session.undo)

    def action_redo(self) -> None:
        self._run(self.session.redo)
