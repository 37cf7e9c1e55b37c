"""Read a CSV, XLSX or Parquet file into a table of text cells, keeping spreadsheet row numbers.

Every cell is read as text (stripped) so that validation can say exactly which cell is wrong and
why; the `_row` column holds the row number a user sees in Excel (header = row 1).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pairaid.ingest import limits
from pairaid.ingest.errors import ImportValidationError, Problem

ROW = "_row"


def read_table_file(path: Path, table: str, expected: tuple[str, ...], *, sheet: str | None = None,
                    header_row: int | None = None) -> pd.DataFrame:
    """Cells of the file as stripped strings ('' for empty) plus `_row`; raises on unreadable input.

    Spreadsheets laid out as offices lay them out (title and unit rows, a cover sheet, totals) are
    read through `layout`, whose `Layout` (in attrs["layout"]) says what was skipped; `sheet` and
    `header_row` override its guesses."""
    name = path.name
    if not path.exists():
        raise ImportValidationError([Problem(name, 0, "", f"no such file: {path}")])
    limits.check_file(path)  # size, sheet extent, JSON depth: before any reader runs
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        frame = _read_csv(path, table, expected, header_row)
    elif suffix in (".xlsx", ".xlsm"):
        frame = _read_xlsx(path, table, sheet, header_row)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
    elif suffix == ".json":
        frame = _read_json(path)
    elif suffix == ".xls":
        raise ImportValidationError([Problem(name, 0, "", "old Excel .xls files are not read: "
                                             "save the sheet as .xlsx or .csv")])
    else:
        raise ImportValidationError([Problem(name, 0, "", f"unknown file type '{suffix}': use "
                                             ".csv, .xlsx, .parquet or .json")])
    return limits.check_cells(frame, path, ROW)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, which Chinese offices' Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ImportValidationError([Problem(
                name, line, "", f"the file is neither UTF-8 nor GB18030 text (undecodable byte "
                f"0x{data[utf8_error.start]:02x} at byte {utf8_error.start}); save it as CSV UTF-8"
            )]) from None
        _check_plausibly_chinese(text, name)
        return text


def _check_plausibly_chinese(text: str, name: str) -> None:
    """GB18030 decodes almost any bytes, so a Latin-1 'Zürich' would arrive as 'Z黵ich'. Text
    that really is GB18030 from an office uses the common characters of GB2312; anything outside
    it is more likely a misread, so say so rather than store it."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError as unusual:
        line = text[: unusual.start].count("\n") + 1
        raise ImportValidationError([Problem(
            name, line, "", f"the file is not UTF-8, and read as GB18030 it holds the unusual "
            f"character '{text[unusual.start]}': it may be Latin-1 or Windows-1252 text; save it "
            "as CSV UTF-8")]) from None


def _read_csv(path: Path, table: str = "", expected: tuple[str, ...] = (),
              header_row: int | None = None) -> pd.DataFrame:
    name = path.name
    data = path.read_bytes()
    if not data.strip():
        raise ImportValidationError([Problem(name, 1, "", "the file is empty: it needs a header row "
                                             "and at least one data row")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data = decode_text(data, name).encode("utf-8")
    if b"\x00" in data:
        raise ImportValidationError([Problem(name, 0, "", "the file holds NUL bytes: it is not a "
                                             "text CSV (UTF-16 or binary?); save it as CSV UTF-8")])
    # Leading '#' lines are notes (the templates write them); the header is the first other line.
    comments = 0
    start = 0
    while data.startswith(b"#", start):
        end = data.find(b"\n", start)
        start = len(data) if end < 0 else end + 1
        comments += 1
    if not data[start:].strip():
        raise ImportValidationError([Problem(name, comments + 1, "", "no header row after the "
                                             "'#' note lines")])
    header = data[start:].split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    names = next(iter(pd.read_csv(io.StringIO(header), header=None, dtype=str,
                                  keep_default_na=False).itertuples(index=False)), ())
    if table and (header_row is not None or not _plain_header(names, expected)):
        return _read_office_csv(data, name, table, header_row)
    _check_header([str(n) for n in names], name)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=list(names), skip_rows=comments + 1),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[],
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
        )
    except pa.ArrowInvalid as exc:
        row = _malformed_record_row(data, start, comments, names) or _row_from_arrow_message(str(exc))
        raise ImportValidationError([Problem(name, row, "", f"malformed CSV: {_first_line(exc)}")]) from None
    # Trim in Arrow and keep Arrow-backed strings: pandas' object strings are 10-50x slower here.
    trimmed = pa.table({n: pc.utf8_trim_whitespace(c) for n, c in zip(table.column_names, table.columns)})
    frame = trimmed.to_pandas(types_mapper=_arrow_strings)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.attrs["stripped"] = True  # as_text_frame need not strip again
    # Row numbers as Excel shows them: one per record (a quoted cell spanning lines is one row).
    frame[ROW] = range(comments + 2, len(frame) + comments + 2)
    if re.search(rb"\n\r?\n", data[start:].rstrip(b"\r\n")):
        # Excel shows a blank line as an empty row, but pyarrow skips it: count records ourselves.
        rows = _record_rows(data, start, comments)
        if len(rows) == len(frame):
            frame[ROW] = rows
    return _drop_blank_rows(frame)


def _plain_header(names: tuple, expected: tuple[str, ...]) -> bool:
    """The first line names only the table's own columns (as the templates and exports write
    them): the fast path. Anything else (Chinese headers, a title line) goes through `layout`."""
    folded = {str(n).strip().lower().replace(" ", "_") for n in names}
    return bool(folded) and folded <= set(expected)


def _read_office_csv(data: bytes, name: str, table: str, header_row: int | None) -> pd.DataFrame:
    from pairaid.ingest.layout import build_frame

    text = data.decode("utf-8")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportValidationError([Problem(name, 0, "", f"malformed CSV: {exc}")]) from None
    rows = [(number, [cell.strip() for cell in cells])
            for number, cells in enumerate(records, start=1)]
    return build_frame(name, rows, table, header_row)


def _csv_records(data: bytes, start: int, comments: int) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of every record after the header, blank lines included."""
    text = data[start:].decode("utf-8")
    records = csv.reader(io.StringIO(text, newline=""))
    next(records, None)  # the header
    return enumerate(records, start=comments + 2)


def _record_rows(data: bytes, start: int, comments: int) -> list[int]:
    try:
        return [row for row, cells in _csv_records(data, start, comments) if cells]
    except csv.Error:  # a cell beyond the csv module's size limit: keep pyarrow's numbering
        return []


def _malformed_record_row(data: bytes, start: int, comments: int, names: tuple) -> int:
    """The row of the first record whose cell count differs from the header's (0 if none)."""
    try:
        for row, cells in _csv_records(data, start, comments):
            if cells and len(cells) != len(names):
                return row
    except csv.Error:
        pass
    return 0


def _row_from_arrow_message(message: str) -> int:
    match = re.search(r"row (\d+)", message)
    return int(match.group(1)) + 1 if match else 0


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _check_header(names: list[str], file: str) -> None:
    problems = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(names, start=1):
        column = raw.strip()
        if not column:
            problems.append(Problem(file, 1, f"#{position}", "empty column name in the header row"))
        elif column in seen:
            problems.append(Problem(file, 1, column, f"column name repeated (columns {seen[column]} "
                                    f"and {position})"))
        seen.setdefault(column, position)
    if problems:
        raise ImportValidationError(problems)


def _arrow_strings(arrow_type: pa.DataType):
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow")
    return None


def as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as stripped Arrow-backed strings (what validation works on); numbers stay."""
    stripped = frame.attrs.get("stripped", False)
    for column in frame.columns:
        if column != ROW and frame[column].dtype.kind not in "iufb":
            text = frame[column].astype(pd.StringDtype("pyarrow"))
            if not stripped:
                text = text.str.strip()
            if text.str.contains("\r", regex=False).any():
                # Excel and CSV writers disagree on \r\n, \r and \n inside a cell: keep one, \n
                text = text.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
            frame[column] = text
    return frame


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with every cell empty (Excel leaves them) are not data."""
    cells = [c for c in frame.columns if c != ROW]
    if not cells:
        return frame
    blank = np.ones(len(frame), dtype=bool)
    for column in cells:  # narrow the candidates column by column; usually none survive the first
        candidates = np.flatnonzero(blank)
        values = frame[column].iloc[candidates]
        blank[candidates] = (values.fillna("") == "").to_numpy(dtype=bool)
        if not blank.any():
            return frame
    return frame.loc[~blank].reset_index(drop=True)


def _cell_text(value: object) -> str:
    """One spreadsheet cell as text: integers without '.0', floats exactly (repr round-trips)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(path: Path, table: str, sheet: str | None = None,
               header_row: int | None = None) -> pd.DataFrame:
    from openpyxl import load_workbook

    from pairaid.ingest.layout import read_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        # Not read-only: merged ranges are only visible on a fully loaded sheet.
        workbook = load_workbook(path, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportValidationError([Problem(name, 0, "", f"not a readable .xlsx workbook "
                                             f"({_first_line(exc) or type(exc).__name__})")]) from None
    except Exception as exc:  # zipfile.BadZipFile and friends: a corrupt or renamed file
        raise ImportValidationError([Problem(name, 0, "", f"not a readable .xlsx workbook "
                                             f"({type(exc).__name__})")]) from None
    return read_workbook(workbook, name, table, sheet, header_row)


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ImportValidationError([Problem(path.name, 0, "", f"not a readable Parquet file "
                                             f"({_first_line(exc)})")]) from None
    _check_header(table.column_names, path.name)
    frame = pd.DataFrame({
        column: [_cell_text(v) for v in table.column(column).to_pylist()]
        for column in table.column_names
    })
    frame[ROW] = range(2, len(frame) + 2)  # row 1 is the (virtual) header, as in a CSV
    return frame


def _read_json(path: Path) -> pd.DataFrame:
    """`pairaid export … -o x.json` output ({"columns": [...], "rows": [{...}]}) or a list of rows."""
    import json

    name = path.name
    try:
        payload = json.loads(decode_text(path.read_bytes(), name))
    except json.JSONDecodeError as exc:
        raise ImportValidationError([Problem(name, exc.lineno, "", f"not valid JSON: {exc.msg}")]) from None
    rows = payload.get("rows") if isinstance(payload, dict) else payload
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ImportValidationError([Problem(name, 0, "", 'expected {"rows": [{column: value, '
                                             '...}, ...]} or a list of such objects')])
    columns = payload.get("columns") if isinstance(payload, dict) else None
    # Keys missing from "columns" are still columns: validation names them rather than drops them.
    columns = list(dict.fromkeys([*(columns or []), *(k for r in rows for k in r)]))
    frame = pd.DataFrame({c: [_cell_text(r.get(c)) for r in rows] for c in columns})
    frame[ROW] = range(1, len(frame) + 1)  # JSON has no header row: row N is the Nth object
    return frame
