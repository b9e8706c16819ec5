"""Tagging many sentences with a trained model, without building feature strings.

A token's score under the model is the sum of its features' weights. Most features
(`features.Pieces`) depend on the token's text alone, so their weights are summed once
per distinct token, into a row of `own` (its own features) and of `near[offset]` (what
it gives a neighbour). The rest take few values: the lexicon hit (O, B-label, I-label),
the quote flag, "cue_before" and the sentence edges. A batch of sentences then costs a
dict lookup per token in Python and a few numpy operations on all its tokens at once,
and `crf.viterbi` decodes the batch together. Marginals (the confidences) are computed
only for the sentences where the model tagged something.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import starmap

import numpy as np

from ..interchange.bio import OUTSIDE
from ..lexicon.quotes import has_marks
from ..lexicon.stemming import MAX_CACHED, StemCache, shared_stems
from .crf import Tagged, Weights, marginals, spans, viterbi
from .features import OFFSETS, OUTSIDE_HIT, Pieces, hit_tags, quoted_ranges

# (text, tokens, the lexicon's matches as (start, end, label)): what `tag` takes.
SentenceInput = tuple[str, Sequence[tuple[int, int]], Sequence[tuple[int, int, str]]]


class _Vocabulary(dict):
    """Surface token -> its row in the tagger's tables; new tokens wait in `pending`."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[str] = []

    def __missing__(self, surface: str) -> int:
        row = self[surface] = len(self)
        self.pending.append(surface)
        return row


class Tagger:
    def __init__(self, model: bytes, stems: StemCache | None = None):
        self.weights = weights = Weights(model)
        self.labels = weights.labels
        self.stems = stems or shared_stems()
        self._outside = self.labels.index(OUTSIDE) if OUTSIDE in self.labels else -1
        width = len(self.labels)
        self._width = width
        self._hits: dict[str, int] = {}
        self._hit_own = np.zeros((0, width))
        self._hit_near = {offset: np.zeros((0, width)) for offset in OFFSETS}
        self._hit_id(OUTSIDE_HIT)
        score = weights.score
        self._quote_own = np.array([score(["q=0"]), score(["q=1"])])
        self._quote_near = {
            offset: np.array([score([f"{offset}:q=0"]), score([f"{offset}:q=1"])]) for offset in OFFSETS
        }
        self._cue_before = score(["cue_before"])
        self._edge = {offset: score([f"{offset}:edge"]) for offset in OFFSETS}
        self._reset_vocabulary()

    def _reset_vocabulary(self) -> None:
        self._vocabulary = _Vocabulary()
        self._own = np.zeros((0, self._width))
        self._near = {offset: np.zeros((0, self._width)) for offset in OFFSETS}
        self._speech = np.zeros(0, dtype=bool)

    def _hit_id(self, hit: str) -> int:
        found = self._hits.get(hit)
        if found is None:
            found = self._hits[hit] = len(self._hits)
            score = self.weights.score
            self._hit_own = np.vstack([self._hit_own, score(["lex=" + hit])])
            for offset in OFFSETS:
                self._hit_near[offset] = np.vstack([self._hit_near[offset], score([f"{offset}:lex={hit}"])])
        return found

    def _add_pending(self) -> None:
        """Sum the weights of the tokens seen for the first time in this batch."""
        pending = self._vocabulary.pending
        if not pending:
            return
        attributes, state = self.weights.attributes, self.weights.state
        pieces = [Pieces(surface, self.stems) for surface in pending]
        own = [(*p.head, *p.tail) for p in pieces]
        self._own = np.vstack([self._own, self._sum(own, attributes, state)])
        for offset in OFFSETS:
            near = [(*p.near[offset][0], *p.near[offset][1]) for p in pieces]
            self._near[offset] = np.vstack([self._near[offset], self._sum(near, attributes, state)])
        self._speech = np.concatenate([self._speech, [p.speech for p in pieces]])
        pending.clear()

    def _sum(self, names: list[tuple[str, ...]], attributes: dict[str, int], state: np.ndarray) -> np.ndarray:
        """Row n: the summed weights of the attributes `names[n]` (unknown ones weigh nothing)."""
        rows, ids = [], []
        for n, row in enumerate(names):
            for name in row:
                i = attributes.get(name)
                if i is not None:
                    rows.append(n)
                    ids.append(i)
        block = np.zeros((len(names), self._width))
        np.add.at(block, np.array(rows, dtype=np.intp), state[np.array(ids, dtype=np.intp)])
        return block

    def tag(
        self, text: str, tokens: Sequence[tuple[int, int]], hits_of: Sequence[tuple[int, int, str]]
    ) -> list[Tagged]:
        return self.tag_many([(text, tokens, hits_of)])[0]

    def tag_many(self, sentences: Sequence[SentenceInput]) -> list[list[Tagged]]:
        """The spans the model tags in each sentence, in order."""
        if len(self._vocabulary) > MAX_CACHED:
            self._reset_vocabulary()
        row_of = self._vocabulary.__getitem__
        ids: list[int] = []
        lengths: list[int] = []
        hit_at: list[int] = []
        hit_is: list[int] = []
        quoted: list[tuple[int, int]] = []
        at = 0
        for text, tokens, hits_of in sentences:
            count = len(tokens)
            lengths.append(count)
            if not count:
                continue
            ids += map(row_of, map(text.__getitem__, starmap(slice, tokens)))
            if hits_of:
                for first, last, label in hit_tags(tokens, hits_of):
                    hit_at += range(at + first, at + last)
                    hit_is.append(self._hit_id("B-" + label))
                    hit_is += [self._hit_id("I-" + label)] * (last - first - 1)
            if has_marks(text):
                quoted += [(at + first, at + last) for first, last in quoted_ranges(text, tokens)]
            at += count
        found: list[list[Tagged]] = [[] for _ in sentences]
        if not at or not self.labels:
            return found
        self._add_pending()
        rows = np.array(ids, dtype=np.intp)
        hits = np.zeros(at, dtype=np.intp)
        hits[hit_at] = hit_is
        quotes = np.zeros(at, dtype=np.intp)
        for first, last in quoted:
            quotes[first:last] = 1
        length = np.array(lengths, dtype=np.intp)
        nonempty = np.flatnonzero(length)
        length = length[nonempty]
        starts = np.zeros(len(length), dtype=np.intp)
        np.cumsum(length[:-1], out=starts[1:])
        scores = self._scores(rows, hits, quotes, starts, length)
        best = viterbi(scores, starts, length, self.weights.transition)
        tagged = best != self._outside
        if not tagged.any():
            return found
        chosen = np.flatnonzero(np.add.reduceat(tagged, starts))
        # The marginals of the chosen sentences only, laid out one after the other.
        picked = np.concatenate([np.arange(starts[i], starts[i] + length[i]) for i in chosen])
        sub_length = length[chosen]
        sub_starts = np.zeros(len(chosen), dtype=np.intp)
        np.cumsum(sub_length[:-1], out=sub_starts[1:])
        probability = marginals(scores[picked], sub_starts, sub_length, self.weights.transition)
        labels = self.labels
        for n, i in enumerate(chosen):
            start, end = sub_starts[n], sub_starts[n] + sub_length[n]
            labels_here = best[picked[start:end]]
            tags = [labels[j] for j in labels_here]
            confidence = probability[np.arange(start, end), labels_here]
            found[nonempty[i]] = spans(tags, confidence.tolist())
        return found

    def _scores(
        self, rows: np.ndarray, hits: np.ndarray, quotes: np.ndarray, starts: np.ndarray, length: np.ndarray
    ) -> np.ndarray:
        """Every token's state scores (tokens x labels): the sum of its features' weights."""
        count = len(rows)
        scores = self._own[rows] + self._hit_own[hits] + self._quote_own[quotes]
        sentence_start = np.repeat(starts, length)
        speech = self._speech[rows]
        seen = np.cumsum(speech)
        before = seen - speech - (seen[sentence_start] - speech[sentence_start])
        scores += (before > 0)[:, None] * self._cue_before
        position = np.arange(count) - sentence_start
        size = np.repeat(length, length)
        for offset in OFFSETS:
            given = self._near[offset][rows] + self._hit_near[offset][hits]
            if abs(offset) == 1:
                given += self._quote_near[offset][quotes]
            shifted = np.empty_like(given)
            if offset > 0:
                shifted[: count - offset] = given[offset:]
                shifted[count - offset :] = 0
            else:
                shifted[-offset:] = given[: count + offset]
                shifted[:-offset] = 0
            inside = (position + offset >= 0) & (position + offset < size)
            scores += np.where(inside[:, None], shifted, self._edge[offset])
        return scores
