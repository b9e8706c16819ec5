"""The model's suggestions, each with a confidence, stored with the source `model`.

Precedence: where the lexicon or a built-in detector suggests the same span with the
same label, the model adds nothing (that suggestion says why, and its decisions feed
the lexicon's statistics); a model span that differs from the lexicon's, even by one
token or by label, is its own suggestion. Labels the last evaluation switched off and
spans below the threshold are left out. Re-running replaces the model's suggestions
(those that remain keep their decisions) and touches no other source's.

Each run also scores every sentence by the model's uncertainty, for the workspace's
`--order uncertain`: 1 minus the marginal probability of the least sure token's tag,
that is, of the tag the model chose for it (B-/I- inside a span, O outside). A
sentence with one doubtful token is a doubtful sentence, however sure the rest is,
and unlike the probability of the whole tag sequence this does not grow with the
sentence's length. The scores replace the last run's.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice, repeat

from ..errors import AnnotatorError
from ..interchange.bio import OUTSIDE
from ..lexicon.quotes import has_marks, quoted_flag
from ..lexicon.suggest import (
    BATCH_SENTENCES,
    LEXICON_DETECTOR,
    Suggester,
    SuggestReport,
)
from ..model import Suggestion
from ..sources import MODEL
from ..store import Store
from .crf import Tagged, Tagger
from .features import sentence_features

DEFAULT_THRESHOLD = 0.5


def suggest_with_model(
    store: Store, threshold: float = DEFAULT_THRESHOLD, on_progress: Callable[[int], None] | None = None
) -> SuggestReport:
    if not 0.0 <= threshold <= 1.0:
        raise AnnotatorError("--threshold must be from 0 to 1")
    latest = store.recommender.latest()
    if latest is None:
        raise AnnotatorError("no recommender model yet: run 'annotator recommend train' first")
    tagger = Tagger(store.recommender.model_bytes(latest.version))
    suggester = Suggester.from_store(store)
    allowed = set(store.tagset().label_names) - set(latest.disabled_labels)
    reason = f"model v{latest.version}, learned from {latest.sentences} done sentences"
    sentences = added = removed = kept = 0
    uncertainty = _Uncertainty(tagger)
    with store.transaction():
        store.uncertainty.clear()
        iterator = store.corpus.iter_sentences()
        while batch := list(islice(iterator, BATCH_SENTENCES)):
            found: list[Suggestion] = []
            scores: list[tuple[int, str, float]] = []
            for sentence in batch:
                text, tokens = sentence.text, sentence.tokens
                others = suggester.suggest_text(0, text, tokens)
                taken = {(g.start, g.end, g.label) for g in others}
                lexical = [(g.start, g.end, g.label) for g in others if g.detector == LEXICON_DETECTOR]
                spans = tagger.tag(sentence_features(text, tokens, lexical))
                if tokens and sentence.id is not None:
                    scores.append((sentence.id, sentence.document_id, uncertainty.of_last(spans, len(tokens))))
                for tagged in spans:
                    start, end = tokens[tagged.first][0], tokens[tagged.last - 1][1]
                    if tagged.label not in allowed or tagged.confidence < threshold:
                        continue
                    if (start, end, tagged.label) in taken:
                        continue
                    found.append(
                        Suggestion(
                            sentence.id,
                            start,
                            end,
                            tagged.label,
                            text[start:end].lower(),
                            quoted=has_marks(text) and quoted_flag(text, tokens, start, end),
                            detector=MODEL,
                            reason=reason,
                            score=round(tagged.confidence, 4),
                        )
                    )
            a, r, k = store.suggestions.sync([s.id for s in batch if s.id is not None], found, sources={MODEL})
            store.uncertainty.add(latest.version, scores)
            sentences, added, removed, kept = sentences + len(batch), added + a, removed + r, kept + k
            if on_progress is not None:
                on_progress(len(batch))
        store.uncertainty.rank_documents(latest.version)
    return SuggestReport(sentences, added, removed, kept)


class _Uncertainty:
    """The uncertainty of the sentence the tagger tagged last (see the module's note).

    CRFsuite keeps that sentence's lattice until the next one, and computes its
    marginals once on the first query (the spans' confidences made it already for a
    sentence with spans), so this costs one call per token outside the spans.
    """

    def __init__(self, tagger: Tagger):
        crfsuite = tagger._tagger
        self._marginal = crfsuite.marginal
        # A model trained on sentences that are all spans never saw O.
        self._outside = OUTSIDE in crfsuite.labels()

    def of_last(self, spans: list[Tagged], length: int) -> float:
        surest = min((tagged.confidence for tagged in spans), default=1.0)
        if self._outside:
            if spans:
                inside = {k for tagged in spans for k in range(tagged.first, tagged.last)}
                outside: range | list[int] = [k for k in range(length) if k not in inside]
            else:
                outside = range(length)
            # map() keeps the per-token loop in C: a Python loop costs as much again as the marginals.
            surest = min(surest, min(map(self._marginal, repeat(OUTSIDE, len(outside)), outside), default=1.0))
        return round(max(0.0, 1.0 - surest), 6)
