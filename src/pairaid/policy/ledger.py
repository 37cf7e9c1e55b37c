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
    rows = store.query("SELECT region_code AS region, year, value, flag FROM observation "
                       "WHERE indicator_code = :code", {"code": rule.base_indicator})
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
