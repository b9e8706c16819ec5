"""Training with python-crfsuite, and tagging with the trained model's weights.

CRFsuite writes a trained model to a file and can read one from memory, so training
goes through a temporary file and the bytes are stored in the project.

Tagging does not go through CRFsuite's tagger: it takes the item's features as
strings and looks each one up, which over 10 MB of text costs several times the
lexicon matching. `Weights` reads the model file itself (the weights as CRFsuite
stores them, float64), so a token's score can be summed once per distinct token
(`annotator.recommend.tagging`), and `viterbi` and `marginals` below decode many
sentences at once with numpy. They compute what CRFsuite's 1st-order CRF (crf1d)
computes: state scores plus transition scores, no start or end transitions, ties
going to the lower label id; `tests/core/test_recommend_tagging.py` checks tags and
marginals against CRFsuite's own tagger.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import AnnotatorError
from ..interchange.bio import OUTSIDE

# L-BFGS with elastic net: c1 keeps the model sparse (and small), c2 smooths. 60
# iterations reach a stable tagging on 20,000 sentences within the time budget.
TRAINING_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 60, "feature.possible_transitions": True}


def train(examples: Iterable[tuple[list[list[str]], list[str]]]) -> bytes:
    """Train on (features, tags) pairs; an iterator is consumed one sentence at a time,
    so the feature strings of the whole training set never live at once."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in examples:
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


# The model file (CRFsuite's crf1m_model.c): a header, then the features as
# (type, source, destination, weight) records, and two CQDB string tables.
_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_CHUNK = struct.Struct("<4sII")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_STATE, _TRANSITION = 0, 1
_CQDB_HEADER = struct.Struct("<4sIIIII")
_CQDB_RECORD = struct.Struct("<iI")


class Weights:
    """A trained model's labels, attributes and weights, read from the model bytes."""

    def __init__(self, model: bytes):
        try:
            magic, _size, kind, _version, _, labels, attrs, off_features, off_labels, off_attrs, _, _ = (
                _HEADER.unpack_from(model, 0)
            )
            if magic != b"lCRF" or kind != b"FOMC":
                raise ValueError("not a CRFsuite model")
            chunk, _chunk_size, count = _CHUNK.unpack_from(model, off_features)
            if chunk != b"FEAT":
                raise ValueError("no feature chunk")
            features = np.frombuffer(model, dtype=_FEATURE, count=count, offset=off_features + _CHUNK.size)
            self.labels: tuple[str, ...] = tuple(_strings(model, off_labels, labels))
            names = _strings(model, off_attrs, attrs)
        except (struct.error, ValueError, UnicodeDecodeError) as error:
            raise AnnotatorError(f"the stored recommender model cannot be read ({error}): retrain it") from error
        self.attributes: dict[str, int] = {name: i for i, name in enumerate(names)}
        k = len(self.labels)
        self.state = np.zeros((len(names), k))
        self.transition = np.zeros((k, k))
        state = features[features["type"] == _STATE]
        np.add.at(self.state, (state["src"], state["dst"]), state["weight"])
        moves = features[features["type"] == _TRANSITION]
        np.add.at(self.transition, (moves["src"], moves["dst"]), moves["weight"])

    def score(self, names: Iterable[str]) -> np.ndarray:
        """The summed state weights of these attributes (unknown ones weigh nothing)."""
        ids = [i for name in names if (i := self.attributes.get(name)) is not None]
        return self.state[np.array(ids, dtype=np.intp)].sum(axis=0)


def _strings(model: bytes, offset: int, count: int) -> list[str]:
    """The strings of a CQDB table by id, through its backward array (id -> record)."""
    chunk, _size, _flag, _order, backward_size, backward_offset = _CQDB_HEADER.unpack_from(model, offset)
    if chunk != b"CQDB" or backward_size < count:
        raise ValueError("bad string table")
    records = struct.unpack_from(f"<{count}I", model, offset + backward_offset)
    names = []
    for i, record in enumerate(records):
        ident, length = _CQDB_RECORD.unpack_from(model, offset + record)
        if ident != i:
            raise ValueError("bad string table")
        start = offset + record + _CQDB_RECORD.size
        names.append(model[start : start + length - 1].decode("utf-8"))
    return names


@dataclass(frozen=True)
class Tagged:
    """A span the model tagged: token range [first, last), label and confidence (the
    lowest marginal probability of its tags)."""

    first: int
    last: int
    label: str
    confidence: float


def _by_length(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sentence order longest first, and how many sentences are longer than t, for each t:
    step t of a decoding works on a prefix of that order."""
    order = np.argsort(-lengths, kind="stable")
    longest = int(lengths[order[0]]) if len(order) else 0
    active = np.searchsorted(-lengths[order], -np.arange(longest), side="left")
    return order, active


def viterbi(scores: np.ndarray, starts: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """The best label id of every token of many sentences at once. `scores` holds the
    state scores of all tokens (tokens x labels), sentence after sentence; a sentence
    starts at `starts[i]` and has `lengths[i]` tokens (at least one)."""
    best = np.zeros(len(scores), dtype=np.intp)
    if not len(lengths):
        return best
    order, active = _by_length(lengths)
    first = starts[order]
    delta = scores[first].copy()
    ends = np.empty_like(delta)  # each sentence's scores at its last token
    back = []
    for t in range(1, len(active)):
        n = active[t]
        if n < len(delta):
            ends[n : len(delta)] = delta[n:]
            delta = delta[:n]
        candidates = delta[:, :, None] + transition  # previous label x next label
        back.append(candidates.argmax(axis=1))  # the first best: the lower label id
        delta = candidates.max(axis=1) + scores[first[:n] + t]
    ends[: len(delta)] = delta
    label = ends.argmax(axis=1)
    for t in range(len(active) - 1, -1, -1):
        n = active[t]
        # Sentences longer than t + 1 follow the back pointers; the one ending at t starts.
        if t + 1 < len(active):
            following = active[t + 1]
            label[:following] = back[t][np.arange(following), label[:following]]
        best[first[:n] + t] = label[:n]
    return best


def marginals(scores: np.ndarray, starts: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """P(label | sentence) of every token and label (forward-backward, scaled at each
    step), for sentences laid out as in `viterbi`."""
    result = np.zeros_like(scores)
    if not len(lengths):
        return result
    # A constant added to a token's scores cancels out: take the maximum off before exp.
    states = np.exp(scores - scores.max(axis=1, keepdims=True))
    moves = np.exp(transition)
    order, active = _by_length(lengths)
    first = starts[order]
    steps = len(active)
    forward = []
    alpha = states[first]
    alpha = alpha / alpha.sum(axis=1, keepdims=True)
    forward.append(alpha)
    for t in range(1, steps):
        n = active[t]
        alpha = (alpha[:n] @ moves) * states[first[:n] + t]
        alpha = alpha / alpha.sum(axis=1, keepdims=True)
        forward.append(alpha)
    beta = np.ones((active[steps - 1], scores.shape[1]))
    for t in range(steps - 1, -1, -1):
        n = active[t]
        if len(beta) < n:  # sentences ending at t join with beta = 1
            beta = np.vstack([beta, np.ones((n - len(beta), scores.shape[1]))])
        joint = forward[t] * beta
        result[first[:n] + t] = joint / joint.sum(axis=1, keepdims=True)
        if t:
            beta = (states[first[:n] + t] * beta) @ moves.T
            beta = beta / beta.sum(axis=1, keepdims=True)
    return result


def spans(tags: Sequence[str], probability: Sequence[float]) -> list[Tagged]:
    """The tagged spans of one sentence: a B- or I- tag opens one, and the I- tags of its
    label continue it; its confidence is the lowest `probability` of its tags."""
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
        found.append(Tagged(first, i, label, float(min(probability[first:i]))))
    return found
