"""The project's annotation guidelines, and what each annotator has been shown once.

The lead stores one Markdown file in the project (`annotator guidelines set FILE.md`);
the workspace shows it on `G`, and by itself at an annotator's first open. What an
annotator has seen (these guidelines, the demo's guided tour) is remembered in the
project too, so a second computer or a copy of the database does not show it again.
Everything lives in the `project` table, through the Store's meta data: no migration.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .textnorm import UTF8_BOM, content_hash, decode_error_message, normalize_text

if TYPE_CHECKING:
    from .store import Store

GUIDELINES_KEY = "guidelines"
# A guideline is a few pages; a bigger file is almost surely the wrong one, and the
# Markdown widget would take seconds to lay it out.
MAX_GUIDELINES_BYTES = 256 * 1024
HOW_TO_SET = "annotator guidelines set FILE.md"

# What an annotator is shown once: `seen:<what>:<annotator>` holds the version seen.
GUIDELINES = "guidelines"
TOUR = "tour"
_SEEN = "seen:{what}:{annotator}"


def read_guidelines_file(path: Path) -> str:
    """The text of a Markdown file as stored (UTF-8, LF, NFC); refuses anything else
    with a one-line error naming the file."""
    origin = str(path)
    size = path.stat().st_size
    if size > MAX_GUIDELINES_BYTES:
        raise InputError(f"{origin}: {size:,} bytes; guidelines may hold at most {MAX_GUIDELINES_BYTES:,} bytes")
    raw = path.read_bytes()
    base = 0
    if raw.startswith(UTF8_BOM):
        raw, base = raw[len(UTF8_BOM) :], len(UTF8_BOM)
    if b"\x00" in raw:
        raise InputError(f"{origin}: binary file (contains NUL bytes), not Markdown text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(decode_error_message(origin, "utf-8", exc, raw, False, base)) from None
    text = normalize_text(text)
    if not text.strip():
        raise InputError(f"{origin}: empty; the guidelines need some text")
    return text


def set_guidelines(store: Store, text: str) -> None:
    store.set_meta(GUIDELINES_KEY, text)


def get_guidelines(store: Store) -> str | None:
    return store.get_meta(GUIDELINES_KEY)


def version(text: str) -> str:
    """What `remember_seen` stores for a text: changed guidelines are new ones."""
    return content_hash(text)[:16]


def seen(store: Store, what: str, annotator: str) -> str | None:
    """The version of `what` the annotator has seen, or None."""
    return store.get_meta(_SEEN.format(what=what, annotator=annotator))


def remember_seen(store: Store, what: str, annotator: str, seen_version: str) -> None:
    store.set_meta(_SEEN.format(what=what, annotator=annotator), seen_version)


def unseen_guidelines(store: Store, annotator: str) -> str | None:
    """The guidelines, if this annotator has not yet seen them (or not since they changed)."""
    text = get_guidelines(store)
    if text is None or seen(store, GUIDELINES, annotator) == version(text):
        return None
    return text
