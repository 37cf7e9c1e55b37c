"""`pairaid dose-response`: continuous-treatment DiD (intensity × post) and effects by dose bin.

Thin: a plain table goes to `pairaid.evaluate.continuous.continuous_did`; the ledger's panel to
`pairaid.evaluate.ledger.dose_response_on_ledger` (intensity = mean funds per person over the
pairing's first years, post = year ≥ first_paired_year). Prints it with the design warnings. The
lead registers it in main.py with ``app.command("dose-response")(dose_response)``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pairaid.cli.options import Db, Json, Level, PanelData, Time, Unit, panel_or_table, run_command


def dose_response(
    db: Db = None,
    data: PanelData = None,
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
    level: Level = "county",
    as_json: Json = False,
) -> None:
    """Continuous-treatment DiD: outcome on intensity × post with unit and year effects
    (clustered by unit), and the effect in each dose bin against untreated units.

    Example: `pairaid dose-response --db pairaid-demo/demo.db --outcome sai_latent --log`;
    `pairaid dose-response --data t.csv --unit county --time year --outcome y --intensity
    funds_pc_2010 --post post --bins 4 --json`
    """
    from pairaid.cli.console import err

    def body():
        import json

        from pairaid.cli import render
        from pairaid.cli.console import out
        from pairaid.evaluate.continuous import ContinuousDidError, continuous_did
        from pairaid.evaluate.design import design_warnings
        from pairaid.evaluate.ledger import dose_response_on_ledger

        if data is not None and db is None and intensity is None:
            raise ContinuousDidError("with --data, give --intensity COLUMN")
        if data is None and (post is not None or intensity is not None):
            raise ContinuousDidError("--post and --intensity are for --data; the ledger's "
                                     "are computed from flows and pairings")
        frame, unit_col, time_col, synthetic = panel_or_table(db, data, level,
                                                              ContinuousDidError, unit, time)
        options = dict(bins=bins, log=log, wild_bootstrap=wild_bootstrap, seed=seed,
                       synthetic=synthetic)
        if data is None:
            result = dose_response_on_ledger(frame, outcome=outcome, years=intensity_years,
                                             cohort=cohort or "first_paired_year", **options)
            # the design of the estimate: the cohort it used (--cohort or the pairing year)
            warnings = design_warnings(frame, unit=unit_col, time=time_col,
                                       cohort=cohort or "first_paired_year", outcome=outcome)
        else:
            result = continuous_did(frame, outcome=outcome, intensity=intensity, unit=unit_col,
                                    time=time_col, post=post, cohort=cohort, **options)
            warnings = (design_warnings(frame, unit=unit_col, time=time_col, cohort=cohort,
                                        treatment=None if cohort else post, outcome=outcome)
                        if cohort or post else [])
        if as_json:
            payload = result.to_dict() | {"design_warnings": warnings}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        for message in warnings:
            err.print(f"[bold yellow]design:[/] {message}", highlight=False)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates use SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")

    return run_command(body)
