"""Merge other project databases into this one: the offline-team workflow.

Each annotator works on a copy of the project; a lead merges the copies. The source is
attached read-only and never changed. See `Store.merge_database` for the matching
rules; this module checks that the source is a project this version can read, and
merges a source with an older schema from an upgraded copy of it.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import AnnotatorError, InputError, ReadOnlyStore
from ..model import MergeResult
from ..store import Store


def merge_project(store: Store, source: Path) -> MergeResult:
    """Merge one source database into `store` in one transaction.

    Raises InputError when the source cannot be merged at all (missing, not a
    project, a newer schema, the project itself); returns a result with `conflicts`
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
    except ReadOnlyStore:
        # Opened read-only, an older schema cannot be migrated in place (and the source
        # is never changed): merge from a migrated copy instead.
        return _merge_upgraded_copy(store, source)
    except InputError:
        raise
    except AnnotatorError as exc:
        raise InputError(str(exc)) from None
    return store.merge_database(source)


def _merge_upgraded_copy(store: Store, source: Path) -> MergeResult:
    # Beside the project, not in /tmp: a copy the size of a project may not fit a tmpfs,
    # and the project's folder is writable since the merge writes there.
    folder = Path(store.path).parent if store.path is not None else None
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=folder) as scratch:
        copy = Path(scratch) / source.name
        try:
            Store.copy_database(source, copy)
            with Store.open(copy) as upgraded:
                old = upgraded.upgraded_from
                if not upgraded.is_initialized():
                    raise InputError(f"{source} holds no project")
        except InputError:
            raise
        except AnnotatorError as exc:
            raise InputError(str(exc)) from None
        result = store.merge_database(copy)
    return replace(result, source=str(source), upgraded_from=old)
