"""The team room (issue 14), as `store.team`: one object over the team's tables, in three
parts along their seams:

- team_roster.py: the roster (annotators' roles, conditions, last modes);
- team_assignments.py: assignments, queues, adaptive overlap;
- team_status.py: time on screen and the lead's read model (status, flags, notes,
  gold checks, the work disagreement is measured on).

Decisions (who gets what, what counts as disagreement) are made in `annotator.team`;
this room only reads and writes the rows.
"""

from __future__ import annotations

from .team_assignments import ADAPTIVE_KEY, TeamAssignments
from .team_roster import TeamRoster
from .team_status import TeamStatus

__all__ = ["ADAPTIVE_KEY", "Team"]


class Team(TeamRoster, TeamAssignments, TeamStatus):
    """All of the team's reads and writes, on the store's connection."""
