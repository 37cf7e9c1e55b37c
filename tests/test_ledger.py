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


def test_large_reads_see_what_was_just_written_and_agree_with_the_db_api(tmp_path):
    import pandas as pd

    from pairaid.ingest import import_frames

    store = Store.open(tmp_path / "ledger.db")
    import_frames(store, {
        "regions": pd.DataFrame([["R", "区", "Region", "county", None]],
                                columns=["code", "name_zh", "name_en", "level", "parent_code"]),
        "indicators": pd.DataFrame([["x", "X", "u", 1, "d", "sum"]],
                                   columns=["code", "name_en", "unit", "direction", "dimension",
                                            "aggregation"]),
    })
    sql = "SELECT region_code, year, value FROM observation"
    assert store.frame(sql).empty
    import_frames(store, {"observations": pd.DataFrame(
        [["R", 2020, "x", 1.5, "s"]], columns=["region", "year", "indicator", "value", "source"])})
    arrow = store.frame(sql)  # no DB-API connection open: the Arrow reader
    assert arrow["value"].tolist() == [1.5]
    with store.engine.connect():  # one open: the DB-API fallback, same answer
        fallback = store.frame(sql)
    assert fallback["value"].tolist() == [1.5] and fallback["region_code"].tolist() == ["R"]
