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

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Db, IncludeDrafts, Json, Lang, Level, LogChoice, PanelData,
                                 Time, Unit, log_option, read_plain_table, run_command)


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
    log: Annotated[LogChoice | None, log_option("none")] = None,
    wild_bootstrap: Annotated[int, typer.Option(
        "--wild-bootstrap", min=0, help="Wild cluster bootstrap test of the slope with B reps "
                                        "(advised below 42 units); 0 = off")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the wild bootstrap")] = 0,
    level: Level = "county",
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Continuous-treatment DiD: outcome on intensity × post with unit and year effects
    (clustered by unit), and the effect in each dose bin against untreated units.

    Example: `pairaid dose-response --db pairaid-demo/demo.db --outcome sai_latent --log drop`;
    `pairaid dose-response --data t.csv --unit county --time year --outcome y --intensity
    funds_pc_2010 --post post --bins 4 --json`
    """
    use_drafts(include_drafts)

    def body():
        import json

        from pairaid.cli import reading, render
        from pairaid.cli.console import out
        from pairaid.evaluate.continuous import ContinuousDidError, continuous_did
        from pairaid.evaluate.design import design_warnings

        options = dict(bins=bins, log=log or "none", wild_bootstrap=wild_bootstrap, seed=seed)
        coverage = None
        if data is not None:
            if db is not None:
                raise ContinuousDidError("give either --db or --data, not both")
            if intensity is None:
                raise ContinuousDidError("with --data, give --intensity COLUMN")
            frame = read_plain_table(data, ContinuousDidError)
            result = continuous_did(frame, outcome=outcome, intensity=intensity, unit=unit,
                                    time=time, post=post, cohort=cohort, **options)
            found = (design_warnings(frame, unit=unit, time=time, cohort=cohort,
                                     treatment=None if cohort else post, outcome=outcome)
                     if cohort or post else [])
        else:
            if post is not None or intensity is not None:
                raise ContinuousDidError("--post and --intensity are for --data; the ledger's "
                                         "are computed from flows and pairings")
            # the ledger: the Python API's dose-response (one path for the CLI, a notebook and
            # /api/dose-response)
            from pairaid import api
            from pairaid.cli.console import open_ledger as _open

            with api.Ledger(_open(db)) as ledger:
                result, found = ledger.dose_response(outcome, level, intensity_years, cohort,
                                                     **options)
                coverage = None if as_json else ledger.coverage()
        if as_json:
            from pairaid.api import effect_document

            sys.stdout.write(json.dumps(effect_document(result, found), ensure_ascii=False)
                             + "\n")
            return
        reading.design(found, lang)
        if result.synthetic:
            render.synthetic_banner(out, "The estimates use SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        reading.show(reading.effect(result, level if data is None else "unit"), lang,
                     coverage)

    return run_command(body)
