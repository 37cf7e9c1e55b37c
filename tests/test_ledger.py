"""The ledger's schema: the Alembic revisions build exactly what schema.py declares."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from pairaid.ledger import LedgerError, Store
from pairaid.ledger.schema import metadata


def test_migrations_match_the_declared_schema(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_opening_twice_keeps_data_and_sqlite_uses_wal(tmp_path):
    path = tmp_path / "ledger.db"
    with Store.open(path) as first:
        first.set_meta(note="kept")
        mode = first.query("PRAGMA journal_mode").iloc[0, 0]
    assert mode == "wal"
    with Store.open(path) as second:
        assert second.meta() == {"note": "kept"}


def test_default_location_follows_pairaid_db(tmp_path, monkeypatch):
    monkeypatch.setenv("PAIRAID_DB", str(tmp_path / "from_env.db"))
    with Store.open() as store:
        assert store.location.endswith("from_env.db")


def test_unreachable_server_is_one_clear_error():
    with pytest.raises(LedgerError, match="cannot open the ledger"):
        Store.open("postgresql://nobody@127.0.0.1:1/none")
