"""Concurrent writers serialise on the journal's chain (issue 15 Done-when): 20 threads × 100
read-modify-write transactions on PostgreSQL lose no update and leave a valid chain; a process
killed with SIGKILL in the middle of an import leaves the ledger and the chain as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers import load_mini
from pairaid.ingest import import_frames
from pairaid.ledger import Store
from pairaid.ledger.journal_read import head, verify

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _counter_row(pairing: int, amount: float) -> pd.DataFrame:
    return pd.DataFrame({"pairing_id": [pairing], "year": [2015], "kind": ["disbursement"],
                         "amount": [amount], "currency": ["CNY"], "sector": ["31120"],
                         "ref": ["counter"]})


def _hammer(url: str, threads: int, writes: int) -> list[BaseException]:
    """`threads` writers, each with its own connection to the ledger at `url` (as separate
    processes or server workers would be), each running `writes` transactions that read the
    counter and write it plus one."""
    failures: list[BaseException] = []
    with Store.open(url) as store:
        pairing = int(store.query("SELECT id FROM pairing WHERE donor_code = 'BJ' AND "
                                  "round = 2010")["id"][0])

    def writer(number: int) -> None:
        try:
            with Store.open(url) as store:
                for _ in range(writes):
                    with store.transaction(f"writer-{number}") as conn:
                        now = store.query("SELECT amount FROM flow WHERE ref = 'counter'",
                                          conn=conn)["amount"]
                        value = float(now.iloc[0]) + 1 if len(now) else 1.0
                        store.write("flows", _counter_row(pairing, value), "upsert", conn)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            failures.append(exc)

    workers = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures


@pytest.mark.postgres
def test_twenty_threads_of_a_hundred_writes_on_postgresql_lose_nothing(pg_schema_url):
    # The 2,000 transactions the issue asks for: 45-60 s on the shared 2-core machine at load
    # average ~8 (each holds the chain through its COMMIT, and PostgreSQL's commit waits for
    # fsync). Each writer has its own engine: 20 threads sharing one pool of 15 connections
    # starved some of them past the pool's 30 s timeout (a thread that has just committed takes
    # its connection straight back).
    with Store.open(pg_schema_url) as store:
        load_mini(store)
        start = head(store).seq
        failures = _hammer(pg_schema_url, threads=20, writes=100)
        assert not failures, failures[:3]
        amount = store.query("SELECT amount FROM flow WHERE ref = 'counter'")["amount"]
        assert float(amount.iloc[0]) == 2000.0  # every read-modify-write saw the one before
        assert head(store).seq == start + 2000
        actors = store.query("SELECT actor, COUNT(*) AS n FROM journal WHERE seq > :s "
                             "GROUP BY actor", {"s": start})
        assert sorted(actors["n"].tolist()) == [100] * 20
        result = verify(store)
        assert result.ok, result.problem


def test_writers_serialise_on_sqlite_too(tmp_path):
    url = str(tmp_path / "ledger.db")
    with Store.open(url) as store:
        load_mini(store)
        start = head(store).seq
        assert not _hammer(url, threads=4, writes=10)
        assert float(store.query("SELECT amount FROM flow WHERE ref = 'counter'")["amount"]
                     .iloc[0]) == 40.0
        assert head(store).seq == start + 40 and verify(store).ok


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import pandas as pd
    from pairaid.ingest import import_frames
    from pairaid.ledger import Store

    url, marker = sys.argv[1], Path(sys.argv[2])
    flows = pd.DataFrame({"donor": "BJ", "recipient": "653201", "year": 2016,
                          "kind": "disbursement", "amount": 1.0, "currency": "CNY",
                          "sector": "31120", "ref": [f"k-{i}" for i in range(5000)],
                          "round": 2010})
    donors = pd.DataFrame({"code": ["GD"], "name_zh": ["广东省"], "name_en": ["Guangdong"],
                           "kind": ["province"]})

    def wait_to_be_killed(_conn):
        marker.write_text("written, not committed")
        time.sleep(120)

    with Store.open(url) as store:
        import_frames(store, {"donors": donors, "flows": flows}, actor="doomed",
                      before_commit=wait_to_be_killed)
""")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_a_kill_9_mid_import_leaves_ledger_and_chain_consistent(backend, tmp_path, request):
    url = str(tmp_path / "ledger.db") if backend == "sqlite" \
        else request.getfixturevalue("pg_schema_url")
    with Store.open(url) as store:
        load_mini(store)
        counts, before = store.counts(), head(store)
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(marker)],
                             env={**os.environ, "PYTHONPATH": SRC})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, "the importing process ended before the kill"
            assert time.monotonic() < deadline, "the import never reached its commit"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)  # 5,001 rows and their entries written, not committed
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    with Store.open(url) as store:
        assert store.counts() == counts
        assert head(store) == before
        result = verify(store)
        assert result.ok, result.problem
        # the chain goes on from where it was: the lock died with the process
        import_frames(store, {"donors": pd.DataFrame({"code": ["GD"], "name_zh": ["广东省"],
                                                      "name_en": ["Guangdong"],
                                                      "kind": ["province"]})}, actor="next")
        assert head(store).seq == before.seq + 1 and verify(store).ok
