"""`pairaid dependence` and `pairaid environment`: fiscal dependence on assistance, and the
decoupling of environmental pressure from agricultural output.

Thin: parse, call `pairaid.distribution.dependence` / `.environment`, print. The lead registers
the two functions in main.py (``app.command("dependence")(dependence)``); helpers of main.py are
imported inside functions (main imports this module).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Data, Db, FromYear, IncludeDrafts, Json, Lang, Level, Output,
                                 Time, ToYear, Unit, read_plain_table, run_command)


def _run(db, data, level, error, on_ledger, on_frame):
    """(`on_ledger(api.Ledger)` on the ledger's panel (nominal CNY), the ledger's coverage), or
    (`on_frame(table)` on the --data table, None)."""
    if data is not None:
        if db is not None:
            raise error("give either --db or --data, not both")
        return on_frame(read_plain_table(data, error)), None
    if level not in ("county", "prefecture"):
        raise error(f"unknown level '{level}' (use county or prefecture)")
    from pairaid import api
    from pairaid.cli.console import open_ledger as _open

    with api.Ledger(_open(db)) as ledger:
        return on_ledger(ledger), ledger.coverage()


def _print(result, banner: str, findings, lang: str, coverage) -> None:
    from pairaid.cli import reading, render
    from pairaid.cli.console import out

    if result.synthetic:
        render.synthetic_banner(out, banner)
    sys.stdout.write(result.summary + "\n")
    reading.show(findings, lang, coverage)


def dependence(
    db: Db = None,
    data: Data = None,
    unit: Unit = "unit",
    time: Time = "year",
    level: Level = "county",
    year_from: FromYear = None,
    year_to: ToYear = None,
    taper: Annotated[float | None, typer.Option(
        "--taper", help="Scenario: assistance falls by this share (0.2 = 20 %)")] = None,
    elasticity: Annotated[float | None, typer.Option(
        "--elasticity", help="Elasticity of the outcome to assistance (for --taper)")] = None,
    elasticity_se: Annotated[float, typer.Option(
        "--elasticity-se", help="Standard error of --elasticity")] = 0.0,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="Outcome column to project under --taper (e.g. sai_latent)")] = None,
    funds: Annotated[str, typer.Option("--funds", help="Assistance column")] =
        "funds_disbursement",
    revenue: Annotated[str, typer.Option("--revenue", help="Own fiscal revenue column")] =
        "fiscal_revenue",
    expenditure: Annotated[str, typer.Option("--expenditure", help="Fiscal expenditure column")] =
        "fiscal_expenditure",
    fiscal_scale: Annotated[float | None, typer.Option(
        "--fiscal-scale", help="Currency units per recorded fiscal unit (10000 for 10k CNY) "
                               "[default: from the indicator's unit; 1 with --data]")] = None,
    output: Output = None,
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Fiscal dependence: assistance as a share of local expenditure and revenue, the
    self-financing ratio and its trend per recipient, and an optional taper scenario.

    Example: `pairaid dependence --db pairaid-demo/demo.db --taper 0.2 --elasticity 0.5
    --elasticity-se 0.1 --json`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.distribution.dependence import DependenceError, taper_scenario
        from pairaid.distribution.dependence import dependence as analyse
        from pairaid.ingest.export import write_frame

        scenario = taper_scenario(taper, elasticity, elasticity_se, outcome)
        options = dict(funds=funds, revenue=revenue, expenditure=expenditure,
                       fiscal_scale=fiscal_scale, taper=scenario, year_from=year_from,
                       year_to=year_to)
        result, coverage = _run(db, data, level, DependenceError,
                      lambda ledger: ledger.dependence(level, **options),
                      lambda frame: analyse(frame, unit=unit, time=time, **options))
        if output:
            write_frame(result.table, output, sheet="dependence")
        if as_json:
            sys.stdout.write(result.to_json() + "\n")
            return
        from pairaid.cli import reading

        _print(result, "Dependence is computed from SYNTHETIC demo data.",
               reading.dependence(result), lang, coverage)
        if output:
            sys.stdout.write(f"Table: {output}\n")

    run_command(body)


def environment(
    db: Db = None,
    data: Data = None,
    unit: Unit = "unit",
    time: Time = "year",
    level: Level = "county",
    year_from: FromYear = None,
    year_to: ToYear = None,
    step: Annotated[int | None, typer.Option(
        "--step", help="Split --from..--to into periods of this many years")] = None,
    pressure: Annotated[str, typer.Option(
        "--pressure", help="Pressure: water_withdrawal_agri, water_per_output, "
                           "fertiliser_intensity, pesticide_intensity, fertiliser_use, "
                           "pesticide_use, cultivated_area, or any column")] =
        "water_withdrawal_agri",
    output_indicator: Annotated[str, typer.Option(
        "--growth-of", help="Output whose growth the pressure is set against, e.g. agri_output "
                            "or gdp (-o/--output names a file everywhere else)")] = "agri_output",
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Environmental pressure against output growth: Tapio (2005) decoupling state of each unit
    per period (elasticity = %Δpressure / %Δoutput; thresholds 0.8 and 1.2).

    Example: `pairaid environment --db pairaid-demo/demo.db --from 2012 --to 2022 --pressure
    fertiliser_use --growth-of agri_output`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.distribution.environment import DecouplingError, decoupling

        options = dict(year_from=year_from, year_to=year_to, step=step)
        result, coverage = _run(db, data, level, DecouplingError,
                      lambda ledger: ledger.environment(pressure, output_indicator, level,
                                                        **options),
                      lambda frame: decoupling(frame, pressure, output_indicator, unit=unit,
                                               time=time, **options))
        if as_json:
            sys.stdout.write(result.to_json() + "\n")
            return
        from pairaid.cli import reading

        _print(result, "Decoupling is computed from SYNTHETIC demo data.",
               reading.environment(result), lang, coverage)

    run_command(body)
