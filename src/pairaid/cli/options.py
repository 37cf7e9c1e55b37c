"""Options and helpers every command shares (so each command module stays a thin parser)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

Db = Annotated[str | None, typer.Option("--db", envvar="PAIRAID_DB", show_envvar=True,
                                        help="Ledger: SQLite file path or postgresql:// URL "
                                             "[default: ./pairaid.db]")]
Data = Annotated[Path | None, typer.Option("--data", help="A plain table instead of the ledger "
                                           "(.csv .xlsx .parquet .json)")]
Unit = Annotated[str, typer.Option("--unit", help="Unit column of --data")]
Time = Annotated[str, typer.Option("--time", help="Period column of --data")]
Level = Annotated[Literal["county", "prefecture"], typer.Option(
    "--level", help="Panel level with --db: county or prefecture")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout")]
#: one meaning everywhere (`evaluate.guards.LogRule`): drop | log1p | none; each command's help
#: says its default and what the sample becomes
LogChoice = Literal["drop", "log1p", "none"]


def log_option(default_text: str):
    """The `--log` option of an estimator, its default named in the help."""
    return typer.Option("--log", help="Logs of the outcome: drop (natural log; rows <= 0 left "
                                      "out and counted) | log1p (log(1+x), zeros kept) | none "
                                      f"(as recorded) [default: {default_text}]. The sample it "
                                      "implies is stated with the result")


#: the language of the readings (the sentences that say what a result means)
Lang = Annotated[Literal["en", "zh"], typer.Option(
    "--lang", help="Language of the readings printed under the result: en | zh (the tables "
                   "and --json stay as they are)")]
#: one meaning everywhere: the first and last year of the analysis (inclusive)
FromYear = Annotated[int | None, typer.Option("--from", help="First year [default: first in the "
                                              "data]")]
ToYear = Annotated[int | None, typer.Option("--to", help="Last year [default: last in the data]")]
#: one meaning everywhere: where the command writes its file (or folder)
Output = Annotated[Path | None, typer.Option("-o", "--output", help="Write the table "
                                             "(.csv .xlsx .parquet .json)")]
Plot = Annotated[Path | None, typer.Option("--plot", help="Also write the plot: .svg or .png "
                                           "(the report's chart, drawn offline)")]


def write_chart(chart, path: Path, error: type[Exception]) -> None:
    """Write an Altair chart from `pairaid.report.charts` as SVG or PNG (by the suffix)."""
    from pairaid.report import charts

    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise error(f"{path}: --plot writes .svg or .png")
    from pairaid.atomic import write_bytes, write_text

    try:
        if suffix == ".svg":
            write_text(path, charts.render_svg(chart))
        else:
            write_bytes(path, charts.render_png(chart))
    except OSError as exc:
        raise error(f"{path}: cannot write the plot: {exc.strerror}") from None


def run_command(body):
    """Run a command body with the CLI's error handling: input errors → one line, exit code 2."""
    from pairaid.cli.console import bad_input

    return bad_input(body)()


def read_plain_table(path: Path, error: type[Exception]):
    """A --data table for analysis (typed columns, as pandas reads them); problems raise `error`.

    Unlike `pairaid import`, nothing is validated cell by cell here: the analysis checks the
    columns it uses."""
    import pandas as pd

    readers = {".csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"), ".xlsx": pd.read_excel,
               ".parquet": pd.read_parquet, ".json": pd.read_json}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise error(f"{path}: use a .csv, .xlsx, .parquet or .json file")
    if not path.is_file():
        raise error(f"{path}: no such file")
    try:
        return reader(path)
    except (ValueError, ImportError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read it: {str(exc).splitlines()[0]}") from None


PanelData = Annotated[Path | None, typer.Option("--data", help="A plain table instead of the "
                                                "ledger (.csv .xlsx .parquet .json), one row per "
                                                "unit and period")]


def panel_or_table(db: str | None, data: Path | None, level: str, error: type[Exception],
                   unit: str = "unit", time: str = "year"):
    """The table an analysis runs on: (frame, unit column, time column, synthetic).

    A --data table keeps the `unit` and `time` columns given; the ledger's panel at `level` has
    ``unit`` and ``year``. Giving both sources raises `error`."""
    if data is not None:
        if db is not None:
            raise error("give either --db or --data, not both")
        return read_plain_table(data, error), unit, time, False
    from pairaid.cli.console import open_ledger as _open
    from pairaid.panel import build_panel

    store = _open(db)
    try:
        panel = build_panel(store, level)
    finally:
        store.close()
    if panel.coverage is not None and not panel.coverage.complete:
        from pairaid.cli.console import err

        # what the analysis rests on: unit-years without recorded funds are missing, not zero
        err.print(f"Coverage: {panel.coverage.statement}.", highlight=False, markup=False)
    return panel.frame, "unit", "year", panel.synthetic


#: who writes, on a shared ledger (`pairaid.ledger.accounts.local_writer`)
Token = Annotated[str | None, typer.Option(
    "--token", envvar="PAIRAID_TOKEN", show_envvar=True,
    help="Your API token on a ledger with accounts (an admin's imports are approved, others' "
         "are drafts) [default: the local user]")]
#: analytics read approved records unless asked (issue 15)
IncludeDrafts = Annotated[bool, typer.Option(
    "--include-drafts", help="Also use draft and returned records (default: approved only)")]
