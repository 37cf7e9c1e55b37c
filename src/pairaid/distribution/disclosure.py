"""Small-cell suppression for published group breakdown tables.

Primary suppression withholds the values of every cell built from fewer than ``k`` units (but at
least one: an empty cell discloses nothing). Secondary suppression then withholds more cells so
that no suppressed value can be recovered by subtraction from a published total: along each
dimension of the table the cells that add up to one total (a row, a column, or the grand total of
a one-way table) never hold exactly one suppressed cell — when they do, the next-smallest cell
(fewest units) of that total is suppressed too, repeated until nothing changes. When a total has
no other cell to suppress, the total itself is listed in ``withheld_totals``.

Counts of units stay published (they describe how many places a cell covers, nothing about a
place); the value columns of a suppressed cell become missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pairaid.jsonable import plain as _plain
from pairaid.errors import InputError

PRIMARY = "primary"
SECONDARY = "secondary"


class DisclosureError(InputError):
    """A table that cannot be checked for disclosure (missing counts, unknown columns)."""


@dataclass(frozen=True)
class SuppressedCell:
    cell: dict
    reason: str  # "primary" or "secondary"
    detail: str

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.cell.items())


@dataclass(frozen=True)
class SuppressedTable:
    #: the input table with the value columns of suppressed cells set to missing and a
    #: ``suppressed`` column: "" (published), "primary" or "secondary"
    table: pd.DataFrame
    suppressed: tuple[SuppressedCell, ...]
    withheld_totals: tuple[str, ...]
    k: int
    count_column: str
    value_columns: tuple[str, ...]
    dimensions: tuple[str, ...]

    @property
    def n_primary(self) -> int:
        return sum(c.reason == PRIMARY for c in self.suppressed)

    @property
    def n_secondary(self) -> int:
        return sum(c.reason == SECONDARY for c in self.suppressed)

    @property
    def notes(self) -> tuple[str, ...]:
        """What was suppressed and why, one line per cell."""
        if not self.suppressed:
            return (f"small-cell rule (k={self.k}): every cell has at least {self.k} units; "
                    "nothing suppressed",)
        lines = [f"small-cell rule (k={self.k}): {self.n_primary} cell(s) suppressed because "
                 f"fewer than {self.k} units, {self.n_secondary} more so that totals cannot "
                 "reveal them"]
        lines += [f"suppressed {c.label}: {c.detail}" for c in self.suppressed]
        lines += [f"withheld total: {t}" for t in self.withheld_totals]
        return tuple(lines)

    def to_dict(self) -> dict:
        return {"k": self.k, "suppressed": [{"cell": {k: _plain(v) for k, v in c.cell.items()},
                                             "reason": c.reason, "detail": c.detail}
                                            for c in self.suppressed],
                "withheld_totals": list(self.withheld_totals)}


def suppress(table: pd.DataFrame, count_column: str, value_columns, k: int = 3,
             dimensions=None) -> SuppressedTable:
    """Apply primary and secondary small-cell suppression to a table with one row per cell.

    `dimensions` are the columns that identify a cell (default: every column that is neither
    the count nor a value column).
    """
    value_columns = (value_columns,) if isinstance(value_columns, str) else tuple(value_columns)
    missing = [c for c in (count_column, *value_columns) if c not in table.columns]
    if missing:
        raise DisclosureError(f"no column {', '.join(missing)} in the table")
    if k < 1:
        raise DisclosureError(f"k must be at least 1 (got {k})")
    dims = tuple(dimensions) if dimensions is not None else tuple(
        c for c in table.columns if c != count_column and c not in value_columns)
    counts = pd.to_numeric(table[count_column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(counts).any() or (counts < 0).any():
        raise DisclosureError(f"{count_column} must be a non-negative count in every cell")
    frame = table.reset_index(drop=True)
    status = np.where((counts > 0) & (counts < k), PRIMARY, "").astype(object)
    detail = np.where(status == PRIMARY, f"built from fewer than {k} units", "").astype(object)
    # the cells that add up to one published total, per dimension
    margins: list[tuple[str, np.ndarray]] = []
    for dim in dims or (None,):
        others = [d for d in dims if d != dim]
        ids = (frame.groupby(others, sort=False, dropna=False).ngroup().to_numpy()
               if others else np.zeros(len(frame), dtype=int))
        margins.append((dim or "all", ids))
    size = np.abs(frame[value_columns[0]].to_numpy(dtype=float)) if value_columns else counts
    withheld: list[str] = []
    changed = True
    while changed:
        changed = False
        for dim, ids in margins:
            for group in np.unique(ids):
                members = np.flatnonzero(ids == group)
                hidden = members[status[members] != ""]
                if len(hidden) != 1:
                    continue
                candidates = members[(status[members] == "") & (counts[members] > 0)]
                label = _label(frame, dims, hidden[0])
                total = _total_label(frame, dims, dim, members[0])
                if len(candidates) == 0:
                    if total not in withheld:
                        withheld.append(total)
                    continue
                order = np.lexsort((np.nan_to_num(size[candidates], nan=np.inf),
                                    counts[candidates]))
                pick = candidates[order[0]]
                status[pick] = SECONDARY
                detail[pick] = f"the {total} would reveal the suppressed cell {label}"
                changed = True
    out = frame.copy()
    hide = status != ""
    for column in value_columns:
        out[column] = out[column].astype(float).where(~hide)
    out["suppressed"] = status.astype(str)
    cells = tuple(SuppressedCell({d: frame.at[i, d] for d in dims}, status[i], detail[i])
                  for i in np.flatnonzero(hide))
    return SuppressedTable(out, cells, tuple(withheld), k, count_column, value_columns, dims)


def _label(frame: pd.DataFrame, dims, row: int) -> str:
    return ", ".join(f"{d}={frame.at[row, d]}" for d in dims) or f"row {row}"


def _total_label(frame: pd.DataFrame, dims, dim: str, row: int) -> str:
    others = [d for d in dims if d != dim]
    if not others:
        return "grand total"
    return "total of " + ", ".join(f"{d}={frame.at[row, d]}" for d in others)
