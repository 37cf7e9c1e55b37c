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
        "--cluster", help="Cluster column [default: the first fixed effect]")] = None,
    vcov: Annotated[str, typer.Option("--vcov", help="iid | hetero | CRV1 | CRV3")] = "CRV1",
    log: Annotated[str, typer.Option(
        "--log", help="Logs of outcome and treatment: drop (log; rows <= 0 left out and "
                      "counted) | log1p (log(1+x), zeros kept) | none")] = "drop",
    wild_bootstrap: Annotated[int, typer.Option(
        "--wild-bootstrap", min=0, help="Wild cluster bootstrap test with B reps (advised "
                                        "below 42 clusters); 0 = off")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the wild bootstrap")] = 0,
    as_json: Json = False,
) -> None:
    """Elasticity of an outcome to funds per capita (or any treatment) by two-way fixed effects,
    with cluster-robust errors, and what the number does and does not mean.

    Example: `pairaid estimate --db pairaid-demo/demo.db --outcome sai_latent --json`;
    `pairaid estimate --data t.csv --formula "y ~ x1 + x2 | unit + year" --cluster unit`
    """
    from pairaid.cli.console import err

    def body():
        from pairaid.cli import render
        from pairaid.cli.console import out
        from pairaid.evaluate import FewClustersWarning, estimate_elasticity

        frame, synthetic, y = _source(db, data, level, outcome, formula, unit, time)
        extra = tuple(c.strip() for c in (controls or "").split(",") if c.strip())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FewClustersWarning)
            if formula is not None:
                result = estimate_elasticity(frame, formula, cluster=cluster, vcov=vcov,
                                             log=log, wild_bootstrap=wild_bootstrap, seed=seed,
                                             synthetic=synthetic)
            else:
                result = estimate_elasticity(frame, outcome=y, treatment=treatment,
                                             controls=extra, unit=unit, time=time,
                                             cluster=cluster, vcov=vcov, log=log,
                                             wild_bootstrap=wild_bootstrap, seed=seed,
                                             synthetic=synthetic)
        for warning in caught:
            if issubclass(warning.category, FewClustersWarning):
                err.print(f"[bold yellow]warning:[/] {warning.message}", highlight=False)
        # every estimator command prints its design warnings (issue 11; not with --formula,
        # whose unit and treatment columns are not named)
        from pairaid.evaluate.design import design_warnings

        found = [] if formula is not None else design_warnings(
            frame, unit=unit, time=time, cohort=None, treatment=treatment, outcome=y)
        if as_json:
            import json

            payload = json.loads(result.to_json()) | {"design_warnings": list(found)}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        for message in found:
            err.print(f"[bold yellow]design:[/] {message}", highlight=False)
        if result.synthetic:
            render.synthetic_banner(out, "The estimate uses SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")

    return run_command(body)


def _source(db, data, level, outcome, formula, unit, time):
    """The table to estimate on and the outcome column: (frame, synthetic, outcome)."""
    from pairaid.evaluate import ElasticityError

    if data is not None:
        if db is not None:
            raise ElasticityError("give either --db or --data, not both")
        frame = read_plain_table(data, ElasticityError)
        # 'index' means the bundled index only in the ledger; a table's own 'index' column is
        # an outcome like any other (issue 11)
        if formula is None and outcome == INDEX_OUTCOME and INDEX_OUTCOME not in frame:
            raise ElasticityError("with --data, give --formula or --outcome COLUMN")
        return frame, False, outcome
    from pairaid.cli.console import open_ledger as _open
    from pairaid.evaluate.ledger import ledger_frame

    store = _open(db)
    try:
        return ledger_frame(store, level, outcome)
    finally:
        store.close()
