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

from pairaid.cli.options import Data, Db, Json, Level, read_plain_table, run_command
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
    vcov: Annotated[str, typer.Option("--vcov", help="iid | hetero | CRV1 | CRV3")] = "CRV1",
    log: Annotated[str | None, typer.Option(
        "--log", help="Logs of outcome and treatment when pairaid builds the model (ledger "
                      "mode, --outcome/--treatment): drop (log; rows <= 0 left out and counted)"
                      " | log1p (log(1+x), zeros kept) | none [default: drop]. A --formula is "
                      "taken as written, as fixest does (write log(y) ~ log(x) | unit + year "
                      "for logs) unless --log is given")] = None,
    wild_bootstrap: Annotated[int, typer.Option(
        "--wild-bootstrap", min=0, help="Wild cluster bootstrap test with B reps (advised "
                                        "below 42 clusters); 0 = off")] = 0,
    randomisation: Annotated[int, typer.Option(
        "--randomisation", min=0, help="Ledger mode: randomisation inference with N re-draws "
                                       "of the donors' start years (permutation p-value of "
                                       "the elasticity's t); 0 = off")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the wild bootstrap and the "
                                                     "randomisation draws")] = 0,
    as_json: Json = False,
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
    from pairaid.cli.console import err

    def body():
        from pairaid.evaluate import FewClustersWarning, estimate_elasticity

        from pairaid.evaluate.iv import estimate_iv, is_iv_formula

        donor_level = data is None and (randomisation > 0 or (
            cluster is not None and _DONOR in cluster.split("+")))
        if randomisation and (data is not None or formula is not None):
            from pairaid.evaluate import ElasticityError

            raise ElasticityError("--randomisation re-draws the donors' start years: it needs "
                                  "a ledger and --outcome/--treatment (no --data, --formula)")
        if instrument is not None:
            result = _instrumented(db, data, level, outcome, treatment, instrument, cluster,
                                   vcov, log)
            _print(result, as_json)
            return
        frame, synthetic, y, notes = _source(db, data, level, outcome, formula, unit, time,
                                             donor_level)
        extra = tuple(c.strip() for c in (controls or "").split(",") if c.strip())
        reason = _cluster_reason(cluster) if data is None else ""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FewClustersWarning)
            if formula is not None and is_iv_formula(formula):
                result = estimate_iv(frame, formula, cluster=cluster, vcov=vcov,
                                     cluster_reason=reason, notes=notes, synthetic=synthetic)
            elif formula is not None:
                result = estimate_elasticity(frame, formula, cluster=cluster, vcov=vcov,
                                             log=log or "none", wild_bootstrap=wild_bootstrap,
                                             seed=seed, synthetic=synthetic,
                                             cluster_reason=reason, notes=notes)
            else:
                result = estimate_elasticity(frame, outcome=y, treatment=treatment,
                                             controls=extra, unit=unit, time=time,
                                             cluster=cluster, vcov=vcov, log=log or "drop",
                                             wild_bootstrap=wild_bootstrap, seed=seed,
                                             synthetic=synthetic, cluster_reason=reason,
                                             notes=notes)
        if randomisation:
            from pairaid.evaluate.ledger import with_randomisation

            result = with_randomisation(frame, result, outcome=y, treatment=treatment,
                                        draws=randomisation, seed=seed, controls=extra,
                                        cluster=cluster, vcov=vcov, log=log or "drop",
                                        synthetic=synthetic)
        for warning in caught:
            if issubclass(warning.category, FewClustersWarning):
                err.print(f"[bold yellow]warning:[/] {warning.message}", highlight=False)
        # every estimator command prints its design warnings (issue 11; not with --formula,
        # whose unit and treatment columns are not named)
        from pairaid.evaluate.design import design_warnings

        found = [] if formula is not None else design_warnings(
            frame, unit=unit, time=time, cohort=None, treatment=treatment, outcome=y)
        _print(result, as_json, found)

    return run_command(body)


_DONOR = "donor"


def _cluster_reason(cluster: str | None) -> str:
    from pairaid.evaluate.ledger import DONOR_CLUSTER_REASON

    if cluster is not None and _DONOR in cluster.split("+"):
        return DONOR_CLUSTER_REASON + (" (two-way with the county: each county's own serial "
                                       "correlation too)" if "+" in cluster else "")
    return ("clustered by county (the default: serial correlation within a county); "
            "assignment is made by donor, so --cluster donor (with --wild-bootstrap, 19 "
            "clusters) is the level that matches the design")


def _print(result, as_json: bool, design: list[str] | tuple = ()) -> None:
    import json

    from pairaid.cli import render
    from pairaid.cli.console import err, out

    if as_json:
        payload = json.loads(result.to_json()) | {"design_warnings": list(design)}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    for message in design:
        err.print(f"[bold yellow]design:[/] {message}", highlight=False)
    if result.synthetic:
        render.synthetic_banner(out, "The estimate uses SYNTHETIC demo data.")
    sys.stdout.write(result.summary + "\n")


def _instrumented(db, data, level, outcome, treatment, instrument, cluster, vcov, log):
    from pairaid.evaluate import ElasticityError

    if instrument != "donor_revenue":
        raise ElasticityError(f"--instrument '{instrument}': the one built-in instrument is "
                              f"donor_revenue; with --data write the IV formula "
                              f"'y ~ 1 | unit + year | x ~ z'")
    if data is not None:
        raise ElasticityError("--instrument donor_revenue needs a ledger (--db); with --data "
                              "use --formula 'y ~ 1 | unit + year | x ~ z'")
    from pairaid.cli.console import open_ledger as _open
    from pairaid.evaluate.ledger import iv_on_ledger

    store = _open(db)
    try:
        return iv_on_ledger(store, outcome, treatment, level, cluster=cluster, vcov=vcov,
                            log=log or "drop")
    finally:
        store.close()


def _source(db, data, level, outcome, formula, unit, time, donor_level=False):
    """The table to estimate on, the outcome column and notes: (frame, synthetic, outcome,
    notes). `donor_level` adds each unit's donor (ledger mode)."""
    from pairaid.evaluate import ElasticityError

    if data is not None:
        if db is not None:
            raise ElasticityError("give either --db or --data, not both")
        frame = read_plain_table(data, ElasticityError)
        # 'index' means the bundled index only in the ledger; a table's own 'index' column is
        # an outcome like any other (issue 11)
        if formula is None and outcome == INDEX_OUTCOME and INDEX_OUTCOME not in frame:
            raise ElasticityError("with --data, give --formula or --outcome COLUMN")
        return frame, False, outcome, ()
    from pairaid.cli.console import open_ledger as _open
    from pairaid.evaluate.ledger import ledger_frame, with_donor_columns

    store = _open(db)
    try:
        frame, synthetic, column = ledger_frame(store, level, outcome)
        notes: tuple[str, ...] = ()
        if donor_level:
            frame, notes = with_donor_columns(store, frame)
        return frame, synthetic, column, notes
    finally:
        store.close()
