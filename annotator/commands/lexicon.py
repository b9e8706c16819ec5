"""Lexicon commands: lexicon list|load|check|add|remove|export|stats."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from ..interchange.output_file import OutputFile
from ..lexicon.entries import (
    MATCH_KINDS,
    LexiconError,
    duplicates_across,
    normalise,
    read_lexicon,
    term_key,
    validate_new_entry,
    with_lexicon,
    write_lexicon,
)
from ..lexicon.feedback import candidates, entry_stats, exclude_proposals
from ..lexicon.phrase import literal_words, split_alternatives
from ..model import LexiconEntry
from ..resources import default_tagset_path
from ..tagset import load_tagset
from ..textnorm import error_line, visible
from .common import (
    TerminalSafe,
    db_option,
    err,
    is_terminal,
    json_option,
    out,
    print_json,
    project,
)

USER_LEXICON = "project"
SUGGEST_HINT = "Run 'annotator suggest' to update the suggestions."
# Warnings listed one by one; the rest are counted.
MAX_LISTED = 10


def _fail_with_problems(error: LexiconError) -> None:
    for problem in error.problems:
        err.print(Text(error_line(str(problem))))
    err.print(f"{len(error.problems)} problem(s); nothing was loaded.")
    raise click.exceptions.Exit(1)


def _entry_json(e: LexiconEntry) -> dict:
    return {
        "lexicon": e.lexicon,
        "term": e.term,
        "label": e.label,
        "match": e.match,
        "forms": list(e.forms),
        "exclude": list(e.exclude),
        "neutral": e.neutral,
        "note": e.note,
        "source": e.source,
        "line": e.line,
    }


@click.group()
def lexicon() -> None:
    """Manage the lexicons that pre-suggest spans (see lexicons/README.md for the format)."""


@lexicon.command("list")
@db_option
@json_option
@click.option("--lexicon", "lexicon_name", help="Only this lexicon's entries.")
@click.option("--label", help="Only entries with this label.")
def list_(db_path: Path, as_json: bool, lexicon_name: str | None, label: str | None) -> None:
    """List the project's lexicons and their entries."""
    with project(db_path) as store:
        lexicons = store.lexicons.all()
        entries = [e for e in store.lexicons.entries(lexicon_name) if label is None or e.label == label]
    if as_json:
        print_json(
            {
                "lexicons": [
                    {"name": x.name, "path": x.path, "loaded_at": x.loaded_at, "entries": x.entries} for x in lexicons
                ],
                "entries": [_entry_json(e) for e in entries],
            }
        )
        return
    if not lexicons:
        out.print("No lexicons. Load one with: annotator lexicon load FILE")
        return
    for x in lexicons:
        out.print(
            Text(
                f"Lexicon {visible(x.name)}: {x.entries} entries (loaded {x.loaded_at}"
                f"{', from ' + visible(x.path) if x.path else ''})",
                style="bold",
            )
        )
    table = Table("term", "label", "match", "forms", "exclude", "neutral", "lexicon")
    for e in entries:
        table.add_row(
            *(
                Text(visible(v))
                for v in (
                    e.term,
                    e.label,
                    e.match,
                    " | ".join(e.forms),
                    " | ".join(e.exclude),
                    e.neutral,
                    e.lexicon or "",
                )
            )
        )
    out.print(table)


@lexicon.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--name", help="Lexicon name (default: the file name without .csv).")
@click.option("--replace", is_flag=True, help="Replace the project's lexicon of the same name.")
def load(db_path: Path, file: Path, name: str | None, replace: bool) -> None:
    """Load a lexicon CSV into the project (a project may hold several lexicons)."""
    with project(db_path) as store:
        try:
            entries = read_lexicon(file, store.tagset().label_names)
        except LexiconError as exc:
            _fail_with_problems(exc)
        name = name or file.stem
        saved = store.lexicons.save(name, entries, str(file.resolve()), replace=replace)
        overlaps = duplicates_across(
            with_lexicon(entries, name), [e for e in store.lexicons.entries() if e.lexicon != name]
        )
    for message in overlaps[:MAX_LISTED]:
        err.print(Text("warning: " + visible(message)))
    if len(overlaps) > MAX_LISTED:
        err.print(f"warning: and {len(overlaps) - MAX_LISTED} more entries that other lexicons already define")
    out.print(f"Loaded lexicon {saved.name!r}: {saved.entries} entries. {SUGGEST_HINT}")


@lexicon.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--tagset",
    "tagset_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Check labels against this tag set (default: the project's, else the bundled one).",
)
def check(db_path: Path, file: Path, tagset_path: Path | None) -> None:
    """Validate a lexicon CSV without loading it; problems name the file and line."""
    if tagset_path is not None:
        labels, against = load_tagset(tagset_path).label_names, str(tagset_path)
    elif db_path.exists():
        with project(db_path) as store:
            labels, against = store.tagset().label_names, f"the tag set of {db_path}"
    else:
        labels, against = load_tagset(default_tagset_path()).label_names, "the bundled tag set"
    try:
        entries = read_lexicon(file, labels)
    except LexiconError as exc:
        for problem in exc.problems:
            err.print(Text(error_line(str(problem))))
        err.print(f"{len(exc.problems)} problem(s) in {file}.")
        raise click.exceptions.Exit(1) from None
    counts = {kind: sum(e.match == kind for e in entries) for kind in MATCH_KINDS}
    out.print(
        f"{file}: {len(entries)} entries OK against {against} ("
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        + ")."
    )


@lexicon.command()
@db_option
@click.argument("term")
@click.option("--label", default="", help="A label of the project's tag set (required unless --match ignore).")
@click.option(
    "--match",
    "match",
    type=click.Choice(MATCH_KINDS),
    help="How the term matches (default: exact for one word, phrase for several).",
)
@click.option("--forms", default="", help="Extra surface forms, separated by |.")
@click.option("--exclude", default="", help="Forms that must never match, separated by |.")
@click.option("--neutral", default="", help="A neutral alternative, shown to the reviewer.")
@click.option("--note", default="", help="Why the term is loaded.")
@click.option("--source", default="annotator lexicon add", show_default=True, help="Where the entry came from.")
@click.option(
    "--lexicon",
    "lexicon_name",
    default=USER_LEXICON,
    show_default=True,
    help="The lexicon to add to (created if needed).",
)
def add(
    db_path: Path,
    term: str,
    label: str,
    match: str | None,
    forms: str,
    exclude: str,
    neutral: str,
    note: str,
    source: str,
    lexicon_name: str,
) -> None:
    """Add one entry to a lexicon of the project."""
    term = normalise(term)
    if not term:
        raise InputError("empty term")
    if match is None:
        match = "exact" if len(literal_words(term)) == 1 else "phrase"
    if not label and match != "ignore":
        raise click.UsageError("--label is required (unless --match ignore)")
    entry = LexiconEntry(
        term=term,
        label=label,
        match=match,
        forms=tuple(split_alternatives(forms)),
        exclude=tuple(split_alternatives(exclude)),
        neutral=normalise(neutral),
        note=normalise(note),
        source=normalise(source),
    )
    with project(db_path) as store:
        problems = validate_new_entry(entry, store.lexicons.entries(), store.tagset().label_names)
        if problems:
            raise InputError("; ".join(problems))
        store.lexicons.add_entry(lexicon_name, entry)
    out.print(Text(f"Added {visible(term)!r} ({label}, {match}) to lexicon {visible(lexicon_name)!r}. " + SUGGEST_HINT))


@lexicon.command()
@db_option
@click.argument("term")
@click.option("--label", help="Only the entry with this label.")
@click.option("--lexicon", "lexicon_name", help="Only from this lexicon.")
def remove(db_path: Path, term: str, label: str | None, lexicon_name: str | None) -> None:
    """Remove an entry (matched case-insensitively) from the project's lexicons."""
    with project(db_path) as store:
        doomed = [
            e
            for e in store.lexicons.entries(lexicon_name)
            if term_key(e.term) == term_key(term) and (label is None or e.label == label)
        ]
        if not doomed:
            raise InputError(f"no lexicon entry {term!r}" + (f" with label {label!r}" if label else ""))
        store.lexicons.delete_entries([e.id for e in doomed if e.id is not None])
    for e in doomed:
        out.print(
            Text(f"Removed {visible(e.term)!r} ({e.label}, {e.match}) from lexicon {visible(e.lexicon or '')!r}.")
        )
    out.print(SUGGEST_HINT)


@lexicon.command()
@db_option
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--lexicon", "lexicon_name", help="Only this lexicon (default: all of them).")
def export(db_path: Path, out_path: Path | None, lexicon_name: str | None) -> None:
    """Write the project's lexicon entries as a lexicon CSV."""
    with project(db_path) as store:
        if lexicon_name is not None and all(x.name != lexicon_name for x in store.lexicons.all()):
            raise InputError(f"no lexicon {lexicon_name!r} in {db_path}")
        entries = store.lexicons.entries(lexicon_name)
    if out_path is None:
        # Exactly the file's bytes into a pipe or file (`> lexicon.csv` must load back
        # unchanged); visible placeholders only on a terminal.
        handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            write_lexicon(entries, TerminalSafe(handle, terminal=is_terminal(sys.stdout)))
            handle.flush()
        finally:
            handle.detach()
        return
    # Through a private temporary file, renamed over --out when complete (never written
    # through a symlink planted there, never left half-written).
    with OutputFile(out_path) as handle:
        write_lexicon(entries, handle)
    err.print(f"Wrote {len(entries)} entries to {out_path}.")


@lexicon.command()
@db_option
@json_option
@click.option(
    "--candidates",
    "show_candidates",
    is_flag=True,
    help="Rank manually tagged forms that no entry covers, as proposed additions.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many rows.")
def stats(db_path: Path, as_json: bool, show_candidates: bool, limit: int | None) -> None:
    """Hits, decisions and precision per entry, most rejected first; or --candidates."""
    with project(db_path) as store:
        if show_candidates:
            rows = candidates(store)[:limit]
            excludes = exclude_proposals(store)[:limit]
            if as_json:
                print_json({"candidates": [c.as_json() for c in rows], "excludes": [p.as_json() for p in excludes]})
                return
            if excludes:
                table = Table("term", "label", "exclude form", "accepted", "rejected", "entry precision", "add with")
                for p in excludes:
                    table.add_row(
                        Text(visible(p.entry.term)),
                        p.entry.label,
                        Text(visible(p.form)),
                        str(p.accepted),
                        str(p.rejected),
                        "-" if p.entry_precision is None else f"{p.entry_precision:.2f}",
                        Text(visible(p.command)),
                    )
                out.print("Forms reviewers mostly reject, proposed as exclude forms of their entry:")
                out.print(table)
            if not rows:
                out.print("No candidates: every manual annotation is covered by a lexicon entry.")
                return
            table = Table("form", "label")
            for column in ("frequency", "annotators"):
                table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
            table.add_column("add with")
            for c in rows:
                table.add_row(
                    Text(visible(c.form)), c.label, str(c.frequency), str(c.annotators), Text(visible(c.command))
                )
            out.print(table)
            return
        entries = entry_stats(store)[:limit]
    if as_json:
        print_json({"entries": [r.as_json() for r in entries]})
        return
    table = Table("term", "label", "match")
    for column in ("hits", "accepted", "rejected", "pending", "precision"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    for r in entries:
        precision = "-" if r.precision is None else f"{r.precision:.2f}"
        table.add_row(
            Text(visible(r.term)),
            r.label,
            r.match,
            str(r.hits),
            str(r.accepted),
            str(r.rejected),
            str(r.pending),
            precision,
        )
    out.print(table)
