"""`pairaid synth`: one treated unit against a donor pool — synthetic control or HCW regression
control, with placebo-in-space inference.

Thin: read the ledger's panel (or a plain table), call `pairaid.evaluate.synth.synthetic_control`,
print. The lead registers it in main.py with ``app.command("synth")(synth)``; helpers of main.py
are imported inside the function (main imports this module).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Db, IncludeDrafts, Json, Lang, Level, PanelData, Plot, Time,
                                 Unit, read_plain_table, run_command, write_chart)


def synth(
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column, e.g. sai_latent")],
    treated: Annotated[str, typer.Option("--treated", help="The treated unit (with --db a "
                                         "region code or name: 652300, 昌吉回族自治州)")],
    treat_time: Annotated[float | None, typer.Option(
        "--treat-time", help="First treated period; with --db it defaults to the unit's "
                             "first_paired_year")] = None,
    db: Db = None,
    data: PanelData = None,
    unit: Unit = "unit",
    time: Time = "year",
    method: Annotated[str, typer.Option(
        "--method", help="sc (synthetic control) | hcw (Hsiao–Ching–Wan regression "
                         "control)")] = "sc",
    predictors: Annotated[str, typer.Option(
        "--predictors", help="sc only: comma-separated columns matched on their pre-period "
                             "mean (default: every pre-period outcome)")] = "",
    donors: Annotated[str, typer.Option(
        "--donors", help="Comma-separated donor units (default: every other unit; with --db, "
                         "units never paired; either way those with a missing outcome are "
                         "left out, with a note)")] = "",
    criterion: Annotated[str, typer.Option("--criterion", help="hcw only: aicc | aic")]
    = "aicc",
    placebo_cutoff: Annotated[float | None, typer.Option(
        "--placebo-cutoff", help="Leave out placebos whose pre-period MSPE exceeds this many "
                                 "times the treated unit's (Abadie et al. 2010: 5, 20)")] = None,
    no_placebos: Annotated[bool, typer.Option("--no-placebos", help="Skip placebo inference")]
    = False,
    level: Level = "county",
    plot: Plot = None,
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Synthetic control or HCW regression control for one treated unit against a donor pool:
    weights, actual vs counterfactual path, average effect and a placebo-in-space p-value.

    Example: `pairaid synth --db pairaid-demo/demo.db --outcome sai_latent --treated 652301`;
    `pairaid synth --data basque.csv --unit regionname --time year --outcome gdpcap --treated
    "Basque Country (Pais Vasco)" --treat-time 1970 --method hcw --json`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.cli import reading, render
        from pairaid.cli.console import out
        from pairaid.evaluate.synth import SynthError, synthetic_control

        donor_list = [d.strip() for d in donors.split(",") if d.strip()]
        options = dict(method=method, predictors=tuple(
            p.strip() for p in predictors.split(",") if p.strip()), criterion=criterion,
            placebos=not no_placebos, placebo_cutoff=placebo_cutoff)
        coverage, name = None, treated
        if data is not None:
            if db is not None:
                raise SynthError("give either --db or --data, not both")
            if treat_time is None:
                raise SynthError("--treat-time is required with --data")
            from pairaid.evaluate.design import synth_design_warnings

            result = synthetic_control(read_plain_table(data, SynthError), outcome=outcome,
                                       treated=treated, treat_time=treat_time, unit=unit,
                                       time=time, donors=donor_list or None,
                                       drop_incomplete_donors=not donor_list, **options)
            found = synth_design_warnings(result)
        else:
            # the ledger: the Python API's synthetic control (one path for the CLI, a notebook
            # and /api/synth), which names the treated unit by the panel's level
            from pairaid import api
            from pairaid.cli.console import open_ledger as _open

            with api.Ledger(_open(db)) as ledger:
                result, found = ledger.synth(outcome, treated, level, treat_time, donor_list,
                                             **options)
                if not as_json:  # what the readings name: the unit, and the coverage
                    coverage = ledger.coverage()
                    name = reading.region_name(ledger, result.treated)
        if plot is not None:
            from pairaid.report.charts import synthetic_control_plot

            write_chart(synthetic_control_plot(
                result.path()[["time", "actual", "counterfactual"]], float(result.treat_time),
                outcome=result.outcome, subtitle="note.synthetic" if result.synthetic else None),
                plot, SynthError)
        if as_json:
            import json

            from pairaid.api import effect_document

            sys.stdout.write(json.dumps(effect_document(result, found), ensure_ascii=False)
                             + "\n")
            return
        reading.design(found, lang)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates are computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        reading.show(reading.effect(result, level if data is None else "unit", name), lang,
                     coverage)

    run_command(body)
