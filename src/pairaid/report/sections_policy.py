"""The report's "rules and alternatives" section (issue 14): what donors owed under the funding
rule against what the ledger records, the pairing that would share support most equally beside
today's, and a funding scenario's fan. It renders the results `collect._policy` produced (the
`pairaid plan` commands' results objects) and computes nothing: the only arithmetic is display
scaling and the scenario's path written as a change from its base year."""

from __future__ import annotations

import pandas as pd

from pairaid.report.geo import prefecture_features
from pairaid.report.i18n import label
from pairaid.report.model import (Chart, Section, money_scale, pick, place_names, readings,
                                  static)
from pairaid.report.text import title


def policy_section(inputs, lang: str) -> Section | None:
    policy = inputs.policy
    if policy is None:
        return None
    found = inputs.findings.get("policy", [])
    names = place_names(inputs, lang)
    nominal = label("policy.prices", lang)
    charts = [Chart("obligation_band", "obligation_band", _obligations(policy.compliance, names),
                    {"currency": "CNY", "scale": money_scale(lang), "prices": nominal},
                    reading=readings(found, lang, ("policy.compliance", "policy.growth")),
                    finding=pick(found, "policy.compliance", "policy.compliance_floor"))]
    if policy.match is not None:
        charts.append(Chart(
            "pairing_support", "pairing_support",
            _pairings(policy.match, policy.match_year, names, lang),
            {"currency": "CNY", "need_label": label("policy.need.population", lang),
             "prices": nominal},
            reading=readings(found, lang, "policy.match"), finding=pick(found, "policy.match")))
        charts.append(Chart(
            "pairing_map", "choropleth", _donor_change(policy.match, names),
            {"features": prefecture_features(), "title_id": "policy.pairing_map.what",
             "unit": "policy.pairing_map.unit", "digits": 0, "year": policy.match_year},
            reading=readings(found, lang, "policy.prefecture_donors"),
            finding=pick(found, "policy.prefecture_donors")))
    if policy.scenario is not None:
        charts.append(Chart(
            "scenario_fan", "scenario_fan", _fan(policy.scenario),
            {"base_year": policy.scenario.scenario.base_year,
             "prices": label("policy.prices_scenario", lang)},
            reading=readings(found, lang, "policy.scenario"),
            finding=pick(found, "policy.scenario")))
    return Section("policy", title("policy", lang), [static("policy.section", lang)], charts)


def _obligations(compliance, names: dict) -> pd.DataFrame:
    table = compliance.by_year
    return pd.DataFrame({"base": table["base"], "base_name": table["base"].map(names).fillna(
        table["base_name"]), "donors": table["donors"], "year": table["year"],
        "low_yuan": table["low_yuan"], "high_yuan": table["high_yuan"],
        "recorded_yuan": table["recorded_yuan"], "status": table["status"]})


def _pairings(match, year: int, names: dict, lang: str) -> pd.DataFrame:
    """One row per recipient and pairing: today's (its recorded flows) and the optimal one."""
    table = match.assignment
    recipient = table["recipient"].map(names).fillna(table["recipient"])
    rows = []
    for pairing, donor, value in (
            (label("policy.pairing.current", lang, year=year), table["current_donor"],
             table["recorded_per_need"]),
            (label("policy.pairing.optimal", lang), table["donor"], table["support_per_need"])):
        rows.append(pd.DataFrame({"recipient": recipient, "code": table["recipient"],
                                  "pairing": pairing, "donor": donor.map(names).fillna(donor),
                                  "per_need": value}))
    return pd.concat(rows, ignore_index=True)


def _donor_change(match, names: dict) -> pd.DataFrame:
    """Per prefecture: the optimal pairing's number of donors minus today's (negative: fewer)."""
    by = match.assignment.groupby("prefecture")
    change = (by["donor"].nunique() - by["current_donor"].nunique()).rename("value")
    return pd.DataFrame({"code": change.index.astype(str),
                         "name": change.index.map(lambda c: names.get(c, c)),
                         "value": change.to_numpy()})


def _fan(projection) -> pd.DataFrame:
    """The projected path as a change from the base year (whose row is zero)."""
    path, base = projection.path, projection.base_outcome
    ceiling = projection.scenario.headroom - 1 if projection.scenario.water_change is not None \
        else float("nan")
    start = pd.DataFrame({"year": [projection.scenario.base_year], "change": [0.0],
                          "low": [0.0], "high": [0.0], "ceiling": [ceiling]})
    ahead = pd.DataFrame({"year": path["year"], "change": path["outcome"] / base - 1,
                          "low": path["low"] / base - 1, "high": path["high"] / base - 1,
                          "ceiling": path["ceiling"] / base - 1})
    return pd.concat([start, ahead], ignore_index=True)
