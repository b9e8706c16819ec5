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

from textual import events
from textual.message import Message

from ..action_queue import ActionQueue
from ..bindings import MODE_ACTIONS, MODE_KEYS, label_bindings
from ..widgets.saving import SavingIndicator
from ..widgets.sentence_view import FrozenTokens, Mark, SentenceView
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
    _editing_mode: str | None = None

    def __init__(self, session: Any, *, notices: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.session = session
        self.project = session.store.project_name()
        self.notices = notices
        # One frozen tuple per sentence, so a long sentence's tokens are copied once.
        self._frozen_tokens = FrozenTokens()
        for binding in label_bindings(session.tagset):
            self._bindings.bind(binding.key, binding.action, binding.description, show=False)
        # A digit with no label still reaches the session, which says so.
        self._label_keys = {label.key for label in session.tagset.labels}
        for digit in "0123456789":
            if digit not in self._label_keys:
                self._bindings.bind(digit, f"label({digit!r})", show=False)

    @property
    def key_mode(self) -> str | None:
        """The mode (`jump`, `boundary` or None) keys are routed to. Set as each key is
        dispatched, since the session may lag behind in the action queue; set back from
        the session whenever every queued action has landed."""
        return self._editing_mode

    @key_mode.setter
    def key_mode(self, mode: str | None) -> None:
        if mode != self._editing_mode:
            self._editing_mode = mode
            # The footer greys out the keys a mode takes over (check_action).
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._editing_mode is not None and action not in MODE_ACTIONS:
            return None
        return True

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
        if count == 0:
            self._sync_key_mode()

    def _sync_key_mode(self) -> None:
        """The session is up to date: its mode is the one keys go to (a refused `e`
        opened none; a refused enter of a boundary edit kept it open)."""
        if self.pending_actions == 0:
            self.key_mode = self.session.key_mode

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

    # the modes: a `'` jump and an `e` boundary edit take the keys while open
    async def on_key(self, event: events.Key) -> None:
        mode = self.key_mode
        if mode is None:
            return
        binding = next((b for b in MODE_KEYS[mode] if event.key in b.key.split(",")), None)
        if binding is not None:
            handled = True
            await self.run_action(binding.action)
        elif mode == "jump" and event.is_printable and event.character:
            handled = True
            self._run(self.session.jump_type, event.character)
        elif mode == "boundary" and event.character in self._label_keys:
            handled = True
            self.key_mode = None
            self._run(self.session.apply_label, event.character)
        elif mode == "jump":
            # Any other key ends the jump and then does what it always does.
            handled = False
            self.action_end_jump()
        else:
            handled = True
            self.notify(
                "boundary edit: left/right move the end, shift+left/right the start, enter keeps, escape cancels",
                severity="warning",
                markup=False,
                timeout=3,
            )
        if handled:
            event.stop()
            event.prevent_default()

    def action_begin_jump(self) -> None:
        self.key_mode = "jump"
        self._run(self.session.begin_jump)

    def action_jump_back(self) -> None:
        self._run(self.session.jump_back)

    def action_end_jump(self) -> None:
        self.key_mode = None
        self._run(self.session.end_jump)

    def action_begin_boundary(self) -> None:
        self.key_mode = "boundary"
        self._run(self.session.begin_boundary)

    def action_move_boundary(self, side: str, delta: int) -> None:
        self._run(self.session.move_boundary, side, delta)

    def action_keep_boundary(self) -> None:
        self.key_mode = None
        self._run(self.session.keep_boundary)

    def action_cancel_boundary(self) -> None:
        self.key_mode = None
        self._run(self.session.cancel_boundary)

    def mode_text(self) -> str:
        """What the header says while a mode is open ("" when none is)."""
        session = self.session
        if session.jump is not None:
            extending = " extends the selection" if session.jump.extending else ""
            return f"JUMP '{session.jump.typed}'{extending} · type letters · enter/escape ends"
        edit = session.boundary
        if edit is not None:
            text = session.sentence_text
            shown = f"{text[max(edit.start - 6, 0) : edit.start]}[{text[edit.start : edit.end]}]{text[edit.end : edit.end + 6]}"
            finish = "1-9 labels" if edit.span is None else "enter keeps"
            return f"EDIT {' '.join(shown.split())} · ←→ end · shift+←→ start · {finish} · esc cancels"
        return ""

    def boundary_marks(self, marks: tuple[Mark, ...], look: Callable[[str], tuple[str, str]]) -> tuple[Mark, ...]:
        """The marks with a boundary edit's range drawn where it now is."""
        edit = self.session.boundary
        if edit is None:
            return marks
        if edit.span is None:
            color, key = "#808080", "…"
            return (*marks, Mark(edit.start, edit.end, color, key, "span"))
        span = edit.span
        color, key = look(span.label)
        kept = tuple(
            m for m in marks if not (m.kind == "span" and (m.start, m.end, m.key) == (span.start, span.end, key))
        )
        return (*kept, Mark(edit.start, edit.end, color, key, "span", span.quoted))

    # the token cursor
    def action_move(self, delta: int) -> None:
        self._run(self.session.move, delta)

    def action_extend(self, delta: int) -> None:
        self._run(self.session.extend, delta)

    def action_clear_selection(self) -> None:
        self._run(self.session.clear_selection)

    def action_first_token(self) -> None:
        self._run(self.session.first_token)

    def action_last_token(self) -> None:
        self._run(self.session.last_token)

    def action_extend_to_first(self) -> None:
        self._run(self.session.extend_to_first)

    def action_extend_to_last(self) -> None:
        self._run(self.session.extend_to_last)

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
        self._run(self.session.undo_saying)

    def action_redo(self) -> None:
        self._run(self.session.redo_saying)
