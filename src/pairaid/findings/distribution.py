"""Findings of the distribution analyses: inequality and concentration, fiscal dependence,
environmental decoupling. They read the results objects' fields; nothing is re-estimated."""

from __future__ import annotations

import re

from pairaid.findings import Finding, finding

#: a concentration index this close to zero reads as "in proportion to population"
PROPORTIONAL = 0.01
#: |slope / SE| above this counts as a clear trend (the dependence result's own reading)
CLEAR_T = 1.96


def _units(result) -> dict:
    from pairaid.findings.evaluate import unit_terms

    return unit_terms(getattr(result, "unit_label", "unit"))


def inequality_findings(result, year: int | None = None) -> list[Finding]:
    year = year if year is not None else getattr(result, "year", None)
    out = [finding("inequality.gini", "describes", {"value": result.value, **_units(result)},
                   gini=(result.gini, "", "statistic"),
                   gap=(2 * result.gini, "ratio", "statistic"),
                   units=(result.n_units, "count", "count"), year=(year, "year", "year"),
                   dropped=(result.n_dropped, "count", "count"))]
    part = result.decompositions.get("theil_t")
    if part is not None and result.theil_t:
        out.append(finding("inequality.theil_t", "describes", {"group": result.group_label},
                           theil=(result.theil_t, "", "statistic"),
                           between=(part.between, "", "statistic"),
                           share=(part.between_share, "share", "share")))
    if result.theil_l is None:
        out.append(finding("inequality.theil_l", "undefined",
                           {"value": result.value, **_units(result)}))
    c = result.concentration
    if c is not None:
        verdict = ("proportional" if abs(c.index) < PROPORTIONAL else
                   "pro_poor" if c.index < 0 else "pro_rich")
        out.append(finding("inequality.concentration", verdict,
                           {"value": result.value, "rank_by": result.rank_by,
                            **_units(result)},
                           index=(c.index, "", "estimate"), se=(c.std_error, "", "std_error"),
                           lo=(c.index - 1.96 * c.std_error, "", "ci_low"),
                           hi=(c.index + 1.96 * c.std_error, "", "ci_high")))
    if result.kakwani is not None:
        out.append(finding("inequality.kakwani", "narrows" if result.kakwani < 0 else "widens",
                           {"value": result.value, "rank_by": result.rank_by},
                           need=(result.need_gini, "", "statistic"),
                           kakwani=(result.kakwani, "", "statistic")))
    return out


def group_findings(result) -> list[Finding]:
    """Share of funds against share of population in each published (unsuppressed) group."""
    if result is None or result.group_table is None:
        return []
    table = result.group_table.table
    out = []
    for row in table.itertuples():
        if row.suppressed:
            continue
        ratio = row.value_share / row.population_share if row.population_share else None
        verdict = ("no_change" if ratio is None or abs(ratio - 1) < 0.1 else
                   "rises" if ratio > 1 else "falls")
        # a band of a percentage ("25–50 %", `share_bands`) is stated as its two numbers
        band = re.fullmatch(r"(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?) %", str(row.group))
        out.append(finding("inequality.group.band" if band else "inequality.group", verdict,
                           None if band else {"group": str(row.group)},
                           low=(float(band.group(1)), "%", "threshold") if band else None,
                           high=(float(band.group(2)), "%", "threshold") if band else None,
                           funds=(row.value_share, "share", "share"),
                           people=(row.population_share, "share", "share"),
                           units=(row.n_units, "count", "count")))
    out.append(finding("inequality.suppression", "describes", _units(result),
                       k=(result.group_table.k, "count", "threshold")))
    return out


def dependence_findings(result) -> list[Finding]:
    out = [finding("dependence.scope", "describes",
                   units=(result.table["unit"].nunique(), "count", "count"),
                   unit_years=(len(result.table), "count", "count"),
                   dropped=(result.dropped_missing, "count", "count"))]
    years = result.by_year
    if len(years):
        last = years.iloc[-1]
        out.append(finding("dependence.share", "describes",
                           year=(last["year"], "year", "year"),
                           spending=(last["median_share_of_expenditure"], "share", "share"),
                           revenue=(last["median_share_of_revenue"], "share", "share"),
                           own=(last["median_self_financing"], "share", "share")))
    trends = result.trends[result.trends["recipient"]].dropna(subset=["std_error"])
    if len(trends):
        if {"conf_low", "conf_high"} <= set(trends.columns):
            # the trend's own 95 % interval (serial-correlation-robust where dependence gives it)
            falling = int((trends["conf_high"] < 0).sum())
            rising = int((trends["conf_low"] > 0).sum())
        else:
            t = trends["slope"] / trends["std_error"].where(trends["std_error"] > 0)
            falling, rising = int((t < -CLEAR_T).sum()), int((t > CLEAR_T).sum())
        verdict = ("falls" if falling > len(trends) / 2 else
                   "rises" if rising > len(trends) / 2 else "no_change")
        out.append(finding("dependence.self_financing_trend", verdict,
                           falling=(falling, "count", "count"), rising=(rising, "count", "count"),
                           n=(len(trends), "count", "count"),
                           slope=(float(trends["slope"].median()), "share a year", "estimate"),
                           ci=(0.95, "share", "threshold")))
    if result.taper is not None:
        taper = result.taper
        low, high = taper.conf_int()
        out.append(finding("dependence.taper", "falls" if taper.percent_change < 0 else "rises",
                           cut=(taper.cut, "share", "value"),
                           change=(taper.percent_change, "share", "estimate"),
                           lo=(low, "share", "ci_low"), hi=(high, "share", "ci_high"),
                           elasticity=(taper.elasticity, "", "estimate")))
    return out


def environment_findings(result) -> list[Finding]:
    terms = {"pressure": result.pressure, "output": result.output}
    out = []
    for (start, end), rows in result.decoupling.groupby(["period_start", "period_end"]):
        counts = rows["state"].value_counts()
        strong = int(counts.get("strong decoupling", 0))
        weak = int(counts.get("weak decoupling", 0))
        out.append(finding("environment.decoupling",
                           "decoupled" if strong + weak > len(rows) / 2 else "coupled", terms,
                           strong=(strong, "count", "count"), weak=(weak, "count", "count"),
                           n=(len(rows), "count", "count"), start=(start, "year", "year"),
                           end=(end, "year", "year"),
                           dropped=(result.dropped, "count", "count")))
    for row in result.pressure_changes.dropna(subset=["median_change"]).itertuples():
        out.append(finding("environment.pressure",
                           "falls" if row.median_change < 0 else "rises",
                           {"pressure": row.pressure},
                           change=(row.median_change, "share", "estimate"),
                           units=(row.units, "count", "count"),
                           start=(row.start, "year", "year"), end=(row.end, "year", "year")))
    change = result.decoupling.groupby(["period_start", "period_end"])[
        ["pressure_change", "output_change"]].median().reset_index()
    if len(change):
        last = change.iloc[-1]
        out.append(finding("environment.median_change", "describes", terms,
                           pressure_change=(last["pressure_change"], "share", "estimate"),
                           output_change=(last["output_change"], "share", "estimate"),
                           start=(last["period_start"], "year", "year"),
                           end=(last["period_end"], "year", "year")))
    return out


__all__ = ["inequality_findings", "group_findings", "dependence_findings",
           "environment_findings"]
