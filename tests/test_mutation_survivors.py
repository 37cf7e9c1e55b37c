"""Tests written for the mutants that survived the sampled mutation run of issue 17 (mutmut 3.8.1,
seed 17; docs/testing.md): each names the mutant(s) it kills. Expected values are written out by
hand here, never taken from the code under test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pairaid.audit.completeness import indicators_without_observations
from pairaid.audit.projects import cost_per_output, delays
from pairaid.audit.results import AuditReport, Finding
from pairaid.distribution import InequalityInputError, describe_inequality
from pairaid.distribution.dependence import DependenceError, money_scale
from pairaid.distribution.dependence_results import TaperProjection
from pairaid.evaluate.honest_event import sd_default_values
from pairaid.ingest.tables import TABLES
from pairaid.measure import IndexSpecError, spec_from_dict


def _table(name: str, data: dict) -> pd.DataFrame:
    columns = TABLES[name].column_names
    n = max(len(v) for v in data.values() if np.ndim(v))
    return pd.DataFrame({c: data.get(c, [None] * n) for c in columns})


def test_sd_grid_top_uses_every_second_difference_of_the_leads():
    # kills evaluate.honest_event.x_sd_default_values__mutmut_55 (last second difference dropped)
    # Three leads (0, 0, 5) and δ = 0 in period −1: the second differences are
    # 0 − 2·0 + 5 = 5 and 0 − 2·5 + 0 = −10; with Var(β) = 0.01·I their variances are
    # 0.01·(1 + 4 + 1) = 0.06 and 0.01·(1 + 4) = 0.05. HonestDiD's DeltaSD_upperBound_Mpre is
    # max over i of |d_i| + z(0.95)·se_i.
    z = 1.6448536269514722  # qnorm(0.95)
    beta = np.array([0.0, 0.0, 5.0, 1.0, 1.0])
    sigma = 0.01 * np.eye(5)
    values = sd_default_values(beta, sigma, n_pre=3, points=11)
    expected_top = max(5 + z * math.sqrt(0.06), 10 + z * math.sqrt(0.05))
    assert expected_top == pytest.approx(10.367800, abs=1e-6)
    assert values[-1] == pytest.approx(expected_top, rel=1e-12)
    assert values[0] == 0.0 and len(values) == 11
    assert values[5] == pytest.approx(expected_top / 2, rel=1e-12)
    assert stats.norm.ppf(0.95) == pytest.approx(z)


def test_rank_with_reference_goalposts_message_names_the_alternatives():
    # kills measure.spec.x_validate__mutmut_92 (the message's second half upper-cased)
    spec = {"name": "s", "indicators": [{"code": "a"}, {"code": "b"}],
            "normalisation": {"method": "rank", "goalposts": "reference",
                              "reference_year": 2000}}
    with pytest.raises(IndexSpecError) as raised:
        spec_from_dict(spec, "s.toml")
    assert str(raised.value).endswith(
        "rank normalisation has no goalposts to fix in a reference year; use goalposts "
        "'pooled' or 'year'")


def test_unknown_money_unit_message_says_what_to_give():
    # kills distribution.dependence.x_money_scale__mutmut_18,
    # distribution.dependence.x_money_scale__mutmut_20 (message altered)
    with pytest.raises(DependenceError) as raised:
        money_scale("tonnes")
    assert str(raised.value) == (
        "fiscal unit 'tonnes' is not a money unit this analysis knows (e.g. 'CNY', '10k CNY', "
        "'100m CNY', '万元'); give fiscal_scale")


def test_taper_projection_dict_names_every_figure():
    # kills distribution.dependence_results.xǁTaperProjectionǁto_dict__mutmut_4 (key renamed)
    projection = TaperProjection(cut=0.2, elasticity=0.5, elasticity_se=0.1,
                                 dlog=0.5 * math.log(0.8), dlog_se=0.1 * -math.log(0.8),
                                 dlog_low=-0.15, dlog_high=-0.07, outcome="gdp")
    out = projection.to_dict()
    assert set(out) == {"cut", "elasticity", "elasticity_se", "outcome", "dlog", "dlog_se",
                        "dlog_low", "dlog_high", "percent_change", "conf_low", "conf_high",
                        "statement"}
    assert out["elasticity"] == 0.5 and out["elasticity_se"] == 0.1 and out["cut"] == 0.2
    assert out["percent_change"] == pytest.approx(0.8**0.5 - 1)  # exp(0.5·log 0.8) − 1
    assert out["conf_low"] == pytest.approx(math.exp(-0.15) - 1)


def test_negative_values_message_says_why_they_are_refused():
    # kills distribution.inequality.x_describe_inequality__mutmut_98 (message altered)
    frame = pd.DataFrame({"unit": ["a", "b"], "income": [1.0, -2.0]})
    with pytest.raises(InequalityInputError) as raised:
        describe_inequality(frame, "income", unit="unit")
    assert str(raised.value).endswith(": the Gini and Theil indices need values ≥ 0")


def test_no_indicators_defined_and_the_counts_behind_the_finding():
    # kills audit.completeness.x_indicators_without_observations__mutmut_13 (message),
    # audit.completeness.x_indicators_without_observations__mutmut_35 (stats dict dropped)
    observations = pd.DataFrame({"region": ["c1"], "year": [2020], "indicator": ["gdp"],
                                 "value": [1.0]})
    none = indicators_without_observations(observations, pd.DataFrame())
    assert (none.check, none.severity, none.message) == (
        "indicators_without_observations", "info", "No indicators defined.")
    indicators = pd.DataFrame({"code": ["gdp", "rural_income", "area"],
                               "name_en": ["GDP", "Income", "Area"], "unit": "x"})
    finding = indicators_without_observations(observations, indicators)
    assert finding.stats == {"indicators": 3, "without_observations": 2,
                             "expected_false_alarms": 0}


def test_no_late_project_is_an_info_finding():
    # kills audit.projects.x_delays__mutmut_87 (severity "INFO", refused by Finding)
    projects = _table("projects", {
        "code": ["A"], "donor": "D00", "recipient": "R0000", "title": "t", "sector": "16030",
        "start_year": [2018], "end_year": [2022], "budget": [1e6], "currency": "CNY",
        "status": ["ongoing"]})
    outputs = _table("outputs", {"project": ["A"], "indicator": "housing_units",
                                 "unit": "count", "year": 2021, "baseline": 0.0,
                                 "target": [100.0], "actual": [100.0]})
    flows = _table("flows", {"donor": "D00", "recipient": "R0000", "year": 2020,
                             "kind": "disbursement", "amount": [1e5], "currency": "CNY",
                             "sector": "16030", "project": ["A"]})
    found = delays(projects, outputs, flows, as_of=2021)
    late = next(f for f in found if f.check == "project_delays")
    assert late.severity == "info" and len(late.records) == 0
    assert late.message == "No open project is past its planned end year (as of 2021)."


def test_a_cost_exactly_at_the_threshold_is_not_an_outlier():
    # kills audit.projects.x_cost_per_output__mutmut_146 (|robust z| > threshold -> >=): the
    # Iglewicz-Hoaglin rule flags |z| *above* the threshold (1993, ch. 3: |M| > 3.5)
    ratio = [1.0, 1.1, 0.9, 1.05, 0.95, 1.2, 0.85, 1.15, 0.8, 1.0, 8.0]
    codes = [f"P{k:02d}" for k in range(len(ratio))]
    projects = _table("projects", {
        "code": codes, "donor": "D00", "recipient": "R0000", "title": "t", "sector": "16030",
        "start_year": 2015, "end_year": 2016, "budget": [1000.0 * r for r in ratio],
        "currency": "CNY", "status": "completed"})
    outputs = _table("outputs", {"project": codes, "indicator": "housing_units",
                                 "unit": "count", "year": 2016, "baseline": 0.0,
                                 "target": 10.0, "actual": 10.0})
    # the modified z of the 8x project by hand: 0.6745 (x - median) / MAD of the log costs
    logs = [math.log(100.0 * r) for r in ratio]
    median = sorted(logs)[5]
    mad = sorted(abs(v - median) for v in logs)[5]
    by_hand = 0.6745 * (logs[-1] - median) / mad
    found = cost_per_output(projects, outputs, threshold=3.5)[1].records
    assert list(found["project"]) == ["P10"]
    z = float(found["robust_z"].iloc[0])
    assert z == pytest.approx(by_hand, rel=1e-12) and z > 3.5
    # at exactly its own |z| the project is not flagged; a hair below, it is
    assert cost_per_output(projects, outputs, threshold=abs(z))[1].records.empty
    below = cost_per_output(projects, outputs, threshold=float(np.nextafter(abs(z), 0)))[1]
    assert list(below.records["project"]) == ["P10"]


def test_by_check_names_the_missing_check():
    # kills audit.results.xǁAuditReportǁby_check__mutmut_2 (KeyError without the name)
    report = AuditReport(findings=(Finding("duplicates", "info", "none"),))
    assert report.by_check("duplicates").message == "none"
    with pytest.raises(KeyError) as raised:
        report.by_check("benford_first")
    assert raised.value.args == ("benford_first",)


def test_rm_interval_dict_names_its_bounds():
    # kills evaluate.honest_rm.xǁRMIntervalǁto_dict__mutmut_7 (key renamed)
    from pairaid.evaluate.honest_rm import RMInterval

    assert RMInterval(mbar=0.5, low=-0.1, high=0.3).to_dict() == {
        "Mbar": 0.5, "conf_low": -0.1, "conf_high": 0.3}


def test_round_number_shares_per_power_by_hand():
    # kills audit.money.x_round_numbers__mutmut_13 (message lower-cased),
    # audit.money.x_round_numbers__mutmut_60 (share always NaN)
    from pairaid.audit import round_numbers

    empty = round_numbers(_table("flows", {"amount": []}))[0]
    assert empty.message == "No flows recorded: nothing to test."
    amounts = [1234.0, 5000.0, 7000.0, 120.0, 30.0, 4321.0, 100000.0]
    flows = _table("flows", {"donor": "D00", "recipient": "R0000", "year": 2020,
                             "kind": "disbursement", "amount": amounts, "currency": "CNY",
                             "sector": "16030", "source": "s", "ref": ""})
    overall = round_numbers(flows)[0].stats["overall"]
    assert overall, "one row per power tested"
    for row in overall:
        k = row["power"]  # the donor records in 元 (1234 is not a multiple of 10): unit 10^0
        eligible = [a for a in amounts if a >= 10**k]
        hits = [a for a in eligible if a % 10**k == 0]
        assert (row["amounts"], row["multiples"]) == (len(eligible), len(hits))
        if eligible:
            assert row["share"] == pytest.approx(len(hits) / len(eligible))
        else:
            assert np.isnan(row["share"])
    assert any(row["multiples"] for row in overall)


def test_near_duplicates_count_same_and_different_sectors():
    # kills audit.money.x_duplicates__mutmut_289 (different_sector = len + same)
    from pairaid.audit import duplicates

    # one pairing-year-kind; sorted by amount, the neighbours 1000/1001 (sectors a, b) and
    # 2000/2002 (both a, different refs) lie within 0.5 % of each other; 1001/2000 do not
    flows = _table("flows", {"donor": "D00", "recipient": "R0000", "year": 2020,
                             "kind": "disbursement", "amount": [1000.0, 1001.0, 2000.0, 2002.0],
                             "currency": "CNY", "sector": ["a", "b", "a", "a"], "source": "s",
                             "ref": ["r1", "r2", "r3", "r4"]})
    near = next(f for f in duplicates(flows) if f.check == "near_duplicates")
    assert len(near.records) == 2
    assert (near.stats["same_sector"], near.stats["different_sector"]) == (1, 1)


def test_digits_far_from_benford_give_a_warning():
    # kills audit.money.x_benford__mutmut_92 (severity always "info")
    from pairaid.audit import benford

    # 3,000 amounts that all start with 9: Benford expects log10(1 + 1/9) = 4.6 % of them
    amounts = pd.Series(9000.0 + 0.3 * np.arange(3000))
    found = {f.check: f for f in benford(amounts)}
    for check in ("benford_first", "benford_first_two"):
        assert found[check].stats["run"] is True
        assert found[check].stats["conformity"] == "nonconformity"
        assert found[check].severity == "warning"


def test_summary_real_figures_and_labels(store):
    # kills summary.x_summarise__mutmut_139 (real amounts ignored),
    # summary.x_summarise__mutmut_211 (label upper-cased)
    from pairaid.ingest import import_frames
    from pairaid.summary import summarise

    from hand_ledger import hand_frames

    import_frames(store, hand_frames(), source="test")
    result = summarise(store, 2020, 2021)
    disbursed, committed = result.figure("funds_disbursed"), result.figure("funds_committed")
    assert (disbursed.label, committed.label) == ("Funds disbursed", "Funds committed")
    # nominal: 1170 disbursed in 2020, 50 in 2021; committed 500 in 2021. Real: at the prices
    # of 2020, the first year with flows (price index 100 in 2020, 110 in 2021)
    assert disbursed.value == pytest.approx(1220)
    assert disbursed.real == pytest.approx(1170 + 50 * 100 / 110)
    assert committed.real == pytest.approx(500 * 100 / 110)


def test_shape_matches_scipy_sample_skewness_and_excess_kurtosis():
    # kills measure.impute.x__shape__mutmut_62 (excess kurtosis with + 3); reference: scipy's
    # bias-corrected skew and kurtosis (G1, G2 of Joanes & Gill 1998), which pairaid does not use
    from pairaid.measure.impute import _shape

    rng = np.random.default_rng(5)
    x = rng.lognormal(0, 1, (40, 3))
    x[3, 1] = np.nan
    g1, g2 = _shape(x)
    for j in range(3):
        column = x[~np.isnan(x[:, j]), j]
        assert g1[j] == pytest.approx(stats.skew(column, bias=False), rel=1e-10)
        assert g2[j] == pytest.approx(stats.kurtosis(column, fisher=True, bias=False), rel=1e-10)


def test_unrecorded_assistance_is_named_in_the_notes():
    # kills distribution.dependence.x_dependence__mutmut_57 (the named unit-years dropped)
    from pairaid.distribution.dependence import dependence

    frame = pd.DataFrame([("a", 2020, 10.0, 5.0, 100.0), ("b", 2020, np.nan, 30.0, 40.0),
                          ("c", 2020, 0.0, 3.0, 4.0)],
                         columns=["unit", "year", "funds_disbursement", "fiscal_revenue",
                                  "fiscal_expenditure"])
    result = dependence(frame)
    assert ("1 unit-years dropped: assistance not recorded (missing, not zero; e.g. b 2020)"
            in result.notes)
    assert sorted(result.table["unit"]) == ["a", "c"]


def test_summary_units_notes_and_pair_table(store):
    # kills summary.x__enterprise_figures__mutmut_34, summary.x__enterprise_figures__mutmut_91,
    # summary.x__personnel_and_projects__mutmut_47, summary.x__personnel_and_projects__mutmut_126;
    # the pair table is sorted and numbered 0..n-1 (x__by_pair__mutmut_66 is equivalent: groupby
    # has sorted it already, so sort_values moves nothing and ignore_index changes nothing)
    from pairaid.ingest import import_frames
    from pairaid.summary import summarise

    from hand_ledger import hand_frames

    import_frames(store, hand_frames(), source="test")
    result = summarise(store, 2020, 2021)
    assert result.figure("enterprises").unit == "count"
    assert result.figure("enterprise_jobs").label == "Jobs in introduced enterprises"
    assert result.figure("personnel").note == "a person serving two years counts twice"
    assert result.figure("projects_completed").unit == "count"
    pairs = result.funds_by_pair
    assert pairs.index.tolist() == list(range(len(pairs)))
    assert list(zip(pairs["donor"], pairs["recipient"])) == sorted(
        zip(pairs["donor"], pairs["recipient"]))


def test_iv_refuses_an_unknown_cluster_column_by_name():
    # kills evaluate.iv.x_fit_iv__mutmut_27 (the cluster column left out of the column check)
    from pairaid.evaluate.guards import ElasticityError
    from pairaid.evaluate.iv import fit_iv, parse_iv_formula

    rng = np.random.default_rng(1)
    z = rng.normal(size=60)
    x = z + rng.normal(size=60)
    data = pd.DataFrame({"y": 2 * x + rng.normal(size=60), "x": x, "z": z, "g": np.arange(60) % 6})
    with pytest.raises(ElasticityError,
                       match=r"unknown column 'region' \(the table has: y, x, z, g\)"):
        fit_iv(data, parse_iv_formula("y ~ 1 | x ~ z"), vcov="CRV1", cluster="region")


def test_decoupling_marks_the_paired_units():
    # kills distribution.environment.x_decoupling__mutmut_186 (the paired column not inserted)
    from pairaid.distribution.environment import decoupling

    rows = [(u, y, p, o, first) for u, first, obs in [
        ("a", 2012, [(2010, 100, 100), (2015, 90, 120)]),
        ("b", None, [(2010, 100, 100), (2015, 130, 110)])] for y, p, o in obs]
    frame = pd.DataFrame(rows, columns=["unit", "year", "water", "output", "first_paired_year"])
    table = decoupling(frame, "water", "output", year_from=2010, year_to=2015, step=5).decoupling
    assert table.columns[1] == "paired"
    assert table.set_index("unit")["paired"].to_dict() == {"a": True, "b": False}


def test_panel_dict_carries_notes_and_coverage(store):
    # kills panel.xǁPanelǁto_dict__mutmut_15, panel.xǁPanelǁto_dict__mutmut_17 (keys renamed)
    from pairaid.ingest import import_frames
    from pairaid.panel import build_panel

    from hand_ledger import hand_frames

    import_frames(store, hand_frames(), source="test")
    panel = build_panel(store, "county", 2020, 2021)
    out = panel.to_dict(rows=False)
    assert set(out) == {"level", "year_from", "year_to", "currency", "prices", "synthetic",
                        "notes", "coverage"}
    assert out["notes"] == list(panel.notes) and out["notes"]  # the prefecture-wide flow note
    assert out["coverage"] == (panel.coverage.to_dict() if panel.coverage else None)
    assert (out["level"], out["year_from"], out["year_to"]) == ("county", 2020, 2021)


def test_summary_subtracts_the_extra_copies_of_duplicated_flows(store):
    # kills summary.x__duplicate_copies__mutmut_39, summary.x__duplicate_copies__mutmut_40
    # (the copies' amounts or their kinds lost)
    from pairaid.ingest import import_frames
    from pairaid.summary import summarise

    from hand_ledger import hand_frames

    frames = hand_frames()
    flows = frames["flows"].assign(ref=[f"r{i}" for i in range(len(frames["flows"]))])
    # the 2021 commitment of 500 recorded three times (same in every field but the reference)
    extra = flows.iloc[[2, 2]].assign(ref=["r2-copy1", "r2-copy2"])
    frames["flows"] = pd.concat([flows, extra], ignore_index=True)
    import_frames(store, frames, source="test")
    result = summarise(store, 2020, 2021)
    committed, disbursed = result.figure("funds_committed"), result.figure("funds_disbursed")
    assert committed.value == pytest.approx(3 * 500)
    assert committed.excluding_duplicates == pytest.approx(500)
    assert disbursed.excluding_duplicates == pytest.approx(disbursed.value) == pytest.approx(1220)


def _one_cohort_panel(cohorts) -> pd.DataFrame:
    """Units u0, u1, ... paired in the given years (0: never), 2010–2015, outcome = noise."""
    rng = np.random.default_rng(3)
    rows = [(f"u{i}", year, cohort, rng.normal()) for i, cohort in enumerate(cohorts)
            for year in range(2010, 2016)]
    return pd.DataFrame(rows, columns=["county", "year", "start", "y"])


def test_did2s_without_untreated_units_after_treatment_says_so():
    # kills evaluate.did2s.x_did2s__mutmut_92 (message altered)
    from pairaid.evaluate.did_data import DidError
    from pairaid.evaluate.did2s import did2s

    with pytest.raises(DidError) as raised:
        did2s(_one_cohort_panel([2013] * 6), outcome="y", unit="county", time="year",
              cohort="start")
    assert str(raised.value) == ("no treated observation is left once the all-treated periods "
                                 "are dropped: did2s needs untreated units in the periods after "
                                 "treatment")


def test_did2s_aggregations_carry_their_names():
    # kills evaluate.did2s.x_did2s__mutmut_291 (the dynamic aggregation unnamed)
    from pairaid.evaluate.did2s import did2s

    result = did2s(_one_cohort_panel([2012, 2012, 2014, 2014, 0, 0, 0, 0]), outcome="y",
                   unit="county", time="year", cohort="start", wild_reps=0)
    assert {name: agg.name for name, agg in result.aggregations.items()} == {
        name: name for name in ("simple", "group", "dynamic", "calendar")}


def test_event_sensitivity_dict_keeps_the_original_interval():
    # kills evaluate.honest_event.xǁEventSensitivityǁto_dict__mutmut_22 (key renamed)
    from pairaid.evaluate.honest_event import EventSensitivity

    found = EventSensitivity(restriction="rm", target="0", estimate=0.4, original=(0.1, 0.7),
                             intervals=(), breakdown=1.5, pre_periods=(-2, -1),
                             post_periods=(0, 1), alpha=0.05, method="C-LF")
    out = found.to_dict()
    assert out["original"] == {"conf_low": 0.1, "conf_high": 0.7}
    assert (out["restriction"], out["parameter"], out["breakdown"]) == (
        "relative_magnitudes", "Mbar", 1.5)


def test_flat_index_weights_are_spread_over_all_indicators():
    # kills measure.weight.x_index_weights__mutmut_7 (flat index weighted within pillars)
    from pairaid.measure.weight import index_weights

    spec = spec_from_dict({"name": "t", "aggregation": {"structure": "flat"},
                           "indicators": [{"code": "a", "pillar": "p"},
                                          {"code": "b", "pillar": "p"},
                                          {"code": "c", "pillar": "q"}]}, "s.toml")
    weights = index_weights(spec, "equal", np.ones((4, 3)))
    # flat: one weight per indicator over all three; a pillar's weight is the sum of its own
    assert weights.overall == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert weights.pillars == pytest.approx([2 / 3, 1 / 3])


def test_gdp_growth_from_province_observations_says_so(store):
    # kills summary.x__balanced_totals__mutmut_114 (the note always county-level)
    from pairaid.ingest import import_frames
    from pairaid.summary import summarise

    from hand_ledger import hand_frames

    frames = hand_frames()
    province = pd.DataFrame({"region": "P", "year": [2020, 2021], "indicator": "gdp",
                             "value": [200.0, 230.0], "source": "test"})
    frames["observations"] = pd.concat([frames["observations"], province], ignore_index=True)
    import_frames(store, frames, source="test")
    figure = summarise(store, 2020, 2021).figure("gdp_multiple")
    # the province reports in both years and comes first: 230 / 200
    assert figure.value == pytest.approx(1.15)
    assert figure.note == "province-level observations"


def test_cluster_reason_adds_the_crv3_text_only_for_crv3():
    # kills evaluate.ledger.x_cluster_reason__mutmut_20 (CRV3 text always added)
    from pairaid.evaluate.ledger import (DONOR_CLUSTER_REASON, DONOR_CRV3_REASON,
                                         cluster_reason)

    assert cluster_reason("donor", "CRV1") == DONOR_CLUSTER_REASON
    # kills x_cluster_reason__mutmut_15 (the two-way text upper-cased)
    assert cluster_reason("donor+county") == DONOR_CLUSTER_REASON + (
        " (two-way with the county: each county's own serial correlation too)")
    assert cluster_reason("donor", "CRV3") == DONOR_CLUSTER_REASON + DONOR_CRV3_REASON
    assert DONOR_CRV3_REASON and DONOR_CRV3_REASON not in DONOR_CLUSTER_REASON


def test_donor_columns_on_the_hand_ledger(store):
    # kills evaluate.ledger.x_with_donor_columns__mutmut_53 (the fiscal bases not passed)
    from pairaid.evaluate.ledger import with_donor_columns
    from pairaid.ingest import import_frames
    from pairaid.panel import build_panel

    from hand_ledger import hand_frames

    import_frames(store, hand_frames(), source="test")
    frame, notes = with_donor_columns(store, build_panel(store, "county", 2020, 2021).frame)
    donor = frame.groupby("unit")["donor"].first()
    assert donor["a1"] == "D" and donor["b1"] == "none:b1"  # b1 is never paired
    # the hand ledger gives donor D no fiscal base region, so there is no instrument
    assert notes == ("donors without a fiscal base region (no instrument for their units): D",)
    assert frame["donor_revenue"].isna().all()


def test_index_from_ledger_is_the_index_of_the_requested_panel(store):
    # kills measure.ledger.x_index_from_ledger__mutmut_5 (the level not passed on); a wiring
    # check: the scores equal build_index on build_panel's frame for the same level and years
    from pairaid.ingest import import_frames
    from pairaid.measure import build_index
    from pairaid.measure.ledger import index_from_ledger
    from pairaid.panel import build_panel

    from hand_ledger import hand_frames

    import_frames(store, hand_frames(), source="test")
    spec = spec_from_dict({"name": "t", "indicators": [{"code": "gdp"},
                                                       {"code": "rural_income"}]}, "s.toml")
    found = index_from_ledger(store, spec, "county", 2020, 2021)
    panel = build_panel(store, "county", 2020, 2021)
    expected = build_index(panel.frame, spec, unit="unit", time="year")
    pd.testing.assert_series_equal(found.scores, expected.scores)
    assert found.scores.loc[("b1", 2020)] == 0.0 and found.scores.loc[("a3", 2021)] == 1.0


def test_a_file_with_a_header_only_has_one_problem_and_no_existing_rows(sqlite_store):
    # kills ingest.validate.x_validate_table__mutmut_34 (1 existing row reported for no rows)
    from pairaid.ingest.tables import TABLES
    from pairaid.ingest.validate import validate_table

    empty = pd.DataFrame(columns=TABLES["flows"].column_names)
    with sqlite_store.transaction("test", "header only") as conn:
        rows, problems, existing = validate_table(sqlite_store, conn, TABLES["flows"], empty,
                                                  "flows.csv", "append")
    assert rows.empty and existing == 0
    assert [str(p) for p in problems] == ["flows.csv:2:: no data rows under the header"]
