"""Corrections without hand-editing the database: delete rows chosen by conditions on their
import-format columns, and the row-by-row changes an upsert makes (issue 12).

Conditions name columns as files do (`donor`, `recipient`, `year`, `indicator` …); the SQL maps
them to ledger columns through the same SELECT the export uses, so what `pairaid export` shows is
what `pairaid delete --where` matches. A delete runs in one transaction: a row another table
still refers to (a pairing with flows) stops it, and nothing is removed.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy.exc

from pairaid.ledger.errors import LedgerConflict, LedgerRequestError
from pairaid.ledger.journal import default_actor, delete_journaled
from pairaid.ledger.store import Store
from pairaid.ledger.table_sql import EXPORT_SQL, LEDGER_TABLES

#: comparison operators a condition may use (longest first, so `<=` is not read as `<`)
OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$")


#: column types compared as numbers (an empty value is only NULL there)
_NUMERIC = ("int", "year", "float")


class CorrectionError(LedgerRequestError):
    """A delete that cannot run as asked (unknown column, bad value)."""


class ReferencedRows(LedgerConflict, CorrectionError):
    """A delete of rows other rows still refer to (nothing is deleted)."""


@dataclass(frozen=True)
class Condition:
    column: str
    operator: str
    value: object


@dataclass(frozen=True)
class DeleteResult:
    table: str
    #: the rows matched, in import format (what was, or in a dry run would be, removed)
    rows: pd.DataFrame
    dry_run: bool

    @property
    def count(self) -> int:
        return len(self.rows)

    def __str__(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        return f"{self.table}: {verb} {self.count} row{'s' if self.count != 1 else ''}"

    def to_dict(self) -> dict:
        from pairaid.jsonable import records

        return {"table": self.table, "dry_run": self.dry_run, "deleted": 0 if self.dry_run
                else self.count, "matched": self.count, "rows": records(self.rows)}


def parse_condition(raw: str, table: str) -> Condition:
    """`year=2015`, `amount>=1e6`, `ref=` (empty: missing) → a typed `Condition`."""
    from pairaid.ingest.tables import TABLES

    match = _CONDITION.match(raw)
    if not match:
        raise CorrectionError(f"--where {raw!r}: write COLUMN=VALUE (or != < <= > >=)")
    column, operator, value = match.groups()
    spec = {c.name: c for c in TABLES[table].columns}
    if column not in spec:
        raise CorrectionError(f"--where {raw!r}: {table} has no column {column!r} (columns: "
                              f"{', '.join(spec)})", table=table, column=column,
                              reason="no such column")
    kind = spec[column].type
    if value == "":
        if operator not in ("=", "!="):
            raise CorrectionError(f"--where {raw!r}: an empty value means missing; compare it "
                                  f"with = or !=")
        return Condition(column, operator, None)
    try:
        typed: object = (int(value) if kind in ("int", "year") or column == "direction"
                         else float(value) if kind == "float" else value)
    except ValueError:
        raise CorrectionError(f"--where {raw!r}: {column} holds {kind} values, not "
                              f"{value!r}", table=table, column=column,
                              reason=f"not a {kind} value") from None
    return Condition(column, operator, typed)


def delete_rows(store: Store, table: str, conditions: list[str], *,
                dry_run: bool = False, actor=None) -> DeleteResult:
    """Delete the rows of `table` that meet every condition; returns them. With `dry_run`,
    nothing is removed. Without a condition nothing is deleted (say what to delete). The
    journal records each deleted row's last state, by `actor` (None: the local user)."""
    if table not in LEDGER_TABLES:
        raise CorrectionError(f"unknown table {table!r} (tables: {', '.join(LEDGER_TABLES)})")
    if not conditions:
        raise CorrectionError("give at least one --where COLUMN=VALUE: a delete names its rows")
    from pairaid.ingest.tables import TABLES

    parsed = [parse_condition(c, table) for c in conditions]
    select, source, order = _split(EXPORT_SQL[table])
    expressions = dict(_columns(select))
    ledger_table, _ = LEDGER_TABLES[table]
    key = "code" if "code" in _ledger_columns(ledger_table) else "id"
    clauses, params = [], {}
    for i, condition in enumerate(parsed):
        expression = expressions[condition.column]
        if condition.value is None:
            # empty means missing; a text column may hold '' for it (a flow's `ref` does: it
            # is part of the key, and NULLs never collide in a unique index)
            text_column = (TABLES[table].column(condition.column).type not in _NUMERIC
                           and condition.column != "direction")
            if condition.operator == "!=":
                clauses.append(f"({expression} IS NOT NULL"
                               + (f" AND {expression} <> ''" if text_column else "") + ")")
            else:
                clauses.append(f"({expression} IS NULL"
                               + (f" OR {expression} = ''" if text_column else "") + ")")
            continue
        clauses.append(f"{expression} {'<>' if condition.operator == '!=' else condition.operator}"
                       f" :p{i}")
        params[f"p{i}"] = condition.value
    query = (f"SELECT {select}, t.{key} AS _key FROM {source} WHERE {' AND '.join(clauses)} "
             f"ORDER BY {order}")
    with store.transaction(None if dry_run else (actor or default_actor())) as conn:
        matched = store.query(query, params, conn=conn)
        rows = matched.drop(columns="_key")
        if dry_run or matched.empty:
            return DeleteResult(table, rows, dry_run)
        keys = matched["_key"].tolist()
        try:
            delete_journaled(store, conn, ledger_table, keys)
        except sqlalchemy.exc.IntegrityError as exc:  # the transaction rolls back as it unwinds
            raise ReferencedRows(
                f"{table}: nothing was deleted: other rows still refer to the {len(keys)} "
                f"matched row(s) (delete those first, e.g. the flows of a pairing): "
                f"{str(exc.orig).splitlines()[0]}", table=table,
                reason="other rows refer to it") from None
    return DeleteResult(table, rows, dry_run)


def upsert_changes(store: Store, conn, table: str, rows: pd.DataFrame,
                   row_column: str | None = None) -> pd.DataFrame:
    """What an upsert of `rows` (ledger columns, validated) changes, row by row: one row per
    changed cell (change = updated, with column, before, after), one per new row (new) and one
    per row that changes nothing (unchanged), keyed by the natural key (and the file's row
    number, `row_column`). Vectorised: one read of the table, one merge."""
    ledger_table, key = LEDGER_TABLES[table]
    front = [row_column] if row_column else []
    empty = pd.DataFrame(columns=[*front, *key, "change", "column", "before", "after"])
    if rows.empty or not set(key) <= set(rows.columns):
        return empty
    columns = [c for c in rows.columns if c in _ledger_columns(ledger_table)]
    existing = store.query(f"SELECT {', '.join(columns)} FROM {ledger_table}", conn=conn)
    given = rows[front + columns].reset_index(drop=True)
    for column in key:  # one dtype on both sides of the merge
        if given[column].dtype.kind in "iu" or existing[column].dtype.kind in "iu":
            given[column] = pd.to_numeric(given[column])
            existing[column] = pd.to_numeric(existing[column])
        else:
            given[column] = given[column].astype(str)
            existing[column] = existing[column].astype(str)
    merged = given.merge(existing, on=list(key), how="left", suffixes=("", "__before"),
                         indicator=True)
    found = (merged["_merge"] == "both").to_numpy()
    parts = [merged.loc[~found, front + list(key)].assign(change="new", column=None,
                                                          before=None, after=None)]
    any_change = pd.Series(False, index=merged.index)
    for column in (c for c in columns if c not in key):
        before, after = merged[f"{column}__before"], merged[column]
        differs = found & ~_equal_cells(before, after)
        any_change |= differs
        if differs.any():
            parts.append(merged.loc[differs, front + list(key)].assign(
                change="updated", column=column, before=before[differs].to_numpy(),
                after=after[differs].to_numpy()))
    parts.append(merged.loc[found & ~any_change, front + list(key)].assign(
        change="unchanged", column=None, before=None, after=None))
    parts = [p.astype({"column": object, "before": object, "after": object}) for p in parts
             if len(p)]
    with warnings.catch_warnings():  # all-None before/after of new rows: object columns anyway
        warnings.simplefilter("ignore", FutureWarning)
        out = pd.concat(parts, ignore_index=True) if parts else empty
    return out.sort_values(front + list(key), kind="stable", ignore_index=True) if front else out


def _equal_cells(a: pd.Series, b: pd.Series) -> pd.Series:
    """Cell-wise equality, missing equal to missing, numbers compared as numbers."""
    both_missing = a.isna().to_numpy() & b.isna().to_numpy()
    na, nb = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
    numeric = na.notna().to_numpy() & nb.notna().to_numpy()
    same_number = numeric & (na.to_numpy(dtype=float, na_value=np.nan)
                             == nb.to_numpy(dtype=float, na_value=np.nan))
    same_text = ~numeric & (a.astype(str).to_numpy() == b.astype(str).to_numpy()) \
        & a.notna().to_numpy() & b.notna().to_numpy()
    return pd.Series(both_missing | same_number | same_text, index=a.index)


def _ledger_columns(table: str) -> set[str]:
    from pairaid.ledger import schema

    return set(schema.metadata.tables[table].columns.keys())


def _split(sql: str) -> tuple[str, str, str]:
    """An export SELECT → (select list, FROM part, ORDER BY part)."""
    head, rest = sql.split(" FROM ", 1)
    source, order = rest.split(" ORDER BY ", 1)
    return head.removeprefix("SELECT "), source, order


def _columns(select: str):
    """(import column, SQL expression) of each item of an export select list."""
    for item in select.split(", "):
        if " AS " in item:
            expression, alias = item.split(" AS ")
        else:
            expression, alias = item, item.split(".")[-1]
        yield alias.strip(), expression.strip()


def describe_changes(changes, limit: int = 20) -> str:
    """Lines for the terminal: counts, then the first `limit` changes."""
    frame = pd.DataFrame(list(changes))
    counts = frame.drop_duplicates(subset=[c for c in frame.columns
                                           if c not in ("column", "before", "after")])
    tally = counts["change"].value_counts()
    lines = [f"upsert: {tally.get('new', 0)} new, {tally.get('updated', 0)} updated "
             f"({int((frame['change'] == 'updated').sum())} cells), "
             f"{tally.get('unchanged', 0)} unchanged"]
    shown = frame[frame["change"] != "unchanged"].head(limit)
    for record in shown.to_dict("records"):
        where = ", ".join(f"{k}={v}" for k, v in record.items()
                          if k not in ("change", "column", "before", "after", "_row"))
        if "_row" in record:
            where = f"row {record['_row']}: {where}"
        lines.append(f"  {where}: {record['change']}" + (
            f" {record['column']}: {record['before']!r} -> {record['after']!r}"
            if record["change"] == "updated" else ""))
    if (frame["change"] != "unchanged").sum() > limit:
        lines.append(f"  ... ({int((frame['change'] != 'unchanged').sum()) - limit} more in "
                     f"--json)")
    return "\n".join(lines)
