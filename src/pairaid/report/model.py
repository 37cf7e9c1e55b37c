"""What a report section is made of, and the small display helpers every section shares."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Reading:
    """A paragraph: the rendered sentence of a finding (HTML with data-value spans), its key
    and verdict (written on the element, so both languages can be compared)."""

    text: str
    key: str = ""
    verdict: str = ""


def readings(findings, lang: str, prefix: str | tuple[str, ...] = "") -> list[Reading]:
    """The findings whose key starts with `prefix`, rendered in `lang`."""
    from pairaid.readings import render

    return [Reading(_capitalised(render(f, lang)), f.key, f.verdict) for f in findings
            if f.key.startswith(prefix)]


def _capitalised(text):
    """A sentence that opens with a term ("the latent index …") starts with a capital."""
    from markupsafe import Markup

    if text[:1].islower():
        return Markup(text[:1].upper() + text[1:])
    return text


def static(key: str, lang: str, terms: dict | None = None, **numbers) -> Reading:
    """A sentence that states no finding of the data (a method, a caveat), from the same table."""
    from pairaid.findings import finding
    from pairaid.readings import render

    made = finding(key, "describes", terms, **numbers)
    return Reading(render(made, lang), key, "describes")


#: charts that show no amount of money (counts, shares of one year's money, index scores,
#: estimates, who is paired with whom): their footer states no price basis, which is for
#: charts that show money (issue 10)
WITHOUT_MONEY = frozenset({"rounds_timeline", "map_index", "rank_intervals", "elasticity",
                           "event_study", "synthetic_control", "lorenz", "theil", "groups",
                           "dependence", "audit_counts", "benford", "pairing_map"})


@dataclass
class Chart:
    """One chart: `kind` names the function in `report.charts`; `frame` is its data."""

    id: str
    kind: str
    frame: pd.DataFrame
    options: dict = field(default_factory=dict)
    #: the plain-language readings printed just above this chart
    reading: list = field(default_factory=list)
    #: the finding the chart illustrates: its title is that finding's message
    #: (`pairaid.readings.templates_charts`), not a label
    finding: object = None

    @property
    def shows_money(self) -> bool:
        return self.id not in WITHOUT_MONEY

    def title(self, lang: str) -> str | None:
        """The chart's title in `lang`: its finding's message (None: no finding, the chart
        function's own label)."""
        if self.finding is None:
            return None
        from pairaid.readings import chart_title

        return chart_title(self.id, self.finding, lang)


def pick(findings, *keys: str):
    """The first finding with one of `keys` (a key ending in "." matches every key under it),
    or None."""
    return next((f for f in findings if any(f.key == k or (k.endswith(".") and
                                                           f.key.startswith(k)) for k in keys)),
                None)


@dataclass
class Table:
    id: str
    header: list[str]
    #: display rows: (text, raw value or None) per cell; the raw value goes to data-value
    rows: list[list[tuple[str, object]]]
    frame: pd.DataFrame
    caption: str = ""
    #: read row by row on a phone however few its columns (cells of prose: three columns of
    #: sentences squeezed into 390 px wrap a word or two a line)
    stack: bool = False


@dataclass
class Section:
    id: str
    title: str
    reading: list
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list = field(default_factory=list)
    #: the verdict page's scorecard: (section id, card finding) pairs
    cards: list = field(default_factory=list)


def money_scale(lang: str) -> float:
    """Display scale for money in charts: 100 million (亿) in Chinese, a billion in English; its
    name is `pairaid.report.i18n.money_unit(scale, currency, lang)`."""
    return 1e8 if lang == "zh" else 1e9


def place_names(inputs, lang: str) -> dict[str, str]:
    regions = inputs.regions.set_index("code")
    column = "name_zh" if lang == "zh" else "name_en"
    names = regions[column].fillna(regions["name_zh"]).to_dict()
    donors = inputs.summary.funds_by_donor.set_index("donor")[column].to_dict()
    return {**names, **donors}


def basis_text(basis, lang: str) -> str:
    """The money basis in the report's language ('CNY, nominal (current) prices' / '人民币元，当年价格')."""
    if lang != "zh":
        return basis.label
    currency = {"CNY": "人民币元", "USD": "美元", "EUR": "欧元"}.get(basis.currency, basis.currency)
    if basis.prices.base_year is None:
        return f"{currency}，当年价格"
    return f"{currency}，{basis.prices.base_year}年不变价格（指数 {basis.index_code}）"
