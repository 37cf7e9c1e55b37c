"""Fixtures: a fresh ledger per test, on SQLite and (when PAIRAID_TEST_DATABASE_URL is set) on
PostgreSQL, each PostgreSQL test in a schema of its own that is dropped afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import fresh_ledger, load_mini, pg_schema, postgres_url
from pairaid.ledger import Store


@pytest.fixture
def pg_schema_url():
    """A PostgreSQL URL whose search_path is a new empty schema (dropped after the test)."""
    with pg_schema(postgres_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path):
    """An empty, migrated ledger on each backend."""
    if request.param == "sqlite":
        ledger = Store.open(tmp_path / "ledger.db")
    else:
        ledger = Store.open(request.getfixturevalue("pg_schema_url"))
    yield ledger
    ledger.close()


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def mini_store(request, tmp_path_factory):
    """The mini ledger on each backend, shared by the tests of one module that must leave it
    unchanged."""
    with fresh_ledger(request.param, tmp_path_factory.mktemp("ledger")) as ledger:
        load_mini(ledger)
        yield ledger


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
