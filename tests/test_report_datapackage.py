"""What travels with the report's files (issue 10): every chart image says SYNTHETIC for the
demo and never for a real ledger; data/ is a Frictionless Data Package that validates and lists
every CSV; numbers are rounded; the chart data CSV headers name what they hold."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from pairaid.ledger import Store
from pairaid.report.build import build_report
from pairaid.report.datapackage import rounded

SYNTHETIC_EN = b"SYNTHETIC"
SYNTHETIC_ZH = "合成数据".encode()


@pytest.fixture(scope="module")
def demo_report(english_report) -> Path:
    """The English demo report with PNG charts (built once per run, conftest.py)."""
    return english_report


@pytest.fixture(scope="module")
def real_report(tmp_path_factory) -> Path:
    """A report on a ledger that is not the demo (hand-made, real-world shaped)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from hand_ledger import hand_frames

    from pairaid.ingest import import_frames

    out = tmp_path_factory.mktemp("report_real")
    with Store.open(out / "hand.db") as store:
        import_frames(store, hand_frames(), mode="append")
        build_report(store, out / "report", db_label="hand", png=True, outcome="rainfall")
    return out / "report"


def test_every_chart_file_says_synthetic_for_the_demo(demo_report):
    files = sorted((demo_report / "charts").iterdir())
    assert {f.suffix for f in files} == {".svg", ".png"} and len(files) >= 30
    for path in files:
        assert SYNTHETIC_EN in path.read_bytes(), path.name
    # the footer is drawn text in the SVG (so it is in the pixels of the PNG too), with the source
    svg = (demo_report / "charts" / "funds_by_year.svg").read_text(encoding="utf-8")
    assert "SYNTHETIC demo data" in svg and "Source: pairaid ledger" in svg
    assert "Prices: CNY, nominal (current) prices" in svg


def test_no_chart_file_says_synthetic_for_a_real_ledger(real_report):
    files = sorted((real_report / "charts").iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        assert SYNTHETIC_EN not in data and SYNTHETIC_ZH not in data, path.name
        if path.suffix == ".svg":
            assert b"Source: pairaid ledger" in data


def test_chinese_charts_say_synthetic_in_chinese(chinese_report):
    svgs = list((chinese_report / "charts").glob("*.svg"))
    assert len(svgs) >= 14
    for path in svgs:
        text = path.read_text(encoding="utf-8")
        assert "合成数据" in text and "来源" in text, path.name


@pytest.mark.parametrize("which", ["demo_report", "real_report"])
def test_data_folder_is_a_valid_data_package_covering_every_csv(which, request):
    from frictionless import Package, validate

    folder = request.getfixturevalue(which) / "data"
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "note", "fieldName"])[:5]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in descriptor["resources"]}
    assert listed == {p.name for p in folder.glob("*.csv")}
    synthetic = which == "demo_report"
    assert descriptor["synthetic"] is synthetic
    package = Package(folder / "datapackage.json")
    for resource in descriptor["resources"]:
        assert resource["synthetic"] is synthetic
        assert resource["prices"].startswith("CNY")
        assert "pairaid ledger" in resource["source"]
        assert ("SYNTHETIC" in resource["source"]) is synthetic
        assert len(resource["years"]) == 2 and resource["years"][0] <= resource["years"][1]
        header = pd.read_csv(folder / resource["path"], nrows=0).columns.tolist()
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        assert all(f["description"] for f in resource["schema"]["fields"])
    assert len(package.resources) == len(listed)


def test_csvs_are_rounded_and_named_for_what_they_hold(demo_report):
    decoupling = pd.read_csv(demo_report / "data" / "decoupling.csv")
    assert list(decoupling.columns) == ["unit", "output_change", "pressure_change", "state"]
    text = (demo_report / "data" / "decoupling.csv").read_text()
    longest = max(len(cell) for line in text.splitlines()[1:] for cell in line.split(","))
    assert longest < 40  # no 17-digit floats
    funds = pd.read_csv(demo_report / "data" / "funds_by_year.csv")
    assert (funds["amount"] == funds["amount"].round()).all()


def test_rounding_keeps_six_significant_digits_whole_money_and_four_decimal_shares():
    frame = pd.DataFrame({"amount": [1234.56], "value_share": [0.123456789],
                          "estimate": [0.30000000000000004], "big": [123456789.123],
                          "year": [2020], "name": ["x"]})
    out = rounded(frame)
    assert out.loc[0, "amount"] == 1235.0
    assert out.loc[0, "value_share"] == 0.1235
    assert out.loc[0, "estimate"] == 0.3
    assert out.loc[0, "big"] == 123457000.0
    assert out.loc[0, "year"] == 2020 and out.loc[0, "name"] == "x"
