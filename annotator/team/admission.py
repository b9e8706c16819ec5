"""Who may open the workspace, and under which condition.

Once the roster holds anyone, only its active members annotate; without one, anyone
may, except a re-spelling (case or spacing) of an existing name. The suggestion mode
is the lead's fixed one, else the one asked for, else last time's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store import Store
from .conditions import DEFAULT_SHARE, resolve_mode
from .roster import RosterError, check_new_name, clean_name, did_you_mean


@dataclass(frozen=True)
class Admission:
    name: str
    mode: str  # on, off, after or random
    share: float  # with random: the chance a sentence shows its suggestions
    fixed: bool  # the lead fixed the mode


def admit(store: Store, name: str, asked_mode: str | None) -> Admission:
    team = store.team
    name = clean_name(name)
    if team.has_roster():
        member = team.member(name)
        if member is None:
            roster = [m.name for m in team.roster() if m.active]
            hint = did_you_mean(name, roster)
            raise RosterError(
                f"{name!r} is not on this project's roster"
                + (f"; did you mean {hint!r}?" if hint else f" (the roster: {', '.join(roster)})")
            )
        if not member.active:
            raise RosterError(f"{name!r} is retired from this project: their work is kept, but they cannot annotate")
        fixed, share = member.suggestions, member.share
    else:
        check_new_name(name, team.names())
        fixed, share = None, None
    mode = resolve_mode(name, fixed, asked_mode, None if fixed else team.last_mode(name))
    return Admission(name, mode, DEFAULT_SHARE if share is None else share, fixed is not None)
