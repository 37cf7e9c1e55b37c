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

from pairaid.cli.options import (Db, Json, Level, PanelData, Plot, Time, Unit, panel_or_table,
                                 run_command, write_chart)


def synth(
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column, e.g. sai_latent")],
    treated: Annotated[str, typer.Option("--treated", help="The treated unit (a region code "
                                         "with --db)")],
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
    as_json: Json = False,
) -> None:
    """Synthetic control or HCW regression control for one treated unit against a donor pool:
    weights, actual vs counterfactual path, average effect and a placebo-in-space p-value.

    Example: `pairaid synth --db pairaid-demo/demo.db --outcome sai_latent --treated 652301`;
    `pairaid synth --data basque.csv --unit regionname --time year --outcome gdpcap --treated
    "Basque Country (Pais Vasco)" --treat-time 1970 --method hcw --json`
    """
    def body():
        from pairaid.cli import render
        from pairaid.cli.console import out
        from pairaid.evaluate.synth import SynthError, synthetic_control

        donor_list = [d.strip() for d in donors.split(",") if d.strip()] or None
        columns = tuple(p.strip() for p in predictors.split(",") if p.strip())
        when = treat_time
        if data is not None and db is None and when is None:
            raise SynthError("--treat-time is required with --data")
        frame, unit_col, time_col, synthetic = panel_or_table(db, data, level, SynthError,
                                                              unit, time)
        if data is None:
            from pairaid.evaluate.ledger import synth_defaults

            when, donor_list = synth_defaults(frame, treated, when, donor_list)
        result = synthetic_control(frame, outcome=outcome, treated=treated, treat_time=when,
                                   unit=unit_col, time=time_col, method=method,
                                   donors=donor_list, predictors=columns, criterion=criterion,
                                   placebos=not no_placebos, placebo_cutoff=placebo_cutoff,
                                   drop_incomplete_donors=not donors.strip(),
                                   synthetic=synthetic)
        if plot is not None:
            from pairaid.report.charts import synthetic_control_plot

            write_chart(synthetic_control_plot(
                result.path()[["time", "actual", "counterfactual"]], float(result.treat_time),
                outcome=result.outcome, subtitle="note.synthetic" if synthetic else None),
                plot, SynthError)
        from pairaid.evaluate.design import synth_design_warnings

        found = synth_design_warnings(result)
        if as_json:
            import json

            payload = result.to_dict() | {"design_warnings": list(found)}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        from pairaid.cli.console import err

        for message in found:
            err.print(f"[bold yellow]design:[/] {message}", highlight=False)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates are computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")

    run_command(body)
