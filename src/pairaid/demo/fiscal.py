"""The donors' fiscal revenue and the programme's funding rule, for the demo.

The Xinjiang round of 2010 asks each donor to give a share (0.3–0.6 %) of its fiscal revenue.
The demo follows that rule: a donor province's budget in year t is a share of its general budget
revenue in t − 1, split over its recipients by size; each year's national total is then scaled
to the published figure (`DemoParameters.disbursement_bn`), so the totals stay calibrated and
a county's funds move with its donor's revenue — the variation `pairaid estimate --instrument
donor_revenue` uses.

Revenue is stored as observations of each donor's province region (indicator `fiscal_revenue`,
10k CNY), the form issue 14's rule engine reads:

* 2019 is REAL: general public budget revenue by province, China Statistical Yearbook 2020,
  table 7-5 (NBS), copied in `data/revenue_2019_by_province.csv` (see data/NOTICE.md);
* every other year is SYNTHETIC: ``log R_t = log R_2019 + g_d (t − 2019) + u_t − u_2019`` with
  ``g_d ~ N(growth_mean, growth_sd²)`` and AR(1) shocks ``u``; flagged ``synthetic``.

Shenzhen (a donor of its own) is inside Guangdong in the source, so its fiscal base is
Guangdong's, shared with the Guangdong donor. The ledger records which region is each donor's
fiscal base in its metadata (`donor_fiscal_base`, JSON), which `evaluate.instrument` reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.demo import reference
from pairaid.demo.params import DemoParameters

INDICATOR = "fiscal_revenue"  # 10k CNY (the demo's indicator list gives the unit)
REVENUE_FILE = "revenue_2019_by_province.csv"
REAL_YEAR = 2019
REAL_SOURCE = ("China Statistical Yearbook 2020, table 7-5, general public budget revenue "
               "(NBS), via huhuaping/techme")
SYNTHETIC_SOURCE = "synthetic (pairaid demo DGP)"  # = synth.SOURCE; path anchored on 2019

#: donor code → (fiscal base region code, its Chinese name, English name in the revenue table)
DONOR_REGIONS: dict[str, tuple[str, str, str]] = {
    "BJ": ("110000", "北京市", "Beijing"),
    "TJ": ("120000", "天津市", "Tianjin"),
    "HE": ("130000", "河北省", "Hebei"),
    "SX": ("140000", "山西省", "Shanxi"),
    "LN": ("210000", "辽宁省", "Liaoning"),
    "JL": ("220000", "吉林省", "Jilin"),
    "HL": ("230000", "黑龙江省", "Heilongjiang"),
    "SH": ("310000", "上海市", "Shanghai"),
    "JS": ("320000", "江苏省", "Jiangsu"),
    "ZJ": ("330000", "浙江省", "Zhejiang"),
    "AH": ("340000", "安徽省", "Anhui"),
    "FJ": ("350000", "福建省", "Fujian"),
    "JX": ("360000", "江西省", "Jiangxi"),
    "SD": ("370000", "山东省", "Shandong"),
    "HA": ("410000", "河南省", "Henan"),
    "HB": ("420000", "湖北省", "Hubei"),
    "HN": ("430000", "湖南省", "Hunan"),
    "GD": ("440000", "广东省", "Guangdong"),
    "SZ": ("440000", "广东省", "Guangdong"),  # Shenzhen: inside Guangdong in the source
}


def revenue_2019() -> pd.Series:
    """Real 2019 general budget revenue by province, 亿元 (100 million yuan), by English name."""
    table = reference.read_data(REVENUE_FILE, dtype={"gpb_revenue_100m_yuan": float})
    return table.set_index("province_en")["gpb_revenue_100m_yuan"]


def donor_regions() -> pd.DataFrame:
    """The donors' provinces as rows of the regions table (level province, no parent)."""
    rows = [{"code": code, "name_zh": zh, "name_en": en, "level": "province",
             "parent_code": None} for code, zh, en in DONOR_REGIONS.values()]
    return pd.DataFrame(rows).drop_duplicates("code").reset_index(drop=True)


def base_of() -> dict[str, str]:
    """Donor code → the region whose revenue is its fiscal base (the ledger's metadata)."""
    return {donor: code for donor, (code, _, _) in DONOR_REGIONS.items()}


def fiscal_base(donor: np.ndarray) -> np.ndarray:
    """Each pairing's donor's fiscal base region."""
    base = base_of()
    return np.array([base[d] for d in donor], dtype=object)


def revenue_series(p: DemoParameters, seed: int) -> pd.DataFrame:
    """Yearly revenue of every fiscal base region, yuan: columns = years, one row per region.

    Drawn from its own generator (seed, `fiscal_stream`), so adding it changed no other draw."""
    rng = np.random.default_rng([seed, p.fiscal_stream])
    real = revenue_2019()
    bases = sorted({code for code, _, _ in DONOR_REGIONS.values()})
    name_of = {code: en for code, _, en in DONOR_REGIONS.values()}
    years = np.array(p.years)
    growth = rng.normal(p.fiscal_growth_mean, p.fiscal_growth_sd, (len(bases), 1))
    shocks = np.zeros((len(bases), len(years)))
    innovations = rng.normal(0.0, p.fiscal_shock_sd, shocks.shape)
    shocks[:, 0] = innovations[:, 0]
    for t in range(1, len(years)):
        shocks[:, t] = p.fiscal_shock_rho * shocks[:, t - 1] + innovations[:, t]
    anchor = years == REAL_YEAR
    log_path = growth * (years - REAL_YEAR)[None, :] + shocks - shocks[:, anchor]
    level = np.array([real[name_of[b]] for b in bases]) * 1e8  # 亿元 → yuan
    return pd.DataFrame(level[:, None] * np.exp(log_path), index=bases, columns=years)


def rule_weights(p: DemoParameters, seed: int, donor: np.ndarray, active: np.ndarray,
                 size_weight: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Allocation weights (pairings × years) under the rule, and the revenue series.

    A base region's budget in year t = its share × revenue in t − 1; it is split over the
    pairings it funds that year in proportion to `size_weight` (size ** exponent × noise).
    The caller scales each year's column to the published national total."""
    revenue = revenue_series(p, seed)
    rng = np.random.default_rng([seed, p.fiscal_stream, 1])
    share = pd.Series(rng.uniform(*p.fiscal_share_range, len(revenue)), index=revenue.index)
    base = fiscal_base(donor)
    years = np.array(p.years)
    lagged = revenue.shift(1, axis=1)
    lagged[years[0]] = revenue[years[0]]  # the first year has no earlier one: never funded anyway
    budget = (lagged.mul(share, axis=0)).loc[base].to_numpy()  # pairings × years
    w = np.where(active, size_weight, 0.0)
    codes, group = np.unique(base, return_inverse=True)
    totals = np.zeros((len(codes), w.shape[1]))
    np.add.at(totals, group, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(active, budget * w / totals[group], 0.0)
    return weight, revenue


def revenue_observations(revenue: pd.DataFrame) -> pd.DataFrame:
    """The revenue series as observations (10k CNY): 2019 real, other years synthetic."""
    frame = (revenue / 1e4).stack().rename("value").reset_index()
    frame.columns = ["region", "year", "value"]
    real = frame["year"] == REAL_YEAR
    frame["value"] = frame["value"].round(1)  # the real year: exactly 亿元 × 10,000
    frame["indicator"] = INDICATOR
    frame["source"] = np.where(real, REAL_SOURCE, SYNTHETIC_SOURCE)
    frame["flag"] = np.where(real, "official", "synthetic")
    return frame
