"""From an office's sheet to the table's columns and codes, saying what was done at each step.

After `layout` has found the rows, this module reads Chinese and English headers as the table's
columns, scales 万元/亿元 amounts to 元 exactly, reads 人民币/RMB/元 as CNY and dates as years,
maps Chinese flow kinds, sectors and other coded values to their codes, resolves donor and region
names to codes (`names.NameResolver`), and checks total rows against the rows above them. Each
step that changes something adds a note; each thing it cannot do is a `Problem` naming the cell.
A `Mapping` (TOML) overrides the guesses, and the guesses are returned as one, for a dry run to
write out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pairaid.errors import InputError
from pairaid.ingest.aliases import MONEY_COLUMNS, fold, header_key, header_lookup, split_header, \
    value_aliases
from pairaid.ingest.errors import Problem
from pairaid.ingest.layout import ROW, Layout
from pairaid.ingest.mapping import Mapping
from pairaid.ingest.names import NameResolver
from pairaid.ingest.tables import TableSpec
from pairaid.ingest.units import SCALES, currency_code, half_step, scale_amounts, unit_name, \
    year_of, yuan

#: Columns whose total rows are checked: money and counts.
_SUMMED = ("amount", "budget", "investment", "headcount", "person_months", "count", "jobs")
_NAMED = {"donors": "donors", "regions": "regions"}
_LISTED = 8
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class OfficeOptions:
    """The user's overrides of the automatic rules (command-line options and the mapping file)."""
    sheet: str | None = None
    header_row: int | None = None
    amount_unit: str | None = None
    mapping: Mapping | None = None

    def resolved(self) -> OfficeOptions:
        """Command-line options win over the mapping file's settings."""
        mapping = self.mapping or Mapping()
        unit = self.amount_unit or mapping.amount_unit
        if unit is not None and unit_name(unit) is None:
            raise InputError(f"--amount-unit '{unit}' is not a unit (use 元, 万元, 亿元 or 千元)")
        return OfficeOptions(self.sheet or mapping.sheet,
                             self.header_row if self.header_row is not None else mapping.header_row,
                             unit_name(unit) if unit else None, mapping)


@dataclass
class Normalised:
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    guessed: Mapping = field(default_factory=Mapping)


def _cells(series: pd.Series) -> pd.Series:
    """A column as Arrow-backed text with '' for empty (what `as_text_frame` gives validation;
    pandas' Python strings would cost a second per million cells)."""
    arrow = pd.StringDtype("pyarrow")
    if series.dtype != arrow:
        series = series.astype(object).where(series.notna(), None).map(
            lambda v: v if v is None or isinstance(v, str) else _number_text(v)).astype(arrow)
    return series.fillna("")


def _number_text(value: object) -> str:
    """A number handed in by code as its text (floats without a spurious '.0')."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _mentions_unit(text: pd.Series) -> bool:
    """Does any cell write 万, 亿 or 元? (Literal searches in Arrow: a regex costs 4x more.)"""
    cells = pa.array(text)
    return any(pc.any(pc.match_substring(cells, unit)).as_py() for unit in "万亿元")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _listed(pairs: list[tuple[str, str]], arrow: str = "→") -> str:
    shown = ", ".join(f"'{a}' {arrow} {b}" for a, b in pairs[:_LISTED])
    return shown + (f" and {len(pairs) - _LISTED} more" if len(pairs) > _LISTED else "")


def normalise(frame: pd.DataFrame, spec: TableSpec, file: str,
              resolver: Callable[[], NameResolver], options: OfficeOptions,
              known: Callable[[str], set[str]] | None = None) -> Normalised:
    """Headers, units, currencies, years, coded values and names of one read table.

    `resolver` is called only when some donor or region cell is not a code; `known(table)`
    gives the codes (cheaper than building the resolver, which a file of codes never needs)."""
    options = options.resolved()
    mapping = options.mapping or Mapping()
    layout: Layout | None = frame.attrs.get("layout")
    result = Normalised(frame, guessed=Mapping())
    if layout is not None:
        result.notes += layout.notes
        result.guessed.sheet = layout.sheet or None
        result.guessed.header_row = layout.header_row
        result.guessed.amount_unit = options.amount_unit or layout.sheet_unit
    units = _headers(result, spec, file, mapping, layout)
    frame = result.frame
    money = [c for c in MONEY_COLUMNS.get(spec.name, ()) if c in frame]
    money_units = {c: options.amount_unit or units.get(c) or (layout.sheet_unit if layout else None)
                   for c in money}
    if options.amount_unit:
        result.notes.append(f"amounts in {options.amount_unit} as given (--amount-unit)")
    yuan_seen = _amounts(result, money, money_units)
    _currency(result, spec, money, yuan_seen or any(u for u in money_units.values()))
    _years(result, spec)
    _coded(result, spec, mapping)
    _names(result, spec, file, mapping, resolver, known)
    if layout is not None and layout.totals:
        _totals(result, spec, file, layout, money_units)
    return result


def _headers(result: Normalised, spec: TableSpec, file: str, mapping: Mapping,
             layout: Layout | None) -> dict[str, str]:
    """Rename headers to columns; return the unit each money column's header (or the unit row
    under it) states."""
    lookup = header_lookup(spec.name)
    renames: dict[str, str] = {}
    claimed: dict[str, str] = {}
    units: dict[str, str] = {}
    headers = [c for c in result.frame.columns if c != ROW]
    exact = {c for c in headers if c in spec.column_names and c not in mapping.columns}
    for raw in headers:
        target = mapping.columns.get(raw) or (raw if raw in exact else lookup.get(header_key(raw)))
        if target is None or (raw not in exact and target in exact):
            continue  # a header like 'Amount' beside 'amount': reported as an unknown column
        if target not in spec.column_names:
            result.problems.append(Problem(file, 1, raw, f"the mapping names column '{target}', "
                                           f"which {spec.name} does not have"))
            continue
        if target in claimed:
            result.problems.append(Problem(file, 1, raw, f"'{claimed[target]}' and '{raw}' both "
                                           f"read as column {target}: rename one, or map it in "
                                           "--mapping [columns]"))
            continue
        claimed[target] = raw
        if raw != target:
            renames[raw] = target
            result.guessed.columns[raw] = target
        unit = unit_name(split_header(raw)[1]) or (layout.column_units.get(raw) if layout else None)
        if unit:
            units[target] = unit
    if renames:
        result.frame = result.frame.rename(columns=renames)
        result.notes.append("headers read as columns: " + ", ".join(
            f"'{a}' → {b}" for a, b in renames.items()))
    return units


def _amounts(result: Normalised, money: list[str], units: dict[str, str | None]) -> bool:
    """Scale money columns to 元; True if any cell wrote its own 元 unit."""
    own_units = False
    for column in money:
        unit = units[column]
        cells = result.frame[column]
        text = _cells(cells)
        if not unit and not _mentions_unit(text):
            continue
        scaled, by_column, by_cell = scale_amounts(text, unit or "")
        result.frame[column] = scaled
        own_units |= by_cell > 0
        if by_column and unit != "元":
            result.notes.append(f"{column}: {_count(by_column, 'amount')} in {unit} × "
                                f"{SCALES[unit]:,} → 元 (exact decimal arithmetic)")
        if by_cell:
            result.notes.append(f"{column}: {_count(by_cell, 'amount')} written with their unit "
                                "(万元/亿元/元) scaled to 元")
    return own_units


def _currency(result: Normalised, spec: TableSpec, money: list[str], in_yuan: bool) -> None:
    if "currency" not in spec.column_names:
        return
    frame = result.frame
    if "currency" in frame:
        text = _cells(frame["currency"])
        distinct = [v for v in text.unique() if v]
        changes = {v: currency_code(v) for v in distinct if currency_code(v) != v}
        if changes:
            frame["currency"] = text.map(lambda v: changes.get(v, v))
            result.notes.append("currency: " + _listed(list(changes.items())))
    elif money and in_yuan:
        frame["currency"] = np.where(_cells(frame[money[0]]) != "", "CNY", "")
        result.notes.append("currency: no currency column; CNY (the amounts are in 元)")


def _years(result: Normalised, spec: TableSpec) -> None:
    for column in (c for c in spec.columns if c.type == "year" and c.name in result.frame):
        text = _cells(result.frame[column.name])
        distinct = [v for v in text.unique() if v and not _YEAR.match(v)]
        years = {v: year_of(v) for v in distinct}
        years = {v: y for v, y in years.items() if y}
        if years:
            result.frame[column.name] = text.map(lambda v: years.get(v, v))
            count = int(text.isin(list(years)).sum())
            result.notes.append(f"{column.name}: {_count(count, 'date')} read as their year ("
                                f"{_listed(list(years.items()))})")


def _coded(result: Normalised, spec: TableSpec, mapping: Mapping) -> None:
    for column in spec.columns:
        if column.type not in ("enum", "sector") or column.name not in result.frame:
            continue
        aliases = {fold(k).strip(): v for k, v in value_aliases(spec.name, column.name).items()}
        given = mapping.values.get(column.name, {})
        choices = {c.lower(): c for c in column.choices}
        text = _cells(result.frame[column.name])
        codes: dict[str, str] = {}
        for value in text.unique():
            if not value or value in column.choices:
                continue
            key = fold(value).strip()
            code = given.get(value) or aliases.get(key) or choices.get(key.lower()) \
                or choices.get(key.lower().replace(" ", "_"))
            if code:
                codes[value] = code
        if codes:
            result.frame[column.name] = text.map(lambda v: codes.get(v, v))
            result.guessed.values[column.name] = codes
            result.notes.append(f"{column.name}: " + _listed(list(codes.items())))


def _names(result: Normalised, spec: TableSpec, file: str, mapping: Mapping,
           resolver: Callable[[], NameResolver],
           known: Callable[[str], set[str]] | None) -> None:
    """Donor and region names to codes; unknown and ambiguous names become problems."""
    frame = result.frame
    names: NameResolver | None = None
    codes: dict[str, set[str]] = {}
    for column in spec.columns:
        what = _NAMED.get(column.references or "")
        if what is None or column.name not in frame:
            continue
        if column.references == spec.name:
            continue  # a region's parent may be a code in the same file: left to validation
        if what not in codes:
            codes[what] = known(what) if known else (names := names or resolver()).codes(what)
        text = _cells(frame[column.name])
        cells = pa.array(text)
        inside = pc.or_(pc.is_in(cells, value_set=pa.array(sorted(codes[what]), pa.string())),
                        pc.equal(cells, ""))
        outside = text[~inside.to_numpy(zero_copy_only=False)]
        if outside.empty:
            continue
        names = names or resolver()
        given = mapping.donors if what == "donors" else mapping.regions
        found, failed = names.resolve_many(what, outside.map(lambda v: v if v not in given else None))
        found.update({v: given[v] for v in outside.unique() if v in given})
        guessed = result.guessed.donors if what == "donors" else result.guessed.regions
        guessed.update(found)
        if found:
            frame[column.name] = text.map(lambda v: found.get(v, v))
            renamed = [(k, v) for k, v in found.items() if k != v]
            if renamed:
                result.notes.append(f"{column.name}: names read as codes: {_listed(renamed)}")
        for name, error in failed.items():
            guessed[name] = ""
            result.guessed.comments[(what, name)] = error.reason()
            rows = result.frame.loc[text == name, ROW]
            result.problems += [Problem(file, int(r), column.name, error.reason()) for r in rows]


def _totals(result: Normalised, spec: TableSpec, file: str, layout: Layout,
            units: dict[str, str | None]) -> None:
    """Each total row against the sum of the data rows it covers, in exact decimals."""
    renames = result.guessed.columns
    frame = result.frame
    cache: dict[str, list[Decimal | None]] = {}
    for total in layout.totals:
        cells = {renames.get(k, k): v for k, v in total.items()}
        start, end = total["_covers"]
        checked = []
        for column in (c for c in _SUMMED if c in frame and c in cells and cells[c]):
            unit = units.get(column) or ""
            stated = yuan(str(cells[column]), unit)
            if stated is None:
                result.problems.append(Problem(file, total[ROW], column, f"total row "
                                               f"'{total['_total']}': '{cells[column]}' is not a number"))
                continue
            if column not in cache:
                cache[column] = [yuan(str(v)) if v not in (None, "") and pd.notna(v) else Decimal(0)
                                 for v in frame[column].astype(object)]
            parts = cache[column][start:end]
            if any(p is None for p in parts):
                continue  # a bad cell above: validation names it
            added = sum(parts, Decimal(0))
            scale = SCALES[unit] if unit else 1
            # Half a unit of the total's last digit, or a float's last digits (Excel writes a
            # summed double with 17 digits: 12501.357900000001).
            tolerance = max(half_step(str(cells[column]), unit), abs(stated) * Decimal("1e-12"))
            if abs(added - stated) > tolerance:
                result.problems.append(Problem(
                    file, total[ROW], column, f"total row '{total['_total']}' says "
                    f"{_shown(stated, scale, unit)} but the {end - start} rows it covers add up "
                    f"to {_shown(added, scale, unit)}: correct the total or the rows"))
            else:
                checked.append(f"{column} {_shown(stated, scale, unit)}")
        if checked:
            where = "above" if end <= _position_of(frame, total[ROW]) else "below"
            result.notes.append(f"row {total[ROW]}: total row '{total['_total']}' checked against "
                                f"the {end - start} rows {where} ({', '.join(checked)}) and not "
                                "imported")
        elif not any(p.row == total[ROW] for p in result.problems):
            result.notes.append(f"row {total[ROW]}: total row '{total['_total']}' not imported "
                                "(no amount in it to check)")


def _position_of(frame: pd.DataFrame, row: int) -> int:
    """How many data rows lie above spreadsheet row `row`."""
    return int((frame[ROW].to_numpy() < row).sum())


def _shown(value: Decimal, scale: int, unit: str) -> str:
    number = value / scale
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()
