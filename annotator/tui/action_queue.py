"""Session actions in key order on one worker thread, so a long write never freezes the UI.

Every key that reaches the session (a cursor move, a label, undo, a navigation) runs
on one thread, in the order the keys came, on the session's own connection: writes
keep their strict order, each is still one short transaction, and undo and redo see
exactly the edits before them.

Most of the time an action lands in a millisecond, and the event loop simply waits
for it: the key is handled as if it ran on the loop, and the screen is redrawn from the
stored state. When another process (import, suggest, merge, a lexicon load) holds the
database's write lock, the store gives notice after a short wait (`LOCK_PROBE_MS`):
the loop stops waiting, the screen shows "saving…", and every key after that joins
the queue behind the waiting write instead of touching the session. The screen keeps
answering. Each queued action reports when it lands or fails (a write that waits past
the busy timeout says "not saved", as before), and the screen redraws while the worker
waits for it, so the loop never reads the session's connection while the worker uses it.

Steps that only touch the screen but read the session (opening the note dialog, the
statistics) queue as loop steps, so they see the state after the keys before them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..store import Store

# How long the loop waits for an action before leaving it to the worker even when the
# store gave no notice of a lock (a pathological slow write): a key is never held longer.
BACKSTOP_SECONDS = 1.0


class Host(Protocol):
    """The screen the queue reports through."""

    def post_to_loop(self, callback: Callable[[], None]) -> bool:
        """Run `callback` on the loop soon; thread-safe; False if the screen is gone."""
        ...

    def call_later(self, callback: Callable[..., Any], *args: Any) -> bool: ...


@dataclass
class Outcome:
    """What an action returned, or the error it raised."""

    result: Any = None
    error: BaseException | None = None


@dataclass
class _Item:
    call: Callable[[], Any]
    finish: Callable[[Outcome], None]
    on_loop: bool
    outcome: Outcome = field(default_factory=Outcome)
    settled: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    detached: bool = False


def _reraise(error: BaseException) -> None:
    raise error


def _run(call: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(call())
    except Exception as error:  # noqa: BLE001 - reported (or re-raised) on the loop by `finish`
        return Outcome(error=error)


class ActionQueue:
    def __init__(self, host: Host, store: Store, *, on_change: Callable[[int], None] | None = None) -> None:
        """`on_change(pending)` runs on the loop whenever the number of actions still
        waiting for the worker changes (0: everything is saved)."""
        self._host = host
        self._store = store
        self._on_change = on_change
        self._items: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._current: _Item | None = None
        # Owned by the loop: actions handed to the worker whose finish has not run yet.
        self.pending = 0
        self._closed = False
        self._idle_callbacks: list[Callable[[], None]] = []
        self._thread = threading.Thread(target=self._work, name="session-actions", daemon=True)
        self._thread.start()
        store.lock_wait_notice = self._lock_wait

    # ------------------------------------------------------------- the loop side

    def submit(self, call: Callable[[], Any], finish: Callable[[Outcome], None]) -> None:
        """Run a session action in order; `finish` gets its outcome on the loop."""
        if self._closed:  # the screen is going away (a redraw's late record of a view)
            return
        item = _Item(call, finish, on_loop=False)
        if self.pending:
            item.detached = True
            self._enqueue(item)
            return
        self._items.put(item)
        item.settled.wait(BACKSTOP_SECONDS)
        with self._lock:
            if not item.done:
                item.detached = True
        if item.detached:
            self._enqueue(item, queued=True)
        else:
            finish(item.outcome)

    def submit_on_loop(self, step: Callable[[], Any]) -> None:
        """Run a screen step (it reads the session) after the actions before it."""
        if not self.pending:
            step()
            return
        self._enqueue(_Item(step, lambda outcome: None, on_loop=True, detached=True))

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call back on the loop once every queued action has finished (now if none is)."""
        if not self.pending:
            callback()
        else:
            self._idle_callbacks.append(callback)

    def close(self) -> None:
        """Stop the worker: actions not started yet are dropped (the app quits without
        them only when told to twice), and the one running is waited for, so the store
        can be closed after this returns. The store's writes wait again."""
        self._closed = True
        self._items.put(None)
        self._thread.join()
        if self._store.lock_wait_notice == self._lock_wait:
            self._store.lock_wait_notice = None

    def _enqueue(self, item: _Item, *, queued: bool = False) -> None:
        self.pending += 1
        if not queued:
            self._items.put(item)
        self._changed()

    def _finished(self, item: _Item) -> None:
        """On the loop, for an action the loop stopped waiting for (the worker waits).

        It still counts as pending while it reports, so an action submitted meanwhile
        (a dialog's answer) queues behind it instead of waiting for the blocked worker.
        """
        try:
            if item.on_loop:
                item.call()
            else:
                item.finish(item.outcome)
        except Exception as error:  # noqa: BLE001 - re-raised on the loop just below
            # A real bug: let it end the app from the loop, as a key handler's would.
            self._host.call_later(_reraise, error)
        self.pending -= 1
        self._changed()
        if not self.pending:
            callbacks, self._idle_callbacks = self._idle_callbacks, []
            for callback in callbacks:
                callback()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.pending)

    # ----------------------------------------------------------- the worker side

    def _lock_wait(self) -> None:
        """The store's notice that a write waits for another connection's lock."""
        if threading.current_thread() is not self._thread:
            return
        item = self._current
        if item is not None:
            item.settled.set()

    def _work(self) -> None:
        while True:
            item = self._items.get()
            if item is None:
                return
            if self._closed:
                continue
            if not item.on_loop:
                self._current = item
                item.outcome = _run(item.call)
                self._current = None
                with self._lock:
                    item.done = True
                    detached = item.detached
                item.settled.set()
                if not detached:
                    continue
            # The loop redraws while this thread waits, so it alone uses the connection.
            reported = threading.Event()

            def finish(item: _Item = item, reported: threading.Event = reported) -> None:
                try:
                    self._finished(item)
                finally:
                    reported.set()

            if not self._host.post_to_loop(finish):
                continue
            while not reported.wait(0.05) and not self._closed:
                pass
