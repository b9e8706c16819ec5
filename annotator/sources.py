"""Where a suggestion comes from: the vocabulary of `Suggestion.detector`.

- `lexicon`: an entry of a loaded lexicon (the suggestion's term names it);
- a built-in detector, such as `scare_quotes`;
- `model`: the learned recommender (`annotator recommend`), with a confidence;
- `external:<name>`: an outside program (`annotator suggest --command`), with its score.
"""

from __future__ import annotations

LEXICON = "lexicon"
MODEL = "model"
EXTERNAL_PREFIX = "external:"


def external(name: str) -> str:
    return EXTERNAL_PREFIX + name


def is_external(source: str) -> bool:
    return source.startswith(EXTERNAL_PREFIX)


def describe(source: str, term: str, score: float | None) -> str:
    """The source in words, as the details pane shows it."""
    confidence = f", confidence {score:.2f}" if score is not None else ""
    if source == LEXICON:
        return f"lexicon entry “{term}”"
    if source == MODEL:
        return f"model{confidence}"
    if is_external(source):
        return f"external tool {source[len(EXTERNAL_PREFIX) :]}{confidence}"
    return f"{source.replace('_', '-')} detector"
