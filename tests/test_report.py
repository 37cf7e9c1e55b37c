"""The report on the demo ledger: files, numbers equal to the commands' JSON, languages, bad
input. The browser and PDF checks are in test_report_browser.py."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.ledger import Store
from pairaid.report.build import build_report, ledger_fingerprint

runner = CliRunner()


# english_report and chinese_report (conftest.py): the demo report built once per test run


def test_the_command_says_where_the_report_is_and_that_it_is_synthetic(english_report):
    output = (english_report.parent / "report_en.output").read_text(encoding="utf-8")
    assert "index.html" in output and "SYNTHETIC" in output


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _cells(html: str, table: str) -> list[list[tuple[str, str | None]]]:
    """Rows of a report table: (text, data-value or None) per cell."""
    body = re.search(rf'<table id="table-{table}">(.*?)</table>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S):
        cells = re.findall(r'<td(?: class="num" data-value="([^"]*)")?(?: data-label="[^"]*")?>'
                           r"(.*?)</td>", row, re.S)
        rows.append([(text, value or None) for value, text in cells])
    return rows


def test_report_folder_has_page_images_data_and_provenance(english_report):
    html = (english_report / "index.html").read_text(encoding="utf-8")
    provenance = json.loads((english_report / "provenance.json").read_text(encoding="utf-8"))
    charts = provenance["charts"]
    assert len(charts) >= 14
    for chart in charts:
        svg = (english_report / "charts" / f"{chart}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and svg.count("<path") + svg.count("<rect") > 5, chart
        assert (english_report / "charts" / f"{chart}.png").stat().st_size > 5_000, chart
        with open(english_report / "data" / f"{chart}.csv", encoding="utf-8") as handle:
            assert len(list(csv.reader(handle))) >= 2, chart
        assert f'id="chart-{chart}"' in html
    assert provenance["synthetic"] is True and "SYNTHETIC" in provenance["notice"]
    assert re.fullmatch(r"[0-9a-f]{64}", provenance["ledger_sha256"])
    assert provenance["versions"]["pyfixest"] == "0.60.0"
    assert provenance["specs"]["index"]["name"] == "sustainable_agriculture"
    assert set(provenance["seeds"]) == {"sensitivity", "demo"} and provenance["seeds"]["demo"] == 2010


def test_page_is_self_contained(english_report):
    html = (english_report / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html)
    assert "@import" not in html and "url(http" not in html
    assert 'id="synthetic-banner"' in html and "SYNTHETIC DEMO DATA" in html
    for section in ("verdict", "headline", "timeline", "pairings", "maps", "index", "effects",
                    "designs",
                    "distribution", "dependence", "environment", "audit", "gaps", "methods"):
        assert f'<section id="{section}"' in html, section
    specs = json.loads(re.search(r'<script type="application/json" id="chart-specs">(.*?)'
                                 r"</script>", html, re.S).group(1).replace("<\\/", "</"))
    assert all("url" not in json.dumps(s.get("data", {})) for s in specs.values())
    assert all(s.get("description") and s.get("title") for s in specs.values())


def test_headline_numbers_equal_the_summary_command(english_report, report_demo_db):
    summary = _json("summary", "--db", str(report_demo_db))
    html = (english_report / "index.html").read_text(encoding="utf-8")
    rows = _cells(html, "headline")
    assert len(rows) == len(summary["figures"])
    for row, figure in zip(rows, summary["figures"]):
        for column, key in ((1, "value"), (2, "real")):
            shown = row[column][1]
            if figure[key] is None:
                assert shown is None
            else:
                assert float(shown) == figure[key], (figure["key"], key)
    # constant prices beside nominal: 2011 prices, below the nominal total of later years
    disbursed = next(f for f in summary["figures"] if f["key"] == "funds_disbursed")
    assert "constant 2011 prices" in summary["real_basis"]
    assert 0.7 * disbursed["value"] < disbursed["real"] < disbursed["value"]
    # the audit's 10 duplicate rows (5 pairs) come off the total, and the page says so
    assert summary["duplicate_rows"] == 10
    assert 0 < disbursed["value"] - disbursed["excluding_duplicates"] < 1e-3 * disbursed["value"]
    assert 'data-finding="headline.duplicates"' in html
    # periods stated exactly: money over the years with flows, never "the same period"
    assert disbursed["period"] == "2011–2024" and "same period" not in html
    assert "the ledger covers only 2012–2024 of 2012–2025" in html
    income = next(f for f in summary["figures"] if f["key"] == "rural_income_growth")
    assert income["comparison"]["never_paired_units"] > 0 and income["comparison"]["paired"]
    # no file path on the page: the ledger is named by its fingerprint
    assert str(report_demo_db) not in html and "sqlite:" not in html
    with open(english_report / "data" / "table_headline.csv", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert [r["key"] for r in table] == [f["key"] for f in summary["figures"]]
    # the CSVs are rounded to 6 significant digits (issue 10: meaningful precision)
    assert all(float(r["value"]) == pytest.approx(f["value"], rel=1e-5)
               for r, f in zip(table, summary["figures"]) if f["value"] is not None)


def test_estimates_equal_the_estimate_command(english_report, report_demo_db):
    index = _json("estimate", "--db", str(report_demo_db))
    latent = _json("estimate", "--db", str(report_demo_db), "--outcome", "sai_latent")
    html = (english_report / "index.html").read_text(encoding="utf-8")
    rows = _cells(html, "elasticity")
    shown = [float(row[2][1]) for row in rows]
    assert shown == [index["estimates"][0]["estimate"], latent["estimates"][0]["estimate"]]
    assert [int(row[4][1]) for row in rows] == [index["nobs"], latent["nobs"]]
    # the sentence discloses the sample: what the log drops (zero-fund county-years) and why
    dropped = index["dropped_nonpositive"]["funds_per_capita"]
    assert dropped == 655
    sentence = re.search(r'data-finding="elasticity.estimate.drop"[^>]*>(.*?)</p>', html,
                         re.S).group(1)
    assert f'data-value="{float(dropped)!r}"' in sentence and "intensive margin" in sentence
    assert f'data-value="{float(index["nobs"])!r}"' in sentence
    with open(english_report / "data" / "table_elasticity.csv", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    for row, command in zip(table, (index, latent)):
        for key in ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"):
            assert float(row[key]) == pytest.approx(command["estimates"][0][key], rel=1e-5), key
    with open(english_report / "data" / "elasticity.csv", encoding="utf-8") as handle:
        plotted = list(csv.DictReader(handle))
    assert [float(r["estimate"]) for r in plotted] == pytest.approx(shown, rel=1e-5)


def test_event_study_chart_is_the_event_study_command(english_report, report_demo_db):
    command = _json("event-study", "--db", str(report_demo_db), "--outcome", "sai_latent",
                    "--log", "drop")
    with open(english_report / "data" / "event_study.csv", encoding="utf-8") as handle:
        plotted = list(csv.DictReader(handle))
    assert [int(r["event_time"]) for r in plotted] == [e["event_time"]
                                                       for e in command["event_time"]]
    for row, e in zip(plotted, command["event_time"]):  # CSVs keep 6 significant digits
        assert float(row["estimate"]) == pytest.approx(e["estimate"], rel=1e-5, abs=1e-12)
        assert float(row["std_error"]) == pytest.approx(e["std_error"], rel=1e-5, abs=1e-12)


def test_chinese_report_uses_chinese_labels_and_units(chinese_report):
    html = (chinese_report / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "合成演示数据" in html and "实际拨付援助资金" in html
    assert re.search(r"\d+(\.\d)?亿元", html)  # money in 亿元
    assert "<h1>对口支援新疆维吾尔自治区（2011–2024年）" in html  # the programme and its period
    assert not list((chinese_report / "charts").glob("*.png"))


def test_fingerprint_is_stable_and_changes_with_the_ledger(report_demo_db, tmp_path):
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(report_demo_db, copy)
    with Store.open(report_demo_db, create=False) as store:
        first = ledger_fingerprint(store)
    with Store.open(copy, create=False) as store:
        assert ledger_fingerprint(store) == first
        with store.engine.begin() as connection:
            from sqlalchemy import text

            connection.execute(text("UPDATE flow SET amount = amount + 1 WHERE id = "
                                    "(SELECT MIN(id) FROM flow)"))
        assert ledger_fingerprint(store) != first


@pytest.mark.parametrize("args, message", [
    (["--lang", "fr"], "'fr' is not one of"),  # --lang is en|zh on every command
    (["-o", "/proc/pairaid-report"], "cannot write the report folder"),
])
def test_bad_options_exit_2_with_one_line(report_demo_db, args, message):
    result = runner.invoke(app, ["report", "--db", str(report_demo_db), *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_report_on_a_missing_ledger_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "none.db"), "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "none.db" in result.output
    assert not (tmp_path / "out" / "index.html").exists()


def test_event_study_and_synth_write_their_plots(report_demo_db, tmp_path):
    from PIL import Image

    svg, png = tmp_path / "event.svg", tmp_path / "synth.png"
    done = runner.invoke(app, ["event-study", "--db", str(report_demo_db), "--outcome",
                               "sai_latent", "--log", "drop", "--plot", str(svg)])
    assert done.exit_code == 0, done.output
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "Event study" in text and "Synthetic demo data" in text
    done = runner.invoke(app, ["synth", "--db", str(report_demo_db), "--outcome", "sai_latent",
                               "--treated", "652801", "--plot", str(png)])
    assert done.exit_code == 0, done.output
    assert Image.open(png).size[0] > 500
    done = runner.invoke(app, ["synth", "--db", str(report_demo_db), "--outcome", "sai_latent",
                               "--treated", "652801", "--plot", str(tmp_path / "x.pdf")])
    assert done.exit_code == 2 and "--plot writes .svg or .png" in done.output


def test_a_ledger_without_outcomes_gets_a_report_that_says_what_is_missing(store, tmp_path):
    """A small real-world-shaped ledger (no index indicators, no fiscal data): the report still
    writes, leaves out what it cannot show and says why in the data-gaps section."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from hand_ledger import hand_frames

    from pairaid.ingest import import_frames

    import_frames(store, hand_frames(), mode="append")
    result = build_report(store, tmp_path / "report", db_label="hand", png=False,
                          outcome="rainfall")
    assert {"headline", "pairings", "gaps", "methods"} <= set(result.sections)
    assert "effects" not in result.sections and "index" not in result.sections
    assert any("no outcome 'rainfall'" in gap for gap in result.gaps)
    assert any(gap.startswith("dependence:") for gap in result.gaps)
    html = result.index_html.read_text(encoding="utf-8")
    assert "no outcome &#39;rainfall&#39;" in html or "no outcome 'rainfall'" in html
    assert 'id="synthetic-banner"' not in html  # not demo data: no banner


def test_page_one_is_a_verdict_of_six_cards(english_report):
    html = (english_report / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "Xinjiang" in title and "2011–2024" in title  # the programme and its period
    verdict = html.index('<section id="verdict"')
    assert verdict < html.index("<nav") < html.index('<section id="headline"')
    cards = re.findall(r'<li class="card" data-finding="([^"]+)" data-verdict="([^"]+)">(.*?)'
                       r"</li>", html, re.S)
    assert [c[0].split(".")[1] for c in cards] == ["spending", "effect", "equity",
                                                     "dependence", "environment", "audit"]
    links = [re.search(r'href="#([a-z]+)"', body).group(1) for _, _, body in cards]
    assert links == ["headline", "effects", "distribution", "dependence", "environment",
                     "audit"]
    for key, verdict_word, body in cards:
        assert 'class="message"' in body and 'data-value="' in body, key
    effect = next(body for key, _, body in cards if key.startswith("card.effect"))
    assert 'data-kind="ci_low"' in effect and 'data-kind="ci_high"' in effect
