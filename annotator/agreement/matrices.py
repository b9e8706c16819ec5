"""Turn store data into the arrays the agreement core works on.

- Sentence level: one unit per sentence judged by at least two selected annotators;
  a value is the annotator's judgment (a judgment on a sentence the annotator skipped
  is left out).
- Token level: one unit per token of the sentences marked done by at least two selected
  annotators. An annotator who marked the sentence done gives each token the label of
  the span covering it (sharing at least one character with it), or "O"; one who did
  not is missing. When several of one annotator's spans cover a token, the one overlap
  rule of annotator.overlaps decides (the longest wins, then the label listed first in
  the tag set), the same rule as the tokens CSV, CoNLL and hf exports; the per-label
  figures look at each label on its own, so a nested span is never lost there.
- Spans count only on sentences their annotator marked done.

The database is read with three queries and arrays are built with numpy: nothing here
makes a Python object per token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

import numpy as np

from ..errors import AnnotatorError
from ..model import GOLD
from ..overlaps import winner_rank
from ..store import Store
from .coefficients import MISSING, Patterns
from .spans import SpanArrays, distinct

OUTSIDE = "O"


class AgreementError(AnnotatorError):
    """Agreement cannot be computed as asked (too few annotators, unknown name...)."""


def resolve_annotators(store: Store, names: Sequence[str] | None, *, minimum: int = 2) -> tuple[str, ...]:
    """The annotators to compare: the given names, or everyone who has worked except gold.

    Refuses a name given twice, an unknown name, and fewer than `minimum` annotators.
    """
    if names is None:
        chosen = tuple(name for name in store.agreement.annotators() if name != GOLD)
    else:
        known = store.annotations.annotators()
        chosen = tuple(names)
        seen: set[str] = set()
        for name in chosen:
            if name in seen:
                raise AgreementError(f"annotator {name!r} is listed twice: each annotator counts once")
            seen.add(name)
        unknown = [name for name in chosen if name not in known]
        if unknown:
            listed = ", ".join(known) or "none yet"
            raise AgreementError(f"unknown annotator(s): {', '.join(unknown)} (annotators in this project: {listed})")
    if len(chosen) < minimum:
        if not chosen:
            raise AgreementError("agreement needs at least two annotators; nobody has annotated yet")
        raise AgreementError(
            f"agreement needs at least two annotators; only {', '.join(repr(n) for n in chosen)} "
            "to compare (pass --annotators A,B, including gold to compare with the curated version)"
        )
    return chosen


def numeric_values(values: Sequence[str]) -> tuple[tuple[float, ...], bool]:
    """Numbers for interval/ratio metrics: the values themselves if all are numbers,
    else their positions 1..k in the tag set. Returns (numbers, from_positions)."""
    try:
        return tuple(float(v) for v in values), False
    except ValueError:
        return tuple(float(i) for i in range(1, len(values) + 1)), True


# ----------------------------------------------------------------- judgments


@dataclass(frozen=True)
class Judgments:
    annotators: tuple[str, ...]
    values: tuple[str, ...]
    unknown_values: tuple[str, ...]
    sentence_ids: np.ndarray
    document_ids: np.ndarray
    matrix: np.ndarray  # (annotators, sentences) value codes, MISSING where not judged

    def subset(self, mask: np.ndarray | slice) -> Judgments:
        return Judgments(
            self.annotators,
            self.values,
            self.unknown_values,
            self.sentence_ids[mask],
            self.document_ids[mask],
            self.matrix[:, mask],
        )


def load_judgments(store: Store, annotators: Sequence[str], domain: Sequence[str]) -> Judgments:
    """Sentences judged by at least two of `annotators`, in corpus order."""
    rows, values = store.agreement.judgments(annotators, domain)
    ids, unit = np.unique(rows[:, 0], return_inverse=True)
    matrix = np.full((len(annotators), len(ids)), MISSING, dtype=np.int64)
    matrix[rows[:, 1], unit.reshape(-1)] = rows[:, 2]
    pairable = (matrix != MISSING).sum(axis=0) >= 2
    ids, matrix = ids[pairable], matrix[:, pairable]
    documents = store.agreement.documents(ids)
    order = np.searchsorted(ids, np.array([row[0] for row in documents], dtype=np.int64))
    return Judgments(
        tuple(annotators),
        tuple(values),
        tuple(values[len(domain) :]),
        ids[order],
        np.array([row[1] for row in documents], dtype=object),
        matrix[:, order],
    )


# -------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Coverage:
    """One row per (annotator, token, covering span): who put which label on which token."""

    annotator: np.ndarray
    token: np.ndarray
    label: np.ndarray
    span_length: np.ndarray


@dataclass(frozen=True)
class Corpus:
    """Sentences done by at least two of the annotators, their tokens, and the spans on them."""

    annotators: tuple[str, ...]
    labels: tuple[str, ...]  # label code k + 1 is labels[k]; code 0 is "O"
    sentence_ids: np.ndarray
    document_ids: np.ndarray
    lengths: np.ndarray
    done: np.ndarray  # (annotators, sentences) bool
    token_ptr: np.ndarray  # sentence i owns tokens token_ptr[i]:token_ptr[i + 1]
    token_start: np.ndarray
    token_end: np.ndarray
    span_sentence: np.ndarray  # index into the sentences above
    span_annotator: np.ndarray
    span_start: np.ndarray
    span_end: np.ndarray
    span_label: np.ndarray  # label code (>= 1)
    unknown_labels: tuple[str, ...] = field(default=())

    @property
    def n_sentences(self) -> int:
        return len(self.sentence_ids)

    @property
    def n_tokens(self) -> int:
        return len(self.token_start)

    @property
    def values(self) -> tuple[str, ...]:
        return (OUTSIDE, *self.labels)

    @cached_property
    def token_sentence(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_sentences), np.diff(self.token_ptr))

    @cached_property
    def coverage(self) -> Coverage:
        """Which tokens each span covers, expanded to one row per covered token."""
        width = int(max(self.lengths.max(initial=0), self.span_end.max(initial=0), self.token_end.max(initial=0))) + 1
        tokens_by_end = self.token_sentence * width + self.token_end
        tokens_by_start = self.token_sentence * width + self.token_start
        first = np.searchsorted(tokens_by_end, self.span_sentence * width + self.span_start, side="right")
        stop = np.searchsorted(tokens_by_start, self.span_sentence * width + self.span_end, side="left")
        count = np.maximum(stop - first, 0)
        total = int(count.sum())
        offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        return Coverage(
            annotator=np.repeat(self.span_annotator, count),
            token=np.repeat(first, count) + offset,
            label=np.repeat(self.span_label, count),
            span_length=np.repeat(self.span_end - self.span_start, count),
        )

    @cached_property
    def _blank(self) -> np.ndarray:
        return np.repeat(self.done, np.diff(self.token_ptr), axis=1).astype(np.int16) - 1

    def empty_matrix(self) -> np.ndarray:
        """(annotators, tokens): 0 ("O") where the annotator did the sentence, else MISSING."""
        return self._blank.copy()

    def token_matrix(self) -> np.ndarray:
        """Token values: label code of the covering span that wins by the overlap rule, 0 for "O",
        MISSING if not done."""
        matrix = self.empty_matrix()
        cov = self.coverage
        if len(cov.token) == 0:
            return matrix
        cell = cov.annotator * self.n_tokens + cov.token
        if len(distinct(cell)) == len(cell):  # no token covered twice by one annotator
            matrix[cov.annotator, cov.token] = cov.label
            return matrix
        # Order each cell's candidates by the overlap rule; the first wins.
        rank = winner_rank(cov.span_length.astype(np.int64), cov.label.astype(np.int64), len(self.labels) + 1)
        order = np.lexsort((rank, cell))
        cell, first = cell[order], np.ones(len(order), dtype=bool)
        first[1:] = cell[1:] != cell[:-1]
        chosen = order[first]
        matrix[cov.annotator[chosen], cov.token[chosen]] = cov.label[chosen]
        return matrix

    def label_matrix(self, code: int) -> np.ndarray:
        """Binary token values for one label: 1 if a span of it covers the token, 0 if not."""
        matrix = self.empty_matrix()
        cov = self.coverage
        chosen = cov.label == code
        matrix[cov.annotator[chosen], cov.token[chosen]] = 1
        return matrix

    @cached_property
    def raters_per_token(self) -> np.ndarray:
        return np.repeat(self.done.sum(axis=0), np.diff(self.token_ptr))

    @cached_property
    def _unmarked_tally(self) -> np.ndarray:
        """Tokens by number of raters, as label_tables codes with nobody marking the label."""
        base = len(self.annotators) + 1
        return np.bincount(self.raters_per_token * base, minlength=base**2)

    def label_tables(self, code: int) -> tuple[Patterns, dict[tuple[int, int], np.ndarray]]:
        """What `label_matrix(code)` gives, without building it: the binary value patterns
        (for alpha) and each pair's 2 x 2 table (for Cohen's kappa), from the covered
        tokens alone."""
        cov = self.coverage
        chosen = cov.label == code
        cell = distinct(cov.annotator[chosen] * self.n_tokens + cov.token[chosen])
        rater, token = cell // max(self.n_tokens, 1), cell % max(self.n_tokens, 1)
        raters = len(self.annotators)
        # Pattern code: raters of the token * (R + 1) + raters who marked it. Start from
        # every token unmarked (shared by all labels), then move the few marked tokens,
        # so no per-label pass over every token.
        ordered = np.sort(token)
        starts = np.flatnonzero(np.diff(ordered, prepend=-1))  # each marked token's first row
        ones = np.diff(np.append(starts, len(ordered)))
        unmarked = self.raters_per_token[ordered[starts]] * (raters + 1)
        tally = (
            self._unmarked_tally
            - np.bincount(unmarked, minlength=(raters + 1) ** 2)
            + np.bincount(unmarked + ones, minlength=(raters + 1) ** 2)
        )
        present = np.flatnonzero(tally)
        m, k = present // (raters + 1), present % (raters + 1)
        patterns = Patterns(np.stack([m - k, k], axis=1).astype(np.int64), tally[present].astype(np.int64), raters)
        sentence = self.token_sentence[token]
        counts = np.diff(self.token_ptr)
        tables: dict[tuple[int, int], np.ndarray] = {}
        for i, j in combinations(range(raters), 2):
            both = int(counts[self.done[i] & self.done[j]].sum())
            mine_i, mine_j = token[rater == i], token[rater == j]
            a1 = int(self.done[j, sentence[rater == i]].sum())  # i marked it, j rated it
            b1 = int(self.done[i, sentence[rater == j]].sum())
            n11 = len(np.intersect1d(mine_i, mine_j, assume_unique=True))
            tables[(i, j)] = np.array([[both - a1 - b1 + n11, b1 - n11], [a1 - n11, n11]], dtype=np.int64)
        return patterns, tables

    def spans_of(self, annotator: int, sentences: np.ndarray | None = None, label: int | None = None) -> SpanArrays:
        """One annotator's spans, optionally only on the given sentences (bool mask) or one label."""
        mask = self.span_annotator == annotator
        if sentences is not None:
            mask &= sentences[self.span_sentence]
        if label is not None:
            mask &= self.span_label == label
        return SpanArrays(self.span_sentence[mask], self.span_start[mask], self.span_end[mask], self.span_label[mask])

    def subset(self, mask: np.ndarray | slice) -> Corpus:
        """The corpus restricted to the sentences where mask is True, or to a slice of them."""
        if isinstance(mask, slice):
            return self._slice(*mask.indices(self.n_sentences)[:2])
        index = np.flatnonzero(mask)
        counts = np.diff(self.token_ptr)[index]
        ptr = np.concatenate(([0], np.cumsum(counts)))
        take = np.repeat(self.token_ptr[index], counts) + (np.arange(int(ptr[-1])) - np.repeat(ptr[:-1], counts))
        renumber = np.full(self.n_sentences, -1, dtype=np.int64)
        renumber[index] = np.arange(len(index))
        kept = mask[self.span_sentence]
        return Corpus(
            annotators=self.annotators,
            labels=self.labels,
            sentence_ids=self.sentence_ids[index],
            document_ids=self.document_ids[index],
            lengths=self.lengths[index],
            done=self.done[:, index],
            token_ptr=ptr,
            token_start=self.token_start[take],
            token_end=self.token_end[take],
            span_sentence=renumber[self.span_sentence[kept]],
            span_annotator=self.span_annotator[kept],
            span_start=self.span_start[kept],
            span_end=self.span_end[kept],
            span_label=self.span_label[kept],
            unknown_labels=self.unknown_labels,
        )

    def _slice(self, first: int, stop: int) -> Corpus:
        # Spans are sorted by sentence (load_corpus does it), so a run of sentences owns a run of spans.
        lo, hi = np.searchsorted(self.span_sentence, [first, stop])
        tokens = slice(self.token_ptr[first], self.token_ptr[stop])
        return Corpus(
            annotators=self.annotators,
            labels=self.labels,
            sentence_ids=self.sentence_ids[first:stop],
            document_ids=self.document_ids[first:stop],
            lengths=self.lengths[first:stop],
            done=self.done[:, first:stop],
            token_ptr=self.token_ptr[first : stop + 1] - self.token_ptr[first],
            token_start=self.token_start[tokens],
            token_end=self.token_end[tokens],
            span_sentence=self.span_sentence[lo:hi] - first,
            span_annotator=self.span_annotator[lo:hi],
            span_start=self.span_start[lo:hi],
            span_end=self.span_end[lo:hi],
            span_label=self.span_label[lo:hi],
            unknown_labels=self.unknown_labels,
        )

    def continuum(self) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The sentences done by every annotator, end to end, as one unitizing continuum.

        Returns (sentences, length, rater, start, end, category) with offsets into the
        continuum and category = label code - 1.
        """
        everyone = self.done.all(axis=0)
        lengths = np.where(everyone, self.lengths, 0)
        offset = np.concatenate(([0], np.cumsum(lengths)))
        kept = everyone[self.span_sentence]
        base = offset[self.span_sentence[kept]]
        return (
            int(everyone.sum()),
            int(offset[-1]),
            self.span_annotator[kept],
            base + self.span_start[kept],
            base + self.span_end[kept],
            self.span_label[kept] - 1,
        )


def load_corpus(
    store: Store, annotators: Sequence[str], labels: Sequence[str], *, only_label: str | None = None
) -> Corpus:
    """Read the sentences done by at least two of `annotators`, their tokens and spans.

    `labels` is the tag set's label order; labels found on spans but missing from it
    (a changed tag set) are added after it. With `only_label`, every other label's spans
    are left out, so "O" means "not this label".
    """
    statuses = store.agreement.done(annotators)
    done_ids, where = np.unique(statuses[:, 0], return_inverse=True)
    done_by = np.zeros((len(annotators), len(done_ids)), dtype=bool)
    done_by[statuses[:, 1], where.reshape(-1)] = True
    pairable = done_by.sum(axis=0) >= 2
    sentence_ids, document_ids, lengths, counts, tokens = store.agreement.sentences(done_ids[pairable])
    done = done_by[:, np.searchsorted(done_ids, sentence_ids)]
    token_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    spans, names = store.agreement.spans(annotators, labels)
    unknown = tuple(names[len(labels) :])
    if only_label is not None:
        spans = spans[spans[:, 4] == names.index(only_label)] if only_label in names else spans[:0]
        spans[:, 4] = 0
        names = [only_label]
    # Keep the spans on the sentences above that their annotator marked done, and
    # number their sentences in corpus order.
    order = np.argsort(sentence_ids, kind="stable")
    position = np.searchsorted(sentence_ids[order], spans[:, 0])
    found = position < len(order)
    found[found] = sentence_ids[order][position[found]] == spans[found, 0]
    spans, sentence = spans[found], order[position[found]]
    by_done = done[spans[:, 1], sentence]
    spans, sentence = spans[by_done], sentence[by_done]
    by_sentence = np.argsort(sentence, kind="stable")
    spans, sentence = spans[by_sentence], sentence[by_sentence]
    # Guard against offsets written outside the sentence.
    start, end = np.maximum(spans[:, 2], 0), np.minimum(spans[:, 3], lengths[sentence])
    valid = start < end
    return Corpus(
        annotators=tuple(annotators),
        labels=tuple(names),
        sentence_ids=sentence_ids,
        document_ids=document_ids,
        lengths=lengths,
        done=done,
        token_ptr=token_ptr,
        token_start=tokens[:, 0].copy(),
        token_end=tokens[:, 1].copy(),
        span_sentence=sentence[valid],
        span_annotator=spans[valid, 1],
        span_start=start[valid],
        span_end=end[valid],
        span_label=spans[valid, 4] + 1,
        unknown_labels=unknown if only_label is None else (),
    )
