"""The demo ledger builder: real parts present and right, synthetic parts calibrated and honest."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from pairaid.demo import DemoParameters, build_frames, reference
from pairaid.ingest.tables import TABLE_ORDER, TABLES

SEED = 2010


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return build_frames(SEED)


def _disbursed_cny(frames) -> pd.DataFrame:
    flows = frames["flows"]
    rates = frames["rates"].query("currency == 'USD' and base == 'CNY'").set_index("year")["rate"]
    out = flows[flows["kind"] == "disbursement"].copy()
    assert set(out["currency"]) <= {"CNY", "USD"}
    out["cny"] = np.where(out["currency"] == "USD", out["amount"] * out["year"].map(rates),
                          out["amount"])
    return out


def _obs(frames, indicator: str) -> pd.DataFrame:
    obs = frames["observations"]
    return obs[obs["indicator"] == indicator]


# -- shape and determinism ---------------------------------------------------------------------
def test_every_table_has_exactly_the_import_columns(frames):
    assert set(frames) == set(TABLE_ORDER)
    for name, frame in frames.items():
        assert tuple(frame.columns) == TABLES[name].column_names, name
        assert len(frame) > 0, name
        for column in TABLES[name].columns:
            if not column.nullable:
                assert frame[column.name].notna().all(), (name, column.name)


def test_same_seed_same_frames_other_seed_other_frames(frames):
    again = build_frames(SEED)
    for name in TABLE_ORDER:
        pd.testing.assert_frame_equal(frames[name], again[name], obj=name)
    other = build_frames(SEED + 1)
    # the real parts do not depend on the seed ...
    pd.testing.assert_frame_equal(frames["regions"], other["regions"])
    pd.testing.assert_frame_equal(frames["donors"], other["donors"])
    # ... the synthetic parts do
    assert not frames["flows"]["amount"].equals(other["flows"]["amount"])
    assert not _obs(frames, "gdp")["value"].reset_index(drop=True).equals(
        _obs(other, "gdp")["value"].reset_index(drop=True))


# -- the real parts ----------------------------------------------------------------------------
def test_regions_levels_and_parents(frames):
    regions = frames["regions"].set_index("code")
    assert regions.loc["650000", "level"] == "province"
    assert pd.isna(regions.loc["650000", "parent_code"])
    assert (regions["level"] == "prefecture").sum() == 15
    assert (regions["level"] == "county").sum() == 108
    assert regions.loc["659000", "name_en"] == "County-level cities under the region"
    assert regions.loc["XPCC", "level"] == "corps"
    divisions = regions[regions["level"] == "corps_division"]
    assert list(divisions.index) == [f"XPCC{i:02d}" for i in range(1, 15)]
    assert (divisions["parent_code"] == "XPCC").all()
    assert regions.loc["XPCC03", "name_zh"] == "新疆生产建设兵团第三师"
    assert regions.loc["653201", "name_en"] == "Hotan City"
    assert regions.loc["654000", "name_en"] == "Ili Kazakh Autonomous Prefecture"
    assert regions["parent_code"].dropna().isin(regions.index).all()
    assert regions["name_en"].str.len().gt(0).all()
    crosswalk = frames["crosswalk"].set_index("old_code")["new_code"]
    assert crosswalk["652101"] == "650402" and crosswalk["652923"] == "652902"
    assert crosswalk["654223"] == "654203" and crosswalk["652200"] == "650500"
    assert crosswalk.isin(regions.index).all()


def test_nineteen_donors(frames):
    donors = frames["donors"].set_index("code")
    assert set(donors.index) == {"BJ", "TJ", "HE", "SX", "LN", "JL", "HL", "SH", "JS", "ZJ", "AH",
                                 "FJ", "JX", "SD", "HA", "HB", "HN", "GD", "SZ"}
    assert donors.loc["SZ", "kind"] == "city"
    assert donors.loc["BJ", "kind"] == "municipality"
    assert donors.loc["HE", "name_en"] == "Hebei"


def test_every_pairing_list_row_is_present_and_prefectures_are_expanded(frames):
    pairings = frames["pairings"]
    pairs = set(zip(pairings["donor"], pairings["recipient"]))
    assert len(pairings) == len(pairs) == 96
    assert pairings["recipient"].is_unique
    # single-county and corps rows
    for pair in [("BJ", "653201"), ("BJ", "XPCC14"), ("SX", "652302"), ("SZ", "653131"),
                 ("AH", "653223"), ("JX", "653022"), ("HL", "XPCC10"), ("GD", "XPCC03")]:
        assert pair in pairs
    assert pairings["recipient"].str.startswith("XPCC").sum() == 12
    tumxuk = pairings.set_index("recipient").loc["XPCC03", "note"]
    assert "verify" in tumxuk
    # prefecture-wide rows → every county (2023 codes) of the prefecture
    divisions = reference.read_data("divisions_2023.csv")
    county_rows = divisions[divisions["level"] == "county"]
    counties_of = county_rows.groupby("parent_code")["code"].apply(set)
    expected = {
        ("ZJ", "652900"): counties_of["652900"],                 # Aksu: 9
        ("HE", "652800"): counties_of["652800"],                 # Bayingol: 9
        ("HB", "652700"): counties_of["652700"],                 # Bortala: 4
        ("HN", "650400"): counties_of["650400"],                 # Turpan: 3
        ("HA", "650500"): counties_of["650500"],                 # Hami: 3
        ("LN", "654200"): counties_of["654200"],                 # Tacheng: 7
        ("JS", "654000"): counties_of["654000"],                 # Ili's direct units: 11
        ("FJ", "652300"): counties_of["652300"] - {"652302"},    # Changji except Fukang: 6
    }
    sizes = {key: len(codes) for key, codes in expected.items()}
    assert sizes == {("ZJ", "652900"): 9, ("HE", "652800"): 9, ("HB", "652700"): 4,
                     ("HN", "650400"): 3, ("HA", "650500"): 3, ("LN", "654200"): 7,
                     ("JS", "654000"): 11, ("FJ", "652300"): 6}
    expanded = pairings[pairings["note"].str.contains(reference.EXPANDED_NOTE, regex=False)]
    for (donor, _), codes in expected.items():
        assert set(expanded.loc[expanded["donor"] == donor, "recipient"]) == codes
    assert len(expanded) == sum(sizes.values())
    assert (pairings["round"] == 2010).all() and pairings["end_year"].isna().all()
    # 82 counties in 2010 + Horgos and Alashankou, created later = 84 county pairings
    assert (~pairings["recipient"].str.startswith("XPCC")).sum() == 84


def test_staggered_start_years_are_whole_donors_and_labelled_synthetic(frames):
    pairings = frames["pairings"]
    created = pairings["recipient"].map(reference.CREATED)
    ordinary = pairings[created.isna()]
    by_donor = ordinary.groupby("donor")["start_year"].agg(["min", "max"])
    assert (by_donor["min"] == by_donor["max"]).all()
    starts = by_donor["min"].value_counts().to_dict()
    assert starts == {2011: 14, 2013: 3, 2015: 2}
    assert pairings["note"].str.contains("SYNTHETIC").all()
    assert (pairings["start_year"] >= created.fillna(0)).all()


def test_census_populations(frames):
    population = _obs(frames, "population")
    divisions = reference.read_data("divisions_2023.csv")
    census_codes = set(reference.census()["code"])
    counties = set(divisions.loc[divisions["level"] == "county", "code"])
    with_census = counties & census_codes
    assert len(with_census) == 106  # all but Xinxing and Baiyang, created after 2020
    assert set(population["region"]) == with_census
    value = population.set_index(["region", "year"])["value"]
    assert value[("653201", 2020)] == 501028           # census name 和田巿 (variant character)
    assert value[("650402", 2010)] == 273385           # 2010 code 652101 via the crosswalk
    assert value[("652902", 2010)] == 462588           # 库车县 652923 → 库车市
    assert value[("654203", 2020)] == 301046           # 沙湾县 654223 → 沙湾市
    assert value[("654002", 2010)] == 515082           # Yining / Kuitun swap corrected
    assert value[("654004", 2020)] == 71466 and ("654004", 2013) not in value  # Horgos: 2014
    sums = population.groupby("year")["value"].sum()
    assert sums[2010] == 21815815 and sums[2020] == 25852345  # the region's census totals
    urban = _obs(frames, "population_urban").set_index(["region", "year"])["value"]
    rural = _obs(frames, "population_rural").set_index(["region", "year"])["value"]
    assert ((urban + rural).reindex(value.index) == value).all()
    flags = population.set_index(["region", "year"])["flag"]
    assert flags[("653201", 2020)] == "census" and flags[("653201", 2015)] == "interpolated"
    assert not population["region"].str.startswith("XPCC").any()


# -- calibration against the published figures ---------------------------------------------------
def test_funds_match_published_totals(frames):
    disbursed = _disbursed_cny(frames)
    by_year = disbursed.groupby("year")["cny"].sum()
    total = by_year.loc[2012:2024].sum()
    assert 200e9 < total < 230e9
    assert abs(by_year[2019] / 18.8e9 - 1) < 0.03
    flows = frames["flows"]
    invest = flows[(flows["kind"] == "investment_secured") & flows["year"].between(2012, 2024)]
    assert abs(invest["amount"].sum() / 3e12 - 1) < 0.05
    assert (invest["sector"] == "25010").all()
    usd = flows[flows["currency"] == "USD"]
    assert len(usd) == 20 and usd["donor"].nunique() == 1
    assert (usd["kind"] == "disbursement").all()
    commitments = flows[flows["kind"] == "commitment"]["amount"].sum()
    assert 1.0 < commitments / disbursed["cny"].sum() < 1.15


def test_flows_only_in_paired_years(frames):
    start = frames["pairings"].set_index(["donor", "recipient"])["start_year"]
    for name, donor, recipient in (("flows", "donor", "recipient"),
                                   ("personnel", "donor", "recipient"),
                                   ("enterprises", "origin", "destination")):
        table = frames[name]
        first = pd.MultiIndex.from_frame(table[[donor, recipient]]).map(start)
        assert (table["year"].to_numpy() >= first.to_numpy()).all(), name
    never = set(_obs(frames, "population")["region"]) - set(frames["pairings"]["recipient"])
    assert {"650102", "650203", "659001"} <= never  # Tianshan District, Karamay, Shihezi


def test_enterprises_projects_and_personnel(frames):
    enterprises = frames["enterprises"]
    total = enterprises.loc[enterprises["year"].between(2012, 2024), "count"].sum()
    assert 15_000 < total < 16_500
    assert (enterprises["count"] >= 1).all()
    projects = frames["projects"]
    per_year = projects.groupby("start_year").size()
    assert per_year.index.min() == 2012 and per_year.index.max() == 2024
    assert per_year.between(1_500, 2_000).all()
    assert abs(per_year[2019] - 1935) / 1935 < 0.05
    assert projects["code"].str.fullmatch(r"[A-Z]{2}-(\d{6}|XPCC\d\d)-20\d\d-\d{4}").all()
    assert projects["code"].is_unique
    ended = projects["end_year"].notna()
    assert set(projects.loc[~ended, "status"]) <= {"ongoing", "planned"}
    assert (projects.loc[projects["status"] == "completed", "end_year"] <= 2024).all()
    assert (projects.loc[ended, "end_year"] - projects.loc[ended, "start_year"]).between(0, 3).all()
    assert (projects["status"] == "cancelled").sum() > 0
    assert set(projects["sector"]) <= set(frames["flows"]["sector"])
    outputs = frames["outputs"].merge(projects[["code", "status"]], left_on="project",
                                      right_on="code")
    assert outputs["actual"].notna().eq(outputs["status"] == "completed").all()
    ratio = outputs["actual"] / outputs["target"]
    assert ratio.dropna().between(0.5, 1.5).all()
    per_project = frames["outputs"].groupby("project").size()
    assert per_project.between(1, 2).all() and len(per_project) == len(projects)
    personnel = frames["personnel"]
    assert set(personnel["category"]) == {"cadre", "teacher", "doctor", "technician", "expert"}
    months = personnel["person_months"] / personnel["headcount"]
    assert months.between(6, 18).all()


def test_regional_gdp_roughly_doubles_2012_to_2022(frames):
    gdp = _obs(frames, "gdp")
    region = gdp[gdp["region"] == "650000"].set_index("year")["value"]
    assert 1.9 <= region[2022] / region[2012] <= 2.2
    counties = set(frames["regions"].query("level == 'county'")["code"])
    wide = gdp[gdp["region"].isin(counties)].pivot(index="region", columns="year", values="value")
    both = wide[[2012, 2022]].dropna()
    assert 1.9 <= both[2022].sum() / both[2012].sum() <= 2.2
    assert abs(region[2012] * 1e4 / 750e9 - 1) < 0.01  # 10k CNY → yuan


def test_planted_elasticity_is_recovered(frames):
    disbursed = _disbursed_cny(frames).groupby(["recipient", "year"])["cny"].sum()
    disbursed.index.names = ["region", "year"]
    obs = frames["observations"]
    wide = obs[obs["indicator"].isin(["population", "sai_latent"])].pivot_table(
        index=["region", "year"], columns="indicator", values="value")
    data = wide.join(disbursed, how="inner").reset_index()
    data = data[data["cny"] > 0]
    assert data["region"].nunique() > 80
    y = np.log(data["sai_latent"].to_numpy())
    x = np.log(data["cny"].to_numpy() / data["population"].to_numpy())
    units = pd.get_dummies(data["region"]).to_numpy(float)
    years = pd.get_dummies(data["year"], drop_first=True).to_numpy(float)
    beta = np.linalg.lstsq(np.column_stack([x, units, years]), y, rcond=None)[0]
    assert abs(beta[0] - 0.5) < 0.05


def test_outcomes_indicators_and_missingness(frames):
    indicators = frames["indicators"].set_index("code")
    assert indicators.loc["income_gap", "direction"] == "-1"
    assert indicators.loc["sai_latent", "dimension"] == "truth"
    assert set(indicators["aggregation"]) == {"sum", "pop_mean"}
    obs = frames["observations"]
    assert set(obs["indicator"]) == set(indicators.index)
    assert not obs.duplicated(["region", "year", "indicator"]).any()
    assert np.isfinite(obs["value"]).all()
    truth = obs[obs["indicator"] == "sai_latent"]
    assert (truth["flag"] == "synthetic_truth").all()
    census_based = ["population", "population_urban", "population_rural", "minority_share"]
    official = obs["flag"] == "official"  # the donors' real 2019 revenue (demo/fiscal.py)
    assert set(obs.loc[official, "year"]) == {2019} and official.sum() == 18
    synthetic = obs[~obs["indicator"].isin(census_based) & ~official]
    assert synthetic["source"].eq("synthetic (pairaid demo DGP)").all()
    # about 3 % of county outcome values missing; population and the truth complete
    counties = _obs(frames, "population")[["region", "year"]]
    outcome_codes = [c for c in indicators.index if c not in census_based + ["sai_latent"]]
    present = obs[obs["indicator"].isin(outcome_codes)].merge(counties, on=["region", "year"])
    share = 1 - len(present) / (len(counties) * len(outcome_codes))
    assert 0.02 < share < 0.05
    assert len(truth) == len(counties)
    income = _obs(frames, "rural_income")
    assert income["value"].between(1_500, 50_000).all()
    gap = _obs(frames, "income_gap")["value"]
    assert gap.between(1.0, 8.0).all()


def test_build_writes_a_synthetic_ledger(tmp_path):
    from pairaid.demo import build
    from pairaid.ledger.store import Store

    (tmp_path / "demo.db").write_text("an old, broken ledger")
    (tmp_path / "demo.db-wal").write_text("stale")
    path = build(tmp_path, seed=SEED)
    assert path == tmp_path / "demo.db"
    with Store.open(path, create=False) as store:
        meta = store.meta()
        counts = store.counts()
        flows = store.read_table("flows")
    assert meta["synthetic"] == "true"
    assert "SYNTHETIC" in meta["synthetic_notice"] and "real" in meta["synthetic_notice"]
    assert "leiii/census" in meta["attribution"] and "MIT" in meta["attribution"]
    assert meta["seed"] == str(SEED) and meta["generator"].startswith("pairaid.demo ")
    figures = json.loads(meta["published_figures"])
    assert any(re.search("enterprises", f["figure"]) for f in figures)
    assert all(count > 0 for table, count in counts.items()), counts
    assert counts["pairing"] == 96 and counts["donor"] == 19
    assert len(flows) == counts["flow"]


def test_planted_anomalies_touch_only_what_they_plant(frames):
    clean = build_frames(SEED, DemoParameters(plant_anomalies=False))
    assert "planted_anomalies" not in clean["flows"].attrs
    assert len(clean["flows"]) == 24_076 and len(frames["flows"]) == 24_086
    for name in set(TABLE_ORDER) - {"flows", "projects", "outputs"}:
        pd.testing.assert_frame_equal(clean[name], frames[name])
    changed = (clean["projects"]["end_year"].fillna(-1)
               != frames["projects"]["end_year"].fillna(-1))
    assert changed.sum() == 3  # the delayed projects; nothing else about projects moves
    planted = frames["flows"].attrs["planted_anomalies"]
    assert sorted(frames["projects"].loc[changed, "code"]) == planted["delayed_projects"]
    moved = clean["outputs"]["target"] != frames["outputs"]["target"]
    assert set(frames["outputs"].loc[moved, "project"]) == set(planted["cost_outliers"])


def test_minority_share_is_the_census_aggregate(frames):
    share = _obs(frames, "minority_share").set_index(["region", "year"])["value"]
    assert share.between(0, 100).all()
    assert share[("653201", 2010)] == 87.21 and share[("653201", 2020)] == 81.66  # the censuses
    assert share[("653201", 2015)] == round((87.21 + 81.66) / 2, 2)  # linear in between
    assert share[("653201", 2024)] == 81.66  # held, never extrapolated
