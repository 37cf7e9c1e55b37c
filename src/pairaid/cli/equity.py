"""`pairaid equity`: who benefits — inequality, concentration and a suppressed group table.

Thin: parse, call `pairaid.distribution`, print. The lead registers it in main.py with
``app.command()(equity)``; helpers of main.py are imported inside the function (main imports
this module).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Db, IncludeDrafts, Json, Lang, Level, read_plain_table,
                                 run_command)

Data = Annotated[Path | None, typer.Option("--data", help="A plain table instead of the ledger "
                                           "(.csv .xlsx .parquet .json), one row per unit")]



def equity(
    db: Db = None,
    data: Data = None,
    value: Annotated[str | None, typer.Option(
        "--value", help="Per-capita value to measure (ledger default: funds_per_capita)")] = None,
    weight: Annotated[str | None, typer.Option(
        "--weight", help="Weight column, e.g. population (ledger default: population)")] = None,
    group: Annotated[str | None, typer.Option(
        "--group", help="Grouping for the Theil decomposition and the group table (ledger "
                        "default: parent, i.e. prefecture of a county; minority_band: bands of "
                        "the census minority share, from the minority_share column)")] = None,
    rank_by: Annotated[str | None, typer.Option(
        "--rank-by", help="Need variable to rank units by, ascending (lowest = greatest need) "
                          "(ledger default: rural_income)")] = None,
    level: Level = "county",
    year: Annotated[int | None, typer.Option(
        "--year", help="Year to measure (default: the latest year with data); with --data, "
                       "filters a 'year' column if there is one")] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Small-cell threshold: group cells "
                                   "from fewer units are suppressed")] = 3,
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Who benefits: population-weighted Gini, Theil T/L split between and within groups, and
    the concentration index of a value ranked by need (negative = pro-poor), with a group table
    whose small cells are suppressed.

    Example: `pairaid equity --db pairaid-demo/demo.db --json`;
    `pairaid equity --data counties.csv --value aid_pc --weight pop --group prefecture
    --rank-by income_pc`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.cli import reading, render
        from pairaid.cli.console import out
        from pairaid.distribution import InequalityInputError, describe_inequality
        from pairaid.distribution.inequality import (
            MINORITY_BAND, MINORITY_BAND_LABEL, minority_bands, one_year,
        )

        if data is not None:
            if db is not None:
                raise InequalityInputError("give either --db or --data, not both")
            if value is None:
                raise InequalityInputError("--value is required with --data")

            frame = read_plain_table(data, InequalityInputError)
            synthetic, unit, unit_label, group_label = False, None, "unit", group or "group"
            chosen = {"value": value, "weight": weight, "group": group, "rank_by": rank_by}
            context = str(data)
            if "year" in frame.columns:
                frame, chosen_year = one_year(frame, chosen["value"], year)
                context = f"{context}, {chosen_year}"
            elif year is not None:
                raise InequalityInputError("--year given but the table has no 'year' column")
            if chosen["group"] == MINORITY_BAND:
                frame, group_label = minority_bands(frame), MINORITY_BAND_LABEL
            coverage = None
            result = describe_inequality(frame, chosen["value"], chosen["weight"],
                                         chosen["group"], chosen["rank_by"], unit=unit, k=k,
                                         synthetic=synthetic, unit_label=unit_label,
                                         group_label=group_label, context=context)
        else:
            from pairaid import api
            from pairaid.cli.console import open_ledger as _open

            if level not in ("county", "prefecture"):
                raise InequalityInputError(f"unknown --level '{level}' (county or prefecture)")
            with api.Ledger(_open(db)) as ledger:
                result = ledger.equity(value, weight, group, rank_by, level, year, k)
                coverage = None if as_json else ledger.coverage()
        if as_json:
            sys.stdout.write(result.to_json() + "\n")
            return
        if result.synthetic:
            render.synthetic_banner(out, "Equity figures computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        reading.show(reading.equity(result), lang, coverage)

    run_command(body)
