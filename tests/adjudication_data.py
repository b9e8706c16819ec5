"""Building annotators' work for the adjudication tests, through the Store."""

from annotator.model import SentenceState, SpanAnnotation


def annotate(store, sentence_id, who, spans, judgment=None, status="done"):
    """Give `who` these (start, end, label) spans and a sentence state on one sentence."""
    for start, end, label in spans:
        store.annotations.add_span(SpanAnnotation(sentence_id, who, start, end, label))
    store.annotations.put_judgment(SentenceState(sentence_id, who, status=status, judgment=judgment))
