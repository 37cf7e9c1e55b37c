"""Issue 13, item 8: every error path a user can reach prints one line and exits 2 — a walk
through the list the issue found giving tracebacks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import load_mini
from pairaid.ledger import Store


def _pairaid(*args: str) -> subprocess.CompletedProcess:
    """The real command in its own process (as a user meets it: no test runner in between)."""
    return subprocess.run([sys.executable, "-m", "pairaid", *args], capture_output=True,
                          text=True, timeout=120)


def _one_line_exit_2(result: subprocess.CompletedProcess, *words: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and "Traceback" not in result.stderr
    assert "[Errno" not in lines[0]
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("paths") / "ledger.db"
    with Store.open(path) as store:
        load_mini(store)
    return path


def _many_flows(path: Path, rows: int) -> Path:
    pd.DataFrame({"donor": "BJ", "recipient": "653201", "year": 2015, "kind": "disbursement",
                  "amount": 1.0, "currency": "CNY", "sector": "31120",
                  "source": "x" * 500, "ref": [f"R{i}" for i in range(rows)]}).to_csv(path,
                                                                                     index=False)
    return path


def test_disk_full_during_an_import(ledger, tmp_path):
    # SQLite's max_page_count makes the ledger "full" a few pages on: SQLITE_FULL, the error a
    # full disk gives, on any machine
    full = tmp_path / "full.db"
    shutil.copy(ledger, full)
    script = ("import sys, pairaid.ledger.store as s\n"
              "pragmas = s.sqlite_pragmas\n"
              "def capped(connection, record):\n"
              "    pragmas(connection, record)\n"
              "    pages = connection.execute('PRAGMA page_count').fetchone()[0]\n"
              "    connection.execute(f'PRAGMA max_page_count={pages + 8}')\n"
              "s.sqlite_pragmas = capped\n"
              "from pairaid.cli.main import run\n"
              "sys.argv = ['pairaid', *sys.argv[1:]]\n"
              "run()\n")
    flows = _many_flows(tmp_path / "flows.csv", 5_000)
    result = subprocess.run([sys.executable, "-c", script, "import", "flows", str(flows),
                             "--db", str(full)], capture_output=True, text=True, timeout=120)
    _one_line_exit_2(result, "database or disk is full", "nothing was written")
    with Store.open(full, create=False) as store:
        assert len(store.read_table("flows")) == 4


def test_an_immutable_ledger(ledger, tmp_path):
    frozen = tmp_path / "frozen.db"
    shutil.copy(ledger, frozen)
    if subprocess.run(["chattr", "+i", str(frozen)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root on ext4 or the like)")
    try:
        flows = _many_flows(tmp_path / "flows.csv", 3)
        _one_line_exit_2(_pairaid("import", "flows", str(flows), "--db", str(frozen)),
                         "readonly database")
    finally:
        subprocess.run(["chattr", "-i", str(frozen)], check=True)


def test_json_nested_100000_deep(ledger, tmp_path):
    deep = tmp_path / "flows.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    _one_line_exit_2(_pairaid("import", "flows", str(deep), "--db", str(ledger)),
                     "nested 100,000 levels deep")


@pytest.mark.parametrize("url", ["mysql://user@localhost/ledger", "oracle://x/y"])
def test_an_unsupported_database_url(url):
    _one_line_exit_2(_pairaid("info", "--db", url), "not supported")


def test_a_folder_given_as_a_file(ledger, tmp_path):
    _one_line_exit_2(_pairaid("import", "flows", str(tmp_path), "--db", str(ledger)),
                     "is a folder")
    _one_line_exit_2(_pairaid("info", "--db", str(tmp_path)), "is a folder")
    _one_line_exit_2(_pairaid("export", "flows", "-o", str(tmp_path), "--db", str(ledger)),
                     "is a folder")
    _one_line_exit_2(_pairaid("restore", str(tmp_path / "nothing.zip"), "--db",
                              str(tmp_path / "new.db")), "no such backup")
