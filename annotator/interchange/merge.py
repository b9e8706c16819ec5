"""Merge other project databases into this one: the offline-team workflow.

Each annotator works on a copy of the project; a lead merges the copies. The source is
attached read-only and never changed. See `Store.merge_database` for the matching
rules; this module checks that the source is a project this version can read.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import AnnotatorError, InputError, ReadOnlyStore
from ..model import MergeResult
from ..store import Store


def merge_project(store: Store, source: Path) -> MergeResult:
    """Merge one source database into `store` in one transaction.

    Raises InputError when the source cannot be merged at all (missing, not a
    project, another schema, the project itself); returns a result with `conflicts`
    when its content is refused.
    """
    if not source.exists():
        raise InputError(f"{source}: no such file")
    if store.path is not None and source.resolve() == Path(store.path).resolve():
        raise InputError(f"{source} is this project: nothing to merge")
    try:
        with Store.open(source, readonly=True) as other:
            if not other.is_initialized():
                raise InputError(f"{source} holds no project")
            theirs, ours = other.schema_version(), store.schema_version()
    except ReadOnlyStore:
        raise InputError(
            f"{source} has an older schema: open it once with this version (e.g. 'annotator status --db {source}')"
            " and merge again"
        ) from None
    except InputError:
        raise
    except AnnotatorError as exc:
        raise InputError(str(exc)) from None
    if theirs != ours:
        raise InputError(
            f"{source} has schema {', '.join(theirs[-1:]) or 'none'}, this project {', '.join(ours[-1:])}: "
            "open both with the same version of the tool first"
        )
    return store.merge_database(source)
