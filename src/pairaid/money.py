"""Currency conversion and deflation on the way out of the ledger.

Amounts are stored as entered (currency, nominal). An output names a reporting currency and
prices: `nominal`, or `constant:YEAR` (optionally `constant:YEAR:INDEX`) to express every amount
in the prices of YEAR with a price index of the reporting currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pairaid.ledger.errors import LedgerError


class MoneyError(LedgerError):
    """A conversion needs a rate or price index the ledger does not hold."""


@dataclass(frozen=True)
class Prices:
    base_year: int | None = None  # None: nominal (current) prices
    index: str | None = None  # price index code; None: the one index in the reporting currency

    @classmethod
    def parse(cls, text: str) -> Prices:
        """`nominal`, `constant:2012` or `constant:2012:cpi_cn`."""
        if text == "nominal":
            return cls()
        match = re.fullmatch(r"constant:(\d{4})(?::([\w.-]+))?", text)
        if not match:
            raise MoneyError(f"--prices '{text}' not understood: use nominal, constant:YEAR or "
                             f"constant:YEAR:INDEX (e.g. constant:2012)")
        return cls(int(match.group(1)), match.group(2))


@dataclass(frozen=True)
class MoneyBasis:
    """What every amount in an output is expressed in; printed with the output."""

    currency: str
    prices: Prices
    index_code: str | None = None

    @property
    def label(self) -> str:
        if self.prices.base_year is None:
            return f"{self.currency}, nominal (current) prices"
        return f"{self.currency}, constant {self.prices.base_year} prices (index {self.index_code})"

    @property
    def prices_label(self) -> str:
        return "nominal" if self.prices.base_year is None else f"constant:{self.prices.base_year}"


class MoneyConverter:
    """Vectorised conversion of (amount, currency, year) columns into one currency and prices."""

    def __init__(self, rates: pd.DataFrame, price_index: pd.DataFrame, currency: str = "CNY",
                 prices: Prices | str = "nominal") -> None:
        prices = Prices.parse(prices) if isinstance(prices, str) else prices
        self.currency = currency.upper()
        self.prices = prices
        self._rates = {(r.currency, r.base, int(r.year)): float(r.rate)
                       for r in rates.itertuples(index=False)}
        self._deflator: dict[int, float] = {}
        index_code = None
        if prices.base_year is not None:
            index_code = self._choose_index(price_index, prices)
            series = price_index[price_index["code"] == index_code]
            levels = dict(zip(series["year"].astype(int), series["value"].astype(float)))
            if prices.base_year not in levels:
                raise MoneyError(f"price index '{index_code}' has no value for the base year "
                                 f"{prices.base_year} (years held: {_span(levels)})")
            self._deflator = {y: levels[prices.base_year] / v for y, v in levels.items()}
        self.basis = MoneyBasis(self.currency, prices, index_code)

    def _choose_index(self, price_index: pd.DataFrame, prices: Prices) -> str:
        if prices.index:
            if prices.index not in set(price_index["code"]):
                raise MoneyError(f"no price index '{prices.index}' in the ledger (import it with "
                                 f"`pairaid import prices FILE`)")
            return prices.index
        candidates = sorted(set(price_index.loc[price_index["currency"] == self.currency, "code"]))
        if len(candidates) != 1:
            held = "none" if not candidates else ", ".join(candidates)
            raise MoneyError(f"constant prices in {self.currency} need exactly one price index in "
                             f"{self.currency} (the ledger has: {held}); name one with "
                             f"constant:{prices.base_year}:INDEX")
        return candidates[0]

    def _factor(self, currency: str, year: int) -> float | None:
        """Units of the reporting currency per unit of `currency` in `year`, directly, inverted,
        or through one common base currency."""
        target = self.currency
        if currency == target:
            return 1.0
        rates = self._rates
        if (currency, target, year) in rates:
            return rates[currency, target, year]
        if (target, currency, year) in rates:
            return 1.0 / rates[target, currency, year]
        for (c, base, y), rate in rates.items():
            if c == currency and y == year:
                if (target, base, year) in rates:
                    return rate / rates[target, base, year]
                if (base, target, year) in rates:
                    return rate * rates[base, target, year]
        return None

    def convert(self, amount: pd.Series, currency: pd.Series, year: pd.Series) -> pd.Series:
        """Amounts in the reporting currency and prices; raises listing every missing rate."""
        keys = pd.DataFrame({"currency": currency.to_numpy(), "year": year.astype(int).to_numpy()})
        unique = keys.drop_duplicates()
        factors = {}
        missing_rates, missing_prices = [], []
        for c, y in unique.itertuples(index=False):
            factor = self._factor(c, int(y))
            if factor is None:
                missing_rates.append(f"{c}→{self.currency} {y}")
                continue
            if self.prices.base_year is not None:
                if int(y) not in self._deflator:
                    missing_prices.append(str(y))
                    continue
                factor *= self._deflator[int(y)]
            factors[(c, int(y))] = factor
        if missing_rates or missing_prices:
            parts = []
            if missing_rates:
                parts.append("no exchange rate for " + ", ".join(sorted(missing_rates)[:10])
                             + " (import them with `pairaid import rates FILE`)")
            if missing_prices:
                parts.append(f"price index '{self.basis.index_code}' has no value for "
                             + ", ".join(sorted(set(missing_prices))))
            raise MoneyError("; ".join(parts))
        index = pd.MultiIndex.from_frame(keys)
        factor = pd.Series(factors).reindex(index).to_numpy(dtype=float)
        return pd.Series(amount.to_numpy(dtype=float) * factor, index=amount.index)


def _span(levels: dict[int, float]) -> str:
    return f"{min(levels)}–{max(levels)}" if levels else "none"

