"""Training and tagging with python-crfsuite; the model travels as bytes.

CRFsuite writes a trained model to a file and can read one from memory, so training
goes through a temporary file and the bytes are stored in the project.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from ..interchange.bio import OUTSIDE

# L-BFGS with elastic net: c1 keeps the model sparse (and small), c2 smooths. 60
# iterations reach a stable tagging on 20,000 sentences within the time budget.
TRAINING_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 60, "feature.possible_transitions": True}


def train(xseqs: Sequence[list[list[str]]], yseqs: Sequence[list[str]]) -> bytes:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in zip(xseqs, yseqs, strict=True):
        trainer.append(xseq, yseq)
    trainer.set_params(TRAINING_PARAMS)
    handle, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(handle)
    try:
        trainer.train(path)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)


@dataclass(frozen=True)
class Tagged:
    """A span the model tagged: token range [first, last), label and confidence (the
    lowest marginal probability of its tags)."""

    first: int
    last: int
    label: str
    confidence: float


class Tagger:
    def __init__(self, model: bytes):
        import pycrfsuite

        # CRFsuite reads the model from this buffer for as long as the tagger lives, and
        # does not hold a reference itself: without ours the bytes are freed under it.
        self._model = model
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self._model)

    def tag(self, xseq: list[list[str]]) -> list[Tagged]:
        if not xseq:
            return []
        tagger = self._tagger
        tags = tagger.tag(xseq)
        found: list[Tagged] = []
        i = 0
        while i < len(tags):
            tag = tags[i]
            if tag == OUTSIDE:
                i += 1
                continue
            label = tag[2:]
            first = i
            i += 1
            while i < len(tags) and tags[i] == "I-" + label:
                i += 1
            confidence = min(tagger.marginal(tags[k], k) for k in range(first, i))
            found.append(Tagged(first, i, label, confidence))
        return found
