"""Row mapping: the column lists the store selects, and the functions that turn those
rows into model objects (and model values into stored ones)."""

from __future__ import annotations

import json

from ..model import (
    Document,
    Event,
    LexiconEntry,
    Sentence,
    SentenceState,
    SpanAnnotation,
    Suggestion,
    tokens_json,
)


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# Token offsets as stored: a compact JSON array of [start, end] pairs. Tokens that come
# already encoded (EncodedTokens, from the importer's worker processes) are written as
# they are.
encode_tokens = tokens_json


def names(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split("|")) if joined else ()


DOCUMENT_COLUMNS = (
    "id, text, title, source, url, date, metadata, content_hash, sentence_count, token_count, seq, imported_at"
)
SENTENCE_COLUMNS = "id, document_id, idx, doc_start, doc_end, text, tokens"
SPAN_COLUMNS = (
    "id, sentence_id, annotator, char_start, char_end, label, origin, quoted, lexicon_term,"
    " suggestion_id, note, created_at, agreed_by, resolution"
)
JUDGMENT_COLUMNS = (
    "sentence_id, annotator, status, judgment, flagged, note, suggestion_mode, first_shown_at,"
    " finished_at, judgment_agreed_by, judgment_resolution, served_order"
)
EVENT_COLUMNS = "id, at, annotator, action, sentence_id, payload, origin"
LEXICON_ENTRY_COLUMNS = (
    "e.id, l.name, e.term, e.label, e.match, e.forms, e.exclude, e.neutral, e.note, e.source, e.line"
)


def to_document(row: tuple) -> Document:
    return Document(
        id=row[0],
        text=row[1],
        title=row[2],
        source=row[3],
        url=row[4],
        date=row[5],
        metadata=json.loads(row[6]),
        content_hash=row[7],
        sentence_count=row[8],
        token_count=row[9],
        seq=row[10],
        imported_at=row[11],
    )


def to_sentence(row: tuple) -> Sentence:
    return Sentence(
        id=row[0],
        document_id=row[1],
        index=row[2],
        doc_start=row[3],
        doc_end=row[4],
        text=row[5],
        tokens=[tuple(pair) for pair in json.loads(row[6])],
    )


def to_span(row: tuple) -> SpanAnnotation:
    return SpanAnnotation(
        id=row[0],
        sentence_id=row[1],
        annotator=row[2],
        start=row[3],
        end=row[4],
        label=row[5],
        origin=row[6],
        quoted=bool(row[7]),
        lexicon_term=row[8],
        suggestion_id=row[9],
        note=row[10],
        created_at=row[11],
        agreed_by=names(row[12]),
        resolution=row[13],
    )


def to_judgment(row: tuple) -> SentenceState:
    return SentenceState(
        sentence_id=row[0],
        annotator=row[1],
        status=row[2],
        judgment=row[3],
        flagged=bool(row[4]),
        note=row[5],
        suggestion_mode=row[6],
        first_shown_at=row[7],
        finished_at=row[8],
        judgment_agreed_by=names(row[9]),
        judgment_resolution=row[10],
        served_order=row[11],
    )


def to_event(row: tuple) -> Event:
    return Event(
        id=row[0],
        at=row[1],
        annotator=row[2],
        action=row[3],
        sentence_id=row[4],
        payload=json.loads(row[5]),
        origin=row[6],
    )


def alternatives(joined: str) -> tuple[str, ...]:
    # Split on "|" except inside a phrase's ( ) group, as the lexicon CSV does.
    parts, depth, current = [], 0, []
    for ch in joined:
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return tuple(part for part in parts if part)


def to_lexicon_entry(row: tuple) -> LexiconEntry:
    return LexiconEntry(
        id=row[0],
        lexicon=row[1],
        term=row[2],
        label=row[3],
        match=row[4],
        forms=alternatives(row[5]),
        exclude=alternatives(row[6]),
        neutral=row[7],
        note=row[8],
        source=row[9],
        line=row[10],
    )


# What a lexicon entry is stored as, the reverse of to_lexicon_entry.
LEXICON_ENTRY_INSERT = (
    "INSERT INTO lexicon_entries (lexicon_id, term, label, match, forms, exclude, neutral, note, source, line)"
    " VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def lexicon_entry_values(lexicon_id: int, e: LexiconEntry) -> tuple:
    return (
        lexicon_id,
        e.term,
        e.label,
        e.match,
        "|".join(e.forms),
        "|".join(e.exclude),
        e.neutral,
        e.note,
        e.source,
        e.line,
    )


def to_suggestion(row: tuple) -> Suggestion:
    return Suggestion(
        id=row[0],
        sentence_id=row[1],
        start=row[2],
        end=row[3],
        label=row[4],
        term=row[5],
        quoted=bool(row[6]),
        detector=row[7],
        decision=row[8],
        reason=row[9],
        score=row[10],
    )
