"""`pairaid import` and `pairaid template`: options in, report (or every problem) out.

A dry run never creates a ledger (a missing SQLite file is validated against an empty ledger in
a temporary folder) and writes the automatic rules' guesses as a mapping file to edit and re-use.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import typer
from rich.markup import escape

from pairaid.cli.console import err, open_ledger, out


def _mapping_path(file: Path, save_mapping: Path | None) -> Path:
    return save_mapping or file.with_name(f"{file.stem}.mapping.toml")


@contextlib.contextmanager
def _ledger_for(db: str | None, dry_run: bool):
    """The ledger; for a dry run on a SQLite file that does not exist, an empty temporary one."""
    from pairaid.ledger.store import resolve_url

    url = resolve_url(db)
    if dry_run and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        with tempfile.TemporaryDirectory(prefix="pairaid-dry-run-") as folder:
            store = open_ledger(str(Path(folder) / "ledger.db"), create=True)
            try:
                yield store, f"no ledger at {url.removeprefix('sqlite:///')}: checked against an " \
                             "empty ledger, none created"
            finally:
                store.close()
        return
    store = open_ledger(db, create=not dry_run)
    try:
        yield store, None
    finally:
        store.close()


def run_import(table: str, file: Path, db: str | None, *, dry_run: bool, mode: str,
               as_json: bool, sheet: str | None, header_row: int | None,
               amount_unit: str | None, mapping: Path | None, save_mapping: Path | None,
               token: str | None = None) -> None:
    from pairaid.atomic import write_text
    from pairaid.ingest import ImportValidationError, Mapping, OfficeOptions, import_file

    options = OfficeOptions(sheet, header_row, amount_unit,
                            Mapping.load(mapping) if mapping else None)
    guessed = None
    from pairaid.ledger.accounts import local_writer

    with _ledger_for(db, dry_run) as (store, empty_note):
        writer = local_writer(store, token)
        try:
            with err.status(f"Importing {file.name} ...") as status:
                report = import_file(store, table, file, mode=mode, dry_run=dry_run,
                                     options=options, on_step=lambda step: status.update(
                                         f"Importing {file.name}: {step} ..."),
                                     actor=writer.actor, approval=writer.approval,
                                     note=writer.note)
        except ImportValidationError as failed:
            guessed = failed.mapping
            written = _save_mapping(guessed, file, save_mapping, dry_run, write_text)
            if not as_json:
                for note in failed.transformations:
                    err.print(f"  - {escape(note)}", highlight=False)
                if empty_note:
                    err.print(escape(empty_note), highlight=False)
                if written:
                    err.print(f"mapping of the guesses written to {written}: edit it and pass "
                              f"--mapping {written}", highlight=False)
                raise
            out.print_json(data={
                "ok": False, "table": table, "file": file.name, "dry_run": dry_run,
                "problems": [p.__dict__ for p in failed.problems],
                "transformations": list(failed.transformations),
                "mapping_written": str(written) if written else None, "note": empty_note,
            })
            raise typer.Exit(2) from None
        written = _save_mapping(report.mapping, file, save_mapping, dry_run, write_text)
    if as_json:
        extra = {"note": empty_note, "mapping_written": str(written) if written else None}
        if not dry_run:  # who the journal says wrote the rows, and their approval state
            extra.update(actor=writer.actor, approval=writer.approval, journal_note=writer.note)
        out.print_json(data={"ok": True, **report.to_dict(),
                             **{k: v for k, v in extra.items() if v is not None}})
        return
    out.print(str(report), highlight=False)
    if not dry_run:
        out.print(f"journal: {writer.note}", highlight=False)
    if empty_note:
        out.print(empty_note, highlight=False)
    if written:
        out.print(f"mapping of the guesses written to {written}: edit it and re-use it with "
                  f"--mapping {written}", highlight=False)


def _save_mapping(guessed, file: Path, save_mapping: Path | None, dry_run: bool, write_text):
    """Write the guesses after a dry run (or whenever --save-mapping is given), if there are any."""
    if guessed is None or not (dry_run or save_mapping):
        return None
    if not (guessed.columns or guessed.donors or guessed.regions or guessed.values
            or guessed.sheet or guessed.amount_unit or (guessed.header_row or 1) > 1):
        return None
    path = _mapping_path(file, save_mapping)
    write_text(path, guessed.to_toml(
        f"pairaid import mapping for {file.name}: what the automatic rules guessed.\n"
        "Edit it (an empty code \"\" leaves a name to the rules) and re-use it:\n"
        f"  pairaid import TABLE {file.name} --mapping {path.name}"))
    return path
