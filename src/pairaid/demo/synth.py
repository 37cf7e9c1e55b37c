"""The synthetic part of the demo: flows, projects, personnel, enterprises and outcomes.

Vectorised numpy/pandas throughout; every random number comes from one
`numpy.random.default_rng(seed)` in a fixed order, so a seed always gives the same ledger. Every
constant lives in `DemoParameters`; docs/demo.md describes the process step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pairaid.demo import activities, fiscal, reference
from pairaid.demo.activities import table_frame as _frame
from pairaid.demo.anomalies import plant
from pairaid.demo.outcomes import calibrated_observations, component_signal
from pairaid.demo.params import DemoParameters
from pairaid.ingest.tables import TABLES

SOURCE = fiscal.SYNTHETIC_SOURCE  # every synthetic row's source
RATE_SOURCE = ("annual average, entered from NBS/World Bank WDI for the demo; verify before "
               "publication")

#: code, name_en, name_zh, unit, direction, dimension, aggregation, decimals (None: full precision)
INDICATORS: tuple[tuple[str, str, str, str, str, str, str, int | None], ...] = (
    ("population", "Resident population", "常住人口", "persons", "0", "population", "sum", 0),
    ("population_urban", "Urban resident population", "城镇常住人口", "persons", "0",
     "population", "sum", 0),
    ("population_rural", "Rural resident population", "乡村常住人口", "persons", "0",
     "population", "sum", 0),
    ("minority_share", "Ethnic-minority share of the resident population (census, aggregate)",
     "少数民族人口比重", "%", "0", "population", "pop_mean", 2),
    ("sai_latent", "Sustainable agriculture index, latent truth (SYNTHETIC)",
     "农业可持续发展指数（合成真值）", "index", "1", "truth", "pop_mean", None),
    ("gdp", "Gross domestic product", "地区生产总值", "10k CNY", "1", "economic", "sum", 1),
    ("agri_output", "Gross output value of agriculture, forestry, animal husbandry and fishery",
     "农林牧渔业总产值", "10k CNY", "1", "economic", "sum", 1),
    ("grain_yield", "Grain yield per hectare", "粮食单产", "t/ha", "1", "economic", "pop_mean", 3),
    ("rural_income", "Per-capita disposable income of rural residents", "农村居民人均可支配收入",
     "CNY per person", "1", "economic", "pop_mean", 0),
    ("urban_income", "Per-capita disposable income of urban residents", "城镇居民人均可支配收入",
     "CNY per person", "1", "economic", "pop_mean", 0),
    ("machinery_power", "Total power of agricultural machinery", "农业机械总动力", "kW", "1",
     "economic", "sum", 0),
    ("income_gap", "Urban-rural income ratio", "城乡居民收入比", "ratio", "-1", "social",
     "pop_mean", 3),
    ("rural_pop_share", "Rural share of the resident population", "乡村人口比重", "%", "0",
     "social", "pop_mean", 2),
    ("cultivated_area", "Cultivated land area", "耕地面积", "ha", "0", "ecological", "sum", 1),
    ("irrigated_area", "Effective irrigated area", "有效灌溉面积", "ha", "1", "ecological", "sum", 1),
    ("water_withdrawal_agri", "Agricultural water withdrawal", "农业用水量", "10k m3", "-1",
     "ecological", "sum", 1),
    ("water_per_output", "Agricultural water use per 10k CNY of agricultural output",
     "万元农业产值用水量", "m3 per 10k CNY", "-1", "ecological", "pop_mean", 1),
    ("fertiliser_intensity", "Chemical fertiliser use per hectare of cultivated land",
     "单位耕地面积化肥施用量", "kg/ha", "-1", "ecological", "pop_mean", 1),
    ("pesticide_intensity", "Pesticide use per hectare of cultivated land",
     "单位耕地面积农药使用量", "kg/ha", "-1", "ecological", "pop_mean", 2),
    ("vegetation_cover", "Vegetation cover", "植被覆盖度", "%", "1", "ecological", "pop_mean", 2),
    ("fiscal_revenue", "General public budget revenue", "一般公共预算收入", "10k CNY", "1",
     "fiscal", "sum", 1),
    ("fiscal_expenditure", "General public budget expenditure", "一般公共预算支出", "10k CNY", "0",
     "fiscal", "sum", 1),
)
POPULATION_INDICATORS = ("population", "population_urban", "population_rural", "minority_share")
TRUTH_INDICATOR = "sai_latent"


@dataclass(frozen=True)
class _Pairings:
    frame: pd.DataFrame        # pairings table rows
    donor: np.ndarray          # per pairing
    recipient: np.ndarray
    start: np.ndarray
    county_row: np.ndarray     # row of the recipient in Population (-1: corps division)


def _nullable(values: np.ndarray) -> np.ndarray:
    """Whole numbers with gaps as floats with NaN (what the importer reads as empty)."""
    return np.asarray(values, dtype=float)


def generate(seed: int = 2010, params: DemoParameters | None = None) -> dict[str, pd.DataFrame]:
    p = params or DemoParameters()
    rng = np.random.default_rng(seed)
    years = np.array(p.years)
    n_years = len(years)
    regions = reference.regions()
    donors = reference.donors()
    pop = reference.population(p)

    pairings = _pairings(rng, p, seed, pop)
    n_pairings = len(pairings.recipient)
    donor_codes = np.array(sorted(donors["code"]))
    tiers = dict(p.donor_capacity)
    capacity = dict(zip(donor_codes, np.array([tiers.get(c, 1.0) for c in donor_codes])
                        * np.exp(rng.normal(0.0, p.donor_capacity_sd, len(donor_codes)))))
    pair_capacity = np.array([capacity[d] for d in pairings.donor])

    # -- sizes and the disbursement matrix (pairings × years) ---------------------------------
    county = pairings.county_row >= 0
    size = np.full((n_pairings, n_years), p.corps_division_size)
    size[county] = pop.total[pairings.county_row[county]]
    active = ((years[None, :] >= pairings.start[:, None]) & (years[None, :] >= p.funds_first_year)
              & ~np.isnan(size))
    noise = np.exp(rng.normal(0.0, p.allocation_noise_sd, (n_pairings, n_years)))
    # the programme's rule (demo/fiscal.py): a share of the donor's lagged revenue, split by size
    weight, revenue = fiscal.rule_weights(p, seed, pairings.donor, active,
                                          np.nan_to_num(size) ** p.allocation_pop_exponent
                                          * noise)
    national = np.zeros(n_years)
    national[years >= p.funds_first_year] = np.array(p.disbursement_bn) * 1e9
    disbursed = national[None, :] * weight / np.where(weight.sum(0) > 0, weight.sum(0), 1.0)

    # pairing-years with money
    py_p, py_y = np.nonzero(active)
    py_amount = disbursed[py_p, py_y]
    py_year = years[py_y]
    py_donor, py_recipient = pairings.donor[py_p], pairings.recipient[py_p]

    flows, shares = _flows(rng, p, py_p, py_y, py_amount, py_year, py_donor, py_recipient, weight,
                           years)

    # -- rates and prices -----------------------------------------------------------------------
    rates = _frame("rates", {"currency": ["USD"] * n_years, "base": ["CNY"] * n_years,
                             "year": years, "rate": np.array(p.usd_cny), "source": RATE_SOURCE})
    flows = _usd_flows(rng, p, flows, dict(zip(years, p.usd_cny)))
    index = np.cumprod(1 + np.array(p.cpi_yoy) / 100)
    index = 100 * index / index[years == p.cpi_base_year][0]
    prices = _frame("prices", {"code": "cpi_cn", "currency": "CNY", "year": years,
                               "value": np.round(index, 4),
                               "source": f"China CPI year-on-year change chained to "
                                         f"{p.cpi_base_year}=100; {RATE_SOURCE}"})

    # -- outcomes -------------------------------------------------------------------------------
    funds_county = np.zeros_like(pop.total)
    funds_county[pairings.county_row[county]] = disbursed[county]
    observations = calibrated_observations(_outcomes, rng, p, pop, funds_county, regions)
    gain = observations.attrs.get("index_response_gain")
    observations = pd.concat([observations, fiscal.revenue_observations(revenue)[
        observations.columns]], ignore_index=True)
    if gain is not None:  # concat drops attrs: keep the solved gain (demo/outcomes.py)
        observations.attrs["index_response_gain"] = gain
    regions = pd.concat([regions, fiscal.donor_regions()], ignore_index=True)

    # -- projects, personnel, enterprises -----------------------------------------------------
    projects, outputs = activities.projects(rng, p, py_p, py_year, py_amount, py_donor, py_recipient,
                                  shares, national, years, regions)
    py_size = size[py_p, py_y]
    personnel = activities.personnel(rng, p, py_year, py_donor, py_recipient, py_size,
                           pair_capacity[py_p])
    enterprises = activities.enterprises(rng, p, py_year, py_donor, py_recipient, weight[py_p, py_y])

    planted = None
    if p.plant_anomalies:
        flows, projects, outputs, planted = plant(np.random.default_rng([seed, p.planted_stream]),
                                                   p, flows, projects, outputs)
    frames = {
        "regions": _frame("regions", {**{c: regions[c].to_numpy(dtype=object)
                                         for c in ("code", "name_zh", "name_en", "level",
                                                   "parent_code")},
                                      "valid_from": _nullable(regions["valid_from"].astype(float)),
                                      "valid_to": _nullable(regions["valid_to"].astype(float))}),
        "crosswalk": _frame("crosswalk", reference.crosswalk().to_dict(orient="list")),
        "donors": _frame("donors", donors.to_dict(orient="list")),
        "pairings": pairings.frame,
        "projects": projects,
        "outputs": outputs,
        "flows": flows,
        "personnel": personnel,
        "enterprises": enterprises,
        "coverage": _coverage(pairings.frame, int(years.max())),
        "indicators": _frame("indicators", {
            k: [row[i] for row in INDICATORS] for i, k in enumerate(
                ("code", "name_en", "name_zh", "unit", "direction", "dimension", "aggregation"))}),
        "observations": observations,
        "rates": rates,
        "prices": prices,
    }
    if planted is not None:
        frames["flows"].attrs["planted_anomalies"] = planted
    return frames


def _coverage(pairings: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """The demo's flows are complete by construction: every pairing, its start to its end (or
    the last demo year), is declared complete (a pairing-year without flows is a recorded 0)."""
    end = pd.to_numeric(pairings["end_year"]).fillna(last_year).clip(upper=last_year)
    return _frame("coverage", {
        "donor": pairings["donor"].to_numpy(dtype=object),
        "recipient": pairings["recipient"].to_numpy(dtype=object),
        "year_from": pairings["start_year"].to_numpy(),
        "year_to": end.astype(int).to_numpy(),
        "source": ["demo: complete by construction"] * len(pairings),
        "round": pairings["round"].to_numpy()})


# -- pairings ----------------------------------------------------------------------------------
def _pairings(rng: np.random.Generator, p: DemoParameters, seed: int,
              pop: reference.Population) -> _Pairings:
    listed = reference.pairing_list()
    donor_codes = sorted(listed["donor"].unique())
    order = rng.permutation(donor_codes)
    start_by_donor = dict.fromkeys(donor_codes, p.default_start)
    position = 0
    for year, count in p.late_starts:
        for code in order[position:position + count]:
            start_by_donor[str(code)] = year
        position += count
    donor = listed["donor"].to_numpy(dtype=object)
    recipient = listed["recipient"].to_numpy(dtype=object)
    donor_start = np.array([start_by_donor[d] for d in donor])
    created = np.array([reference.CREATED.get(r, p.first_year) for r in recipient])
    start = np.maximum(donor_start, created)
    notes = []
    for base, d_start, c_start, s in zip(listed["notes"], donor_start, created, start):
        if d_start == p.default_start:
            extra = [f"start year {d_start}: the round's funds began in {p.default_start} (the "
                     f"demo's staggered start years for other donors are SYNTHETIC)"]
        else:
            extra = [f"start year {d_start} is SYNTHETIC (staggered adoption drawn for the demo "
                     f"with seed {seed}; the real 2010 round's funds began in {p.default_start})"]
        if c_start > d_start:
            extra.append(f"starts {s}, when the unit was created")
        notes.append("; ".join([*base, *extra]))
    row_of = {code: i for i, code in enumerate(pop.codes)}
    county_row = np.array([row_of.get(r, -1) for r in recipient])
    is_corps = np.array([r.startswith(reference.CORPS[0]) for r in recipient])
    if ((county_row < 0) & ~is_corps).any():
        raise reference.DemoDataError("a paired county has no census population")
    frame = _frame("pairings", {"donor": donor, "recipient": recipient, "start_year": start,
                                "end_year": np.full(len(start), np.nan), "round": p.round,
                                "note": np.array(notes, dtype=object)})
    frame["round"] = p.round
    return _Pairings(frame, donor, recipient, start, county_row)


# -- flows -------------------------------------------------------------------------------------
def _flows(rng, p: DemoParameters, py_p, py_y, py_amount, py_year, py_donor, py_recipient,
           weight, years):
    n_py = len(py_p)
    sector_codes = np.array([code for code, _ in p.sectors])
    alpha = np.array([a for _, a in p.sectors])
    n_sectors = len(sector_codes)
    drop = rng.integers(0, n_sectors - p.sectors_min + 1, n_py)
    ranks = rng.random((n_py, n_sectors)).argsort(1).argsort(1)
    keep = ranks >= drop[:, None]
    raw = rng.gamma(alpha[None, :], 1.0, (n_py, n_sectors)) * keep
    shares = raw / raw.sum(1, keepdims=True)
    commit_ratio = rng.uniform(*p.commitment_ratio, n_py)
    spent = rng.random(n_py) < p.expenditure_share
    spend_ratio = rng.uniform(*p.expenditure_ratio, n_py)

    row, col = np.nonzero(keep)
    by_sector = py_amount[row] * shares[row, col]
    parts = []
    for kind, amount, mask in (
        ("disbursement", by_sector, np.ones(len(row), bool)),
        ("commitment", by_sector / commit_ratio[row], np.ones(len(row), bool)),
        ("expenditure", by_sector * spend_ratio[row], spent[row]),
    ):
        parts.append(pd.DataFrame({
            "donor": py_donor[row][mask], "recipient": py_recipient[row][mask],
            "year": py_year[row][mask], "kind": kind, "amount": np.round(amount[mask]),
            "sector": sector_codes[col][mask]}))

    # investment secured: yearly totals ∝ national funds ** exponent, 2012–2024 = total
    national = np.zeros(len(years))
    national[years >= p.funds_first_year] = np.array(p.disbursement_bn)
    scale = national ** p.investment_exponent
    counted = (years >= p.investment_window[0]) & (years <= p.investment_window[1])
    yearly = p.investment_total * scale / scale[counted].sum()
    w = weight[py_p, py_y] * np.exp(rng.normal(0.0, p.investment_noise_sd, n_py))
    totals = np.bincount(py_y, weights=w, minlength=len(years))
    parts.append(pd.DataFrame({
        "donor": py_donor, "recipient": py_recipient, "year": py_year,
        "kind": "investment_secured", "amount": np.round(yearly[py_y] * w / totals[py_y]),
        "sector": p.investment_sector}))
    flows = pd.concat(parts, ignore_index=True)
    flows = flows.assign(currency="CNY", project=None, source=SOURCE, ref=None, round=None)
    flows = flows.sort_values(["donor", "recipient", "year", "kind", "sector"], kind="stable")
    return flows[list(TABLES["flows"].column_names)].reset_index(drop=True), shares


def _usd_flows(rng, p: DemoParameters, flows: pd.DataFrame, usd_cny: dict) -> pd.DataFrame:
    """Re-express a few disbursements of one donor in USD (whole dollars) to exercise conversion."""
    if p.usd_flows <= 0:
        return flows
    donor = rng.choice(sorted(flows["donor"].unique()))
    candidates = np.flatnonzero(((flows["donor"] == donor)
                                 & (flows["kind"] == "disbursement")).to_numpy())
    chosen = np.sort(rng.choice(candidates, min(p.usd_flows, len(candidates)), replace=False))
    flows = flows.copy()
    rate = flows["year"].iloc[chosen].map(usd_cny).to_numpy()
    flows.loc[chosen, "amount"] = np.round(flows["amount"].iloc[chosen].to_numpy() / rate)
    flows.loc[chosen, "currency"] = "USD"
    return flows


# -- outcomes ----------------------------------------------------------------------------------
def _outcomes(rng, p: DemoParameters, pop: reference.Population, funds: np.ndarray,
              regions: pd.DataFrame) -> pd.DataFrame:
    years = pop.years
    n, m = pop.total.shape
    exists = ~np.isnan(pop.total)
    total = np.where(exists, pop.total, np.nan)
    urban, rural = pop.urban, pop.rural
    x = (years - p.first_year)[None, :].astype(float)

    def unit(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, (n, 1))

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, (n, m))

    # latent index: log S = a_i + g_t + b_i log(F / F_ref) [treated] + e
    a = np.log(p.sai_level) + unit(p.sai_unit_sd)
    g = p.sai_trend * x + rng.normal(0.0, p.sai_year_sd, (1, m))
    # b_i ~ N(mean, sd²), re-centred so the counties' average elasticity is exactly the planted mean
    z = rng.normal(0.0, 1.0, (n, 1))
    b = p.elasticity_mean + p.elasticity_sd * (z - z.mean())
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = funds / total
    treated = exists & (per_person > 0)
    dose = np.where(treated, np.log(np.where(treated, per_person, 1.0) / p.funds_reference), 0.0)
    log_s = a + g + b * dose + noise(p.sai_noise_sd)
    # the components respond to a calibrated signal, so that the index built from them shows
    # the published elasticity (demo/outcomes.py)
    s = component_signal(log_s - np.log(p.sai_level), b, per_person, treated,
                         p.index_response_gain)
    amplified = s - (log_s - np.log(p.sai_level))

    urban_share = np.nanmean(urban / total, axis=1, keepdims=True) - p.urban_share_centre
    oil = np.isin(pop.codes, [c for c in regions["code"] if c.startswith("6502")
                              and c != "650200"])[:, None]
    values: dict[str, np.ndarray] = {}

    # economic
    gdp_pc = np.exp(p.gdp_urban_slope * urban_share + unit(p.gdp_unit_sd)
                    + p.gdp_oil_premium * oil)
    gdp_raw = total * gdp_pc * np.exp(p.gdp_response * s + noise(p.gdp_noise_sd))
    level = np.concatenate([[1.0], np.cumprod(1 + np.array(p.gdp_growth))])
    target = p.gdp_2012_total * level / level[years == 2012][0]
    gdp = gdp_raw * (target / np.nansum(gdp_raw, axis=0))[None, :]
    values["gdp"] = gdp / 1e4
    farm_people = np.maximum(rural, p.farm_floor_share * total)
    agri = (farm_people * p.agri_per_rural_2008
            * np.exp(p.agri_trend * x + unit(p.agri_unit_sd) + p.agri_response * s
                     + noise(p.agri_noise_sd)))
    values["agri_output"] = agri / 1e4
    values["grain_yield"] = p.grain_yield_2008 * np.exp(
        p.grain_trend * x + unit(p.grain_unit_sd) + p.grain_response * s + noise(p.grain_noise_sd))
    rural_income = p.rural_income_2008 * np.exp(
        p.rural_income_trend * x + p.rural_income_urban_slope * urban_share
        + unit(p.rural_income_unit_sd) + p.rural_income_response * s + noise(p.income_noise_sd))
    urban_income = p.urban_income_2008 * np.exp(
        p.urban_income_trend * x + p.urban_income_urban_slope * urban_share
        + unit(p.urban_income_unit_sd) + p.urban_income_response * s + noise(p.income_noise_sd)
        # urban incomes follow the amplified part as rural ones do: the income gap keeps its
        # planted response, not one the calibration would blow up to ratios below 1
        + (p.rural_income_response - p.urban_income_response) * amplified)
    values["rural_income"] = rural_income
    values["urban_income"] = urban_income

    # ecological (cultivated land first: machinery and inputs scale with it)
    farm_base = np.nanmean(farm_people, axis=1, keepdims=True)
    cultivated = farm_base * p.cultivated_ha_per_rural * np.exp(
        p.cultivated_trend * x + unit(p.cultivated_unit_sd) + p.cultivated_response * s
        + noise(p.cultivated_noise_sd))
    logit = (np.log(p.irrigated_share / (1 - p.irrigated_share)) + unit(p.irrigated_unit_sd)
             + p.irrigated_trend * x + p.irrigated_response * s)
    irrigated = cultivated / (1 + np.exp(-logit))
    water = irrigated * p.water_m3_per_ha * np.exp(
        p.water_trend * x + unit(p.water_unit_sd) + p.water_response * s + noise(p.water_noise_sd))
    peak = p.chemicals_peak_year - p.first_year
    chem_trend = p.chemicals_trend * (np.minimum(x, peak) - np.maximum(x - peak, 0))
    values["machinery_power"] = cultivated * p.machinery_kw_per_ha * np.exp(
        p.machinery_trend * x + unit(p.machinery_unit_sd) + p.machinery_response * s
        + noise(p.machinery_noise_sd))
    values["income_gap"] = urban_income / rural_income
    values["rural_pop_share"] = 100 * rural / total
    values["cultivated_area"] = cultivated
    values["irrigated_area"] = irrigated
    values["water_withdrawal_agri"] = water / 1e4
    values["water_per_output"] = water / (agri / 1e4)  # m3 per 10k CNY
    values["fertiliser_intensity"] = p.fertiliser_kg_per_ha * np.exp(
        chem_trend + unit(p.chemicals_unit_sd) + p.chemicals_response * s
        + noise(p.chemicals_noise_sd))
    values["pesticide_intensity"] = p.pesticide_kg_per_ha * np.exp(
        p.pesticide_trend_factor * chem_trend + unit(p.chemicals_unit_sd) + p.chemicals_response * s
        + noise(p.chemicals_noise_sd))
    values["vegetation_cover"] = np.clip(p.vegetation_cover_pct * np.exp(
        unit(p.vegetation_unit_sd) + p.vegetation_trend * x + p.vegetation_response * s
        + noise(p.vegetation_noise_sd)), *p.vegetation_cover_range)

    # fiscal
    values["fiscal_revenue"] = gdp * p.revenue_share_of_gdp * np.exp(
        unit(p.revenue_unit_sd) + noise(p.revenue_noise_sd)) / 1e4
    values["fiscal_expenditure"] = (total * p.spending_per_person_2008 * np.exp(
        p.spending_trend * x + unit(p.spending_unit_sd) + noise(p.spending_noise_sd))
        + p.spending_share_of_gdp * gdp) / 1e4

    # missing data: ~3 % at random, plus a few whole county-years (never population or truth)
    outcome_codes = [code for code, *_ in INDICATORS
                     if code not in POPULATION_INDICATORS and code != TRUTH_INDICATOR]
    missing = rng.random((len(outcome_codes), n, m)) < p.missing_share
    cells = np.flatnonzero(exists.ravel())
    gone = rng.choice(cells, p.missing_county_years, replace=False)
    missing.reshape(len(outcome_codes), -1)[:, gone] = True

    decimals = {code: d for code, *_, d in INDICATORS}
    series = {
        "population": (total, None), "population_urban": (urban, None),
        "population_rural": (rural, None), "minority_share": (pop.minority_pct, None),
        TRUTH_INDICATOR: (np.exp(log_s), None),
        **{code: (values[code], missing[k]) for k, code in enumerate(outcome_codes)},
    }
    parts = []
    for code, (matrix, lost) in series.items():
        keep = exists if lost is None else exists & ~lost
        i, t = np.nonzero(keep)
        value = matrix[i, t]
        if decimals[code] is not None:
            value = np.round(value, decimals[code])
        if code in POPULATION_INDICATORS:
            census = pop.census_year[i, t]
            source = np.where(census, np.where(years[t] == 2010, reference.CENSUS_SOURCE[2010],
                                               reference.CENSUS_SOURCE[2020]),
                              reference.INTERPOLATED_SOURCE)
            flag = np.where(census, "census", "interpolated")
        else:
            source = SOURCE
            flag = "synthetic_truth" if code == TRUTH_INDICATOR else "synthetic"
        parts.append(pd.DataFrame({"region": pop.codes[i], "year": years[t], "indicator": code,
                                   "value": value, "source": source, "flag": flag}))
    # GDP is also published for prefectures and the region (sum of the counties' true values, so
    # it is there even where a county's own figure is missing)
    parent = regions.set_index("code")["parent_code"]
    county_gdp = pd.DataFrame(values["gdp"], index=pop.codes, columns=years)
    totals = pd.concat([county_gdp.groupby(parent.reindex(pop.codes).to_numpy()).sum(min_count=1),
                        county_gdp.sum(min_count=1).to_frame(reference.PROVINCE[0]).T])
    totals = totals.stack().rename("value").reset_index()
    totals.columns = ["region", "year", "value"]
    parts.append(totals.assign(indicator="gdp", value=totals["value"].round(decimals["gdp"]),
                               source=SOURCE, flag="synthetic"))
    observations = pd.concat(parts, ignore_index=True)
    if not np.isfinite(observations["value"]).all():
        raise AssertionError("demo outcome generation produced a non-finite value")
    return observations[list(TABLES["observations"].column_names)]
