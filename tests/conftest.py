"""Fixtures: a fresh ledger per test, on SQLite and (when PAIRAID_TEST_DATABASE_URL is set) on
PostgreSQL, each PostgreSQL test in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from helpers import fresh_ledger, load_mini, new_sqlite_ledger, pg_schema, postgres_url
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
        ledger = new_sqlite_ledger(tmp_path / "ledger.db")
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
    ledger = new_sqlite_ledger(tmp_path / "ledger.db")
    yield ledger
    ledger.close()


def _built_once(tmp_path_factory, worker_id: str, name: str, build) -> Path:
    """A folder that `build(folder)` fills once per test run, shared by every xdist worker.

    Building the demo ledger and the demo report takes 10–20 s each; with one build per test
    module (and per worker) they were a third of the suite's time. The workers' temporary
    folders share a parent; the first worker to take the lock builds, the others wait and then
    read. A `.done` mark is written last, so a build that failed is retried, not read. Tests must
    not change what they get here (they copy it if they need to)."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # under xdist: the run's folder above the workers' own
        root = root.parent
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                build(folder)
                done.write_text("built\n", encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """xdist's worker name ("gw0", ...), or "master" when the tests run in one process (xdist
    provides this fixture when it is active; this one stands in when it is not)."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


@pytest.fixture(scope="session")
def report_demo_db(tmp_path_factory, worker_id) -> Path:
    """The demo ledger (seed 2010) the report tests share: built once per test run. Read only:
    a test that changes a ledger copies this file first."""
    from pairaid.demo import build

    folder = _built_once(tmp_path_factory, worker_id, "report_demo",
                         lambda out: build(out, seed=2010))
    return folder / "demo.db"


def _report_en(db: Path, out: Path) -> None:
    """The English demo report as `pairaid report` makes it (PNG charts), with the PDF when
    Chromium is here (the browser tests read it); the command's output is kept beside it."""
    import shutil as _shutil

    from typer.testing import CliRunner

    from pairaid.cli.main import app

    args = ["report", "--db", str(db), "-o", str(out)]
    if os.environ.get("PAIRAID_CHROMIUM") or _shutil.which("chromium"):
        args.append("--pdf")
    result = CliRunner().invoke(app, args)
    (out.parent / f"{out.name}.output").write_text(result.output, encoding="utf-8")
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def english_report(report_demo_db, tmp_path_factory, worker_id) -> Path:
    """The English demo report (PNG charts; report.pdf too when Chromium is installed), built
    once per test run by the CLI and read by every report test. Read only."""
    return _built_once(tmp_path_factory, worker_id, "report_en",
                       lambda out: _report_en(report_demo_db, out))


@pytest.fixture(scope="session")
def chinese_report(report_demo_db, tmp_path_factory, worker_id) -> Path:
    """The Chinese demo report (SVG charts only), built once per test run. Read only."""
    from pairaid.report.build import build_report

    def build(out: Path) -> None:
        with Store.open(report_demo_db, create=False) as store:
            build_report(store, out, db_label="demo.db", lang="zh", png=False)

    return _built_once(tmp_path_factory, worker_id, "report_zh", build)


# The slowest test files, slowest first (test seconds summed over each file's tests in a full
# run with three workers on an idle machine, 2026-12-07: web_browser 90, iati 87, import 83,
# report 79, roundtrip 72, office_import 63, backup 61, web_auth 56, web_approval 53, ...).
# `make test` hands whole files to the xdist workers in the collection's order (xdist's own
# reordering, most tests first, is switched off), so a long file started last would run alone
# at the end while the other workers sat idle. Starting with the longest files (the
# longest-processing-time rule) lets the many short files fill in at the end. Files not listed
# keep their order after these.
SLOW_FILES_FIRST = (
    "test_web_browser.py", "test_iati.py", "test_import.py", "test_report.py",
    "test_roundtrip.py", "test_office_import.py", "test_backup.py", "test_web_auth.py",
    "test_web_approval.py", "test_web_dashboard.py", "test_report_browser.py",
    "test_journal_concurrency.py", "test_web_analytics.py", "test_ledger_safety.py",
    "test_demo_calibration.py", "test_web_app.py", "test_report_postgres.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within kept
