"""Donor-level columns of the panel: each unit's donor (for clustering) and the funding rule's
instrument, the paired donor's lagged revenue per recipient resident.

Frames in, frames out (the ledger reads happen in `evaluate.ledger`).

Donor of a unit: the donor of the pairing that started first; a unit paired with several donors
at once (ties) takes the first donor code in alphabetical order, and the count of such units is
reported. Units never paired have no donor: each is its own cluster (they share no donor shock).

Instrument (issue 11 item 5): the programme's rule makes a donor's budget a share of its
previous year's fiscal revenue, split over its recipients, so

    z_it = R_{b(i), t−1} / Σ_{j paired with a donor of base b(i) in year t} pop_jt

where b(i) is the fiscal base region of unit i's donor (the ledger's metadata
``donor_fiscal_base``, or the region with the donor's Chinese name). Units without population
(corps divisions) do not enter the denominator.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

DONOR_COLUMN = "donor"
INSTRUMENT_COLUMN = "donor_revenue"
REVENUE_INDICATOR = "fiscal_revenue"


def assign_donors(units: pd.Index | list, pairings: pd.DataFrame) -> tuple[pd.Series, int]:
    """Each unit's donor (NaN when never paired) and the number of units with several donors."""
    spans = pairings[pairings["recipient"].isin(list(units))]
    spans = spans.sort_values(["recipient", "start_year", "donor"], kind="stable")
    several = int((spans.groupby("recipient")["donor"].nunique() > 1).sum())
    first = spans.drop_duplicates("recipient").set_index("recipient")["donor"]
    return first.reindex(pd.Index(units)).rename(DONOR_COLUMN), several


def fiscal_bases(meta: dict, donors: pd.DataFrame, regions: pd.DataFrame) -> dict[str, str]:
    """Donor code → fiscal base region: the ledger's ``donor_fiscal_base`` metadata, else the
    region that carries the donor's Chinese name."""
    if meta.get("donor_fiscal_base"):
        return dict(json.loads(meta["donor_fiscal_base"]))
    by_name = dict(zip(regions["name_zh"], regions["code"]))
    return {d: by_name[n] for d, n in zip(donors["code"], donors["name_zh"]) if n in by_name}


def donor_revenue(frame: pd.DataFrame, pairings: pd.DataFrame, revenue: pd.DataFrame,
                  bases: dict[str, str]) -> pd.Series:
    """z_it for every row of the county panel `frame` (unit, year, donor, population);
    `revenue` has region, year, fiscal_revenue. NaN where the unit has no donor, the donor no
    base, or the base no revenue in t − 1."""
    active = pairings.merge(frame[["unit", "year", "population"]], left_on="recipient",
                            right_on="unit")
    end = pd.to_numeric(active["end_year"], errors="coerce").to_numpy(dtype=float)
    start = pd.to_numeric(active["start_year"]).to_numpy(dtype=float)
    year = active["year"].to_numpy(dtype=float)
    active = active[(year >= start) & (np.isnan(end) | (year <= end))]
    active = active.assign(base=active["donor"].map(bases)).dropna(subset=["base"])
    residents = (active.drop_duplicates(["unit", "year", "base"])
                 .groupby(["base", "year"])["population"].sum(min_count=1))
    lagged = revenue.assign(year=revenue["year"] + 1).set_index(["region", "year"])[
        REVENUE_INDICATOR] * 1e4  # 10k CNY -> yuan
    base = frame[DONOR_COLUMN].map(bases)
    key = pd.MultiIndex.from_arrays([base, frame["year"]])
    numerator = lagged.reindex(key).to_numpy()
    denominator = residents.reindex(key).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denominator > 0, numerator / denominator, np.nan)
    return pd.Series(z, index=frame.index, name=INSTRUMENT_COLUMN)
