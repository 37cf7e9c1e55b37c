"""The one bridge from the ledger to `policy/`: the donors' fiscal series, their fiscal bases,
and the recorded disbursements in CNY (nominal), as frames."""

from __future__ import annotations

import pandas as pd

from pairaid.ledger import queries
from pairaid.ledger.store import Store
from pairaid.policy.commitments import Commitments, Compliance, PolicyError, commitments, compliance
from pairaid.policy.rules import FundingRule


def _revenue(store: Store, rule: FundingRule) -> pd.DataFrame:
    from pairaid.distribution.dependence import money_scale

    indicators = queries.indicators(store).set_index("code")
    if rule.base_indicator not in indicators.index:
        raise PolicyError(f"the ledger has no indicator '{rule.base_indicator}' (the rule's base): "
                          "import the donors' fiscal series as observations first")
    scale = money_scale(indicators.loc[rule.base_indicator, "unit"])
    rows = queries.indicator_values(store, rule.base_indicator)
    rows["value_yuan"] = rows["value"].astype(float) * scale
    rows["flag"] = rows["flag"].fillna("")
    return rows[["region", "year", "value_yuan", "flag"]]


def _bases(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    from pairaid.evaluate.instrument import fiscal_bases

    regions = store.read_table("regions")
    bases = fiscal_bases(store.meta(), store.read_table("donors"), regions)
    return bases, dict(zip(regions["code"], regions["name_en"]))


def commitments_on_ledger(store: Store, rule: FundingRule, year: int) -> Commitments:
    bases, names = _bases(store)
    return commitments(rule, year, _revenue(store, rule), bases, names)


def compliance_on_ledger(store: Store, rule: FundingRule, year_from: int | None = None,
                         year_to: int | None = None) -> Compliance:
    from pairaid.money import MoneyConverter

    bases, names = _bases(store)
    first = max(rule.year_from, year_from or rule.year_from)
    last = min(rule.year_to, year_to or rule.year_to)
    flows = queries.flows(store, first, last)
    flows = flows[flows["kind"] == "disbursement"]
    converter = MoneyConverter(store.read_table("rates"), store.read_table("prices"), "CNY")
    frame = pd.DataFrame({"donor": flows["donor"].astype(str),
                          "recipient": flows["recipient"].astype(str),
                          "year": flows["year"].astype(int),
                          "amount_yuan": converter.convert(flows["amount"], flows["currency"].astype(str),
                                                           flows["year"]).to_numpy()})
    return compliance(rule, _revenue(store, rule), bases, frame, year_from, year_to, names)


def match_on_ledger(store: Store, rule: FundingRule, year: int, *, max_recipients: int | None = None,
                    change_penalty: float = 0.1, prefecture_penalty: float = 0.05,
                    time_limit: float = 60.0):
    """The optimal pairing of the recipients paired in `year` with the donors, each donor's
    capacity the midpoint of its obligation under `rule` (donors sharing a fiscal base split it
    by their recorded disbursements that year, else evenly), need = population; with equity of
    support per resident before (recorded flows) and after (the optimal allocation)."""
    from pairaid.distribution.inequality import gini, theil_decomposition
    from pairaid.panel import build_panel
    from pairaid.policy.matching import MatchingProblem, solve_matching

    owed = commitments_on_ledger(store, rule, year).table.dropna(subset=["revenue_yuan"])
    panel = build_panel(store, "county", year, year).frame
    pairings = store.read_table("pairings")
    end = pd.to_numeric(pairings["end_year"], errors="coerce")
    active = pairings[(pairings["start_year"] <= year) & (end.isna() | (end >= year))]
    current = active.sort_values("start_year").drop_duplicates("recipient")
    current = dict(zip(current["recipient"], current["donor"]))
    recipients = panel[panel["unit"].isin(list(current)) & (panel["population"] > 0)]
    disbursed = panel.set_index("unit")["funds_disbursement"]
    capacity = {}
    for row in owed.itertuples(index=False):
        donors = row.donors.split("+")
        mid = (row.low_yuan + (row.high_yuan if pd.notna(row.high_yuan) else row.low_yuan)) / 2
        given = pd.Series({d: disbursed[[r for r, dd in current.items() if dd == d
                                         and r in disbursed.index]].sum() for d in donors})
        weights = given / given.sum() if given.sum() > 0 else pd.Series(1 / len(donors), index=donors)
        capacity.update({d: mid * weights[d] for d in donors})
    donor_table = pd.DataFrame({"donor": list(capacity), "capacity": list(capacity.values())})
    counts = pd.Series(current).value_counts()
    limit = max_recipients or int(counts.max())
    donor_table["max_recipients"] = limit
    problem = MatchingProblem(
        donor_table,
        pd.DataFrame({"recipient": recipients["unit"].to_numpy(),
                      "need": recipients["population"].to_numpy(float),
                      "prefecture": recipients["parent"].astype(str).to_numpy()}),
        {r: d for r, d in current.items() if d in capacity and r in set(recipients["unit"])},
        change_penalty, prefecture_penalty)
    result = solve_matching(problem, time_limit=time_limit)
    population = recipients.set_index("unit")["population"]
    after = result.assignment.set_index("recipient")["support_yuan"] / population
    before = disbursed.reindex(population.index) / population
    groups = recipients.set_index("unit")["parent"].astype(str)
    equity = {}
    for label, values in (("current (recorded flows)", before), ("optimal", after)):
        values = values.reindex(population.index)
        ok = values.notna()
        equity[label] = {"gini_per_resident": gini(values[ok], population[ok]),
                         "theil_between_prefectures": theil_decomposition(
                             values[ok], groups[ok], population[ok]).between
                         if (values[ok] > 0).all() else None}
    return result, equity


def scenario_on_ledger(store: Store, scenario):
    """A funding scenario on the ledger: base-year funds (disbursed, CNY nominal) and outcome
    (the indicator summed over paired counties), the range of funds relative to the base year
    the data have seen, and the elasticity (estimated with `pairaid estimate`'s defaults when
    the scenario says `value = "estimate"`)."""
    from dataclasses import replace

    from pairaid.panel import build_panel
    from pairaid.policy.scenario import project

    panel = build_panel(store, "county").frame
    if scenario.outcome not in panel:
        raise PolicyError(f"scenario '{scenario.name}': the panel has no outcome "
                          f"'{scenario.outcome}' (an indicator code of the ledger)")
    paired = panel[panel["first_paired_year"].notna()]
    funds = paired.groupby("year")["funds_disbursement"].sum(min_count=1)
    if scenario.base_year not in funds.index or not funds.get(scenario.base_year, 0) > 0:
        raise PolicyError(f"scenario '{scenario.name}': no disbursement recorded in the base year "
                          f"{scenario.base_year}")
    base_funds = float(funds[scenario.base_year])
    seen = funds[(funds.index <= scenario.base_year) & (funds > 0)] / base_funds
    outcome = paired[paired["year"] == scenario.base_year][scenario.outcome]
    if outcome.isna().all():
        raise PolicyError(f"scenario '{scenario.name}': '{scenario.outcome}' is not recorded in "
                          f"{scenario.base_year}")
    if scenario.elasticity is None:
        from pairaid.evaluate.ledger import estimate_on_panel

        estimate = estimate_on_panel(build_panel(store, "county"), scenario.outcome,
                                     "funds_per_capita")
        row = estimate.tidy().iloc[0]
        scenario = replace(scenario, elasticity=float(row["estimate"]),
                           elasticity_se=float(row["std_error"]))
    return project(scenario, base_funds, float(outcome.sum()), (float(seen.min()), float(seen.max())))
