"""The `annotator` command: parse, call the core, print.

Errors are one line on stderr: exit 1 for bad input, 2 for usage. No traceback unless
--debug.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from . import __version__
from .commands import agreement as agreement_commands
from .commands import annotate as annotate_commands
from .commands import interchange as interchange_commands
from .commands import lexicon as lexicon_commands
from .commands import adjudicate as adjudicate_commands
from .commands import project as project_commands
from .errors import AnnotatorError
from .textnorm import visible


class AnnotatorGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except AnnotatorError as exc:
            _fail(ctx, exc, str(exc))
        except sqlite3.DatabaseError as exc:
            _fail(ctx, exc, f"database error: {exc}")
        except OSError as exc:
            _fail(ctx, exc, f"{str(exc.filename) + ': ' if getattr(exc, 'filename', None) else ''}{exc.strerror or exc}")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            _fail(ctx, exc, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return None


def _fail(ctx: click.Context, exc: BaseException, message: str) -> None:
    if (ctx.obj or {}).get("debug"):
        raise exc
    # One line, and no raw control characters: messages can quote file names and ids.
    click.echo("error: " + visible(" ".join(message.split())), err=True)
    ctx.exit(1)


@click.group(cls=AnnotatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


project_commands.register(cli)
annotate_commands.register(cli)
agreement_commands.register(cli)
interchange_commands.register(cli)
lexicon_commands.register(cli)
adjudicate_commands.register(cli)


def main() -> None:
    cli(obj={})


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
