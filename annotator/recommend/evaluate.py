"""Cross-validation by document: the model, the lexicon alone, and both together.

The documents are dealt round-robin (in id order) into K folds; each fold's documents
are tagged by a model trained on the other folds. A prediction counts when its start,
end and label equal a reference span's (exact match). "lexicon" is everything the
project suggests without the model (lexicon entries and the built-in detectors);
"both" is the union of the two. A label whose model precision is below the setting
`recommend-min-precision` is switched off: `suggest --source model` leaves it out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .. import settings
from ..errors import AnnotatorError
from ..lexicon.matcher import CompiledLexicon
from ..lexicon.suggest import Suggester
from ..store import Store
from .data import Example, Span, collect
from .features import lexicon_spans
from .tagging import Tagger
from .training import fit

SYSTEMS = ("model", "lexicon", "both")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_json(self) -> dict:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else 0.0
        )
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _round(precision),
            "recall": _round(recall),
            "f1": _round(f1),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def folds_of(documents: Sequence[str], k: int) -> list[list[str]]:
    ordered = sorted(documents)
    k = min(k, len(ordered))
    return [ordered[i::k] for i in range(k)]


def model_spans(tagger: Tagger, examples: Sequence[Example], lexicon: CompiledLexicon) -> list[set[Span]]:
    tagged = tagger.tag_many([(e.text, e.tokens, lexicon_spans(lexicon, e.text, e.tokens), None) for e in examples])
    return [
        {(e.tokens[t.first][0], e.tokens[t.last - 1][1], t.label) for t in found}
        for e, found in zip(examples, tagged, strict=True)
    ]


def cross_validate(store: Store, folds: int = 5, annotators: Sequence[str] | None = None, gold: bool = False) -> dict:
    if folds < 2:
        raise AnnotatorError("--folds must be 2 or more")
    training = collect(store, annotators, gold)
    documents = training.documents
    if len(documents) < 2:
        raise AnnotatorError("cross-validation by document needs done sentences in 2 documents or more")
    suggester = Suggester.from_store(store)
    lexicon = suggester.lexicon
    counts: dict[str, defaultdict[str, Counts]] = {system: defaultdict(Counts) for system in SYSTEMS}
    parts = folds_of(documents, folds)
    for part in parts:
        held = set(part)
        train = [e for e in training.examples if e.document_id not in held]
        test = [e for e in training.examples if e.document_id in held]
        if not any(e.spans for e in train):
            continue  # nothing to learn from: every prediction of this fold is the lexicon's
        tagger = Tagger(fit(train, lexicon))
        for example, model in zip(test, model_spans(tagger, test, lexicon), strict=True):
            reference = set(example.spans)
            lexical = {(g.start, g.end, g.label) for g in suggester.suggest_text(0, example.text, example.tokens)}
            for system, predicted in (("model", model), ("lexicon", lexical), ("both", model | lexical)):
                _count(counts[system], predicted, reference)
    labels = sorted({label for system in counts.values() for label in system})
    minimum = float(settings.get(store, "recommend-min-precision"))
    per_label = {label: {system: counts[system][label].as_json() for system in SYSTEMS} for label in labels}
    switched_off = [
        label for label in labels if (p := per_label[label]["model"]["precision"]) is not None and p < minimum
    ]
    totals = {system: _total(counts[system]).as_json() for system in SYSTEMS}
    result = {
        "folds": len(parts),
        "documents": len(documents),
        "sentences": training.sentences,
        "examples": len(training.examples),
        "source": training.source,
        "noise": training.noise,
        "min_precision": minimum,
        "labels": per_label,
        "all": totals,
        "switched_off": switched_off,
        "model_version": None,
    }
    latest = store.recommender.latest()
    if latest is not None:
        result["model_version"] = latest.version
        store.recommender.set_evaluation(latest.version, result, switched_off)
    return result


def _count(table: dict[str, Counts], predicted: set[Span], reference: set[Span]) -> None:
    for _s, _e, label in predicted & reference:
        table[label].tp += 1
    for _s, _e, label in predicted - reference:
        table[label].fp += 1
    for _s, _e, label in reference - predicted:
        table[label].fn += 1


def _total(table: dict[str, Counts]) -> Counts:
    total = Counts()
    for c in table.values():
        total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
    return total
