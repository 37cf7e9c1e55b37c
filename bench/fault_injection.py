"""Fault injection: kill an import, a restore and a schema migration with SIGKILL at random points
and count how many runs left the ledger consistent (target: all).

Each run starts a child process that imports pairaid, says it is ready, and does the work; the
parent waits for "ready", sleeps a random time within the work's measured duration, and kills
the child. Consistent means:

- import (the demo's 24,086 flows into the demo ledger without them): the ledger opens, SQLite's
  integrity check passes, and its fingerprint is exactly the one before or the one after;
- restore (the demo's backup into a new file): either no ledger at the target, or a ledger whose
  fingerprint is the backup's;
- migration (an extra revision that rebuilds the flow table with a new column, and the creation
  of a new ledger): the schema is at the old revision with the old tables, or at the new one
  with the new column, and the fingerprint is unchanged; a new ledger is absent/empty or whole.

    nice -n 10 python bench/fault_injection.py --runs 20      # 20 of each kind: 60 runs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTRA_MIGRATION = '''"""fault injection: rebuild the flow table with one more column"""
from alembic import op
import sqlalchemy as sa

revision = "f1"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("fault_probe", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("flow", recreate="always") as batch:
        batch.add_column(sa.Column("probe", sa.Text))
    op.execute("UPDATE flow SET probe = 'x'")


def downgrade() -> None:
    pass
'''

CHILD = r'''
import sys
from pathlib import Path
kind, target, source, scripts = sys.argv[1:5]
from pairaid.ledger import Store
from pairaid.ingest import import_file
from pairaid.backup import restore
print("ready", flush=True)
if kind == "import":
    with Store.open(target, create=False) as store:
        import_file(store, "flows", Path(source))
elif kind == "restore":
    restore(Path(source), target)
elif kind == "upgrade":
    with Store.open(target, create=False) as store:
        store.migrate(script_location=scripts)
elif kind == "create":
    Store.open(target).close()
print("done", flush=True)
'''


def run_child(kind: str, target: Path, source: Path, scripts: Path,
              kill_after: float | None) -> float:
    """Run one child; kill it `kill_after` seconds after it is ready (None: let it finish).
    Returns the seconds of work it did before it ended."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(target), str(source),
                              str(scripts)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    start = time.perf_counter()
    if kill_after is None:
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            raise RuntimeError(f"{kind} failed without a fault: {err[-2000:]}")
        return time.perf_counter() - start
    try:
        child.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
    return time.perf_counter() - start


def _connect(path: Path) -> sqlite3.Connection:
    """A read-write connection, as the next pairaid command opens the file: it rolls back the
    hot journal a killed writer left (a read-only one cannot, and reports the file read-only)."""
    return sqlite3.connect(path)


def integrity(path: Path) -> bool:
    conn = _connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    conn = _connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="kills of each kind (4 kinds)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--demo", type=Path, help="an existing demo.db (else one is built)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--kinds", default="import,restore,upgrade,create",
                        help="which operations to kill (comma-separated)")
    args = parser.parse_args()

    from pairaid.backup import backup
    from pairaid.ledger import Store
    from pairaid.ledger.fingerprint import ledger_fingerprint
    from pairaid.ledger.migrate import MIGRATIONS, revisions

    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="pairaid-faults-"))
    demo = args.demo
    if demo is None:
        from pairaid.demo import build

        demo = build(work / "demo", seed=2010)
    with Store.open(demo, create=False) as store:
        full = ledger_fingerprint(store)
        backup(store, work / "backup")
    without_flows = work / "without_flows.db"
    shutil.copy(demo, without_flows)
    conn = sqlite3.connect(without_flows)
    conn.execute("DELETE FROM flow")
    conn.commit()
    conn.close()
    with Store.open(without_flows, create=False) as store:
        empty_flows = ledger_fingerprint(store)
    scripts = work / "migrations"
    shutil.copytree(str(MIGRATIONS), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head, _known = revisions(MIGRATIONS)
    (scripts / "versions" / "f1_fault_probe.py").write_text(EXTRA_MIGRATION.format(head=head))

    def fresh(name: str, template: Path | None) -> Path:
        path = work / "runs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        for leftover in path.parent.glob(f".{path.name}.*"):
            leftover.unlink()
        if template is not None:
            shutil.copy(template, path)
        return path

    def check(kind: str, path: Path) -> str | None:
        """The state the run left ('before', 'after', 'absent'), or None if inconsistent."""
        if kind in ("import", "upgrade"):
            if not integrity(path):
                return None
        if kind == "import":
            with Store.open(path, create=False) as store:
                fingerprint = ledger_fingerprint(store)
            return {empty_flows: "before", full: "after"}.get(fingerprint)
        if kind == "restore":
            if not path.exists():
                return "absent"
            with Store.open(path, create=False) as store:
                return "after" if ledger_fingerprint(store) == full else None
        if kind == "upgrade":
            conn = _connect(path)
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            columns = {r[1] for r in conn.execute("PRAGMA table_info(flow)")}
            conn.close()
            names = tables(path)
            if revision == head and "probe" not in columns and "fault_probe" not in names:
                state = "before"
            elif revision == "f1" and "probe" in columns and "fault_probe" in names:
                state = "after"
            else:
                return None
            store = Store(__import__("sqlalchemy").create_engine(f"sqlite:///{path}"))
            try:
                return state if ledger_fingerprint(store) == full else None
            finally:
                store.close()
        # create
        if not path.exists() or not tables(path):
            return "absent"
        if not integrity(path):
            return None
        with Store.open(path, create=False) as store:
            return "after" if store.schema_revision() == head else None

    templates = {"import": without_flows, "restore": None, "upgrade": demo, "create": None}
    templates = {k: v for k, v in templates.items() if k in args.kinds.split(",")}
    sources = {"import": work / "backup" / "flows.csv", "restore": work / "backup"}
    results = {}
    for kind, template in templates.items():
        target = fresh(f"{kind}.db", template)
        duration = run_child(kind, target, sources.get(kind, work), scripts, None)
        assert check(kind, target) == "after", f"{kind}: an unkilled run is not 'after'"
        states: dict[str, int] = {}
        bad = []
        for run in range(args.runs):
            target = fresh(f"{kind}.db", template)
            kill_after = rng.uniform(0, duration * 1.1)
            run_child(kind, target, sources.get(kind, work), scripts, kill_after)
            try:
                state = check(kind, target)
            except Exception as exc:  # a ledger that cannot even be opened is inconsistent
                state = None
                bad.append(f"run {run} (killed after {kill_after:.2f} s): {exc}")
            if state is None and not bad[-1:]:
                bad.append(f"run {run} (killed after {kill_after:.2f} s)")
            states[state or "INCONSISTENT"] = states.get(state or "INCONSISTENT", 0) + 1
        results[kind] = {"runs": args.runs, "work_seconds": round(duration, 2),
                         "consistent": args.runs - states.get("INCONSISTENT", 0),
                         "states": states, "failures": bad}
        print(f"{kind:8s} work {duration:5.2f} s  {results[kind]['consistent']}/{args.runs} "
              f"consistent  {states}", flush=True)
        for line in bad:
            print("   ", line)
    total = sum(r["runs"] for r in results.values())
    consistent = sum(r["consistent"] for r in results.values())
    print(json.dumps({"bench": "fault_injection", "figure": consistent,
                      "unit": f"runs of {total} that left the ledger consistent",
                      "baseline": "none", "ratio": round(consistent / total, 3),
                      "target": "all", "kinds": results}))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work folder: {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
