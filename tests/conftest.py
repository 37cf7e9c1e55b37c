"""Fixtures: a fresh ledger per test, on SQLite and (when PAIRAID_TEST_DATABASE_URL is set) on
PostgreSQL, each PostgreSQL test in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pairaid.ledger import Store

PG_URL = os.environ.get("PAIRAID_TEST_DATABASE_URL", "")
PG_SKIP_REASON = ("PostgreSQL tests skipped: set PAIRAID_TEST_DATABASE_URL "
                  "(e.g. postgresql://root@127.0.0.1:5432/test) to run them")


def _pg_engine_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


@pytest.fixture
def pg_schema_url():
    """A PostgreSQL URL whose search_path is a new empty schema (dropped after the test)."""
    if not PG_URL:
        if os.environ.get("PAIRAID_REQUIRE_POSTGRES"):
            pytest.fail("PAIRAID_REQUIRE_POSTGRES is set but PAIRAID_TEST_DATABASE_URL is not")
        pytest.skip(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_engine_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path):
    """An empty, migrated ledger on each backend."""
    if request.param == "sqlite":
        ledger = Store.open(tmp_path / "ledger.db")
    else:
        ledger = Store.open(request.getfixturevalue("pg_schema_url"))
    yield ledger
    ledger.close()


@pytest.fixture
def sqlite_store(tmp_path: Path):
    ledger = Store.open(tmp_path / "ledger.db")
    yield ledger
    ledger.close()


@pytest.fixture(scope="session")
def report_demo_db(tmp_path_factory) -> Path:
    """The demo ledger (seed 2010) the report tests share: built once per test run."""
    from pairaid.demo import build

    return build(tmp_path_factory.mktemp("report_demo"), seed=2010)
