"""Opening an adjudication session from the command line: project, lock and session.

Gold has one writer at a time: the lock is taken under the name `gold`, so a second
curator (or a second window) opens read-only, as a second session of one annotator
does in the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import GOLD
from ..store import Store
from ..workspace.launch import open_for_writer
from ..workspace.lock import AnnotatorLock
from .queue import QueueOrder
from .rules import AutoRule
from .session import CurationSession


@dataclass
class Adjudication:
    store: Store
    session: CurationSession
    lock: AnnotatorLock | None
    warnings: list[str] = field(default_factory=list)
    notice: str | None = None

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> Adjudication:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_adjudication(
    db_path: Path,
    curator: str,
    *,
    annotators: Sequence[str] | None = None,
    min_annotators: int = 2,
    order: QueueOrder = "document",
    auto: AutoRule = "majority",
) -> Adjudication:
    store, lock, warnings = open_for_writer(
        db_path, GOLD, busy=f"gold in {db_path} is being curated in another process; opening read-only"
    )
    try:
        session = CurationSession(
            store, curator, annotators=annotators, min_annotators=min_annotators, order=order, auto=auto
        )
        notice = session.open()
    except BaseException:
        store.close()
        if lock is not None:
            lock.release()
        raise
    return Adjudication(store, session, lock, warnings, notice)
