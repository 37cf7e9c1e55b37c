"""`pairaid estimate`: an elasticity by two-way fixed effects, on the ledger's panel or a table.

Thin: parse, call `pairaid.evaluate.estimate_elasticity`, print. The lead registers it in
main.py with ``app.command()(estimate)``; main's helpers are imported inside the function (main
imports this module).
"""

from __future__ import annotations

import sys
import warnings
from typing import Annotated

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Data, Db, IncludeDrafts, Json, Lang, Level, LogChoice,
                                 log_option, read_plain_table, run_command)
from pairaid.evaluate.ledger import INDEX_OUTCOME


def estimate(
    db: Db = None,
    data: Data = None,
    formula: Annotated[str | None, typer.Option(
        "--formula", help="fixest formula 'y ~ x1 + x2 | unit + year'; the first regressor is "
                          "the treatment")] = None,
    outcome: Annotated[str, typer.Option(
        "--outcome", help="Outcome column; 'index' = the sustainable-agriculture index built "
                          "from the bundled spec (ledger only)")] = INDEX_OUTCOME,
    treatment: Annotated[str, typer.Option("--treatment", help="Treatment column")] =
        "funds_per_capita",
    controls: Annotated[str | None, typer.Option(
        "--controls", help="Extra regressors, comma-separated")] = None,
    unit: Annotated[str, typer.Option("--unit", help="Unit column (fixed effect)")] = "unit",
    time: Annotated[str, typer.Option("--time", help="Time column (fixed effect)")] = "year",
    level: Level = "county",
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Cluster column, or two as 'a+b' (two-way) [default: the first fixed "
                          "effect]; in ledger mode 'donor' clusters by each county's donor "
                          "(assignment is made by donor) and 'unit+donor' two ways")] = None,
    instrument: Annotated[str | None, typer.Option(
        "--instrument", help="Ledger mode: 'donor_revenue' = 2SLS of the outcome on funds per "
                             "capita instrumented by the paired donor's lagged revenue per "
                             "recipient resident (logs of all three; unit and year effects)")]
        = None,
    vcov: Annotated[str | None, typer.Option(
        "--vcov", help="iid | hetero | CRV1 | CRV3 [default: CRV3 (leave-one-cluster-out "
                       "jackknife) with --cluster donor, where CRV1 under-covers with 19 "
                       "donors; CRV1 otherwise and for --instrument]")] = None,
    log: Annotated[LogChoice | None, log_option(
        "drop, of outcome and treatment, when pairaid builds the model (--outcome/"
        "--treatment); a --formula is taken as written, as fixest does (write log(y) ~ log(x) "
        "| unit + year for logs) unless --log is given")] = None,
    wild_bootstrap: Annotated[int, typer.Option(
        "--wild-bootstrap", min=0, help="Wild cluster bootstrap test with B reps (advised "
                                        "below 42 clusters); 0 = off")] = 0,
    randomisation: Annotated[int, typer.Option(
        "--randomisation", min=0, help="Ledger mode: randomisation inference with N re-draws "
                                       "of the donors' start years (permutation p-value of "
                                       "the elasticity's t); 0 = off")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the wild bootstrap and the "
                                                     "randomisation draws")] = 0,
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Elasticity of an outcome to funds per capita (or any treatment) by two-way fixed effects,
    with cluster-robust errors, its minimum detectable effect, and what the number does and
    does not mean; or, with --instrument or a fixest IV formula, two-stage least squares.

    Example: `pairaid estimate --db pairaid-demo/demo.db --outcome sai_latent --json`;
    `pairaid estimate --db demo.db --outcome sai_latent --cluster donor --wild-bootstrap 9999`;
    `pairaid estimate --db demo.db --outcome sai_latent --instrument donor_revenue`;
    `pairaid estimate --data t.csv --formula "y ~ x1 + x2 | unit + year" --cluster unit`;
    `pairaid estimate --data t.csv --formula "y ~ 1 | unit + year | x ~ z"`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.evaluate import FewClustersWarning, estimate_elasticity

        from pairaid.evaluate.iv import estimate_iv, is_iv_formula

        if randomisation and (data is not None or formula is not None):
            from pairaid.evaluate import ElasticityError

            raise ElasticityError("--randomisation re-draws the donors' start years: it needs "
                                  "a ledger and --outcome/--treatment (no --data, --formula)")
        if instrument is not None:
            result, coverage = _instrumented(db, data, level, outcome, treatment, instrument,
                                             cluster, vcov, log)
            _print(result, as_json, (), lang, level, coverage)
            return
        extra = tuple(c.strip() for c in (controls or "").split(",") if c.strip())
        if data is None:
            # the ledger: the Python API's estimate (one code path for this command, a notebook
            # and /api/estimate)
            from pairaid import api
            from pairaid.cli.console import open_ledger as _open

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", FewClustersWarning)
                with api.Ledger(_open(db)) as ledger:
                    if formula is None:
                        result, found = ledger.estimate_with_design(
                            outcome, treatment, level, controls=extra, cluster=cluster,
                            vcov=vcov, log=log, wild_bootstrap=wild_bootstrap, seed=seed,
                            randomisation=randomisation)
                    else:  # design warnings need named unit and treatment columns
                        result, found = ledger.estimate_formula(
                            formula, level, cluster=cluster, vcov=vcov, log=log,
                            wild_bootstrap=wild_bootstrap, seed=seed, outcome=outcome), []
                    coverage = None if as_json else ledger.coverage()
            _warn(caught)
            _print(result, as_json, found, lang, level, coverage)
            return
        from pairaid.evaluate.ledger import default_vcov

        frame = _table(data, db, outcome, formula)
        # 2SLS has no jackknife here: CRV1 unless asked
        iv = formula is not None and is_iv_formula(formula)
        chosen = (vcov or "CRV1") if iv else default_vcov(cluster, vcov)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FewClustersWarning)
            if iv:
                result = estimate_iv(frame, formula, cluster=cluster, vcov=chosen)
            elif formula is not None:
                result = estimate_elasticity(frame, formula, cluster=cluster, vcov=chosen,
                                             log=log or "none", wild_bootstrap=wild_bootstrap,
                                             seed=seed)
            else:
                result = estimate_elasticity(frame, outcome=outcome, treatment=treatment,
                                             controls=extra, unit=unit, time=time,
                                             cluster=cluster, vcov=chosen, log=log or "drop",
                                             wild_bootstrap=wild_bootstrap, seed=seed)
        _warn(caught)
        # every estimator command prints its design warnings (issue 11; not with --formula,
        # whose unit and treatment columns are not named)
        from pairaid.evaluate.design import design_warnings

        found = [] if formula is not None else design_warnings(
            frame, unit=unit, time=time, cohort=None, treatment=treatment, outcome=outcome)
        _print(result, as_json, found, lang, "unit")

    return run_command(body)


def _warn(caught) -> None:
    from pairaid.cli.console import err
    from pairaid.evaluate import FewClustersWarning

    for warning in caught:
        if issubclass(warning.category, FewClustersWarning):
            err.print(f"[bold yellow]warning:[/] {warning.message}", highlight=False)


def _print(result, as_json: bool, design: list[str] | tuple = (), lang: str = "en",
           level: str = "unit", coverage=None) -> None:
    import json

    from pairaid.api import effect_document
    from pairaid.cli import reading, render
    from pairaid.cli.console import out

    if as_json:
        payload = effect_document(result, design)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    reading.design(design, lang)
    if result.synthetic:
        render.synthetic_banner(out, "The estimate uses SYNTHETIC demo data.")
    sys.stdout.write(result.summary + "\n")
    reading.show(reading.effect(result, level), lang, coverage)


def _instrumented(db, data, level, outcome, treatment, instrument, cluster, vcov, log):
    from pairaid.evaluate import ElasticityError

    if instrument != "donor_revenue":
        raise ElasticityError(f"--instrument '{instrument}': the one built-in instrument is "
                              f"donor_revenue; with --data write the IV formula "
                              f"'y ~ 1 | unit + year | x ~ z'")
    if data is not None:
        raise ElasticityError("--instrument donor_revenue needs a ledger (--db); with --data "
                              "use --formula 'y ~ 1 | unit + year | x ~ z'")
    from pairaid import api
    from pairaid.cli.console import open_ledger as _open

    with api.Ledger(_open(db)) as ledger:
        return (ledger.instrumented(outcome, treatment, level, cluster=cluster, vcov=vcov,
                                    log=log or "drop"), ledger.coverage())


def _table(data, db, outcome, formula):
    """The --data table to estimate on."""
    from pairaid.evaluate import ElasticityError

    if db is not None:
        raise ElasticityError("give either --db or --data, not both")
    frame = read_plain_table(data, ElasticityError)
    # 'index' means the bundled index only in the ledger; a table's own 'index' column is an
    # outcome like any other (issue 11)
    if formula is None and outcome == INDEX_OUTCOME and INDEX_OUTCOME not in frame:
        raise ElasticityError("with --data, give --formula or --outcome COLUMN")
    return frame
