"""What an IATI import writes through the ledger's own validator: the regions and donors each
batch names first (`write_references`, before the batch's rows), and once the files are read
the outputs, personnel and enterprises batch by batch (`write_results`); all inside the
caller's one transaction (nothing is written on error). Flows, projects and pairings are
written by `writer.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.iati.spool import FILE, LINE, release_memory
from pairaid.ingest.lookups import Lookups
from pairaid.ingest.read import ROW
from pairaid.ingest.tables import TABLES, TableSpec
from pairaid.ingest.validate import duplicate_problems, validate_table
from pairaid.ledger.errors import DuplicateKeyError
from pairaid.ledger.store import Store

#: IATI allows negative transactions (reversals, decommitments); office files may not have them
FLOWS_FROM_IATI = replace(TABLES["flows"], columns=tuple(
    replace(c, minimum=-1e15) if c.name == "amount" else c for c in TABLES["flows"].columns))


def write_references(writer, regions: list[tuple], donors: list[tuple]) -> None:
    """The regions and donors a batch names first that the ledger does not have (through the
    ledger's validator: their codes and names come from the file). Written before the batch's
    rows, whose pairings refer to them. `writer` is the import's `writer.LedgerWriter`."""
    store, conn, lookups, report = writer.store, writer.conn, writer.lookups, writer.report
    known = writer.known
    if known is None:
        known = writer.known = (set(lookups.codes("regions")), set(lookups.codes("donors")))
    regions_known, donors_known = known
    named = writer.named_regions
    named.update(row[0] for row in regions)
    regions = [row for row in regions if row[0] not in regions_known]
    donors = [(code, zh, en, "other") for code, zh, en in donors if code not in donors_known]
    if regions:
        # a place's parent (its country) is named before it, in this batch or an earlier one
        regions = [(c, zh or en, en, level, parent if parent in named or parent in
                    regions_known else None) for c, zh, en, level, parent in regions]
        _write(store, conn, lookups, "regions", pd.DataFrame(
            regions, columns=["code", "name_zh", "name_en", "level", "parent_code"]),
            "IATI regions")
        regions_known.update(r[0] for r in regions)
        report.new_regions += len(regions)
    if donors:
        _write(store, conn, lookups, "donors", pd.DataFrame(
            donors, columns=["code", "name_zh", "name_en", "kind"]), "IATI donors")
        donors_known.update(d[0] for d in donors)
        report.new_donors += len(donors)


def write_results(writer, step: Callable[[str], None], approval: str = "approved") -> None:
    """Once the files are read and the pairings' spans written: the outputs, personnel and
    enterprises the writer spooled, batch by batch through the ledger's validator."""
    release_memory()
    for table, spooled in (("outputs", writer.outputs), ("personnel", writer.personnel),
                           ("enterprises", writer.enterprises)):
        for batch in spooled.batches():
            step(f"writing {len(batch):,} {table}")
            _write(writer.store, writer.conn, writer.lookups, table, batch, f"IATI {table}",
                   None, approval, writer.files)
            del batch
            release_memory()


def _write(store: Store, conn, lookups: Lookups, table: str, frame: pd.DataFrame, label: str,
           spec: TableSpec | None = None, approval: str = "approved",
           files: list[str] | None = None) -> None:
    if frame.empty:
        return
    if ROW not in frame:
        frame = frame.assign(**{ROW: range(2, len(frame) + 2)})
    located = None
    if LINE in frame:
        located = _Located(files or [], table, frame.pop(FILE).to_numpy(),
                           frame.pop(LINE).to_numpy(), frame[ROW].to_numpy())
    spec = spec or TABLES[table]
    rows, problems, _existing = validate_table(store, conn, spec, frame.reset_index(drop=True),
                                               label, "append", file_duplicates=False,
                                               ledger_duplicates=False, lookups=lookups)
    if problems:
        raise ImportValidationError(located(problems) if located else problems)
    try:
        store.write(table, rows.drop(columns=ROW), "append", conn, approval=approval)
    except DuplicateKeyError as refused:
        found = duplicate_problems(spec, rows, label)
        raise ImportValidationError((located(found) if located else found) or [
            Problem(label, 0, "", "rows already in the ledger (the same natural key): was this "
                    f"file imported before? ({refused})")]) from None
    lookups.written(table, rows)


class _Located:
    """Puts a spooled row's problems back where the row came from: its file and XML line."""

    def __init__(self, files: list[str], table: str, file_index, lines, rows) -> None:
        self.files, self.table = files, table
        self.file_index, self.lines, self.rows = file_index, lines, rows

    def __call__(self, problems: list[Problem]) -> list[Problem]:
        at = {int(row): (int(f), int(line))
              for row, f, line in zip(self.rows, self.file_index, self.lines)}
        out = []
        for problem in problems:
            file, line = at.get(problem.row, (-1, 0))
            name = self.files[file] if 0 <= file < len(self.files) else problem.file
            out.append(Problem(name, line, f"{self.table}.{problem.column}", problem.reason))
        return out
