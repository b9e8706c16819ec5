"""Every command has help, and none but init, import and demo creates a missing project."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from annotator import __version__
from annotator.cli import LAZY_COMMANDS, cli

CREATES_PROJECT = {("init",), ("import",), ("demo",)}


def subcommands(group: click.Group):
    """(name, command) of a group's commands, resolving the CLI's lazily loaded ones."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{name} is listed but does not resolve"
        yield name, command


def leaf_commands(command: click.Command = cli, path: tuple[str, ...] = ()):
    if isinstance(command, click.Group):
        for name, sub in subcommands(command):
            yield from leaf_commands(sub, (*path, name))
    else:
        yield path, command


def all_commands(command: click.Command = cli, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in subcommands(command):
            yield from all_commands(sub, (*path, name))


COMMANDS = list(all_commands())
LEAVES = list(leaf_commands())


def invoke(args, **kwargs):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_top_level_help_lists_the_project_commands():
    result = invoke(["--help"])
    assert result.exit_code == 0
    for name in ("init", "import", "status", "documents", "show", "tagset", "demo"):
        assert f"  {name} " in result.output


def test_lazy_command_map_matches_the_commands():
    """`annotator --help` lists the commands from LAZY_COMMANDS without loading them:
    each entry resolves to a command of that name whose help starts with the same text."""
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(LAZY_COMMANDS)
    for name, (_, first_paragraph) in LAZY_COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        assert not command.short_help and not command.hidden and not command.deprecated
        assert (command.help or "").split("\n\n")[0].strip() == first_paragraph, name


def test_top_level_help_loads_no_command_module():
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "sys.argv = ['annotator', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('annotator.commands.'))\n"
        "print('loaded:', ','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "  agreement " in result.stdout and "  import-annotations " in result.stdout
    assert result.stdout.strip().endswith("loaded:"), result.stdout.splitlines()[-1]


def test_a_mistyped_command_gets_a_suggestion():
    result = CliRunner().invoke(cli, ["agreemnt"])
    assert result.exit_code == 2 and "Did you mean" in result.output and "'agreement'" in result.output


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "annotator" for p, _ in COMMANDS])
def test_every_command_has_help(path, command):
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    for option in command.params:
        if isinstance(option, click.Option) and option.name != "help":
            assert option.help, f"{' '.join(path)} {option.opts[0]} has no help text"
    result = invoke([*path, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    if path and not isinstance(command, click.Group):
        assert "--db" in result.output


@pytest.mark.parametrize(
    ("path", "command"),
    [(p, c) for p, c in LEAVES if p not in CREATES_PROJECT],
    ids=[" ".join(p) for p, _ in LEAVES if p not in CREATES_PROJECT],
)
def test_commands_refuse_a_missing_project_and_create_no_file(tmp_path, path, command):
    db = tmp_path / "missing.db"
    args = [*path, "--db", str(db)]
    for param in command.params:
        if param.required:
            args += ["x"] if isinstance(param, click.Argument) else [param.opts[0], "x"]
    result = invoke(args, input="")
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not db.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["statu"],
        ["import"],
        ["export", "--what", "documents", "--format", "conll"],
        ["agreement", "--json", "--csv"],
        ["lexicon", "nope"],
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(args, tmp_path):
    from click.testing import CliRunner

    from annotator.cli import cli

    result = CliRunner().invoke(cli, [*args], obj={})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
