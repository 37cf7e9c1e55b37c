"""Write what an IATI import gathered: the small tables first (regions, donors, pairings: the
rows below refer to them), then the spooled rows batch by batch, each batch through the
ledger's own validator, all inside the caller's one transaction (nothing is written on error).
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


#: years seen of one pairing, packed into one int (first * SPAN + last; 0 when none yet): a
#: 1 GB file names hundreds of thousands of donor–place pairs, and an object per pair cost 500 B
SPAN = 10_000


def see_year(spans: dict, key: tuple, year: int) -> None:
    packed = spans.get(key)
    if not packed:
        spans[key] = year * SPAN + year
        return
    first, last = divmod(packed, SPAN)
    if year < first or year > last:
        spans[key] = min(first, year) * SPAN + max(last, year)


def span_years(packed: int) -> tuple[int | None, int | None]:
    """(first, last) years of a packed span."""
    return divmod(packed, SPAN) if packed else (None, None)


def write_all(store: Store, conn, mapper, report, step: Callable[[str], None],
              approval: str = "approved") -> None:
    """Regions, donors and pairings the file named, then its projects, flows, outputs,
    personnel and enterprises (a `_Mapper`'s spools), into `report`'s counts of new rows."""
    lookups = Lookups(store, conn)
    existing_regions = set(lookups.codes("regions"))
    existing_donors = set(lookups.codes("donors"))
    pairings = lookups.pairings()
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
    covered = {(d, r) for d, r in zip(pairings["donor"], pairings["recipient"])}
    new = []
    for key, packed in mapper.spans.items():
        donor, recipient, _round = key
        if (donor, recipient) in covered:
            continue  # the validator checks that an existing pairing covers each row's year
        first, last = span_years(packed)
        if key in mapper.own_spans:  # pairaid's own: as it was written
            own_start, end_year, round_ = mapper.own_spans[key]
            start = own_start or round_
        elif first is None:
            continue
        else:
            start, end_year, round_ = first, last, first
        new.append((donor, recipient, start, end_year, round_, "imported from IATI"))
    frame = pd.DataFrame(new, columns=["donor", "recipient", "start_year", "end_year", "round",
                                       "note"])
    frame["end_year"] = pd.to_numeric(frame["end_year"], errors="coerce").astype(float)
    report.new_pairings = len(new)
    del new
    mapper.spans.clear()  # read: what is left of the file is in its spools
    # in batches too: a file may name a few hundred thousand donor–place pairs
    for start in range(0, len(frame), BATCH_ROWS):
        batch = frame.iloc[start:start + BATCH_ROWS]
        _write(store, conn, lookups, "pairings",
               batch.assign(**{ROW: range(start + 2, start + 2 + len(batch))}), "IATI pairings",
               approval=approval)
    del frame
    release_memory()
    for table, spool, spec in (("projects", mapper.projects, None),
                               ("flows", mapper.flows, FLOWS_FROM_IATI),
                               ("outputs", mapper.outputs, None),
                               ("personnel", mapper.personnel, None),
                               ("enterprises", mapper.enterprises, None)):
        for batch in spool.batches():
            step(f"writing {len(batch):,} {table}")
            _write(store, conn, lookups, table, batch, f"IATI {table}", spec, approval,
                   mapper.files)
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
