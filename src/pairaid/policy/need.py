"""Need: what a recipient's claim on support is measured in (issue 14, `plan match --need`).

A need is a weighted combination of components, each a count of residents:

- `population`: the residents;
- `income_gap`: residents × the shortfall of rural income below a reference income (the highest
  recipient's, or one given), as a share of that reference: a county at half the reference
  counts half its residents;
- `index_deficit`: residents × (1 − the county's composite index score, on 0–1);
- `poverty`: residents × a poverty rate (an indicator of the ledger, in % or a 0–1 share).

Each component is rescaled to sum to the recipients' total population before weighting, so the
weights are shares of the need (population=1, income_gap=1 gives both halves of it) and need is
always in "need-weighted residents": support per unit of need reads as yuan per resident, as
support per capita does. A component whose data is missing for a recipient is an error naming
the recipients: missing is not zero, and a zero would move money away from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pairaid.policy.commitments import PolicyError

COMPONENTS = ("population", "income_gap", "index_deficit", "poverty")


@dataclass(frozen=True)
class NeedSpec:
    weights: tuple[tuple[str, float], ...] = (("population", 1.0),)
    reference_income: float | None = None  # None: the highest recipient's rural income
    poverty_indicator: str = "poverty_rate"

    @property
    def components(self) -> tuple[str, ...]:
        return tuple(name for name, weight in self.weights if weight > 0)

    @property
    def label(self) -> str:
        total = sum(w for _, w in self.weights)
        return " + ".join(f"{w / total:.0%} {name.replace('_', ' ')}"
                          for name, w in self.weights if w > 0)


def parse_need(text: str, reference_income: float | None = None,
               poverty_indicator: str = "poverty_rate") -> NeedSpec:
    """`population`, or `population=1,income_gap=0.5`: the message names the bad part."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, raw = part.partition("=")
        name = name.strip()
        if name not in COMPONENTS:
            raise PolicyError(f"--need: unknown component '{name}' (one of {', '.join(COMPONENTS)})")
        if name in weights:
            raise PolicyError(f"--need: component '{name}' given twice")
        try:
            weight = float(raw) if raw.strip() else 1.0
        except ValueError:
            raise PolicyError(f"--need: the weight of '{name}' must be a number, not "
                              f"{raw.strip()!r}") from None
        if not np.isfinite(weight) or weight < 0:
            raise PolicyError(f"--need: the weight of '{name}' must be ≥ 0, not {raw.strip()}")
        weights[name] = weight
    if not weights or sum(weights.values()) <= 0:
        raise PolicyError("--need: give at least one component with a positive weight, e.g. "
                          "population=1,income_gap=1")
    if reference_income is not None and not reference_income > 0:
        raise PolicyError(f"--reference-income must be positive, not {reference_income}")
    return NeedSpec(tuple(weights.items()), reference_income, poverty_indicator)


def need_of(recipients: pd.DataFrame, spec: NeedSpec) -> pd.DataFrame:
    """Per recipient: each component (in residents, rescaled to the total population) and the
    weighted need. `recipients` has recipient, population and, for the components used,
    rural_income, index_score (0–1) and poverty (a rate in % or a 0–1 share)."""
    population = recipients["population"].astype(float)
    if not (population > 0).all():
        raise PolicyError("need: every recipient needs a positive population; not: "
                          + _named(recipients, ~(population > 0)))
    raw: dict[str, pd.Series] = {}
    for name in spec.components:
        if name == "population":
            raw[name] = population
        elif name == "income_gap":
            income = _column(recipients, "rural_income", "income_gap")
            reference = spec.reference_income or float(income.max())
            raw[name] = population * np.clip(reference - income, 0, None) / reference
        elif name == "index_deficit":
            score = _column(recipients, "index_score", "index_deficit")
            raw[name] = population * (1 - np.clip(score, 0, 1))
        else:
            rate = _column(recipients, "poverty", "poverty")
            rate = rate / 100 if rate.max() > 1 else rate
            raw[name] = population * np.clip(rate, 0, 1)
    table = pd.DataFrame({"recipient": recipients["recipient"].to_numpy()})
    total_weight = sum(w for _, w in spec.weights)
    need = np.zeros(len(recipients))
    for name, weight in spec.weights:
        if weight <= 0:
            continue
        values = raw[name].to_numpy(float)
        if values.sum() <= 0:
            raise PolicyError(f"need: component '{name}' is zero for every recipient (e.g. every "
                              "income at the reference), so it cannot share out support")
        scaled = values / values.sum() * population.sum()
        table[name] = scaled
        need += weight / total_weight * scaled
    table["need"] = need
    return table


def _column(recipients: pd.DataFrame, column: str, component: str) -> pd.Series:
    if column not in recipients:
        raise PolicyError(f"need component '{component}': the ledger has no {column} for the "
                          "recipients")
    values = pd.to_numeric(recipients[column], errors="coerce")
    if values.isna().any():
        raise PolicyError(f"need component '{component}': {column} is not recorded for "
                          + _named(recipients, values.isna()) + " (missing is not zero: record it "
                          "or leave the component out)")
    return values.astype(float)


def _named(recipients: pd.DataFrame, mask) -> str:
    names = recipients.loc[np.asarray(mask), "recipient"].astype(str).tolist()
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(names[:5]) + more
