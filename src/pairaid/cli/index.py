"""`pairaid index …`: build a composite index and test how robust its ranks are.

Thin: parse, call `pairaid.measure`, print. Registered in main.py with
``app.add_typer(index_app, name="index")``; helpers of main.py are imported inside functions
(main imports this module).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import (Data, Db, IncludeDrafts, Json, Level, Output, Unit,
                                 read_plain_table, run_command)

index_app = typer.Typer(
    help="Composite indices (e.g. sustainable agricultural development): build one from a spec "
         "and show how robust its scores and ranks are.",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")

Spec = Annotated[str | None, typer.Argument(
    help="Index spec: a .toml file or a bundled name (sustainable_agriculture); optional when "
         "--indicators is given")]
Time = Annotated[str | None, typer.Option("--time", help="Time column of --data (omit for a "
                                          "cross-section)")]
Indicators = Annotated[str | None, typer.Option(
    "--indicators", help="Indicators and directions, e.g. 'gdp:+,income_gap:-'")]


def _run(db, data, level, on_ledger, on_frame):
    """`on_ledger(api.Ledger)` on the ledger, or `on_frame(table)` on the --data table."""
    from pairaid.measure import IndexDataError

    if data is not None:
        if db is not None:
            raise IndexDataError("give either --db or --data, not both")
        return on_frame(read_plain_table(data, IndexDataError))
    from pairaid import api
    from pairaid.cli.console import open_ledger as _open

    with api.Ledger(_open(db)) as ledger:
        return on_ledger(ledger)


def _spec(spec, indicators, normalise, weights, aggregate, weight_basis=None):
    from pairaid.measure import load_spec, spec_from_options

    base = load_spec(spec) if spec else None
    if indicators or normalise or weights or aggregate or base is None:
        base = spec_from_options(indicators, base, normalise=normalise, weights=weights,
                                 aggregate=aggregate)
    if weight_basis is not None:
        from pairaid.measure.weight import with_weight_basis

        base = with_weight_basis(base, weight_basis)
    return base


@index_app.command("build")
def build(
    spec: Spec = None,
    db: Db = None,
    data: Data = None,
    unit: Unit = "unit",
    time: Time = None,
    level: Level = "county",
    indicators: Indicators = None,
    normalise: Annotated[str | None, typer.Option(
        "--normalise", help="minmax | zscore | vector | rank | distance")] = None,
    weights: Annotated[str | None, typer.Option(
        "--weights", help="equal | entropy | critic | pca | manual:W1,W2,…")] = None,
    aggregate: Annotated[str | None, typer.Option(
        "--aggregate", help="linear | geometric | topsis")] = None,
    weight_basis: Annotated[str | None, typer.Option(
        "--weight-basis", help="Matrix entropy/CRITIC weights are computed on: normalised "
                               "(min-max, direction-aligned; default) | raw (the indicators "
                               "as recorded, as Shannon-entropy and Diakoulaki et al. do in "
                               "their worked examples)")] = None,
    save_as: Annotated[str | None, typer.Option(
        "--save-as", help="Also write the score into the ledger (--db) as indicator CODE")] = None,
    output: Output = None,
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Build a composite index: scores, pillar scores, ranks within each year, and weights.

    Example: `pairaid index build sustainable_agriculture --db pairaid-demo/demo.db --json`;
    `pairaid index build --data t.csv --unit county --time year --indicators "gdp:+,gap:-"
    --weights entropy --aggregate topsis`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.cli import render
        from pairaid.cli.console import open_ledger as _open, out
        from pairaid.ingest.export import write_frame
        from pairaid.measure import IndexDataError, build_index, write_index

        chosen = _spec(spec, indicators, normalise, weights, aggregate, weight_basis)
        result = _run(db, data, level, lambda ledger: ledger.index(chosen, level),
                      lambda frame: build_index(frame, chosen, unit=unit, time=time))
        if output:
            write_frame(result.table, output, sheet="index")
        if save_as:
            if data is not None:
                raise IndexDataError("--save-as writes into the ledger: use it with --db")
            write_index(_open(db), result, save_as)
        if as_json:
            sys.stdout.write(result.to_json() + "\n")
            return
        if result.synthetic:
            render.synthetic_banner(out, "The index is computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        if output:
            sys.stdout.write(f"Table: {output}\n")
        if save_as:
            sys.stdout.write(f"Saved as indicator {save_as} in the ledger\n")

    run_command(body)


@index_app.command("sensitivity")
def sensitivity_command(
    spec: Spec = None,
    draws: Annotated[int, typer.Option("--draws", min=10, help="Monte Carlo draws (index "
                                       "evaluations)")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws")] = 0,
    db: Db = None,
    data: Data = None,
    unit: Unit = "unit",
    time: Time = None,
    level: Level = "county",
    indicators: Indicators = None,
    output: Output = None,
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Uncertainty and sensitivity: median rank and 5–95 % rank interval per unit-year over
    draws of imputation, normalisation, weighting, weight noise and aggregation, and which
    choice moves ranks most (variance-based sensitivity indices).

    Example: `pairaid index sensitivity sustainable_agriculture --db demo.db --draws 1000`
    """
    use_drafts(include_drafts)

    def body():
        from rich.progress import Progress

        from pairaid.cli import render
        from pairaid.cli.console import err, out
        from pairaid.ingest.export import write_frame
        from pairaid.measure import sensitivity

        chosen = _spec(spec, indicators, None, None, None)
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("Monte Carlo draws", total=draws)
            progress = lambda done, total: bar.update(task, completed=done, total=total)  # noqa: E731
            result = _run(db, data, level,
                          lambda ledger: ledger.sensitivity(chosen, draws, seed, level,
                                                            progress=progress),
                          lambda frame: sensitivity(frame, chosen, draws=draws, unit=unit,
                                                    time=time, seed=seed, progress=progress))
        if output:
            write_frame(result.table, output, sheet="ranks")
        if as_json:
            sys.stdout.write(json.dumps(result.to_dict(rows=True), ensure_ascii=False) + "\n")
            return
        if result.synthetic:
            render.synthetic_banner(out, "The index is computed from SYNTHETIC demo data.")
        sys.stdout.write(result.summary + "\n")
        if output:
            sys.stdout.write(f"Rank intervals: {output}\n")

    run_command(body)
