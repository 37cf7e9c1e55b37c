"""A ledger restricted to a prefecture, a donor, a period or a sector (the dashboard's filters).

`subset_ledger(store, filters, url)` writes a new ledger holding only the rows the filters keep,
through the importer (so the copy is validated like any import), with the source's metadata.
Every analysis then runs on the copy exactly as on any ledger: the dashboard's filtered figures
are the figures the CLI gives on that copy, and nothing outside the analysis packages computes
a statistic. What each filter keeps:

- prefecture P: the regions inside P (P, its counties), P's ancestors (so the hierarchy holds),
  the pairings whose recipient is inside P and everything recorded on them; observations of the
  kept regions.
- donor D: D's pairings and everything recorded on them, D's enterprises. Every region stays:
  the places D does not support are the comparison the effect estimates need.
- period: flows, personnel, enterprises and observations of those years; declared coverage
  clipped to them.
- sector S (a DAC purpose code or its leading digits, e.g. 311 for agriculture): the flows of
  that sector only.

Code lists (donors, indicators, rates, price indices) are kept whole. Published programme
totals are dropped from the copy's metadata: they describe the whole programme, not the subset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from pairaid.errors import InputError

#: metadata that describes the whole programme, not a part of it
_WHOLE_PROGRAMME_META = ("published_figures",)


@dataclass(frozen=True)
class Filters:
    """Which part of the ledger to keep (None: no restriction)."""

    prefecture: str | None = None
    donor: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    sector: str | None = None

    def __post_init__(self) -> None:
        if self.sector is not None and not str(self.sector).isdigit():
            raise InputError(f"sector '{self.sector}' is not a DAC purpose code (digits, e.g. "
                             "311 for agriculture)")
        if (self.year_from is not None and self.year_to is not None
                and self.year_from > self.year_to):
            raise InputError(f"the period {self.year_from}–{self.year_to} ends before it starts")

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.prefecture, self.donor, self.year_from,
                                       self.year_to, self.sector))

    def key(self) -> tuple:
        return (self.prefecture, self.donor, self.year_from, self.year_to, self.sector)


def subset_ledger(store, filters: Filters, url: str | os.PathLike):
    """A new ledger at `url` (created; must not hold rows) with the rows of `store` the
    `filters` keep, and its Store (open). Unknown codes are refused by name."""
    from pairaid.ingest import import_frames
    from pairaid.ingest.tables import TABLE_ORDER
    from pairaid.ledger import Store

    with store.snapshot():
        tables = {name: store.read_table(name) for name in TABLE_ORDER}
        meta = store.meta()
    kept = _keep(tables, filters)
    target = Store.open(url, create=True)
    try:
        if not target.is_empty():
            raise InputError(f"{target.location} already holds a ledger; a subset needs a new one")
        copied = {k: v for k, v in kept.items() if len(v)}
        values = {k: v for k, v in meta.items() if k not in _WHOLE_PROGRAMME_META}

        def metadata(conn) -> None:
            if values:
                target.set_meta(conn, **values)

        import_frames(target, copied, source="subset", before_commit=metadata)
    except BaseException:
        target.close()
        raise
    return target


def _keep(tables: dict[str, pd.DataFrame], f: Filters) -> dict[str, pd.DataFrame]:
    regions = tables["regions"]
    if f.prefecture is not None:
        inside = _inside(regions, f.prefecture)
        regions = regions[regions["code"].isin(inside | _ancestors(regions, f.prefecture))]
    codes = set(regions["code"])
    if f.donor is not None and f.donor not in set(tables["donors"]["code"]):
        raise InputError(f"no donor '{f.donor}' in the ledger")

    def paired(frame, donor="donor", recipient="recipient"):
        keep = frame[recipient].isin(codes) if f.prefecture is not None else \
            pd.Series(True, index=frame.index)
        if f.donor is not None:
            keep &= frame[donor] == f.donor
        return keep

    def in_period(frame, column="year"):
        years = pd.to_numeric(frame[column], errors="coerce")
        keep = pd.Series(True, index=frame.index)
        if f.year_from is not None:
            keep &= years >= f.year_from
        if f.year_to is not None:
            keep &= years <= f.year_to
        return keep

    out = dict(tables)
    out["regions"] = regions
    crosswalk = tables["crosswalk"]
    out["crosswalk"] = crosswalk[crosswalk["new_code"].isin(codes)
                                 & crosswalk["old_code"].isin(codes)]
    out["pairings"] = tables["pairings"][paired(tables["pairings"])]
    projects = tables["projects"][paired(tables["projects"])]
    flows = tables["flows"]
    keep = paired(flows) & in_period(flows)
    if f.sector is not None:
        keep &= flows["sector"].astype("string").str.startswith(str(f.sector)).fillna(False)
    out["flows"] = flows[keep]
    out["projects"] = projects
    out["outputs"] = tables["outputs"][tables["outputs"]["project"].isin(set(projects["code"]))
                                       & in_period(tables["outputs"])]
    personnel = tables["personnel"]
    out["personnel"] = personnel[paired(personnel) & in_period(personnel)]
    enterprises = tables["enterprises"]
    out["enterprises"] = enterprises[paired(enterprises, "origin", "destination")
                                     & in_period(enterprises)]
    out["coverage"] = _clip(tables["coverage"][paired(tables["coverage"])], f)
    observations = tables["observations"]
    out["observations"] = observations[observations["region"].isin(codes)
                                       & in_period(observations)]
    return out


def _inside(regions: pd.DataFrame, prefecture: str) -> set[str]:
    """`prefecture` and every region below it."""
    known = regions.set_index("code")
    if prefecture not in known.index:
        raise InputError(f"no region '{prefecture}' in the ledger")
    if known.at[prefecture, "level"] not in ("prefecture", "corps_division"):
        raise InputError(f"region '{prefecture}' is a {known.at[prefecture, 'level']}, not a "
                         "prefecture")
    children = regions.groupby("parent_code")["code"].apply(list).to_dict()
    found, todo = set(), [prefecture]
    while todo:
        code = todo.pop()
        if code not in found:
            found.add(code)
            todo.extend(children.get(code, []))
    return found


def _ancestors(regions: pd.DataFrame, code: str) -> set[str]:
    parent = regions.set_index("code")["parent_code"].to_dict()
    found = set()
    while isinstance(parent.get(code), str) and parent[code] not in found:
        code = parent[code]
        found.add(code)
    return found


def _clip(coverage: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Declared coverage limited to the period (a declaration outside it is dropped)."""
    frame = coverage.copy()
    start = pd.to_numeric(frame["year_from"])
    end = pd.to_numeric(frame["year_to"])
    if f.year_from is not None:
        start = start.clip(lower=f.year_from)
    if f.year_to is not None:
        end = end.clip(upper=f.year_to)
    frame["year_from"], frame["year_to"] = start, end
    return frame[start <= end]
