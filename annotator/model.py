"""Plain dataclasses shared by the core, the CLI and the UI.

Offsets are half-open Python str indices (code points) into stored text, which is
NFC-normalised with LF line ends. Sentence offsets (`doc_start`, `doc_end`) refer to
the document text; token, span and suggestion offsets refer to the sentence text.
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

# Each vocabulary is defined once, as a Literal type; the tuples of its values (for
# click choices, validation and messages) are derived from it.
JudgmentLevel = Literal["nominal", "ordinal", "interval", "ratio"]
JUDGMENT_LEVELS: tuple[str, ...] = get_args(JudgmentLevel)

Origin = Literal["manual", "suggestion"]
ORIGINS: tuple[str, ...] = get_args(Origin)
Status = Literal["done", "skipped"]
STATUSES: tuple[str, ...] = get_args(Status)
Decision = Literal["accepted", "rejected"]
DECISIONS: tuple[str, ...] = get_args(Decision)
SuggestionMode = Literal["on", "off", "after"]
SUGGESTION_MODES: tuple[str, ...] = get_args(SuggestionMode)
# A lead may also fix "random": each sentence draws on or off (team/conditions.py).
FixedSuggestionMode = Literal["on", "off", "after", "random"]
FIXED_SUGGESTION_MODES: tuple[str, ...] = get_args(FixedSuggestionMode)
# The workspace's navigation orders (workspace/order.py), recorded with each sentence
# state as the order it was served in.
OrderName = Literal["document", "random", "uncertain"]
ORDERS: tuple[str, ...] = get_args(OrderName)

# The curator's name: ordinary annotation refuses it, adjudication writes under it.
GOLD = "gold"


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""


@dataclass(frozen=True)
class JudgmentScheme:
    name: str
    level: JudgmentLevel
    values: tuple[str, ...]


@dataclass(frozen=True)
class Tagset:
    name: str
    labels: tuple[Label, ...]
    judgment: JudgmentScheme

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def label_for_key(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)


@dataclass
class Document:
    id: str
    text: str
    title: str = ""
    source: str | None = None
    url: str | None = None
    date: str | None = None
    metadata: dict = field(default_factory=dict)
    content_hash: str = ""
    sentence_count: int = 0
    token_count: int = 0
    # Position in import order (1-based), used for "document n of N".
    seq: int | None = None
    imported_at: str | None = None


@dataclass
class Sentence:
    id: int | None
    document_id: str
    index: int
    doc_start: int
    doc_end: int
    text: str
    tokens: list[tuple[int, int]]


# A list of (start, end) pairs in the stored form, "[[0,4],[5,9]]": the repr of the list
# with round brackets made square and spaces dropped (several times faster than json.dumps).
_JSON_PAIRS = str.maketrans({"(": "[", ")": "]", " ": None})


def tokens_json(tokens: Sequence[tuple[int, int]]) -> str:
    """Token offsets as stored: a compact JSON array of [start, end] pairs."""
    if type(tokens) is EncodedTokens:
        return tokens.json
    return repr(tokens if isinstance(tokens, list) else list(tokens)).translate(_JSON_PAIRS)


class EncodedTokens(Sequence[tuple[int, int]]):
    """A sentence's token offsets already in the stored form (`tokens_json`), decoded
    only if something reads them. The importer's worker processes send tokens so: one
    string per sentence crosses between processes several times cheaper than a tuple
    per token, and the store writes the string as it is."""

    __slots__ = ("json", "count", "_pairs")

    def __init__(self, json: str, count: int):
        self.json = json
        self.count = count
        self._pairs: list[tuple[int, int]] | None = None

    def pairs(self) -> list[tuple[int, int]]:
        if self._pairs is None:
            self._pairs = [(start, end) for start, end in _json.loads(self.json)]
        return self._pairs

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        return self.pairs()[index]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.pairs())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EncodedTokens):
            return self.json == other.json
        if isinstance(other, (list, tuple)):
            return self.pairs() == [tuple(pair) for pair in other]
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"EncodedTokens({self.json!r}, {self.count})"


@dataclass
class SpanAnnotation:
    sentence_id: int
    annotator: str
    start: int
    end: int
    label: str
    origin: Origin = "manual"
    quoted: bool = False
    lexicon_term: str | None = None
    suggestion_id: int | None = None
    note: str | None = None
    created_at: str | None = None
    # Gold provenance: names of the annotators who gave this span, and how it got into gold.
    agreed_by: tuple[str, ...] = ()
    resolution: str | None = None
    id: int | None = None


@dataclass
class Suggestion:
    sentence_id: int
    start: int
    end: int
    label: str
    term: str
    quoted: bool = False
    # The source: 'lexicon' for entries, the name of a built-in detector such as
    # 'scare_quotes', 'model' for the learned recommender, 'external:<name>' for a tool.
    detector: str = "lexicon"
    id: int | None = None
    # The deciding annotator's decision, when the query asked for one.
    decision: Decision | None = None
    # Why it was suggested, in words the details pane shows.
    reason: str | None = None
    # A model's or tool's confidence in [0, 1]; None for the lexicon and detectors.
    score: float | None = None


@dataclass
class SentenceState:
    """One annotator's state for one sentence: status, judgment, flag and note."""

    sentence_id: int
    annotator: str
    status: Status | None = None
    judgment: str | None = None
    flagged: bool = False
    note: str | None = None
    suggestion_mode: SuggestionMode | None = None
    first_shown_at: str | None = None
    finished_at: str | None = None
    judgment_agreed_by: tuple[str, ...] = ()
    judgment_resolution: str | None = None
    # The workspace order the sentence was served in (document, random, uncertain).
    served_order: str | None = None


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    label: str
    match: Literal["exact", "stem", "phrase", "ignore"]
    forms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    neutral: str = ""
    note: str = ""
    source: str = ""
    line: int | None = None
    lexicon: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Lexicon:
    """A named set of lexicon entries in a project (a project may hold several)."""

    name: str
    path: str | None
    loaded_at: str
    entries: int
    id: int | None = None


@dataclass(frozen=True)
class SuggestionTally:
    """Reviewer feedback on the suggestions of one term and label, over all annotators."""

    detector: str
    term: str
    label: str
    hits: int
    accepted: int
    rejected: int
    # Suggestions that no annotator has decided yet.
    pending: int


@dataclass(frozen=True)
class Event:
    annotator: str
    action: str
    payload: dict
    sentence_id: int | None = None
    at: str | None = None
    origin: str = "ui"
    id: int | None = None


@dataclass(frozen=True)
class AnnotatorProgress:
    annotator: str
    done: int
    skipped: int
    judged: int
    spans: int


@dataclass
class MergeResult:
    """What merging one project database into another added, or why it was refused."""

    source: str
    documents_added: int = 0
    # Documents already here: same id and text, or the same text under another id.
    documents_matched: int = 0
    sentences_added: int = 0
    annotators_added: int = 0
    spans_added: int = 0
    statuses_added: int = 0
    statuses_updated: int = 0
    suggestions_added: int = 0
    decisions_added: int = 0
    decisions_updated: int = 0
    events_added: int = 0
    lexicons_added: int = 0
    lexicon_entries_added: int = 0
    # Source lexicon entries not added: each clashes with an entry of its lexicon here.
    lexicon_entries_skipped: list[str] = field(default_factory=list)
    # The source's schema when it was older: it was merged from an upgraded copy.
    upgraded_from: str | None = None
    # Why nothing was merged: one line per problem (then every count is 0).
    conflicts: list[str] = field(default_factory=list)
    # Documents matched by text under another id: (id in the source, id here).
    renamed: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RecommenderModel:
    """One trained version of the learned recommender, as stored in the project."""

    version: int
    trained_at: str
    source: str  # "gold" or "annotators"
    annotators: tuple[str, ...]
    sentences: int
    documents: int
    spans: int
    labels: tuple[str, ...]
    # Labels whose cross-validated precision was below the setting: never suggested.
    disabled_labels: tuple[str, ...] = ()
    # How much the annotators disagreed on the training sentences (see recommend.data).
    noise: dict = field(default_factory=dict)
    evaluation: dict | None = None
    done_at_training: int = 0
