"""Tagging many sentences with a trained model, without building feature strings.

A token's score under the model is the sum of its features' weights. Most features
(`features.Pieces`) depend on the token's text alone, so their weights are summed once
per distinct token, into a row of a table: one slot for its own features and one for
what it gives the token at each neighbouring offset. A sparse model knows few of a
token's features, so tokens with the same known features share a row. The rest of the
features take few values: the lexicon hit (O, B-label, I-label), the quote flag,
"cue_before" and the sentence edges. A batch of sentences then costs one dict lookup
per token in Python and a few numpy operations over all its tokens at once, and
`crf.viterbi` decodes the batch together, for the sentences where a tag other than O
can win at all (`_doubtful`). Marginals (the confidences) are computed for the
sentences where the model tagged something, or for all of them when the sentences'
uncertainty is asked for.

Everything here is exact: tags, confidences and uncertainties are CRFsuite's (up to
the rounding of sums taken in another order), which the tests check against
CRFsuite's own tagger.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..interchange.bio import OUTSIDE
from ..lexicon.quotes import Quote, has_marks
from ..lexicon.stemming import MAX_CACHED, StemCache, shared_stems
from .crf import Tagged, Weights, marginals, spans, viterbi
from .features import OFFSETS, OUTSIDE_HIT, Pieces, hit_tags, quoted_ranges

# (text, tokens, the lexicon's matches as (start, end, label), and the sentence's
# quotations from `find_quotes`, or None to find them here): what `tag_many` takes.
SentenceInput = tuple[str, Sequence[tuple[int, int]], Sequence[tuple[int, int, str]], Sequence[Quote] | None]
# The table's slots: the token's own features, then what it gives the token at each
# offset (slot 1 + OFFSETS.index(offset)).
_SLOTS = 1 + len(OFFSETS)


class _Vocabulary(dict):
    """Surface token -> its row in the score table. A token seen for the first time in
    a batch gets -(k + 1), k its place in `pending`, until the batch's rows are made."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[str] = []

    def __missing__(self, surface: str) -> int:
        self.pending.append(surface)
        row = self[surface] = -len(self.pending)
        return row


class Tagger:
    """Tags sentences with a trained model (the model bytes as the project stores them)."""

    def __init__(self, model: bytes, stems: StemCache | None = None):
        self.weights = weights = Weights(model)
        self.labels = weights.labels
        self.stems = stems or shared_stems()
        self._outside = self.labels.index(OUTSIDE) if OUTSIDE in self.labels else -1
        score = weights.score
        # Every row of the table counts its token as outside the lexicon's matches and
        # outside quotation marks: the hit deltas correct the few matched tokens, and a
        # quoted token reads a copy of the rows with the quote delta added.
        self._defaults = [["lex=" + OUTSIDE_HIT, "q=0"]] + [
            [f"{o}:lex={OUTSIDE_HIT}", *([f"{o}:q=0"] if abs(o) == 1 else [])] for o in OFFSETS
        ]
        self._hits: dict[str, int] = {}
        self._hit_delta = np.zeros((0, _SLOTS, len(self.labels)))
        self._hit_id(OUTSIDE_HIT)
        self._quote_delta = np.array(
            [score(["q=1"]) - score(["q=0"])]
            + [score([f"{o}:q=1"]) - score([f"{o}:q=0"]) if abs(o) == 1 else score([]) for o in OFFSETS]
        )
        self._cue_before = score(["cue_before"])
        self._edge = [score([f"{o}:edge"]) for o in OFFSETS]
        self._reset_vocabulary()

    def _reset_vocabulary(self) -> None:
        self._vocabulary = _Vocabulary()
        self._rows: dict[tuple, int] = {}
        # One table per slot, a row per distinct combination from row 1 on; row 0 of a
        # neighbour slot is what a sentence edge gives there (row 0 of slot 0 is unused).
        edges = [np.zeros(len(self.labels)), *self._edge]
        self._tables = [edge[None, :].copy() for edge in edges]
        self._quoted: tuple[int, list[np.ndarray]] | None = None
        self._speech = np.zeros(1, dtype=bool)

    def _hit_id(self, hit: str) -> int:
        found = self._hits.get(hit)
        if found is None:
            found = self._hits[hit] = len(self._hits)
            score = self.weights.score
            delta = [score(["lex=" + hit]) - score(["lex=" + OUTSIDE_HIT])] + [
                score([f"{o}:lex={hit}"]) - score([f"{o}:lex={OUTSIDE_HIT}"]) for o in OFFSETS
            ]
            self._hit_delta = np.concatenate([self._hit_delta, np.array([delta])])
        return found

    def _add_pending(self) -> np.ndarray:
        """Rows for the tokens first seen in this batch (the summed weights of the
        features the model knows, one row per distinct combination); returns the row
        of each pending token, in `pending` order."""
        vocabulary = self._vocabulary
        pending = vocabulary.pending
        known = self.weights.attributes.get
        fresh: list[tuple] = []
        placed = []
        for surface in pending:
            pieces = Pieces(surface, self.stems)
            slots = [(*pieces.head, *pieces.tail)] + [(*pieces.near[o][0], *pieces.near[o][1]) for o in OFFSETS]
            key = (pieces.speech, *(tuple(i for name in names if (i := known(name)) is not None) for names in slots))
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = len(self._rows) + 1
                fresh.append(key)
            vocabulary[surface] = row
            placed.append(row)
        pending.clear()
        if fresh:
            attributes, state = self.weights.attributes, self.weights.state
            default = [[attributes[name] for name in names if name in attributes] for names in self._defaults]
            block = np.array(
                [[state[[*ids, *default[slot]]].sum(axis=0) for slot, ids in enumerate(key[1:])] for key in fresh]
            )
            block = block.reshape(len(fresh), _SLOTS, len(self.labels))
            self._tables = [np.concatenate([table, block[:, slot]]) for slot, table in enumerate(self._tables)]
            self._speech = np.concatenate([self._speech, [key[0] for key in fresh]])
        return np.array(placed, dtype=np.intp)

    def tag_many(self, sentences: Sequence[SentenceInput]) -> list[Sequence[Tagged]]:
        """The spans the model tags in each sentence, in order. Sentences without any
        share one empty tuple: a batch keeps few objects alive for the garbage
        collector to walk over."""
        return self._tag(sentences, every_marginal=False)[0]

    def tag_with_uncertainty(
        self, sentences: Sequence[SentenceInput]
    ) -> tuple[list[Sequence[Tagged]], list[float | None]]:
        """The spans of each sentence, and its uncertainty: 1 minus the marginal
        probability of the least sure token's tag (the tag the model chose for it, O
        included); None for a sentence without tokens."""
        return self._tag(sentences, every_marginal=True)

    def _tag(
        self, sentences: Sequence[SentenceInput], every_marginal: bool
    ) -> tuple[list[Sequence[Tagged]], list[float | None]]:
        found: list[Sequence[Tagged]] = [()] * len(sentences)
        doubt: list[float | None] = [None] * len(sentences)
        if not self.labels:
            return found, doubt
        if len(self._vocabulary) > MAX_CACHED:
            self._reset_vocabulary()
        row_of = self._vocabulary.__getitem__
        ids: list[int] = []
        lengths: list[int] = []
        marked: list[int] = []  # sentences with a lexicon hit or quotation marks
        for n, (text, tokens, hits_of, quotes) in enumerate(sentences):
            lengths.append(len(tokens))
            ids += [row_of(text[start:end]) for start, end in tokens]
            if hits_of or (quotes if quotes is not None else has_marks(text)):
                marked.append(n)
        if not ids:
            return found, doubt
        rows = np.array(ids, dtype=np.intp)
        if self._vocabulary.pending:
            new = rows < 0
            rows[new] = self._add_pending()[-rows[new] - 1]
        length = np.array(lengths, dtype=np.intp)
        first_token = np.zeros(len(length), dtype=np.intp)
        np.cumsum(length[:-1], out=first_token[1:])
        scores = self._scores(rows, sentences, marked, first_token, length)
        nonempty = np.flatnonzero(length)
        starts, length = first_token[nonempty], length[nonempty]
        transition = self.weights.transition
        best = np.full(len(scores), max(self._outside, 0), dtype=np.intp)
        doubtful = self._doubtful(scores, starts)
        picked, sub_starts, sub_length = _subset(starts, length, doubtful)
        best[picked] = viterbi(scores[picked], sub_starts, sub_length, transition)
        tagged = best != self._outside
        if every_marginal:
            chosen = np.arange(len(starts))
        elif tagged.any():
            chosen = np.flatnonzero(np.add.reduceat(tagged, starts))
        else:
            return found, doubt
        # The marginals of the chosen sentences only, laid out one after the other.
        picked, sub_starts, sub_length = _subset(starts, length, chosen)
        probability = marginals(scores[picked], sub_starts, sub_length, transition)
        best_picked = best[picked]
        sure = probability[np.arange(len(picked)), best_picked]  # of each token's chosen tag
        if every_marginal:
            unsure = (1.0 - np.minimum.reduceat(sure, sub_starts)).tolist()
            if len(unsure) == len(doubt):
                doubt = unsure
            else:  # some sentences have no tokens
                for i, value in zip(nonempty.tolist(), unsure, strict=True):
                    doubt[i] = value
        labels = self.labels
        with_spans = np.flatnonzero(np.add.reduceat(tagged[picked], sub_starts))
        for n in with_spans.tolist():
            start, end = sub_starts[n], sub_starts[n] + sub_length[n]
            tags = [labels[j] for j in best_picked[start:end]]
            found[nonempty[chosen[n]]] = spans(tags, sure[start:end].tolist())
        return found, doubt

    def _doubtful(self, scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """The sentences whose best path may tag something; the others are all O.

        Against the path of O tags alone, a path that tags token t with y loses the
        margin s_t(O) - s_t(y), and gains on transitions at most what its transition out
        of t can gain over O -> O, plus what its transition into t from an O can. Where
        every token's margin exceeds that bound for every label, the all-O path is the
        unique best one, as Viterbi would find."""
        outside = self._outside
        if outside < 0 or len(self.labels) < 2:
            return np.arange(len(starts))
        transition = self.weights.transition
        stay = transition[outside, outside]
        bound = np.maximum(transition.max(axis=1) - stay, 0) + np.maximum(transition[outside] - stay, 0)
        bound[outside] = -np.inf
        # The tolerance keeps rounding (sums in another order than CRFsuite's) out.
        beaten = (scores[:, outside, None] - scores <= bound + 1e-9).any(axis=1)
        return np.flatnonzero(np.logical_or.reduceat(beaten, starts))

    def _marks(
        self, sentences: Sequence[SentenceInput], marked: list[int], first_token: np.ndarray, count: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The tokens the lexicon matched with their hit ids, and which tokens are
        inside quotation marks (None when none is)."""
        starts = first_token.tolist()
        hit_at: list[int] = []
        hit_is: list[int] = []
        opened: list[int] = []
        closed: list[int] = []
        for n in marked:
            text, tokens, hits_of, quotes = sentences[n]
            at = starts[n]
            if hits_of:
                for first, last, label in hit_tags(tokens, hits_of):
                    hit_at += range(at + first, at + last)
                    hit_is.append(self._hit_id("B-" + label))
                    if last - first > 1:
                        hit_is += [self._hit_id("I-" + label)] * (last - first - 1)
            if quotes is None or quotes:
                for first, last in quoted_ranges(text, tokens, quotes):
                    opened.append(at + first)
                    closed.append(at + last)
        quoted = None
        if opened:
            # Quotations may nest: a token is quoted when more have opened than closed.
            depth = np.zeros(count + 1, dtype=np.intp)
            np.add.at(depth, opened, 1)
            np.add.at(depth, closed, -1)
            quoted = np.cumsum(depth[:count]) > 0
        return np.array(hit_at, dtype=np.intp), np.array(hit_is, dtype=np.intp), quoted

    def _quoted_tables(self) -> list[np.ndarray]:
        """Each slot's table followed by the same rows for a token inside quotation
        marks: row r + len(table) is row r with the quote flag set."""
        size = len(self._tables[0])
        if self._quoted is None or self._quoted[0] != size:
            tables = [np.concatenate([t, t + delta]) for t, delta in zip(self._tables, self._quote_delta, strict=True)]
            self._quoted = (size, tables)
        return self._quoted[1]

    def _scores(
        self,
        rows: np.ndarray,
        sentences: Sequence[SentenceInput],
        marked: list[int],
        first_token: np.ndarray,
        length: np.ndarray,
    ) -> np.ndarray:
        """Every token's state scores (tokens x labels): the sum of its features' weights."""
        count = len(rows)
        ends = first_token + length
        speech = np.flatnonzero(self._speech[rows])
        hit_at, hit_is, quoted = self._marks(sentences, marked, first_token, count)
        tables = self._tables
        if quoted is not None:
            rows = rows + quoted * len(tables[0])
            tables = self._quoted_tables()
        scores = tables[0][rows]
        for slot, offset in enumerate(OFFSETS, start=1):
            # Token i gets what token i + offset gives, or the edge's row past its sentence.
            giver = np.empty_like(rows)
            if offset > 0:
                giver[: count - offset] = rows[offset:]
            else:
                giver[-offset:] = rows[: count + offset]
            giver[_edge_tokens(first_token, ends, length, offset)] = 0
            scores += tables[slot][giver]
        if len(hit_at):
            # The table counts every token as outside the lexicon's matches: correct the
            # matched tokens and what they give their neighbours in the same sentence.
            delta = self._hit_delta[hit_is]
            scores[hit_at] += delta[:, 0]
            # The sentence of each: the last one starting at or before it (empty ones
            # start where the next one does).
            sentence = np.searchsorted(first_token, hit_at, side="right") - 1
            low, high = first_token[sentence], ends[sentence]
            for slot, offset in enumerate(OFFSETS, start=1):
                receiver = hit_at - offset
                inside = (receiver >= low) & (receiver < high)
                scores[receiver[inside]] += delta[inside, slot]
        if len(speech):
            # "cue_before": the tokens after a sentence's first speech cue.
            sentence = np.searchsorted(first_token, speech, side="right") - 1
            sentence, first = np.unique(sentence, return_index=True)
            change = np.zeros(count + 1, dtype=np.intp)
            np.add.at(change, speech[first] + 1, 1)
            np.add.at(change, ends[sentence], -1)
            scores[np.cumsum(change[:count]) > 0] += self._cue_before
        return scores


def _subset(starts: np.ndarray, length: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tokens of the chosen sentences (indices into the batch's tokens), and where
    each chosen sentence starts and how long it is among them."""
    sub_length = length[chosen]
    sub_starts = np.zeros(len(chosen), dtype=np.intp)
    np.cumsum(sub_length[:-1], out=sub_starts[1:])
    total = int(sub_length.sum())
    picked = np.arange(total) + np.repeat(starts[chosen] - sub_starts, sub_length)
    return picked, sub_starts, sub_length


def _edge_tokens(first_token: np.ndarray, ends: np.ndarray, length: np.ndarray, offset: int) -> np.ndarray:
    """The tokens whose neighbour at `offset` is beyond their sentence."""
    reach = abs(offset)
    parts = []
    for k in range(reach):
        has = length > k
        parts.append(ends[has] - 1 - k if offset > 0 else first_token[has] + k)
    return np.concatenate(parts)
