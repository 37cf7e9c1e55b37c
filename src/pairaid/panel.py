"""The analysis panel: one row per unit (county or prefecture) and year, built from the ledger.

Every later analysis starts from `build_panel`. Money is converted to one currency and prices on
the way out; indicators aggregate up the region hierarchy by their rule:

* ``sum`` — a prefecture's value is the total of its counties, given only when every county of
  the prefecture reports it (a partial total would silently understate);
* ``pop_mean`` — the population-weighted mean of the counties that report both the value and
  their population.

A value observed directly for a prefecture takes precedence over the aggregate. Funds (every
column built from flows) are known for a unit-year only when every pairing active on the unit
that year has flow rows or is declared complete (`pairaid.coverage`); they are 0 when no pairing
is active on the unit, and missing otherwise — "not recorded" is not "recorded zero". The
`flow_coverage` column says which. Personnel, projects and enterprises are 0 where the ledger
records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pairaid import coverage as flow_coverage
from pairaid.errors import InputError
from pairaid.ledger import codes, queries
from pairaid.ledger.errors import LedgerError, LedgerRequestError, RecordNotFound
from pairaid.ledger.store import Store
from pairaid.money import MoneyBasis, MoneyConverter, Prices
from pairaid.results import ResultsMixin

Level = Literal["county", "prefecture"]
LEVELS: dict[str, tuple[str, ...]] = {
    "county": codes.COUNTY_PANEL_LEVELS, "prefecture": codes.PREFECTURE_PANEL_LEVELS,
}
KEY = ["unit", "year"]
#: the panel column that says what a unit-year's funds rest on
FLOW_COVERAGE = "flow_coverage"
#: unit-year statuses beyond the pairing-year ones: no pairing active (zero by construction),
#: and some but not all active pairings recorded (the total would understate: missing)
UNPAIRED, PARTIAL = "no_pairing", "partly_recorded"
_INACTIVE_STATUSES = ("planned", "cancelled")


@dataclass(frozen=True)
class Panel(ResultsMixin):
    frame: pd.DataFrame
    level: Level
    year_from: int
    year_to: int
    basis: MoneyBasis
    indicators: pd.DataFrame
    synthetic: bool
    notes: tuple[str, ...]
    #: what the funds columns rest on (`pairaid.coverage.FlowCoverage`)
    coverage: flow_coverage.FlowCoverage | None = None

    @property
    def description(self) -> str:
        kind = "SYNTHETIC demo data" if self.synthetic else "ledger data"
        text = (f"{self.level} panel {self.year_from}–{self.year_to}: {self.frame['unit'].nunique()} "
                f"units × {self.year_to - self.year_from + 1} years, {len(self.frame)} rows; "
                f"money in {self.basis.label}; {kind}")
        if self.coverage is not None:
            text += f"; {self.coverage.statement}"
        return text

    @property
    def summary(self) -> str:
        return "\n".join([self.description] + [f"note: {n}" for n in self.notes])

    def tidy(self) -> pd.DataFrame:
        """The panel itself: one row per unit and year."""
        return self.frame

    def to_dict(self, rows: bool = True) -> dict:
        from pairaid.jsonable import records

        return {"level": self.level, "year_from": self.year_from, "year_to": self.year_to,
                "currency": self.basis.currency, "prices": self.basis.prices_label,
                "synthetic": self.synthetic, "notes": list(self.notes),
                "coverage": self.coverage.to_dict() if self.coverage else None,
                **({"rows": records(self.frame)} if rows else {})}

    @property
    def funds_missing(self) -> int:
        """Unit-years whose funds are not recorded (missing, not zero)."""
        if FLOW_COVERAGE not in self.frame:
            return 0
        return int((self.frame[FLOW_COVERAGE].isin([PARTIAL, flow_coverage.NOT_RECORDED])).sum())


def unit_of(regions: pd.DataFrame, level: Level) -> pd.Series:
    """For each region code, the panel unit it belongs to at `level` (itself or an ancestor)."""
    targets = LEVELS[level]
    level_of = regions.set_index("code")["level"]
    parent_of = regions.set_index("code")["parent_code"]
    current = regions.set_index("code").index.to_series()
    unit = pd.Series(pd.NA, index=current.index, dtype=object)
    for _ in range(len(codes.REGION_LEVELS) + 1):
        found = unit.isna() & current.notna() & current.map(level_of).isin(targets)
        unit[found] = current[found]
        if not (unit.isna() & current.notna()).any():
            break
        current = current.where(unit.isna()).map(parent_of)
    return unit.dropna()


def build_panel(store: Store, level: Level = "county", year_from: int | None = None,
                year_to: int | None = None, currency: str = "CNY",
                prices: str | Prices = "nominal") -> Panel:
    """Build the unit × year panel from the ledger (see the module docstring for the rules)."""
    if level not in LEVELS:
        raise LedgerRequestError(f"unknown panel level '{level}' (use county or prefecture)",
                                 column="level", reason="unknown level")
    if year_from is None or year_to is None:
        lo, hi = queries.year_span(store)
        year_from = year_from if year_from is not None else lo
        year_to = year_to if year_to is not None else hi
    if year_from is None or year_to is None:
        raise RecordNotFound("the ledger holds no flows or observations yet: nothing to build a "
                             "panel from", table="flows", reason="no flows or observations")
    if year_to < year_from:
        # the request is wrong, not the ledger (a LedgerError: the API answered 503)
        raise InputError(f"--to {year_to} is before --from {year_from}")
    converter = MoneyConverter(store.read_table("rates"), store.read_table("prices"), currency,
                               prices)
    regions = queries.regions(store)
    units = regions[regions["level"].isin(LEVELS[level])]
    if units.empty:
        raise RecordNotFound(f"the ledger has no regions at the {level} level", table="regions",
                             column="level", reason=f"no {level} regions")
    unit_map = unit_of(regions, level)
    years = np.arange(year_from, year_to + 1)
    grid = pd.DataFrame({
        "unit": np.repeat(units["code"].to_numpy(), len(years)),
        "year": np.tile(years, len(units)),
    })
    notes: list[str] = []
    with_flows: list[pd.DataFrame] = []
    parts = [
        _funds(store, year_from, year_to, unit_map, converter, notes, with_flows),
        _personnel(store, year_from, year_to, unit_map),
        _projects(store, years, unit_map),
        _enterprises(store, year_from, year_to, unit_map, converter),
    ]
    frame = grid
    for part in parts:
        frame = frame.merge(part, on=KEY, how="left") if not part.empty else frame
    activity = [c for c in frame.columns if c not in KEY]
    frame[activity] = frame[activity].fillna(0.0)
    status = flow_coverage.pairing_years(store, year_from, year_to,
                                         with_flows[0] if with_flows else None)
    coverage = flow_coverage.summarise_coverage(status, year_from, year_to)
    frame = _apply_coverage(frame, status, unit_map, year_from, notes)
    indicator_meta = queries.indicators(store)
    observed = _indicators(store, indicator_meta, regions, units, level, unit_map, year_from,
                           year_to)
    frame = frame.merge(observed, on=KEY, how="left")
    if codes.POPULATION_INDICATOR in frame and "funds_disbursement" in frame:
        population = frame[codes.POPULATION_INDICATOR].where(frame[codes.POPULATION_INDICATOR] > 0)
        frame.insert(frame.columns.get_loc("funds_disbursement") + 1, "funds_per_capita",
                     frame["funds_disbursement"] / population)
    frame = _describe_units(frame, regions, units, unit_map, store)
    frame["currency"] = converter.basis.currency
    frame["prices"] = converter.basis.prices_label
    synthetic = store.is_synthetic()
    return Panel(frame.sort_values(KEY, ignore_index=True), level, year_from, year_to,
                 converter.basis, indicator_meta, synthetic, tuple(notes), coverage)


def funds_columns(columns) -> list[str]:
    """The panel columns built from flows (missing where flows are not recorded)."""
    return [c for c in columns if c.startswith(("funds_", "disbursement_sector_"))
            or c == "investment_secured"]


def _apply_coverage(frame: pd.DataFrame, status: pd.DataFrame, unit_map: pd.Series,
                    year_from: int, notes: list[str]) -> pd.DataFrame:
    """Funds missing where a unit-year's active pairings are not all recorded (see module doc).

    `frame` is still in grid order (units × years), so each pairing-year finds its row by
    arithmetic and two bincounts count its unit-year's pairings: no merge of the wide frame."""
    years = frame["year"].to_numpy()
    n_years = int(years.max() - year_from + 1) if len(frame) else 1
    units = pd.Index(frame["unit"].to_numpy()[::n_years])
    grid = np.tile(np.arange(year_from, year_from + n_years), len(units))
    if len(grid) != len(years) or not np.array_equal(grid, years):  # merges kept the grid order
        raise LedgerError("internal: the panel lost its unit × year order before coverage")
    unit = status["recipient"].map(unit_map)
    position = units.get_indexer(unit) * n_years + (status["year"].to_numpy(dtype=np.int64)
                                                    - year_from)
    inside = (units.get_indexer(unit) >= 0)
    known = (status["status"] != flow_coverage.NOT_RECORDED).to_numpy()
    active = np.bincount(position[inside], minlength=len(frame))
    recorded = np.bincount(position[inside], weights=known[inside], minlength=len(frame))
    frame[FLOW_COVERAGE] = np.where(
        active == 0, UNPAIRED, np.where(recorded == active, flow_coverage.RECORDED,
                                        np.where(recorded == 0, flow_coverage.NOT_RECORDED,
                                                 PARTIAL)))
    unknown = frame[FLOW_COVERAGE].isin([flow_coverage.NOT_RECORDED, PARTIAL]).to_numpy()
    if unknown.any():
        frame.loc[unknown, funds_columns(frame.columns)] = np.nan
        notes.append(f"funds are missing (not zero) for {int(unknown.sum()):,} unit-years whose "
                     f"pairings have no flows recorded and are not declared complete "
                     f"(`pairaid coverage set` declares a pairing's ledger complete)")
    return frame


def grouped_sum(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Sum of `value` by `keys` (categorical or integer columns), through one np.bincount over
    the dense key space (over the key combinations that occur when that space is sparse): 0.05 s
    for a million flows where DataFrame.groupby takes 0.3 s. Missing keys form their own group;
    empty groups are dropped."""
    codes, levels = [], []
    for key in keys:
        column = frame[key]
        if column.dtype.kind in "iu" and len(column):  # years: the offset is the code
            low = int(column.min())
            codes.append(column.to_numpy() - low)
            levels.append(np.arange(low, int(column.max()) + 1).astype(object))
            continue
        categorical = pd.Categorical(column)
        # code -1 (missing) becomes the last level, so it survives as a group of its own
        codes.append(np.where(categorical.codes < 0, len(categorical.categories), categorical.codes))
        levels.append(np.append(np.asarray(categorical.categories, dtype=object), None))
    dims = tuple(len(level) for level in levels)
    if int(np.prod(dims, dtype=np.float64)) > 50_000_000:  # too sparse for a dense array
        out = frame.groupby(keys, observed=True, dropna=False)[value].sum().reset_index()
        return out.astype({k: object for k in keys if out[k].dtype.name == "category"})
    flat = np.ravel_multi_index(codes, dims)
    weights = frame[value].to_numpy(dtype=float)
    size = int(np.prod(dims))
    if size <= max(4 * len(flat), 1 << 16):
        totals = np.bincount(flat, weights=weights, minlength=size)
        present = np.flatnonzero(np.bincount(flat, minlength=size))
        totals = totals[present]
    else:
        # a sparse key space (recipient × unit × year × kind × currency × sector is ~20 million
        # cells for 24,000 demo flows: two dense arrays took ~1 s): the groups that occur, in
        # the same ascending order, each summed over its rows in the same order
        present, inverse = np.unique(flat, return_inverse=True)
        totals = np.bincount(inverse.ravel(), weights=weights, minlength=len(present))
    positions = np.unravel_index(present, dims)
    out = pd.DataFrame({key: level[position] for key, level, position in zip(keys, levels, positions)})
    for key in keys:
        if frame[key].dtype.kind in "iu":
            out[key] = out[key].astype(np.int64)
    out[value] = totals
    return out


def _to_units(frame: pd.DataFrame, unit_map: pd.Series) -> pd.DataFrame:
    return frame.assign(unit=frame["recipient"].map(unit_map)).dropna(subset=["unit"])


def _funds(store, year_from, year_to, unit_map, converter, notes, with_flows) -> pd.DataFrame:
    rows = queries.flows(store, year_from, year_to)
    # the pairing-years with flows, for the coverage (no second read of the flow table; one
    # bincount over the dense pairing × year space, 5 ms for a million flows)
    span = year_to - year_from + 1
    flat = rows["pairing_id"].to_numpy(dtype=np.int64) * span + (
        rows["year"].to_numpy(dtype=np.int64) - year_from)
    pairs = np.flatnonzero(np.bincount(flat)) if len(flat) else np.zeros(0, dtype=np.int64)
    with_flows.append(pd.DataFrame({"pairing_id": pairs // span, "year": pairs % span + year_from}))
    if rows.empty:
        return pd.DataFrame(columns=KEY)
    # categorical .map maps the few categories, not the million rows
    rows["category"] = rows["sector"].map(codes.sector_category())
    rows["unit"] = rows["recipient"].map(unit_map.to_dict())
    flows = grouped_sum(rows, ["recipient", "unit", "year", "kind", "currency", "category"],
                        "amount")
    flows["amount"] = converter.convert(flows["amount"], flows["currency"], flows["year"])
    inside = flows["unit"].notna()
    mapped, outside = flows[inside], flows[~inside]
    if len(outside):
        notes.append(f"{len(outside)} flow groups ({outside['amount'].sum():,.0f} "
                     f"{converter.basis.currency}) go to regions above this panel's level "
                     f"({', '.join(sorted(outside['recipient'].unique())[:5])}) and are not in it")
    by_kind = mapped.groupby(KEY + ["kind"])["amount"].sum().unstack("kind")
    by_kind = by_kind.reindex(columns=list(codes.FLOW_KINDS))
    by_kind.columns = [c if c == "investment_secured" else f"funds_{c}" for c in by_kind.columns]
    disbursed = mapped[mapped["kind"] == "disbursement"]
    by_sector = disbursed.groupby(KEY + ["category"])["amount"].sum().unstack("category")
    by_sector.columns = [f"disbursement_sector_{c}" for c in by_sector.columns]
    return by_kind.join(by_sector, how="outer").reset_index()


def _personnel(store, year_from, year_to, unit_map) -> pd.DataFrame:
    people = _to_units(queries.personnel_sums(store, year_from, year_to), unit_map)
    if people.empty:
        return pd.DataFrame(columns=KEY)
    totals = people.groupby(KEY)[["headcount", "person_months"]].sum(min_count=1)
    totals.columns = ["personnel_headcount", "personnel_person_months"]
    by_category = people.pivot_table(index=KEY, columns="category", values="headcount",
                                     aggfunc="sum")
    by_category.columns = [f"personnel_{c}" for c in by_category.columns]
    return totals.join(by_category).reset_index()


def _projects(store, years, unit_map) -> pd.DataFrame:
    projects = _to_units(queries.project_spans(store), unit_map)
    if projects.empty:
        return pd.DataFrame(columns=KEY)
    started = projects.groupby(["unit", "start_year"]).size().rename("projects_started")
    started.index.names = KEY
    live = projects[~projects["status"].isin(_INACTIVE_STATUSES)]
    first = live["start_year"].to_numpy(dtype=int)
    last = pd.to_numeric(live["end_year"]).fillna(years[-1]).to_numpy(dtype=int)
    # active in year y when start <= y <= end: a (projects × years) boolean grid, no row loop
    active = (first[:, None] <= years[None, :]) & (years[None, :] <= last[:, None])
    counts = pd.DataFrame(active, columns=years).groupby(live["unit"].to_numpy()).sum()
    active_long = counts.stack().rename("projects_active")
    active_long.index.names = KEY
    return pd.concat([started, active_long], axis=1).reset_index()


def _enterprises(store, year_from, year_to, unit_map, converter) -> pd.DataFrame:
    firms = _to_units(queries.enterprise_sums(store, year_from, year_to), unit_map)
    if firms.empty:
        return pd.DataFrame(columns=KEY)
    priced = firms["investment"].notna()
    firms["investment"] = firms["investment"].astype(float)
    if priced.any():
        firms.loc[priced, "investment"] = converter.convert(
            firms.loc[priced, "investment"], firms.loc[priced, "currency"],
            firms.loc[priced, "year"])
    totals = firms.groupby(KEY)[["count", "investment", "jobs"]].sum(min_count=1)
    totals.columns = ["enterprises", "enterprise_investment", "enterprise_jobs"]
    return totals.reset_index()


def _indicators(store, meta, regions, units, level, unit_map, year_from, year_to) -> pd.DataFrame:
    codes_list = meta["code"].tolist()
    wide = queries.observations_wide(store, codes_list, year_from, year_to, every_indicator=True)
    wide = wide.rename(columns={"region": "unit"})
    wide[codes_list] = wide[codes_list].astype(float)
    direct = wide[wide["unit"].isin(units["code"])]
    if level == "county":
        return direct
    # Prefecture: aggregate the county-level children, then let direct observations win.
    leaf_units = regions[regions["level"].isin(codes.COUNTY_PANEL_LEVELS)
                         & ~regions["level"].isin(LEVELS[level])]
    leaf_parent = pd.Series(leaf_units["code"].map(unit_map).to_numpy(),
                            index=leaf_units["code"].to_numpy()).dropna()
    expected = leaf_parent.value_counts()
    leaves = wide[wide["unit"].isin(leaf_parent.index)].copy()
    leaves["parent"] = leaves["unit"].map(leaf_parent)
    aggregated = _aggregate(leaves, meta, expected)
    combined = direct.set_index(KEY).combine_first(aggregated.set_index(KEY)) if len(aggregated) \
        else direct.set_index(KEY)
    return combined.reindex(columns=codes_list).reset_index()


def _aggregate(leaves: pd.DataFrame, meta: pd.DataFrame, expected: pd.Series) -> pd.DataFrame:
    """Sums (only when every child reports) and population-weighted means, per parent and year."""
    if leaves.empty:
        return pd.DataFrame(columns=KEY)
    group = [leaves["parent"], leaves["year"]]
    out = {}
    sums = meta.loc[meta["aggregation"] == "sum", "code"].tolist()
    means = meta.loc[meta["aggregation"] == "pop_mean", "code"].tolist()
    if sums:
        totals = leaves[sums].groupby(group).sum(min_count=1)
        reporting = leaves[sums].notna().groupby(group).sum()
        complete = reporting.to_numpy() == totals.index.get_level_values(0).map(expected)\
            .to_numpy()[:, None]
        for i, code in enumerate(sums):
            out[code] = totals[code].where(complete[:, i])
    if means:
        population = leaves.get(codes.POPULATION_INDICATOR)
        if population is None:
            raise RecordNotFound("indicators with aggregation pop_mean need a 'population' "
                                 "indicator to weight them", table="indicators",
                                 key={"code": codes.POPULATION_INDICATOR},
                                 reason="no population indicator")
        weight = population.where(population > 0)
        values = leaves[means]
        usable = values.notna() & weight.notna().to_numpy()[:, None]
        weighted = (values.fillna(0) * weight.fillna(0).to_numpy()[:, None]).where(usable, 0)
        weight_sum = usable.mul(weight.fillna(0), axis=0).groupby(group).sum()
        mean = weighted.groupby(group).sum() / weight_sum.where(weight_sum > 0)
        for code in means:
            out[code] = mean[code]
    result = pd.DataFrame(out)
    result.index.names = KEY
    return result.reset_index()


def _describe_units(frame, regions, units, unit_map, store) -> pd.DataFrame:
    """Names, the parent region, and when each unit was first paired (its treatment cohort)."""
    names = units.set_index("code")[["name_en", "name_zh", "level", "parent_code"]]
    pairings = queries.pairing_spans(store)
    # A pairing covers its recipient and every region below it (a prefecture-wide pairing covers
    # the prefecture's counties); at prefecture level it also counts for the prefecture above.
    ancestors = _ancestor_pairs(regions)
    covered = pairings.merge(ancestors, left_on="recipient", right_on="ancestor")
    covered_units = pd.concat([
        covered.assign(unit=covered["code"].map(unit_map)),
        pairings.assign(unit=pairings["recipient"].map(unit_map)),
    ]).dropna(subset=["unit"])
    cohort = covered_units.groupby("unit")["start_year"].min().rename("first_paired_year")
    donors = covered_units.groupby("unit")["donor"].agg(lambda d: "+".join(sorted(set(d))))
    described = names.join(cohort).join(donors.rename("donors"))
    described = described.rename(columns={"parent_code": "parent"})
    described["first_paired_year"] = described["first_paired_year"].astype("Int64")
    front = frame.merge(described, left_on="unit", right_index=True, how="left")
    order = ["unit", "name_en", "name_zh", "level", "parent", "year", "first_paired_year", "donors"]
    return front[order + [c for c in front.columns if c not in order]]


def _ancestor_pairs(regions: pd.DataFrame) -> pd.DataFrame:
    """Every (code, ancestor) pair, ancestor strictly above code."""
    parent_of = regions.set_index("code")["parent_code"]
    pairs = []
    current = regions.set_index("code")["parent_code"]
    for _ in range(len(codes.REGION_LEVELS) + 1):
        current = current.dropna()
        if current.empty:
            break
        pairs.append(pd.DataFrame({"code": current.index, "ancestor": current.to_numpy()}))
        current = current.map(parent_of)
    return pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=["code", "ancestor"])
