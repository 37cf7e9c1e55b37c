"""Charts of the report: each draws in English and Chinese, to SVG and to a non-blank PNG, with a
title, alt text, axis titles and inline data only; geometry and flow layout hold their sums."""

from __future__ import annotations

import io
import json
import re
import time

import numpy as np
import pandas as pd
import pytest

from pairaid.report import charts
from pairaid.report.chart_style import ChartInputError
from pairaid.report.charts_programme import _flow_layout
from pairaid.report.geo import WKTError, parse_wkt, prefecture_features

DIGITS = np.arange(1, 10)


def _choropleth(df, lang):
    return charts.choropleth(prefecture_features(), df, "choropleth.funds_per_capita",
                             "unit.per_capita", lang)


#: name → (function taking (frame, lang), frame). Small frames, shaped like the analyses' output.
CASES = {
    "funds_by_year": (charts.funds_by_year, pd.DataFrame({
        "year": [2011, 2011, 2012, 2012, 2013],
        "kind": ["commitment", "disbursement", "commitment", "disbursement", "disbursement"],
        "amount": [9.1e9, 8.0e9, 1.2e10, 1.1e10, 1.3e10]})),
    "rounds_timeline": (charts.rounds_timeline, pd.DataFrame({
        "donor": ["Beijing", "Beijing", "Shanghai", "Guangdong"],
        "recipient": ["Hotan County", "Moyu County", "Bachu County", "Kashgar City"],
        "round": [1997, 2010, 2010, 2010], "start_year": [1997, 2010, 2010, 2011],
        "end_year": [2009, None, None, 2020]})),
    "pairing_flows": (charts.pairing_flows, pd.DataFrame({
        "donor": ["北京市", "北京市", "上海市", "广东省", "广东省"],
        "recipient": ["和田地区", "第十四师", "喀什地区", "喀什地区", "第三师"],
        "amount": [3e9, 1e9, 4e9, 3.5e9, 0.8e9]})),
    "choropleth": (_choropleth, pd.DataFrame({
        "code": ["653200", "653100", "650100"], "name": ["Hotan", "Kashgar", "Urumqi"],
        "value": [2100.0, 1800.5, np.nan]})),
    "rank_intervals": (charts.rank_intervals, pd.DataFrame({
        "unit": ["A", "B", "C"], "median_rank": [2, 1, 3], "rank_low": [1, 1, 2],
        "rank_high": [3, 2, 3]})),
    "coefficient_plot": (charts.coefficient_plot, pd.DataFrame({
        "label": ["log funds", "log funds × minority"], "estimate": [0.12, -0.03],
        "conf_low": [0.05, -0.1], "conf_high": [0.19, 0.04]})),
    "event_study_plot": (charts.event_study_plot, pd.DataFrame({
        "event_time": [-3, -2, -1, 0, 1, 2] * 2,
        "estimate": [0.01, -0.02, 0, 0.1, 0.15, 0.2] * 2,
        "conf_low": [-0.05, -0.08, 0, 0.02, 0.05, 0.08] * 2,
        "conf_high": [0.07, 0.04, 0, 0.18, 0.25, 0.32] * 2,
        "estimator": ["cs"] * 6 + ["sa"] * 6})),
    "dose_response_plot": (charts.dose_response_plot, pd.DataFrame({
        "dose_bin": ["low", "mid", "high"], "dose_low": [0, 1000, 3000],
        "dose_high": [1000, 3000, 6000], "estimate": [0.02, 0.05, 0.04],
        "conf_low": [-0.01, 0.01, -0.02], "conf_high": [0.05, 0.09, 0.1]})),
    "synthetic_control_plot": (lambda df, lang: charts.synthetic_control_plot(df, 2010, lang),
                               pd.DataFrame({"time": range(2005, 2016),
                                             "actual": np.linspace(10, 20, 11),
                                             "counterfactual": np.linspace(10, 17, 11)})),
    "lorenz_curves": (charts.lorenz_curves, pd.DataFrame({
        "curve": ["funds (Lorenz)"] * 4 + ["funds by income rank (concentration)"] * 4,
        "population_share": [0, 0.3, 0.7, 1] * 2,
        "cumulative_share": [0, 0.1, 0.45, 1, 0, 0.35, 0.8, 1]})),
    "theil_decomposition": (charts.theil_decomposition, pd.DataFrame({
        "year": [2012, 2012, 2013, 2013], "component": ["between", "within"] * 2,
        "value": [0.05, 0.12, 0.04, 0.11]})),
    "group_bars": (charts.group_bars, pd.DataFrame({
        "group": ["minority majority", "mixed", "small"], "value": [1200.0, 900.0, 777.25],
        "suppressed": [False, False, True]})),
    "dependence_lines": (charts.dependence_lines, pd.DataFrame({
        "year": [2012, 2013, 2014] * 2, "series": ["Hotan"] * 3 + ["Kashgar"] * 3,
        "value": [0.2, 0.25, 0.3, 0.1, 0.12, 0.15]})),
    "decoupling_scatter": (charts.decoupling_scatter, pd.DataFrame({
        "unit": ["A", "B", "C", "D"], "gdp_growth": [0.1, 0.2, -0.05, 0.0],
        "pressure_growth": [-0.02, 0.22, -0.1, 0.05],
        "state": ["strong decoupling", "expansive coupling", "recessive decoupling",
                  "no output change"]})),
    "benford_bars": (charts.benford_bars, pd.DataFrame({
        "digit": DIGITS, "observed": [30, 18, 12, 10, 8, 7, 6, 5, 4],
        "expected": np.log10(1 + 1 / DIGITS)})),
    "audit_counts": (charts.audit_counts, pd.DataFrame({
        "check": ["duplicate payments", "round amounts", "late reporting"],
        "count": [3, 12, 0]})),
    "group_bars_with_population": (charts.group_bars, pd.DataFrame({
        "group": ["0-25 %", "25-50 %", "50-100 %"], "value": [0.2, 0.3, 0.5],
        "population": [0.3, 0.3, 0.4], "suppressed": [False, True, False]})),
    "cost_per_output": (charts.cost_per_output, pd.DataFrame({
        "output": ["road km (km, 21020)", "classrooms (count, 11120)",
                   "farmers trained (persons, 31120)"],
        "median_cost": [1.6e6, 3.5e5, 2.0e3], "projects": [2344, 3612, 1281],
        "flagged": [1, 0, 3]})),
}
NO_AXES = {"pairing_flows", "choropleth"}  # drawn in pixels / on a projection


def _walk(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,), value
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, path)


def _axis_titles(spec: dict, channel: str) -> list[str]:
    return [v["title"] for p, v in _walk(spec) if p[-2:] == ("encoding", channel)
            and isinstance(v, dict) and isinstance(v.get("title"), str) and v["title"]]


@pytest.fixture(scope="module")
def timings() -> dict:
    found: dict = {}
    yield found
    if found:  # printed with -s; the report quotes these
        print("\nrender seconds (svg, png):",
              json.dumps({k: [round(a, 3), round(b, 3)] for k, (a, b) in found.items()}))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(CASES))
def test_chart_renders_with_title_alt_text_axes_and_inline_data(name, lang, timings):
    draw, frame = CASES[name]
    chart = draw(frame.copy(), lang)
    spec = charts.spec(chart)
    assert spec["title"]["text"]
    assert len(spec["description"]) > 15
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", spec["title"]["text"] + spec["description"])
    assert not [p for p, _ in _walk(spec) if p[-1] == "url"]
    assert any(p[-1] == "tooltip" for p, _ in _walk(spec))
    if name not in NO_AXES:
        assert _axis_titles(spec, "x") and _axis_titles(spec, "y")
    start = time.perf_counter()
    svg = charts.render_svg(chart)
    middle = time.perf_counter()
    png = charts.render_png(chart, scale=1, svg=svg)
    timings[f"{name}/{lang}"] = (middle - start, time.perf_counter() - middle)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert svg.count('role="graphics-symbol"') + svg.count("<path") >= 3
    assert spec["title"]["text"].split()[0] in svg
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    assert pixels.shape[0] > 100 and pixels.shape[1] > 200
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.005  # marks and text, not blank


def test_missing_column_is_named():
    with pytest.raises(ChartInputError, match="amount"):
        charts.funds_by_year(pd.DataFrame({"year": [2012], "kind": ["disbursement"]}))
    with pytest.raises(ChartInputError, match="no rows"):
        charts.audit_counts(pd.DataFrame({"check": [], "count": []}))


def test_suppressed_value_never_reaches_the_page():
    spec = json.dumps(charts.spec(charts.group_bars(CASES["group_bars"][1])))
    assert "777" not in spec and "(suppressed)" in spec


def test_event_study_marks_zero_and_the_pre_post_split():
    spec = charts.spec(CASES["event_study_plot"][0](CASES["event_study_plot"][1], "en"))
    rules = [v for p, v in _walk(spec) if p[-1] == "values" and v and set(v[0]) == {"at"}]
    assert rules == [[{"at": -0.5}]]
    assert [v for p, v in _walk(spec) if p[-1] == "values" and v == [{"zero": 0.0}]]


def test_decoupling_lines_have_slopes_of_the_tapio_boundaries():
    spec = charts.spec(CASES["decoupling_scatter"][0](CASES["decoupling_scatter"][1]))
    lines = next(v for p, v in _walk(spec) if p[-1] == "values" and v and "e" in v[0]
                 and len(v) == 4)
    for row in lines:
        assert row["y"] == pytest.approx(float(row["e"].split("= ")[1]) * row["x"])


def test_funds_are_drawn_in_the_display_unit():
    spec = json.dumps(charts.spec(charts.funds_by_year(CASES["funds_by_year"][1], "zh")),
                      ensure_ascii=False, separators=(",", ":"))
    assert "金额（亿元）" in spec and '"shown":91.0' in spec and "91.0亿元" in spec


def test_flow_layout_widths_are_proportional_and_stack_inside_nodes():
    table = CASES["pairing_flows"][1]
    left, right, links = _flow_layout(table, height=400.0, gap=4.0, slot=60.0)
    k = links["w"].sum() / links["amount"].sum()
    assert np.allclose(links["w"], links["amount"] * k)
    for nodes, key, end in ((left, "donor", "y0"), (right, "recipient", "y1")):
        for node in nodes.itertuples():
            mine = links[links[key] == node.name]
            assert node.bottom - node.top == pytest.approx(mine["w"].sum())
            assert (mine[end] - mine["w"] / 2).min() == pytest.approx(node.top)
    for nodes in (left, right):
        middle = ((nodes["top"] + nodes["bottom"]) / 2).to_numpy()
        assert np.diff(middle).min() >= 60.0 - 1e-6  # every label has its room
        assert nodes["top"].min() >= -1e-6 and nodes["bottom"].max() <= 400 + 1e-6


def test_prefecture_geojson_is_small_closed_and_wound_for_d3():
    features = prefecture_features()
    assert len(features["features"]) == 24
    size = len(json.dumps(features, ensure_ascii=False, separators=(",", ":")).encode())
    assert size < 60_000
    for feature in features["features"]:
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        for polygon in polygons:
            for k, ring in enumerate(polygon):
                ring = np.asarray(ring)
                assert len(ring) >= 4 and (ring[0] == ring[-1]).all()
                area = 0.5 * (ring[:-1, 0] @ ring[1:, 1] - ring[1:, 0] @ ring[:-1, 1])
                assert (area < 0) == (k == 0)  # exterior clockwise, holes anticlockwise
                assert 73 < ring[:, 0].min() and ring[:, 0].max() < 97
                assert 34 < ring[:, 1].min() and ring[:, 1].max() < 50


def test_wkt_parser_reads_multipolygons_with_holes_and_rejects_other_geometries():
    polygons = parse_wkt("MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1)),"
                         "((5 5,6 5,6 6,5 5)))")
    assert [len(p) for p in polygons] == [2, 1] and polygons[0][1].shape == (4, 2)
    with pytest.raises(WKTError, match="POINT"):
        parse_wkt("POINT(1 2)")


def test_embed_script_cannot_close_its_script_element():
    frame = pd.DataFrame({"check": ["</script><b>x"], "count": [1]})
    script = charts.embed_script(charts.audit_counts(frame), "chart-audit")
    assert "</script" not in script and script.startswith('window.vegaEmbed("#chart-audit"')


def test_alt_text_is_the_description():
    chart = charts.audit_counts(CASES["audit_counts"][1])
    assert charts.alt_text(chart).startswith("Bar chart of audit findings for 3 checks")


def test_png_straight_from_the_spec_matches_the_one_from_the_svg():
    chart = CASES["dependence_lines"][0](CASES["dependence_lines"][1], "zh")
    from PIL import Image

    direct = Image.open(io.BytesIO(charts.render_png(chart, scale=1)))
    via_svg = Image.open(io.BytesIO(charts.render_png(chart, scale=1,
                                                      svg=charts.render_svg(chart))))
    assert direct.size == via_svg.size
    difference = np.abs(np.asarray(direct.convert("L"), float)
                        - np.asarray(via_svg.convert("L"), float))
    assert difference.mean() < 1.0


# -- issue 10 part B: message titles, subtitles, footer, narrow versions, fixed charts ----------
@pytest.mark.parametrize("name", list(CASES))
def test_every_chart_takes_a_message_title_and_has_a_subtitle(name):
    draw, frame = CASES[name]
    import inspect

    function = draw if not getattr(draw, "__name__", "") == "<lambda>" else None
    if function is None or "title" not in inspect.signature(function).parameters:
        # the lambdas wrap a builder: call it directly with a title
        target = {"synthetic_control_plot": lambda df, lang, **kw: charts.synthetic_control_plot(
                      df, 2010, lang, **kw)}.get(name)
        if target is None and name == "choropleth":
            target = lambda df, lang, **kw: charts.choropleth(  # noqa: E731
                prefecture_features(), df, "choropleth.funds_per_capita", "unit.per_capita",
                lang, **kw)
        function = target
    plain = charts.spec(function(frame.copy(), "en"), validate=False)
    assert plain["title"].get("subtitle"), name  # the measure and its unit by default
    message = charts.spec(function(frame.copy(), "en", title="Funds rose fourfold",
                                   subtitle="CNY, per year"), validate=False)
    assert message["title"]["text"] == "Funds rose fourfold"
    assert message["title"]["subtitle"] == "CNY, per year"


def test_footer_is_drawn_below_the_chart_in_svg_and_png():
    chart = charts.spec(CASES["funds_by_year"][0](CASES["funds_by_year"][1].copy(), "en"))
    wrapped = charts.with_footer(chart, ["Source: ledger abc", "Prices: CNY, nominal",
                                         "SYNTHETIC demo data, not facts"], "Arial")
    assert wrapped["title"] == chart["title"] and wrapped["description"] == chart["description"]
    assert len(wrapped["vconcat"]) == 2
    svg = charts.render_svg(wrapped)
    assert "SYNTHETIC demo data, not facts" in svg and "Source: ledger abc" in svg
    png = charts.png_with_text(charts.render_png(None, svg=svg), {"Comment": "SYNTHETIC 合成数据"})
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.info.get("Comment") == "SYNTHETIC 合成数据"
    # the footer lines wrap within the plot width
    lines = charts.footer_lines(["a" * 40, "b" * 40, "c" * 40], 300)
    assert len(lines) >= 2 and all(len(line) <= 300 / 5.6 + 1 for line in lines)


def test_narrow_versions_are_narrower_with_larger_text():
    from pairaid.report.chart_style import narrow

    for name, (draw, frame) in CASES.items():
        wide = charts.spec(draw(frame.copy(), "en"), validate=False)
        with narrow():
            phone = charts.spec(draw(frame.copy(), "en"), validate=False)
        if isinstance(wide.get("width"), (int, float)):
            assert phone["width"] < wide["width"], name
        assert phone["config"]["axis"]["labelFontSize"] >= 12, name
        assert phone["config"]["axis"]["labelLimit"] == 0  # never truncated


def test_decoupling_axes_follow_the_points_and_the_legend_lists_states_that_occur():
    frame = pd.DataFrame({"unit": ["A", "B", "C"], "output_change": [0.08, -0.19, 0.02],
                          "pressure_change": [-0.05, 0.03, 0.04],
                          "state": ["strong decoupling", "strong negative decoupling",
                                    "expansive negative decoupling"]})
    spec = charts.spec(charts.decoupling_scatter(frame, "en", prices="CNY, constant 2008"))
    scales = [v for p, v in _walk(spec) if p[-1] == "scale" and isinstance(v, dict)
              and "domain" in v and isinstance(v["domain"], list)
              and all(isinstance(x, float) for x in v["domain"])]
    x_domain = scales[0]["domain"]
    assert -0.25 < x_domain[0] < -0.19 and 0.08 < x_domain[1] < 0.1  # not −200 %..+800 %
    colour = [v for p, v in _walk(spec) if p[-2:] == ("color", "scale")][0]
    assert colour["domain"] == ["Strong decoupling", "Expansive negative decoupling",
                                "Strong negative decoupling"]
    assert "constant 2008" in " ".join(spec["title"]["subtitle"]
                                       if isinstance(spec["title"]["subtitle"], list)
                                       else [spec["title"]["subtitle"]])


def test_map_draws_corps_divisions_as_points_and_counts_the_table_rows():
    frame = pd.DataFrame({"code": ["653200", "653100", "659000", "XPCC01", "XPCC14", "ZZ"],
                          "name": ["Hotan", "Kashgar", "Cities", "1st Div", "14th Div", "?"],
                          "value": [2100.0, 1800.5, 900.0, np.nan, np.nan, np.nan],
                          "total": [1e9, 2e9, 5e8, 3e8, 1e8, np.nan]})
    spec = charts.spec(charts.choropleth(prefecture_features(), frame,
                                         "choropleth.funds_per_capita", "unit.per_capita",
                                         "en", year=2024), validate=False)
    assert "2024" in json.dumps(spec["title"]["subtitle"])
    assert "Map of 6 units" in spec["description"]
    # the parts add up to the rows: 3 areas + 2 points + 0 without a value + 1 without a place
    assert ("3 drawn as areas (0 of them without a value), 2 corps divisions as points at their "
            "seat; not drawn: 0 without a value, 1 without a place") in spec["description"]
    text = json.dumps(spec, ensure_ascii=False)
    assert '"Hotan"' in text and '"Kashgar"' in text  # place labels
    # the county-level cities under the region are drawn as their members' areas
    assert "Cities (Shihezi City)" in text


def test_map_shows_a_division_with_zero_funds_and_its_seat_is_not_no_data():
    """A corps division that received nothing that year is a point (a recorded zero), not
    left off; the corps city that seats a drawn division is not "no data"."""
    frame = pd.DataFrame({"code": ["653100", "XPCC01", "XPCC11", "XPCC02"],
                          "name": ["Kashgar", "1st Div", "11th Div", "2nd Div"],
                          "value": [1800.5, np.nan, np.nan, np.nan],
                          "total": [2e9, 3e8, 0.0, np.nan]})
    spec = charts.spec(charts.choropleth(prefecture_features(), frame,
                                         "choropleth.funds_per_capita", "unit.per_capita",
                                         "en", year=2024), validate=False)
    assert ("1 drawn as areas (0 of them without a value), 2 corps divisions as points at their "
            "seat; not drawn: 1 without a value, 0 without a place") in spec["description"]
    text = json.dumps(spec, ensure_ascii=False)
    shapes = [f for p, v in _walk(spec) if p and p[-1] == "values" and isinstance(v, list)
              for f in v if isinstance(f, dict) and f.get("type") == "Feature"]
    seat = next(f for f in shapes if f["properties"]["code"] == "659002")  # Alar: XPCC01
    assert seat["properties"]["value_text"] == "Corps city: see its division's dot"
    other = next(f for f in shapes if f["properties"]["code"] == "659003")  # Tumxuk: XPCC03
    assert other["properties"]["value_text"] == "No data"
    assert '"11th Div"' in text


def test_dose_response_bins_over_a_factor_of_ten_are_drawn_on_a_log_axis():
    """An open-ended top bin (1,100 to 9,400 CNY in the demo) squeezed every other bin into
    the first tenth of a linear axis."""
    wide = pd.DataFrame({"dose_bin": ["0", "1", "2", "3"], "dose_low": [0.0, 120.0, 340.0, 1100.0],
                         "dose_high": [0.0, 330.0, 1090.0, 9400.0],
                         "estimate": [np.nan, -0.2, 0.1, 0.5], "conf_low": [np.nan, -0.3, 0.0, 0.4],
                         "conf_high": [np.nan, -0.1, 0.2, 0.6]})
    spec = charts.spec(charts.dose_response_plot(wide, "en"))
    scales = [v.get("scale", {}).get("type") for p, v in _walk(spec)
              if p[-2:] == ("encoding", "x") and isinstance(v, dict)]
    assert "log" in scales and "log scale" in json.dumps(spec["layer"])
    rows = [r for p, v in _walk(spec) if p[-1:] == ("values",) and isinstance(v, list)
            for r in v if isinstance(r, dict) and "dose_low" in r]
    assert rows and all(r["dose_low"] > 0 for r in rows)  # zero has no place on a log axis
    narrow_range = wide.iloc[1:3].assign(dose_high=[330.0, 900.0])
    spec = charts.spec(charts.dose_response_plot(narrow_range, "en"))
    assert "log" not in [v.get("scale", {}).get("type") for p, v in _walk(spec)
                         if p[-2:] == ("encoding", "x") and isinstance(v, dict)]


def test_phone_flow_diagram_has_short_names_and_room_for_its_links():
    """At phone width the full recipient names ("Kizilsu Kirghiz Autonomous Prefecture") were
    wider than the plot: the two label columns overlapped and the links vanished."""
    from pairaid.report.chart_style import narrow
    from pairaid.report.charts_programme import flow_label

    assert flow_label("Kizilsu Kirghiz Autonomous Prefecture", "en") == "Kizilsu"
    assert flow_label("XPCC 3rd Division", "en") == "XPCC 3rd"
    assert flow_label("新疆生产建设兵团第三师", "zh") == "兵团第三师"
    assert flow_label("克孜勒苏柯尔克孜自治州", "zh") == "克孜勒苏"
    frame = pd.DataFrame({"donor": ["Guangdong", "Heilongjiang"],
                          "recipient": ["Kizilsu Kirghiz Autonomous Prefecture",
                                        "XPCC 3rd Division"], "amount": [5e9, 1e9]})
    with narrow():
        spec = charts.spec(charts.pairing_flows(frame, "en"), validate=False)
    nodes = [r for p, v in _walk(spec) if p[-1:] == ("values",) and isinstance(v, list)
             for r in v if isinstance(r, dict) and "side" in r]
    left = max(r["x2"] for r in nodes if r["side"] == "l")
    right = min(r["x"] for r in nodes if r["side"] == "r")
    assert right - left > 80, (left, right)  # the links have room between the two columns
    assert {r["label"] for r in nodes if r["side"] == "r"} == {"Kizilsu", "XPCC 3rd"}
