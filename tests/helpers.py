"""A small valid ledger, as import frames, shared by the import, malformed-file and round-trip tests.

Xinjiang with two prefectures and four counties; Beijing paired with Hotan City in two rounds
(1997–2009 and 2010–2020, so a year names exactly one), Shanghai with Aksu City (an open-ended
2010 round and a 2018–2022 round that overlaps it).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from pairaid.ingest import TABLE_ORDER, ImportReport, import_frames
from pairaid.ledger import Store

_NA = None


def _frame(columns: str, *rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns.split())


def mini_ledger_frames() -> dict[str, pd.DataFrame]:
    """One small valid frame for every table in TABLE_ORDER."""
    frames = {
        "regions": _frame(
            "code name_zh name_en level parent_code valid_from valid_to",
            ("650000", "新疆维吾尔自治区", "Xinjiang", "province", _NA, 1955, _NA),
            ("653200", "和田地区", "Hotan Prefecture", "prefecture", "650000", 1983, _NA),
            ("652900", "阿克苏地区", "Aksu Prefecture", "prefecture", "650000", 1983, _NA),
            ("653201", "和田市", "Hotan City", "county", "653200", 1983, _NA),
            ("653221", "和田县", "Hotan County", "county", "653200", 1983, _NA),
            ("652901", "阿克苏市", "Aksu City", "county", "652900", 1983, _NA),
            ("652922", "温宿县", "Wensu County", "county", "652900", 1983, 2099),
        ),
        "crosswalk": _frame(
            "old_code new_code year note",
            ("652101", "653201", 2015, "renumbered"),
        ),
        "donors": _frame(
            "code name_zh name_en kind",
            ("BJ", "北京市", "Beijing", "municipality"),
            ("SH", "上海市", "Shanghai", "municipality"),
        ),
        "pairings": _frame(
            "donor recipient start_year end_year round note",
            ("BJ", "653201", 1997, 2009, 1997, "first round"),
            ("BJ", "653201", 2010, 2020, 2010, _NA),
            ("SH", "652901", 2010, _NA, 2010, _NA),
            # overlaps the open-ended 2010 round from 2018: rows in those years must give `round`
            ("SH", "652901", 2018, 2022, 2018, "special programme"),
        ),
        "projects": _frame(
            "code donor recipient title sector start_year end_year budget currency status round",
            ("BJ-HT-2015-001", "BJ", "653201", "Drip irrigation", "31120", 2015, 2017,
             12_500_000.0, "CNY", "completed", _NA),
            ("BJ-HT-2005-001", "BJ", "653201", "Schools", "111", 2005, 2008, _NA, _NA,
             "completed", _NA),
            ("SH-AK-2016-001", "SH", "652901", "Clinic", "12220", 2016, _NA, 3_000_000.0, "USD",
             "ongoing", _NA),
        ),
        "outputs": _frame(
            "project indicator unit year baseline target actual",
            ("BJ-HT-2015-001", "irrigated_area", "ha", 2017, 0.0, 800.0, 760.0),
            ("SH-AK-2016-001", "beds", "beds", 2018, _NA, 120.0, _NA),
        ),
        "flows": _frame(
            "donor recipient year kind amount currency sector project source ref round",
            ("BJ", "653201", 2015, "disbursement", 35_000_000.0, "CNY", "31120",
             "BJ-HT-2015-001", "2015 aid report", _NA, _NA),
            ("BJ", "653201", 2005, "commitment", 1_000_000.5, "CNY", "111", _NA, _NA, _NA, _NA),
            ("SH", "652901", 2016, "disbursement", 2_500_000.25, "USD", "12220",
             "SH-AK-2016-001", _NA, "TX-1", _NA),
            ("SH", "652901", 2016, "disbursement", 100.0, "USD", "12220", _NA, _NA, "TX-2", _NA),
        ),
        "personnel": _frame(
            "donor recipient year category headcount person_months source round",
            ("BJ", "653201", 2015, "teacher", 45, 540.0, "report", _NA),
            ("SH", "652901", 2016, "doctor", 12, _NA, _NA, _NA),
        ),
        "enterprises": _frame(
            "origin destination year sector count investment currency jobs source ref",
            ("BJ", "653201", 2016, "31120", 3, 48_000_000.0, "CNY", 120, _NA, _NA),
            ("SH", "652922", 2017, "12220", 1, _NA, _NA, _NA, "survey", "E-7"),
        ),
        "coverage": _frame(
            "donor recipient year_from year_to source round",
            ("BJ", "653201", 2015, 2016, "office return: complete", _NA),
            ("SH", "652901", 2016, 2017, _NA, 2010),
        ),
        "indicators": _frame(
            "code name_en name_zh unit direction dimension aggregation",
            ("population", "Resident population", "常住人口", "persons", 0, "demographic", "sum"),
            ("rural_income", "Rural disposable income per capita", "农村居民人均可支配收入",
             "CNY per person", 1, "economic", "pop_mean"),
        ),
        "observations": _frame(
            "region year indicator value source flag",
            ("653201", 2015, "population", 390_000.0, "statistical yearbook", _NA),
            ("653201", 2015, "rural_income", 8421.5, "statistical yearbook", _NA),
            ("652901", 2015, "population", 540_000.0, "statistical yearbook", "estimated"),
            ("652901", 2015, "rural_income", 11_230.25, "statistical yearbook", _NA),
        ),
        "rates": _frame(
            "currency base year rate source",
            ("USD", "CNY", 2015, 6.2284, "PBoC"),
            ("USD", "CNY", 2016, 6.6423, "PBoC"),
        ),
        "prices": _frame(
            "code currency year value source",
            ("cpi_cn", "CNY", 2015, 100.0, "NBS"),
            ("cpi_cn", "CNY", 2016, 102.0, _NA),
        ),
    }
    assert tuple(frames) == TABLE_ORDER
    return frames


def load_mini(store: Store) -> list[ImportReport]:
    """Import the mini ledger into `store` (one transaction)."""
    return import_frames(store, mini_ledger_frames(), source="mini")


#: Why the PostgreSQL tests are skipped when no server is given.
PG_SKIP_REASON = ("PostgreSQL tests skipped: set PAIRAID_TEST_DATABASE_URL "
                  "(e.g. postgresql://root@127.0.0.1:5432/test) to run them")


def postgres_url() -> str:
    """PAIRAID_TEST_DATABASE_URL; skips the test without it (fails it if PostgreSQL is required)."""
    url = os.environ.get("PAIRAID_TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("PAIRAID_REQUIRE_POSTGRES"):
            pytest.fail("PAIRAID_REQUIRE_POSTGRES is set but PAIRAID_TEST_DATABASE_URL is not")
        pytest.skip(PG_SKIP_REASON)
    return url


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """`url` with its search_path set to a new empty schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@functools.lru_cache(maxsize=1)
def _empty_sqlite_template() -> Path:
    """A new, migrated, empty SQLite ledger made once per test process. Creating a ledger runs
    the Alembic migrations (~0.1-0.4 s); the fixtures copy this file instead, which gives the
    same database (the migrations write nothing that differs between two runs)."""
    folder = Path(tempfile.mkdtemp(prefix="pairaid-empty-ledger-"))
    atexit.register(shutil.rmtree, folder, True)
    Store.open(folder / "empty.db").close()
    return folder / "empty.db"


def new_sqlite_ledger(path: Path) -> Store:
    """A new empty ledger at `path` (a copy of the migrated template), opened."""
    shutil.copyfile(_empty_sqlite_template(), path)
    return Store.open(path, create=False)


@contextmanager
def fresh_ledger(backend: str, directory: Path) -> Iterator[Store]:
    """An empty ledger like conftest's `store`, for fixtures that outlive one test: a SQLite file
    in `directory`, or a PostgreSQL schema of its own (dropped afterwards)."""
    if backend == "sqlite":
        with new_sqlite_ledger(Path(directory) / f"ledger-{uuid.uuid4().hex[:8]}.db") as ledger:
            yield ledger
        return
    with pg_schema(postgres_url()) as url, Store.open(url) as ledger:
        yield ledger
