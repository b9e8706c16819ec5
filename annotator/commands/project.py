"""Project commands: init, import, status, documents, show, tagset, demo."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from ..corpus_files import FORMATS, FieldChoice, expand_paths
from ..corpus_import import Importer, ImportOptions, ImportReport
from ..errors import AnnotatorError, InputError
from ..model import Tagset
from ..resources import default_tagset_path, sample_paths
from ..store import Store
from ..tagset import load_tagset, tagset_to_toml
from ..textnorm import error_line, visible
from . import hooks
from .common import db_option, err, json_option, out, print_json, progress_bar, project

DEMO_PROJECT = "demo"
# Skipped documents listed per file; the rest are counted.
SKIPPED_SHOWN = 10


def create_project(db_path: Path, tagset_path: Path | None = None, name: str | None = None) -> Store:
    """Open the project at db_path, creating and initialising it if needed."""
    tagset = load_tagset(tagset_path or default_tagset_path())
    with ExitStack() as undo:
        store = Store.open(db_path, create=True)
        undo.callback(store.close)  # closed again only if setting it up fails
        if not store.is_initialized():
            store.initialize(name or db_path.stem, tagset)
            hooks.after_init(store)
        elif tagset_path is not None:
            raise AnnotatorError(f"{db_path} already holds project {store.project_name()!r}")
        undo.pop_all()
    return store


def _has_content(db_path: Path) -> bool:
    return db_path.is_file() and db_path.stat().st_size > 0


@click.command()
@db_option
@click.option(
    "--tagset",
    "tagset_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Tag set TOML file (default: the bundled loaded-language tag set).",
)
@click.option("--name", help="Project name (default: the database file name).")
def init(db_path: Path, tagset_path: Path | None, name: str | None) -> None:
    """Create a project database with a tag set."""
    if _has_content(db_path):
        with Store.open(db_path, create=True) as existing:
            if existing.is_initialized():
                raise AnnotatorError(f"{db_path} already holds project {existing.project_name()!r}")
    tagset_obj = load_tagset(tagset_path or default_tagset_path())
    with create_project(db_path, tagset_path, name) as store:
        out.print(
            Text(
                visible(
                    f"Created project {store.project_name()!r} in {db_path} with tag set "
                    f"{tagset_obj.name!r} ({len(tagset_obj.labels)} labels)."
                )
            )
        )


@click.command("import")
@db_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Input format; auto picks by file extension.",
)
@click.option("--text-field", help="CSV/JSONL field holding the text.")
@click.option("--id-field", help="CSV/JSONL field holding the document id.")
@click.option("--title-field", help="CSV/JSONL field holding the title.")
@click.option("--encoding", help="Decode input with this encoding instead of UTF-8.")
def import_(
    db_path: Path,
    paths: tuple[Path, ...],
    fmt: str,
    text_field: str | None,
    id_field: str | None,
    title_field: str | None,
    encoding: str | None,
) -> None:
    """Import documents from .txt, .csv or .jsonl files or folders (creates the project if needed)."""
    options = ImportOptions(fmt, FieldChoice(text_field, id_field, title_field), encoding)
    with create_project(db_path) as store:
        total = sum(p.stat().st_size for p in expand_paths(list(paths), fmt) if p.is_file())
        with progress_bar("Importing", total, in_bytes=True) as advance:
            importer = Importer(store, options, on_sentences=hooks.sentences_hook(store), on_progress=advance)
            report = importer.run(list(paths))
    _print_import_report(report)
    if report.failed:
        raise click.exceptions.Exit(1)


def _print_import_report(report: ImportReport) -> None:
    for failure in report.failed:
        err.print(Text(error_line(failure.error or "")))
    for result in report.files:
        if result.error is None and result.skipped:
            for skipped in result.skipped[:SKIPPED_SHOWN]:
                err.print(Text(f"skipped: {visible(skipped)}"))
            if len(result.skipped) > SKIPPED_SHOWN:
                err.print(Text(f"skipped: {len(result.skipped) - SKIPPED_SHOWN} more from {visible(result.path)}"))
    out.print(
        f"Imported {report.documents} documents, {report.sentences} sentences, {report.tokens} tokens; "
        f"skipped {report.skipped}, failed {len(report.failed)} file(s)."
    )


@click.command()
@db_option
@json_option
def status(db_path: Path, as_json: bool) -> None:
    """Show documents, sentences, annotators and per-annotator progress."""
    with project(db_path) as store:
        counts = store.corpus.counts()
        progress = store.annotations.progress()
        extra = hooks.status_extras(store)
        if as_json:
            print_json(
                {
                    "project": store.project_name(),
                    **counts,
                    "annotators": [
                        {
                            "name": p.annotator,
                            "done": p.done,
                            "skipped": p.skipped,
                            "judged": p.judged,
                            "spans": p.spans,
                        }
                        for p in progress
                    ],
                    **{key: value for key, value in extra.items() if key != "lines"},
                }
            )
            return
        out.print(Text(visible(f"Project {store.project_name()} ({db_path})"), style="bold"))
        out.print(f"{counts['documents']} documents, {counts['sentences']} sentences, {counts['tokens']} tokens")
        if not progress:
            out.print("No annotators yet. Start with: annotator annotate --annotator NAME")
        else:
            table = Table("annotator", "done", "skipped", "judged", "spans", "progress")
            for p in progress:
                share = p.done / counts["sentences"] if counts["sentences"] else 0.0
                table.add_row(
                    Text(visible(p.annotator)),
                    str(p.done),
                    str(p.skipped),
                    str(p.judged),
                    str(p.spans),
                    f"{share:6.1%}",
                )
            out.print(table)
        for line in extra.get("lines", []):
            out.print(Text(line))


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of documents to stdout.")
def documents(db_path: Path, as_json: bool) -> None:
    """List documents, one line each."""
    with project(db_path) as store:
        rows = list(store.corpus.iter_documents())
        if as_json:
            print_json(
                [
                    {
                        "document_id": d.id,
                        "title": d.title,
                        "source": d.source,
                        "url": d.url,
                        "date": d.date,
                        "sentences": d.sentence_count,
                        "tokens": d.token_count,
                    }
                    for d in rows
                ]
            )
            return
        for d in rows:
            # Plain tab-separated lines (rich would expand the tabs), e.g. for `cut -f1`.
            click.echo(f"{_one_line(d.id)}\t{d.sentence_count} sentences\t{_one_line(d.title)}")


@click.command()
@db_option
@click.argument("document_id")
@json_option
def show(db_path: Path, document_id: str, as_json: bool) -> None:
    """Show a document's sentences, tokens and suggestions."""
    with project(db_path) as store:
        document = store.corpus.get_document(document_id)
        if document is None:
            raise InputError(f"no document {document_id!r} in {db_path}")
        sentences = store.corpus.sentences_of(document_id)
        if as_json:
            print_json(
                {
                    "document_id": document.id,
                    "title": document.title,
                    "sentences": [
                        {
                            "index": s.index,
                            "start": s.doc_start,
                            "end": s.doc_end,
                            "text": s.text,
                            "tokens": [list(t) for t in s.tokens],
                            "suggestions": [
                                {"start": g.start, "end": g.end, "label": g.label, "term": g.term, "quoted": g.quoted}
                                for g in store.suggestions.for_sentence(s.id)
                            ],
                        }
                        for s in sentences
                    ],
                }
            )
            return
        out.print(Text(f"{_one_line(document.id)}: {_one_line(document.title)}", style="bold"))
        for s in sentences:
            # People count sentences from 1 ("sentence 1"); --json keeps the 0-based index.
            line = Text(f"{s.index + 1:>4}  ", style="dim")
            line.append(visible(s.text))
            out.print(line)


def _one_line(text: str) -> str:
    """Text for a one-line listing: visible control characters, no line breaks or tabs."""
    return visible(text).replace("\n", " ").replace("\t", " ")


@click.group()
def tagset() -> None:
    """Inspect the project's tag set."""


@tagset.command("show")
@db_option
@json_option
@click.option("--toml", "as_toml", is_flag=True, help="Print the tag set as TOML.")
def tagset_show(db_path: Path, as_json: bool, as_toml: bool) -> None:
    """Print the project's labels and judgment scheme."""
    with project(db_path) as store:
        ts = store.tagset()
    if as_toml:
        click.echo(tagset_to_toml(ts), nl=False)
        return
    if as_json:
        print_json(_tagset_json(ts))
        return
    out.print(Text(f"Tag set {visible(ts.name)}", style="bold"))
    table = Table("key", "label", "color", "description")
    for label in ts.labels:
        table.add_row(
            label.key, Text(label.name, style=f"bold {label.color}"), label.color, Text(visible(label.description))
        )
    out.print(table)
    j = ts.judgment
    out.print(
        Text(visible(f"Judgment {j.name!r} ({j.level}): " + ", ".join(f"{i}={v}" for i, v in enumerate(j.values, 1))))
    )


def _tagset_json(ts: Tagset) -> dict:
    return {
        "name": ts.name,
        "labels": [
            {"name": lb.name, "key": lb.key, "color": lb.color, "description": lb.description} for lb in ts.labels
        ],
        "judgment": {"name": ts.judgment.name, "level": ts.judgment.level, "values": list(ts.judgment.values)},
    }


@click.command()
@db_option
@click.option("--annotator", default="demo", show_default=True, help="Annotator name for the demo session.")
@click.option("--no-ui", is_flag=True, help="Set up the demo project and print its status without opening the UI.")
def demo(db_path: Path, annotator: str, no_ui: bool) -> None:
    """Create (or reuse) a demo project from the bundled samples and open the annotation UI."""
    if _has_content(db_path):
        with Store.open(db_path, create=True) as existing:
            if existing.is_initialized() and existing.project_name() != DEMO_PROJECT:
                raise AnnotatorError(
                    f"{db_path} holds project {existing.project_name()!r}, not the demo; "
                    "pass --db demo.db to keep them apart"
                )
    with create_project(db_path, name=DEMO_PROJECT) as store:
        hooks.prepare_demo(store)
        report = Importer(store, ImportOptions(), on_sentences=hooks.sentences_hook(store)).run(sample_paths())
        if report.failed:
            raise AnnotatorError(report.failed[0].error or "demo import failed")
        counts = store.corpus.counts()
    out.print(f"Demo project in {db_path}: {counts['documents']} documents, {counts['sentences']} sentences.")
    if no_ui:
        ctx = click.get_current_context()
        ctx.invoke(status, db_path=db_path, as_json=False)
        return
    # The first open offers a short guided tour of the demo text (once per annotator).
    hooks.open_ui(db_path, annotator, tour=True)
