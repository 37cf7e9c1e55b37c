"""Write what an IATI import gathered once its files are read: the small tables (regions,
donors, and the pairings whose ids the rows written while reading refer to), then what the sink
spooled (PostgreSQL), then the outputs, personnel and enterprises batch by batch, each batch
through the ledger's own validator; all inside the caller's one transaction (nothing is
written on error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.iati.spool import BATCH_ROWS, FILE, LINE, release_memory
from pairaid.ingest.lookups import Lookups
from pairaid.ingest.read import ROW
from pairaid.ingest.tables import TABLES, TableSpec
from pairaid.ingest.validate import duplicate_problems, validate_table
from pairaid.ledger.errors import DuplicateKeyError
from pairaid.ledger.store import Store

#: IATI allows negative transactions (reversals, decommitments); office files may not have them
FLOWS_FROM_IATI = replace(TABLES["flows"], columns=tuple(
    replace(c, minimum=-1e15) if c.name == "amount" else c for c in TABLES["flows"].columns))


def write_all(store: Store, conn, mapper, report, step: Callable[[str], None],
              approval: str = "approved") -> None:
    """After the file is read (its flows and projects are in the sink, written or spooled):
    the regions, donors and pairings it named, then what the sink spooled, then the outputs,
    personnel and enterprises (a `_Mapper`'s spools), into `report`'s counts of new rows."""
    sink = mapper.sink
    sink.flush()
    lookups = Lookups(store, conn)
    existing_regions = set(lookups.codes("regions"))
    existing_donors = set(lookups.codes("donors"))
    regions = [(code, *row) for code, row in mapper.regions.items() if code not in existing_regions]
    regions = [(c, zh or en, en, level, parent if parent in mapper.regions or parent in
                existing_regions else None) for c, zh, en, level, parent in regions]
    _write(store, conn, lookups, "regions", pd.DataFrame(
        regions, columns=["code", "name_zh", "name_en", "level", "parent_code"]), "IATI regions")
    report.new_regions = len(regions)
    donors = [(c, zh, en, "other") for c, (zh, en) in mapper.donors.items()
              if c not in existing_donors]
    _write(store, conn, lookups, "donors", pd.DataFrame(
        donors, columns=["code", "name_zh", "name_en", "kind"]), "IATI donors")
    report.new_donors = len(donors)
    new, problems = sink.pairing_rows()
    if problems:
        raise ImportValidationError(problems)
    frame = pd.DataFrame(new, columns=["id", "donor", "recipient", "start_year", "end_year",
                                       "round", "note"])
    frame["end_year"] = pd.to_numeric(frame["end_year"], errors="coerce").astype(float)
    report.new_pairings = len(new)
    del new
    sink.pairs.clear()  # read: every row of the file that refers to them is written or spooled
    # in batches too: a file may name a few hundred thousand donor–place pairs. Their ids were
    # given while the file was read (rows already refer to them)
    for start in range(0, len(frame), BATCH_ROWS):
        batch = frame.iloc[start:start + BATCH_ROWS]
        ids = batch.pop("id").to_numpy()
        _write(store, conn, lookups, "pairings",
               batch.assign(**{ROW: range(start + 2, start + 2 + len(batch))}), "IATI pairings",
               approval=approval, ids=ids)
    if len(frame) and store.backend == "postgresql":  # ids given here: move the sequence on
        conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('pairing', 'id'), "
                             "(SELECT max(id) FROM pairing))")
    del frame
    release_memory()
    sink.finish()
    for table, spool in (("outputs", mapper.outputs), ("personnel", mapper.personnel),
                         ("enterprises", mapper.enterprises)):
        for batch in spool.batches():
            step(f"writing {len(batch):,} {table}")
            _write(store, conn, lookups, table, batch, f"IATI {table}", None, approval,
                   mapper.files)
            del batch
            release_memory()


def _write(store: Store, conn, lookups: Lookups, table: str, frame: pd.DataFrame, label: str,
           spec: TableSpec | None = None, approval: str = "approved",
           files: list[str] | None = None, ids=None) -> None:
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
    if ids is not None:  # validation keeps the rows and their order (regions alone are sorted)
        rows = rows.assign(id=ids)
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
