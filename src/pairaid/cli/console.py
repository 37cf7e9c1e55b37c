"""The CLI's shared pieces below every command module: the two consoles, the ledger opener and
the input-error wrapper. Command modules import these from here, never from `cli/main.py`
(which imports the command modules: that was an import circle)."""

from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.markup import escape

out = Console()
err = Console(stderr=True, soft_wrap=True)
state = {"debug": False}


def open_ledger(db: str | None, create: bool = False):
    """The ledger at `db` (a path or URL; PAIRAID_DB or ./pairaid.db when None)."""
    from pairaid.ledger import Store

    return Store.open(db, create=create)


def bad_input(func):
    """Turn the library's input errors into one clear message and exit code 2."""
    from pairaid.errors import InputError
    from pairaid.ingest.errors import ImportValidationError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ImportValidationError as exc:
            if state["debug"]:
                raise
            files = sorted({p.file for p in exc.problems})
            err.print(f"[bold red]error:[/] {escape(', '.join(files))}: {len(exc.problems)} problem"
                      f"{'s' if len(exc.problems) != 1 else ''}; nothing was written",
                      highlight=False)
            err.print(exc.message(), markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (InputError, OSError) as exc:
            if state["debug"]:
                raise
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper
