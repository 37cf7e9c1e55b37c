"""What the report build was made faster with gives the same answers: the batched swap scores of
the pairing search equal the objective's change swap by swap, and chart rows shared between
Altair's copies leave every spec as Altair would write it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from pairaid.policy.local_search import PairingArrays, _State


@st.composite
def states(draw):
    """A pairing problem in array form with a feasible assignment (recipient → donor)."""
    D = draw(st.integers(2, 5))
    R = draw(st.integers(2, 12))
    P = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    capacity = rng.random(D) + 0.05
    share = rng.random(R) + 0.05
    change = (rng.random((R, D)) < 0.5).astype(float)
    assignment = rng.integers(0, D, size=R)
    limit = np.maximum(np.bincount(assignment, minlength=D), 1)
    arrays = PairingArrays(capacity / capacity.sum(), share / share.sum(), limit,
                           rng.integers(0, P, size=R), change,
                           draw(st.sampled_from([0.0, 0.1, 1.0])) / R,
                           draw(st.sampled_from([0.0, 0.05, 0.5])) / R, P)
    return arrays, assignment


@settings(max_examples=60, deadline=None)
@given(states())
def test_batched_swap_scores_are_the_objective_change_and_the_best(problem):
    arrays, assignment = problem
    state = _State(arrays, assignment)
    D = len(arrays.capacity)
    members = [np.flatnonzero(state.asg == d) for d in range(D)]
    pairs = [(d, e) for d in range(D) for e in range(d + 1, D)
             if len(members[d]) and len(members[e])]
    found = state.best_swaps(pairs, members)
    assert set(found) == set(pairs)
    before = arrays.objective(state.asg)
    for (d, e), (score, r, s) in found.items():
        assert r in members[d] and s in members[e]
        changes = {}
        for rr in members[d]:
            for sss in members[e]:
                swapped = state.asg.copy()
                swapped[rr], swapped[sss] = e, d
                changes[rr, sss] = arrays.objective(swapped) - before
        assert score == pytest.approx(changes[r, s], abs=1e-12)
        assert score <= min(changes.values()) + 1e-12


def test_no_pairs_no_swaps():
    arrays = PairingArrays(np.array([0.5, 0.5]), np.array([1.0]), np.array([1, 1]),
                           np.array([0]), np.zeros((1, 2)), 0.0, 0.0, 1)
    assert _State(arrays, np.array([0])).best_swaps([], [np.array([0]), np.array([])]) == {}


def test_shared_rows_leave_the_spec_as_altair_writes_it():
    """A layered chart with a parameter, built from InlineRows and from alt.Data, gives the
    same spec (data, view names hashed from the data's text, datasets) with and without
    validation, and a copy still shares the rows rather than duplicating them."""
    import altair as alt

    from pairaid.report.chart_style import InlineRows

    rows = pd.DataFrame({"x": [1.0, 2.5, None], "y": [3, 4, 5], "name": ["a", "乙", "c"]})
    records = rows.to_dict(orient="records")

    def chart(data):
        hover = alt.selection_point(on="pointerover", fields=["name"])
        base = alt.Chart(data)
        return alt.layer(base.mark_point().encode(x="x:Q", y="y:Q").add_params(hover),
                         base.mark_text().encode(x="x:Q", y="y:Q", text="name:N")) \
            .properties(width=200, title="t").configure_view(stroke=None)

    import json

    shared, plain = InlineRows(values=records), alt.Data(values=records)
    for validate in (False, True):
        assert chart(shared).to_dict(validate=validate) == chart(plain).to_dict(validate=validate)
    assert json.dumps(chart(shared).to_dict(), sort_keys=True) == \
        json.dumps(chart(plain).to_dict(), sort_keys=True)
    copied = alt.Chart(shared).mark_point().copy(deep=True)
    assert copied.data is not shared and copied.data.values is records
    assert repr(shared) == repr(plain)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rm_interval_from_the_grid_edges_is_the_whole_union(seed):
    """The Δ^RM interval, found by testing each polyhedron from the grid's ends inwards only
    beyond the edges found so far, is the smallest and largest value of the whole accepted
    union (every grid point tested), for event paths with and without a pre-trend."""
    from pairaid.evaluate.honest_rm import accepted_rm, confidence_interval_rm

    rng = np.random.default_rng(seed)
    n_pre, n_post = 3, 3
    root = rng.normal(size=(n_pre + n_post, n_pre + n_post)) * 0.02
    sigma = root @ root.T + np.eye(n_pre + n_post) * 1e-4
    beta = rng.normal(0, 0.02, n_pre + n_post) + np.r_[np.zeros(n_pre), 0.05, 0.06, 0.07] \
        + (np.r_[-0.03, -0.02, -0.01, 0, 0, 0] if seed == 2 else 0)
    for mbar in (0.0, 0.5, 2.0):
        grid, accepted = accepted_rm(beta, sigma, n_pre, n_post, mbar)
        found = confidence_interval_rm(beta, sigma, n_pre, n_post, mbar)
        if accepted.any():
            assert (found.low, found.high) == (grid[accepted].min(), grid[accepted].max())
        else:
            assert np.isnan(found.low) and np.isnan(found.high)


def test_price_basis_only_on_charts_that_show_money():
    """The index map, the pairing map and the other charts without money carry the source and
    the synthetic label but no price basis; a money chart carries the report's, a chart in its
    own prices its own."""
    from pairaid.report.build import ChartFooter, chart_footer_parts
    from pairaid.report.model import WITHOUT_MONEY, Chart

    footer = ChartFooter(("Source: pairaid ledger abc", "Prices: CNY, nominal (current) prices",
                          "SYNTHETIC demo data, not facts"), "sans-serif")
    empty = pd.DataFrame()
    assert chart_footer_parts(Chart("map_index", "choropleth", empty), "en", footer) == \
        ["Source: pairaid ledger abc", "SYNTHETIC demo data, not facts"]
    assert chart_footer_parts(Chart("pairing_map", "choropleth", empty), "en", footer)[1:] == \
        ["SYNTHETIC demo data, not facts"]
    assert chart_footer_parts(Chart("map_funds", "choropleth", empty), "en", footer) == \
        list(footer.parts)
    own = chart_footer_parts(Chart("scenario_fan", "scenario_fan", empty,
                                   {"prices": "CNY, 2019 prices"}), "en", footer)
    assert own[1].endswith("CNY, 2019 prices") and len(own) == 3
    assert {"map_index", "pairing_map"} <= WITHOUT_MONEY and "map_funds" not in WITHOUT_MONEY


def test_a_table_of_prose_is_stacked_on_phones():
    """The data-gaps table (three columns of sentences) is read row by row on a phone, as a
    table of more than three columns is; a short three-column table of figures is not."""
    import re

    from pairaid.report.model import Section, Table
    from pairaid.report.page import render_page

    def table(id_, stack):
        return Table(id_, ["Indicator", "Missing", "Who could publish"],
                     [[("rural income", None), ("3 / 84", 3), ("the statistics bureau", None)]],
                     pd.DataFrame({"a": [1]}), stack=stack)

    html = render_page(sections=[Section("gaps", "Data gaps", [],
                                         tables=[table("gaps", True), table("plain", False)])],
                       charts={}, lang="en", title="t", subtitle="s", synthetic=False,
                       banner="", vega="", generated="now", version="0", ledger_hash="0" * 64)
    assert re.search(r'class="table-wrap stacks"><table id="table-gaps"', html)
    assert re.search(r'class="table-wrap"><table id="table-plain"', html)
    assert 'data-label="Who could publish"' in html


def _dense_grouped_sum(frame, keys, value):
    """grouped_sum as it was: one bincount over every key combination (the reference)."""
    codes, levels = [], []
    for key in keys:
        column = frame[key]
        if column.dtype.kind in "iu":
            low = int(column.min())
            codes.append(column.to_numpy() - low)
            levels.append(np.arange(low, int(column.max()) + 1).astype(object))
            continue
        categorical = pd.Categorical(column)
        codes.append(np.where(categorical.codes < 0, len(categorical.categories),
                              categorical.codes))
        levels.append(np.append(np.asarray(categorical.categories, dtype=object), None))
    dims = tuple(len(level) for level in levels)
    flat = np.ravel_multi_index(codes, dims)
    totals = np.bincount(flat, weights=frame[value].to_numpy(dtype=float),
                         minlength=int(np.prod(dims)))
    present = np.flatnonzero(np.bincount(flat, minlength=int(np.prod(dims))))
    out = pd.DataFrame({k: lv[p] for k, lv, p in zip(keys, levels,
                                                     np.unravel_index(present, dims))})
    for key in keys:
        if frame[key].dtype.kind in "iu":
            out[key] = out[key].astype(np.int64)
    out[value] = totals[present]
    return out


@pytest.mark.parametrize("rows", [50, 3000])
def test_grouped_sum_over_a_sparse_key_space_equals_the_dense_one(rows):
    """Few flows over many key combinations (the demo's: ~20 million cells for 24,000 flows)
    take the sparse path; its groups, their order and their sums (bit for bit) are the dense
    bincount's, missing keys included."""
    from pairaid.panel import grouped_sum

    rng = np.random.default_rng(rows)
    recipients = [f"R{i:03d}" for i in range(90)]
    frame = pd.DataFrame({
        "recipient": pd.Categorical(rng.choice(recipients, rows)),
        "unit": pd.Categorical(rng.choice(recipients + [None], rows)),
        "year": rng.integers(2008, 2025, rows),
        "kind": pd.Categorical(rng.choice(["disbursement", "commitment", "pledge"], rows)),
        "category": pd.Categorical(rng.choice([f"S{i}" for i in range(12)] + [None], rows)),
        "amount": rng.lognormal(10, 2, rows)})
    keys = ["recipient", "unit", "year", "kind", "category"]
    found, expected = grouped_sum(frame, keys, "amount"), _dense_grouped_sum(frame, keys, "amount")
    pd.testing.assert_frame_equal(found, expected, check_exact=True)
    assert 90 * 91 * 17 * 4 * 13 > max(4 * rows, 1 << 16)  # so the sparse path was taken


def _charts_to_draw():
    """Specs as the report hands them over: a heat map (a gradient legend), bars with Chinese
    text and lines with a NaN in their rows, with footers, and the heat map again."""
    from pairaid.report import charts as chartlib

    bars = chartlib.funds_by_year(pd.DataFrame({"year": [2012, 2013, 2014],
                                                "kind": ["disbursement"] * 3,
                                                "amount": [1.5e9, 2.25e9, 3.0e9]}), "zh")
    lines = chartlib.dependence_lines(pd.DataFrame({
        "year": [2012, 2013, 2012, 2013], "series": ["A", "A", "B", "B"],
        "value": [0.4, 0.35, 0.6, float("nan")]}), "en")
    heat = {"data": {"values": [{"x": i, "y": i % 3, "v": i * 0.5} for i in range(9)]},
            "mark": "rect", "encoding": {"x": {"field": "x", "type": "ordinal"},
                                         "y": {"field": "y", "type": "ordinal"},
                                         "color": {"field": "v", "type": "quantitative"}}}
    return {"heat": heat,
            "bars_zh": chartlib.with_footer(chartlib.spec(bars, validate=False),
                                            ["来源：账本", "合成数据"], "Noto Sans CJK SC"),
            "lines": chartlib.with_footer(chartlib.spec(lines, validate=False),
                                          ["Source: ledger", "SYNTHETIC"], "Liberation Sans"),
            "heat_again": heat}


def test_the_drawing_process_writes_the_files_drawn_in_process(tmp_path):
    """Charts drawn by the report's drawing process are those drawn in the report's own
    process: SVG (but the numbers of gradient and clip ids, which run on through a V8 runtime:
    in the drawing process the first gradient is gradient_0 and the next chart's ids differ),
    PNG byte for byte with its text chunks; without a PNG path only the SVG is written."""
    import re

    from pairaid.report import charts as chartlib
    from pairaid.report.drawing import Drawer
    from pairaid.report.raster import write_chart_files

    specs = _charts_to_draw()
    texts = {"Source": "ledger", "Comment": "SYNTHETIC 合成数据"}
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    with Drawer(chartlib.vl_version()) as drawer:
        for name, spec in specs.items():
            drawer.submit(name, spec, there / f"{name}.svg", there / f"{name}.png", texts)
        drawer.submit("svg_only", specs["lines"], there / "svg_only.svg", None, texts)
        drawer.finish()
    def numbered_apart(svg: bytes) -> bytes:
        # this test process's V8 may have drawn gradients and clips before (other tests)
        return re.sub(rb"(gradient_|clip)\d+", rb"\1#", svg)

    for name, spec in specs.items():
        write_chart_files(spec, chartlib.vl_version(), here / f"{name}.svg", here / f"{name}.png",
                          texts)
        assert numbered_apart((here / f"{name}.svg").read_bytes()) == \
            numbered_apart((there / f"{name}.svg").read_bytes()), name
        assert (here / f"{name}.png").read_bytes() == (there / f"{name}.png").read_bytes(), name
    assert b"SYNTHETIC" in (there / "bars_zh.png").read_bytes()
    assert (there / "svg_only.svg").read_bytes().count(b"<path") == \
        (here / "lines.svg").read_bytes().count(b"<path")
    assert not (there / "svg_only.png").exists()
    gradients = [set(re.findall(r'id="(gradient_\d+)"', (there / f"{n}.svg").read_text("utf-8")))
                 for n in ("heat", "heat_again")]
    # the warm-up draws no gradient: the first map of a report is gradient_0, as in the
    # report's own process; the next one's ids run on
    assert gradients[0] == {"gradient_0"} and gradients[1] and not gradients[0] & gradients[1]


def test_a_chart_the_drawing_process_cannot_draw_raises_its_error(tmp_path):
    """A spec Vega-Lite rejects stops the report with the drawing process's traceback (not a
    missing file later); a chart drawn before it is still written."""
    from pairaid.report import charts as chartlib
    from pairaid.report.drawing import Drawer, DrawingError

    with Drawer(chartlib.vl_version()) as drawer:
        drawer.submit("fine", _charts_to_draw()["lines"], tmp_path / "fine.svg", None, {})
        drawer.submit("broken", {"mark": {"type": "no-such-mark"}, "data": {"values": []}},
                      tmp_path / "broken.svg", None, {})
        with pytest.raises(DrawingError, match="drawing chart broken failed"):
            drawer.finish()
    assert (tmp_path / "fine.svg").stat().st_size > 1000
    assert not (tmp_path / "broken.svg").exists()


def test_rows_from_the_driver_cursor_equal_sqlalchemys_rows(store):
    """`Store.query` reads a text() SELECT's rows from the driver's cursor; the frame (values,
    their Python types, dtypes, column names, an empty result's columns) is the one SQLAlchemy's
    Row objects gave, on SQLite and PostgreSQL."""
    from sqlalchemy import text

    queries = ["SELECT 1 AS a, 2.5 AS b, 'x' AS c, NULL AS d, CAST(3 AS REAL) AS e",
               "SELECT key, value FROM meta ORDER BY key",
               "SELECT code, level FROM region WHERE 1 = 0"]
    with store.snapshot() as conn:
        for sql in queries:
            result = conn.execute(text(sql))
            before = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
            after = store.query(sql, conn=conn)
            assert after.equals(before) and list(after.columns) == list(before.columns), sql
            assert list(after.dtypes) == list(before.dtypes), sql
            for column in after.columns:
                assert [type(v) for v in after[column]] == [type(v) for v in before[column]]
    assert store.query("SELECT 'y' AS c WHERE 1 = :one", {"one": 1})["c"].tolist() == ["y"]


def test_a_snapshot_reusing_reads_answers_as_reading_again(store):
    """Inside `snapshot(reuse_reads=True)` a repeated query gets the first answer as a copy (a
    caller changing its frame changes nothing else), other parameters get their own answer,
    and after the snapshot the ledger is read again."""
    from sqlalchemy import text

    store.set_meta(alpha="1", beta="2")
    sql = "SELECT key, value FROM meta WHERE key = :key"
    with store.snapshot(reuse_reads=True) as conn:
        first = store.query(sql, {"key": "alpha"})
        first.loc[0, "value"] = "changed by a caller"
        again = store.query(sql, {"key": "alpha"})
        direct = conn.execute(text(sql), {"key": "alpha"})
        assert again.equals(pd.DataFrame(direct.fetchall(), columns=list(direct.keys())))
        assert again["value"].tolist() == ["1"]
        assert store.query(sql, {"key": "beta"})["value"].tolist() == ["2"]
        assert store._reads  # the answers are kept while the snapshot lasts
    assert store._reads is None
    store.set_meta(alpha="3")
    assert store.query(sql, {"key": "alpha"})["value"].tolist() == ["3"]
