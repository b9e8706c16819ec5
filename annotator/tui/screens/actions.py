"""Running a session action from a screen: report a refusal or a notice, then redraw.

The annotation and adjudication screens both keep all behaviour in their session; this
is the one place that turns what a session method says into notifications.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, Protocol

from ...errors import AnnotatorError
from ...workspace import ActionRefused


class SessionScreen(Protocol):
    def notify(self, message: str, *, severity: Any = ..., markup: bool = ..., timeout: float | None = ...) -> None: ...

    def refresh_view(self) -> None: ...


def run_action(screen: SessionScreen, method: Callable[..., Any], *args: Any) -> Any:
    """Call a session method, report a refusal or a notice, and redraw."""
    result = None
    try:
        result = method(*args)
    except ActionRefused as refused:
        screen.notify(str(refused), severity="warning", markup=False, timeout=3)
    except AnnotatorError as error:
        screen.notify(str(error), severity="error", markup=False)
    except sqlite3.Error as error:
        # e.g. the database stayed locked past the busy timeout: nothing was saved,
        # the transaction rolled back, and the screen still shows the stored state.
        screen.notify(f"not saved: {error}", severity="error", markup=False)
    if isinstance(result, str):
        screen.notify(result, markup=False, timeout=4)
    screen.refresh_view()
    return result
