"""`import_iati`: IATI activity files into the ledger, all of them or nothing (issue 16).

It opens the import's one transaction and runs its two sides: the reading side
(`load._Mapper`, `sink.Sink`: XML → checked ledger rows, sent in batches) and the writing side
(`writer.LedgerWriter`: each batch into the ledger as it comes), in a forked process and this
one when the files are large and no other thread runs (`beside.py`), else both here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.iati import beside
from pairaid.ingest.iati.load import _Mapper
from pairaid.ingest.iati.read import NotIatiError, read_activities
from pairaid.ingest.iati.report import IatiImportReport
from pairaid.ingest.iati.write import write_results
from pairaid.ingest.iati.writer import LedgerWriter
from pairaid.ingest.lookups import Lookups
from pairaid.ledger.store import Store

__all__ = ["import_iati"]

#: SQLite page cache while the rows are written: memory stays flat whatever the file's size
WRITE_CACHE_MB = 16


def import_iati(store: Store, paths: list[Path], *, default_country: str | None = None,
                dry_run: bool = False, on_step: Callable[[str], None] | None = None,
                actor=None, approval: str | None = None,
                note: str | None = None) -> IatiImportReport:
    """Import IATI activity files into the ledger: all of them or nothing (journaled as
    written by `actor`; `approval` and `note` as in `ingest.import_frames`).

    The files are read (and mapped to ledger rows) in a forked process while this one writes
    the rows (`beside.py`) when they hold at least `beside.FORK_MIN_BYTES` and no other thread
    runs here; else both in this process, one batch after the other."""
    step = on_step or (lambda _m: None)
    paths = [Path(p) for p in paths]
    report = IatiImportReport([p.name for p in paths], dry_run=dry_run)
    if default_country:
        default_country = default_country.strip().upper()
    from pairaid.ingest import resolve_approval
    from pairaid.ledger.journal import actor_name

    approval = resolve_approval(actor, approval)
    # one transaction from the first activity read to the last row written: rows are written
    # while the file is read, and nothing stays if anything is wrong
    with tempfile.TemporaryDirectory(prefix="pairaid-iati-") as folder, \
            store.transaction(actor_name(actor), note) as conn:
        store.limit_cache(conn, WRITE_CACHE_MB)
        writer = LedgerWriter(store, conn, Lookups(store, conn), report, approval, folder, step)
        existing = [(int(pid), donor, recipient, int(start), None if pd.isna(end) else int(end),
                     int(round_)) for pid, donor, recipient, start, end, round_
                    in store.pairings(conn).itertuples(index=False)]

        def read(send: Callable[[object], float | None]) -> None:
            problems: list[Problem] = []
            mapper = _Mapper(existing, default_country, IatiImportReport(report.files),
                             problems, send, approval, store.backend == "sqlite")
            for index, path in enumerate(paths):
                mapper.begin_file(path.name, index)
                try:
                    for activity in read_activities(path, problems, mapper.countries):
                        mapper.add(activity, path.name, problems)
                except NotIatiError as exc:
                    problems.append(exc.problem)
                except OSError as exc:
                    problems.append(Problem(path.name, 0, "",
                                            f"cannot read the file: {exc.strerror}"))
            mapper.sink.finish()
            send(("done", mapper.report, problems))

        beside.run(read, writer, beside.can_fork() and _size(paths) >= beside.FORK_MIN_BYTES)
        read_report, problems = writer.done
        problems = [*problems, *writer.problems]
        if problems:
            raise ImportValidationError(problems)
        for name in _READ_COUNTS:
            setattr(report, name, getattr(read_report, name))
        writer.finish()
        write_results(writer, step, approval)
        if dry_run:
            conn.rollback()
        else:
            step("committing (SQLite copies its write-ahead log into the ledger)"
                 if store.backend == "sqlite" else "committing")
    return report


#: what the reading side counts (the writing side counts the new regions, donors and pairings)
_READ_COUNTS = ("activities", "transactions", "flows", "projects", "outputs", "personnel",
                "enterprises", "skipped_types", "notes", "totals")


def _size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # the reading says what is wrong with it
    return total
