"""The CLI's shared pieces below every command module: the two consoles, the ledger opener and
the input-error wrapper. Command modules import these from here, never from `cli/main.py`
(which imports the command modules: that was an import circle)."""

from __future__ import annotations

import contextlib
import functools

import typer
from rich.console import Console
from rich.markup import escape

out = Console()
err = Console(stderr=True, soft_wrap=True)
state = {"debug": False, "include_drafts": False}


@contextlib.contextmanager
def progress(message: str):
    """A status line on stderr, updated by calling what this yields, from the caller's thread.

    `err.status` redraws from a thread of its own; a command that forks (the IATI import reads
    in a forked process, `ingest/iati/beside.py`) must run no other thread, so this one redraws
    only when told (each step of the import says how far it is)."""
    from rich.live import Live
    from rich.text import Text

    with Live(Text(message), console=err, auto_refresh=False, transient=True) as live:
        yield lambda text: live.update(Text(text), refresh=True)


def use_drafts(include: bool) -> None:
    """Whether the ledgers this command opens to read show drafts to the analysis (issue 15:
    analytics use approved records unless `--include-drafts`)."""
    state["include_drafts"] = bool(include)


def open_ledger(db: str | None, create: bool = False):
    """The ledger at `db` (a path or URL; PAIRAID_DB or ./pairaid.db when None).

    A command that only reads (`create=False`) sees one snapshot of the ledger for its whole run,
    so its figures and its provenance fingerprint describe the same ledger even while an import
    commits."""
    from pairaid.ledger import Store

    return Store.open(db, create=create, snapshot=not create,
                      include_drafts=state["include_drafts"] and not create)


def bad_input(func):
    """Turn the library's input errors into one clear message and exit code 2."""
    import sqlite3

    import sqlalchemy.exc

    from pairaid.errors import InputError
    from pairaid.ingest.errors import ImportValidationError
    from pairaid.ingest.hygiene import printable

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ImportValidationError as exc:
            if state["debug"]:
                raise
            files = sorted({p.file for p in exc.problems})
            if len(exc.problems) == 1 and exc.problems[0].row == 0:  # the file as a whole
                problem = exc.problems[0]
                err.print(f"[bold red]error:[/] {escape(printable(problem.file))}: "
                          f"{escape(printable(problem.reason))}; nothing was written",
                          highlight=False)
                raise typer.Exit(2) from None
            err.print(f"[bold red]error:[/] {escape(printable(', '.join(files)))}: "
                      f"{len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}; "
                      "nothing was written", highlight=False)
            err.print(printable(exc.message()), markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (InputError, OSError, sqlalchemy.exc.OperationalError,
                sqlite3.OperationalError) as exc:
            if state["debug"]:
                raise
            err.print(f"[bold red]error:[/] {escape(printable(_one_line(exc)))}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def _one_line(exc: BaseException) -> str:
    """An error as one line: an OSError as 'file: reason' (not '[Errno 21] ...'), a database
    error by its driver's first line."""
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename if exc.filename is not None else ""
        return f"{where}: {exc.strerror}" if where else exc.strerror
    orig = getattr(exc, "orig", None)
    if orig is not None:
        return "the ledger refused the operation: " + (str(orig).strip().splitlines() or [""])[0]
    return str(exc)
