"""Units, currencies and dates as offices write them: 万元 and 亿元, 人民币, 2021年3月.

Amounts are scaled with decimal arithmetic: '1.2345' 万元 is exactly 12345 元 (in binary floating
point 1.2345 × 10000 is 12344.999999999998). The ledger stores the double nearest to the exact
product, which for whole 元 (and for 分) is the exact value.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from pairaid.ingest.aliases import fold

#: Multipliers to 元 for the units offices use in headers, unit rows and cells.
SCALES: dict[str, int] = {"元": 1, "万元": 10_000, "亿元": 100_000_000, "千元": 1_000,
                          "百万元": 1_000_000, "万": 10_000, "亿": 100_000_000}
_UNIT_WORDS = {"yuan": "元", "cny": "元", "rmb": "元", "10kyuan": "万元", "10thousandyuan": "万元",
               "10kcny": "万元", "100myuan": "亿元", "100millionyuan": "亿元", "wanyuan": "万元",
               "yiyuan": "亿元", "人民币元": "元", "人民币万元": "万元", "人民币亿元": "亿元"}
#: What offices write in a currency column for the Chinese yuan.
CURRENCY_ALIASES = {"人民币": "CNY", "RMB": "CNY", "元": "CNY", "¥": "CNY", "￥": "CNY",
                    "人民币元": "CNY", "YUAN": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD",
                    "港币": "HKD", "日元": "JPY"}
_UNIT_ROW = re.compile(r"(?:金额|计量|货币)?单位\s*[:：]?\s*(?:人民币)?\s*(万元|亿元|千元|百万元|元)")
_CELL_UNIT = re.compile(r"^([+-]?[\d,]*\.?\d+)\s*(万元|亿元|千元|百万元|元|万|亿)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# Not '2012.5': a year with a fraction is a typing error for validation to name, not a date.
_DATE = re.compile(r"^(\d{4})\s*(?:年度?(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|[-/]\d{1,2}"
                   r"(?:[-/]\d{1,2})?(?:[T ][\d:.]+)?)$")


def unit_name(text: str) -> str | None:
    """'万元', '(万元)', '10k yuan', '人民币万元' → the unit's name in SCALES; None if not a unit."""
    folded = re.sub(r"[\s()\[\]（）]", "", fold(str(text))).lower()
    folded = folded.removeprefix("单位:").removeprefix("单位")
    if folded in SCALES:
        return folded
    return _UNIT_WORDS.get(folded)


def unit_in_row(cells: list[str]) -> str | None:
    """The unit a 'unit row' such as `单位：万元` states, if any cell of the row states one."""
    for cell in cells:
        match = _UNIT_ROW.search(fold(cell)) if cell else None
        if match:
            return match.group(1)
    return None


def currency_code(text: str) -> str:
    """人民币/RMB/元 → CNY (others unchanged, for validation to judge)."""
    folded = fold(text).strip()
    return CURRENCY_ALIASES.get(folded.upper(), CURRENCY_ALIASES.get(folded, text))


def year_of(text: str) -> str | None:
    """The year of '2021年3月', '2021-03', '2021/3/15', '2021-03-15T00:00:00'; None otherwise."""
    match = _DATE.match(fold(text).strip())
    return match.group(1) if match else None


def decimal_amount(text: str) -> tuple[Decimal, str] | None:
    """A cell's number and the unit written in it ('' if none): '12,500万元' → (12500, '万元').
    None when the cell is not a number (validation reports it)."""
    cell = fold(text).strip()
    unit = ""
    match = _CELL_UNIT.match(cell)
    if match:
        cell, unit = match.group(1), match.group(2)
        unit = {"万": "万元", "亿": "亿元"}.get(unit, unit)
    if "," in cell:
        if not _THOUSANDS.match(cell):
            return None
        cell = cell.replace(",", "")
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value, unit


def scale_amounts(cells: pd.Series, unit: str) -> tuple[pd.Series, int, int]:
    """Amount cells as text in 元, scaled exactly from `unit` (a unit written in a cell wins).

    Returns (text cells, how many were scaled by the column unit, how many by their own unit).
    Cells that are not numbers are left as they are, for validation to name.
    """
    scale = SCALES[unit] if unit else 1
    text = cells.astype(object).to_numpy()
    out = text.copy()
    by_column = by_cell = 0
    for i, cell in enumerate(text):
        if cell is None or cell == "" or (isinstance(cell, float) and np.isnan(cell)):
            continue
        parsed = decimal_amount(str(cell))
        if parsed is None:
            continue
        value, own = parsed
        factor = SCALES[own] if own else scale
        if factor == 1 and not own:
            continue
        out[i] = _plain(value * factor)
        by_cell += bool(own)
        by_column += not own
    return pd.Series(out, index=cells.index, dtype=object), by_column, by_cell


def _plain(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros ('12345', '12345.6')."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def yuan(text: str, unit: str = "") -> Decimal | None:
    """A cell in 元 (exactly), scaled by `unit` unless the cell writes its own."""
    parsed = decimal_amount(text)
    if parsed is None:
        return None
    value, own = parsed
    return value * SCALES[own or unit] if (own or unit) else value


def half_step(text: str, unit: str = "") -> Decimal:
    """Half a unit in the last digit written in a cell, in 元: how far a rounded total may be off."""
    parsed = decimal_amount(text)
    if parsed is None:
        return Decimal(0)
    value, own = parsed
    exponent = value.as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0) / 2
    return step * SCALES[own or unit] if (own or unit) else step
