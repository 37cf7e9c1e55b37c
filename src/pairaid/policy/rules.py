"""A paired-assistance programme's funding rule as data (TOML), validated once.

A rule says what each donor owes: a share (or a share range, or a floor) of a fiscal measure of
its own — held in the ledger as observations of the donor's fiscal base region — taken some years
earlier, over a period, optionally growing by a rate a year for the first years in each recipient
area. Bundled: `wenchuan_2008` (verbatim from 国办发〔2008〕53号) and `xinjiang_2010` (news reports
only: no public official text exists).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pairaid.errors import InputError

BUNDLED = ("wenchuan_2008", "xinjiang_2010")
STATUSES = ("verbatim", "reported")


class RuleError(InputError):
    """A rule file that cannot be used; the message names the file, the key and the fix."""


@dataclass(frozen=True)
class ReportedFigure:
    period: str
    amount_yuan: float
    text: str
    source: str


@dataclass(frozen=True)
class FundingRule:
    name: str
    title_en: str
    title_zh: str
    recipients: str
    kind: str
    status: str  # verbatim: the official text; reported: news reports of an unpublished decision
    quote: str
    source: str
    base_indicator: str
    base_lag: int  # obligation for year t is a share of the base in year t − lag
    share_low: float
    share_high: float | None  # None: the share is a floor ("at least")
    year_from: int
    year_to: int
    growth_rate: float | None = None
    growth_years: int | None = None
    reported: tuple[ReportedFigure, ...] = ()

    def covers(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to

    @property
    def share_text(self) -> str:
        low = f"{self.share_low * 100:g} %"
        return f"at least {low}" if self.share_high is None else \
            f"{low}–{self.share_high * 100:g} %"


def _get(table: dict, key: str, kind, where: str, required: bool = True, default=None):
    if key not in table:
        if required:
            raise RuleError(f"{where}: missing key '{key}'")
        return default
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise RuleError(f"{where}: '{key}' must be {kind.__name__}, not {value!r}")
    return value


def parse_rule(text: str, label: str) -> FundingRule:
    """A rule from TOML text; `label` names the file in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{label}: not valid TOML: {exc}") from None
    for section in ("rule", "base", "share", "period"):
        if not isinstance(data.get(section), dict):
            raise RuleError(f"{label}: missing section [{section}]")
    unknown = set(data) - {"rule", "base", "share", "period", "growth", "reported"}
    if unknown:
        raise RuleError(f"{label}: unknown section(s) {', '.join(sorted(unknown))} (known: rule, "
                        "base, share, period, growth, reported)")
    rule, base, share, period = data["rule"], data["base"], data["share"], data["period"]
    status = _get(rule, "status", str, f"{label} [rule]")
    if status not in STATUSES:
        raise RuleError(f"{label} [rule]: status '{status}' must be one of {', '.join(STATUSES)}")
    low = _get(share, "low", float, f"{label} [share]")
    high = _get(share, "high", float, f"{label} [share]", required=False)
    # a share of a whole budget above 20 % is a percentage typed as a fraction (0.3 for 0.3 %)
    if not 0 < low < 0.2 or (high is not None and not low <= high < 0.2):
        raise RuleError(f"{label} [share]: shares are fractions with 0 < low <= high < 0.2 "
                        f"(0.003 is 0.3 %); got low={low}, high={high}")
    year_from = _get(period, "from", int, f"{label} [period]")
    year_to = _get(period, "to", int, f"{label} [period]")
    if not 1949 <= year_from <= year_to <= 2100:
        raise RuleError(f"{label} [period]: from {year_from} to {year_to} is not a period")
    lag = _get(base, "lag", int, f"{label} [base]")
    if not 0 <= lag <= 5:
        raise RuleError(f"{label} [base]: lag {lag} must be 0..5 years")
    growth = data.get("growth", {})
    rate = _get(growth, "rate", float, f"{label} [growth]", required=bool(growth))
    years = _get(growth, "years", int, f"{label} [growth]", required=bool(growth))
    if rate is not None and not -0.5 < rate < 1:
        raise RuleError(f"{label} [growth]: rate {rate} must be a fraction a year (0.08 is 8 %)")
    reported = []
    for i, item in enumerate(data.get("reported", []), start=1):
        where = f"{label} [[reported]] #{i}"
        reported.append(ReportedFigure(_get(item, "period", str, where),
                                       _get(item, "amount_yuan", float, where),
                                       _get(item, "text", str, where),
                                       _get(item, "source", str, where)))
    return FundingRule(
        name=_get(rule, "name", str, f"{label} [rule]"),
        title_en=_get(rule, "title_en", str, f"{label} [rule]"),
        title_zh=_get(rule, "title_zh", str, f"{label} [rule]"),
        recipients=_get(rule, "recipients", str, f"{label} [rule]"),
        kind=_get(rule, "kind", str, f"{label} [rule]"),
        status=status, quote=_get(rule, "quote", str, f"{label} [rule]"),
        source=_get(rule, "source", str, f"{label} [rule]"),
        base_indicator=_get(base, "indicator", str, f"{label} [base]"), base_lag=lag,
        share_low=low, share_high=high, year_from=year_from, year_to=year_to,
        growth_rate=rate, growth_years=years, reported=tuple(reported))


def load_rule(name_or_path: str | Path) -> FundingRule:
    """A bundled rule by name, or a rule file (.toml)."""
    text = str(name_or_path)
    if text in BUNDLED:
        body = resources.files("pairaid.policy").joinpath("rules_data", f"{text}.toml")
        return parse_rule(body.read_text("utf-8"), f"{text}.toml")
    path = Path(text)
    if not path.is_file():
        raise RuleError(f"{text}: no such rule (bundled: {', '.join(BUNDLED)}; or a .toml file)")
    return parse_rule(path.read_text("utf-8"), path.name)
