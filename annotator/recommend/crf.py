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


class _TimeMajor:
    """Many sentences laid out step by step, longest sentence first: step t holds
    token t of every sentence longer than t, so a decoding step is one slice.
    `tokens[off[t]:off[t + 1]]` are the (global) token indices of step t."""

    def __init__(self, starts: np.ndarray, lengths: np.ndarray):
        order = np.argsort(-lengths, kind="stable")
        longest = int(lengths[order[0]])
        # active[t]: how many sentences are longer than t (a prefix of `order`).
        self.active = active = np.searchsorted(-lengths[order], -np.arange(longest), side="left")
        self.off = off = np.zeros(longest + 1, dtype=np.intp)
        np.cumsum(active, out=off[1:])
        first = starts[order]
        step = np.repeat(np.arange(longest), active)
        self.tokens = first[np.arange(off[-1]) - off[step]] + step

    def at(self, t: int) -> slice:
        return slice(self.off[t], self.off[t + 1])


def viterbi(scores: np.ndarray, starts: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """The best label id of every token of many sentences at once. `scores` holds the
    state scores of all tokens (tokens x labels), sentence after sentence; a sentence
    starts at `starts[i]` and has `lengths[i]` tokens (at least one).

    The work is label-major (labels x sentences), so each step's maximum over the
    previous label runs along whole rows; of equal scores the lower label id wins, as in
    CRFsuite."""
    best = np.zeros(len(scores), dtype=np.intp)
    if not len(lengths):
        return best
    layout = _TimeMajor(starts, lengths)
    active = layout.active
    steps = np.ascontiguousarray(scores[layout.tokens].T)
    back = np.zeros(steps.shape, dtype=np.intp)  # the best previous label of each label
    moves = transition[:, :, None]  # previous label x next label x 1
    delta = steps[:, layout.at(0)]
    ends = np.empty_like(delta)  # each sentence's scores at its last token
    for t in range(1, len(active)):
        n = active[t]
        if n < delta.shape[1]:
            ends[:, n : delta.shape[1]] = delta[:, n:]
            delta = delta[:, :n]
        candidates = delta[:, None, :] + moves
        top = candidates.max(axis=0)
        here = layout.at(t)
        back[:, here] = _first_best(candidates, top)
        delta = top + steps[:, here]
    ends[:, : delta.shape[1]] = delta
    label = _first_best(ends[:, None, :], ends.max(axis=0)[None, :])[0]
    path = np.empty(steps.shape[1], dtype=np.intp)
    for t in range(len(active) - 1, -1, -1):
        # Sentences longer than t + 1 follow the back pointers from step t + 1.
        if t + 1 < len(active):
            following = active[t + 1]
            label[:following] = back[label[:following], layout.off[t + 1] + np.arange(following)]
        path[layout.at(t)] = label[: active[t]]
    best[layout.tokens] = path
    return best


def _first_best(candidates: np.ndarray, top: np.ndarray) -> np.ndarray:
    """The lowest index along axis 0 where `candidates` reaches `top`, its maximum."""
    if len(candidates) == 2:
        return (candidates[1] > candidates[0]).astype(np.intp)
    found = np.zeros(top.shape, dtype=np.intp)
    for i in range(len(candidates) - 1, 0, -1):
        found[candidates[i] == top] = i
    found[candidates[0] == top] = 0
    return found


def marginals(scores: np.ndarray, starts: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """P(label | sentence) of every token and label (forward-backward, scaled at each
    step), for sentences laid out as in `viterbi`, label-major as there."""
    if not len(lengths):
        return np.zeros_like(scores)
    layout = _TimeMajor(starts, lengths)
    active = layout.active
    # A constant added to a token's scores cancels out: take the maximum off before exp.
    steps = np.ascontiguousarray(scores[layout.tokens].T)
    states = np.exp(steps - steps.max(axis=0))
    moves = np.exp(transition)
    forward = np.empty_like(states)
    alpha = states[:, layout.at(0)]
    forward[:, layout.at(0)] = alpha = alpha / alpha.sum(axis=0)
    for t in range(1, len(active)):
        here = layout.at(t)
        alpha = (moves.T @ alpha[:, : active[t]]) * states[:, here]
        forward[:, here] = alpha = alpha / alpha.sum(axis=0)
    joint = np.empty_like(states)
    beta = np.ones((len(moves), active[0]))
    for t in range(len(active) - 1, -1, -1):
        n = active[t]
        here = layout.at(t)
        if t + 1 < len(active):
            beta[:, active[t + 1] : n] = 1.0  # sentences that end at step t
        joint[:, here] = forward[:, here] * beta[:, :n]
        if t:
            step = moves @ (states[:, here] * beta[:, :n])
            beta[:, :n] = step / step.sum(axis=0)
    # Label-major to the end: each label's row is scattered back to token order.
    result = np.empty((len(moves), len(scores)))
    result[:, layout.tokens] = joint / joint.sum(axis=0)
    return result.T


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
