"""What each donor owes under a funding rule, and how the recorded flows compare.

Frames in, results out (the ledger is read in `policy.ledger`). Donors that share a fiscal base
(Shenzhen inside Guangdong: the source reports one revenue for both) owe one obligation together.
A year with no recorded flow for a base is "not recorded", never a shortfall: missing is not zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pairaid import jsonable
from pairaid.errors import InputError
from pairaid.policy.rules import FundingRule

BN = 1e9


class PolicyError(InputError):
    """A plan the data cannot support (a year outside the rule, no revenue at all)."""


def _bn(value: float) -> str:
    return "—" if value is None or not np.isfinite(value) else f"{value / BN:,.2f} bn"


@dataclass(frozen=True)
class Commitments:
    rule: FundingRule
    year: int
    #: one row per fiscal base: base, base_name, donors, base_year, revenue_yuan, revenue_flag,
    #: low_yuan, high_yuan (NaN for a floor), arithmetic
    table: pd.DataFrame

    @cached_property
    def missing(self) -> list[str]:
        return self.table.loc[self.table["revenue_yuan"].isna(), "base"].tolist()

    @property
    def total_low(self) -> float:
        return float(self.table["low_yuan"].sum(min_count=1))

    @property
    def total_high(self) -> float | None:
        return None if self.rule.share_high is None else float(self.table["high_yuan"].sum(min_count=1))

    @property
    def base_year(self) -> int:
        return self.year - self.rule.base_lag

    def comparison(self) -> list[str]:
        """The obligation beside the programme's reported figures, and why they differ."""
        lines = []
        for figure in (f for f in self.rule.reported if f.period.isdigit()):  # single years
            lines.append(
                f"Reported: {figure.text} ({figure.source}). The rule's obligation for {self.year} "
                f"is {_bn(self.total_low)}" + (f"–{_bn(self.total_high)}" if self.total_high else "")
                + f" from {self.base_year} revenue of {len(self.table) - len(self.missing)} fiscal "
                "bases. They differ because: the reported figure covers "
                f"{figure.period}, not {self.year}; 'more than' figures are floors; the rule is "
                f"{'a news report of an unpublished decision' if self.rule.status == 'reported' else 'the official text'}"
                " whose base year is " + ("assumed" if self.rule.status == "reported" else "stated")
                + "; and provincial revenue is general budget revenue, while aid may be booked "
                "by cities and departments too.")
        return lines

    def tidy(self) -> pd.DataFrame:
        return self.table.copy()

    to_frame = tidy

    def to_dict(self) -> dict:
        return {"rule": self.rule.name, "rule_status": self.rule.status, "year": self.year,
                "base_year": self.base_year, "share": self.rule.share_text,
                "total_low_yuan": jsonable.number(self.total_low),
                "total_high_yuan": jsonable.number(self.total_high),
                "missing_bases": self.missing, "comparison": self.comparison(),
                "source": self.rule.source,
                "rows": jsonable.records(self.table)}

    def __str__(self) -> str:
        lines = [f"{self.rule.title_en} ({self.rule.status}): obligations for {self.year} = "
                 f"{self.rule.share_text} of {self.rule.base_indicator} in {self.base_year}"]
        for row in self.table.itertuples(index=False):
            lines.append(f"  {row.base_name:<14} {row.donors:<8} {row.arithmetic}")
        total = _bn(self.total_low) + (f"–{_bn(self.total_high)}" if self.total_high else " (floor)")
        lines.append(f"  total: {total} over {len(self.table) - len(self.missing)} fiscal bases"
                     + (f"; no revenue recorded for {', '.join(self.missing)}" if self.missing else ""))
        return "\n".join(lines + self.comparison())


def commitments(rule: FundingRule, year: int, revenue: pd.DataFrame, bases: dict[str, str],
                names: dict[str, str] | None = None) -> Commitments:
    """Each fiscal base's obligation in `year`.

    `revenue`: region, year, value_yuan, flag (e.g. 'synthetic'; empty for official figures);
    `bases`: donor code → fiscal base region code.
    """
    if not rule.covers(year):
        raise PolicyError(f"rule {rule.name} covers {rule.year_from}–{rule.year_to}, not {year}")
    if not bases:
        raise PolicyError("no donor has a fiscal base region (the ledger's donor_fiscal_base "
                          "metadata, or a region named like the donor)")
    base_year = year - rule.base_lag
    found = revenue[revenue["year"] == base_year].drop_duplicates("region").set_index("region")
    by_base: dict[str, list[str]] = {}
    for donor, base in sorted(bases.items()):
        by_base.setdefault(base, []).append(donor)
    rows = []
    for base, donors in by_base.items():
        value = float(found["value_yuan"].get(base, np.nan))
        flag = str(found["flag"].get(base, "") or "official") if np.isfinite(value) else "missing"
        low = rule.share_low * value
        high = rule.share_high * value if rule.share_high is not None else np.nan
        if not np.isfinite(value):
            arithmetic = f"no {rule.base_indicator} recorded for {base_year}"
        else:
            share = (f"{rule.share_low * 100:g} %" if rule.share_high is None else
                     f"{rule.share_low * 100:g}–{rule.share_high * 100:g} %")
            arithmetic = (f"{share} × {_bn(value)} ({base_year}, {flag}) = {_bn(low)}"
                          + (f"–{_bn(high)}" if rule.share_high is not None else " at least"))
        rows.append({"base": base, "base_name": (names or {}).get(base, base),
                     "donors": "+".join(donors), "base_year": base_year, "revenue_yuan": value,
                     "revenue_flag": flag, "low_yuan": low, "high_yuan": high,
                     "arithmetic": arithmetic})
    table = pd.DataFrame(rows)
    if table["revenue_yuan"].isna().all():
        raise PolicyError(f"no {rule.base_indicator} is recorded for any fiscal base in "
                          f"{base_year}; import it as observations of the donors' regions")
    return Commitments(rule, year, table)


@dataclass(frozen=True)
class Compliance:
    rule: FundingRule
    #: base × year: obligation low/high, recorded, status, shortfall, surplus, cumulative figures
    by_year: pd.DataFrame
    #: recipient × year over the first growth years: recorded, expected, ratio
    growth: pd.DataFrame

    def status_counts(self) -> dict[str, int]:
        return self.by_year["status"].value_counts().to_dict()

    def tidy(self) -> pd.DataFrame:
        return self.by_year.copy()

    to_frame = tidy

    def to_dict(self) -> dict:
        return {"rule": self.rule.name, "rule_status": self.rule.status,
                "status_counts": self.status_counts(),
                "caveat": "A year without recorded flows is 'not_recorded', not a shortfall: "
                          "the ledger may not hold every flow (missing is not zero).",
                "by_year": jsonable.records(self.by_year),
                "growth_path": jsonable.records(self.growth)}

    def __str__(self) -> str:
        counts = self.status_counts()
        lines = [f"{self.rule.title_en} ({self.rule.status}): recorded disbursements against "
                 f"{self.rule.share_text} of the lagged {self.rule.base_indicator}",
                 "  " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())),
                 "  caveat: years with no recorded flow are 'not recorded', not shortfalls"]
        for row in self.by_year.itertuples(index=False):
            lines.append(f"  {row.base_name:<14} {row.year}  owed {_bn(row.low_yuan)}"
                         + (f"–{_bn(row.high_yuan)}" if np.isfinite(row.high_yuan) else "+")
                         + f"  recorded {_bn(row.recorded_yuan)}  {row.status}")
        if len(self.growth):
            met = int((self.growth["ratio"] >= 1).sum())
            lines.append(f"  growth path ({self.rule.growth_rate * 100:g} % a year, first "
                         f"{self.rule.growth_years} years): {met} of {len(self.growth)} "
                         "recipient-years at or above it")
        return "\n".join(lines)


def compliance(rule: FundingRule, revenue: pd.DataFrame, bases: dict[str, str],
               flows: pd.DataFrame, year_from: int | None = None, year_to: int | None = None,
               names: dict[str, str] | None = None) -> Compliance:
    """Obligations against recorded flows by fiscal base and year, and the growth path per
    recipient. `flows`: donor, recipient, year, amount_yuan (disbursements, in CNY)."""
    first = max(rule.year_from, year_from or rule.year_from)
    last = min(rule.year_to, year_to or rule.year_to)
    if first > last:
        raise PolicyError(f"rule {rule.name} covers {rule.year_from}–{rule.year_to}: nothing in "
                          f"{year_from}–{year_to}")
    flows = flows.assign(base=flows["donor"].map(bases))
    recorded = flows.dropna(subset=["base"]).groupby(["base", "year"])["amount_yuan"].sum()
    rows = []
    for year in range(first, last + 1):
        owed = commitments(rule, year, revenue, bases, names).table
        for row in owed.itertuples(index=False):
            got = float(recorded.get((row.base, year), np.nan))
            rows.append({"base": row.base, "base_name": row.base_name, "donors": row.donors,
                         "year": year, "low_yuan": row.low_yuan, "high_yuan": row.high_yuan,
                         "recorded_yuan": got})
    table = pd.DataFrame(rows)
    low, high, got = table["low_yuan"], table["high_yuan"], table["recorded_yuan"]
    status = np.select([got.isna(), low.isna(), got < low, high.notna() & (got > high)],
                       ["not_recorded", "no_revenue", "below", "above"], "within")
    table["status"] = status
    table["shortfall_yuan"] = np.where(status == "below", low - got, 0.0)
    table["surplus_yuan"] = np.where(status == "above", got - high, 0.0)
    table = table.sort_values(["base", "year"]).reset_index(drop=True)
    # timing: how much of the obligation to date the recorded flows have caught up with
    table["cumulative_low_yuan"] = table.groupby("base")["low_yuan"].cumsum()
    table["cumulative_recorded_yuan"] = table.groupby("base")["recorded_yuan"].cumsum()
    return Compliance(rule, table, _growth_path(rule, flows, first, last))


def _growth_path(rule: FundingRule, flows: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Each recipient's recorded funds in the rule's first growth years against the path
    `amount(first year) × (1 + rate)^(t − first year)`."""
    columns = ["recipient", "year", "recorded_yuan", "expected_yuan", "ratio"]
    if rule.growth_rate is None:
        return pd.DataFrame(columns=columns)
    end = min(last, rule.year_from + rule.growth_years - 1)
    window = flows[(flows["year"] >= rule.year_from) & (flows["year"] <= end)]
    by = window.groupby(["recipient", "year"])["amount_yuan"].sum().reset_index()
    if by.empty:
        return pd.DataFrame(columns=columns)
    start = by.sort_values("year").drop_duplicates("recipient").set_index("recipient")
    by["expected_yuan"] = by["recipient"].map(start["amount_yuan"]) * (
        1 + rule.growth_rate) ** (by["year"] - by["recipient"].map(start["year"]))
    by = by.rename(columns={"amount_yuan": "recorded_yuan"})
    by["ratio"] = by["recorded_yuan"] / by["expected_yuan"]
    return by[by["year"] >= first][columns].reset_index(drop=True)
