"""Validate one table's cells against its TableSpec and turn them into ledger rows.

Every check is vectorised over the whole column and records each bad cell as a Problem, so one
run reports every error in the file, and nothing is written unless there is none.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection

from pairaid.ingest import hygiene
from pairaid.ingest.errors import Problem
from pairaid.ingest.lookups import PAIR_SEPARATOR, Lookups
from pairaid.ingest.read import ROW, as_text_frame
from pairaid.ingest.tables import ColumnSpec, TableSpec
from pairaid.ledger import codes
from pairaid.ledger.store import LEDGER_TABLES, Store

# File column → ledger column, where they differ.
_LEDGER_NAMES = {
    "regions": {}, "crosswalk": {}, "donors": {}, "indicators": {}, "rates": {}, "prices": {},
    "pairings": {"donor": "donor_code", "recipient": "recipient_code"},
    "projects": {}, "flows": {"project": "project_code"}, "personnel": {}, "coverage": {},
    "outputs": {"project": "project_code"},
    "enterprises": {"origin": "origin_code", "destination": "destination_code"},
    "observations": {"region": "region_code", "indicator": "indicator_code"},
}
_REFERENCE_NAMES = {"regions": "region", "donors": "donor", "indicators": "indicator",
                    "projects": "project"}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_MAX_LISTED = 5


class Checker:
    """Collects problems for one file, cell by cell, without stopping at the first."""

    def __init__(self, frame: pd.DataFrame, file: str) -> None:
        self.frame = frame
        self.file = file
        self.rows = frame[ROW].to_numpy()
        self.problems: list[Problem] = []
        self.bad = np.zeros(len(frame), dtype=bool)

    def flag(self, mask: np.ndarray | pd.Series, column: str,
             reason: Callable[[int], str] | str) -> None:
        """Record a problem for each row where `mask` is true; `reason` may depend on the row index."""
        if not (isinstance(mask, np.ndarray) and mask.dtype == bool):
            # comparisons of nullable columns give NA where a cell is missing: that is not a hit
            mask = pd.array(np.asarray(mask, dtype=object) if isinstance(mask, np.ndarray)
                            else mask, dtype="boolean").fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        for index in np.flatnonzero(mask):
            text = reason(index) if callable(reason) else reason
            self.problems.append(Problem(self.file, int(self.rows[index]), column, text))


def _empty(series: pd.Series) -> np.ndarray:
    if series.dtype.kind in "iufb":
        return series.isna().to_numpy()
    return (_text(series) == "").to_numpy(dtype=bool)


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text with '' for empty (numbers from typed frames become their text)."""
    if series.dtype.kind == "f":
        out = series.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer()
                                                         and abs(v) < 2**53 else repr(float(v))))
        return out.astype(pd.StringDtype("pyarrow"))
    if series.dtype.kind in "iu":
        return series.astype(str).astype(pd.StringDtype("pyarrow"))
    if series.dtype != pd.StringDtype("pyarrow"):  # frames handed in by code: normalise once
        series = series.astype(pd.StringDtype("pyarrow")).str.strip()
    return series.fillna("")


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parsed floats and a mask of cells that are present but not numbers."""
    if series.dtype.kind in "iuf":
        values = series.to_numpy(dtype=float)
        return values, np.zeros(len(series), dtype=bool)
    text = _text(series)
    cells = pa.array(text)
    try:  # the usual case, every cell a plain number: Arrow parses (correctly rounded) in C++
        blank = pc.equal(cells, "")
        values = pc.cast(pc.if_else(blank, None, cells), pa.float64()).to_numpy(zero_copy_only=False)
        # Arrow reads the text 'nan' as a number; for a ledger it is not one
        return values, np.isnan(values) & ~blank.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass  # some cell is not a plain number: find which, cell by cell, below
    text = text.astype(object)
    commas = text.str.contains(",", regex=False)
    if commas.any():  # accept 1,234,567.5 (thousands separators) but never a decimal comma
        ok = text.str.match(_THOUSANDS)
        text = text.where(~(commas & ok), text.str.replace(",", "", regex=False))
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    not_number = np.isnan(values) & (text != "").to_numpy()
    parsed = ~np.isnan(values)
    if parsed.any():  # pandas' parser can be one ulp off; Python's float() is correctly rounded
        values[parsed] = [float(cell) for cell in text.to_numpy()[parsed]]
    return values, not_number


def _parse_column(check: Checker, spec: ColumnSpec, series: pd.Series) -> pd.Series:
    """One column: presence, type, range and code-list checks; returns the typed column."""
    numeric = spec.type in ("int", "year", "float")
    # text read once (an import in batches validates every batch: each pass over a column counts)
    text = None if numeric else _text(series)
    empty = _empty(series) if numeric else (text == "").to_numpy(dtype=bool)
    if not spec.nullable:
        check.flag(empty, spec.name, "missing value (this column needs a value in every row)")
    if numeric:
        values, not_number = _numbers(series)
        whole = spec.type != "float"
        check.flag(not_number, spec.name, lambda i: f"'{_text(series.iloc[[i]]).iloc[0]}' is not "
                   f"{'a whole number' if whole else 'a number'}")
        present = ~np.isnan(values)
        infinite = present & ~np.isfinite(values)
        check.flag(infinite, spec.name, "not a finite number")
        finite = present & np.isfinite(values)
        if whole:
            check.flag(finite & (values != np.round(values)), spec.name,
                       lambda i: f"{float(values[i])!r} is not a whole number")
        if spec.minimum is not None:
            check.flag(finite & (values < spec.minimum), spec.name,
                       lambda i: _below(spec, values[i]))
        if spec.maximum is not None:
            check.flag(finite & (values > spec.maximum), spec.name,
                       lambda i: f"{_fmt(values[i])} is above the largest allowed value "
                                 f"{_fmt(spec.maximum)} (a typing or unit error?)")
        values = np.where(finite, values, np.nan)
        if whole:  # out-of-range cells are flagged above; past 2**53 they cannot become Int64
            values = np.where(np.abs(values) < 2**53, values, np.nan)
            return pd.Series(values, index=series.index).round().astype("Int64")
        return pd.Series(values, index=series.index)
    long = (text.str.len() > spec.max_length).to_numpy()
    check.flag(long, spec.name, f"longer than {spec.max_length} characters")
    nul = text.str.contains("\x00", regex=False).to_numpy(dtype=bool)
    check.flag(nul, spec.name, "contains a NUL character (\\x00), which text cannot hold")
    if spec.type in ("code", "text"):  # code lists (enum, currency, sector) refuse them anyway
        free_text = spec.type == "text"  # tab and newline allowed there only
        check.flag(hygiene.control_character_mask(text, free_text), spec.name,
                   lambda i: hygiene.control_character_reason(text.iloc[i], free_text))
    if spec.type == "currency":
        text = text.str.upper()
        unknown = ~_isin(text, codes.currencies()) & ~empty
        check.flag(unknown, spec.name, lambda i: f"'{text.iloc[i]}' is not an ISO 4217 currency code")
    elif spec.type == "sector":
        unknown = ~_isin(text, codes.sectors().keys()) & ~empty
        check.flag(unknown, spec.name, lambda i: f"'{text.iloc[i]}' is not an OECD DAC sector code "
                   "(a 5-digit CRS purpose code such as 31120, or a 3-digit category such as 311)")
    elif spec.type == "enum":
        unknown = ~_isin(text, spec.choices) & ~empty
        check.flag(unknown, spec.name, lambda i: f"'{text.iloc[i]}' is not one of: "
                   f"{', '.join(spec.choices)}")
    return text.where(~pd.Series(empty, index=text.index), None)


@functools.lru_cache(maxsize=64)
def _code_set(values: frozenset[str]) -> pa.Array:
    return pa.array(sorted(values), pa.string())


def _isin(text: pd.Series, allowed) -> np.ndarray:
    """Which cells of a stripped text column are among `allowed`: Arrow's `is_in` on a code
    list built once (pandas' `isin` on Arrow text makes an Arrow scalar of every allowed value
    on each call, and an import in batches calls it for every batch)."""
    cells = pa.array(text, pa.string(), from_pandas=True)
    return pc.is_in(cells, value_set=_code_set(frozenset(allowed))).to_numpy(
        zero_copy_only=False).astype(bool)


def _below(spec: ColumnSpec, value: float) -> str:
    if spec.minimum == 0:
        return f"{_fmt(value)} is negative: amounts and counts cannot be below 0"
    return f"{_fmt(value)} is below the smallest allowed value {_fmt(spec.minimum)}"


def _fmt(value: float) -> str:
    return f"{value:.6g}" if abs(value) >= 1e6 or value != int(value) else str(int(value))


def check_columns(frame: pd.DataFrame, spec: TableSpec, file: str) -> list[Problem]:
    """Missing required columns and unknown columns (a misspelt optional column would be lost)."""
    present = [c for c in frame.columns if c != ROW]
    problems = [Problem(file, 1, c, f"required column missing (the {spec.name} table needs: "
                        f"{', '.join(x.name for x in spec.columns if x.required)})")
                for c in spec.column_names if spec.column(c).required and c not in present]
    problems += [Problem(file, 1, c, f"unknown column for {spec.name} (known: "
                         f"{', '.join(spec.column_names)})")
                 for c in present if c not in spec.column_names]
    return problems


def match_header(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Accept 'Amount' or 'Start Year' for amount and start_year: spreadsheet users capitalise
    and space their headers. Names that still match nothing are reported by check_columns."""
    renames = {}
    for column in frame.columns:
        normal = str(column).strip().lower().replace(" ", "_")
        if column not in spec.column_names and normal in spec.column_names \
                and normal not in frame.columns:
            renames[column] = normal
    return frame.rename(columns=renames) if renames else frame


def validate_table(store: Store, conn: Connection, spec: TableSpec, frame: pd.DataFrame,
                   file: str, mode: str, file_duplicates: bool = True,
                   ledger_duplicates: bool = True, lookups: Lookups | None = None,
                   ) -> tuple[pd.DataFrame, list[Problem], int]:
    """Check every cell; return (ledger rows with their `_row`, problems, rows that already
    exist in the ledger).

    With `file_duplicates=False` repeats within the file are left to the database's unique
    index (the caller then asks `duplicate_problems` which rows they were): on a million rows
    that saves half a second on the path where there are none. An import written in chunks
    passes one `lookups` for all of them, so codes and pairings are read once, not per chunk.
    """
    lookups = lookups or Lookups(store, conn)
    frame = match_header(frame, spec)
    problems = check_columns(frame, spec, file)
    if problems:
        return pd.DataFrame(), problems, 0
    if frame.empty:
        return pd.DataFrame(), [Problem(file, 2, "", "no data rows under the header")], 0
    frame = as_text_frame(frame)
    check = Checker(frame, file)
    typed = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        series = frame[column.name] if column.name in frame else pd.Series("", index=frame.index)
        typed[column.name] = _parse_column(check, column, series)
    _check_references(lookups, spec, typed, check)
    _check_rules(spec, typed, check)
    if spec.pairing_from:
        typed["pairing_id"] = _resolve_pairings(lookups, spec, typed, check)
    ledger = _to_ledger(spec, typed)
    if file_duplicates or mode == "upsert":  # an upsert would silently keep the last repeat
        _file_duplicates(spec, ledger, check)
    # a caller writing one import in many chunks (IATI) leaves repeats of rows already in the
    # ledger to its unique index: reading every existing key per chunk would be quadratic
    existing = _ledger_duplicates(store, conn, spec, ledger, check, mode) if ledger_duplicates else 0
    if spec.name == "regions":
        ledger = _parents_first(ledger, check)
    ledger[ROW] = frame.loc[ledger.index, ROW].to_numpy()
    return ledger, check.problems, existing


def _check_references(lookups: Lookups, spec: TableSpec, typed: pd.DataFrame,
                      check: Checker) -> None:
    for column in spec.columns:
        if not column.references:
            continue
        values = typed[column.name]
        if column.references == spec.name:  # a region's parent may be in the same file
            # the ledger's codes through Arrow (pandas' isin on a set of every region code
            # made an Arrow scalar of each, per call: an import writing regions in many
            # batches paid it each time), the file's own with a plain set
            known = lookups.known(column.references, values)
            own = values.isin(set(typed["code"].dropna())).to_numpy(dtype=bool)
            unknown = values.notna().to_numpy() & ~known & ~own
        else:
            unknown = values.notna().to_numpy() & ~lookups.known(column.references, values)
        noun = _REFERENCE_NAMES[column.references]
        check.flag(unknown, column.name, lambda i, v=values, n=noun, t=column.references:
                   f"unknown {n} code '{v.iloc[i]}' (not in the {t} table: import {t} first)")


def _check_rules(spec: TableSpec, typed: pd.DataFrame, check: Checker) -> None:
    """Rules that span columns."""
    def ordered(first: str, last: str) -> None:
        if first in typed and last in typed:
            bad = (typed[last].notna() & typed[first].notna() & (typed[last] < typed[first]))
            check.flag(bad.to_numpy(dtype=bool), last, f"{last} is before {first}")

    ordered("start_year", "end_year")
    ordered("valid_from", "valid_to")
    for amount in ("budget", "investment"):
        if amount in typed and "currency" in typed:
            bad = typed[amount].notna() & typed["currency"].isna()
            check.flag(bad.to_numpy(), "currency", f"{amount} given without its currency")
    if spec.name == "rates":
        check.flag((typed["currency"] == typed["base"]).to_numpy(), "base",
                   "base is the same currency as currency")
    if spec.name == "regions":
        check.flag((typed["code"] == typed["parent_code"]).to_numpy(), "parent_code",
                   "a region cannot be its own parent")


def _resolve_pairings(lookups: Lookups, spec: TableSpec, typed: pd.DataFrame,
                      check: Checker) -> pd.Series:
    """Each row's pairing: same donor and recipient, and a start..end span covering its year
    (or the given round)."""
    donor_col, recipient_col, year_col = spec.pairing_from
    pairings = lookups.pairings()
    rows = pd.DataFrame({
        "i": np.arange(len(typed)), "donor": typed[donor_col].to_numpy(),
        "recipient": typed[recipient_col].to_numpy(), "year": typed[year_col].to_numpy(),
        "round_given": typed["round"].to_numpy() if "round" in typed else pd.NA,
    })
    n_matches = np.zeros(len(typed), dtype=np.int64)
    found_id = np.full(len(typed), -1, dtype=np.int64)
    # Fast path: a donor-recipient pair with one pairing row is found by a hash lookup in Arrow;
    # the general merge below handles pairs with several rounds and pairs with none.
    single, single_keys = lookups.single_pairings()
    row_key = pc.binary_join_element_wise(
        *(pa.array(typed[c].fillna("")).cast(pa.large_string()) for c in (donor_col, recipient_col)),
        pa.scalar(PAIR_SEPARATOR, pa.large_string()))
    position = pc.index_in(row_key, value_set=single_keys)
    position = position.fill_null(-1).to_numpy(zero_copy_only=False)
    hit = np.flatnonzero(position >= 0)
    if len(hit):
        at = position[hit]
        year = pd.to_numeric(rows["year"]).to_numpy(dtype=float)[hit]
        given = pd.to_numeric(rows["round_given"]).to_numpy(dtype=float)[hit] \
            if "round" in typed else np.full(len(hit), np.nan)
        start = single["start_year"].to_numpy(dtype=float)[at]
        end = pd.to_numeric(single["end_year"]).fillna(9999).to_numpy(dtype=float)[at]
        covers = (start <= year) & (year <= end) & (np.isnan(given) | (given == single["round"]
                                                                      .to_numpy(dtype=float)[at]))
        n_matches[hit] = covers
        found_id[hit[covers]] = single["id"].to_numpy()[at[covers]]
    others = np.flatnonzero(position < 0)
    if len(others):  # merging even no rows with every pairing costs a copy of the pairings
        usable = rows.iloc[others].dropna(subset=["donor", "recipient", "year"])
        matches = usable.merge(pairings, on=["donor", "recipient"], how="inner")
        end = pd.to_numeric(matches["end_year"]).fillna(9999)
        given = matches["round_given"].notna()
        # A given round picks among overlapping rounds; the round must still cover the row's year.
        covers = ((matches["start_year"] <= matches["year"]) & (matches["year"] <= end)
                  & (~given | (matches["round"] == pd.to_numeric(matches["round_given"]))))
        matches = matches[covers.to_numpy(dtype=bool)]
        counted = matches.groupby("i").size()
        n_matches[counted.index.to_numpy()] = counted.to_numpy()
        first = matches.drop_duplicates("i")
        found_id[first["i"].to_numpy()] = first["id"].to_numpy()
    resolvable = rows[["donor", "recipient", "year"]].notna().all(axis=1).to_numpy() & ~check.bad
    paired: set[tuple] = set()  # filled when a row needs explaining (a set per chunk is costly)

    def spans(key: tuple) -> str:
        rounds = pairings[(pairings["donor"] == key[0]) & (pairings["recipient"] == key[1])]
        return ", ".join(f"{r.round}: {r.start_year}–{'' if pd.isna(r.end_year) else int(r.end_year)}"
                         for r in rounds.itertuples())

    def why_none(i: int) -> str:
        key = (rows["donor"].iat[i], rows["recipient"].iat[i])
        if not paired:
            paired.update(zip(pairings["donor"], pairings["recipient"]))
        if key not in paired:
            return f"donor '{key[0]}' is not paired with recipient '{key[1]}' (add the pairing first)"
        if pd.notna(rows["round_given"].iat[i]):
            return (f"no pairing of '{key[0]}' with '{key[1]}' in round "
                    f"{rows['round_given'].iat[i]} covers {year_col} {rows['year'].iat[i]} "
                    f"(pairing rounds: {spans(key)})")
        return (f"no pairing of '{key[0]}' with '{key[1]}' covers {year_col} "
                f"{rows['year'].iat[i]} (pairing rounds: {spans(key)})")

    check.flag(resolvable & (n_matches == 0), recipient_col, why_none)
    check.flag(resolvable & (n_matches > 1), recipient_col,
               "more than one pairing round covers this year: give the `round` column")
    return pd.Series(pd.array(np.where(found_id >= 0, found_id, 0), dtype="Int64"),
                     index=typed.index).where(found_id >= 0)


def _direction(value) -> int | None:
    """An indicator's direction as a number; a value off its choices is already a problem of
    the row (nothing is written), so it becomes None here rather than an error (an API body's
    0.1 raised ValueError: a 500)."""
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _to_ledger(spec: TableSpec, typed: pd.DataFrame) -> pd.DataFrame:
    ledger = typed.rename(columns=_LEDGER_NAMES[spec.name])
    if spec.pairing_from:
        ledger = ledger.drop(columns=[c for c in (*spec.pairing_from[:2], "round") if c in ledger])
    if "ref" in ledger:
        ledger["ref"] = ledger["ref"].fillna("")
    if spec.name == "indicators":
        ledger["direction"] = ledger["direction"].map(_direction).astype("Int64")
    return ledger


def _file_duplicates(spec: TableSpec, ledger: pd.DataFrame, check: Checker) -> None:
    """Rows sharing a natural key within the file: each repeat names the row it repeats."""
    _, key = LEDGER_TABLES[spec.name]
    complete = ledger[list(key)].notna().all(axis=1).to_numpy() & ~check.bad
    keys = ledger.loc[complete, list(key)]
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return
    first_row = check.frame.loc[keys.index, ROW].groupby(
        [keys[c] for c in key], dropna=False).transform("first")
    mask = np.zeros(len(ledger), dtype=bool)
    mask[np.flatnonzero(complete)[repeated.to_numpy()]] = True
    rows_of_first = pd.Series(first_row.to_numpy(), index=keys.index)
    described = ", ".join(spec.natural_key)
    check.flag(mask, spec.natural_key[0], lambda i: f"duplicate of row "
               f"{rows_of_first.loc[ledger.index[i]]} (same {described})")


def duplicate_problems(spec: TableSpec, ledger: pd.DataFrame, file: str) -> list[Problem]:
    """The within-file duplicates of validated ledger rows (which carry their `_row`)."""
    check = Checker(ledger[[ROW]], file)
    _file_duplicates(spec, ledger, check)
    return check.problems


def _ledger_duplicates(store: Store, conn: Connection, spec: TableSpec, ledger: pd.DataFrame,
                       check: Checker, mode: str) -> int:
    """Rows whose natural key is already in the ledger: errors in append mode, updates in upsert
    mode. Returns how many there are."""
    _, key = LEDGER_TABLES[spec.name]
    complete = ledger[list(key)].notna().all(axis=1).to_numpy() & ~check.bad
    keys = ledger.loc[complete, list(key)]
    existing = store.existing_keys(spec.name, conn=conn)
    if existing.empty or not len(keys):
        return 0
    for column in key:  # compare like with like (ledger ints come back as int64)
        if keys[column].dtype.kind in "iu" or str(keys[column].dtype) == "Int64":
            existing[column] = existing[column].astype("Int64")
            keys = keys.assign(**{column: keys[column].astype("Int64")})
    found = keys.reset_index().merge(existing.drop_duplicates(), on=list(key), how="inner")["index"]
    if mode == "append" and len(found):
        mask = ledger.index.isin(found)
        check.flag(mask, spec.natural_key[0], f"already in the ledger (same "
                   f"{', '.join(spec.natural_key)}); use --mode upsert to replace it")
    return len(found)


def _parents_first(ledger: pd.DataFrame, check: Checker) -> pd.DataFrame:
    """Order regions so each parent is inserted before its children; report cycles."""
    parent = dict(zip(ledger["code"], ledger["parent_code"]))
    depth = pd.Series(0, index=ledger.index)
    current = ledger["parent_code"].copy()
    for _ in range(len(codes.REGION_LEVELS) * 4):
        in_file = current.isin(parent.keys())
        if not in_file.any():
            break
        depth[in_file] += 1
        current = current.where(~in_file, current.map(parent))
    else:
        cyclic = current.isin(parent.keys()).to_numpy()
        check.flag(cyclic, "parent_code", "parent codes form a cycle")
    return ledger.assign(_depth=depth).sort_values("_depth", kind="stable").drop(columns="_depth")
