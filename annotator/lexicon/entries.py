"""The lexicon CSV format: reading, validating and writing entries.

One row per entry, with a header. `term`, `label` and `match` are required columns;
`forms`, `exclude`, `neutral`, `note` and `source` are optional. Every problem is
reported with the file name and the line number where its row starts, and a file
with any problem loads nothing.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from ..csv_reading import csv_reader
from ..errors import InputError
from ..model import LexiconEntry
from ..store.csv_format import csv_line, escape, unescape
from .phrase import (
    MAX_WORDS,
    PhraseError,
    Word,
    has_syntax,
    literal_words,
    parse_phrase,
    size_problem,
    split_alternatives,
)
from .stemming import StemCache, shared_stems

COLUMNS = ("term", "label", "match", "forms", "exclude", "neutral", "note", "source")
REQUIRED = ("term", "label", "match")
MATCH_KINDS = ("exact", "stem", "phrase", "ignore")
# Endings that do not change a word's meaning: an excluded "penduduk" also excludes
# "penduduknya" and "penduduk-penduduk".
PARTICLES = ("nya", "lah", "kah", "pun", "ku", "mu")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LexiconError(InputError):
    """A lexicon with one or more invalid rows."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        super().__init__(f"{self.problems[0]}{more}")


def normalise(text: str) -> str:
    """NFC, single spaces, stripped: how terms and forms are stored."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def term_key(text: str) -> str:
    """How two terms are compared for duplicates and for `lexicon remove`."""
    return normalise(text).lower()


def read_lexicon(path: str | Path, labels: Collection[str] | None = None) -> list[LexiconEntry]:
    """Parse and validate a lexicon file. `labels=None` skips the label check."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LexiconError([Problem(str(path), line, f"not UTF-8 text (byte offset {exc.start})")]) from None
    return parse_lexicon(text, str(path), labels)


def parse_lexicon(text: str, name: str, labels: Collection[str] | None = None) -> list[LexiconEntry]:
    problems: list[Problem] = []
    rows = list(_rows(text, name, problems))
    if problems:
        raise LexiconError(problems)
    entries: list[LexiconEntry] = []
    validator = Validator(labels)
    for line, row in rows:
        entry, messages = _entry_from_row(row, line)
        if entry is not None:
            messages += validator.check(entry)
        if messages:
            problems.extend(Problem(name, line, message) for message in messages)
        elif entry is not None:
            validator.add(entry)
            entries.append(entry)
    if problems:
        raise LexiconError(problems)
    return entries


def _rows(text: str, name: str, problems: list[Problem]) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv_reader(io.StringIO(text, newline=""))
    previous_end = 0  # the last physical line of the previous record
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            previous_end = reader.line_num
            header = next(reader, None)
        if header is None:
            problems.append(Problem(name, 1, "empty file: expected a header row with " + ",".join(COLUMNS)))
            return
        columns = [cell.strip().lower() for cell in header]
        header_line = previous_end + 1
        for column in columns:
            if column and column not in COLUMNS:
                problems.append(
                    Problem(name, header_line, f"unknown column {column!r} (columns: {', '.join(COLUMNS)})")
                )
        for column in REQUIRED:
            if column not in columns:
                problems.append(Problem(name, header_line, f"missing column {column!r}"))
        if problems:
            return
        previous_end = reader.line_num
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
                problems.append(Problem(name, line, f"{len(cells)} cells but the header has {len(columns)} columns"))
                continue
            # An apostrophe the export put before a formula character comes off again.
            yield line, {column: unescape(cell) for column, cell in zip(columns, cells) if column}
    except csv.Error as exc:
        problems.append(Problem(name, previous_end + 1, f"malformed CSV: {exc}"))


def _entry_from_row(row: dict[str, str], line: int) -> tuple[LexiconEntry | None, list[str]]:
    term = normalise(row.get("term", ""))
    match = row.get("match", "").strip().lower()
    if not term:
        return None, ["empty term"]
    if match not in MATCH_KINDS:
        shown = f"bad match value {row.get('match', '').strip()!r}" if match else "empty match value"
        return None, [f"{shown} for {term!r} (use one of: {', '.join(MATCH_KINDS)})"]
    entry = LexiconEntry(
        term=term,
        label=row.get("label", "").strip(),
        match=match,
        forms=_unique(split_alternatives(unicodedata.normalize("NFC", row.get("forms", "")))),
        exclude=_unique(split_alternatives(unicodedata.normalize("NFC", row.get("exclude", "")))),
        neutral=normalise(row.get("neutral", "")),
        note=normalise(row.get("note", "")),
        source=normalise(row.get("source", "")),
        line=line,
    )
    return entry, []


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return tuple(seen.values())


class Validator:
    """Checks entries one by one against a tag set and the entries accepted so far."""

    def __init__(self, labels: Collection[str] | None, stems: StemCache | None = None):
        self.labels = labels
        self.stems = stems or shared_stems()
        self._terms: dict[tuple[str, str], LexiconEntry] = {}
        self._forms: dict[str, LexiconEntry] = {}
        self._stem_owner: dict[str, LexiconEntry] = {}

    def check(self, entry: LexiconEntry) -> list[str]:
        messages: list[str] = []
        if entry.match == "ignore":
            if entry.label and self.labels is not None and entry.label not in self.labels:
                messages.append(_unknown_label(entry.label, self.labels))
        elif not entry.label:
            messages.append(f"empty label for {entry.term!r}")
        elif self.labels is not None and entry.label not in self.labels:
            messages.append(_unknown_label(entry.label, self.labels))
        messages += self._check_syntax(entry)
        if messages:
            return messages
        first = self._terms.get((entry.match, term_key(entry.term)))
        if first is not None:
            return [f"duplicate entry {entry.term!r} ({entry.match}): already defined{_where(first)}"]
        for form in self._surface_forms(entry):
            owner = self._forms.get(form)
            if owner is not None:
                messages.append(
                    f"duplicate entry: form {form!r} of {entry.term!r} already belongs to {owner.term!r}{_where(owner)}"
                )
        if entry.match == "stem":
            stem = self.stems.stem(entry.term.lower())
            owner = self._stem_owner.get(stem)
            if owner is not None:
                messages.append(
                    f"duplicate entry: {entry.term!r} has the stem {stem!r} of "
                    f"{owner.term!r}{_where(owner)}; merge them or use match=exact"
                )
        return messages

    def add(self, entry: LexiconEntry) -> None:
        self._terms[(entry.match, term_key(entry.term))] = entry
        for form in self._surface_forms(entry):
            self._forms[form] = entry
        if entry.match == "stem":
            self._stem_owner[self.stems.stem(entry.term.lower())] = entry

    @staticmethod
    def _surface_forms(entry: LexiconEntry) -> list[str]:
        if entry.match not in ("exact", "stem"):
            return []
        return [" ".join(literal_words(form)) for form in (entry.term, *entry.forms)]

    def _check_syntax(self, entry: LexiconEntry) -> list[str]:
        messages: list[str] = []
        if entry.match in ("phrase", "ignore"):
            for phrase in (entry.term, *entry.forms):
                try:
                    patterns = parse_phrase(phrase)
                except PhraseError as exc:
                    messages.append(f"cannot parse phrase {_shown(phrase)}: {exc}")
                    continue
                problem = next(filter(None, map(size_problem, patterns)), None)
                if problem:
                    messages.append(f"phrase {_shown(phrase)} is too long to match safely: {problem}")
        else:
            for form in (entry.term, *entry.forms):
                if has_syntax(form):
                    messages.append(f"{form!r}: phrase syntax (~ ( | ) ...) needs match=phrase")
                elif not literal_words(form):
                    messages.append(f"{form!r} holds no word")
                elif len(literal_words(form)) > MAX_WORDS:
                    problem = size_problem(tuple(map(Word, literal_words(form))))
                    messages.append(f"form {_shown(form)} is too long to match safely: {problem}")
            if entry.match == "stem" and len(literal_words(entry.term)) != 1:
                messages.append(f"a stem entry is one word, not {entry.term!r}: use match=phrase with ~word")
        for form in entry.exclude:
            words = literal_words(form)
            if len(words) != 1 or has_syntax(form):
                messages.append(f"exclude form {form!r} must be a single word")
            elif form.lower() in {f.lower() for f in (entry.term, *entry.forms)}:
                messages.append(f"{form!r} is both a form and an exclusion of {entry.term!r}")
        return messages


def _shown(text: str) -> str:
    """A phrase quoted in a message, cut short so one line stays readable."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _unknown_label(label: str, labels: Collection[str]) -> str:
    return f"unknown label {label!r} (labels: {', '.join(labels)})"


def _where(entry: LexiconEntry) -> str:
    if entry.line is not None and entry.lexicon:
        return f" in lexicon {entry.lexicon!r} (line {entry.line})"
    if entry.line is not None:
        return f" on line {entry.line}"
    if entry.lexicon:
        return f" in lexicon {entry.lexicon!r}"
    return ""


def validate_new_entry(entry: LexiconEntry, existing: Sequence[LexiconEntry], labels: Collection[str]) -> list[str]:
    """Problems with adding `entry` to a project that already holds `existing`."""
    validator = Validator(labels)
    for other in existing:
        validator.add(other)
    return validator.check(entry)


def duplicates_across(entries: Sequence[LexiconEntry], others: Sequence[LexiconEntry]) -> list[str]:
    """Entries that another lexicon of the project already defines (a term, a form or a
    stem), one message each. Not an error: two lexicons may overlap on purpose, but
    the reviewer then sees the same suggestion twice over."""
    validator = Validator(None)
    for other in others:
        validator.add(other)
    return [message for entry in entries for message in validator.check(entry) if message.startswith("duplicate")]


def excluded(token: str, exclude: Collection[str]) -> bool:
    """Whether a lower-cased token is an excluded form, allowing particles and reduplication."""
    if token in exclude:
        return True
    for particle in PARTICLES:
        if token.endswith(particle) and token[: -len(particle)] in exclude:
            return True
    first, dash, second = token.partition("-")
    return bool(dash) and (first in exclude or second in exclude)


def write_lexicon(entries: Iterable[LexiconEntry], handle: TextIO) -> None:
    """Write entries in the lexicon CSV format (the inverse of read_lexicon): every cell
    spreadsheet-safe and `;` quoted, by the rule of every CSV the tool writes."""
    handle.write(csv_line(COLUMNS, line_end="\n"))
    for e in entries:
        cells = (e.term, e.label, e.match, "|".join(e.forms), "|".join(e.exclude), e.neutral, e.note, e.source)
        handle.write(csv_line([escape(cell) for cell in cells], line_end="\n"))


def with_lexicon(entries: Iterable[LexiconEntry], lexicon: str) -> list[LexiconEntry]:
    return [replace(entry, lexicon=lexicon) for entry in entries]
