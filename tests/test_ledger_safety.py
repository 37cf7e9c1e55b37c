"""Issue 13, the ledger: migrations all or nothing, foreign databases left alone, concurrent first
opens, one snapshot per command (and its fingerprint)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from helpers import load_mini, pg_schema, postgres_url
from pairaid.cli.main import app
from pairaid.ingest import import_frames
from pairaid.ledger import LedgerError, Store
from pairaid.ledger.fingerprint import ledger_fingerprint
from pairaid.ledger.migrate import MIGRATIONS, revisions

runner = CliRunner()

FAILING_MIGRATION = '''"""injected: fails half-way"""
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO half_done (id) VALUES (1)")
    with op.batch_alter_table("rate") as batch:
        batch.add_column(sa.Column("extra", sa.Text))
    op.execute("UPDATE rate SET extra = 'x'")
    raise RuntimeError("injected failure half-way through the migration")


def downgrade() -> None:
    pass
'''


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _schema_state(store: Store) -> dict:
    with store.engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        columns = {t: [c["name"] for c in inspect(conn).get_columns(t)] for t in tables}
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"tables": tables, "columns": columns, "revision": revision}


def _scripts_with_failing_migration(tmp_path: Path) -> Path:
    location = tmp_path / "migrations"
    shutil.copytree(str(MIGRATIONS), location, ignore=shutil.ignore_patterns("__pycache__"))
    head, _known = revisions(MIGRATIONS)
    (location / "versions" / "9999_injected_failure.py").write_text(
        FAILING_MIGRATION.format(head=head), "utf-8")
    return location


def test_a_failing_migration_leaves_the_ledger_unchanged_and_openable(store, tmp_path):
    load_mini(store)
    before = _schema_state(store)
    fingerprint = ledger_fingerprint(store)
    counts = store.counts()
    scripts = _scripts_with_failing_migration(tmp_path)
    for _attempt in range(2):  # a retry fails the same way, not with "table already exists"
        with pytest.raises(RuntimeError, match="injected failure"):
            store.migrate(script_location=scripts)
        assert _schema_state(store) == before
    assert "half_done" not in before["tables"]
    assert "extra" not in before["columns"]["rate"]
    with Store.open(_url(store), create=False) as reopened:
        assert reopened.counts() == counts
        assert ledger_fingerprint(reopened) == fingerprint


def test_a_ledger_from_a_newer_pairaid_is_refused_clearly(store):
    with store.transaction() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(LedgerError, match=r"made by a newer pairaid \(schema revision 9999"):
        Store.open(_url(store))
    result = runner.invoke(app, ["info", "--db", _url(store)])
    assert result.exit_code == 2
    assert "newer pairaid" in result.output


def _foreign_sqlite(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.execute("INSERT INTO people VALUES ('Ada')")
    conn.close()
    return path.read_bytes()


def test_a_foreign_sqlite_file_is_refused_and_left_byte_identical(tmp_path):
    foreign = tmp_path / "other.sqlite"
    original = _foreign_sqlite(foreign)
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name_zh,name_en,level\n650000,新疆,Xinjiang,province\n", "utf-8")
    for args in (["info", "--db", str(foreign)], ["summary", "--db", str(foreign)],
                 ["import", "regions", str(regions), "--db", str(foreign)],
                 ["export", "regions", "-o", str(tmp_path / "r.csv"), "--db", str(foreign)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "not a pairaid ledger" in result.output
    with pytest.raises(LedgerError, match="not a pairaid ledger"):
        Store.open(foreign, create=True)
    assert foreign.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite", "regions.csv"]


def test_read_only_commands_create_nothing(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (["info", "--db", str(empty)], ["info", "--db", str(tmp_path / "missing.db")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert "no ledger" in result.output
    assert empty.read_bytes() == b""
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.postgres
def test_read_only_commands_create_no_tables_on_postgresql(pg_schema_url):
    with pytest.raises(LedgerError, match="no ledger"):
        Store.open(pg_schema_url, create=False)
    assert runner.invoke(app, ["summary", "--db", pg_schema_url]).exit_code == 2
    engine = create_engine("postgresql+psycopg://" + pg_schema_url.split("://", 1)[1])
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
        conn.execute(text("CREATE TABLE people (name text)"))
        conn.commit()
    engine.dispose()
    with pytest.raises(LedgerError, match="not a pairaid ledger"):
        Store.open(pg_schema_url, create=True)


_OPEN_AT = """
import sys, time
from pairaid.ledger import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
with Store.open(sys.argv[1]) as store:
    print(sum(store.counts().values()))
"""


def _open_at_once(url: str, processes: int = 2) -> list[subprocess.CompletedProcess]:
    start = time.time() + 4  # after every interpreter has imported pairaid
    running = [subprocess.Popen([sys.executable, "-c", _OPEN_AT, url, str(start)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(processes)]
    return [subprocess.CompletedProcess(p.args, p.wait(60), *p.communicate()) for p in running]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_concurrent_first_opens_create_one_ledger(backend, tmp_path):
    for attempt in range(2):
        if backend == "sqlite":
            done = _open_at_once(str(tmp_path / f"new-{attempt}.db"))
        else:
            with pg_schema(postgres_url()) as url:
                done = _open_at_once(url)
        for process in done:
            assert process.returncode == 0, process.stderr
            assert process.stdout.strip() == "0"


def _one_more_flow() -> dict[str, pd.DataFrame]:
    return {"flows": pd.DataFrame([{"donor": "BJ", "recipient": "653201", "year": 2016,
                                    "kind": "disbursement", "amount": 1.0, "currency": "CNY",
                                    "sector": "31120", "ref": "during-the-read"}])}


def test_reads_inside_a_snapshot_ignore_a_concurrent_import(store):
    load_mini(store)
    before = ledger_fingerprint(store)
    with Store.open(_url(store)) as writer:
        with store.snapshot():
            flows = store.read_table("flows")
            import_frames(writer, _one_more_flow())  # commits in another connection
            assert store.read_table("flows").equals(flows)
            assert len(store.frame("SELECT * FROM flow")) == len(flows)
            assert ledger_fingerprint(store) == before
        assert len(store.read_table("flows")) == len(flows) + 1
        assert ledger_fingerprint(store) != before


def test_a_report_built_during_an_import_fingerprints_what_it_shows(sqlite_store, tmp_path,
                                                                    monkeypatch):
    """The import commits after the analyses ran and before the fingerprint is taken: the
    provenance must still be that of the ledger the figures came from."""
    from pairaid.report import build, collect

    load_mini(sqlite_store)
    before = ledger_fingerprint(sqlite_store)
    real_collect = collect.collect
    shown = {}

    def collect_then_import(*args, **kwargs):
        inputs = real_collect(*args, **kwargs)
        shown["flows"] = len(sqlite_store.read_table("flows"))
        with Store.open(_url(sqlite_store)) as writer:
            import_frames(writer, _one_more_flow())
        return inputs

    monkeypatch.setattr(collect, "collect", collect_then_import)
    build.build_report(sqlite_store, tmp_path / "report", png=False, draws=20)
    provenance = json.loads((tmp_path / "report" / "provenance.json").read_text("utf-8"))
    assert provenance["ledger_sha256"] == before
    assert shown["flows"] == 4
    assert ledger_fingerprint(sqlite_store) != before  # the import did commit


def test_a_read_only_open_holds_one_snapshot_until_closed(sqlite_store, tmp_path):
    load_mini(sqlite_store)
    reader = Store.open(_url(sqlite_store), create=False, snapshot=True)
    try:
        import_frames(sqlite_store, _one_more_flow())
        assert len(reader.read_table("flows")) == 4
    finally:
        reader.close()
    with Store.open(_url(sqlite_store), create=False, snapshot=True) as again:
        assert len(again.read_table("flows")) == 5
