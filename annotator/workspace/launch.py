"""Opening a workspace from the command line: project, lock, order and session together.

Kept apart from the CLI so `annotator annotate` and `annotator demo` open sessions the
same way, and tests can open one without a terminal.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..errors import AnnotatorError, ProjectMissing
from ..model import SuggestionMode
from ..store import Store
from ..team.admission import Admission, admit
from ..team.conditions import drawn_mode
from ..team.queue import QueueOrder, queue_order, queue_progress
from ..team.roster import clean_name
from .lock import AnnotatorLock
from .order import ORDERS, UNCERTAIN, DocumentOrder, OrderName, RankedOrder, require_scores
from .session import AnnotationSession, check_annotator_name


@dataclass
class Workspace:
    store: Store
    session: AnnotationSession
    lock: AnnotatorLock | None
    warnings: list[str] = field(default_factory=list)
    # What `session.open()` had to say, such as "Every sentence is done."
    notice: str | None = None
    # What closing could not do, for the command to print once the screen is gone.
    closing_warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        # Every edit is already saved; what closing writes is the time on the last
        # sentences. If that write fails (a full disk), say so, and still close the
        # store and give the lock back, so the annotator can open the project again.
        with ExitStack() as cleanup:
            if self.lock is not None:
                cleanup.callback(self.lock.release)
            cleanup.callback(self.store.close)
            if not self.store.readonly:
                try:
                    self.session.end_visit()
                except sqlite3.Error as exc:
                    self.closing_warnings.append(f"the time on your last sentences was not saved ({exc})")

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_workspace(
    db_path: Path,
    annotator: str,
    *,
    document: str | None = None,
    order: OrderName | None = None,
    seed: int | None = None,
    suggestions: SuggestionMode | None = None,
    defer_shown: bool = True,
) -> Workspace:
    """Open the project for one annotator; read-only if that annotator is already at work elsewhere.

    `order` None is the order this annotator chose last time (document order at first);
    `seed` None with a random order is the seed chosen last time (else 0). The choice is
    remembered for next time. `suggestions` None is the lead's fixed mode for this
    annotator, else the mode used last time, else on. With a roster, only its active
    members get in; with assignments, the workspace serves her queue only.
    """
    annotator = check_annotator_name(clean_name(annotator))
    db_path = Path(db_path)
    admitted: list[Admission] = []
    store, lock, warnings = open_for_writer(
        db_path,
        annotator,
        busy=f"{annotator} already has {db_path} open in another process; "
        "opening read-only (nothing you do here is saved)",
        admit=lambda store: admitted.append(admit(store, annotator, suggestions)),
    )
    try:
        [admission] = admitted
        order, seed, order_warnings = _remembered_order(store, annotator, order, seed)
        warnings += order_warnings
        if not admission.fixed and not store.readonly and store.team.last_mode(annotator) != admission.mode:
            store.team.remember_mode(annotator, admission.mode)
        random_condition = admission.mode == "random"
        session = AnnotationSession(
            store,
            annotator,
            order=_navigation_order(store, annotator, order, seed),
            suggestions="on" if random_condition else admission.mode,
            defer_shown=defer_shown,
            fixed_mode=admission.mode if admission.fixed else None,
            draw_mode=partial(drawn_mode, store.project_name(), annotator, share=admission.share)
            if random_condition
            else None,
        )
        if getattr(session.order, "is_queue", False):
            # The header counts her queue, not the corpus.
            progress = queue_progress(store.team.queue(annotator), store.team.done_by_document(annotator))
            session.total, session.done = progress.sentences, progress.sentences_done
        notice = session.open(document)
    except BaseException:
        store.close()
        if lock is not None:
            lock.release()
        raise
    return Workspace(store, session, lock, warnings, notice)


def _navigation_order(
    store: Store, annotator: str, order: OrderName, seed: int | None
) -> DocumentOrder | RankedOrder | QueueOrder:
    """Her queue when the project has assignments for her, else the whole corpus."""
    entries = store.team.queue(annotator)
    if not entries:
        if store.team.has_assignments():
            raise AnnotatorError(
                f"{annotator} has no documents assigned in this project (the lead runs 'annotator assign')"
            )
        return DocumentOrder.for_annotator(store, annotator, order, seed)
    scores = store.uncertainty.document_scores(e.document_id for e in entries) if order == UNCERTAIN else None
    return QueueOrder(queue_order(entries, annotator, order, seed, scores), name=order)


def _remembered_order(
    store: Store, annotator: str, order: OrderName | None, seed: int | None
) -> tuple[OrderName, int | None, list[str]]:
    """The order and seed to use, with warnings; the choice is stored for next time.
    The seed is kept while the annotator works in document order, so going back to
    the random order later finds the same one."""
    stored_order, stored_seed = store.annotations.annotator_order(annotator)
    warnings = []
    if order is None:
        order = stored_order if stored_order in ORDERS else "document"
    if seed is not None and order != "random":
        warnings.append(f"--seed {seed} applies to --order random only; the order is {order}")
        seed = None
    if order == UNCERTAIN:
        require_scores(store)  # before it is remembered: a refused order is not her choice
    keep = seed if seed is not None else stored_seed
    if (order, keep) != (stored_order, stored_seed) and not store.readonly:
        store.annotations.set_annotator_order(annotator, order, keep)
    return order, (keep or 0) if order == "random" else None, warnings


def open_for_writer(
    db_path: Path, writer: str, *, busy: str, admit: Callable[[Store], object] | None = None
) -> tuple[Store, AnnotatorLock | None, list[str]]:
    """Open a project for one writer name (an annotator, or `gold` for adjudication).

    `admit`, if given, is asked before the writer's row is made, and refuses by raising.
    The writer's lock is taken first; when another live process holds it, or the folder
    cannot hold it, the project opens read-only and the warnings say why. On success the
    caller owns the store and the lock.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise ProjectMissing(f"no project at {db_path}: run 'annotator import' first, or pass --db")
    warnings: list[str] = []
    lock: AnnotatorLock | None = AnnotatorLock(db_path, writer)
    readonly = False
    try:
        if not lock.acquire():
            lock, readonly = None, True
            warnings.append(busy)
    except OSError as exc:
        # A folder we cannot create the lock in cannot hold our writes either.
        lock, readonly = None, True
        warnings.append(f"cannot lock {db_path} ({exc.strerror or exc}); opening read-only")
    # On any failure below, what was taken is given back (store first, then the lock);
    # on success pop_all() hands both to the caller.
    with ExitStack() as undo:
        if lock is not None:
            undo.callback(lock.release)
        store = Store.open(db_path, readonly=readonly)
        undo.callback(store.close)
        if not store.is_initialized():
            raise ProjectMissing(f"{db_path} holds no project: run 'annotator init --db {db_path}' first")
        if store.readonly and not readonly:
            warnings.append(f"{db_path} is not writable; opening read-only")
        if admit is not None:
            admit(store)
        if not store.readonly:
            store.annotations.ensure_annotator(writer)
        undo.pop_all()
    return store, lock, warnings


__all__ = ["Workspace", "open_for_writer", "open_workspace"]
