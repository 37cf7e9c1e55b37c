"""What the table routes share: each ledger table's request model, its key, and the writes.

Writes go through exactly what `pairaid import` and `pairaid delete` run: `ingest.import_frames`
(validation, then the Store's write, in one transaction; any bad cell writes nothing) and
`ledger.corrections.delete_rows`. Reads take the table in its import format
(`Store.read_table`), so the API's rows, the CLI's exports and the import templates have the
same columns.
"""

from __future__ import annotations

import inspect
from typing import Any

import pandas as pd
from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field, create_model

from pairaid.ingest.tables import TABLE_ORDER, TABLES, TableSpec

#: what a cell may be in a request: the validator reads text or typed values and says what is
#: wrong in its own words (so the body is not typed more strictly here: the messages must be the
#: importer's)
Cell = str | int | float | None

#: a JSON body's records are numbered from 1 in the problems (a file's rows as a spreadsheet
#: shows them, header = row 1)
FIRST_RECORD = 1


def key_columns(spec: TableSpec) -> tuple[str, ...]:
    """The natural key, plus `round` where a pairing-linked row names its round (two rounds of
    one donor and recipient may overlap: then the key alone matches two rows)."""
    extra = ("round",) if "round" in spec.column_names and "round" not in spec.natural_key \
        else ()
    return spec.natural_key + extra


def optional_key(spec: TableSpec, column: str) -> bool:
    """A key column a request may leave out (empty in the ledger: `ref`, `round`)."""
    col = spec.column(column)
    return col.nullable or not col.required


def row_model(spec: TableSpec) -> type[BaseModel]:
    """The request body of one row: every import column, described as the template does."""
    fields: dict[str, Any] = {}
    for column in spec.columns:
        fields[column.name] = (Cell, Field(None, description=column.description + (
            f" (one of: {', '.join(column.choices)})" if column.choices else "") + (
            "" if column.required and not column.nullable else " [optional]"),
            examples=[column.example] if column.example else None))
    return create_model(f"{spec.name.title()}Row", __config__=ConfigDict(extra="forbid"),
                        **fields)


ROW_MODELS = {name: row_model(TABLES[name]) for name in TABLE_ORDER}


class Page(BaseModel):
    """One page of a table: `total` rows match the filters; `rows` are `limit` of them from
    `offset`."""

    table: str
    total: int
    limit: int
    offset: int
    rows: list[dict[str, Any]]


class Written(BaseModel):
    """What a write did, as `pairaid import --json` says it (plus the row written)."""

    table: str
    new: int
    updated: int
    #: an upsert of a record that was already so (nothing changed)
    unchanged: int = 0
    deleted: int = 0
    rows: list[dict[str, Any]] = []


class ImportDone(BaseModel):
    """`pairaid import --json`'s document."""

    model_config = ConfigDict(extra="allow")
    table: str
    file: str
    rows: int
    new: int
    updated: int
    unchanged: int = 0
    dry_run: bool


class Problem(BaseModel):
    file: str | None = None
    row: int | None = None
    column: str | None = None
    reason: str | None = None


class Refusal(BaseModel):
    """Every 4xx body: `detail` says why; a refused write lists its `problems` (row, column,
    reason, as `pairaid import` prints them) and nothing was written. Request-shape errors
    (FastAPI's own) carry `detail` as a list."""

    model_config = ConfigDict(extra="allow")
    detail: str | list[dict[str, Any]]
    problems: list[Problem] | None = None


#: the 4xx answers every route may give, for the OpenAPI schema
REFUSALS = {code: {"model": Refusal} for code in (401, 403, 404, 409, 413, 422, 429, 503)}


def with_signature(function, parameters: list[inspect.Parameter]):
    """`function` with the given keyword parameters as FastAPI sees them (query parameters named
    after a table's columns, different for every table)."""
    function.__signature__ = inspect.Signature(parameters)
    return function


def match(frame: pd.DataFrame, given: dict[str, object]) -> pd.Series:
    """Rows of `frame` whose columns equal the given values as text (a number's text as the
    export writes it); None or '' matches a missing cell."""
    chosen = pd.Series(True, index=frame.index)
    for column, value in given.items():
        cells = frame[column]
        if value is None or value == "":
            chosen &= cells.isna() | (cells.astype(object).astype(str) == "")
        else:
            chosen &= cells.astype(object).where(cells.notna(), None).map(_text) == str(value)
    return chosen


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def one_record(frame: pd.DataFrame, spec: TableSpec, key: dict[str, object]) -> pd.DataFrame:
    """The one row the key names: 404 when none, 409 when several (name `round`)."""
    found = frame[match(frame, key)]
    if found.empty:
        raise HTTPException(status_code=404, detail=f"no {spec.name} row with " + _describe(key))
    if len(found) > 1:
        raise HTTPException(status_code=409, detail=f"{len(found)} {spec.name} rows match "
                            + _describe(key) + " (two rounds overlap: give round)")
    return found


def _describe(key: dict[str, object]) -> str:
    return ", ".join(f"{k}={'' if v is None else v}" for k, v in key.items())


def write_options(function, actor) -> dict:
    """`actor=` for the ledger's write functions once they take it (the journal records who
    wrote: pairaid.ledger.accounts / journal); nothing before."""
    return {"actor": actor} if "actor" in inspect.signature(function).parameters else {}
