"""Bounds on what an import file may hold, checked before the file is read and after.

A 5 KB XLSX whose one cell sits at XFD1048576 made the reader walk 17 billion empty cells (a
MemoryError after 46 s at 4 GB); a JSON array nested 100,000 deep overflowed the parser's
recursion. So, before any reader runs, `check_file` refuses a folder, an oversized file, a
workbook whose sheets reach past the row, column or cell limits (found by streaming each sheet's
XML in 1 MB pieces: memory stays under a few MB whatever the sheet claims), and JSON nested
deeper than `MAX_JSON_DEPTH`. After reading, `check_cells` refuses too many rows or columns and
overlong cells, and takes off the CSV formula guard (see `hygiene`).

Memory bound: an accepted XLSX holds at most `MAX_XLSX_CELLS` cells, which openpyxl loads in
about 430 bytes each (measured: 1 million cells, 426 MB); other formats are bounded by
`MAX_FILE_BYTES` (the CSV reader holds the file and its Arrow table, about 3x the file).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.ingest.errors import ImportValidationError, Problem

MAX_FILE_BYTES = 1 << 30  # 1 GiB; a million flows in CSV are about 90 MB
MAX_XLSX_BYTES = 200 << 20  # compressed
MAX_XLSX_UNPACKED = 1 << 30  # all parts of the workbook, unzipped (a zip bomb stops here)
MAX_XLSX_CELLS = 1_000_000  # per sheet, counting the empty cells inside its used range
MAX_ROWS = 10_000_000
MAX_COLUMNS = 256
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_JSON_DEPTH = 32  # an export is 3 deep: {"rows": [{column: value}]}

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+)\d+\"")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_MERGED = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"[A-Z]+\d+:([A-Z]+)(\d+)\"")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def refuse(file: str, reason: str) -> ImportValidationError:
    return ImportValidationError([Problem(file, 0, "", reason)])


def check_file(path: Path) -> None:
    """Refuse, before reading, a file that is not a regular file or is beyond the limits."""
    name = path.name
    if path.is_dir():
        raise refuse(name, f"{path} is a folder: give the file inside it")
    if not path.is_file():
        raise refuse(name, f"{path} is not a regular file")
    size = path.stat().st_size
    suffix = path.suffix.lower()
    limit = MAX_XLSX_BYTES if suffix in (".xlsx", ".xlsm") else MAX_FILE_BYTES
    if size > limit:
        raise refuse(name, f"the file is {size / 2**20:,.0f} MB; pairaid reads files up to "
                     f"{limit / 2**20:,.0f} MB of this type (split it, or use CSV)")
    if suffix in (".xlsx", ".xlsm"):
        _check_workbook(path)
    elif suffix == ".json":
        _check_json_depth(path)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_workbook(path: Path) -> None:
    """Each sheet's used range and cell count, read from its XML without building cells."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader says it is not a readable workbook
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise refuse(name, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB; pairaid reads "
                         f"workbooks up to {MAX_XLSX_UNPACKED / 2**20:,.0f} MB (save it as CSV)")
        for info in archive.infolist():
            if _SHEET.match(info.filename):
                with archive.open(info) as stream:
                    rows, columns, cells = _sheet_extent(stream)
                _check_extent(name, info.filename, rows, columns, cells)


def _sheet_extent(stream) -> tuple[int, int, int]:
    """(last row, last column, cells) of one sheet's XML, read 1 MB at a time."""
    rows = columns = cells = 0
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        cut = data.rfind(b"<")  # a tag cut in two waits for the next piece
        body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        found = _ROW_REF.findall(body)
        if found:
            rows = max(rows, max(map(int, found)))
        letters = set(_CELL_COLUMN.findall(body))
        if letters:
            columns = max(columns, max(map(_column_number, letters)))
        cells += len(_CELL.findall(body))
        for last_column, last_row in _MERGED.findall(body):
            # openpyxl makes a cell object for every cell of a merged range
            rows = max(rows, int(last_row))
            columns = max(columns, _column_number(last_column))
        if len(tail) > 1 << 20:  # no tag end in a whole megabyte: not a sheet we can read
            tail = b""
    return rows, columns, cells


def _check_extent(name: str, part: str, rows: int, columns: int, cells: int) -> None:
    sheet = part.rsplit("/", 1)[-1].removesuffix(".xml")
    where = f"{name} ({sheet})"
    if columns > MAX_COLUMNS:
        raise refuse(where, f"the sheet's used range reaches column {columns:,} (the limit is "
                     f"{MAX_COLUMNS}): delete the far cells (Ctrl+End shows the last one) or "
                     "save the data as CSV")
    if rows > MAX_ROWS or rows * max(columns, 1) > MAX_XLSX_CELLS or cells > MAX_XLSX_CELLS:
        raise refuse(where, f"the sheet's used range is {rows:,} rows by {columns:,} columns; "
                     f"pairaid reads workbooks up to {MAX_XLSX_CELLS:,} cells: delete the far "
                     "cells (Ctrl+End shows the last one) or save the data as CSV")


def _check_json_depth(path: Path) -> None:
    """Nesting depth of a JSON file, counted over its brackets outside strings (C-speed)."""
    data = path.read_bytes()
    brackets = _JSON_STRING.sub(b"", data).translate(None, bytes(set(range(256)) - set(b"[]{}")))
    if not brackets:
        return
    steps = np.frombuffer(brackets, dtype=np.uint8)
    depth = np.cumsum(np.where((steps == ord("[")) | (steps == ord("{")), 1, -1), dtype=np.int64)
    deepest = int(depth.max())
    if deepest > MAX_JSON_DEPTH:
        raise refuse(path.name, f"the JSON is nested {deepest:,} levels deep; an import file is "
                     f"a list of rows (at most {MAX_JSON_DEPTH} levels)")


def check_cells(frame: pd.DataFrame, path: Path, row_column: str) -> pd.DataFrame:
    """Refuse too many rows or columns and overlong cells; undo the CSV formula guard."""
    from pairaid.ingest.hygiene import unguard_formulas

    label = frame.attrs.get("label", path.name)
    columns = [c for c in frame.columns if c != row_column]
    if len(columns) > MAX_COLUMNS:
        raise refuse(label, f"the file has {len(columns):,} columns; the limit is {MAX_COLUMNS}")
    if len(frame) > MAX_ROWS:
        raise refuse(label, f"the file has {len(frame):,} rows; the limit is {MAX_ROWS:,} "
                     "(split it into several imports)")
    problems = []
    for column in columns:
        series = frame[column]
        if series.dtype.kind in "iufb":
            continue
        lengths = series.astype(str).str.len().to_numpy(dtype=float, na_value=0)
        for index in np.flatnonzero(lengths > MAX_CELL_CHARS)[:5]:
            problems.append(Problem(label, int(frame[row_column].iloc[index]), str(column),
                                    f"the cell holds {int(lengths[index]):,} characters; the "
                                    f"limit is {MAX_CELL_CHARS:,}"))
    if problems:
        raise ImportValidationError(problems)
    if path.suffix.lower() in (".csv", ".txt"):
        frame = unguard_formulas(frame, columns)
    return frame
