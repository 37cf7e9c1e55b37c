"""The headline table a reader of a paired-assistance programme expects, from the ledger.

Each figure carries its period, its money basis (currency and prices) and its source; where the
ledger's metadata holds a published figure for the same quantity it is shown beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from pairaid.errors import InputError
from pairaid.ledger import queries
from pairaid.ledger.errors import LedgerError, RecordNotFound
from pairaid.ledger.store import Store, synthetic_flag
from pairaid.money import MoneyBasis, MoneyConverter, Prices

#: Our figure key → the `figure` text of a published figure it can be compared with.
PUBLISHED_MATCH = {
    "funds_disbursed": "paired assistance funds allocated",
    "investment_secured": "investment secured via economic cooperation projects",
    "enterprises": "enterprises introduced",
    "gdp_multiple": "regional GDP",
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None
    unit: str
    period: str
    basis: str
    source: str
    note: str = ""
    published: dict | None = None
    #: the value in constant prices (`Summary.real_basis`); None where prices do not apply
    real: float | None = None
    #: money totals without the extra copies of flows the audit finds entered twice
    excluding_duplicates: float | None = None
    #: outcomes: the same change in paired and never-paired counties over the same years
    #: (``paired``, ``never_paired``, ``paired_units``, ``never_paired_units``, ``period``)
    comparison: dict | None = None
    #: outcomes: what the change is measured over (``level``, ``units``, ``first_value``,
    #: ``last_value``) — `note` says it in English, the report in each language
    coverage: dict | None = None


@dataclass(frozen=True)
class Summary:
    figures: tuple[Figure, ...]
    funds_by_year: pd.DataFrame
    funds_by_donor: pd.DataFrame
    #: donor, recipient (region code), disbursed: who sends how much to whom
    funds_by_pair: pd.DataFrame
    basis: MoneyBasis
    year_from: int
    year_to: int
    synthetic: bool
    notice: str
    #: what `Figure.real` is expressed in ("" when the ledger has no price index)
    real_basis: str = ""
    #: flows identical in every field but their reference (the audit's exact duplicates)
    duplicate_rows: int = 0

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def to_dict(self) -> dict:
        from pairaid.jsonable import records  # full precision (pandas' to_json rounds)

        return {
            "synthetic": self.synthetic, "notice": self.notice,
            "currency": self.basis.currency, "prices": self.basis.prices_label,
            "money_basis": self.basis.label, "real_basis": self.real_basis,
            "duplicate_rows": self.duplicate_rows,
            "period": {"from": self.year_from, "to": self.year_to},
            "figures": [asdict(f) for f in self.figures],
            "funds_by_year": records(self.funds_by_year),
            "funds_by_donor": records(self.funds_by_donor),
            "funds_by_pair": records(self.funds_by_pair),
        }


def summarise(store: Store, year_from: int | None = None, year_to: int | None = None,
              currency: str = "CNY", prices: str | Prices = "nominal",
              compare_published: bool = True) -> Summary:
    """Headline figures over [year_from, year_to] (default: every year the ledger holds).

    Where the ledger's metadata holds a published figure for the same quantity, it is attached
    with the ledger's own value over the published period (as far as the ledger covers it), so
    that like is compared with like."""
    lo, hi = queries.year_span(store)
    year_from = lo if year_from is None else year_from
    year_to = hi if year_to is None else year_to
    if year_from is None or year_to is None:
        raise RecordNotFound("the ledger holds no flows or observations yet: nothing to "
                             "summarise", table="flows", reason="no flows or observations")
    if year_to < year_from:  # the request is wrong, not the ledger (as build_panel says it)
        raise InputError(f"--to {year_to} is before --from {year_from}")
    rates, price_table = store.read_table("rates"), store.read_table("prices")
    converter = MoneyConverter(rates, price_table, currency, prices)
    basis = converter.basis
    period = f"{year_from}–{year_to}"
    rows = queries.flows(store, year_from, year_to)
    flows = rows.groupby(["donor", "year", "kind", "currency"], observed=True)["amount"].sum()\
        .reset_index().astype({"donor": object, "kind": object, "currency": object})
    real_converter = _real_converter(rates, price_table, currency, flows, basis)
    nominal = flows["amount"].copy()
    if len(flows):
        flows["amount"] = converter.convert(nominal, flows["currency"], flows["year"])
    real = (real_converter.convert(nominal, flows["currency"], flows["year"])
            if real_converter is not None and len(flows) else None)
    # (the figures beside a published one need no duplicates or comparison)
    doubled = _duplicate_copies(store, year_from, year_to, converter) if compare_published else {}
    source = "ledger: flow table"
    # money is stated over the years that hold flows, not the ledger's whole span
    money_period = (f"{int(flows['year'].min())}–{int(flows['year'].max())}" if len(flows)
                    else period)

    def kind_total(kind: str, amounts=None) -> float:
        amounts = flows["amount"] if amounts is None else amounts
        return float(amounts[flows["kind"] == kind].sum())

    def money(key: str, label: str, kind: str) -> Figure:
        return Figure(key, label, kind_total(kind), basis.currency, money_period, basis.label,
                      source, real=None if real is None else kind_total(kind, real),
                      excluding_duplicates=kind_total(kind) - doubled.get(kind, 0.0))

    committed, disbursed = kind_total("commitment"), kind_total("disbursement")
    figures = [
        money("funds_committed", "Funds committed", "commitment"),
        money("funds_disbursed", "Funds disbursed", "disbursement"),
        Figure("disbursement_ratio", "Disbursed / committed",
               disbursed / committed if committed else None, "ratio", money_period, basis.label,
               source),
        money("investment_secured", "Investment secured", "investment_secured"),
    ]
    figures += _enterprise_figures(store, year_from, year_to, converter, period)
    figures += _personnel_and_projects(store, year_from, year_to, period)
    figures += _outcome_growth(store, year_from, year_to, real_converter, compare_published)
    meta = store.meta()
    published = _published(meta) if compare_published else {}
    same_period: dict[tuple[int, int], Summary] = {}  # published figures often share a period
    for key, entry in published.items():
        span = re.fullmatch(r"(\d{4})-(\d{4})", str(entry.get("period", "")))
        if not span or lo is None:
            continue
        first, last = max(int(span.group(1)), lo), min(int(span.group(2)), hi)
        if first <= last:
            if (first, last) not in same_period:
                same_period[first, last] = summarise(store, first, last, currency, prices,
                                                     compare_published=False)
            same = same_period[first, last]
            published[key] = {**entry, "ledger_period": f"{first}–{last}",
                              "ledger_value": same.figure(key).value}
    figures = [Figure(**{**asdict(f), "published": published.get(f.key)}) for f in figures]
    return Summary(tuple(figures), _by_year(flows), _by_donor(store, flows),
                   _by_pair(rows, converter), basis, year_from, year_to,
                   synthetic_flag(meta), meta.get("synthetic_notice", ""),
                   real_converter.basis.label if real_converter is not None else "",
                   int(doubled.get("rows", 0)))


def _real_converter(rates, price_table, currency, flows, basis) -> MoneyConverter | None:
    """Constant prices of the first year with flows (the programme's start), with the ledger's
    price index in the reporting currency; None when there is none or the output is already
    in constant prices."""
    if basis.prices.base_year is not None or not len(flows):
        return None
    try:
        return MoneyConverter(rates, price_table, currency,
                              Prices(int(flows["year"].min())))
    except LedgerError:
        return None


def _duplicate_copies(store: Store, year_from: int, year_to: int,
                      converter: MoneyConverter) -> dict:
    """Per kind of flow, the amount in the extra copies of flows identical in every field but
    their reference (the audit's `exact_duplicates`), and ``rows``: how many rows are involved."""
    groups = queries.duplicate_flow_copies(store, year_from, year_to)
    out: dict = {"rows": int(groups["copies"].sum()) if len(groups) else 0}
    if len(groups):
        amounts = converter.convert(pd.to_numeric(groups["amount"]) * (groups["copies"] - 1),
                                    groups["currency"], groups["year"].astype(int))
        out.update(pd.Series(amounts.to_numpy(), index=groups["kind"].to_numpy())
                   .groupby(level=0).sum().to_dict())
    return out


def _enterprise_figures(store, year_from, year_to, converter, period) -> list[Figure]:
    firms = queries.enterprise_sums(store, year_from, year_to)
    priced = firms[firms["investment"].notna()]
    investment = (float(converter.convert(priced["investment"], priced["currency"],
                                          priced["year"]).sum()) if len(priced) else 0.0)
    source = "ledger: enterprise table"
    return [
        Figure("enterprises", "Enterprises introduced", float(firms["count"].sum()), "count",
               period, "", source),
        Figure("enterprise_investment", "Investment by introduced enterprises", investment,
               converter.basis.currency, period, converter.basis.label, source),
        Figure("enterprise_jobs", "Jobs in introduced enterprises",
               float(pd.to_numeric(firms["jobs"]).sum()), "jobs", period, "", source),
    ]


def _personnel_and_projects(store, year_from, year_to, period) -> list[Figure]:
    people = queries.personnel_sums(store, year_from, year_to)
    projects = queries.project_spans(store)
    in_period = projects[projects["start_year"].between(year_from, year_to)]
    return [
        Figure("personnel", "Personnel dispatched (headcount summed over years)",
               float(people["headcount"].sum()), "person-years", period, "",
               "ledger: personnel table",
               "a person serving two years counts twice"),
        Figure("person_months", "Personnel time", float(pd.to_numeric(people["person_months"]).sum()),
               "person-months", period, "", "ledger: personnel table"),
        Figure("projects", "Projects started", float(len(in_period)), "count", period, "",
               "ledger: project table"),
        Figure("projects_completed", "of which completed",
               float((in_period["status"] == "completed").sum()), "count", period, "",
               "ledger: project table"),
    ]


def _balanced_totals(store: Store, code: str, first: int, last: int,
                     levels: tuple[str, ...] = ("province", "county"),
                     units: set | None = None, wide: pd.DataFrame | None = None,
                     regions: pd.DataFrame | None = None) -> tuple | None:
    """(first-year value, last-year value, years, note, units) of an indicator over the units
    of the first of `levels` that report it in both years (only `units` when given); sums
    add, pop_mean indicators are weighted."""
    meta = queries.indicators(store).set_index("code")
    if code not in meta.index:
        return None
    regions = queries.regions(store) if regions is None else regions
    if wide is None:
        wide = queries.observations_wide(store, [code, "population"], first, last)
    if wide.empty:
        return None
    wide = wide.merge(regions[["code", "level"]], left_on="region", right_on="code")
    for level in levels:
        rows = wide[wide["level"] == level]
        if units is not None:
            rows = rows[rows["region"].isin(units)]
        years = sorted(rows.dropna(subset=[code])["year"].unique())
        if len(years) < 2:
            continue
        y0, y1 = int(years[0]), int(years[-1])
        ends = rows[rows["year"].isin([y0, y1])].pivot_table(
            index="region", columns="year", values=[code, "population"], aggfunc="first")
        ends = ends.dropna(subset=[(code, y0), (code, y1)])
        if meta.loc[code, "aggregation"] == "pop_mean":
            ends = ends.dropna(subset=[("population", y0), ("population", y1)])
            if ends.empty:
                continue
            v0 = np.average(ends[(code, y0)], weights=ends[("population", y0)])
            v1 = np.average(ends[(code, y1)], weights=ends[("population", y1)])
        else:
            v0, v1 = ends[(code, y0)].sum(), ends[(code, y1)].sum()
        n = len(ends)
        note = (f"{level}-level observations; {n} {level} units reporting in both years"
                if level == "county" else "province-level observations")
        return float(v0), float(v1), (y0, y1), note, n
    return None


def _comparison_ends(store: Store, code: str, years: tuple[int, int]) -> dict | None:
    """First- and last-year values (and unit counts) of paired and of never-paired counties."""
    paired = set(queries.pairing_spans(store)["recipient"].astype(str))
    regions = queries.regions(store)
    counties = set(regions.loc[regions["level"] == "county", "code"].astype(str))
    wide = queries.observations_wide(store, [code, "population"], years[0], years[1])
    out = {}
    for name, units in (("paired", counties & paired), ("never_paired", counties - paired)):
        found = _balanced_totals(store, code, years[0], years[1], ("county",), units, wide,
                                 regions)
        if found is None or found[2] != years:
            return None
        out[name] = (found[0], found[1], found[4])
    return out


def _comparison(ends: dict | None, years: tuple[int, int], growth) -> dict | None:
    """`growth(v0, v1, y0, y1)` in paired and in never-paired counties over the same years."""
    if not ends:
        return None
    out = {}
    for name, (v0, v1, n) in ends.items():
        out[name], out[f"{name}_units"] = growth(v0, v1, *years), n
    return {**out, "period": f"{years[0]}–{years[1]}", "level": "county"}


def _outcome_growth(store: Store, year_from: int, year_to: int,
                    real: MoneyConverter | None = None, compare: bool = True) -> list[Figure]:
    def deflated(v0, v1, y0, y1):
        if real is None:
            return None
        values = real.convert(pd.Series([v0, v1]), pd.Series(["CNY", "CNY"]),
                              pd.Series([y0, y1]))
        return float(values.iloc[0]), float(values.iloc[1])

    def multiple(v0, v1, y0, y1):
        return v1 / v0

    def cagr(v0, v1, y0, y1):
        return (v1 / v0) ** (1 / (y1 - y0)) - 1

    def gain(v0, v1, y0, y1):
        return v1 - v0

    def growth(v0, v1, y0, y1):
        return v1 / v0 - 1

    figures = []
    for code, specs in (
            ("gdp", (("gdp_multiple", "Regional GDP, last year / first year", multiple,
                      "ratio"),
                     ("gdp_cagr", "Regional GDP, compound annual growth", cagr, "per year"))),
            ("rural_income", (("rural_income_gain", "Rural disposable income per capita, gain",
                               gain, "CNY per person"),
                              ("rural_income_growth",
                               "Rural disposable income per capita, growth", growth,
                               "share")))):
        found = _balanced_totals(store, code, year_from, year_to)
        if not found:
            continue
        v0, v1, (y0, y1), note, n = found
        level = "province" if note.startswith("province") else "county"
        coverage = {"level": level, "units": n, "first_value": v0, "last_value": v1}
        if code == "rural_income":
            note = f"{v0:,.0f} → {v1:,.0f}; {note}"
        real_ends = deflated(v0, v1, y0, y1)
        ends = _comparison_ends(store, code, (y0, y1)) if compare else None
        for key, label, measure, unit in specs:
            figures.append(Figure(
                key, label, measure(v0, v1, y0, y1), unit, f"{y0}–{y1}", "nominal, as reported",
                f"ledger: observations of {code}", note,
                real=None if real_ends is None else measure(*real_ends, y0, y1),
                comparison=_comparison(ends, (y0, y1), measure), coverage=coverage))
    return figures


def _published(meta: dict[str, str]) -> dict[str, dict]:
    try:
        rows = json.loads(meta.get("published_figures", "[]"))
    except json.JSONDecodeError:
        return {}
    by_name = {r.get("figure"): r for r in rows if isinstance(r, dict)}
    return {key: by_name[name] for key, name in PUBLISHED_MATCH.items() if name in by_name}


def _by_year(flows: pd.DataFrame) -> pd.DataFrame:
    if flows.empty:
        return pd.DataFrame(columns=["year", "committed", "disbursed", "investment_secured"])
    table = flows.pivot_table(index="year", columns="kind", values="amount", aggfunc="sum")
    table = table.reindex(columns=["commitment", "disbursement", "investment_secured"]).fillna(0)
    table.columns = ["committed", "disbursed", "investment_secured"]
    return table.reset_index()


def _by_pair(rows: pd.DataFrame, converter: MoneyConverter) -> pd.DataFrame:
    paid = rows[rows["kind"] == "disbursement"]
    pairs = paid.groupby(["donor", "recipient", "year", "currency"], observed=True)["amount"]\
        .sum().reset_index().astype({"donor": object, "recipient": object, "currency": object})
    if pairs.empty:
        return pd.DataFrame(columns=["donor", "recipient", "disbursed"])
    pairs["amount"] = converter.convert(pairs["amount"], pairs["currency"], pairs["year"])
    table = pairs.groupby(["donor", "recipient"])["amount"].sum().rename("disbursed")
    return table.reset_index().sort_values(["donor", "recipient"], ignore_index=True)


def _by_donor(store: Store, flows: pd.DataFrame) -> pd.DataFrame:
    donors = queries.donors(store).rename(columns={"code": "donor"})
    disbursed = flows[flows["kind"] == "disbursement"].groupby("donor")["amount"].sum()
    table = donors.merge(disbursed.rename("disbursed"), left_on="donor", right_index=True,
                         how="left").fillna({"disbursed": 0.0})
    total = table["disbursed"].sum()
    table["share"] = table["disbursed"] / total if total else np.nan
    return table.sort_values("disbursed", ascending=False, ignore_index=True)[
        ["donor", "name_en", "name_zh", "disbursed", "share"]]
