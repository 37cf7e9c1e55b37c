"""The command line: exit codes, one clear error without traceback, JSON output, documentation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.cli.reference import COMMANDS, cli_reference
from pairaid.ingest import import_frames
from pairaid.ingest.tables import TABLE_ORDER
from pairaid.ledger import Store

from hand_ledger import hand_frames

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "ledger.db"
    with Store.open(path) as store:
        import_frames(store, hand_frames(), source="test")
    return str(path)


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_bad_import_exits_2_listing_every_bad_cell(db, tmp_path):
    bad = tmp_path / "flows.csv"
    bad.write_text("donor,recipient,year,kind,amount,currency,sector\n"
                   "D,a1,2020,disbursement,abc,CNY,31120\n"
                   "D,zz,2020,grant,5,CNY,31120\n", "utf-8")
    before = Store.open(db).counts()
    result = invoke("import", "flows", str(bad), "--db", db)
    assert result.exit_code == 2
    assert "flows.csv:2:amount: 'abc' is not a number" in result.output
    assert "flows.csv:3:recipient: unknown region code 'zz'" in result.output
    assert "flows.csv:3:kind: 'grant' is not one of" in result.output
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert Store.open(db).counts() == before


def test_console_script_gives_one_error_line_and_debug_gives_traceback(tmp_path):
    missing = tmp_path / "none.db"
    plain = subprocess.run([sys.executable, "-m", "pairaid", "summary", "--db", str(missing)],
                           capture_output=True, text=True)
    assert plain.returncode == 2
    assert plain.stderr.strip().startswith("error: no ledger at")
    assert len(plain.stderr.strip().splitlines()) == 1 and "Traceback" not in plain.stderr
    debug = subprocess.run([sys.executable, "-m", "pairaid", "--debug", "summary", "--db",
                            str(missing)], capture_output=True, text=True)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_import_dry_run_and_json(db, tmp_path):
    good = tmp_path / "more_flows.csv"
    good.write_text("donor,recipient,year,kind,amount,currency,sector,ref\n"
                    "D,a1,2021,disbursement,\"1,500\",CNY,31120,T-1\n", "utf-8")
    before = Store.open(db).counts()
    dry = invoke("import", "flows", str(good), "--db", db, "--dry-run", "--json")
    assert dry.exit_code == 0
    assert json.loads(dry.output) == {"ok": True, "table": "flows", "file": "more_flows.csv",
                                      "rows": 1, "new": 1, "updated": 0, "unchanged": 0,
                                      "dry_run": True,
                                      "transformations": [], "problems": [],
                                      "changes": []}
    assert Store.open(db).counts() == before
    real = invoke("import", "flows", str(good), "--db", db)
    assert real.exit_code == 0 and "imported 1 flows rows" in real.output
    assert Store.open(db).counts()["flow"] == before["flow"] + 1
    again = invoke("import", "flows", str(good), "--db", db, "--mode", "upsert")
    # the same row again changes nothing: it is not counted as updated
    assert again.exit_code == 0 and "(0 new, 0 updated, 1 unchanged)" in again.output, again.output


def test_export_all_then_import_into_new_ledger(db, tmp_path):
    folder = tmp_path / "backup"
    assert invoke("export", "all", "-o", str(folder), "--db", db).exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    for table in TABLE_ORDER:
        result = invoke("import", table, str(folder / f"{table}.csv"), "--db", fresh)
        assert result.exit_code == 0 or "no data rows" in result.output, result.output
    original, copy = Store.open(db), Store.open(fresh)
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(original.read_table(table), copy.read_table(table))


def test_template_then_panel_and_summary_outputs(db, tmp_path):
    template = tmp_path / "flows.xlsx"
    assert invoke("template", "flows", "-o", str(template)).exit_code == 0
    assert pd.read_excel(template, sheet_name="notes")["notes"].str.contains("amount").any()
    out = tmp_path / "panel.csv"
    result = invoke("panel", "--db", db, "--level", "prefecture", "--from", "2020", "--to",
                    "2021", "--prices", "constant:2020", "-o", str(out))
    assert result.exit_code == 0 and "prefecture panel 2020–2021" in result.output
    panel = pd.read_csv(out, encoding="utf-8-sig")
    assert set(panel["prices"]) == {"constant:2020"} and len(panel) == 6
    summary = json.loads(invoke("summary", "--db", db, "--json").output)
    disbursed = next(f for f in summary["figures"] if f["key"] == "funds_disbursed")
    assert disbursed["value"] == pytest.approx(1220) and disbursed["unit"] == "CNY"
    info = json.loads(invoke("info", "--db", db, "--json").output)
    assert info["rows"]["flow"] == 5 and info["synthetic"] is False


def test_bad_options_exit_2(db):
    assert invoke("panel", "--db", db, "--prices", "real").exit_code == 2
    assert invoke("panel", "--db", db, "--level", "village").exit_code == 2
    assert invoke("summary", "--db", db, "--currency", "EUR").exit_code == 2
    assert invoke("import", "budgets", "x.csv", "--db", db).exit_code == 2


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_documented(command):
    result = invoke(*command.split(), "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    reference = (Path(__file__).parents[1] / "docs" / "cli.md").read_text("utf-8")
    assert f"## pairaid {command}" in reference, f"docs/cli.md does not document `{command}`"


def test_cli_reference_is_current():
    reference = (Path(__file__).parents[1] / "docs" / "cli.md").read_text("utf-8")
    assert reference == cli_reference(), "regenerate: python -m pairaid.cli.reference > docs/cli.md"


def test_spreadsheet_style_headers_are_accepted(db, tmp_path):
    capitalised = tmp_path / "flows.csv"
    capitalised.write_text("Donor,Recipient,Year,Kind,Amount,Currency,Sector,Ref\n"
                           "D,a1,2021,disbursement,42,CNY,31120,CAPS\n", "utf-8")
    result = invoke("import", "flows", str(capitalised), "--db", db)
    assert result.exit_code == 0, result.output
    flows = Store.open(db).read_table("flows")
    assert flows.loc[flows["ref"] == "CAPS", "amount"].tolist() == [42.0]
