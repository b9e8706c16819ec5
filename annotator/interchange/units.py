"""Sentence units: one sentence as one annotator left it, in corpus order.

The JSONL, CoNLL, tokens CSV, hf and Label Studio exports all walk these. A unit is a
sentence and an annotator who gave it a kept state (status, judgment, flag or note) or
a span; its `status` is `done`, `skipped` or `open` (see annotator.store.exports).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model import GOLD, Sentence
from ..store import Store
from ..store.exports import STATUSES


@dataclass(frozen=True)
class Selection:
    """Whose work to export, and which sentences by status.

    `annotators=None` means everyone not in `exclude`; `statuses=None` means any status.
    """

    annotators: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = (GOLD,)
    # Add the gold provenance columns (agreed_by, resolution) to spans and sentences CSV.
    provenance: bool = False
    statuses: tuple[str, ...] | None = None

    @classmethod
    def of(cls, annotators: Sequence[str] = (), gold: bool = False, statuses: Sequence[str] | None = None) -> Selection:
        """The CLI's rule: by default every annotator except gold; `--annotator` picks
        some; `--gold` picks gold (plus any `--annotator`) and adds provenance columns.
        `statuses` of "any" (or every status) means any status."""
        wanted = (
            None
            if statuses is None or "any" in statuses or set(statuses) >= set(STATUSES)
            else tuple(s for s in STATUSES if s in statuses)
        )
        if gold:
            names = tuple(dict.fromkeys([*annotators, GOLD]))
            return cls(names, (), True, wanted)
        if annotators:
            return cls(tuple(dict.fromkeys(annotators)), (), False, wanted)
        return cls(None, (GOLD,), False, wanted)

    def only(self, annotator: str) -> Selection:
        """The same selection narrowed to one annotator."""
        return Selection((annotator,), (), self.provenance, self.statuses)


@dataclass
class Unit:
    """One sentence as one annotator left it: status, judgment (if any) and spans."""

    sentence: Sentence
    annotator: str
    judgment: str | None
    spans: list[tuple[int, int, str]]
    status: str = "open"


def iter_units(store: Store, selection: Selection = Selection()) -> Iterator[Unit]:
    """Units in corpus order, then annotator.

    Joins three cursors that share one order, so memory holds one sentence at a time.
    """
    names, exclude, statuses = selection.annotators, selection.exclude, selection.statuses
    reads = store.exports
    states = reads.unit_states(names, exclude, statuses)
    spans = reads.unit_spans(names, exclude, statuses)
    state = next(states, None)
    span = next(spans, None)
    gold_status = "done"  # settled gold without a state (see annotator.store.exports)
    for sentence in reads.unit_sentences(names, exclude, statuses):
        units: dict[str, Unit] = {}
        while state is not None and state[0] == sentence.id:
            units[state[1]] = Unit(sentence, state[1], state[2], [], state[3])
            state = next(states, None)
        while span is not None and span[0] == sentence.id:
            unit = units.get(span[1])
            if unit is None:
                unit = units[span[1]] = Unit(sentence, span[1], None, [], gold_status if span[1] == GOLD else "open")
            unit.spans.append((span[2], span[3], span[4]))
            span = next(spans, None)
        for name in sorted(units):
            yield units[name]


def unit_annotators(store: Store, selection: Selection) -> list[str]:
    """The annotators a per-annotator export writes a file for: those selected, or
    everyone with a unit in the selection; sorted."""
    if selection.annotators is not None:
        return sorted(selection.annotators)
    return store.exports.unit_annotators(None, selection.exclude, selection.statuses)
