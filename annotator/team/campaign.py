"""Running `assign` against a store, and adaptive overlap after a finishing write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..store import Store
from .assignment import AssignmentError, Plan, plan
from .disagreement import document_disagreement
from .roster import RosterError


@dataclass(frozen=True)
class AssignResult:
    plan: Plan
    documents: int  # documents newly given to annotators (calibration and gold checks included)
    rows: int

    def as_json(self) -> dict:
        return {
            "assigned_documents": self.documents,
            "assignments_added": self.rows,
            "assignments_removed": len(self.plan.removed),
            "calibration": self.plan.calibration,
            "gold_checks": self.plan.gold_checks,
        }


def assign(
    store: Store,
    *,
    per_item: int,
    annotators: Sequence[str] | None = None,
    calibration: int = 0,
    gold_checks: int = 0,
    adaptive: tuple[int, float] | None = None,
    seed: int = 0,
    rebalance: bool = False,
) -> AssignResult:
    """Assign the documents no one has yet (or, with `rebalance`, those nobody started)."""
    team = store.team
    members = [m for m in team.roster() if m.role == "annotator"]
    if annotators:
        known = {m.name: m for m in members}
        for name in annotators:
            if name not in known:
                raise RosterError(f"{name!r} is not an annotator on the roster (see 'annotator team list')")
            if not known[name].active:
                raise RosterError(f"{name!r} is retired and gets no new assignments")
        names = list(dict.fromkeys(annotators))
    else:
        names = [m.name for m in members if m.active]
    if not names:
        raise AssignmentError("the roster has no active annotators: run 'annotator team add NAME...' first")
    if adaptive is not None:
        maximum, threshold = adaptive
        if maximum <= per_item:
            raise AssignmentError(f"--max must be above --per-item ({per_item}) for adaptive overlap")
        if not 0.0 <= threshold <= 1.0:
            raise AssignmentError("--threshold is a share of sentences, between 0 and 1")
    documents = team.document_sizes()
    if not documents:
        raise AssignmentError("the project has no documents yet: run 'annotator import' first")
    result = plan(
        documents,
        names,
        team.rows(),
        per_item=per_item,
        calibration=calibration,
        gold_candidates=team.adjudicated_documents() if gold_checks else (),
        gold_checks=gold_checks,
        seed=seed,
        started=team.started_documents() if rebalance else frozenset(),
        rebalance=rebalance,
    )
    with store.transaction():
        team.apply(result)
        if adaptive is not None:
            team.set_adaptive(*adaptive)
    return AssignResult(result, len({r.document_id for r in result.added}), len(result.added))


def after_finish(store: Store, sentence_id: int, annotator: str) -> str | None:
    """Adaptive overlap: when the last of a document's assigned annotators finishes it and
    they disagree on more than the threshold's share of its sentences, give it to one
    more active annotator (the least loaded one not on it), up to the maximum.

    Called right after the write that finished a sentence. Returns the annotator added.
    Cheap when nothing applies: one setting read, then index lookups on one document.
    """
    team = store.team
    settings = team.adaptive()
    if settings is None or store.readonly:
        return None
    maximum, threshold = settings
    document_id = team.document_of(sentence_id)
    if document_id is None:
        return None
    rows = team.assigned_to(document_id)
    names = [r.annotator for r in rows]
    if annotator not in names or len(names) >= maximum or any(r.calibration or r.gold_check for r in rows):
        return None
    size = rows[0].sentences
    finished = team.finished_counts(document_id, names)
    if any(finished.get(name, 0) < size for name in names):
        return None
    if document_disagreement(team.document_work(document_id, names)) <= threshold:
        return None
    loads = team.loads()
    candidates = [m.name for m in team.roster() if m.active and m.role == "annotator" and m.name not in names]
    if not candidates:
        return None
    chosen = min(candidates, key=lambda name: (loads.get(name, 0), name))
    team.add_adaptive(document_id, chosen, size)
    return chosen
