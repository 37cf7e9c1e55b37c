"""Wide sheets: years as columns, as offices keep them.

    援助方 | 受援县 | 2019年 | 2020年 | 2021年          地区 | 指标 | 2015 | 2016 | 2017

`unpivot_years` turns such a table (found by `layout`) into one row per place and year before
its headers are read: each year column's cells go to the table's value column (flows: amount,
observations: value, personnel: headcount …) and the year to `year`. A blank cell was not
recorded — missing, not zero — and makes no row. A unit in the year headers (`2019年（万元）`)
or in a unit row under them applies to the value column. Total rows are split by year too, so
each year's total is still checked against the rows it covers. A problem found later in a value
cell names the year column it came from (`name_year_columns`), so a user finds the cell.
"""

from __future__ import annotations

import re

import pandas as pd

from pairaid.ingest.aliases import fold, header_key, header_lookup, split_header
from pairaid.ingest.errors import Problem
from pairaid.ingest.layout import ROW, Layout
from pairaid.ingest.tables import TableSpec
from pairaid.ingest.units import unit_name

#: the column a year column's cells fill, per table
VALUE_COLUMN = {"flows": "amount", "observations": "value", "personnel": "headcount",
                "enterprises": "investment", "rates": "rate", "prices": "value"}
_YEAR = re.compile(r"^((?:19|20)\d{2})\s*(?:年度|年)?$")
WIDE = "wide"


def year_of_header(text: str) -> int | None:
    """`2019`, `2019年`, `2019年度`, `2019年（万元）` → 2019; any other header → None."""
    base, _ = split_header(text)
    match = _YEAR.match(re.sub(r"\s", "", fold(base)))
    return int(match.group(1)) if match else None


def unpivot_years(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """One row per place and year from a sheet with years as columns; any other frame as it is.

    A sheet is wide when at least one header is a year, the table has a value column for it,
    and no other header already names `year` or that value column."""
    layout: Layout | None = frame.attrs.get("layout")
    value = VALUE_COLUMN.get(spec.name)
    if layout is None or value is None or value not in spec.column_names \
            or "year" not in spec.column_names:
        return frame
    headers = [c for c in frame.columns if c != ROW]
    years = {h: y for h in headers if (y := year_of_header(h)) is not None}
    if not years:
        return frame
    lookup = header_lookup(spec.name)
    kept = [h for h in headers if h not in years]
    named = {lookup.get(header_key(h)) for h in kept} | set(kept)
    if "year" in named or value in named:
        return frame
    if len(set(years.values())) < len(years):
        twice = sorted(y for y in set(years.values()) if list(years.values()).count(y) > 1)
        from pairaid.ingest.errors import ImportValidationError

        raise ImportValidationError([Problem(layout.label, layout.header_row, "", f"year "
                                             f"{twice[0]} heads more than one column: one "
                                             f"column per year")])
    units = {unit_name(split_header(h)[1]) or layout.column_units.get(h) for h in years} - {None}
    if len(units) > 1:
        from pairaid.ingest.errors import ImportValidationError

        raise ImportValidationError([Problem(layout.label, layout.header_row, "", "the year "
                                             f"columns state different units ({', '.join(sorted(units))}): "
                                             "one unit for all of them")])
    blocks, cells, positions = [], {}, {}
    rows = frame[ROW].to_numpy()
    for header, year in years.items():
        column = frame[header].fillna("").astype(str)
        filled = (column.str.strip() != "").to_numpy()
        positions[header] = filled.nonzero()[0]
        block = frame.loc[filled, kept].copy()
        block["year"] = str(year)
        block[value] = column[filled].to_numpy()
        block[ROW] = rows[filled]
        blocks.append(block)
        cells.update({(int(r), str(c)): header for r, c in zip(rows[filled], column[filled])})
    out = pd.concat(blocks, ignore_index=True) if blocks else frame.iloc[:0]
    out.attrs.update(frame.attrs)
    out.attrs[WIDE] = {"value": value, "cells": cells}
    layout.totals = _split_totals(layout.totals, years, kept, value, positions)
    # a total's problem quotes its label ('合计 2019'): that names its year column too
    cells.update({(int(t[ROW]), t["_total"]): t["_header"] for t in layout.totals})
    if units:
        layout.column_units[value] = units.pop()
    first, last = min(years.values()), max(years.values())
    blank = len(frame) * len(years) - len(out)
    layout.notes.append(
        f"years as columns ({len(years)}: {first}–{last}) read as one row per {spec.name[:-1]} "
        f"and year: {len(frame):,} rows → {len(out):,}, the cells into {value}"
        + (f"; {blank:,} blank cells not recorded (missing, not zero)" if blank else ""))
    return out


def _split_totals(totals: list[dict], years: dict[str, int], kept: list[str], value: str,
                  positions: dict) -> list[dict]:
    """Each total row as one total per year, covering that year's rows of the unpivoted frame
    (laid out year by year, so the rows a total covered stay one run)."""
    split, offset = [], 0
    for header, year in years.items():
        filled = positions[header]
        for total in totals:
            stated = str(total.get(header, "") or "").strip()
            if not stated:
                continue
            start, end = total["_covers"]
            split.append({**{k: total.get(k, "") for k in kept}, "year": str(year),
                          value: stated, ROW: total[ROW], "_total": f"{total['_total']} {year}",
                          "_header": header,
                          "_covers": (offset + int((filled < start).sum()),
                                      offset + int((filled < end).sum()))})
        offset += len(filled)
    return split


def name_year_columns(problems: list[Problem], frame: pd.DataFrame) -> list[Problem]:
    """Problems of an unpivoted sheet as the user sees it: a value cell's problem names its
    year column (the cell quoted in the reason tells which), and a problem repeated for each
    year of one row (an unknown donor) is reported once."""
    wide = frame.attrs.get(WIDE)
    if not wide:
        return problems
    out, seen = [], set()
    for problem in problems:
        column = problem.column
        if column == wide["value"]:
            quoted = re.findall(r"'([^']*)'", problem.reason)
            header = next((wide["cells"][(problem.row, q)] for q in quoted
                           if (problem.row, q) in wide["cells"]), None)
            if header is not None:
                column = header
        key = (problem.file, problem.row, column, problem.reason)
        if key in seen:
            continue
        seen.add(key)
        out.append(problem if column == problem.column else
                   Problem(problem.file, problem.row, column, problem.reason))
    return out
