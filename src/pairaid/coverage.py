"""Flow coverage: what the ledger knows about money, and what it does not.

A pairing-year (a pairing active in a year) is

* **recorded** when the ledger holds at least one flow row for it;
* **declared complete** when it has no flow row but the user has stated that the ledger is
  complete for that pairing and period (`pairaid coverage set`, the `coverage` table): its
  funds are a recorded zero;
* **not recorded** otherwise: its funds are unknown, not zero.

The panel turns this into unit-years: a unit's funds in a year are known when every pairing
active on it that year is recorded or declared complete, zero by construction when no pairing
is active on it, and missing otherwise. Every output that rests on flows states its coverage
(`FlowCoverage.statement`), e.g. "flows recorded for 84 of 100 pairings, 2011–2024; 655
pairing-years not recorded". This module is separate from `summary.py` and `panel.py` so that
each of them (and the report) can call it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pairaid.ledger import queries
from pairaid.results import ResultsMixin

#: status of a pairing-year
RECORDED, DECLARED, NOT_RECORDED = "recorded", "declared_complete", "not_recorded"


@dataclass(frozen=True)
class FlowCoverage(ResultsMixin):
    year_from: int
    year_to: int
    #: pairings active in some year of the period
    pairings: int
    #: of those, pairings with at least one flow row in the period
    pairings_with_flows: int
    #: pairing-years active in the period, and how many are recorded / declared / not recorded
    pairing_years: int
    recorded: int
    declared_complete: int
    not_recorded: int
    #: the not-recorded pairing-years (pairing_id, donor, recipient, round, year)
    missing: pd.DataFrame

    @property
    def complete(self) -> bool:
        return self.not_recorded == 0

    @property
    def statement(self) -> str:
        """One line: what the figures built on flows rest on."""
        text = (f"flows recorded for {self.pairings_with_flows} of {self.pairings} pairings, "
                f"{self.year_from}–{self.year_to}; {self.not_recorded:,} pairing-years not "
                f"recorded")
        if self.declared_complete:
            text += (f"; {self.declared_complete:,} pairing-years without flows declared "
                     f"complete (recorded zero)")
        if self.not_recorded:
            text += " (their funds are missing, not zero)"
        return text

    @property
    def summary(self) -> str:
        return f"Coverage: {self.statement}."

    def tidy(self) -> pd.DataFrame:
        """One row per pairing-year status: status, pairing-years."""
        return pd.DataFrame({"status": [RECORDED, DECLARED, NOT_RECORDED],
                             "pairing_years": [self.recorded, self.declared_complete,
                                               self.not_recorded]})

    def to_dict(self, max_missing: int | None = 200) -> dict:
        missing = self.missing if max_missing is None else self.missing.head(max_missing)
        return {"year_from": self.year_from, "year_to": self.year_to, "pairings": self.pairings,
                "pairings_with_flows": self.pairings_with_flows,
                "pairing_years": self.pairing_years, "recorded": self.recorded,
                "declared_complete": self.declared_complete, "not_recorded": self.not_recorded,
                "statement": self.statement,
                "missing": [{k: (int(v) if isinstance(v, (np.integer, int)) else v)
                             for k, v in row.items()} for row in missing.to_dict("records")]}


def pairing_years(store, year_from: int, year_to: int,
                  with_flows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every pairing-year active in the period with its status: pairing_id, donor, recipient,
    round, year, status. `with_flows` (pairing_id, year) saves a read when the caller has the
    flows already."""
    pairings = queries.pairings_with_ids(store)
    columns = ["pairing_id", "donor", "recipient", "round", "year", "status"]
    if pairings.empty or year_to < year_from:
        return pd.DataFrame(columns=columns)
    first = np.maximum(pairings["start_year"].to_numpy(dtype=int), year_from)
    last = np.minimum(pd.to_numeric(pairings["end_year"]).fillna(year_to).to_numpy(dtype=int),
                      year_to)
    span = np.maximum(last - first + 1, 0)
    rows = pairings.loc[pairings.index.repeat(span)].reset_index(drop=True)
    if rows.empty:  # no pairing runs in these years (/api/summary?from=2090&to=2095)
        return pd.DataFrame(columns=columns)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)
    rows["year"] = np.repeat(first, span) + offset
    if with_flows is None:
        with_flows = queries.flow_pairing_years(store, year_from, year_to)
    # a dense (pairing × year) flag array: a lookup per pairing-year, no hashing
    span = year_to - year_from + 1
    size = (int(rows["pairing_id"].max()) + 1) * span
    flags = np.zeros(size, dtype=bool)
    flowed = (with_flows["pairing_id"].to_numpy(dtype=np.int64) * span
              + with_flows["year"].to_numpy(dtype=np.int64) - year_from)
    flags[flowed[(flowed >= 0) & (flowed < size)]] = True
    has_flows = flags[rows["pairing_id"].to_numpy(dtype=np.int64) * span
                      + rows["year"].to_numpy(dtype=np.int64) - year_from]
    declared = np.zeros(len(rows), dtype=bool)
    spans = queries.coverage(store)
    if len(spans):  # one merge on the pairing, then the year inside the span
        pairs = rows[["pairing_id", "year"]].reset_index().merge(
            spans[["pairing_id", "year_from", "year_to"]], on="pairing_id")
        inside = (pairs["year"] >= pairs["year_from"]) & (pairs["year"] <= pairs["year_to"])
        declared[pairs.loc[inside, "index"].unique()] = True
    rows["status"] = np.where(has_flows, RECORDED, np.where(declared, DECLARED, NOT_RECORDED))
    return rows[columns]


def summarise_coverage(status: pd.DataFrame, year_from: int, year_to: int) -> FlowCoverage:
    """The counts behind the coverage statement, from `pairing_years`."""
    counts = status["status"].value_counts()
    with_flows = status.loc[status["status"] == RECORDED, "pairing_id"].nunique()
    missing = status.loc[status["status"] == NOT_RECORDED,
                         ["pairing_id", "donor", "recipient", "round", "year"]]
    return FlowCoverage(int(year_from), int(year_to), int(status["pairing_id"].nunique()),
                        int(with_flows), len(status), int(counts.get(RECORDED, 0)),
                        int(counts.get(DECLARED, 0)), int(counts.get(NOT_RECORDED, 0)),
                        missing.reset_index(drop=True))


def flow_coverage(store, year_from: int | None = None, year_to: int | None = None
                  ) -> FlowCoverage:
    """The coverage of the ledger's flows over the period (default: the ledger's year span)."""
    if year_from is None or year_to is None:
        lo, hi = queries.year_span(store)
        year_from = year_from if year_from is not None else lo
        year_to = year_to if year_to is not None else hi
    if year_from is None or year_to is None:
        empty = pd.DataFrame(columns=["pairing_id", "donor", "recipient", "round", "year"])
        return FlowCoverage(0, 0, 0, 0, 0, 0, 0, 0, empty)
    return summarise_coverage(pairing_years(store, year_from, year_to), year_from, year_to)


def declare_complete(store, donor: str | None = None, recipient: str | None = None,
                     round_: int | None = None, year_from: int | None = None,
                     year_to: int | None = None, source: str | None = None) -> pd.DataFrame:
    """State that the ledger holds every flow of the matching pairings (all when no filter is
    given) over year_from..year_to (default: each pairing's start to its end, or to the ledger's
    last year for an open pairing). Returns the spans declared (donor, recipient, round,
    year_from, year_to, new)."""
    from pairaid.errors import InputError

    pairings = _matching(store, donor, recipient, round_)
    _, last_year = queries.year_span(store)
    spans = pairings.assign(
        year_from=pairings["start_year"].astype(int) if year_from is None else int(year_from),
        year_to=(pd.to_numeric(pairings["end_year"]).fillna(last_year if last_year else
                                                             pairings["start_year"])
                 .astype(int) if year_to is None else int(year_to)))
    bad = spans[spans["year_to"] < spans["year_from"]]
    if len(bad):
        row = bad.iloc[0]
        raise InputError(f"pairing {row['donor']} → {row['recipient']} (round {row['round']}): "
                         f"the period {row['year_from']}–{row['year_to']} is empty")
    before = queries.coverage(store)
    queries.declare_coverage(store, spans, source)
    known = set(zip(before["pairing_id"], before["year_from"], before["year_to"]))
    spans["new"] = [(p, a, b) not in known for p, a, b in
                    zip(spans["pairing_id"], spans["year_from"], spans["year_to"])]
    return spans[["donor", "recipient", "round", "year_from", "year_to", "new"]]


def withdraw(store, donor: str | None = None, recipient: str | None = None,
             round_: int | None = None) -> int:
    """Withdraw the coverage declarations of the matching pairings; returns the spans removed."""
    pairings = _matching(store, donor, recipient, round_)
    return queries.clear_coverage(store, pairings["pairing_id"].tolist())


def _matching(store, donor, recipient, round_) -> pd.DataFrame:
    from pairaid.errors import InputError

    pairings = queries.pairings_with_ids(store)
    chosen = pairings
    if donor is not None:
        chosen = chosen[chosen["donor"] == donor]
    if recipient is not None:
        chosen = chosen[chosen["recipient"] == recipient]
    if round_ is not None:
        chosen = chosen[chosen["round"] == round_]
    if chosen.empty:
        given = ", ".join(f"{k} {v}" for k, v in (("donor", donor), ("recipient", recipient),
                                                   ("round", round_)) if v is not None)
        raise InputError(f"no pairing matches {given or 'anything'} (the ledger has "
                         f"{len(pairings)} pairings)")
    return chosen
