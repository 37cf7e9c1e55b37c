"""docs/cli.md is generated from `--help` (and a test checks it is current):
`python -m pairaid.cli.reference > docs/cli.md`."""

from __future__ import annotations

from typer.testing import CliRunner

from pairaid.cli.main import app

COMMANDS = ["demo", "import", "export", "template", "panel", "summary", "info", "backup", "restore",
            "index build",
            "index sensitivity", "equity", "dependence", "environment", "audit", "estimate",
            "event-study", "dose-response", "synth", "report"]
_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=_ENV, prog_name="pairaid")
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def cli_reference() -> str:
    parts = ["# Command-line reference", "",
             "Generated from `--help` by `python -m pairaid.cli.reference > docs/cli.md`.", "",
             "```", _help(), "```", ""]
    for command in COMMANDS:
        parts += [f"## pairaid {command}", "", "```", _help(*command.split()), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(cli_reference(), end="")
