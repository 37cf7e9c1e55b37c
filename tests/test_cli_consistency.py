"""One interface (issue 12): every registered command has --json, every command that writes a
file has -o/--output for it, and shared option names mean one thing everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from pairaid.cli.main import app

#: options that name a file the command reads, not one it writes
INPUTS = {"data", "file", "mapping", "spec"}
#: an extra file beside the command's main output: a chart (its destination is -o)
EXTRAS = {"plot"}


def _commands():
    """(name, click command) of every leaf command registered on the app."""
    root = typer.main.get_command(app)
    stack = [("", root)]
    while stack:
        prefix, command = stack.pop()
        if hasattr(command, "commands"):  # a group (typer vendors its own click)
            for name, sub in command.commands.items():
                stack.append((f"{prefix} {name}".strip(), sub))
        else:
            yield prefix, command


def _annotation(param):
    """The Python type a typer parameter was declared with (typer vendors its own click, whose
    parameters carry the annotation instead of a click type)."""
    return param.type_descriptor.annotation


COMMANDS = sorted(_commands(), key=lambda c: c[0])


def test_the_walk_sees_every_command():
    names = {name for name, _ in COMMANDS}
    assert {"demo", "import", "export", "summary", "panel", "audit", "estimate", "delete",
            "coverage set", "index build", "report"} <= names
    assert len(names) >= 20


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_json(name, command):
    options = {opt for p in command.params for opt in p.opts}
    assert "--json" in options, f"pairaid {name} has no --json"


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_writing_command_has_o_output(name, command):
    destinations = [p for p in command.params if _annotation(p) is Path
                    and p.name not in INPUTS | EXTRAS and p.param_type_name == "option"]
    for param in destinations:
        assert "-o" in param.opts and "--output" in param.opts, (
            f"pairaid {name}: the file it writes is {'/'.join(param.opts)}, not -o/--output")
    with_o = [p for p in command.params if "-o" in p.opts]
    assert all(p in destinations for p in with_o), f"pairaid {name}: -o is not its output"


@pytest.mark.parametrize("flag", ["--from", "--to", "--db", "--json", "-o", "--level", "--log",
                                  "--lang"])
def test_shared_options_mean_one_thing(flag):
    kinds = {}
    for name, command in COMMANDS:
        for param in command.params:
            if flag in param.opts:
                kinds.setdefault(str(_annotation(param)), []).append(name)
    assert len(kinds) <= 1, f"{flag} takes different kinds of values: {kinds}"


def test_version():
    from pairaid import __version__

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"pairaid {__version__}"
    assert __version__ != "unknown"


def test_every_analysis_command_reads_in_both_languages():
    """--lang en|zh on each command whose result has readings (cli/reading.py)."""
    names = {name for name, command in COMMANDS
             if "--lang" in {o for p in command.params for o in p.opts}}
    assert {"estimate", "event-study", "synth", "dose-response", "equity", "dependence",
            "environment", "audit", "summary"} <= names
