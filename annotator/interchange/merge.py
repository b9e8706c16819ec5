"""Merge other project databases into this one: the offline-team workflow.

Each annotator works on a copy of the project; a lead merges the copies. The source is
attached read-only and its content never changed. See `Store.merge.from_database` for the
matching rules; this module checks that the source is a project this version can read,
merges a source with an older schema from an upgraded copy of it, and chooses which of
the source's lexicon entries to add.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import AnnotatorError, InputError, ReadOnlyStore
from ..lexicon.entries import Validator, term_key
from ..model import LexiconEntry, MergeResult
from ..store import Store


def merge_project(store: Store, source: Path, *, batch_commits: bool = True) -> MergeResult:
    """Merge one source database into `store` as one unit: all of it lands, or none
    (see annotator.store.merge).

    Raises InputError when the source cannot be merged at all (missing, not a
    project, a newer schema, the project itself, or this project read-only); returns
    a result with `conflicts` when its content is refused. `batch_commits=False`: see
    `Store.merge.from_database` (the benchmarks' baseline).
    """
    if not source.exists():
        raise InputError(f"{source}: no such file")
    if store.path is not None and source.resolve() == Path(store.path).resolve():
        raise InputError(f"{source} is this project: nothing to merge")
    if store.readonly:
        raise InputError(f"{store.path} is open read-only: nothing can be merged into it")
    try:
        with Store.open(source, readonly=True) as other:
            if not other.is_initialized():
                raise InputError(f"{source} holds no project")
            theirs = other.lexicons.entries()
    except ReadOnlyStore:
        # Opened read-only, an older schema cannot be migrated in place (and the source
        # is never changed): merge from a migrated copy instead.
        return _merge_upgraded_copy(store, source, batch_commits)
    except InputError:
        raise
    except AnnotatorError as exc:
        raise InputError(str(exc)) from None
    return _merge(store, source, theirs, batch_commits)


def _merge(store: Store, path: Path, theirs: Sequence[LexiconEntry], batch_commits: bool) -> MergeResult:
    """Merge from `path`, whose lexicon entries the caller read when it opened it."""
    added, skipped = new_lexicon_entries(theirs, store.lexicons.entries())
    result = store.merge.from_database(path, added, batch_commits=batch_commits)
    if not result.conflicts:
        result.lexicon_entries_skipped = skipped
    return result


def _merge_upgraded_copy(store: Store, source: Path, batch_commits: bool) -> MergeResult:
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
                theirs = upgraded.lexicons.entries()
        except InputError:
            raise
        except AnnotatorError as exc:
            raise InputError(str(exc)) from None
        result = _merge(store, copy, theirs, batch_commits)
    return replace(result, source=str(source), upgraded_from=old)


def new_lexicon_entries(
    theirs: Sequence[LexiconEntry], ours: Sequence[LexiconEntry]
) -> tuple[list[LexiconEntry], list[str]]:
    """The source's lexicon entries to add, and why each other one is skipped.

    An entry already here (same lexicon, term up to case, label and match) is neither.
    The rest go through the same check as `lexicon add`, within their lexicon: an entry
    whose term, surface form or stem another entry of that lexicon already claims (say
    two laptops added `antek asing` under two labels) is skipped with the reason, so a
    merged lexicon stays one that `lexicon check` accepts.
    """

    def key(entry: LexiconEntry) -> tuple:
        return entry.lexicon, term_key(entry.term), entry.label, entry.match

    here = {key(entry) for entry in ours}
    validators: dict[str | None, Validator] = {}
    for entry in ours:
        validators.setdefault(entry.lexicon, Validator(None)).add(entry)
    added, skipped = [], []
    for entry in theirs:
        if key(entry) in here:
            continue
        validator = validators.setdefault(entry.lexicon, Validator(None))
        problems = validator.check(entry)
        if problems:
            skipped.append(f"lexicon {entry.lexicon!r}: {problems[0]}")
            continue
        validator.add(entry)
        here.add(key(entry))
        added.append(entry)
    return added, skipped
