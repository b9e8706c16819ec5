"""Where project commands meet capabilities built elsewhere (lexicon, UI, adjudication).

Each function is the single seam a capability plugs into, so `project.py` stays about
projects. Imports are local: the UI must not load for a plain `annotator status`.
"""

from __future__ import annotations

from pathlib import Path

from ..corpus_import import SentencesHook
from ..store import Store


def after_init(store: Store) -> None:
    """A new project gets the default lexicon."""
    from ..lexicon.suggest import load_default_lexicon

    load_default_lexicon(store)


def prepare_demo(store: Store) -> None:
    """The demo project uses the default tag set and lexicon."""
    from ..lexicon.suggest import load_default_lexicon, suggest_all

    if load_default_lexicon(store) and store.corpus.counts()["sentences"]:
        suggest_all(store)


def sentences_hook(store: Store) -> SentencesHook | None:
    """Run on each batch of newly imported sentences, inside the import transaction.

    The lexicon's hook is an `annotator.corpus_import.SentenceAnalyzer`: on large imports its
    matching runs in the worker processes next to segmentation, and only the writes
    happen here."""
    from ..lexicon.suggest import sentences_hook as lexicon_hook

    return lexicon_hook(store)


def status_extras(store: Store) -> dict:
    """Extra figures for `annotator status` (JSON keys, plus printable 'lines')."""
    from ..adjudication.progress import adjudication_progress

    progress = adjudication_progress(store)
    if progress is None:
        return {}
    line = (
        f"Adjudication: {progress['adjudicated']} of {progress['eligible']} sentences done by 2+ annotators "
        f"adjudicated; gold has {progress['gold_spans']} spans ({progress['auto_spans']} auto, "
        f"{progress['curated_spans']} curated)"
    )
    return {"adjudication": progress, "lines": [line]}


def open_ui(db_path: Path, annotator: str, *, tour: bool = False) -> None:
    """Open the annotation workspace (as `annotator annotate` does) until the reviewer
    quits; `tour` offers the guided tour at the annotator's first open."""
    from ..tui.app import run_workspace
    from ..workspace.launch import open_workspace
    from .common import err

    with open_workspace(db_path, annotator) as workspace:
        for warning in workspace.warnings:
            err.print(f"warning: {warning}")
        run_workspace(workspace, tour=tour)
