"""The Chinese import template (`pairaid template TABLE --lang zh`): Chinese headers, drop-down
lists of the coded columns' values (Excel data validation) and a notes sheet.

The headers and value names are `aliases`' — the same words the importer reads — so a filled-in
template imports as it is. The notes reuse each column's one description (no second wording).
"""

from __future__ import annotations

import re
from pathlib import Path

from pairaid.ingest.aliases import chinese_header, value_aliases
from pairaid.ingest.tables import ColumnSpec, TableSpec
from pairaid.ingest.units import CURRENCY_ALIASES

#: Rows of the data sheet that carry the drop-down lists.
_ROWS = 2000
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def value_names(table: str, column: ColumnSpec) -> dict[str, str]:
    """Code → its first Chinese name (codes without one keep their code)."""
    names: dict[str, str] = {"CNY": "人民币"} if column.type == "currency" else {}
    for name, code in value_aliases(table, column.name).items():
        if _CHINESE.search(name):
            names.setdefault(code, name)
    if column.type == "currency":
        for name, code in CURRENCY_ALIASES.items():
            if _CHINESE.search(name) and len(name) == 2:  # 人民币 is three: 美元, 欧元 ...
                names.setdefault(code, name)
    return names


def _choices(table: str, column: ColumnSpec) -> list[str]:
    """What the drop-down offers: Chinese names first, then the codes without one."""
    names = value_names(table, column)
    if column.type == "enum":
        return [names.get(code, code) for code in column.choices]
    return list(dict.fromkeys(names.values()))


def _example(table: str, column: ColumnSpec) -> str:
    return value_names(table, column).get(column.example, column.example) \
        if column.type in ("enum", "sector", "currency") else column.example


def notes_rows(spec: TableSpec) -> list[list[str]]:
    rows = [["表头", "列名 (column)", "必填", "可选值 (values)", "说明 (description)"]]
    for column in spec.columns:
        required = "是" if column.required and not column.nullable else "否"
        names = value_names(spec.name, column)
        values = "; ".join(f"{names.get(c, c)} = {c}" for c in column.choices) if column.choices \
            else "; ".join(f"{n} = {c}" for c, n in names.items())
        rows.append([chinese_header(spec.name, column.name), column.name, required, values,
                     column.description])
    rows += [[], ["援助方、受援地可填代码或名称（如 BJ 或 北京市）；金额可在表头或“单位：万元”行注明单位（元、万元、亿元）。"],
             ["Donors and regions may be codes or names; amounts may state their unit in the "
              "header or a 单位 row (元, 万元, 亿元)."]]
    rows += [[note] for note in spec.extra_notes]
    return rows


def write_chinese_template(spec: TableSpec, path: Path) -> Path:
    """XLSX: data sheet with Chinese headers and drop-downs, a lists sheet, a notes sheet.
    CSV: the Chinese header and the example row (notes as leading '#' lines)."""
    from pairaid.atomic import atomic_path, write_text

    header = [chinese_header(spec.name, c.name) for c in spec.columns]
    example = [_example(spec.name, c) for c in spec.columns]
    if path.suffix.lower() == ".csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in notes_rows(spec):
            buffer.write("# " + " | ".join(cell for cell in row if cell) + "\n")
        writer.writerow(header)
        writer.writerow(example)
        return write_text(path, "\ufeff" + buffer.getvalue())
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    data = book.active
    data.title = spec.name
    data.append(header)
    data.append(example)
    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    for position, column in enumerate(spec.columns, start=1):
        if column.type not in ("enum", "sector", "currency"):
            continue
        choices = _choices(spec.name, column)
        if not choices:
            continue
        for row, choice in enumerate(choices, start=1):
            lists.cell(row, position, choice)
        letter = get_column_letter(position)
        # A warning, not a stop: codes and other DAC sectors may still be typed in.
        rule = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                              errorStyle="warning",
                              formula1=f"{quote_sheetname('lists')}!${letter}$1:${letter}${len(choices)}",
                              error="不在列表中：请确认是否为有效代码 (not in the list: is it a valid code?)")
        data.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{_ROWS}")
    notes = book.create_sheet("说明")
    for row in notes_rows(spec):
        notes.append(row)
    with atomic_path(path) as temporary:
        book.save(temporary)
    return path
