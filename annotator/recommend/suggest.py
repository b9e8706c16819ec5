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
from itertools import islice

from ..errors import AnnotatorError
from ..lexicon.quotes import find_quotes, has_marks, quoted_flag
from ..lexicon.suggest import (
    BATCH_SENTENCES,
    Suggester,
    SuggestReport,
)
from ..model import Suggestion
from ..sources import MODEL
from ..store import Store
from .features import lexicon_hits
from .tagging import Tagger

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
    with store.transaction():
        store.uncertainty.clear()
        iterator = store.corpus.iter_sentences()
        while batch := list(islice(iterator, BATCH_SENTENCES)):
            found: list[Suggestion] = []
            scores: list[tuple[int, str, float]] = []
            # The lexicon first, then the model tags the whole batch at once; both take
            # the sentence's quotations, found once. Empty results are the shared (),
            # so that a batch keeps few objects alive for the garbage collector.
            suggested, inputs = [], []
            for sentence in batch:
                text, tokens = sentence.text, sentence.tokens
                quotes = find_quotes(text, tokens) or ()
                others = suggester.suggest_text(0, text, tokens, quotes) or ()
                suggested.append(others)
                inputs.append((text, tokens, lexicon_hits(others), quotes))
            by_model, doubts = tagger.tag_with_uncertainty(inputs)
            for sentence, others, spans, doubt in zip(batch, suggested, by_model, doubts, strict=True):
                text, tokens = sentence.text, sentence.tokens
                taken = {(g.start, g.end, g.label) for g in others}
                if doubt is not None and sentence.id is not None:
                    scores.append((sentence.id, sentence.document_id, round(max(0.0, doubt), 6)))
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
