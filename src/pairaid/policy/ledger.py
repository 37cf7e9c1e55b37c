"""The one bridge from the ledger to `policy/`: the donors' fiscal series, their fiscal bases,
and the recorded disbursements in CNY (nominal), as frames."""

from __future__ import annotations

import pandas as pd

from pairaid.ledger import queries
from pairaid.ledger.store import Store
from pairaid.policy.commitments import Commitments, Compliance, PolicyError, commitments, compliance
from pairaid.policy.need import NeedSpec, need_of
from pairaid.policy.rules import FundingRule


#: every figure of `plan` is in yuan at current prices (rules bind nominal budgets)
MONEY = "CNY, nominal (current) prices"


def plan_label(store: Store, source: str) -> dict:
    """What a plan table or document must carry when it travels: money basis, source,
    synthetic."""
    return {"money": MONEY, "source": source, "synthetic": store.is_synthetic()}


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
                    time_limit: float = 60.0, need: NeedSpec | None = None,
                    node_limit: int | None = None):
    """The optimal pairing of the recipients paired in `year` with the donors, each donor's
    capacity the midpoint of its obligation under `rule` (donors sharing a fiscal base split it
    by their recorded disbursements that year, else evenly), need as `need` says (default:
    population; `policy.need`); with equity of support per resident and per unit of need before
    (recorded flows) and after (the optimal allocation)."""
    from dataclasses import replace

    from pairaid.distribution.inequality import gini, share_bands, theil_decomposition
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
    needs = need_of(_need_inputs(store, recipients, year, need or NeedSpec()), need or NeedSpec())
    problem = MatchingProblem(
        donor_table,
        pd.DataFrame({"recipient": recipients["unit"].to_numpy(),
                      "need": needs["need"].to_numpy(float),
                      "prefecture": recipients["parent"].astype(str).to_numpy()}),
        {r: d for r, d in current.items() if d in capacity and r in set(recipients["unit"])},
        change_penalty, prefecture_penalty)
    result = solve_matching(problem, time_limit=time_limit, node_limit=node_limit)
    population = recipients.set_index("unit")["population"]
    need_weight = needs.set_index("recipient")["need"]
    after = result.assignment.set_index("recipient")["support_yuan"]
    before = disbursed.reindex(population.index)
    # each recipient's recorded disbursements that year beside the optimal support, so the
    # table (CLI, report) shows both sides of the comparison the equity figures summarise
    table = result.assignment
    recorded = table["recipient"].map(before).to_numpy(float)
    result = replace(result, assignment=table.assign(
        recorded_yuan=recorded, recorded_per_need=recorded / table["need"].to_numpy(float),
        support_per_need=table["support_yuan"] / table["need"]))
    groups = recipients.set_index("unit")["parent"].astype(str)
    # census minority share in bands (aggregate places only, as `equity --group minority_band`)
    bands = share_bands(recipients.set_index("unit")["minority_share"]) \
        if "minority_share" in recipients.columns else None
    equity = {}
    for label, money in (("current (recorded flows)", before), ("optimal", after)):
        money = money.reindex(population.index)
        ok = money.notna()
        per_resident = money / population
        per_need = money / need_weight
        equity[label] = {"gini_per_resident": gini(per_resident[ok], population[ok]),
                         "gini_per_unit_of_need": gini(per_need[ok], need_weight[ok]),
                         "theil_between_prefectures": theil_decomposition(
                             per_resident[ok], groups[ok], population[ok]).between
                         if (per_resident[ok] > 0).all() else None}
        banded = ok & bands.notna() if bands is not None else None
        equity[label]["theil_between_minority_bands"] = theil_decomposition(
            per_resident[banded], bands[banded], population[banded]).between \
            if banded is not None and banded.any() and (per_resident[banded] > 0).all() else None
    return result, equity


def _need_inputs(store: Store, recipients: pd.DataFrame, year: int, need: NeedSpec) -> pd.DataFrame:
    """The recipients' need components in `year`, read from the panel (and the index)."""
    inputs = pd.DataFrame({"recipient": recipients["unit"].to_numpy(),
                           "population": recipients["population"].to_numpy(float)})
    if "income_gap" in need.components and "rural_income" in recipients:
        inputs["rural_income"] = recipients["rural_income"].to_numpy()
    if "poverty" in need.components:
        if need.poverty_indicator not in recipients:
            raise PolicyError(f"need component 'poverty': the ledger has no indicator "
                              f"'{need.poverty_indicator}' (name it with --poverty-indicator)")
        inputs["poverty"] = recipients[need.poverty_indicator].to_numpy()
    if "index_deficit" in need.components:
        from pairaid.api import Ledger

        scores = Ledger(store).index().table
        scores = scores[scores["time"] == year].set_index("unit")["score"]
        inputs["index_score"] = scores.reindex(inputs["recipient"]).to_numpy()
    return inputs


def scenario_on_ledger(store: Store, scenario, panel=None):
    """A funding scenario on the ledger, county by county: each paired county's base-year funds
    (disbursed, CNY nominal), outcome, population and donor (its pairing in the base year), the
    range of the programme's funds relative to the base year the data have seen, and the
    elasticity (estimated with `pairaid estimate`'s defaults when the scenario says
    `value = "estimate"`). Donor and county codes the scenario names must be in the ledger.
    `panel`: the ledger's county panel (`build_panel(store, "county")`) when the caller has
    built it already (the report), so it is not built twice."""
    from dataclasses import replace

    from pairaid.panel import build_panel
    from pairaid.policy.scenario import project_counties

    county = panel if panel is not None else build_panel(store, "county")
    panel = county.frame
    if scenario.outcome not in panel:
        raise PolicyError(f"scenario '{scenario.name}': the panel has no outcome "
                          f"'{scenario.outcome}' (an indicator code of the ledger)")
    paired = panel[panel["first_paired_year"].notna()]
    funds = paired.groupby("year")["funds_disbursement"].sum(min_count=1)
    if scenario.base_year not in funds.index or not funds.get(scenario.base_year, 0) > 0:
        raise PolicyError(f"scenario '{scenario.name}': no disbursement recorded in the base year "
                          f"{scenario.base_year}")
    seen = funds[(funds.index <= scenario.base_year) & (funds > 0)] / float(funds[scenario.base_year])
    base = paired[paired["year"] == scenario.base_year]
    if base[scenario.outcome].isna().all():
        raise PolicyError(f"scenario '{scenario.name}': '{scenario.outcome}' is not recorded in "
                          f"{scenario.base_year}")
    donors = _base_year_donors(store, scenario.base_year)
    _check_codes(scenario, set(store.read_table("donors")["code"].astype(str)), set(donors))
    counties = pd.DataFrame({"recipient": base["unit"].astype(str).to_numpy(),
                             "donor": base["unit"].astype(str).map(donors).fillna("").to_numpy(),
                             "population": base["population"].to_numpy(float),
                             "base_funds": base["funds_disbursement"].fillna(0).to_numpy(float),
                             "base_outcome": base[scenario.outcome].to_numpy(float)})
    if scenario.elasticity is None:
        from pairaid.evaluate.ledger import estimate_on_panel

        estimate = estimate_on_panel(county, scenario.outcome, "funds_per_capita")
        row = estimate.tidy().iloc[0]
        scenario = replace(scenario, elasticity=float(row["estimate"]),
                           elasticity_se=float(row["std_error"]))
    return project_counties(scenario, counties, (float(seen.min()), float(seen.max())))


def _base_year_donors(store: Store, year: int) -> dict[str, str]:
    """Each recipient's donor in `year` (its earliest-starting active pairing)."""
    pairings = store.read_table("pairings")
    end = pd.to_numeric(pairings["end_year"], errors="coerce")
    active = pairings[(pairings["start_year"] <= year) & (end.isna() | (end >= year))]
    active = active.sort_values("start_year").drop_duplicates("recipient")
    return dict(zip(active["recipient"].astype(str), active["donor"].astype(str)))


def _check_codes(scenario, donors: set[str], recipients: set[str]) -> None:
    where = f"scenario '{scenario.name}'"
    for donor, _ in scenario.donor_budgets:
        if donor not in donors:
            raise PolicyError(f"{where} [funding.donors]: '{donor}' is not a donor of the ledger")
    for recipient, donor in scenario.pairing:
        if recipient not in recipients:
            raise PolicyError(f"{where} [pairing]: '{recipient}' is not a county paired in "
                              f"{scenario.base_year}")
        if donor not in donors:
            raise PolicyError(f"{where} [pairing]: '{recipient}' = '{donor}': not a donor of "
                              "the ledger")
