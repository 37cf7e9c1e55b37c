"""The report's "rules and alternatives" section (issue 14): it exists in both languages and says
the same numbers in each, its figures equal the `pairaid plan … --json` commands' on the demo,
and its charts are real images carrying the footer (source, prices, SYNTHETIC).

Fast: the section is built from `collect._policy` alone (the plan commands' functions, ~7 s),
not from a whole report (the full page is covered by test_report_parity.py)."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from html import unescape
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.ledger import Store

_SPAN = re.compile(r'<span class="num" data-value="([^"]*)"[^>]*>.*?</span>', re.S)
_BARE = re.compile(r"(?<![\w.])[-+−]?\d[\d,.]*")


@pytest.fixture(scope="module")
def policy_inputs(report_demo_db):
    """What the report's sections receive for this section: the policy results and findings,
    with the ledger's places and donors (for names) — as `collect` makes them."""
    from pairaid.ledger import queries
    from pairaid.report.collect import _Clock, _policy
    from pairaid.summary import summarise

    with Store.open(report_demo_db, create=False) as store:
        inputs = SimpleNamespace(gaps=[], seconds={})
        policy = _policy(_Clock(inputs), store)
        summary = summarise(store)
        regions = queries.regions(store)
        synthetic = store.is_synthetic()
    assert inputs.gaps == [] and policy is not None
    return SimpleNamespace(policy=policy, findings={"policy": policy.findings()},
                           regions=regions, summary=summary, synthetic=synthetic,
                           seconds=inputs.seconds)


@pytest.fixture(scope="module")
def sections(policy_inputs):
    from pairaid.report.sections_policy import policy_section

    return {lang: policy_section(policy_inputs, lang) for lang in ("en", "zh")}


def _json(*args) -> dict:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _numbers(found, key: str) -> dict[str, float]:
    made = next(f for f in found if f.key == key)
    return {name: number.value for name, number in made.numbers}


def _prose(section) -> list[str]:
    paragraphs = list(section.reading)
    for chart in section.charts:
        paragraphs += chart.reading
    return [str(p.text) for p in paragraphs]


def test_the_section_exists_in_both_languages_with_the_same_numbers(sections):
    en, zh = sections["en"], sections["zh"]
    assert en.id == zh.id == "policy"
    assert en.title.startswith("Rules and alternatives") and "规则" in zh.title
    assert [c.id for c in en.charts] == [c.id for c in zh.charts] == [
        "obligation_band", "pairing_support", "pairing_map", "scenario_fan"]
    stated = {}
    for lang, section in sections.items():
        prose = _prose(section)
        found: Counter = Counter()
        for text in prose:
            found.update(float(v) for v in _SPAN.findall(text))
            bare = _BARE.findall(re.sub(r"<[^>]+>", "", unescape(
                re.sub(r"<code>.*?</code>", "", _SPAN.sub("", text)))))
            assert not bare, (lang, bare, text)
        stated[lang] = found
    assert stated["en"] == stated["zh"]
    keys = [[p.key for p in section.reading] + [p.key for c in section.charts for p in c.reading]
            for section in sections.values()]
    assert keys[0] == keys[1]
    assert {"policy.compliance", "policy.growth", "policy.match", "policy.scenario",
            "policy.scenario_capped"} <= set(keys[0])


def test_compliance_equals_the_plan_compliance_command(policy_inputs, report_demo_db):
    command = _json("plan", "compliance", "--rule", "xinjiang_2010", "--db", str(report_demo_db),
                    "--json")
    rows = pd.DataFrame(command["by_year"])
    recorded = rows[rows["recorded_yuan"].notna()]
    said = _numbers(policy_inputs.findings["policy"], "policy.compliance")
    counts = command["status_counts"]
    assert said["below"] == counts["below"] and said["within"] == counts["within"]
    assert said["above"] == counts.get("above", 0)
    assert said["missing"] == counts["not_recorded"]
    assert said["n"] == len(recorded)
    assert said["owed_low"] == pytest.approx(recorded["low_yuan"].sum())
    assert said["owed_high"] == pytest.approx(recorded["high_yuan"].sum())
    assert said["got"] == pytest.approx(recorded["recorded_yuan"].sum())
    assert (said["share_low"], said["share_high"]) == (0.003, 0.006)
    growth = pd.DataFrame(command["growth_path"])
    path = _numbers(policy_inputs.findings["policy"], "policy.growth")
    assert path["met"] == (growth["ratio"] >= 1).sum() and path["n"] == len(growth)
    # the demo, as the README shows it
    assert (said["below"], said["within"], said["above"], said["missing"]) == (159, 9, 0, 12)


def test_scenario_equals_the_plan_scenario_command(policy_inputs, report_demo_db):
    command = _json("plan", "scenario", "taper_and_water", "--db", str(report_demo_db), "--json")
    last = command["path"][-1]
    said = _numbers(policy_inputs.findings["policy"], "policy.scenario")
    base = command["base_outcome"]
    assert said["change"] == pytest.approx(last["outcome"] / base - 1)
    assert said["lo"] == pytest.approx(last["low"] / base - 1)
    assert said["hi"] == pytest.approx(last["high"] / base - 1)
    assert said["left_out"] == command["counties_left_out"]
    assert said["last"] == last["year"] == 2029
    capped = next(f for f in policy_inputs.findings["policy"]
                  if f.key == "policy.scenario_capped")
    assert capped.verdict == ("flagged" if command["first_capped_year"] else "clean")


def test_match_equals_the_plan_match_command(policy_inputs, report_demo_db):
    """The report runs `plan match --node-limit 0` (the same answer every run): its findings and
    the map's donors per prefecture equal the command's JSON."""
    year = policy_inputs.policy.match_year
    assert year == 2020  # the rule's last year with recorded flows on the demo
    command = _json("plan", "match", "--rule", "xinjiang_2010", "--year", str(year),
                    "--node-limit", "0", "--db", str(report_demo_db), "--json")
    said = _numbers(policy_inputs.findings["policy"], "policy.match")
    current = command["equity"]["current (recorded flows)"]["gini_per_unit_of_need"]
    assert said["before"] == pytest.approx(current)
    assert said["n"] == len(command["assignment"])
    table = policy_inputs.policy.match.assignment
    assert said["changed"] == (table["donor"] != table["current_donor"]).sum()
    assert said["after"] < said["before"]
    assert said["after"] == pytest.approx(
        policy_inputs.policy.equity["optimal"]["gini_per_unit_of_need"])
    optimal = command["equity"]["optimal"]["gini_per_unit_of_need"]
    assert said["after"] == pytest.approx(optimal)  # deterministic: the command's own answer
    # the map: per prefecture, the optimal pairing's donors minus today's, counted from the JSON
    frame = pd.DataFrame(command["assignment"])
    by = frame.groupby("prefecture")
    change = by["donor"].nunique() - by["current_donor"].nunique()
    from pairaid.report.sections_policy import _donor_change

    drawn = _donor_change(policy_inputs.policy.match, {}).set_index("code")["value"]
    assert drawn.to_dict() == {str(k): int(v) for k, v in change.items()}
    prefectures = _numbers(policy_inputs.findings["policy"], "policy.prefecture_donors")
    assert prefectures["n"] == len(change)
    assert prefectures["fewer"] == (change < 0).sum() and prefectures["more"] == (change > 0).sum()


def test_charts_are_real_images_with_their_label(policy_inputs, sections, tmp_path):
    from PIL import Image

    from pairaid.report import charts as chartlib
    from pairaid.report.build import _draw, chart_footer

    (tmp_path / "charts").mkdir()
    for lang, section in sections.items():
        footer = chart_footer(policy_inputs, "f" * 64, lang)
        for chart in section.charts:
            drawn = _draw(chartlib, chart, lang, tmp_path, True, footer)
            svg = drawn["svg"]
            synthetic = "SYNTHETIC" if lang == "en" else "合成数据"
            assert synthetic in svg and "ffffffffffff" in svg, (lang, chart.id)
            assert ("current prices" if lang == "en" else "当年价格") in svg or \
                chart.id in ("scenario_fan", "pairing_map")  # a projection; counts of donors
            assert drawn["spec"]["title"]["text"] and len(drawn["description"]) > 15
            png = (tmp_path / "charts" / f"{chart.id}.png").read_bytes()
            image = Image.open(io.BytesIO(png))
            image.load()
            assert synthetic in image.info.get("Comment", "")
            pixels = np.asarray(image.convert("L"), dtype=float)
            assert pixels.shape[0] > 150 and pixels.std() > 10, chart.id
            assert not [k for k, _ in _walk(drawn["spec"]) if k == "url"]
    titles = {c.id: c.title("en") for c in sections["en"].charts}
    assert titles["obligation_band"] == ("Recorded flows fell below the obligation in 159 of "
                                         "168 donor-years")
    assert titles["pairing_support"].startswith("Another pairing could bring the Gini")


def test_chart_functions_validate_in_both_languages_and_take_a_message_title(sections):
    from pairaid.report import charts as chartlib
    from pairaid.report.chart_style import narrow

    for lang, section in sections.items():
        for chart in section.charts:
            options = {k: v for k, v in chart.options.items() if k != "title"}
            draw = getattr(chartlib, chart.kind)
            if chart.kind == "choropleth":  # its geometry and label ids come first
                draw = _bind_choropleth(chartlib, options)
            spec = chartlib.spec(draw(chart.frame, lang, title="A message", **options))
            assert spec["title"]["text"] == "A message" and spec["title"].get("subtitle")
            with narrow():
                phone = chartlib.spec(draw(chart.frame, lang, **options), validate=False)
            assert phone["config"]["axis"]["labelFontSize"] >= 12


def _bind_choropleth(chartlib, options: dict):
    features, what, unit = (options.pop(k) for k in ("features", "title_id", "unit"))
    return lambda frame, lang, **more: chartlib.choropleth(features, frame, what, unit, lang,
                                                           **more)


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def test_each_policy_reading_is_stated_once(sections):
    """Readings are picked by key prefix: a finding under another's prefix was printed twice
    (the map's donors-per-prefecture sentence also stood under the pairing strip chart)."""
    for section in sections.values():
        keys = [p.key for p in section.reading] + [p.key for c in section.charts
                                                   for p in c.reading]
        assert len(keys) == len(set(keys)), keys
