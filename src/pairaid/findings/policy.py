"""Findings of the programme's own rules (`pairaid.policy`, issue 14): obligations against the
recorded flows, the growth path, the optimal pairing beside today's, a funding scenario. They
read the results objects' fields; nothing is re-estimated.

A rule is named by its identifier (``xinjiang_2010``, quoted as code), never by its title: the
title's year would be a number in the prose that no finding states. Its share or share range is
stated as numbers (``share_low``, ``share_high``).
"""

from __future__ import annotations

import numpy as np

from pairaid.findings import Finding, finding


def _money(value) -> tuple[float, str, str] | None:
    return None if value is None or not np.isfinite(value) else (float(value), "CNY", "money")


def compliance_findings(result) -> list[Finding]:
    """`policy.compliance` (a share range) or `policy.compliance_floor` (an "at least" share):
    how many fiscal-base-years fall below, within or above the obligation, the money owed and
    recorded over the years with recorded flows, and how many years hold none (missing, not
    zero); then `policy.growth`, the growth path per recipient area."""
    rule, table = result.rule, result.by_year
    counts = result.status_counts()
    recorded = table[table["recorded_yuan"].notna() & table["low_yuan"].notna()]
    floor = rule.share_high is None
    numbers = dict(
        below=(counts.get("below", 0), "count", "count"),
        within=(counts.get("within", 0), "count", "count"),
        n=(len(recorded), "count", "count"),
        missing=(counts.get("not_recorded", 0), "count", "count"),
        bases=(table["base"].nunique(), "count", "count"),
        first=(int(table["year"].min()), "year", "year"),
        last=(int(table["year"].max()), "year", "year"),
        share_low=(rule.share_low, "share", "threshold"),
        owed_low=_money(recorded["low_yuan"].sum()),
        got=_money(recorded["recorded_yuan"].sum()),
        shortfall=_money(table["shortfall_yuan"].sum()))
    if not floor:
        numbers.update(above=(counts.get("above", 0), "count", "count"),
                       share_high=(rule.share_high, "share", "threshold"),
                       owed_high=_money(recorded["high_yuan"].sum()))
    verdict = "flagged" if counts.get("below", 0) else "clean"
    out = [finding("policy.compliance_floor" if floor else "policy.compliance", verdict,
                   {"rule": rule.name}, **numbers)]
    growth = result.growth
    if rule.growth_rate is not None and len(growth):
        met = int((growth["ratio"] >= 1).sum())
        out.append(finding("policy.growth", "describes", {"rule": rule.name},
                           rate=(rule.growth_rate, "share", "threshold"),
                           years=(rule.growth_years, "count", "count"),
                           met=(met, "count", "count"), n=(len(growth), "count", "count"),
                           recipients=(growth["recipient"].nunique(), "count", "count")))
    return out


def match_findings(result, equity: dict, year: int) -> list[Finding]:
    """`policy.match`: the Gini of support per unit of need with the recorded flows and with
    the optimal pairing, how many recipients change donor, and how far the solver's answer may
    be from the best possible (the gap, in shares of all money; 0 = proven optimal)."""
    before = equity["current (recorded flows)"]["gini_per_unit_of_need"]
    after = equity["optimal"]["gini_per_unit_of_need"]
    changed = int((result.assignment["donor"] != result.assignment["current_donor"]).sum())
    verdict = "narrows" if after < before else "widens"
    gap = result.gap if np.isfinite(result.gap) else None
    return [finding("policy.match", verdict, year=(year, "year", "year"),
                    before=(before, "", "statistic"), after=(after, "", "statistic"),
                    changed=(changed, "count", "count"),
                    n=(len(result.assignment), "count", "count"),
                    donors=(len(result.problem.donors), "count", "count"),
                    gap=(gap, "share", "statistic"),
                    nodes=(result.nodes, "count", "count")),
            _prefecture_donors(result)]


def _prefecture_donors(result) -> Finding:
    """`policy.prefecture_donors` (not under `policy.match`: readings pick keys by prefix):
    donors per prefecture with today's pairing and the optimal one (the "as few donors as
    possible" constraint), how many prefectures would have fewer or more; the report maps it."""
    by = result.assignment.groupby("prefecture")
    now, best = by["current_donor"].nunique(), by["donor"].nunique()
    fewer, more = int((best < now).sum()), int((best > now).sum())
    # narrows: more prefectures gather on fewer donors than spread over more
    return finding("policy.prefecture_donors", "narrows" if fewer > more else "widens",
                   now_mean=(float(now.mean()), "", "statistic"),
                   best_mean=(float(best.mean()), "", "statistic"),
                   fewer=(fewer, "count", "count"), more=(more, "count", "count"),
                   n=(len(now), "count", "count"))


def scenario_findings(projection, name: str | None = None) -> list[Finding]:
    """`policy.scenario`: the outcome's change from the base year to the horizon's last year
    (median and 95 % band), under the scenario's taper, water change and elasticity, with the
    counties left out; `policy.scenario_capped`: whether and from when the water ceiling
    binds. `name`: how the scenario is named (a bundled scenario's identifier; default its
    file's `name`)."""
    s, path = projection.scenario, projection.path
    last = path.iloc[-1]
    base = projection.base_outcome
    out = [finding("policy.scenario", "falls" if last["outcome"] < base else "rises",
                   {"outcome": s.outcome, "scenario": name or s.name},
                   base_year=(s.base_year, "year", "year"), last=(int(last["year"]), "year", "year"),
                   change=(last["outcome"] / base - 1, "share", "estimate"),
                   lo=(last["low"] / base - 1, "share", "ci_low"),
                   hi=(last["high"] / base - 1, "share", "ci_high"),
                   funds=(last["funds_ratio"], "ratio", "ratio"),
                   taper=(s.taper, "share", "value"),
                   b=(s.elasticity, "", "estimate"), se=(s.elasticity_se, "", "std_error"),
                   left_out=(projection.left_out, "count", "count"),
                   held=(projection.held, "count", "count"))]
    if s.water_change is not None:
        first = projection.first_capped_year
        counties = int(path["counties_at_ceiling"].max())
        out.append(finding("policy.scenario_capped", "flagged" if first else "clean",
                           water=(s.water_change, "share", "value"),
                           headroom=(s.headroom, "ratio", "ratio"),
                           last=(int(last["year"]), "year", "year"),
                           first=(first, "year", "year"),
                           counties=(counties, "count", "count"),
                           margin=(1 - last["outcome"] / last["ceiling"], "share", "value")))
    return out
