"""`pairaid delete` and `pairaid coverage …`: corrections and statements about the ledger,
without hand-editing the database (issue 12). Thin: parse, call `pairaid.ledger.corrections` /
`pairaid.coverage` (through `pairaid.api`), print."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from pairaid.cli.options import Db, FromYear, Json, Token, ToYear, run_command

coverage_app = typer.Typer(
    help="What the ledger holds completely: a pairing-year without flows is missing (not zero) "
         "unless its coverage is declared complete.",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")

Donor = Annotated[str | None, typer.Option("--donor", help="Donor code (default: every donor)")]
Recipient = Annotated[str | None, typer.Option("--recipient", help="Recipient region code "
                                               "(default: every recipient)")]
Round = Annotated[int | None, typer.Option("--round", help="Pairing round (default: every "
                                           "round)")]


def delete(
    table: Annotated[str, typer.Argument(help="Table, as in `pairaid export` (flows, "
                                         "observations, pairings …)")],
    where: Annotated[list[str], typer.Option(
        "--where", help="Condition on an import column, e.g. year=2015, donor=BJ, amount>=1e6, "
                        "ref= (missing); repeat for AND")] = [],  # noqa: B006 (typer needs a list)
    db: Db = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the rows; delete "
                                          "nothing")] = False,
    as_json: Json = False,
    token: Token = None,
) -> None:
    """Delete the rows that meet every --where condition, and name them; on any error nothing
    is removed. The journal keeps each deleted row's last state.

    Example: `pairaid delete flows --where donor=BJ --where year=2015 --dry-run`
    """
    def body():
        from pairaid.cli.console import open_ledger, out
        from pairaid.ledger.accounts import local_writer
        from pairaid.ledger.corrections import delete_rows

        store = open_ledger(db)
        try:
            writer = local_writer(store, token)
            result = delete_rows(store, table, list(where), dry_run=dry_run, actor=writer.actor)
        finally:
            store.close()
        if as_json:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            return
        out.print(str(result), highlight=False)
        if result.count:
            out.print(result.rows.head(50).to_string(index=False), highlight=False)
            if result.count > 50:
                out.print(f"... and {result.count - 50} more (--json lists them all)",
                          highlight=False)

    run_command(body)


@coverage_app.command("show")
def coverage_show(db: Db = None, year_from: FromYear = None, year_to: ToYear = None,
                  as_json: Json = False) -> None:
    """The coverage of the ledger's flows: pairing-years recorded, declared complete, missing.

    Example: `pairaid coverage show --from 2012 --json`
    """
    def body():
        from pairaid import api
        from pairaid.cli.console import out
        from pairaid.ledger import queries

        with api.Ledger(_store(db)) as ledger:
            coverage = ledger.coverage(year_from, year_to)
            declared = len(queries.coverage(ledger.store))
        if as_json:
            sys.stdout.write(json.dumps({**coverage.to_dict(), "declared_spans": int(declared)},
                                        ensure_ascii=False) + "\n")
            return
        out.print(f"Coverage: {coverage.statement}.", highlight=False)
        out.print(f"{int(declared)} span(s) declared complete", highlight=False)
        if len(coverage.missing):
            out.print("Not recorded (first 20):", highlight=False)
            out.print(coverage.missing.head(20).to_string(index=False), highlight=False)

    run_command(body)


@coverage_app.command("set")
def coverage_set(db: Db = None, donor: Donor = None, recipient: Recipient = None,
                 round_: Round = None, year_from: FromYear = None, year_to: ToYear = None,
                 source: Annotated[str | None, typer.Option(
                     "--source", help="Who states it, on what basis")] = None,
                 as_json: Json = False) -> None:
    """Declare the ledger complete for the matching pairings (all, without filters) over
    --from..--to (default: each pairing's own years): their years without flows become
    recorded zeros.

    Example: `pairaid coverage set --donor BJ --from 2011 --to 2024 --source "office return"`
    """
    def body():
        from pairaid import api
        from pairaid.cli.console import out

        with api.Ledger(_store(db)) as ledger:
            spans = ledger.declare_complete(donor, recipient, round_, year_from, year_to,
                                            source)
            coverage = ledger.coverage()
        if as_json:
            from pairaid.jsonable import records

            sys.stdout.write(json.dumps({"declared": records(spans),
                                         "coverage": coverage.to_dict()},
                                        ensure_ascii=False) + "\n")
            return
        out.print(f"{int(spans['new'].sum())} span(s) declared complete "
                  f"({len(spans) - int(spans['new'].sum())} already were)", highlight=False)
        out.print(f"Coverage: {coverage.statement}.", highlight=False)

    run_command(body)


@coverage_app.command("clear")
def coverage_clear(db: Db = None, donor: Donor = None, recipient: Recipient = None,
                   round_: Round = None, as_json: Json = False) -> None:
    """Withdraw the declarations of the matching pairings (their years without flows become
    missing again).

    Example: `pairaid coverage clear --donor BJ`
    """
    def body():
        from pairaid.cli.console import out
        from pairaid.coverage import withdraw

        store = _store(db)
        try:
            removed = withdraw(store, donor, recipient, round_)
        finally:
            store.close()
        if as_json:
            sys.stdout.write(json.dumps({"withdrawn": removed}) + "\n")
            return
        out.print(f"{removed} span(s) withdrawn", highlight=False)

    run_command(body)


def _store(db):
    from pairaid.cli.console import open_ledger

    return open_ledger(db)
