"""The ledger fingerprint: one SHA-256 over every table's rows, the same on SQLite and PostgreSQL.

The report's provenance records it, a backup's manifest records it, and a restore checks it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json

import pandas as pd


def ledger_fingerprint(store, conn=None) -> str:
    """SHA-256 over every ledger table's rows (in key order): the same ledger content gives the
    same fingerprint on SQLite and PostgreSQL, whatever the file's page layout. Inside
    `store.snapshot()` it is the fingerprint of that snapshot; with `conn`, of what that
    connection's transaction sees (a restore checks its writes before it commits)."""
    from pairaid.ingest.tables import TABLE_ORDER

    digest = hashlib.sha256()
    with contextlib.nullcontext(conn) if conn is not None else store.snapshot() as reader:
        for name in (t for t in TABLE_ORDER if t != "coverage"):  # coverage: below
            frame = store.read_table(name, conn=reader, drafts=True)
            digest.update(name.encode())
            digest.update(str(len(frame)).encode())
            if len(frame):
                frame = frame.sort_values(list(frame.columns[:3])).astype(str)
                digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        declared = coverage_rows(store, reader)
        if len(declared):  # only when declared, so a ledger without it keeps its fingerprint
            digest.update(b"coverage" + str(len(declared)).encode())
            digest.update(pd.util.hash_pandas_object(declared.astype(str), index=False)
                          .to_numpy().tobytes())
        for name, pending in pending_records(store, reader).items():
            # only records awaiting approval, so a ledger of approved records keeps its
            # fingerprint; a draft and the same record approved are different ledgers (the
            # analytics count one and not the other)
            digest.update(f"approval:{name}{len(pending)}".encode())
            digest.update(pd.util.hash_pandas_object(pending.astype(str), index=False)
                          .to_numpy().tobytes())
    return digest.hexdigest()


#: what a record awaiting approval carries beside its import columns (a backup keeps them)
PENDING_COLUMNS = ("approval", "created_by", "created_at", "updated_by", "updated_at")


def pending_records(store, conn, *, audit: bool = False) -> dict[str, pd.DataFrame]:
    """Per record table (import name), the records not approved (drafts, returned records):
    their import-format key columns and `approval` (with `audit`, who wrote them and when too),
    in key order. Tables with none are left out."""
    from pairaid.ingest.tables import TABLE_ORDER, TABLES
    from pairaid.ledger import schema
    from pairaid.ledger.table_sql import EXPORT_SQL, LEDGER_TABLES

    found = {}
    for name in TABLE_ORDER:
        if LEDGER_TABLES[name][0] not in schema.APPROVED_TABLES:
            continue
        head, order = EXPORT_SQL[name].split(" ORDER BY ")
        select, source = head.split(" FROM ", 1)
        spec = TABLES[name]
        keys = [c for c in spec.column_names
                if c in spec.natural_key or (c == "round" and "round" in spec.column_names)]
        columns = PENDING_COLUMNS if audit else PENDING_COLUMNS[:1]
        frame = store.query(f"{select}, {', '.join('t.' + c for c in columns)} FROM {source} "
                            f"WHERE t.approval <> 'approved' ORDER BY {order}", conn=conn)
        if len(frame):
            found[name] = frame[keys + list(columns)].reset_index(drop=True)
    return found


def coverage_rows(store, conn) -> pd.DataFrame:
    """The declared flow coverage with each pairing named by donor, recipient and round (not by
    its ledger id, which a restore does not keep), in a fixed order."""
    return store.query(
        "SELECT p.donor_code AS donor, p.recipient_code AS recipient, p.round, c.year_from, "
        "c.year_to, c.source FROM coverage c JOIN pairing p ON p.id = c.pairing_id "
        "ORDER BY p.donor_code, p.recipient_code, p.round, c.year_from, c.year_to", conn=conn)


def meta_fingerprint(meta: dict[str, str]) -> str:
    """SHA-256 of the ledger's metadata (synthetic flag, published figures, planted anomalies)."""
    return hashlib.sha256(json.dumps(meta, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def change_marker(store) -> str:
    """A cheap value that changes whenever the ledger may have changed (never the reverse), so a
    server can tell in a millisecond whether results it keyed by the fingerprint may be stale:
    PostgreSQL's WAL position (every committed write advances it; other databases' writes too,
    which only costs a recomputation), or the SQLite file's and its WAL's size, change time and
    inode (the WAL's only once it holds a write). Read it BEFORE opening the snapshot a result is computed from: a write between the
    two makes the result newer than its marker, never older."""
    if store.backend == "postgresql":
        return "pg:" + str(store.query("SELECT pg_current_wal_lsn()::text AS lsn")["lsn"].iloc[0])
    import os

    path = store.engine.url.database
    parts = []
    for name in (path, f"{path}-wal"):
        try:
            stat = os.stat(name)
        except OSError:
            parts.append("-")
            continue
        if name != path and stat.st_size == 0:
            # an empty WAL holds no write: SQLite deletes it when the last connection closes
            # and makes a new one with the next, so under concurrent reads its inode and time
            # kept changing and every few requests re-read the whole ledger for the fingerprint
            parts.append("-")
            continue
        parts.append(f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}")
    return "sqlite:" + "/".join(parts)
