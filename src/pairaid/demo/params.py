"""Every constant of the demo's synthetic data-generating process, in one frozen dataclass.

Change a number here (or pass `DemoParameters(...)` with some fields replaced) and the whole demo
follows; nothing in `synth.py` hides a magic number of its own. Amounts are in yuan unless a field
says otherwise. See docs/demo.md for what each block means and where the figures come from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoParameters:
    # -- calendar ---------------------------------------------------------------------------
    first_year: int = 2008
    last_year: int = 2024
    #: the pairing round the demo's pairings belong to
    round: int = 2010
    #: the 2010 round's money began to flow in 2011
    default_start: int = 2011
    #: SYNTHETIC staggered adoption: (start year, number of whole donors drawn with the seed)
    late_starts: tuple[tuple[int, int], ...] = ((2013, 3), (2015, 2))

    # -- funds (disbursements) -----------------------------------------------------------------
    #: first year with disbursements; `disbursement_bn` runs from here to `last_year`
    funds_first_year: int = 2011
    #: national disbursement totals, billion yuan, 2011..2024. 2012–2024 sums to 213.8 bn
    #: (published: "over 200 billion yuan", 2012–2025); 2019 = 18.8 bn (published: "more than
    #: 18.8 billion yuan"); 2014–2023 = 171.5 bn (published: "about 170 billion yuan");
    #: +8 %/yr in the first years (the 2010 commitment rule).
    disbursement_bn: tuple[float, ...] = (
        10.0, 10.9, 11.8, 12.8, 13.9, 15.1, 16.3, 17.6, 18.8, 19.0, 19.2, 19.3, 19.5, 19.6,
    )
    #: allocation weight = size ** exponent × donor capacity × lognormal noise
    allocation_pop_exponent: float = 0.8
    allocation_noise_sd: float = 0.25
    #: relative fiscal capacity of donors (others 1.0), times exp(N(0, donor_capacity_sd))
    donor_capacity: tuple[tuple[str, float], ...] = (
        ("BJ", 1.6), ("SH", 1.6), ("GD", 1.5), ("SZ", 1.5), ("JS", 1.3), ("ZJ", 1.3),
        ("SD", 1.3), ("TJ", 1.2),
    )
    donor_capacity_sd: float = 0.15
    #: The programme's rule (demo/fiscal.py): a donor province's yearly budget is a share of its
    #: previous year's general budget revenue (Xinjiang 2010: 0.3–0.6 %), split over its
    #: recipients by size ** allocation_pop_exponent × noise; each year's total is then scaled
    #: to `disbursement_bn`. Revenue: the real 2019 figure (CSY 2020 table 7-5); other years
    #: SYNTHETIC: log R_t = log R_2019 + g_d (t − 2019) + AR(1) shocks, drawn from a second
    #: generator seeded with (seed, fiscal_stream), so the rest of the demo's draws are unchanged.
    fiscal_stream: int = 7
    fiscal_share_range: tuple[float, float] = (0.003, 0.006)
    fiscal_growth_mean: float = 0.07
    fiscal_growth_sd: float = 0.03
    fiscal_shock_sd: float = 0.06
    fiscal_shock_rho: float = 0.5
    #: corps divisions are not in the county census: this stand-in size (persons) is used only to
    #: weight their share of funds, personnel and enterprises; it is never stored
    corps_division_size: float = 250_000.0
    #: disbursement sectors (OECD DAC CRS code, Dirichlet concentration)
    sectors: tuple[tuple[str, float], ...] = (
        ("16030", 3.0),  # housing
        ("11120", 2.5),  # education facilities
        ("12230", 1.5),  # basic health infrastructure
        ("31120", 2.0),  # agricultural development
        ("31140", 2.0),  # agricultural water resources
        ("21020", 1.5),  # road transport
        ("25010", 1.0),  # business support
        ("43040", 2.0),  # rural development
    )
    #: each pairing-year uses between this many and all of the sectors
    sectors_min: int = 6
    #: commitment = disbursement / U(low, high), drawn per pairing-year
    commitment_ratio: tuple[float, float] = (0.88, 0.99)
    #: share of pairing-years with expenditure reported, and expenditure / disbursement range
    expenditure_share: float = 0.60
    expenditure_ratio: tuple[float, float] = (0.92, 0.98)
    #: investment secured through economic cooperation, 2012–2024 total (published: about 3
    #: trillion yuan); yearly totals ∝ disbursement total ** exponent; 2011 gets its share too
    investment_total: float = 3.0e12
    investment_exponent: float = 1.5
    investment_noise_sd: float = 0.5
    investment_sector: str = "25010"
    #: the years whose investment secured sums to `investment_total`
    investment_window: tuple[int, int] = (2012, 2024)
    #: this many disbursements of one donor (drawn with the seed) are recorded in USD
    usd_flows: int = 20

    # -- exchange rates and prices (real-ish annual averages, 2008..2024) -----------------------
    usd_cny: tuple[float, ...] = (
        6.9451, 6.8310, 6.7695, 6.4588, 6.3125, 6.1932, 6.1428, 6.2284, 6.6423, 6.7518, 6.6174,
        6.8985, 6.8976, 6.4515, 6.7261, 7.0467, 7.1217,
    )
    cpi_yoy: tuple[float, ...] = (
        5.9, -0.7, 3.3, 5.4, 2.6, 2.6, 2.0, 1.4, 2.0, 1.6, 2.1, 2.9, 2.5, 0.9, 2.0, 0.2, 0.2,
    )
    cpi_base_year: int = 2012

    # -- latent sustainable-agriculture index (the planted truth) -------------------------------
    sai_level: float = 0.40
    sai_unit_sd: float = 0.20
    sai_trend: float = 0.010
    sai_year_sd: float = 0.02
    #: b_i ~ N(elasticity_mean, elasticity_sd²): the elasticity the evaluation should recover
    elasticity_mean: float = 0.5
    elasticity_sd: float = 0.1
    sai_noise_sd: float = 0.05
    #: F_ref in log(F / F_ref): funds per person at which the treated index equals the untreated
    funds_reference: float = 500.0

    #: county characteristics enter as (mean urban share − this centre)
    urban_share_centre: float = 0.45
    #: farming scales with the rural population, floored at this share of the total (for the
    #: urban districts)
    farm_floor_share: float = 0.01

    # -- economic outcomes ------------------------------------------------------------------------
    #: regional GDP (sum of the counties) in 2012, yuan; later years follow `gdp_growth`
    gdp_2012_total: float = 7.5e11
    #: nominal growth of the regional total, 2009..2024 (2022 / 2012 = 2.05)
    gdp_growth: tuple[float, ...] = (
        0.03, 0.20, 0.17, 0.13, 0.12, 0.09, 0.03, 0.04, 0.11, 0.09, 0.08, 0.01, 0.11, 0.07, 0.075,
        0.06,
    )
    gdp_urban_slope: float = 2.0
    gdp_unit_sd: float = 0.25
    #: oil towns (Karamay's districts) have a much higher GDP per person
    gdp_oil_premium: float = 1.3
    gdp_response: float = 0.3
    gdp_noise_sd: float = 0.03
    agri_per_rural_2008: float = 11_000.0
    agri_trend: float = 0.07
    agri_unit_sd: float = 0.3
    agri_response: float = 0.6
    agri_noise_sd: float = 0.05
    grain_yield_2008: float = 5.5
    grain_trend: float = 0.012
    grain_unit_sd: float = 0.15
    grain_response: float = 0.25
    grain_noise_sd: float = 0.04
    rural_income_2008: float = 3_500.0
    rural_income_trend: float = 0.095
    rural_income_urban_slope: float = 0.5
    rural_income_unit_sd: float = 0.15
    rural_income_response: float = 0.35
    urban_income_2008: float = 11_000.0
    urban_income_trend: float = 0.085
    urban_income_urban_slope: float = 0.2
    urban_income_unit_sd: float = 0.10
    urban_income_response: float = 0.10
    income_noise_sd: float = 0.03
    machinery_kw_per_ha: float = 2.5
    machinery_trend: float = 0.04
    machinery_unit_sd: float = 0.2
    machinery_response: float = 0.3
    machinery_noise_sd: float = 0.05

    # -- ecological outcomes ----------------------------------------------------------------------
    cultivated_ha_per_rural: float = 0.42
    cultivated_trend: float = 0.01
    cultivated_unit_sd: float = 0.35
    cultivated_response: float = 0.05
    cultivated_noise_sd: float = 0.01
    irrigated_share: float = 0.85
    irrigated_unit_sd: float = 0.5
    irrigated_trend: float = 0.03
    irrigated_response: float = 0.5
    water_m3_per_ha: float = 9_500.0
    water_trend: float = -0.012
    water_unit_sd: float = 0.2
    water_response: float = -0.3
    water_noise_sd: float = 0.04
    fertiliser_kg_per_ha: float = 380.0
    pesticide_kg_per_ha: float = 4.5
    #: chemical inputs rise by this log-rate until `chemicals_peak_year`, then fall at the same rate
    chemicals_trend: float = 0.02
    chemicals_peak_year: int = 2015
    chemicals_unit_sd: float = 0.2
    chemicals_response: float = -0.25
    chemicals_noise_sd: float = 0.05
    vegetation_cover_pct: float = 30.0
    vegetation_unit_sd: float = 0.5
    vegetation_trend: float = 0.005
    vegetation_response: float = 0.1
    vegetation_noise_sd: float = 0.02
    vegetation_cover_range: tuple[float, float] = (1.0, 95.0)
    #: pesticide follows the fertiliser trend, damped by this factor
    pesticide_trend_factor: float = 0.8

    # -- fiscal outcomes --------------------------------------------------------------------------
    revenue_share_of_gdp: float = 0.07
    revenue_unit_sd: float = 0.25
    revenue_noise_sd: float = 0.05
    spending_per_person_2008: float = 2_200.0
    spending_trend: float = 0.10
    spending_unit_sd: float = 0.2
    spending_share_of_gdp: float = 0.10
    spending_noise_sd: float = 0.04

    # -- missing data -----------------------------------------------------------------------------
    #: share of outcome observations missing at random (never population or the latent truth)
    missing_share: float = 0.03
    #: county-years with every outcome missing (population stays)
    missing_county_years: int = 6

    # -- projects ---------------------------------------------------------------------------------
    projects_first_year: int = 2012
    #: projects in 2019 (published: 1,935); other years ∝ (funds / funds_2019) ** exponent
    projects_2019: int = 1935
    projects_exponent: float = 0.4
    #: probabilities of lasting 0, 1, 2, 3 years beyond the start year
    project_duration_p: tuple[float, ...] = (0.35, 0.35, 0.2, 0.1)
    project_budget_sd: float = 0.8
    #: budgets of a pairing-year's projects sum to its disbursement × U(low, high)
    project_budget_ratio: tuple[float, float] = (0.9, 1.1)
    project_cancelled_share: float = 0.01
    #: share of projects starting in the last year that are still planned
    project_planned_share: float = 0.2
    #: share of projects reporting a second output
    second_output_share: float = 0.4
    output_noise_sd: float = 0.3
    output_actual_ratio: tuple[float, float] = (0.7, 1.1)
    #: per disbursement sector: project title, and its outputs as
    #: (indicator, unit, cost per unit in yuan, decimals); the first output is always reported
    project_types: tuple[tuple[str, str, tuple[tuple[str, str, float, int], ...]], ...] = (
        ("16030", "Rural housing renovation",
         (("housing_units", "count", 40_000.0, 0),
          ("households_benefited", "households", 30_000.0, 0))),
        ("11120", "School construction",
         (("classrooms", "count", 350_000.0, 0), ("school_places", "places", 15_000.0, 0))),
        ("12230", "Hospital and clinic upgrade",
         (("hospital_beds", "count", 300_000.0, 0), ("clinics_upgraded", "count", 1_500_000.0, 0))),
        ("31120", "Agricultural development and facility farming",
         (("greenhouses", "count", 60_000.0, 0), ("farmers_trained", "persons", 2_000.0, 0))),
        ("31140", "Water-saving irrigation",
         (("irrigated_area", "ha", 20_000.0, 1), ("canal_km", "km", 800_000.0, 1))),
        ("21020", "Rural roads",
         (("road_km", "km", 1_500_000.0, 1), ("bridges", "count", 4_000_000.0, 0))),
        ("25010", "Industrial park and business support",
         (("enterprises_supported", "count", 3_000_000.0, 0),
          ("jobs_created", "jobs", 60_000.0, 0))),
        ("43040", "Village infrastructure and rural development",
         (("villages_upgraded", "count", 3_000_000.0, 0),
          ("households_benefited", "households", 15_000.0, 0))),
    )

    # -- personnel (per 100,000 persons of the recipient, before the size exponent) --------------
    personnel_per_100k: tuple[tuple[str, float], ...] = (
        ("cadre", 8.0), ("teacher", 12.0), ("doctor", 6.0), ("technician", 5.0), ("expert", 2.0),
    )
    personnel_size_exponent: float = 0.8
    person_months: tuple[float, float] = (6.0, 18.0)

    # -- enterprises ------------------------------------------------------------------------------
    enterprises_first_year: int = 2012
    #: expected enterprises introduced 2012–2024 (published: more than 15,000)
    enterprises_total: float = 15_700.0
    #: enterprise sectors (DAC code, relative weight)
    enterprise_sectors: tuple[tuple[str, float], ...] = (
        ("32161", 1.5),  # agro-industries
        ("32163", 1.5),  # textiles, leather and substitutes
        ("32120", 1.0),  # industrial development
        ("32130", 1.0),  # SME development
        ("25010", 0.7),  # business support
        ("33210", 0.5),  # tourism
    )
    enterprise_sector_p: float = 0.55
    enterprise_investment: float = 3.0e7
    enterprise_investment_sd: float = 0.8
    enterprise_cost_per_job: float = 250_000.0
    enterprise_jobs_sd: float = 0.4

    # -- planted anomalies (for `pairaid audit`; drawn from a second generator seeded with
    #    (seed, planted_stream), so the rest of the demo is unchanged) ----------------------------
    plant_anomalies: bool = True
    planted_stream: int = 5
    #: disbursements copied with only `ref` changed ("DUP-n")
    planted_exact_duplicates: int = 5
    #: disbursements copied with `ref` "NEAR-n" and the amount × (1 + U(low, high))
    planted_near_duplicates: int = 5
    planted_near_shift: tuple[float, float] = (0.001, 0.004)
    #: projects whose outputs are divided by U(low, high): cost per unit 10–20× the median
    planted_cost_outliers: int = 10
    planted_cost_factor: tuple[float, float] = (10.0, 20.0)
    #: pairing-years whose commitments are multiplied by these factors (ratio > 1.5 / < 0.3)
    planted_ratio_high: int = 3
    planted_ratio_high_factor: float = 0.5
    planted_ratio_low: int = 3
    planted_ratio_low_factor: float = 4.0
    #: every CNY disbursement of one donor-year rounded to a multiple of this
    planted_round_unit: float = 1e6
    #: flows whose source is left empty
    planted_flows_without_source: int = 20
    #: ongoing projects given a planned end year already past
    planted_delays: int = 3

    # -- derived --------------------------------------------------------------------------------
    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first_year, self.last_year + 1))

    def __post_init__(self) -> None:
        n = self.last_year - self.first_year + 1
        checks = {
            "disbursement_bn": (len(self.disbursement_bn),
                                self.last_year - self.funds_first_year + 1),
            "usd_cny": (len(self.usd_cny), n),
            "cpi_yoy": (len(self.cpi_yoy), n),
            "gdp_growth": (len(self.gdp_growth), n - 1),
        }
        for name, (got, want) in checks.items():
            if got != want:
                raise ValueError(f"DemoParameters.{name} has {got} values, needs {want}")
        if not abs(sum(self.project_duration_p) - 1) < 1e-9:
            raise ValueError("DemoParameters.project_duration_p must sum to 1")
        missing = {code for code, _ in self.sectors} - {code for code, _, _ in self.project_types}
        if missing:
            raise ValueError(f"DemoParameters.project_types lacks sectors {sorted(missing)}")
        if any(len(outputs) != 2 for _, _, outputs in self.project_types):
            raise ValueError("DemoParameters.project_types: give each sector exactly two outputs")
