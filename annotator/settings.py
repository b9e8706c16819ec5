"""Project settings: one registry of the known keys, their types, defaults and meaning.

Settings live in the project (the `project` table, as `setting:<key>`), so every copy
and every annotator's session sees the same. `annotator settings set KEY VALUE` and
`annotator settings show` read and write them through this module; add a key here
(with its parser and default) and both commands know it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import AnnotatorError

if TYPE_CHECKING:
    from .store import Store

_PREFIX = "setting:"


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in {"true", "yes", "on", "1"}:
        return True
    if value in {"false", "no", "off", "0"}:
        return False
    raise ValueError("expected true or false")


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError("expected a number from 0 to 1")
    return value


def _licence(text: str) -> str:
    # One line of printable text: it goes into the YAML header of the hf dataset card.
    value = text.strip()
    if not value or len(value) > 100 or not value.isprintable():
        raise ValueError("expected a licence id such as cc-by-4.0 (one line, at most 100 characters)")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("expected a whole number of 1 or more")
    return value


@dataclass(frozen=True)
class Setting:
    key: str
    parse: Callable[[str], object]
    default: object
    help: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "recommend-min-precision",
            _fraction,
            0.5,
            "A label whose cross-validated model precision is below this is switched off.",
        ),
        Setting(
            "recommend-auto",
            _boolean,
            False,
            "Retrain the recommender in the background after every recommend-auto-every newly done sentences.",
        ),
        Setting("recommend-auto-every", _positive, 200, "How many newly done sentences start an automatic retraining."),
        Setting(
            "require-decisions",
            _boolean,
            False,
            "The workspace's enter refuses to mark a sentence done while a suggestion is pending.",
        ),
        Setting(
            "require-judgment",
            _boolean,
            False,
            "The workspace's enter refuses to mark a sentence done without a sentence judgment.",
        ),
        Setting(
            "license",
            _licence,
            "unknown",
            "The licence the hf dataset card declares (a Hugging Face licence id such as cc-by-4.0).",
        ),
    )
}


def _setting(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise AnnotatorError(f"unknown setting {key!r} (known: {', '.join(sorted(SETTINGS))})") from None


def get(store: Store, key: str) -> object:
    setting = _setting(key)
    raw = store.get_meta(_PREFIX + key)
    if raw is None:
        return setting.default
    try:
        return setting.parse(raw)
    except ValueError as error:
        raise AnnotatorError(f"setting {key} holds {raw!r}: {error}; set it again") from None


def set_value(store: Store, key: str, text: str) -> object:
    """Parse and store a setting; returns the parsed value."""
    setting = _setting(key)
    try:
        value = setting.parse(text)
    except ValueError as error:
        raise AnnotatorError(f"setting {key}: {text!r}: {error}") from None
    store.set_meta(_PREFIX + key, text.strip().lower() if isinstance(value, bool) else text.strip())
    return value


def all_values(store: Store) -> dict[str, object]:
    return {key: get(store, key) for key in sorted(SETTINGS)}
