"""`pairaid` command line: parse, call the library, print. No business logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from pairaid.cli import console, render
from pairaid.cli.console import bad_input, err, open_ledger as _open, out, use_drafts
from pairaid.cli.options import Db, FromYear, IncludeDrafts, Json, Lang, Token, ToYear
from pairaid.ingest.tables import TABLE_ORDER

app = typer.Typer(
    name="pairaid",
    help="The system of record and evaluation toolkit for paired (counterpart) assistance.\n\n"
         "Ledger: --db PATH|URL, or PAIRAID_DB, or ./pairaid.db (a SQLite file; a postgresql:// "
         "URL for a shared server).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
Currency = Annotated[str, typer.Option("--currency", help="Reporting currency (ISO 4217)")]
PricesOpt = Annotated[str, typer.Option("--prices", help="nominal, or constant:YEAR[:INDEX] "
                                                         "(e.g. constant:2012)")]


def _version(value: bool) -> None:
    if value:
        from pairaid import __version__

        typer.echo(f"pairaid {__version__}")
        raise typer.Exit()


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
         version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit")] = False
         ) -> None:
    console.state["debug"] = debug
    console.state["include_drafts"] = False  # a command that reads drafts says so itself


@app.command()
@bad_input
def demo(
    out_dir: Annotated[Path, typer.Option("-o", "--output", "--out",
                                          help="Folder for demo.db and the outputs")] = Path("pairaid-demo"),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data-generating process")] = 2010,
    as_json: Json = False,
) -> None:
    """Build the demo ledger (real regions, census and pairings; SYNTHETIC flows and outcomes).

    Example: `pairaid demo -o pairaid-demo --seed 2010`
    """
    from pairaid.atomic import write_text
    from pairaid.demo import build
    from pairaid.ingest.export import write_frame
    from pairaid.ledger import Store
    from pairaid.panel import build_panel
    from pairaid.summary import summarise

    with err.status("Building the demo ledger (synthetic data-generating process) ..."):
        path = build(out_dir, seed=seed)
    store = Store.open(path, create=False)
    with err.status("Building the county panel and the summary ..."):
        panel = build_panel(store, "county")
        panel_path = write_frame(panel.frame, out_dir / "panel_county.csv")
        summary = summarise(store, year_from=2012)
        summary_path = out_dir / "summary.json"
        write_text(summary_path, json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    if as_json:
        sys.stdout.write(json.dumps({"ledger": str(path), "panel": str(panel_path),
                                     "summary": str(summary_path), "synthetic": True,
                                     "rows": store.counts(),
                                     "coverage": panel.coverage.to_dict() if panel.coverage
                                     else None}, ensure_ascii=False) + "\n")
        return
    render.summary(out, summary)
    out.print(f"\nLedger:   {path}  ({sum(store.counts().values()):,} rows)\n"
              f"Panel:    {panel_path}  ({panel.description})\n"
              f"Summary:  {summary_path}\n"
              f"Try:      pairaid summary --db {path}    pairaid panel --db {path} --level prefecture",
              highlight=False)


@app.command("import")
@bad_input
def import_(
    table: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLE_ORDER)}")],
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GB18030), XLSX, Parquet or JSON")],
    db: Db = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing (not "
                                          "even a new ledger); write the guesses as a mapping")] = False,
    mode: Annotated[Literal["append", "upsert"], typer.Option(
        help="append: existing rows are errors; upsert: replace rows with the same key")] = "append",
    as_json: Json = False,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="Sheet to read [default: the one named after the table, else the first "
                        "whose header names its columns (a cover sheet is skipped)]")] = None,
    header_row: Annotated[int | None, typer.Option(
        "--header-row", min=1, help="Row number of the header [default: found below title and "
                                    "unit rows]")] = None,
    amount_unit: Annotated[str | None, typer.Option(
        "--amount-unit", help="Unit of the amounts: 元, 万元, 亿元 or 千元 [default: from the "
                              "header (金额（万元）), a 单位：万元 row, or 元]")] = None,
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="TOML file mapping headers, names and values the rules cannot guess "
                          "(a dry run writes one)")] = None,
    save_mapping: Annotated[Path | None, typer.Option(
        # the one file `import` writes: -o/--output as on every command that writes
        "-o", "--output", "--save-mapping", help="Where to write the mapping of the guesses "
        "(TOML) [default with --dry-run: FILE.mapping.toml beside the file]")] = None,
    token: Token = None,
) -> None:
    """Validate a file and add its rows to the ledger; on any bad cell nothing is written.

    Office sheets go in as they are: Chinese or English headers, donor and region names,
    万元/亿元, dates, title, unit and total rows; every change made is listed. On a ledger with
    accounts, records are drafts unless an admin's --token is given (the journal says which).

    Example: `pairaid import flows 援疆资金.xlsx --dry-run`
    """
    from pairaid.cli.importing import run_import

    run_import(table, file, db, dry_run=dry_run, mode=mode, as_json=as_json, sheet=sheet,
               header_row=header_row, amount_unit=amount_unit, mapping=mapping,
               save_mapping=save_mapping, token=token)


@app.command()
@bad_input
def export(
    table: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLE_ORDER)}, or 'all'")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File (.csv .xlsx .parquet .json);"
                                                                " a folder for 'all'")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Write a table in its import format (export then import reproduces the ledger).

    Example: `pairaid export flows -o flows.xlsx`;  `pairaid export all -o backup/`
    """
    from pairaid.ingest.export import write_frame
    from pairaid.ingest.tables import TABLES

    store = _open(db)
    if table == "all":
        written = {}
        for name in TABLE_ORDER:
            frame = store.read_table(name, drafts=True)  # the record: every row
            written[name] = (str(write_frame(frame, output / f"{name}.csv")), len(frame))
            if not as_json:
                out.print(f"{written[name][0]}", highlight=False)
        if as_json:
            sys.stdout.write(json.dumps({"files": [{"table": t, "file": f, "rows": n} for t, (f, n)
                                                   in written.items()]}) + "\n")
        return
    if table not in TABLES:
        raise typer.BadParameter(f"unknown table '{table}' (tables: {', '.join(TABLE_ORDER)})")
    frame = store.read_table(table, drafts=True)
    path = write_frame(frame, output, sheet=table)
    if as_json:
        sys.stdout.write(json.dumps({"files": [{"table": table, "file": str(path),
                                                "rows": len(frame)}]}) + "\n")
        return
    out.print(f"{path}: {len(frame)} {table} rows", highlight=False)


@app.command()
@bad_input
def template(
    table: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLE_ORDER)}")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Template file (.csv or .xlsx)")],
    lang: Annotated[Literal["en", "zh"], typer.Option(
        "--lang", help="en: column names as headers; zh: Chinese headers, drop-down lists for "
                       "coded columns (XLSX) and notes in Chinese")] = "en",
    as_json: Json = False,
) -> None:
    """Write an import template: the header, one example row, and notes on every column.

    Example: `pairaid template flows -o flows.xlsx`;  `pairaid template flows --lang zh -o 资金.xlsx`
    """
    from pairaid.ingest.export import write_template

    path = write_template(table, output, lang=lang)
    if as_json:
        sys.stdout.write(json.dumps({"table": table, "file": str(path)}) + "\n")
        return
    out.print(f"{path}: template for {table}", highlight=False)


@app.command()
@bad_input
def panel(
    db: Db = None,
    level: Annotated[Literal["county", "prefecture"], typer.Option(help="Unit of the panel")] = "county",
    year_from: FromYear = None,
    year_to: ToYear = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the panel "
                                                "(.csv .xlsx .parquet .json)")] = None,
    currency: Currency = "CNY",
    prices: PricesOpt = "nominal",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """One row per unit and year: funds by kind and sector, per capita, personnel, projects,
    enterprises and every indicator, aggregated up the region hierarchy.

    Example: `pairaid panel --level prefecture --from 2012 --to 2022 --prices constant:2012 -o p.csv`
    """
    use_drafts(include_drafts)

    from pairaid import api
    from pairaid.ingest.export import write_frame

    with err.status("Building the panel ..."), api.Ledger(_open(db)) as ledger:
        result = ledger.panel(level, year_from, year_to, currency, prices)
    if output:
        write_frame(result.frame, output, sheet="panel")
    if as_json:
        payload = result.to_dict(rows=not output)
        if output:
            payload["rows"] = str(output)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    render.panel(out, result, output)


@app.command()
@bad_input
def summary(
    db: Db = None,
    year_from: FromYear = None,
    year_to: ToYear = None,
    currency: Currency = "CNY",
    prices: PricesOpt = "nominal",
    lang: Lang = "en",
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """The headline table: funds, investment, enterprises, personnel, projects, GDP and income
    growth, each with its period, money basis and source.

    Example: `pairaid summary --from 2012 --currency USD --json`
    """
    use_drafts(include_drafts)

    from pairaid import api

    with api.Ledger(_open(db)) as ledger:
        result = ledger.summary(year_from, year_to, currency, prices)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    render.summary(out, result.headline, lang)
    if lang == "en":
        out.print(f"Coverage: {result.coverage.statement}.", highlight=False)
    from pairaid.cli import reading

    reading.show((), lang, result.coverage)


@app.command()
@bad_input
def info(db: Db = None, as_json: Json = False) -> None:
    """Where the ledger is, whether it is synthetic, how many rows each table holds, how many
    records await approval, and the journal's head.

    Example: `pairaid info --db pairaid-demo/demo.db`
    """
    from pairaid.ledger.approval import pending_counts
    from pairaid.ledger.journal_read import head
    from pairaid.ledger.store import synthetic_flag

    store = _open(db)
    counts = store.counts()
    meta = store.meta()
    pending, journal = pending_counts(store), head(store)
    if as_json:
        out.print_json(data={"ledger": store.location, "backend": store.backend,
                             "schema_revision": store.schema_revision(),
                             "synthetic": synthetic_flag(meta), "rows": counts,
                             "awaiting_approval": pending, "journal": journal.to_dict()})
        return
    render.info(out, store.location, store.backend, meta, counts)
    waiting = sum(pending.values())
    out.print(f"Awaiting approval: {waiting:,} record{'s' if waiting != 1 else ''}"
              + (" (" + ", ".join(f"{t} {n:,}" for t, n in pending.items() if n) + ")"
                 if waiting else ""), highlight=False)
    out.print(f"Journal: {journal.seq:,} entries, head {journal}", highlight=False,
              soft_wrap=True)


@app.command()
@bad_input
def backup(
    output: Annotated[Path, typer.Option("-o", "--output", help="A new folder, or a .zip file")],
    db: Db = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that holds other "
                                        "files")] = False,
    as_json: Json = False,
) -> None:
    """Copy the whole ledger (every table and its metadata) to a folder or a .zip, with a
    manifest that carries the ledger's fingerprint.

    Example: `pairaid backup --db pairaid.db -o backups/2026-12-06.zip`
    """
    from pairaid.backup import backup as write_backup

    store = _open(db)
    try:
        with err.status("Writing the backup ..."):
            result = write_backup(store, output, force=force)
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(_backup_document(result)) + "\n")
        return
    out.print(f"{result.path}: {sum(result.rows.values()):,} rows in {len(result.rows)} tables; "
              f"ledger fingerprint {result.ledger_sha256[:16]}"
              + ("  (SYNTHETIC demo data)" if result.synthetic else ""), highlight=False)


@app.command()
@bad_input
def restore(
    source: Annotated[Path, typer.Argument(help="A folder or .zip written by `pairaid backup`")],
    db: Annotated[str, typer.Option("--db", help="The NEW ledger: a SQLite file that does not "
                                    "exist yet, or an empty postgresql:// database")],
    as_json: Json = False,
) -> None:
    """Restore a backup into a new ledger: all or nothing, checked against the backup's
    fingerprint.

    Example: `pairaid restore backups/2026-12-06.zip --db restored.db`
    """
    from pairaid.backup import restore as read_backup

    with err.status("Restoring ...") as status:
        result = read_backup(source, db,
                             on_step=lambda step: status.update(f"Restoring: {step} ..."))
    if as_json:
        sys.stdout.write(json.dumps(_backup_document(result)) + "\n")
        return
    out.print(f"{result.path}: restored {sum(result.rows.values()):,} rows; ledger fingerprint "
              f"{result.ledger_sha256[:16]} matches the backup"
              + ("  (SYNTHETIC demo data)" if result.synthetic else ""), highlight=False)


def _backup_document(result) -> dict:
    """What `backup` wrote or `restore` read, for --json."""
    return {"path": str(result.path), "rows": dict(result.rows),
            "ledger_sha256": result.ledger_sha256, "synthetic": bool(result.synthetic)}


def _register_subcommands() -> None:
    """Commands that live in their own modules (each keeps main.py small)."""
    from pairaid.cli.audit import audit
    from pairaid.cli.corrections import coverage_app, delete
    from pairaid.cli.dependence import dependence, environment
    from pairaid.cli.equity import equity
    from pairaid.cli.estimate import estimate
    from pairaid.cli.event_study import event_study
    from pairaid.cli.iati import iati_app
    from pairaid.cli.index import index_app
    from pairaid.cli.plan import plan_app
    from pairaid.cli.report import report
    from pairaid.cli.serve import serve
    from pairaid.cli.synth import synth
    from pairaid.cli.users import users_app
    from pairaid.cli.journal import approve, journal_app, return_
    from pairaid.cli.dose_response import dose_response

    app.command()(equity)
    app.command()(dependence)
    app.command()(environment)
    app.command()(audit)
    app.command()(estimate)
    app.command("event-study")(event_study)
    app.add_typer(index_app, name="index")
    app.add_typer(iati_app, name="iati")
    app.add_typer(plan_app, name="plan")
    app.command()(synth)
    app.command("dose-response")(dose_response)
    app.command()(report)
    app.command()(serve)
    app.command()(delete)
    app.add_typer(coverage_app, name="coverage")
    app.add_typer(users_app, name="users")
    app.add_typer(journal_app, name="journal")
    app.command()(approve)
    app.command("return")(return_)


_register_subcommands()


def run() -> None:
    app()
