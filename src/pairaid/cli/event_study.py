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

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Db, IncludeDrafts, Json, Lang, Level, LogChoice, PanelData,
                                 Plot, Time, Unit, log_option, panel_or_table, run_command,
                                 write_chart)


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
    log: Annotated[LogChoice | None, log_option(
        "none; with drop a unit with a year <= 0 leaves the balanced panel")] = None,
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
    honest: Annotated[bool, typer.Option(
        "--honest", help="Also run the Rambachan–Roth sensitivity to violations of parallel "
                         "trends (HonestDiD): relative magnitudes and smoothness bounds for the "
                         "effect at --honest-target, with their breakdown values; JSON key "
                         "\"sensitivity\"")] = False,
    honest_target: Annotated[str, typer.Option(
        "--honest-target", help="--honest: the event time whose effect is bounded (0 = on "
                                "impact, HonestDiD's default) or 'average' (event times "
                                "0–3)")] = "0",
    level: Level = "county",
    plot: Plot = None,
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Staggered DiD and event study: Callaway–Sant'Anna group-time effects with simple,
    group, dynamic and calendar aggregations (or Sun–Abraham, Gardner's two-stage did2s, or a
    TWFE event study with an optional Goodman-Bacon decomposition), standard errors and a joint
    pre-trend test (a wild cluster bootstrap, reported; the analytic chi-squared in the JSON)
    and a simultaneous (sup-t) band on the event path.

    Example: `pairaid event-study --db pairaid-demo/demo.db --outcome sai_latent --log drop --json`;
    `pairaid event-study --data mpdta.csv --unit countyreal --time year --cohort first.treat
    --outcome lemp --estimator cs --control notyet`;
    `pairaid event-study --data mpdta.csv --unit countyreal --time year --cohort first.treat
    --outcome lemp --covariates lpop --method dr`;
    `pairaid event-study --data mpdta.csv --unit countyreal --time year --cohort first.treat
    --outcome lemp --estimator twfe --bacon`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.cli import reading, render
        from pairaid.cli.console import out
        from pairaid.evaluate.did import DidError

        if bacon and estimator != "twfe":
            raise DidError("--bacon decomposes the static TWFE coefficient: use it with "
                           "--estimator twfe")
        rule = log or "none"
        options = dict(estimator=estimator, cohort=cohort, control=control, method=method,
                       base_period=base_period, log=rule, bootstrap=bootstrap, seed=seed,
                       covariates=covariates, small_cohorts=small_cohorts)
        from pairaid.api import HONEST_RESTRICTIONS, honest_target as _target

        sensitivity = dict(honest=HONEST_RESTRICTIONS if honest else (),
                           honest_target=_target(honest_target))
        decomposition = coverage = None
        if data is None:
            # the ledger: the Python API's event study (its notes carry the flow coverage), one
            # code path for this command and /api/event-study
            from pairaid import api
            from pairaid.cli.console import open_ledger as _open

            with api.Ledger(_open(db)) as ledger:
                result = ledger.event_study(outcome, level, **sensitivity, **options)
                if bacon:
                    decomposition = ledger.bacon(outcome, level, cohort, rule)
                coverage = None if as_json else ledger.coverage()
        else:
            frame, unit_col, time_col, synthetic = panel_or_table(db, data, level, DidError,
                                                                  unit, time)
            from pairaid.api import event_study_frame

            result = event_study_frame(frame, outcome, unit=unit_col, time=time_col,
                                       synthetic=synthetic, **sensitivity, **options)
            if bacon:
                from pairaid.evaluate.bacon import bacon_decomposition

                decomposition = bacon_decomposition(frame, outcome=outcome, unit=unit_col,
                                                    time=time_col, cohort=cohort, log=rule,
                                                    synthetic=synthetic)
        if plot is not None:
            from pairaid.report.charts import event_study_plot

            write_chart(event_study_plot(result.event_path(), subtitle=(
                "note.synthetic" if result.synthetic else None)), plot, DidError)
        if as_json:
            from pairaid.api import effect_document

            payload = effect_document(result)
            if decomposition is not None:
                payload["bacon"] = decomposition.to_dict()
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        reading.design(result.design_warnings, lang)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates are computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        if decomposition is not None:
            sys.stdout.write("\n" + decomposition.summary + "\n")
        found = reading.effect(result)
        if decomposition is not None:
            found += reading.effect(decomposition)
        reading.show(found, lang, coverage)

    run_command(body)
