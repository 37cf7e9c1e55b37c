"""Benchmark: what the journal costs on a bulk import, and how long `journal verify` takes.

Size (issue 15): 200,000 flow rows from CSV into a new SQLite ledger (and PostgreSQL unless
--no-postgres). Baseline in the same run: the same import into another new ledger with the
journal's record step (reading the written rows back and digesting them) switched off, which is
what an import cost before the journal. Prints one JSON line per figure.

    python bench/journal_import.py [--quick] [--no-postgres]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np

from import_and_panel import PG_URL, emit, flows_csv, reference_frames, timed
from pairaid.ingest import import_file, import_frames
from pairaid.ledger import Store, journal
from pairaid.ledger.journal_read import verify


def _import(store: Store, refs, csv_path: Path, n_rows: int) -> tuple[float, float]:
    """Seconds of the flows import, and of the journal's record step inside it."""
    import_frames(store, refs, source="bench")
    spent = []
    record = journal.record_written

    def recording(*args, **kwargs):
        start = time.perf_counter()
        try:
            return record(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    with mock.patch.object(journal, "record_written", recording):
        seconds, report = timed(lambda: import_file(store, "flows", csv_path))
    assert report.rows == n_rows
    return seconds, sum(spent)


def _unjournaled(store: Store, refs, csv_path: Path, n_rows: int) -> float:
    import_frames(store, refs, source="bench")
    with mock.patch.object(journal, "record_written", lambda *a, **k: 0):
        seconds, report = timed(lambda: import_file(store, "flows", csv_path))
    assert report.rows == n_rows
    return seconds


def bench(label: str, open_store, refs, csv_path: Path, n_rows: int) -> None:
    with open_store() as store:
        base = _unjournaled(store, refs, csv_path, n_rows)
    with open_store() as store:
        seconds, recording = _import(store, refs, csv_path, n_rows)
        checked, result = timed(lambda: verify(store))
        assert result.ok, result.problem
    emit(bench=f"journal_import_{label}", figure=round(seconds, 2), unit="s",
         rows=n_rows, journal_record_s=round(recording, 2),
         baseline="the same import with the journal's record step off", baseline_s=round(base, 2),
         ratio=round(seconds / base, 3), target="<= 1.5 (journal overhead under half the import)",
         met=seconds / base <= 1.5)
    emit(bench=f"journal_verify_{label}", figure=round(checked, 2), unit="s",
         rows=result.rows, entries=result.entries,
         baseline="the journaled import of the same rows", baseline_s=round(seconds, 2),
         ratio=round(checked / seconds, 3), target="<= 1 (verify no slower than the import)",
         met=checked <= seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    n_rows, n_counties = (20_000, 300) if args.quick else (200_000, 2_850)
    rng = np.random.default_rng(15)
    with tempfile.TemporaryDirectory(prefix="pairaid-bench-") as folder:
        folder = Path(folder)
        csv_path = folder / "flows.csv"
        flows_csv(csv_path, n_rows, n_counties, rng)
        refs = reference_frames(n_counties)
        bench("sqlite", lambda: Store.open(folder / f"{uuid.uuid4().hex}.db"), refs, csv_path,
              n_rows)
        if not args.no_postgres:
            bench("postgresql", lambda: _pg_store(PG_URL), refs, csv_path, n_rows)


@contextmanager
def _pg_store(url: str):
    """A new ledger in a schema of its own, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        with Store.open(f"{url}?options=-csearch_path%3D{schema}") as store:
            yield store
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
