"""Outside models: `annotator suggest --command "CMD ARGS"`.

The program reads sentences as JSONL on stdin, one object a line:
`{"id": 12, "text": "...", "tokens": [[0, 4], ...], "document_id": "..."}`, and writes
spans as JSONL on stdout: `{"id": 12, "start": 0, "end": 4, "label": "...",
"score": 0.9, "reason": "..."}` (`score`, a number from 0 to 1, and `reason`, a
string, are optional). Offsets are code-point indices into the sentence text, half
open. A line may be blank.

Everything the program says is checked before anything is stored: an unknown
sentence id, offsets out of range, an unknown label, a bad score, a line that is not a
JSON object, a crash (non-zero exit) or a time-out each refuse the run with
`error: LINE: problem` for every bad output line, and nothing is written. A good run
replaces that program's suggestions (`external:<name>`), in one transaction; those
that remain keep their decisions.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AnnotatorError
from .lexicon.quotes import has_marks, quoted_flag
from .lexicon.suggest import SuggestReport
from .model import Sentence, Suggestion
from .sources import external
from .store import Store

DEFAULT_TIMEOUT = 600.0
MAX_REPORTED = 50


class ExternalRefused(AnnotatorError):
    """The program's output was refused; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if problems else "refused")


@dataclass
class Outcome:
    suggestions: list[Suggestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def tool_name(command: str) -> str:
    """The default source name: the program's file name without its extension."""
    words = shlex.split(command)
    if not words:
        raise AnnotatorError("--command is empty")
    program = next(
        (
            w
            for w in words
            if not w.startswith("-") and Path(w).suffix in {".py", ".sh", ""} and not Path(w).name.startswith("python")
        ),
        words[0],
    )
    return Path(program).stem or "tool"


def sentence_line(sentence: Sentence) -> str:
    return (
        json.dumps(
            {
                "id": sentence.id,
                "text": sentence.text,
                "tokens": [list(t) for t in sentence.tokens],
                "document_id": sentence.document_id,
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def run_tool(
    command: str, sentences: Iterable[Sentence], timeout: float = DEFAULT_TIMEOUT
) -> tuple[list[str], int | None, str]:
    """Run the program with the sentences on stdin; returns (stdout lines, exit status
    or None on time-out, the last line of stderr)."""
    words = shlex.split(command)
    try:
        process = subprocess.Popen(
            words,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=dict(os.environ),
        )
    except OSError as error:
        raise AnnotatorError(f"cannot run {words[0]!r}: {error.strerror or error}") from None

    # A thread feeds stdin while communicate() drains stdout and stderr: a program that
    # answers as it reads can never fill a pipe and dead-lock us.
    stdin, process.stdin = process.stdin, None

    def feed() -> None:
        assert stdin is not None
        try:
            for sentence in sentences:
                stdin.write(sentence_line(sentence))
        except (OSError, ValueError):
            pass  # the program stopped reading; its exit status tells why
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        out, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        writer.join(timeout=5)
        return out.splitlines(), None, ""
    writer.join(timeout=5)
    last = next((line for line in reversed(errors.splitlines()) if line.strip()), "")
    return out.splitlines(), process.returncode, last


def parse_output(lines: list[str], sentences: dict[int, Sentence], labels: set[str], source: str) -> Outcome:
    outcome = Outcome()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = _check(line, sentences, labels)
        if isinstance(problem, str):
            outcome.problems.append(f"{number}: {problem}")
            continue
        sentence, start, end, label, score, reason = problem
        text = sentence.text
        outcome.suggestions.append(
            Suggestion(
                sentence.id,
                start,
                end,
                label,
                text[start:end].lower(),
                quoted=has_marks(text) and quoted_flag(text, sentence.tokens, start, end),
                detector=source,
                reason=reason,
                score=score,
            )
        )
    return outcome


def _check(line: str, sentences: dict[int, Sentence], labels: set[str]) -> str | tuple:
    try:
        item = json.loads(line)
    except ValueError:
        return "not a JSON object"
    if not isinstance(item, dict):
        return "not a JSON object"
    for key in ("id", "start", "end", "label"):
        if key not in item:
            return f"missing {key!r}"
    sentence_id, start, end, label = item["id"], item["start"], item["end"], item["label"]
    if not _is_int(sentence_id) or sentence_id not in sentences:
        return f"unknown sentence id {sentence_id!r}"
    if not _is_int(start) or not _is_int(end):
        return "start and end must be whole numbers"
    length = len(sentences[sentence_id].text)
    if not 0 <= start < end <= length:
        return f"offsets {start}-{end} out of range for a sentence of {length} characters"
    if not isinstance(label, str) or label not in labels:
        return f"unknown label {label!r}"
    score = item.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1):
        return f"score {score!r} is not a number from 0 to 1"
    reason = item.get("reason")
    if reason is not None and not isinstance(reason, str):
        return "reason must be a string"
    return sentences[sentence_id], start, end, label, None if score is None else float(score), reason


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def suggest_external(
    store: Store, command: str, name: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> SuggestReport:
    """Run an outside program over every sentence and store its suggestions, or refuse
    its output whole (ExternalRefused) and store nothing."""
    source = external(name or tool_name(command))
    sentences = {s.id: s for s in store.corpus.iter_sentences() if s.id is not None}
    lines, status, last_error = run_tool(command, list(sentences.values()), timeout)
    if status is None:
        raise ExternalRefused([f"{len(lines) + 1}: the command timed out after {timeout:g} s"])
    problems = []
    outcome = parse_output(lines, sentences, set(store.tagset().label_names), source)
    problems += outcome.problems
    if status != 0:
        problems.append(
            f"{len(lines) + 1}: the command exited with status {status}"
            + (f" ({last_error.strip()})" if last_error else "")
        )
    if problems:
        raise ExternalRefused(problems)
    added, removed, kept = store.suggestions.sync(list(sentences), outcome.suggestions, sources={source})
    return SuggestReport(len(sentences), added, removed, kept)
