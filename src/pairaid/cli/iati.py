"""`pairaid iati …`: publish the ledger as IATI 2.03, validate IATI files, import them.

Thin: parse, call `pairaid.ingest.iati`, print. Registered in main.py with
``app.add_typer(iati_app, name="iati")``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pairaid.cli.console import bad_input, err, open_ledger, out, progress
from pairaid.cli.options import Db, Json, Token

iati_app = typer.Typer(
    help="IATI 2.03, the international aid-transparency standard: publish the ledger "
         "(export), check a file (validate), read others' activity files (import).",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")


@iati_app.command("export")
@bad_input
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="The IATI XML file to write")],
    db: Db = None,
    reporting_org: Annotated[str, typer.Option(
        "--reporting-org", help="Your organisation's IATI identifier (prefixes every activity's "
                                "identifier)")] = "XM-PAIRAID",
    as_json: Json = False,
) -> None:
    """Write the ledger as an IATI 2.03 activity file: each pairing and each project is an activity.

    Example: `pairaid iati export -o pairaid-iati.xml --reporting-org CN-XJ-AO`
    """
    from pairaid.ingest.iati.export import export_iati
    from pairaid.ingest.iati.validate import validate_iati

    with open_ledger(db, create=False) as store:
        synthetic = store.is_synthetic()
        with err.status("Writing IATI 2.03 ..."):
            counts = export_iati(store, output, reporting_org)
    with err.status("Validating against the IATI 2.03 schema ..."):
        check = validate_iati(output)
    document = {"file": str(output), **counts, "synthetic": synthetic, "valid": check.valid,
                "errors": [vars(p) for p in check.errors]}
    if as_json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        return
    out.print(f"{output}: {counts['activities']:,} activities, {counts['transactions']:,} "
              f"transactions, {counts['results']:,} results ({counts['personnel']:,} personnel "
              f"and {counts['enterprises']:,} enterprise rows among them); "
              + ("valid IATI 2.03 (schema and rules)" if check.valid else
                 f"{len(check.errors)} validation errors (pairaid iati validate {output})"),
              highlight=False)
    if counts["enterprises_unpaired"]:
        out.print(f"{counts['enterprises_unpaired']:,} enterprise rows left out: their origin and "
                  "destination are not a pairing, so no activity holds them", highlight=False)
    if synthetic:
        out.print("SYNTHETIC demo ledger: every activity's description and the file's comment "
                  "say so", style="bold yellow", highlight=False)


@iati_app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="An IATI activity file (.xml)")],
    as_json: Json = False,
) -> None:
    """Check a file against the official IATI 2.03 schema and the rules it cannot express.

    Exit code 0 when valid, 1 when not. Example: `pairaid iati validate activities.xml`
    """
    from pairaid.ingest.iati.validate import validate_iati

    check = validate_iati(file)
    if as_json:
        sys.stdout.write(json.dumps(check.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        for problem in check.errors:
            out.print(f"error  {problem}", markup=False, highlight=False)
        for problem in check.warnings[:50]:
            out.print(f"warning {problem}", markup=False, highlight=False)
        if len(check.warnings) > 50:
            out.print(f"... and {len(check.warnings) - 50} more warnings", highlight=False)
        out.print(f"{file.name}: " + ("valid" if check.valid else
                                      f"INVALID ({len(check.errors)} errors)")
                  + f", {len(check.warnings)} warnings", highlight=False)
    raise typer.Exit(0 if check.valid else 1)


@iati_app.command("import")
@bad_input
def import_(
    files: Annotated[list[Path], typer.Argument(help="IATI 2.01–2.03 activity files")],
    db: Db = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO 3166-1 code for activities that name no recipient country, "
                          "region or location (e.g. UG)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing")] = False,
    as_json: Json = False,
    token: Token = None,
) -> None:
    """Read IATI activity files into the ledger (streamed; all files or nothing).

    Activities → projects, funding organisations → donors, locations → regions, transactions →
    flows, results → outputs. Example: `pairaid iati import uganda.xml --country UG`
    """
    from pairaid.ingest.iati import import_iati
    from pairaid.ledger.accounts import local_writer

    with open_ledger(db, create=not dry_run) as store:
        writer = local_writer(store, token)
        # no `err.status`: its redrawing thread would keep the import from reading in a forked
        # process (`beside.can_fork`)
        with progress("Importing IATI ...") as update:
            report = import_iati(store, files, default_country=country, dry_run=dry_run,
                                 on_step=update, actor=writer.actor,
                                 approval=writer.approval, note=writer.note)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        out.print(str(report), markup=False, highlight=False)
