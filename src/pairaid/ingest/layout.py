"""Find the table in a sheet laid out as offices lay it out.

A workbook may open with a cover sheet (说明); the data sheet may start with a merged title row and
a unit row (单位：万元) above the header, carry a 序号 (row number) column, blank rows, vertically
merged cells (one donor written once for several rows), total rows (合计, 小计, Total) and
footnotes (注：…). This module finds the sheet, the header row and the data rows, and records
everything it skipped or filled in as a note, so the import can say what it did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pairaid.ingest.aliases import fold, header_key, header_lookup
from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.units import unit_in_row, unit_name

ROW = "_row"
#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 30
_ROW_NUMBER_HEADERS = {"序号", "序", "no", "no.", "#", "行号", "编号no"}
#: A total row's label is the whole cell ('合计', '小计：', 'Total (万元)'), never part of a name.
_TOTAL = re.compile(r"^(合计|总计|小计|共计|总合计|全部合计|total|subtotal|grandtotal|sum total)"
                    r"([:：(].*)?$", re.IGNORECASE)
_FOOTER = re.compile(r"^(注|说明|备注|制表|填表|审核|负责人|联系人|填报|note|source)", re.IGNORECASE)


@dataclass
class Layout:
    """What was found in the sheet: the header row, units, totals, and a note per step taken."""
    label: str
    header_row: int
    notes: list[str] = field(default_factory=list)
    #: unit named above the header (a `单位：万元` row): applies to every money column
    sheet_unit: str | None = None
    #: raw header → unit from a unit row right below the header
    column_units: dict[str, str] = field(default_factory=dict)
    #: total rows (same columns as the data, plus `_total`: its label and `_covers`: data positions)
    totals: list[dict] = field(default_factory=list)
    sheet: str = ""


def score_header(cells: list[str], table: str) -> int:
    """How many distinct columns of `table` a row's cells name (0 for a title or data row)."""
    lookup = header_lookup(table)
    return len({lookup[k] for k in (header_key(c) for c in cells if c) if k in lookup})


def find_header(rows: list[tuple[int, list[str]]], table: str) -> int:
    """Index into `rows` of the header: the first row naming the most columns (at least two)."""
    best, best_score = 0, 1
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if cells and cells[0].startswith("#"):
            continue  # a template's note line
        score = score_header(cells, table)
        if score > best_score:
            best, best_score = index, score
    if best_score > 1:
        return best
    return next((i for i, (_, cells) in enumerate(rows) if any(cells)), 0)


def _is_total(cells: list[str]) -> str | None:
    for cell in cells:
        if cell:
            text = re.sub(r"\s", "", fold(cell))
            if _TOTAL.match(text):
                return cell
    return None


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def build_frame(label: str, rows: list[tuple[int, list[str]]], table: str,
                header_row: int | None = None) -> pd.DataFrame:
    """The data rows of a grid under its header, with `_row` and a `Layout` in attrs["layout"].

    `rows` holds (spreadsheet row number, cell texts); `header_row` (a spreadsheet row number)
    overrides the search.
    """
    from pairaid.ingest.read import _check_header

    if not rows or not any(any(cells) for _, cells in rows):
        raise ImportValidationError([Problem(label, 1, "", "the sheet is empty: it needs a header "
                                             "row and at least one data row")])
    if header_row is not None:
        at = next((i for i, (number, _) in enumerate(rows) if number == header_row), None)
        if at is None:
            raise ImportValidationError([Problem(label, header_row, "", f"--header-row {header_row}"
                                                 f" is beyond the last row ({rows[-1][0]})")])
    else:
        at = find_header(rows, table)
    number, header = rows[at]
    layout = Layout(label, number)
    if header_row is not None:
        layout.notes.append(f"header row {number} as given (--header-row)")
    comments = 0
    for above, cells in rows[:at]:
        texts = [c for c in cells if c]
        if not texts:
            continue
        if texts[0].startswith("#"):
            comments += 1
            continue
        unit = unit_in_row(texts)
        if unit:
            layout.sheet_unit = unit
            layout.notes.append(f"row {above}: unit row '{_short(' '.join(texts))}' → amounts in {unit}")
        else:
            layout.notes.append(f"row {above} above the header skipped ('{_short(' '.join(texts))}')")
    if comments:
        layout.notes.append(f"{comments} '#' note lines above the header skipped")
    header = list(header)
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    numbering = [i for i, h in enumerate(header) if header_key(h) in _ROW_NUMBER_HEADERS]
    data = rows[at + 1:]
    if data and _unit_row_below(data[0][1][:width]):
        below, cells = data[0]
        layout.column_units = {header[i]: unit_name(c) for i, c in enumerate(cells[:width])
                               if c and unit_name(c)}
        layout.notes.append(f"row {below}: units under the header ({', '.join(f'{k}: {v}' for k, v in layout.column_units.items())})")
        data = data[1:]
    named = [h for i, h in enumerate(header) if i not in numbering]
    _check_header(named, label)
    problems: list[Problem] = []
    records: list[list] = []
    blank = pending_blank = 0
    since_total = 0  # data positions since the last total row (what a 合计 or 小计 covers)
    since_subtotal = since_grand = 0
    for number, cells in data:
        cells = cells + [""] * (width - len(cells))
        for position in range(width, len(cells)):
            if cells[position]:
                problems.append(Problem(label, number, f"#{position + 1}", "value in a column that "
                                        "has no name in the header row"))
        total = _is_total(cells[:width])  # the label may sit in the 序号 column
        cells = [c for i, c in enumerate(cells[:width]) if i not in numbering]
        filled = [c for c in cells if c] or ([total] if total else [])
        if not filled:
            pending_blank += 1  # counted once data follows: trailing empty rows are no news
            continue
        blank += pending_blank
        pending_blank = 0
        if len(filled) == 1 and _FOOTER.match(fold(filled[0])):
            layout.notes.append(f"row {number}: note below the table skipped ('{_short(filled[0])}')")
            continue
        if total is not None:
            # Three levels: 小计 covers the rows since the last total of any kind, 合计 those
            # since the last 合计 or 总计, 总计 (grand total) those since the last 总计.
            word = re.sub(r"\s", "", fold(total)).lower()
            level = 0 if word.startswith(("小计", "subtotal")) else \
                2 if word.startswith(("总计", "总合计", "全部合计", "grandtotal")) else 1
            start = (since_subtotal, since_total, since_grand)[level]
            layout.totals.append({**dict(zip(named, cells)), ROW: number, "_total": total,
                                  "_covers": (start, len(records))})
            since_subtotal = len(records)
            if level >= 1:
                since_total = len(records)
            if level == 2:
                since_grand = len(records)
            continue
        records.append(cells + [number])
    if problems:
        raise ImportValidationError(problems)
    _totals_on_top(layout.totals, len(records))
    if numbering:
        layout.notes.append(f"column '{header[numbering[0]]}' (row numbers) skipped")
    if blank:
        layout.notes.append(f"{blank} blank row{'s' if blank != 1 else ''} skipped")
    frame = pd.DataFrame(records, columns=named + [ROW])
    frame.attrs["label"] = label
    frame.attrs["layout"] = layout
    return frame


def _totals_on_top(totals: list[dict], n_records: int) -> None:
    """A total with no data rows above it (some offices put 合计 right under the header) covers
    the rows below it, up to the next total."""
    for index, total in enumerate(totals):
        start, end = total["_covers"]
        if start == end:
            following = [t["_covers"][1] for t in totals[index + 1:] if t["_covers"][1] > end]
            total["_covers"] = (end, following[0] if following else n_records)


def _unit_row_below(cells: list[str]) -> bool:
    """A row under the header holding only units ('万元', '(人)'), at least one a money unit."""
    texts = [c for c in cells if c]
    if not texts or not any(unit_name(c) for c in texts):
        return False
    return all(unit_name(c) or len(re.sub(r"[\s()（）]", "", c)) <= 2 and not re.search(r"\d", c)
               for c in texts)


# -- workbooks ------------------------------------------------------------------------------

def choose_sheet(workbook, table: str, sheet: str | None, name: str) -> tuple[object, list[str]]:
    """The sheet holding `table`: the one named, else one named after the table, else the first
    whose top rows hold a header of the table's columns (a cover sheet is skipped)."""
    names = workbook.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise ImportValidationError([Problem(name, 0, "", f"no sheet '{sheet}' (sheets: "
                                                 f"{', '.join(names)})")])
        return workbook[sheet], [f"sheet '{sheet}' as given (--sheet)"]
    for wanted in (table, "data"):
        if wanted in names:
            return workbook[wanted], []
    scores = []
    for worksheet in workbook.worksheets:
        # (max_row past the sheet's end would make openpyxl add empty rows to it)
        top = worksheet.iter_rows(max_row=min(HEADER_SEARCH_ROWS, worksheet.max_row),
                                  values_only=True)
        scores.append(max((score_header([_text(v) for v in row], table) for row in top), default=0))
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    chosen = workbook.worksheets[best]
    notes = [f"sheet '{ws.title}' skipped (no {table} header in its first {HEADER_SEARCH_ROWS} rows)"
             for ws, score in zip(workbook.worksheets[:best], scores[:best])]
    if len(names) > 1:
        notes.append(f"data read from sheet '{chosen.title}'")
    return chosen, notes


def _text(value: object) -> str:
    from pairaid.ingest.read import _cell_text

    return _cell_text(value)


def sheet_rows(worksheet) -> tuple[list[tuple[int, list[str]]], list[str], list[tuple[int, int, str]]]:
    """Every row of a sheet as text, vertically merged data cells filled down; the formula cells
    (row, column, formula) are returned for the caller to refuse."""
    from pairaid.ingest.read import _cell_text

    notes: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    formulas: list[tuple[int, int, str]] = []
    for row in worksheet.iter_rows():
        cells = []
        for cell in row:
            if cell.data_type == "f":
                formulas.append((cell.row, cell.column, str(cell.value)))
                cells.append("")
            else:
                cells.append(_cell_text(cell.value))
        rows.append((row[0].row if row else len(rows) + 1, cells))
    fills = 0
    position = {number: i for i, (number, _) in enumerate(rows)}
    for merged in worksheet.merged_cells.ranges:
        value = _cell_text(worksheet.cell(merged.min_row, merged.min_col).value)
        if merged.min_row == merged.max_row:
            continue  # a merged title or a wide header cell: left to the header search
        for number in range(merged.min_row + 1, merged.max_row + 1):
            if number not in position:
                continue
            cells = rows[position[number]][1]
            for column in range(merged.min_col, merged.max_col + 1):
                if column - 1 < len(cells) and cells[column - 1] == "":
                    cells[column - 1] = value
                    fills += 1
    if fills:
        notes.append(f"{fills} cells of vertically merged ranges filled with the range's value")
    return rows, notes, formulas


def read_workbook(workbook, path_name: str, table: str, sheet: str | None,
                  header_row: int | None) -> pd.DataFrame:
    """The table in a loaded openpyxl workbook, as text cells with `_row` and its Layout."""
    worksheet, sheet_notes = choose_sheet(workbook, table, sheet, path_name)
    label = f"{path_name}[{worksheet.title}]"
    rows, notes, formulas = sheet_rows(worksheet)
    if rows:
        at = header_row if header_row is not None else rows[find_header(rows, table)][0]
        _refuse_merged_header(worksheet, at, label)
        notes += _refuse_formulas(rows, formulas, at, label)
    frame = build_frame(label, rows, table, header_row)
    layout: Layout = frame.attrs["layout"]
    layout.sheet = worksheet.title
    layout.notes[:0] = sheet_notes + notes
    return frame


def _refuse_merged_header(worksheet, at: int, label: str) -> None:
    """Cells merged across columns in the header row leave columns without a name."""
    for merged in worksheet.merged_cells.ranges:
        if merged.min_row == at and merged.max_col > merged.min_col:
            raise ImportValidationError([Problem(label, at, "", f"merged cells {merged.coord} in "
                                                 "the header: the header must be one row with "
                                                 "one column name per cell (unmerge them)")])


def _refuse_formulas(rows: list[tuple[int, list[str]]], formulas: list[tuple[int, int, str]],
                     at: int, label: str) -> list[str]:
    """Formula cells below the header are errors (the ledger keeps figures, not formulas),
    except in total rows: an office's =SUM(...) there is not stored. Returns notes for those."""
    header = next((cells for number, cells in rows if number == at), [])
    totals = {number for number, cells in rows if number > at and _is_total(cells)}
    problems = [Problem(label, r, header[c - 1] if c - 1 < len(header) and header[c - 1]
                        else f"#{c}", f"formula cell ({v}): paste values only, so the ledger "
                        "keeps the figure itself") for r, c, v in formulas
                if r > at and r not in totals]
    if problems:
        raise ImportValidationError(problems)
    summed = sorted({(r, v) for r, _, v in formulas if r in totals})
    return [f"row {r}: total row holds a formula ({v}): not checked" for r, v in summed]
