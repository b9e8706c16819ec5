"""Where project commands meet capabilities built elsewhere (lexicon, UI, adjudication).

Each function is the single seam a capability plugs into, so `project.py` stays about
projects. Imports are local: the UI must not load for a plain `annotator status`.
"""

from __future__ import annotations

from pathlib import Path

from ..importer import SentencesHook
from ..store import Store


def after_init(store: Store) -> None:
    """A new project gets the default lexicon."""


def prepare_demo(store: Store) -> None:
    """The demo project uses the default tag set and lexicon."""


def sentences_hook(store: Store) -> SentencesHook | None:
    """Run on each batch of newly imported sentences, inside the import transaction."""
    return None


def status_extras(store: Store) -> dict:
    """Extra figures for `annotator status` (JSON keys, plus printable 'lines')."""
    return {}


def has_ui() -> bool:
    return False


def open_ui(db_path: Path, annotator: str) -> None:
    raise NotImplementedError
