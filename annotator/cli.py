"""The `annotator` command: parse, call the core, print.

Errors are one line on stderr: exit 1 for bad input, 2 for usage. No traceback unless
--debug.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys

import click

from . import __version__
from .errors import AnnotatorError

# Commands load on demand: `annotator agreement` must not pay for the importer, the
# lexicon, the interchange formats or the UI. Name -> ("module:attribute" under
# annotator.commands, the first paragraph of the command's help). `annotator --help`
# lists the commands from these texts without importing anything;
# tests/cli/test_cli_help.py checks they match the commands' own help.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "adjudicate": ("adjudicate:adjudicate", "Settle disagreements into a gold standard, with provenance."),
    "agreement": ("agreement:agreement", "Inter-annotator agreement: sentence, token, span and unitizing levels."),
    "assign": ("team:assign", "Assign documents to the roster's annotators: K each, balanced loads and pairs."),
    "assignments": ("team:assignments", "List the assigned documents and who has each."),
    "annotate": ("annotate:annotate", "Tag loaded language sentence by sentence in the keyboard-first workspace."),
    "demo": ("project:demo", "Create (or reuse) a demo project from the bundled samples and open the annotation UI."),
    "disagreements": (
        "agreement:disagreements",
        "Sentences ranked by disagreement, with every annotator's spans or judgment side by side.",
    ),
    "documents": ("project:documents", "List documents, one line each."),
    "guidelines": ("guidelines:guidelines", "Store the project's annotation guidelines (Markdown) and show them."),
    "flags": ("team:flags", "List the sentences annotators flagged, with their notes."),
    "export": (
        "interchange:export_command",
        "Export labelled data as CSV, JSONL (doccano), CoNLL-2003, a Hugging Face dataset or Label Studio tasks.",
    ),
    "import": (
        "project:import_",
        "Import documents from .txt, .csv or .jsonl files or folders (creates the project if needed).",
    ),
    "import-annotations": (
        "interchange:import_annotations_command",
        "Import annotations from spans CSV, sentences CSV or JSONL files in the export schemas.",
    ),
    "init": ("project:init", "Create a project database with a tag set."),
    "lexicon": (
        "lexicon:lexicon",
        "Manage the lexicons that pre-suggest spans (see lexicons/README.md for the format).",
    ),
    "merge": ("interchange:merge_command", "Merge other project databases (copies annotated offline) into this one."),
    "report": (
        "report:report",
        "The researcher's report: progress, labels, agreement with intervals, suggestions, quality, disagreements.",
    ),
    "serve": ("serve:serve", "Serve the annotation workspace (and, for curators, adjudication) in the browser."),
    "show": ("project:show", "Show a document's sentences, tokens and suggestions."),
    "status": ("project:status", "Show documents, sentences, annotators and per-annotator progress."),
    "recommend": ("recommend:recommend", "Train and evaluate the learned recommender on the team's done sentences."),
    "settings": ("settings:settings", "Show and change the project's settings."),
    "suggest": (
        "suggest:suggest",
        "Re-run the lexicon and scare-quote detector over all sentences, keeping decisions.",
    ),
    "tagset": ("project:tagset", "Inspect the project's tag set."),
    "team": ("team:team", "Manage the project's roster, its members' conditions, and watch their progress."),
}


class OneLineUsageError(click.UsageError):
    """A usage error shown as one line on stderr (exit code 2), like every other error."""

    def show(self, file: object = None) -> None:
        from .textnorm import error_line

        hint = ""
        if self.ctx is not None:
            hint = f" (see '{self.ctx.command_path} --help')"
        click.echo(error_line(self.format_message()) + hint, err=True)


class AnnotatorGroup(click.Group):
    """The top-level group: commands resolved lazily from LAZY_COMMANDS (click's
    LazyGroup pattern), and errors turned into one line on stderr."""

    def __init__(
        self, *args: object, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            # click suggests near names from the loaded commands only: offer the lazy ones too.
            name = getattr(exc, "command_name", None)  # click.NoSuchCommand (click >= 8.2)
            if name is None or getattr(exc, "possibilities", None):
                raise
            raise type(exc)(name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def _load(self, cmd_name: str) -> click.Command:
        module_name, attribute = self.lazy_commands[cmd_name][0].split(":")
        command = getattr(importlib.import_module(f"{__package__}.commands.{module_name}"), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wrong entry in the map
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help, from the lazy map's texts: no command module loads."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands or name not in self.lazy_commands:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                # A bare command with the same help shortens it exactly as the real one does.
                stand_in = click.Command(name, help=self.lazy_commands[name][1])
                rows.append((name, stand_in.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: object
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message(), exc.ctx) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OneLineUsageError:
            raise
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message(), exc.ctx) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`annotator ... | head`): end quietly, as Unix tools do.
            _end_on_broken_pipe(ctx)
        except AnnotatorError as exc:
            _fail(ctx, exc, str(exc))
        except sqlite3.DatabaseError as exc:
            _fail(ctx, exc, f"database error: {exc}")
        except OSError as exc:
            _fail(
                ctx, exc, f"{str(exc.filename) + ': ' if getattr(exc, 'filename', None) else ''}{exc.strerror or exc}"
            )
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            _fail(ctx, exc, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return None


def _fail(ctx: click.Context, exc: BaseException, message: str) -> None:
    from .textnorm import error_line

    if (ctx.obj or {}).get("debug"):
        raise exc
    # One line, and no raw control characters: messages can quote file names and ids.
    click.echo(error_line(message), err=True)
    ctx.exit(1)


@click.group(cls=AnnotatorGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="framing-annotator")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Annotate framing and loaded language in Indonesian news.

    Import articles, tag loaded words sentence by sentence in a keyboard-first
    terminal UI, measure inter-annotator agreement, and export labelled data.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# What a shell reports for a process that SIGPIPE ended (128 + 13).
BROKEN_PIPE_EXIT = 141


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the last flush at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def _end_on_broken_pipe(ctx: click.Context) -> None:
    _silence_stdout()
    ctx.exit(BROKEN_PIPE_EXIT)


def main() -> None:
    code: object = 0
    try:
        cli(obj={})
    except SystemExit as exc:
        code = exc.code
    try:
        # Output still buffered can meet the broken pipe only here.
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = BROKEN_PIPE_EXIT
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
