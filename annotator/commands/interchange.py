"""Interchange commands: export, import-annotations, merge."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from ..clock import compact_utc_stamp
from ..errors import InputError
from ..interchange.export import (
    ExportStats,
    Selection,
    UnsupportedExport,
    check_combination,
    export,
    export_to_path,
    file_name,
    progress_total,
)
from ..interchange.formats import ALL_KINDS, FORMATS, KINDS
from ..interchange.importing import import_annotations, iter_errors
from ..interchange.merge import merge_project
from ..model import GOLD, MergeResult
from ..textnorm import visible
from .common import db_option, err, on_terminal, out, progress_bar, project

DEFAULT_FOLDER = Path("exports")


@click.command("export")
@db_option
@click.option("--what", "kind", type=click.Choice(KINDS), default="spans", show_default=True,
              help="spans, sentences (states and judgments), tokens (BIO per token), documents, "
                   "or all (the four CSV files).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv; jsonl (doccano: one object per sentence and annotator); conll (token BIO).")
@click.option("--annotator", "annotators", multiple=True, metavar="NAME",
              help="Only this annotator's work (repeat for several). Default: everyone but gold.")
@click.option("--gold", is_flag=True,
              help="Export the adjudicated gold standard, with agreed_by and resolution columns. "
                   "Drafts (sentences opened in adjudication, not marked adjudicated) are left out.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, allow_dash=True),
              help="Output file, folder, or - for stdout. Default: exports/<project>-<what>-<UTC time>.<ext>.")
@click.option("--raw", is_flag=True,
              help="CSV: write free-text cells as they are, without the spreadsheet-safety apostrophe.")
def export_command(db_path: Path, kind: str, fmt: str, annotators: tuple[str, ...], gold: bool,
                   out_path: Path | None, raw: bool) -> None:
    """Export labelled data as CSV, JSONL (doccano) or CoNLL BIO.

    Output streams at constant memory. CSV cells of free text (text, sentence_text,
    note, title) that start with = + - @ tab or carriage return get a leading
    apostrophe so spreadsheets never run them as formulas; --raw turns that off, and
    import-annotations reverses it.
    """
    try:
        check_combination(kind, fmt)
    except UnsupportedExport as exc:
        raise click.UsageError(str(exc)) from None
    to_stdout = out_path is not None and str(out_path) == "-"
    if kind == "all" and to_stdout:
        raise click.UsageError("--what all writes several files: give --out a folder, not -")
    if kind == "documents" and (annotators or gold):
        raise click.UsageError("--annotator and --gold do not apply to --what documents")
    if raw and fmt != "csv":
        raise click.UsageError("--raw applies to CSV only")
    selection = Selection.of(annotators, gold)
    summary = err if to_stdout else out
    with project(db_path) as store, store.read_snapshot():
        known = set(store.annotations.annotators())
        unknown = [name for name in annotators if name not in known]
        if unknown:
            raise InputError(
                f"no annotator {', '.join(repr(n) for n in unknown)} in this project "
                f"(annotators: {', '.join(sorted(known - {GOLD})) or 'none'})"
            )
        stamp = compact_utc_stamp()
        name = store.project_name()
        drafts = store.exports.gold_drafts() if GOLD in (selection.annotators or ()) else 0
        if drafts:
            summary.print(
                f"Gold of {drafts} sentence(s) left out: opened in adjudication but not marked adjudicated "
                "(drafts). Press enter on them in 'annotator adjudicate' to settle them."
            )
        if to_stdout:
            # UTF-8 whatever the locale, and no newline translation (CSV lines end in CRLF).
            handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                stats = export(store, kind, fmt, handle, selection, raw=raw)
                handle.flush()
            finally:
                handle.detach()
            _report(summary, stats, "stdout")
            return
        kinds = ALL_KINDS if kind == "all" else (kind,)
        for one in kinds:
            target, free_name = _target(out_path, kind == "all", file_name(name, one, fmt, stamp))
            total = progress_total(store, one, fmt, selection) if on_terminal() else None
            with progress_bar(f"Exporting {one}", total) as advance:
                stats = export_to_path(
                    store, one, fmt, target, selection, raw=raw, progress=advance, free_name=free_name
                )
            _report(summary, stats, str(stats.path))


def _target(out_path: Path | None, several: bool, default_name: str) -> tuple[Path, bool]:
    """Where one export goes: a file given, or a folder given (or exports/) with the
    default name; True when the name is the tool's, to be claimed free (-2, -3 ...)."""
    if out_path is None:
        folder = DEFAULT_FOLDER
    elif several or out_path.is_dir():
        folder = out_path
    else:
        if not out_path.parent.exists():
            raise InputError(f"cannot write {out_path}: folder {out_path.parent} does not exist")
        return out_path, False
    folder.mkdir(parents=True, exist_ok=True)
    return folder / default_name, True


def _report(console: Console, stats: ExportStats, where: str) -> None:
    console.print(Text(f"Exported {stats.kind}: {stats.rows} {stats.unit} to {visible(where)}"))
    if stats.spans_dropped:
        console.print(
            f"Dropped {stats.spans_dropped} of {stats.spans_kept + stats.spans_dropped} spans: BIO cannot hold "
            "overlapping spans, so the longest was kept (or the span covered no token)."
        )


@click.command("import-annotations")
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--annotator-prefix", "prefix", default="", metavar="P",
              help="Put P before every annotator name read (e.g. 'siteA-'), to keep teams apart.")
@click.option("--raw", is_flag=True,
              help="The files were exported with --raw: keep every cell as written (no apostrophe removed).")
def import_annotations_command(db_path: Path, files: tuple[Path, ...], prefix: str, raw: bool) -> None:
    """Import annotations from spans CSV, sentences CSV or JSONL files in the export schemas.

    Each row is checked against the project (document, sentence, offsets, text, label,
    judgment, annotator). Each file is all-or-nothing; errors name the file and line.
    Rows already stored are not added again.
    """
    failed = 0
    with project(db_path) as store:
        for path in files:
            result = import_annotations(store, path, prefix, raw=raw)
            if result.failed:
                failed += 1
                for line in iter_errors(result):
                    err.print(Text("error: " + visible(" ".join(line.split()))))
                continue
            parts = []
            if result.kind in ("spans", "jsonl"):
                parts.append(f"{result.spans_added} spans added, {result.spans_present} already present")
            if result.kind in ("sentences", "jsonl"):
                parts.append(f"{result.states_added} sentence states added, {result.states_updated} updated, "
                             f"{result.states_unchanged} unchanged")
            out.print(Text(f"{visible(str(path))} ({result.kind}, {result.rows} rows): " + "; ".join(parts)))
    if failed:
        raise click.exceptions.Exit(1)


@click.command("merge")
@db_option
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path),
                metavar="OTHER.db...")
def merge_command(db_path: Path, sources: tuple[Path, ...]) -> None:
    """Merge other project databases (copies annotated offline) into this one.

    Brings documents, sentences, spans, sentence states and judgments, suggestions and
    their decisions, events and lexicons. Documents match by id and text; the same id
    with different text refuses that source. One transaction per source; merging again
    adds nothing. A source is never changed; one with an older schema is merged from an
    upgraded copy.
    """
    failed = 0
    with project(db_path) as store:
        for source in sources:
            try:
                result = merge_project(store, source)
            except InputError as exc:
                failed += 1
                err.print(Text("error: " + visible(" ".join(str(exc).split()))))
                continue
            if result.conflicts:
                failed += 1
                # One line per refused source, like every error; the first conflicts name the cause.
                shown = "; ".join(" ".join(line.split()) for line in result.conflicts[:5])
                more = len(result.conflicts) - 5
                err.print(Text(visible(
                    f"error: {source}: refused, nothing merged: {shown}" + (f" (and {more} more)" if more > 0 else "")
                )))
                continue
            _print_merge(result)
    if failed:
        raise click.exceptions.Exit(1)


def _print_merge(result: MergeResult) -> None:
    out.print(Text(
        f"Merged {visible(result.source)}: {result.documents_added} documents "
        f"({result.sentences_added} sentences) added, {result.documents_matched} already here; "
        f"{result.spans_added} spans, {result.statuses_added} sentence states added "
        f"({result.statuses_updated} updated), {result.suggestions_added} suggestions, "
        f"{result.decisions_added} decisions added ({result.decisions_updated} updated), "
        f"{result.events_added} events, {result.annotators_added} new annotators, "
        f"{result.lexicons_added} lexicons and {result.lexicon_entries_added} lexicon entries added."
    ))  # fmt: skip
    for reason in result.lexicon_entries_skipped[:10]:
        out.print(Text(f"  lexicon entry skipped: {visible(reason)}"))
    if len(result.lexicon_entries_skipped) > 10:
        out.print(f"  and {len(result.lexicon_entries_skipped) - 10} more lexicon entries skipped")
    if result.lexicon_entries_added:
        out.print("  Run 'annotator suggest' to match the new lexicon entries over the corpus.")
    if result.upgraded_from:
        out.print(Text(
            f"  {visible(result.source)} has an older schema ({result.upgraded_from}): merged from an upgraded "
            "copy, the file itself is unchanged"
        ))  # fmt: skip
    for theirs, ours in result.renamed:
        out.print(Text(f"  document {visible(theirs)} has the same text as {visible(ours)} here: merged onto it"))
