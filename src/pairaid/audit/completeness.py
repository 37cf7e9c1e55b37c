"""Completeness: missing county-years of each indicator, and rows without a source."""

from __future__ import annotations

import pandas as pd

from pairaid.audit.results import Finding

#: levels whose units carry outcome indicators
COUNTY_LEVELS = ("county",)
POPULATION = "population"


def indicators_without_observations(observations: pd.DataFrame,
                                    indicators: pd.DataFrame) -> Finding:
    """Indicators the ledger defines but holds no observation of, at any level or year."""
    if indicators is None or indicators.empty:
        return Finding("indicators_without_observations", "info", "No indicators defined.")
    observed = set(observations["indicator"])
    empty = indicators[~indicators["code"].isin(observed)][["code", "name_en", "unit"]]
    return Finding(
        "indicators_without_observations", "warning" if len(empty) else "info",
        f"{len(empty)} of {len(indicators)} indicators have no observation at all "
        f"({', '.join(empty['code'].head(10))}): every figure that uses them is missing, not "
        f"zero." if len(empty) else f"Every one of {len(indicators)} indicators has "
        f"observations.", empty.reset_index(drop=True),
        {"indicators": len(indicators), "without_observations": len(empty),
         "expected_false_alarms": 0})


def missing_county_years(observations: pd.DataFrame, regions: pd.DataFrame,
                         indicators: pd.DataFrame | None = None) -> list[Finding]:
    """County-years without a value, per indicator, over the years the indicator is reported.

    A county-year is expected where the county has a population value that year (or, without a
    population indicator, in every year the indicator is reported at all). Indicators with no
    observation at all are named (by `indicators_without_observations` when `indicators` is
    given): "every county-year has a value" is never said of an indicator nobody reported.
    """
    counties = set(regions.loc[regions["level"].isin(COUNTY_LEVELS), "code"])
    obs = observations[observations["region"].isin(counties)]
    empty: list[str] = []
    if indicators is not None and len(indicators):
        empty = sorted(set(indicators["code"]) - set(obs["indicator"]) - {POPULATION})
    if obs.empty:
        return [Finding("missing_county_years", "info",
                        "No county observations recorded: completeness cannot be assessed.")]
    present = obs[["region", "year"]].drop_duplicates()
    base = obs.loc[obs["indicator"] == POPULATION, ["region", "year"]].drop_duplicates()
    parts = []
    for indicator, rows in obs.groupby("indicator", observed=True):
        if indicator == POPULATION:
            continue
        years = rows["year"].unique()
        expected = base if len(base) else present
        expected = expected[expected["year"].isin(years)]
        have = pd.MultiIndex.from_frame(rows[["region", "year"]])
        gone = expected[~pd.MultiIndex.from_frame(expected).isin(have)]
        parts.append(gone.assign(indicator=indicator, expected=len(expected)))
    missing = (pd.concat(parts, ignore_index=True) if parts
               else pd.DataFrame(columns=["region", "year", "indicator", "expected"]))
    per = (missing.groupby("indicator").agg(missing=("region", "size"),
                                            expected=("expected", "first")).reset_index())
    per_county_year = missing.groupby(["region", "year"]).size()
    n_ind = max(obs["indicator"].nunique() - (POPULATION in set(obs["indicator"])), 1)
    mostly = per_county_year[per_county_year > n_ind / 2]
    share = len(missing) / max(int(per["expected"].sum()), 1) if len(per) else 0.0
    return [Finding(
        "missing_county_years", "warning" if len(missing) else "info",
        f"{len(missing):,} county-year values are missing across {len(per)} indicators "
        f"({share:.1%} of those expected); {len(mostly)} county-years lack more than half of the "
        f"indicators (a whole return not filed?)."
        if len(missing) else (
            f"Every county-year has a value for each of the {len(per) or n_ind} indicators "
            f"reported at county level" + (f"; {len(empty)} indicator(s) have no county "
                                           f"observation at all ({', '.join(empty[:10])})."
                                           if empty else ".")),
        missing[["indicator", "region", "year"]].sort_values(["indicator", "region", "year"])
        .reset_index(drop=True),
        {"share": share, "by_indicator": per.to_dict(orient="records"),
         "indicators_without_county_observations": empty, "expected_false_alarms": 0,
         "mostly_missing_county_years": [
            {"region": r, "year": int(y), "missing": int(m)} for (r, y), m in mostly.items()]})]


def without_source(table: pd.DataFrame, name: str, key: list[str]) -> Finding:
    """Rows whose `source` is missing or blank."""
    if table.empty:
        return Finding(f"{name}_without_source", "info", f"No {name} recorded.")
    source = table["source"].astype("string").str.strip()
    gone = table[source.isna() | (source == "")]
    return Finding(
        f"{name}_without_source", "warning" if len(gone) else "info",
        f"{len(gone)} of {len(table):,} {name} have no source: they cannot be traced or verified."
        if len(gone) else f"Every one of {len(table):,} {name} names its source.",
        gone[key].reset_index(drop=True), {"rows": len(table)})
