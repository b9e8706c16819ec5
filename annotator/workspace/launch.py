"""Opening a workspace from the command line: project, lock, order and session together.

Kept apart from the CLI so `annotator annotate` and `annotator demo` open sessions the
same way, and tests can open one without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ProjectMissing
from ..model import SuggestionMode
from ..store import Store
from .lock import AnnotatorLock
from .order import ORDERS, DocumentOrder, OrderName
from .session import AnnotationSession, check_annotator_name


@dataclass
class Workspace:
    store: Store
    session: AnnotationSession
    lock: AnnotatorLock | None
    warnings: list[str] = field(default_factory=list)
    # What `session.open()` had to say, such as "Every sentence is done."
    notice: str | None = None

    def close(self) -> None:
        if not self.store.readonly:
            self.session.record_shown()
        self.store.close()
        if self.lock is not None:
            self.lock.release()

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
    suggestions: SuggestionMode = "on",
    defer_shown: bool = True,
) -> Workspace:
    """Open the project for one annotator; read-only if that annotator is already at work elsewhere.

    `order` None is the order this annotator chose last time (document order at first);
    `seed` None with a random order is the seed chosen last time (else 0). The choice is
    remembered for next time.
    """
    annotator = check_annotator_name(annotator)
    db_path = Path(db_path)
    store, lock, warnings = open_for_writer(
        db_path, annotator,
        busy=f"{annotator} already has {db_path} open in another process; "
        "opening read-only (nothing you do here is saved)",
    )  # fmt: skip
    try:
        order, seed, order_warnings = _remembered_order(store, annotator, order, seed)
        warnings += order_warnings
        session = AnnotationSession(
            store,
            annotator,
            order=DocumentOrder.for_annotator(store, annotator, order, seed),
            suggestions=suggestions,
            defer_shown=defer_shown,
        )
        notice = session.open(document)
    except BaseException:
        store.close()
        if lock is not None:
            lock.release()
        raise
    return Workspace(store, session, lock, warnings, notice)


def _remembered_order(
    store: Store, annotator: str, order: OrderName | None, seed: int | None
) -> tuple[OrderName, int | None, list[str]]:
    """The order and seed to use, with warnings; the choice is stored for next time.
    The seed is kept while the annotator works in document order, so going back to
    the random order later finds the same one."""
    stored_order, stored_seed = store.annotations.annotator_order(annotator)
    warnings = []
    if order is None:
        order = stored_order if stored_order in ORDERS else "document"  # type: ignore[assignment]
    if seed is not None and order != "random":
        warnings.append(f"--seed {seed} applies to --order random only; the order is {order}")
        seed = None
    keep = seed if seed is not None else stored_seed
    if (order, keep) != (stored_order, stored_seed) and not store.readonly:
        store.annotations.set_annotator_order(annotator, order, keep)  # type: ignore[arg-type]
    return order, (keep or 0) if order == "random" else None, warnings  # type: ignore[return-value]


def open_for_writer(db_path: Path, writer: str, *, busy: str) -> tuple[Store, AnnotatorLock | None, list[str]]:
    """Open a project for one writer name (an annotator, or `gold` for adjudication).

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
        if not lock.acquire():  # type: ignore[union-attr]
            lock, readonly = None, True
            warnings.append(busy)
    except OSError as exc:
        # A folder we cannot create the lock in cannot hold our writes either.
        lock, readonly = None, True
        warnings.append(f"cannot lock {db_path} ({exc.strerror or exc}); opening read-only")
    try:
        store = Store.open(db_path, readonly=readonly)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    try:
        if not store.is_initialized():
            raise ProjectMissing(f"{db_path} holds no project: run 'annotator init --db {db_path}' first")
        if store.readonly and not readonly:
            warnings.append(f"{db_path} is not writable; opening read-only")
        if not store.readonly:
            store.annotations.ensure_annotator(writer)
    except BaseException:
        store.close()
        if lock is not None:
            lock.release()
        raise
    return store, lock, warnings


__all__ = ["Workspace", "open_for_writer", "open_workspace"]
