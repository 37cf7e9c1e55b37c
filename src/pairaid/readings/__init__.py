"""Every sentence the report and the CLI say about a finding, in English and Chinese side by
side: one table keyed by the finding's key and verdict (``"*"``: any verdict), rendered by
`render`. A translator sees both languages at once, and no reading is composed twice.

Template fields name the finding's numbers (``{b:f3}``), its terms (``{outcome}``) or its
verdict (``{verdict}``, from `VERDICT_WORDS`). ``{shares}`` joins ``shares.0``, ``shares.1`` …
Number formats: ``f3`` / ``+f3`` fixed decimals, ``g3`` significant digits, ``pct1`` / ``+pct1``
a share as a percentage, ``pp2`` a share as signed percentage points, ``x2`` a multiple,
``int`` a count, ``year``; none: by the number's unit (money in the language's scale). In HTML
every number is a ``<span class="num" data-value=… data-unit=… data-kind=…>`` so the page's
numbers are machine-readable and the two languages can be compared.
"""

from __future__ import annotations

import string

from markupsafe import Markup, escape

from pairaid.findings import Finding, Number
from pairaid.readings.templates import (CARD_TITLES, CARD_WORDS, READINGS, TERMS,
                                        VERDICT_WORDS)
from pairaid.readings.templates_charts import CHART_TITLES
from pairaid.report.i18n import check_lang, fmt_money, fmt_number, fmt_pct

__all__ = ["CARD_TITLES", "CARD_WORDS", "CHART_TITLES", "READINGS", "TERMS", "VERDICT_WORDS",
           "card", "chart_title", "render", "template"]

#: numbers every template may quote: the interval level and the rank-interval quantiles
CONSTANTS = {"ci": Number(0.95, "share", "threshold"), "q05": Number(0.05, "share", "threshold"),
             "q95": Number(0.95, "share", "threshold")}


def template(f: Finding, lang: str) -> str:
    """The template of a finding in a language (by key and verdict, then key, then family)."""
    index = 1 if check_lang(lang) == "zh" else 0
    family = f.key.split(".")[0] + ".*"
    for key in ((f.key, f.verdict), (f.key, "*"), (family, f.verdict), (family, "*")):
        if key in READINGS:
            return READINGS[key][index]
    raise KeyError(f"no reading for finding {f.key} ({f.verdict})")


def _format(n: Number, spec: str, lang: str) -> str:
    v = n.value
    sign = "+" if spec.startswith("+") else ""
    kind = spec.lstrip("+")
    if kind.startswith("f") and kind[1:].isdigit():
        return f"{v:{sign},.{kind[1:]}f}" if lang == "en" else f"{v:{sign}.{kind[1:]}f}"
    if kind.startswith("g") and kind[1:].isdigit():
        return f"{v:{sign}.{kind[1:]}g}"
    if kind.startswith("pct"):
        digits = int(kind[3:] or 1)
        return f"{v * 100:{sign}.{digits}f}%"
    if kind.startswith("pp"):
        return f"{v * 100:+.{int(kind[2:] or 2)}f}"
    if kind.startswith("x"):
        return f"{v:.{int(kind[1:] or 2)}f}×"
    if kind == "int":
        return fmt_number(round(v), lang, 0)
    if kind == "year" or n.unit == "year":
        return str(int(round(v)))
    if n.kind == "money" or n.unit in ("CNY", "USD", "EUR"):
        return fmt_money(v, n.unit or "CNY", lang)
    if n.unit == "share":
        return fmt_pct(v, lang)
    if n.unit == "count":
        return fmt_number(round(v), lang, 0)
    return f"{v:.4g}"


def _term(value, lang: str, html: bool) -> str:
    if isinstance(value, tuple):
        text = value[1 if lang == "zh" and value[1] else 0]
        return str(escape(text)) if html else text
    if value in TERMS:
        text = TERMS[value][1 if lang == "zh" else 0]
        return str(escape(text)) if html else text
    if " " in value:  # a sentence kept verbatim (a message from an analysis), not an identifier
        return str(escape(value)) if html else value
    return f"<code>{escape(value)}</code>" if html else value


def render(f: Finding, lang: str = "en", html: bool = True, text: str | None = None):
    """The finding's sentence (`text`: another template, e.g. one half of a card). In HTML,
    a `Markup` whose numbers are spans with data-value, data-unit and data-kind."""
    lang = check_lang(lang)
    numbers, terms = {**CONSTANTS, **f.values}, f.words
    out = []
    sep = "、" if lang == "zh" else ", "
    for literal, field, spec, _ in string.Formatter().parse(text or template(f, lang)):
        out.append(str(escape(literal)) if html else literal)
        if field is None:
            continue
        if field == "verdict":
            word = VERDICT_WORDS[f.verdict][1 if lang == "zh" else 0]
            out.append(str(escape(word)) if html else word)
            continue
        if field in numbers:
            out.append(_span(numbers[field], spec, lang, html))
        elif field in terms:
            out.append(_term(terms[field], lang, html))
        elif f"{field}.0" in numbers:
            parts = [_span(numbers[k], spec, lang, html) for k in _listed(numbers, field)]
            out.append(sep.join(parts))
        elif f"{field}.0" in terms:
            out.append(sep.join(_term(terms[k], lang, html) for k in _listed(terms, field)))
        else:
            out.append("–")
    joined = "".join(out)
    return Markup(joined) if html else joined


def _listed(mapping: dict, field: str) -> list[str]:
    keys, i = [], 0
    while f"{field}.{i}" in mapping:
        keys.append(f"{field}.{i}")
        i += 1
    return keys


def _span(n: Number, spec: str, lang: str, html: bool) -> str:
    text = _format(n, spec, lang)
    if not html:
        return text
    return (f'<span class="num" data-value="{n.value!r}" data-unit="{escape(n.unit)}" '
            f'data-kind="{n.kind}">{escape(text)}</span>')


def card(f: Finding, lang: str = "en") -> tuple[Markup, Markup, str, str]:
    """A scorecard card: (message title, headline figure line, verdict word, section title)."""
    title_half, _, figure_half = template(f, lang).partition("|")
    index = 1 if lang == "zh" else 0
    family = ".".join(f.key.split(".")[:2])
    return (render(f, lang, text=title_half), render(f, lang, text=figure_half),
            CARD_WORDS[f.verdict][index], CARD_TITLES[family][index])


def chart_title(chart: str, f: Finding, lang: str = "en") -> str:
    """A chart's title as plain text: the message (`CHART_TITLES`, by chart id and the
    finding's verdict) filled with the finding's numbers, first letter capitalised."""
    index = 1 if check_lang(lang) == "zh" else 0
    for key in ((chart, f.verdict), (chart, "*")):
        if key in CHART_TITLES:
            text = render(f, lang, html=False, text=CHART_TITLES[key][index])
            return text[:1].upper() + text[1:]
    raise KeyError(f"no title for chart {chart} ({f.verdict})")
