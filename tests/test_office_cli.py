"""`pairaid import` on office sheets from the command line: the options, --json with problems and
transformations, a dry run that creates no ledger and writes its guesses as a mapping file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import load_mini
from office_corpus import EXTRA, build
from pairaid.cli.main import app
from pairaid.ingest import import_frames
from pairaid.ledger import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("office_cli")
    build(directory)
    return directory


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    store = Store.open(path)
    load_mini(store)
    import_frames(store, EXTRA)
    store.close()
    return path


def test_dry_run_on_a_missing_ledger_creates_none(corpus: Path, tmp_path: Path):
    missing = tmp_path / "not_yet.db"
    result = runner.invoke(app, ["import", "donors", str(corpus / "donors_office.csv"), "--db",
                                 str(missing), "--dry-run", "--json",
                                 "--save-mapping", str(tmp_path / "donors.toml")])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["ok"], payload["rows"], payload["dry_run"]) == (True, 2, True)
    assert "'直辖市' → municipality" in " ".join(payload["transformations"])
    assert "none created" in payload["note"]
    assert not missing.exists() and not list(tmp_path.glob("not_yet*"))
    assert '"代码" = "code"' in (tmp_path / "donors.toml").read_text("utf-8")


def test_json_failure_carries_problems_transformations_and_the_mapping(corpus: Path, tmp_path: Path,
                                                                       ledger_path: Path):
    source = corpus / "flows_ambiguous.csv"
    local = tmp_path / source.name
    local.write_bytes(source.read_bytes())
    result = runner.invoke(app, ["import", "flows", str(local), "--db", str(ledger_path),
                                 "--dry-run", "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert payload["problems"] == [{
        "file": "flows_ambiguous.csv", "row": 2, "column": "recipient",
        "reason": "'和田' names more than one region: 和田县 (653221, county); 和田地区 (653200, "
                  "prefecture); 和田市 (653201, county) (write the full name or the code, or map "
                  "it in --mapping)"}]
    assert "donor: names read as codes: '天津市' → TJ" in payload["transformations"]
    mapping = tmp_path / "flows_ambiguous.mapping.toml"
    assert payload["mapping_written"] == str(mapping)
    # The user fills in the ambiguous name and imports with the edited mapping.
    mapping.write_text(mapping.read_text("utf-8").replace('"和田" = ""', '"和田" = "653221"'),
                       encoding="utf-8")
    result = runner.invoke(app, ["import", "flows", str(local), "--db", str(ledger_path),
                                 "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "imported 1 flows rows" in result.stdout
    assert "'和田' → 653221" in result.stdout


def test_options_choose_sheet_and_unit(corpus: Path, ledger_path: Path):
    result = runner.invoke(app, ["import", "flows", str(corpus / "flows_options.xlsx"), "--db",
                                 str(ledger_path), "--sheet", "明细", "--amount-unit", "万元"])
    assert result.exit_code == 0, result.output
    store = Store.open(ledger_path, create=False)
    flows = store.read_table("flows")
    store.close()
    assert ((flows["year"] == 2020) & (flows["amount"] == 45_000.0)).sum() == 1
    bad = runner.invoke(app, ["import", "flows", str(corpus / "flows_options.xlsx"), "--db",
                              str(ledger_path), "--sheet", "无此表"])
    assert bad.exit_code == 2
    assert "no sheet '无此表' (sheets: 汇总, 明细)" in bad.stderr
    unit = runner.invoke(app, ["import", "flows", str(corpus / "flows_options.xlsx"), "--db",
                               str(ledger_path), "--amount-unit", "千万"])
    assert unit.exit_code == 2
    assert "--amount-unit '千万' is not a unit (use 元, 万元, 亿元 or 千元)" in unit.stderr


def test_wrong_total_fails_with_its_row_and_column(corpus: Path, ledger_path: Path):
    result = runner.invoke(app, ["import", "flows", str(corpus / "flows_total_wrong.xlsx"),
                                 "--db", str(ledger_path)])
    assert result.exit_code == 2
    assert ("flows_total_wrong.xlsx[Sheet1]:4:amount: total row '合计' says 13,000 万元 but the "
            "2 rows it covers add up to 12,600 万元") in result.stderr


def test_template_in_chinese(tmp_path: Path):
    result = runner.invoke(app, ["template", "flows", "--lang", "zh", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "t.xlsx")["flows"]["A1"].value == "援助方"


def test_sheet_option_on_a_csv_is_refused(corpus: Path, ledger_path: Path):
    result = runner.invoke(app, ["import", "flows", str(corpus / "flows_mixed.csv"), "--db",
                                 str(ledger_path), "--sheet", "明细"])
    assert result.exit_code == 2
    assert "--sheet applies to workbooks (.xlsx), not to flows_mixed.csv" in result.stderr
