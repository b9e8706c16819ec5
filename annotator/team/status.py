"""The lead's view: progress, time and quality per annotator, and agreement per pair.

`team_status(store)` is what `annotator team status --json` prints. Time is the
capped time on screen (see `timing`); `token_alpha` is Krippendorff's alpha on the
token labels of the sentences both annotators did, from the agreement package's
corpus, so it is the figure `annotator agreement --level token` gives for that pair.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..agreement.coefficients import MISSING, krippendorff_alpha
from ..agreement.matrices import load_corpus
from ..model import GOLD
from ..store import Store
from .disagreement import token_accuracy
from .timing import RECENT_SENTENCES, eta_seconds, per_hour


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def team_status(store: Store) -> dict:
    team = store.team
    roster = [m.name for m in team.roster() if m.role == "annotator"]
    counts = team.status_counts()
    names = roster or sorted({name for name, _ in counts})
    totals = team.assigned_totals()
    seconds = team.active_seconds()
    last = team.last_active()
    annotators = []
    for name in names:
        documents, sentences = totals.get(name, (0, 0))
        # With a queue, only her queue's sentences count; without one, all her work.
        count = counts.get((name, bool(documents)), {})
        done, skipped = count.get("done", 0), count.get("skipped", 0)
        remaining = max(sentences - done - skipped, 0)
        spent = seconds.get(name, 0.0)
        annotators.append(
            {
                "name": name,
                "assigned_documents": documents,
                "assigned_sentences": sentences,
                "done": done,
                "skipped": skipped,
                "remaining": remaining,
                "active_seconds": round(spent, 1),
                "sentences_per_hour": _round(per_hour(done, spent), 1),
                "last_active": last.get(name),
                "eta_seconds": _round(eta_seconds(remaining, team.recent_seconds(name, RECENT_SENTENCES)), 0),
                "flags": count.get("flags", 0),
                "gold_check_agreement": _round(token_accuracy(team.gold_check_work(name))),
            }
        )
    return {"annotators": annotators, "pairs": _pairs(store, names)}


def _pairs(store: Store, names: list[str]) -> list[dict]:
    pairs = [list(pair) for pair in combinations(names, 2)]
    if not pairs:
        return []
    corpus = load_corpus(store, [n for n in names if n != GOLD], store.tagset().label_names)
    matrix = corpus.token_matrix()
    counts = np.diff(corpus.token_ptr)
    found = []
    for i, j in combinations(range(len(names)), 2):
        both = corpus.done[i] & corpus.done[j]
        shared = int(both.sum())
        alpha = None
        if shared:
            tokens = np.repeat(both, counts)
            sub = matrix[[i, j]][:, tokens]
            sub = sub[:, (sub != MISSING).all(axis=0)]
            alpha = _round(krippendorff_alpha(sub, len(corpus.values))) if sub.size else None
        found.append({"annotators": [names[i], names[j]], "shared_sentences": shared, "token_alpha": alpha})
    return found
