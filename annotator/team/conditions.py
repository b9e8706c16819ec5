"""Experimental conditions: which suggestion mode an annotator works under.

The lead can fix a mode per annotator (`team set NAME --suggestions MODE`); then the
workspace uses it and refuses a different `--suggestions`. Without a fixed mode, the
mode used last time is kept. `random` with a share P draws per sentence whether the
suggestions show, seeded by project, annotator and sentence: the draw is the same on
every visit, and one annotator's on and off sentences can be compared.
"""

from __future__ import annotations

import hashlib

from ..errors import AnnotatorError
from ..model import FIXED_SUGGESTION_MODES

FIXED_MODES: tuple[str, ...] = FIXED_SUGGESTION_MODES
DEFAULT_MODE = "on"
DEFAULT_SHARE = 0.5


class ConditionRefused(AnnotatorError):
    pass


def resolve_mode(annotator: str, fixed: str | None, asked: str | None, remembered: str | None) -> str:
    """The mode to work under: the lead's, else the one asked for, else last time's, else on."""
    if fixed is not None:
        if asked is not None and asked != fixed:
            raise ConditionRefused(
                f"the lead fixed {annotator}'s suggestions to {fixed!r} in this project "
                f"(team set {annotator} --suggestions {fixed}); drop --suggestions {asked}"
            )
        return fixed
    return asked or remembered or DEFAULT_MODE


def check_share(share: float) -> float:
    if not 0.0 <= share <= 1.0:
        raise ConditionRefused(f"--share must be between 0 and 1, not {share}")
    return share


def drawn_mode(project: str, annotator: str, sentence_id: int, share: float) -> str:
    """'on' with probability `share`, else 'off'; the same answer for the same sentence."""
    digest = hashlib.blake2b(f"{project}\x1f{annotator}\x1f{sentence_id}".encode(), digest_size=8).digest()
    return "on" if int.from_bytes(digest, "big") / 2**64 < share else "off"
