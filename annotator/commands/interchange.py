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
from ..interchange.annotation_import import import_annotations, iter_errors
from ..interchange.export import (
    OFFSET_FORMATS,
    ExportStats,
    Layout,
    Progress,
    Selection,
    UnsupportedExport,
    check_combination,
    export,
    export_conll_files,
    export_hf,
    export_label_studio_files,
    export_split_files,
    export_to_path,
    file_name,
    progress_total,
)
from ..interchange.formats import (
    ALL_KINDS,
    FORMATS,
    KINDS,
    STATUS_CHOICES,
    default_statuses,
)
from ..interchange.merge import merge_project
from ..interchange.offsets import OFFSETS
from ..interchange.splits import DEFAULT_SPLIT, SplitError
from ..interchange.units import iter_units, unit_annotators
from ..model import GOLD, MergeResult
from ..overlaps import same_label_overlaps
from ..store import Store
from ..textnorm import error_line, visible
from .common import (
    TerminalSafe,
    db_option,
    err,
    is_terminal,
    on_terminal,
    out,
    progress_bar,
    project,
)

DEFAULT_FOLDER = Path("exports")


@click.command("export")
@db_option
@click.option(
    "--what",
    "kind",
    type=click.Choice(KINDS),
    default="spans",
    show_default=True,
    help="spans, sentences (states and judgments), tokens (BIO per token), documents, or all (the four CSV files).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="csv; jsonl (doccano: one object per sentence and annotator); conll (CoNLL-2003, one file "
    "per annotator, with a <name>.sentences.csv beside it); hf (a Hugging Face dataset folder); "
    "label-studio (a JSON array of tasks and its labelling config).",
)
@click.option(
    "--annotator",
    "annotators",
    multiple=True,
    metavar="NAME",
    help="Only this annotator's work (repeat for several). Default: everyone but gold.",
)
@click.option(
    "--gold",
    is_flag=True,
    help="Export the adjudicated gold standard, with agreed_by and resolution columns. "
    "Drafts (sentences opened in adjudication, not marked adjudicated) are left out.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUS_CHOICES),
    help="Only sentences with this status (repeat for several). Default: done for jsonl, conll, hf, "
    "label-studio and --what tokens; any for the spans and sentences CSV.",
)
@click.option(
    "--split",
    "split",
    metavar="TRAIN/VALIDATION/TEST",
    help=f"Split by document into three parts (percentages; hf default {DEFAULT_SPLIT}); "
    "for conll and jsonl, three files.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --split: the same seed, the same split.")
@click.option(
    "--offsets",
    type=click.Choice(OFFSETS),
    default="codepoints",
    show_default=True,
    help="jsonl and label-studio: count offsets in code points, or in UTF-16 code units "
    "(utf16: for tools that count as JavaScript does, such as Label Studio and doccano).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Output file, folder, or - for stdout. Default: exports/<project>-<what>-<UTC time>.<ext>.",
)
@click.option(
    "--raw", is_flag=True, help="CSV: write free-text cells as they are, without the spreadsheet-safety apostrophe."
)
def export_command(
    db_path: Path,
    kind: str,
    fmt: str,
    annotators: tuple[str, ...],
    gold: bool,
    statuses: tuple[str, ...],
    split: str | None,
    seed: int,
    offsets: str,
    out_path: Path | None,
    raw: bool,
) -> None:
    """Export labelled data as CSV, JSONL (doccano), CoNLL-2003, a Hugging Face dataset or Label Studio tasks.

    Output streams at constant memory. CSV cells of free text (text, sentence_text,
    note, title) that start with = + - @ tab or carriage return get a leading
    apostrophe so spreadsheets never run them as formulas; --raw turns that off, and
    import-annotations reverses it.
    """
    try:
        check_combination(kind, fmt)
        layout = Layout(split, seed) if split is not None or fmt == "hf" else None
        if layout is not None:
            layout.shares()
    except (UnsupportedExport, SplitError) as exc:
        raise click.UsageError(str(exc)) from None
    to_stdout = out_path is not None and str(out_path) == "-"
    if kind == "all" and to_stdout:
        raise click.UsageError("--what all writes several files: give --out a folder, not -")
    if fmt == "hf" and to_stdout:
        raise click.UsageError("--format hf writes a folder: give --out a folder, not -")
    if split is not None and fmt not in ("hf", "conll", "jsonl"):
        raise click.UsageError("--split applies to --format hf, conll and jsonl")
    if split is not None and to_stdout:
        raise click.UsageError("--split writes three files: give --out a file name or folder, not -")
    if offsets != "codepoints" and fmt not in OFFSET_FORMATS:
        raise click.UsageError("--offsets applies to --format jsonl and label-studio")
    if kind == "documents" and (annotators or gold or statuses):
        raise click.UsageError("--annotator, --gold and --status do not apply to --what documents")
    if raw and fmt not in ("csv", "conll"):
        raise click.UsageError("--raw applies to CSV (and the CSV beside a CoNLL file) only")
    selection = Selection.of(annotators, gold, statuses or default_statuses(kind, fmt))
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
        if GOLD in (selection.annotators or ()) and kind != "documents":
            _report_gold_overlaps(summary, store, selection)
        if to_stdout:
            if fmt == "conll" and len(unit_annotators(store, selection)) > 1:
                raise click.UsageError(
                    "--format conll holds one annotator per file: pick one with --annotator, or give --out a folder"
                )
            # UTF-8 whatever the locale, and no newline translation (CSV lines end in CRLF).
            handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                stats = export(
                    store,
                    kind,
                    fmt,
                    TerminalSafe(handle, terminal=is_terminal(sys.stdout)),
                    selection,
                    raw=raw,
                    offsets=offsets,
                )
                handle.flush()
            finally:
                handle.detach()
            _report(summary, stats, "stdout")
            return
        if fmt in ("hf", "conll", "label-studio") or layout is not None:
            default_name = file_name(name, kind, fmt, stamp)
            with progress_bar(f"Exporting {fmt}", None) as advance:
                results = _export_files(
                    store,
                    kind,
                    fmt,
                    out_path,
                    default_name,
                    selection,
                    layout,
                    raw=raw,
                    offsets=offsets,
                    progress=advance,
                )
            for stats in results:
                _report(summary, stats, stats.path or "")
            return
        kinds = ALL_KINDS if kind == "all" else (kind,)
        for one in kinds:
            target, free_name = _target(out_path, kind == "all", file_name(name, one, fmt, stamp))
            # --what all: each file takes its own default status.
            one_selection = Selection.of(annotators, gold, statuses or default_statuses(one, fmt))
            total = progress_total(store, one, fmt, one_selection) if on_terminal() else None
            with progress_bar(f"Exporting {one}", total) as advance:
                stats = export_to_path(
                    store,
                    one,
                    fmt,
                    target,
                    one_selection,
                    raw=raw,
                    progress=advance,
                    free_name=free_name,
                    offsets=offsets,
                )
            _report(summary, stats, str(stats.path))


def _export_files(
    store: Store,
    kind: str,
    fmt: str,
    out_path: Path | None,
    default_name: str,
    selection: Selection,
    layout: Layout | None,
    *,
    raw: bool,
    offsets: str,
    progress: Progress,
) -> list[ExportStats]:
    """The formats that write more than one file: hf (a folder), conll (a file per
    annotator, each with its sidecar), label-studio (tasks and config), and --split."""
    if fmt == "hf":
        folder = out_path if out_path is not None else _new_folder(default_name)
        if folder.exists() and not folder.is_dir():
            raise InputError(f"cannot write the hf dataset to {folder}: it is a file, not a folder")
        return [export_hf(store, folder, selection, layout or Layout(), progress=progress, kind=kind)]
    if fmt == "conll":
        several = len(unit_annotators(store, selection)) > 1
        if out_path is None:
            stem = default_name.rsplit(".", 1)[0]
            target = _new_folder(stem) if several else _target(None, False, default_name)[0]
            folder = several
        elif out_path.is_dir():
            target, folder = out_path, True
        elif several:
            if out_path.exists():
                raise InputError(
                    f"several annotators: --out must be a folder (one <annotator>.conll each), and {out_path} is a file"
                )
            target, folder = out_path, True
        else:
            target, folder = _target(out_path, False, default_name)[0], False
        return export_conll_files(store, kind, target, selection, layout, folder=folder, raw=raw, progress=progress)
    target = _target(out_path, False, default_name)[0]
    if fmt == "label-studio":
        return [export_label_studio_files(store, kind, target, selection, progress=progress, offsets=offsets)]
    assert layout is not None  # jsonl with --split
    return export_split_files(store, kind, fmt, target, selection, layout, raw=raw, progress=progress, offsets=offsets)


def _new_folder(name: str) -> Path:
    """A new folder exports/<name>, or <name>-2 ... when taken: made here with mkdir,
    which fails on a name that exists, so two exports never share one."""
    DEFAULT_FOLDER.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        folder = DEFAULT_FOLDER / (name if n == 1 else f"{name}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            n += 1


def _report_gold_overlaps(console: Console, store: Store, selection: Selection) -> None:
    """Gold must not hold two overlapping spans of one label unnoticed: say where."""
    found = []
    for unit in iter_units(store, Selection((GOLD,), (), statuses=selection.statuses)):
        for i, j in same_label_overlaps(unit.spans):
            (start, end, label), (other_start, other_end, _) = unit.spans[i], unit.spans[j]
            found.append(
                f"document {unit.sentence.document_id}, sentence {unit.sentence.index + 1}: "
                f"{label} {start}..{end} overlaps {other_start}..{other_end}"
            )
    if not found:
        return
    console.print(f"Gold holds {len(found)} pair(s) of overlapping spans of the same label:")
    for line in found[:10]:
        console.print(Text(visible(f"  {line}")))
    if len(found) > 10:
        console.print(f"  and {len(found) - 10} more")
    console.print("  Merge or delete one of each pair in 'annotator adjudicate'.")


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
    for extra in stats.paths:
        if extra != where:
            console.print(Text(f"  and {visible(extra)}"))
    if stats.spans_dropped or stats.spans_cut:
        total = stats.spans_kept + stats.spans_dropped + stats.spans_cut
        console.print(
            f"BIO holds one span per token, the longest: of {total} spans, {stats.spans_dropped} have no tags "
            f"(nested in a longer span, or covering no token) and {stats.spans_cut} are cut short by a longer span."
        )


@click.command("import-annotations")
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--annotator-prefix",
    "prefix",
    default="",
    metavar="P",
    help="Put P before every annotator name read (e.g. 'siteA-'), to keep teams apart.",
)
@click.option(
    "--raw",
    is_flag=True,
    help="The files were exported with --raw: keep every cell as written (no apostrophe removed).",
)
@click.option(
    "--offsets",
    type=click.Choice(OFFSETS),
    default="codepoints",
    show_default=True,
    help="How JSONL label offsets count: code points, or UTF-16 code units (a file exported with "
    "--offsets utf16, or written by a tool that counts as JavaScript does).",
)
def import_annotations_command(db_path: Path, files: tuple[Path, ...], prefix: str, raw: bool, offsets: str) -> None:
    """Import annotations from spans CSV, sentences CSV or JSONL files in the export schemas.

    Each row is checked against the project (document, sentence, offsets, text, label,
    judgment, annotator). Each file is all-or-nothing; errors name the file and line.
    Rows already stored are not added again.
    """
    failed = 0
    with project(db_path) as store:
        for path in files:
            result = import_annotations(store, path, prefix, raw=raw, offsets=offsets)
            if result.failed:
                failed += 1
                for line in iter_errors(result):
                    err.print(Text(error_line(line)))
                continue
            parts = []
            if result.kind in ("spans", "jsonl"):
                parts.append(f"{result.spans_added} spans added, {result.spans_present} already present")
            if result.kind in ("sentences", "jsonl"):
                parts.append(
                    f"{result.states_added} sentence states added, {result.states_updated} updated, "
                    f"{result.states_unchanged} unchanged"
                )
            out.print(Text(f"{visible(str(path))} ({result.kind}, {result.rows} rows): " + "; ".join(parts)))
    if failed:
        raise click.exceptions.Exit(1)


@click.command("merge")
@db_option
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="OTHER.db..."
)
def merge_command(db_path: Path, sources: tuple[Path, ...]) -> None:
    """Merge other project databases (copies annotated offline) into this one.

    Brings documents, sentences, spans, sentence states and judgments, suggestions and
    their decisions, events and lexicons. Documents match by id and text; the same id
    with different text refuses that source. Each source lands whole or not at all;
    merging again adds nothing. A source is never changed; one with an older schema is merged from an
    upgraded copy.
    """
    failed = 0
    with project(db_path) as store:
        for source in sources:
            try:
                result = merge_project(store, source)
            except InputError as exc:
                failed += 1
                err.print(Text(error_line(str(exc))))
                continue
            if result.conflicts:
                failed += 1
                # One line per refused source, like every error; the first conflicts name the cause.
                shown = "; ".join(" ".join(line.split()) for line in result.conflicts[:5])
                more = len(result.conflicts) - 5
                err.print(
                    Text(
                        visible(
                            f"error: {source}: refused, nothing merged: {shown}"
                            + (f" (and {more} more)" if more > 0 else "")
                        )
                    )
                )
                continue
            _print_merge(result)
    if failed:
        raise click.exceptions.Exit(1)


def _print_merge(result: MergeResult) -> None:
    out.print(
        Text(
            f"Merged {visible(result.source)}: {result.documents_added} documents "
            f"({result.sentences_added} sentences) added, {result.documents_matched} already here; "
            f"{result.spans_added} spans, {result.statuses_added} sentence states added "
            f"({result.statuses_updated} updated), {result.suggestions_added} suggestions, "
            f"{result.decisions_added} decisions added ({result.decisions_updated} updated), "
            f"{result.events_added} events, {result.annotators_added} new annotators, "
            f"{result.lexicons_added} lexicons and {result.lexicon_entries_added} lexicon entries added."
        )
    )
    for reason in result.lexicon_entries_skipped[:10]:
        out.print(Text(f"  lexicon entry skipped: {visible(reason)}"))
    if len(result.lexicon_entries_skipped) > 10:
        out.print(f"  and {len(result.lexicon_entries_skipped) - 10} more lexicon entries skipped")
    if result.lexicon_entries_added:
        out.print("  Run 'annotator suggest' to match the new lexicon entries over the corpus.")
    if result.upgraded_from:
        out.print(
            Text(
                f"  {visible(result.source)} has an older schema ({result.upgraded_from}): merged from an upgraded "
                "copy, the file itself is unchanged"
            )
        )
    for theirs, ours in result.renamed:
        out.print(Text(f"  document {visible(theirs)} has the same text as {visible(ours)} here: merged onto it"))
