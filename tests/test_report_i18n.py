"""Labels exist in both languages with the same fields; numbers are written per language
(en: 1,234.5 and 213.8 bn; zh: 万 from 10,000, 亿 from 100,000,000)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.report.i18n import (LABELS, LANGS, UnknownLabelError, currency_name, fmt_money,
                                 fmt_number, fmt_pct, label, label_or_text, money_unit)

REPORT = Path(__file__).resolve().parents[1] / "src" / "pairaid" / "report"
CHART_MODULES = ["charts.py", "chart_style.py", "charts_programme.py", "charts_estimates.py",
                 "charts_distribution.py"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("label_id", sorted(LABELS))
def test_every_label_exists_in_both_languages_with_the_same_fields(label_id):
    texts = LABELS[label_id]
    assert set(texts) == set(LANGS)
    assert all(texts[lang].strip() for lang in LANGS)
    assert _fields(texts["en"]) == _fields(texts["zh"])


def test_every_label_id_a_chart_names_exists():
    named = set()
    for module in CHART_MODULES:
        source = (REPORT / module).read_text(encoding="utf-8")
        named |= set(re.findall(r'label\(\s*"([^"{}]+)"', source))
    assert named and not named - set(LABELS)


def test_chinese_labels_are_chinese():
    for label_id, texts in LABELS.items():
        if not label_id.startswith("unit."):
            assert re.search(r"[\u4e00-\u9fff]", texts["zh"]), label_id


@pytest.mark.parametrize(("value", "currency", "en", "zh"), [
    (213_800_000_000, "CNY", "213.8 bn CNY", "2138.0亿元"),
    (15_778, "CNY", "15,778 CNY", "1.58万元"),
    (1_234.5, "CNY", "1,234.5 CNY", "1234.5元"),
    (9_999, "USD", "9,999 USD", "9999美元"),
    (1_500_000, "CNY", "1.50 m CNY", "150.0万元"),
    (12_600_000_000_000, "CNY", "12.6 tn CNY", "12.6万亿元"),
    (-20_000, "CNY", "-20,000 CNY", "-2.00万元"),
    (5_000_000, "XYZ", "5.00 m XYZ", "500.0万 XYZ"),
])
def test_money(value, currency, en, zh):
    assert fmt_money(value, currency, "en") == en
    assert fmt_money(value, currency, "zh") == zh


@pytest.mark.parametrize(("value", "en", "zh"), [
    (15_778, "15,778", "1.58万"),
    (9_999, "9,999", "9999"),  # 万 starts at 10,000
    (10_000, "10,000", "1.00万"),
    (99_999_999.9, "100.0 m", "1.00亿"),  # 9999.99999万 rounds up into the next unit
    (999_999_999, "1.00 bn", "10.0亿"),
    (0.5, "0.5", "0.5"),
    (3, "3", "3"),
    (float("nan"), "–", "–"),
    (None, "–", "–"),
])
def test_numbers(value, en, zh):
    assert fmt_number(value, "en") == en
    assert fmt_number(value, "zh") == zh


def test_digits_override_and_percentages():
    assert fmt_number(0.123456, "en", digits=3) == "0.123"
    assert fmt_number(15_778, "zh", digits=0) == "2万"
    assert fmt_pct(0.1234, "en") == "12.3%" == fmt_pct(0.1234, "zh")
    assert fmt_pct(0.5, "en", digits=0) == "50%"
    assert fmt_pct(float("nan")) == "–"


def test_units_and_currency_names():
    assert money_unit(1e8, "CNY", "en") == "100 million CNY"
    assert money_unit(1e8, "CNY", "zh") == "亿元"
    assert money_unit(1e4, "CNY", "zh") == "万元"
    assert currency_name("usd", "zh") == "美元" and currency_name("usd", "en") == "USD"
    with pytest.raises(UnknownLabelError, match="display unit"):
        money_unit(1e5)


def test_unknown_language_or_label_is_an_input_error():
    with pytest.raises(UnknownLabelError, match="use one of en, zh"):
        label("axis.year", "fr")
    with pytest.raises(UnknownLabelError, match="no label"):
        label("axis.nonsense")
    assert label_or_text("Hotan", "zh") == "Hotan"
    assert label_or_text("axis.year", "zh") == "年份"


_ZH_UNITS = {"": 1.0, "万": 1e4, "亿": 1e8, "万亿": 1e12}


@given(st.floats(min_value=10_000, max_value=1e15))
def test_chinese_numbers_read_back_to_within_rounding(value):
    text = fmt_number(value, "zh")
    number, unit = re.fullmatch(r"([\d.]+)(万亿|万|亿|)", text).groups()
    assert unit  # from 10,000 up, always a Chinese unit
    read = float(number) * _ZH_UNITS[unit]
    assert abs(read - value) <= 0.005 * value  # 3 significant digits at least
