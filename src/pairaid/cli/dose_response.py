"""`pairaid dose-response`: continuous-treatment DiD (intensity × post) and effects by dose bin.

Thin: read the ledger's panel (intensity = mean funds per person over the pairing's first years,
post = year ≥ first_paired_year) or a plain table, call
`pairaid.evaluate.continuous.continuous_did`, print it with the design warnings. The lead
registers it in main.py with ``app.command("dose-response")(dose_response)``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pairaid.cli.options import Db, Time, Unit, read_plain_table, run_command


def dose_response(
    db: Db = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="A plain table instead of the ledger (.csv .xlsx .parquet .json), one "
                       "row per unit and period")] = None,
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column, e.g. sai_latent")]
    = "sai_latent",
    intensity: Annotated[str | None, typer.Option(
        "--intensity", help="Treatment intensity, one value per unit (--data); ledger: mean "
                            "funds per person over the pairing's first --intensity-years")] = None,
    intensity_years: Annotated[int, typer.Option(
        "--intensity-years", min=1, help="Ledger: years of the pairing averaged into the "
                                         "intensity")] = 3,
    unit: Unit = "unit",
    time: Time = "year",
    post: Annotated[str | None, typer.Option(
        "--post", help="0/1 column, 1 once the unit is treated (--data)")] = None,
    cohort: Annotated[str | None, typer.Option(
        "--cohort", help="First treated period (0 or empty = never); post = period >= cohort "
                         "(--data; ledger: first_paired_year)")] = None,
    bins: Annotated[int, typer.Option("--bins", min=1, help="Dose bins (quantiles among dosed "
                                                            "units)")] = 5,
    log: Annotated[bool, typer.Option("--log", help="Analyse the natural log of the outcome")]
    = False,
    wild_bootstrap: Annotated[int, typer.Option(
        "--wild-bootstrap", min=0, help="Wild cluster bootstrap test of the slope with B reps "
                                        "(advised below 42 units); 0 = off")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the wild bootstrap")] = 0,
    level: Annotated[str, typer.Option("--level", help="Panel level with --db: county or "
                                                       "prefecture")] = "county",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout")]
    = False,
) -> None:
    """Continuous-treatment DiD: outcome on intensity × post with unit and year effects
    (clustered by unit), and the effect in each dose bin against untreated units.

    Example: `pairaid dose-response --db pairaid-demo/demo.db --outcome sai_latent --log`;
    `pairaid dose-response --data t.csv --unit county --time year --outcome y --intensity
    funds_pc_2010 --post post --bins 4 --json`
    """
    from pairaid.cli.main import err

    def body():
        import json

        from pairaid.cli import render
        from pairaid.cli.main import out
        from pairaid.evaluate.continuous import ContinuousDidError, continuous_did
        from pairaid.evaluate.design import design_warnings

        if data is not None:
            if db is not None:
                raise ContinuousDidError("give either --db or --data, not both")
            if intensity is None:
                raise ContinuousDidError("with --data, give --intensity COLUMN")
            frame = read_plain_table(data, ContinuousDidError)
            names = dict(unit=unit, time=time, intensity=intensity, post=post, cohort=cohort)
            synthetic = False
        else:
            if post is not None or intensity is not None:
                raise ContinuousDidError("--post and --intensity are for --data; the ledger's "
                                         "are computed from flows and pairings")
            from pairaid.evaluate.continuous import ledger_intensity
            from pairaid.panel import build_panel

            store = _open(db)
            try:
                panel = build_panel(store, level)
            finally:
                store.close()
            frame = ledger_intensity(panel.frame, years=intensity_years,
                                     cohort=cohort or "first_paired_year")
            names = dict(unit="unit", time="year", intensity="intensity", post="post",
                         cohort=None)
            synthetic = panel.synthetic
        result = continuous_did(frame, outcome=outcome, bins=bins, log=log,
                                wild_bootstrap=wild_bootstrap, seed=seed, synthetic=synthetic,
                                **names)
        design = names["cohort"] or ("first_paired_year" if data is None else None)
        warnings = (design_warnings(frame, unit=names["unit"], time=names["time"],
                                    cohort=design, treatment=names["post"] if not design
                                    else None, outcome=outcome) if design or names["post"]
                    else [])
        if as_json:
            payload = result.to_dict() | {"design_warnings": warnings}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        for message in warnings:
            err.print(f"[bold yellow]design:[/] {message}", highlight=False)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates use SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")

    def _open(path):
        from pairaid.cli.main import _open as open_ledger

        return open_ledger(path)

    return run_command(body)
