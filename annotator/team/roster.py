"""Roster names: one spelling per person.

A name is trimmed and NFC-normalised before it is stored or compared. Two names that
differ only in case or spacing ("Budi", " budi", "BU DI") are one person typed twice,
so the second is refused rather than silently becoming a new annotator. `gold` is the
curator's and stays reserved.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import AnnotatorError
from ..model import GOLD

ROLES: tuple[str, ...] = ("annotator", "curator")


class RosterError(AnnotatorError):
    """A name the roster refuses."""


def clean_name(name: str) -> str:
    """The stored form of a name: NFC, trimmed, inner whitespace runs as one space."""
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise RosterError("the annotator name must not be empty")
    if near_key(cleaned) == GOLD:
        raise RosterError(f"{GOLD!r} is reserved for adjudication; choose another annotator name")
    return cleaned


def near_key(name: str) -> str:
    """What two spellings of one person share: casefolded, NFC, without any whitespace."""
    return "".join(unicodedata.normalize("NFC", name).casefold().split())


def near_duplicate(name: str, existing: Iterable[str]) -> str | None:
    """An existing name that `name` matches only up to case or spacing (not itself)."""
    key = near_key(name)
    return next((other for other in existing if other != name and near_key(other) == key), None)


def check_new_name(name: str, existing: Iterable[str]) -> str:
    """The cleaned name, refused when it only re-spells an existing one."""
    cleaned = clean_name(name)
    twin = near_duplicate(cleaned, existing)
    if twin is not None:
        raise RosterError(
            f"{cleaned!r} differs from the existing annotator {twin!r} only in case or spacing; use {twin!r}"
        )
    return cleaned


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest roster name to a mistyped one, if any is close."""
    pool = list(candidates)
    keys = {near_key(c): c for c in pool}
    same = keys.get(near_key(name))
    if same is not None:
        return same
    found = difflib.get_close_matches(near_key(name), list(keys), n=1, cutoff=0.6)
    return keys[found[0]] if found else None


@dataclass(frozen=True)
class Member:
    """One person on the roster, with the lead's fixed condition if any."""

    name: str
    role: str = "annotator"
    active: bool = True
    suggestions: str | None = None
    share: float | None = None

    def as_json(self) -> dict:
        return {"name": self.name, "role": self.role, "active": self.active, "suggestions": self.suggestions}
