"""`pairaid event-study`: staggered difference-in-differences and event studies.

Thin: read the ledger's panel (or a plain table), call `pairaid.evaluate.did.event_study`, print.
The lead registers it in main.py with ``app.command("event-study")(event_study)``; helpers of
main.py are imported inside the function (main imports this module).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from pairaid.cli.options import (Db, Json, Level, PanelData, Plot, Time, Unit, panel_or_table,
                                 run_command, write_chart)


def event_study(
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column, e.g. sai_latent")],
    db: Db = None,
    data: PanelData = None,
    unit: Unit = "unit",
    time: Time = "year",
    cohort: Annotated[str, typer.Option(
        "--cohort", help="First treated period of each unit (0 or empty = never treated); "
                         "ledger: first_paired_year")] = "first_paired_year",
    estimator: Annotated[str, typer.Option(
        "--estimator", help="cs (Callaway–Sant'Anna) | sa (Sun–Abraham) | twfe (two-way FE "
                            "event study) | did2s (Gardner two-stage)")] = "cs",
    control: Annotated[str, typer.Option(
        "--control", help="Comparison units: never (never treated) | notyet (not yet "
                          "treated; cs and twfe). did2s always fits on every untreated "
                          "observation")] = "never",
    method: Annotated[str, typer.Option(
        "--method", help="cs only: dr (doubly robust) | ipw | reg")] = "dr",
    covariates: Annotated[str, typer.Option(
        "--covariates", help="cs only: numeric columns for conditional parallel trends, "
                             "comma-separated (e.g. lpop,x2); each ATT(g, t) uses their "
                             "base-period values, as R did's xformla")] = "",
    base_period: Annotated[str, typer.Option(
        "--base-period", help="cs only: varying (each pre-period against the one before) | "
                              "universal (all against the period before treatment)")] = "varying",
    log: Annotated[bool, typer.Option("--log", help="Analyse the natural log of the outcome")]
    = False,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", min=0, help="cs only: multiplier-bootstrap draws for the standard errors "
                                   "(0 = analytic)")] = 0,
    seed: Annotated[int, typer.Option(
        "--seed", help="Seed of the bootstrap draws (the pre-trend test's wild bootstrap and "
                       "the simultaneous band too)")] = 0,
    small_cohorts: Annotated[str, typer.Option(
        "--small-cohorts", help="Cohorts of one or two units: conservative (keep, add the "
                                "comparison units' variance to theirs) | drop | pool (into the "
                                "nearest cohort of three or more)")] = "conservative",
    bacon: Annotated[bool, typer.Option(
        "--bacon", help="twfe only: also decompose the static TWFE coefficient into its 2×2 "
                        "comparisons and weights (Goodman-Bacon); JSON key \"bacon\"")] = False,
    level: Level = "county",
    plot: Plot = None,
    as_json: Json = False,
) -> None:
    """Staggered DiD and event study: Callaway–Sant'Anna group-time effects with simple,
    group, dynamic and calendar aggregations (or Sun–Abraham, Gardner's two-stage did2s, or a
    TWFE event study with an optional Goodman-Bacon decomposition), standard errors and a joint
    pre-trend test (a wild cluster bootstrap, reported; the analytic chi-squared in the JSON)
    and a simultaneous (sup-t) band on the event path.

    Example: `pairaid event-study --db pairaid-demo/demo.db --outcome sai_latent --log --json`;
    `pairaid event-study --data mpdta.csv --unit countyreal --time year --cohort first.treat
    --outcome lemp --estimator cs --control notyet`;
    `pairaid event-study --data mpdta.csv --unit countyreal --time year --cohort first.treat
    --outcome lemp --covariates lpop --method dr`;
    `pairaid event-study --data mpdta.csv --unit countyreal --time year --cohort first.treat
    --outcome lemp --estimator twfe --bacon`
    """
    def body():
        from pairaid.cli import render
        from pairaid.cli.console import out
        from pairaid.evaluate.did import DidError
        from pairaid.evaluate.did import event_study as estimate

        if bacon and estimator != "twfe":
            raise DidError("--bacon decomposes the static TWFE coefficient: use it with "
                           "--estimator twfe")
        frame, unit_col, time_col, synthetic = panel_or_table(db, data, level, DidError,
                                                              unit, time)
        result = estimate(frame, outcome=outcome, estimator=estimator, unit=unit_col,
                          time=time_col, cohort=cohort, control=control, method=method,
                          base_period=base_period, log=log, bootstrap=bootstrap, seed=seed,
                          synthetic=synthetic, covariates=covariates,
                          small_cohorts=small_cohorts)
        decomposition = None
        if bacon:
            from pairaid.evaluate.bacon import bacon_decomposition

            decomposition = bacon_decomposition(frame, outcome=outcome, unit=unit_col,
                                                time=time_col, cohort=cohort, log=log,
                                                synthetic=synthetic)
        if plot is not None:
            from pairaid.report.charts import event_study_plot

            write_chart(event_study_plot(result.event_path(), subtitle=(
                "note.synthetic" if synthetic else None)), plot, DidError)
        if as_json:
            payload = result.to_dict()
            if decomposition is not None:
                payload["bacon"] = decomposition.to_dict()
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        from pairaid.cli.console import err

        for message in result.design_warnings:
            err.print(f"[bold yellow]design:[/] {message}", highlight=False)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates are computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        if decomposition is not None:
            sys.stdout.write("\n" + decomposition.summary + "\n")

    run_command(body)
