"""Currency conversion and deflation (pairaid.money) on small hand-made tables: every expected
value is arithmetic done here, and every error is matched by its message (issue 17's mutation
run found these paths unchecked)."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.money import MoneyBasis, MoneyConverter, MoneyError, Prices

RATES = pd.DataFrame([("USD", "CNY", 2015, 6.25), ("USD", "CNY", 2016, 6.5)],
                     columns=["currency", "base", "year", "rate"])
CPI = pd.DataFrame([("cpi_cn", "CNY", 2014, 98.0), ("cpi_cn", "CNY", 2015, 100.0),
                    ("cpi_cn", "CNY", 2016, 102.0), ("cpi_us", "USD", 2015, 237.0)],
                   columns=["code", "currency", "year", "value"])


@pytest.mark.parametrize("text, expected", [
    ("nominal", Prices()),
    ("constant:2012", Prices(2012, None)),
    ("constant:2012:cpi_cn", Prices(2012, "cpi_cn")),
    ("constant:2015:cpi.v-2", Prices(2015, "cpi.v-2")),
])
def test_prices_parse(text, expected):
    assert Prices.parse(text) == expected


@pytest.mark.parametrize("text", ["Nominal", "constant", "constant:12", "constant:2012:",
                                  "constant:20121", " constant:2012", "constant:2012:a b"])
def test_prices_parse_refuses(text):
    with pytest.raises(MoneyError, match=rf"^--prices '{text}' not understood: use nominal, "
                                         r"constant:YEAR or constant:YEAR:INDEX \(e\.g\. "
                                         r"constant:2012\)$"):
        Prices.parse(text)


def test_basis_labels():
    assert MoneyBasis("CNY", Prices()).label == "CNY, nominal (current) prices"
    assert MoneyBasis("CNY", Prices()).prices_label == "nominal"
    constant = MoneyBasis("CNY", Prices(2015), "cpi_cn")
    assert constant.label == "CNY, constant 2015 prices (index cpi_cn)"
    assert constant.prices_label == "constant:2015"


def test_nominal_conversion_and_lower_case_currency():
    converter = MoneyConverter(RATES, CPI, "cny")
    assert converter.currency == "CNY" and converter.basis.label == "CNY, nominal (current) prices"
    out = converter.convert(pd.Series([10.0, 10.0, 3.0], index=[7, 8, 9]),
                            pd.Series(["USD", "USD", "CNY"]), pd.Series([2015, 2016, 2015]))
    assert out.index.tolist() == [7, 8, 9]
    assert out.tolist() == pytest.approx([62.5, 65.0, 3.0], rel=1e-15)


def test_constant_prices_deflate_to_the_base_year():
    converter = MoneyConverter(RATES, CPI, "CNY", "constant:2015")
    assert converter.basis == MoneyBasis("CNY", Prices(2015), "cpi_cn")
    out = converter.convert(pd.Series([10.0, 102.0, 98.0]), pd.Series(["USD", "CNY", "CNY"]),
                            pd.Series([2016, 2016, 2014]))
    # 10 USD in 2016 = 65 CNY of 2016 = 65 × 100/102 CNY of 2015; 98 CNY of 2014 = 100 of 2015
    assert out.tolist() == pytest.approx([65 * 100 / 102, 100.0, 100.0], rel=1e-15)


def test_named_index_wins_over_the_currency_default():
    converter = MoneyConverter(RATES, CPI, "CNY", Prices(2015, "cpi_us"))
    assert converter.basis.index_code == "cpi_us"
    out = converter.convert(pd.Series([5.0]), pd.Series(["CNY"]), pd.Series([2015]))
    assert out.tolist() == [5.0]


def test_unknown_named_index():
    with pytest.raises(MoneyError, match=r"^no price index 'cpi_xx' in the ledger \(import it "
                                         r"with `pairaid import prices FILE`\)$"):
        MoneyConverter(RATES, CPI, "CNY", "constant:2015:cpi_xx")


def test_constant_prices_need_exactly_one_index_in_the_currency():
    with pytest.raises(MoneyError, match=r"^constant prices in EUR need exactly one price index "
                                         r"in EUR \(the ledger has: none\); name one with "
                                         r"constant:2015:INDEX$"):
        MoneyConverter(RATES, CPI, "EUR", "constant:2015")
    two = pd.concat([CPI, CPI.assign(code="cpi_cn2")])
    with pytest.raises(MoneyError, match=r"the ledger has: cpi_cn, cpi_cn2\)"):
        MoneyConverter(RATES, two, "CNY", "constant:2015")


def test_base_year_missing_from_the_index():
    with pytest.raises(MoneyError, match=r"^price index 'cpi_cn' has no value for the base year "
                                         r"2010 \(years held: 2014–2016\)$"):
        MoneyConverter(RATES, CPI, "CNY", "constant:2010")


def test_missing_rates_and_prices_are_all_listed():
    converter = MoneyConverter(RATES, CPI, "CNY", "constant:2015")
    with pytest.raises(MoneyError) as caught:
        converter.convert(pd.Series([1.0, 1.0, 1.0, 1.0]), pd.Series(["EUR", "JPY", "CNY", "USD"]),
                          pd.Series([2015, 2015, 2013, 2015]))
    assert str(caught.value) == (
        "no exchange rate for EUR→CNY 2015, JPY→CNY 2015 (import them with `pairaid import rates "
        "FILE`); price index 'cpi_cn' has no value for 2013")


def test_a_rate_of_another_year_is_not_used():
    converter = MoneyConverter(RATES, CPI, "CNY")
    with pytest.raises(MoneyError, match=r"^no exchange rate for USD→CNY 2017 \("):
        converter.convert(pd.Series([1.0]), pd.Series(["USD"]), pd.Series([2017]))
    cross = MoneyConverter(pd.DataFrame([("GBP", "USD", 2015, 1.5), ("EUR", "USD", 2016, 1.1)],
                                        columns=["currency", "base", "year", "rate"]), CPI, "EUR")
    with pytest.raises(MoneyError, match="GBP→EUR 2015"):
        cross.convert(pd.Series([1.0]), pd.Series(["GBP"]), pd.Series([2015]))


def test_defaults_are_cny_at_nominal_prices():
    converter = MoneyConverter(RATES, CPI)
    assert converter.basis == MoneyBasis("CNY", Prices(), None)
    assert converter.prices == Prices()


def test_a_cross_rate_needs_a_quote_of_the_amount_currency_itself():
    # JPY and EUR are quoted in USD, GBP is not: GBP → EUR must fail, not borrow JPY's quote
    quotes = pd.DataFrame([("JPY", "USD", 2015, 0.008), ("EUR", "USD", 2015, 1.1)],
                          columns=["currency", "base", "year", "rate"])
    converter = MoneyConverter(quotes, CPI, "EUR")
    with pytest.raises(MoneyError, match=r"^no exchange rate for GBP→EUR 2015 \("):
        converter.convert(pd.Series([1.0]), pd.Series(["GBP"]), pd.Series([2015]))


def test_every_missing_price_year_is_listed_and_at_most_ten_rates():
    converter = MoneyConverter(RATES, CPI, "CNY", "constant:2015")
    with pytest.raises(MoneyError, match=r"^price index 'cpi_cn' has no value for 2012, 2013$"):
        converter.convert(pd.Series([1.0, 1.0, 1.0]), pd.Series(["CNY", "CNY", "CNY"]),
                          pd.Series([2013, 2012, 2015]))
    codes = [f"C{k:02d}" for k in range(11)]
    nominal = MoneyConverter(RATES, CPI, "CNY")
    with pytest.raises(MoneyError) as caught:
        nominal.convert(pd.Series([1.0] * 11), pd.Series(codes), pd.Series([2015] * 11))
    listed = ", ".join(f"{c}→CNY 2015" for c in codes[:10])
    assert str(caught.value) == (f"no exchange rate for {listed} (import them with `pairaid "
                                 "import rates FILE`)")
