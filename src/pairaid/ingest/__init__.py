"""Import and export: templates, validation, CSV/XLSX/Parquet/JSON. Never writes partially."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pairaid.errors import InputError
from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.mapping import Mapping
from pairaid.ingest.names import NameResolver
from pairaid.ingest.office import OfficeOptions, normalise
from pairaid.ingest.read import ROW, read_table_file
from pairaid.ingest.tables import TABLE_ORDER, TABLES, unknown_table
from pairaid.ingest.validate import duplicate_problems, validate_table
from pairaid.ingest.wide import name_year_columns, unpivot_years
from pairaid.ledger.errors import DuplicateKeyError
from pairaid.ledger.store import Store, WriteMode

__all__ = [
    "ImportReport", "ImportValidationError", "Mapping", "NameResolver", "OfficeOptions", "Problem",
    "TABLES", "TABLE_ORDER", "import_file", "import_frames",
]


#: upserts up to this many rows report their changes row by row
ITEMISED = 50_000


@dataclass(frozen=True)
class ImportReport:
    table: str
    file: str
    rows: int
    new: int
    updated: int
    dry_run: bool
    #: upsert only: what changed, row by row (row, key, change, column, before, after)
    changes: tuple[dict, ...] = ()
    #: every change made to the file's cells on the way in (headers, units, names, totals ...)
    transformations: tuple[str, ...] = ()
    #: the automatic rules' guesses, as a mapping file a user can edit (office sheets only)
    mapping: Mapping | None = field(default=None, compare=False, repr=False)
    #: upsert: rows whose key was in the ledger and whose every value was already there (not
    #: counted in `updated`); known when the upsert was itemised (up to ITEMISED rows)
    unchanged: int = 0

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        same = f", {self.unchanged} unchanged" if self.unchanged else ""
        lines = [f"{self.file}: {verb} {self.rows} {self.table} rows ({self.new} new, "
                 f"{self.updated} updated{same})"]
        lines += [f"  - {note}" for note in self.transformations]
        if self.changes:
            from pairaid.ledger.corrections import describe_changes

            lines.append(describe_changes(self.changes))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"table": self.table, "file": self.file, "rows": self.rows, "new": self.new,
                "updated": self.updated, "unchanged": self.unchanged, "dry_run": self.dry_run,
                "transformations": list(self.transformations), "problems": [],
                "changes": list(self.changes)}


def import_frames(store: Store, frames: dict[str, pd.DataFrame], *, mode: WriteMode = "append",
                  source: str = "frame", dry_run: bool = False,
                  labels: dict[str, str] | None = None,
                  on_step: Callable[[str], None] | None = None,
                  before_commit: Callable[[object], None] | None = None,
                  specs: dict | None = None, actor=None, approval: str | None = None,
                  note: str | None = None) -> list[ImportReport]:
    """Validate and write several tables in ONE transaction (in dependency order).

    Each table is validated against what the earlier tables of the same call wrote, so a whole
    ledger can be loaded at once. Any problem rolls everything back and raises
    `ImportValidationError`. Frames hold the import columns of `TABLES[name]`; cells may be text
    or typed values, empty/None/NaN for missing. Without a `_row` column, row numbers start at 2.
    `before_commit(conn)` runs last inside the transaction (a restore writes the metadata and
    checks the fingerprint there; raising rolls everything back). `specs` replaces a table's
    `TableSpec` (a restore accepts the negative flows an IATI import wrote).

    `actor` (an account, a name; None: the local user) is who the journal says wrote each row.
    `approval` ("draft" or "approved") is the state the written records take; None: drafts when
    the actor is an account (the web service: an approver approves them), approved for a local
    process (the CLI, a script, the demo: whoever holds the database file). `note`: the
    journal's comment on the write (`ledger.accounts.local_writer` says why records are approved).
    """
    unknown = [n for n in frames if n not in TABLES]
    if unknown:
        raise unknown_table(unknown[0])
    reports = []
    labels = labels or {}
    step = on_step or (lambda _message: None)
    from pairaid.ledger.journal import actor_name

    approval = resolve_approval(actor, approval)
    with store.transaction(actor_name(actor), note) as conn:
        for name in (n for n in TABLE_ORDER if n in frames):
            frame = frames[name]
            if ROW not in frame:
                frame = frame.assign(**{ROW: range(2, len(frame) + 2)})
            label = labels.get(name, f"{source}:{name}")
            step(f"validating {len(frame):,} {name} rows")
            spec = (specs or {}).get(name, TABLES[name])
            rows, problems, existing = validate_table(store, conn, spec,
                                                      frame.reset_index(drop=True), label, mode,
                                                      file_duplicates=False)
            if problems:
                raise ImportValidationError(problems)
            changes = ()
            # read before the write: what each row changes (itemised up to ITEMISED rows; a
            # bigger upsert, e.g. an index saved into the ledger, reports its counts only)
            if mode == "upsert" and len(rows) <= ITEMISED:
                from pairaid.jsonable import records
                from pairaid.ledger.corrections import upsert_changes

                changes = tuple(records(upsert_changes(store, conn, name, rows, ROW)))
            step(f"writing {len(rows):,} {name} rows")
            try:
                # Written even in a dry run (rolled back below), so later tables see these rows.
                store.write(name, rows.drop(columns=ROW), mode, conn, approval=approval)
            except DuplicateKeyError as refused:
                # The unique index saw a repeated key: name the rows (the transaction rolls back).
                raise ImportValidationError(
                    duplicate_problems(TABLES[name], rows, label)
                    or [Problem(label, 0, "", f"the ledger refused the rows: {refused}")]) from None
            matched = existing if mode == "upsert" else 0
            # an itemised upsert knows which matched rows change nothing: they are not "updated"
            unchanged = sum(1 for c in changes if c["change"] == "unchanged")
            reports.append(ImportReport(name, label, len(rows), len(rows) - matched,
                                        matched - unchanged, dry_run, changes,
                                        unchanged=unchanged))
        if before_commit is not None:
            before_commit(conn)
        if dry_run:
            conn.rollback()
    return reports


def import_file(store: Store, table: str, path: Path | str, *, mode: WriteMode = "append",
                dry_run: bool = False, on_step: Callable[[str], None] | None = None,
                options: OfficeOptions | None = None,
                authorise: Callable[[pd.DataFrame], None] | None = None, actor=None,
                approval: str | None = None, note: str | None = None) -> ImportReport:
    """Read, validate and write one file; nothing is written if any cell is wrong.

    Office sheets (Chinese headers, names, 万元, title and total rows) are read as `office` and
    `layout` describe; `options` override their guesses. Every change made on the way in is in
    the report's `transformations` (and in the error's, when the import fails).
    `on_step` hears what is happening (for a progress display). `authorise(rows)` sees the
    validated rows (import columns) inside the transaction, before it commits: raising there
    writes nothing (the web service refuses rows outside an editor's region or donor).
    `actor`, `approval` and `note` as in `import_frames`."""
    if table not in TABLES:
        raise unknown_table(table)
    options = (options or OfficeOptions()).resolved()
    path = Path(path)
    kind = path.suffix.lower()
    if options.sheet is not None and kind not in (".xlsx", ".xlsm"):
        raise InputError(f"--sheet applies to workbooks (.xlsx), not to {path.name}")
    if options.header_row is not None and kind not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise InputError(f"--header-row applies to spreadsheets and CSV files, not to {path.name}")
    if on_step:
        on_step(f"reading {path.name}")
    frame = read_table_file(path, table, TABLES[table].column_names, sheet=options.sheet,
                            header_row=options.header_row)
    label = frame.attrs.get("label", path.name)
    frame = unpivot_years(frame, TABLES[table])  # years as columns → one row per year
    office = normalise(frame, TABLES[table], label, lambda: NameResolver.from_store(store),
                       options, known=store.codes)
    notes = tuple(office.notes)
    try:
        report = import_frames(store, {table: office.frame}, mode=mode, dry_run=dry_run or
                               bool(office.problems), labels={table: label}, on_step=on_step,
                               before_commit=None if authorise is None
                               else lambda _conn: authorise(office.frame),
                               actor=actor, approval=approval, note=note)[0]
    except ImportValidationError as failed:
        # A cell the office step already named is not reported twice by validation.
        named = {(p.row, p.column) for p in office.problems}
        problems = office.problems + [p for p in failed.problems if (p.row, p.column) not in named]
        raise _with_notes(ImportValidationError(name_year_columns(problems, frame)), notes,
                          office.guessed) from None
    if office.problems:
        raise _with_notes(ImportValidationError(name_year_columns(office.problems, frame)),
                          notes, office.guessed)
    return ImportReport(report.table, report.file, report.rows, report.new, report.updated,
                        report.dry_run, report.changes, notes, office.guessed,
                        unchanged=report.unchanged)


def resolve_approval(actor, approval: str | None) -> str:
    """The state written records take: as asked, else drafts for an account (web), approved
    for a local process."""
    if approval is None:
        return "draft" if hasattr(actor, "role") else "approved"
    if approval not in ("draft", "approved"):
        raise InputError(f"approval {approval!r}: draft or approved (records are returned by "
                         "an approver, not imported as returned)")
    return approval


def _with_notes(error: ImportValidationError, notes: tuple[str, ...],
                guessed: Mapping) -> ImportValidationError:
    error.transformations = notes
    error.mapping = guessed
    return error
