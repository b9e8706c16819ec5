"""Running a session action from a screen: report a refusal or a notice, then redraw.

The annotation and adjudication screens both keep all behaviour in their session; this
is the one place that turns what a session method says into notifications. The action
itself runs through the screen's `ActionQueue` (in key order, off the event loop when
the database is busy); `report` gets its outcome on the loop.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Protocol

from textual.message import Message

from ...errors import AnnotatorError
from ...workspace import ActionRefused
from ..action_queue import Outcome


@dataclass
class ActionReported(Message):
    """Posted to the screen once an action has landed and been drawn. It bubbles to
    the app, where watchers of the session (the demo's tour) look at what changed."""


class SessionScreen(Protocol):
    def notify(self, message: str, *, severity: Any = ..., markup: bool = ..., timeout: float | None = ...) -> None: ...

    def refresh_view(self) -> None: ...

    def post_message(self, message: Message) -> bool: ...


def report(screen: SessionScreen, outcome: Outcome, *, redraw: bool = True) -> None:
    """Report what a session method returned or raised, and redraw."""
    error = outcome.error
    if isinstance(error, ActionRefused):
        screen.notify(str(error), severity="warning", markup=False, timeout=3)
    elif isinstance(error, AnnotatorError):
        screen.notify(str(error), severity="error", markup=False)
    elif isinstance(error, sqlite3.Error):
        # e.g. the database stayed locked past the busy timeout: nothing was saved,
        # the transaction rolled back, and the screen still shows the stored state.
        screen.notify(f"not saved: {error}", severity="error", markup=False)
    elif error is not None:
        raise error
    if isinstance(outcome.result, str):
        screen.notify(outcome.result, markup=False, timeout=4)
    if redraw:
        screen.refresh_view()
        screen.post_message(ActionReported())
