"""The report's sections: for each, a plain-language reading, the charts (with the exact table
behind each) and the tables, all taken from the results objects `collect` produced.

Nothing here estimates anything. The only arithmetic is presentation: unit scaling for display,
sorting, and sums that regroup a published table (county → prefecture) for a chart; the table
behind every chart is written next to it as CSV so a reader can check it."""

from __future__ import annotations

import pandas as pd

from pairaid.report.i18n import fmt_money, fmt_number, fmt_pct
from pairaid.report.model import (Chart, Section, Table, basis_text, money_scale, pick,
                                  place_names, readings, static)
from pairaid.report.sections_more import (_audit, _dependence, _designs, _distribution,
                                          _effects, _environment, _gaps, _methods)
from pairaid.report.sections_policy import policy_section
from pairaid.report.verdict import _verdict
from pairaid.report.text import FIGURE_LABELS_ZH, SOURCES_ZH, UNITS_ZH, title, word


def build_sections(inputs, lang: str) -> list[Section]:
    """Every section in reading order (a section the ledger cannot support is left out)."""
    parts = [_verdict, _headline, _timeline, _pairings, _maps, _index, _effects, _designs,
             _distribution, _dependence, _environment, _audit, policy_section, _gaps,
             _methods]
    return [section for part in parts if (section := part(inputs, lang)) is not None]


# -- headline ----------------------------------------------------------------------------------
def _figure_text(value: float | None, unit: str, lang: str) -> str:
    """A headline figure, rounded to what it can carry (no "15,302.2 CNY")."""
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value:.2f}×" if value >= 1.5 else f"{value:.2f}"
    if unit in ("share", "per year"):
        return fmt_pct(value, lang) + (word("a_year", lang) if unit == "per year" else "")
    if unit in ("CNY", "USD", "EUR"):
        return fmt_money(value, unit, lang)
    shown = UNITS_ZH.get(unit, unit) if lang == "zh" else unit
    if unit == "CNY per person":
        return f"{fmt_number(round(value), lang)} {shown}"
    return fmt_number(round(value), lang) + ("" if unit == "count" else f" {shown}")


def _published_text(f, lang: str) -> str:
    if not f.published:
        return ""
    try:
        published = _figure_text(float(f.published.get("value")), f.unit, lang)
    except (TypeError, ValueError):  # a published figure in words ("doubled"): verbatim
        published = str(f.published.get("value", ""))
        published = f"“{published}”（原文）" if lang == "zh" else published
    period = str(f.published.get("period", "")).replace("-", "–")
    text = f"{published} ({period}; {word('source_quoted', lang)}: {f.published.get('source', '')})"
    if f.published.get("ledger_value") is not None:
        same = _figure_text(f.published["ledger_value"], f.unit, lang)
        covered = f.published["ledger_period"]
        key = "ledger_same_period" if covered == period else "ledger_part_period"
        text += "; " + word(key, lang, covered=covered, period=period) + f": {same}"
    return text


def _source_cell(f, lang: str) -> str:
    """Where a figure comes from, in the report's language: the ledger's own labels are
    translated; anything else is quoted verbatim and labelled as the original."""
    if lang != "zh":
        return f"{f.source}" + (f"; {f.note}" if f.note else "")
    parts = [SOURCES_ZH.get(f.source) or f"{word('source_quoted', lang)}（原文）：{f.source}"]
    if f.coverage:
        c = f.coverage
        parts.append(word(f"coverage_{c['level']}", lang, n=c["units"],
                          first=fmt_number(round(c["first_value"]), lang),
                          last=fmt_number(round(c["last_value"]), lang)))
    elif f.note:
        parts.append(SOURCES_ZH.get(f.note) or f"（原文）{f.note}")
    return "；".join(parts)


def _headline(inputs, lang: str) -> Section:
    s = inputs.summary
    rows, raw = [], []
    for f in s.figures:
        label = FIGURE_LABELS_ZH.get(f.key, f.label) if lang == "zh" else f.label
        compare = ""
        if f.comparison:
            c = f.comparison
            compare = word("compare_cell", lang, paired=_figure_text(c["paired"], f.unit, lang),
                           never=_figure_text(c["never_paired"], f.unit, lang),
                           n=c["never_paired_units"], m=c["paired_units"])
        if f.excluding_duplicates is not None and f.excluding_duplicates != f.value:
            compare = word("without_duplicates", lang,
                           value=_figure_text(f.excluding_duplicates, f.unit, lang))
        source = _source_cell(f, lang)
        rows.append([(label, None), (_figure_text(f.value, f.unit, lang), f.value),
                     (_figure_text(f.real, f.unit if f.unit != "per year" else "per year",
                                   lang) if f.real is not None else "—", f.real),
                     (compare, None), (f.period, None), (source, None),
                     (_published_text(f, lang), None)])
        raw.append({"key": f.key, "label": f.label, "value": f.value, "real": f.real,
                    "unit": f.unit, "period": f.period, "basis": f.basis,
                    "real_basis": s.real_basis if f.real is not None else "",
                    "excluding_duplicates": f.excluding_duplicates,
                    "paired": (f.comparison or {}).get("paired"),
                    "never_paired": (f.comparison or {}).get("never_paired"),
                    "source": f.source,
                    "published_value": (f.published or {}).get("value"),
                    "published_period": (f.published or {}).get("period")})
    real_head = word("real", lang, basis=basis_text_real(s, lang))
    table = Table("headline", [word("figure", lang), word("nominal", lang), real_head,
                               word("comparison", lang), word("period", lang),
                               word("source", lang), word("published", lang)],
                  rows, pd.DataFrame(raw),
                  caption=f"{word('basis', lang)}: {basis_text(s.basis, lang)}")
    scale = money_scale(lang)
    by_year = s.funds_by_year.melt(id_vars="year", value_vars=["committed", "disbursed"],
                                   var_name="kind", value_name="amount")
    by_year["kind"] = by_year["kind"].map({"committed": "commitment", "disbursed": "disbursement"})
    found = inputs.findings.get("headline", [])
    reading = readings(found, lang) + [static("headline.table", lang)]
    from pairaid.findings.programme import funds_trend_findings

    return Section("headline", title("headline", lang), reading,
                   [Chart("funds_by_year", "funds_by_year", by_year,
                          {"currency": s.basis.currency, "scale": scale},
                          finding=pick(funds_trend_findings(s), "headline.funds_trend"))],
                   [table])


def basis_text_real(summary, lang: str) -> str:
    """The constant-price basis of the headline's real column, in the report's language."""
    if not summary.real_basis:
        return "—"
    if lang != "zh":
        return summary.real_basis
    year = "".join(ch for ch in summary.real_basis.split("prices")[0] if ch.isdigit())
    return f"{year}年不变价格"


# -- timeline and pairings ---------------------------------------------------------------------
def _timeline(inputs, lang: str) -> Section:
    from pairaid.findings.programme import timeline_findings

    names = place_names(inputs, lang)
    spans = inputs.pairings.copy()
    spans["donor"] = spans["donor"].map(names).fillna(spans["donor"])
    spans["recipient"] = spans["recipient"].map(names).fillna(spans["recipient"])
    # an open pairing (no end year) runs to the ledger's last year
    last = inputs.summary.year_to
    spans["end_year"] = spans["end_year"].astype("Float64").fillna(last).astype(int)
    found = timeline_findings(spans, last)
    return Section("timeline", title("timeline", lang), readings(found, lang),
                   [Chart("rounds_timeline", "rounds_timeline",
                          spans[["donor", "recipient", "round", "start_year", "end_year"]],
                          {"last_year": last}, finding=pick(found, "timeline.pairings"))])


def _pairings(inputs, lang: str) -> Section:
    from pairaid.findings import finding

    names = place_names(inputs, lang)
    parent = inputs.regions.set_index("code")["parent_code"]
    level = inputs.regions.set_index("code")["level"]
    pairs = inputs.summary.funds_by_pair.copy()
    # county recipients are shown under their prefecture so the diagram stays readable
    county = pairs["recipient"].map(level).eq("county")
    pairs.loc[county, "recipient"] = pairs.loc[county, "recipient"].map(parent)
    flows = pairs.groupby(["donor", "recipient"], as_index=False)["disbursed"].sum()
    flows = flows.assign(donor=flows["donor"].map(names).fillna(flows["donor"]),
                         recipient=flows["recipient"].map(names).fillna(flows["recipient"]),
                         amount=flows["disbursed"])[["donor", "recipient", "amount"]]
    made = finding("pairings.flows", "describes",
                   donors=(flows["donor"].nunique(), "count", "count"),
                   recipients=(flows["recipient"].nunique(), "count", "count"))
    return Section("pairings", title("pairings", lang), readings([made], lang),
                   [Chart("pairing_flows", "pairing_flows", flows,
                          {"currency": inputs.summary.basis.currency},
                          finding=pick(inputs.findings.get("headline", []),
                                       "headline.where"))])


# -- maps --------------------------------------------------------------------------------------
def _maps(inputs, lang: str) -> Section:
    from pairaid.report.geo import prefecture_features

    boundaries = prefecture_features()
    frame = inputs.prefecture.frame
    paid = frame[frame["funds_per_capita"].fillna(0) > 0]
    year = int(paid["year"].max()) if len(paid) else int(frame["year"].max())
    names = "name_zh" if lang == "zh" else "name_en"
    latest = frame[frame["year"] == year]
    funds = pd.DataFrame({"code": latest["unit"].astype(str), "name": latest[names],
                          "value": latest["funds_per_capita"],
                          "total": latest["funds_disbursement"]})
    from pairaid.findings.programme import map_findings

    currency = inputs.summary.basis.currency
    per_person = (f"{currency} per person",
                  "元/人" if currency == "CNY" else f"{currency}/人")
    top = map_findings("maps.funds_top", latest[["name_en", "name_zh"]].assign(
        value=latest["funds_per_capita"]), year, per_person)
    charts = [Chart("map_funds", "choropleth", funds,
                    {"features": boundaries, "title_id": "choropleth.funds_per_capita",
                     "unit": "unit.per_capita", "year": year}, finding=pick(top, "maps."))]
    reading = [static("maps.funds", lang, year=(year, "year", "year"))]
    if inputs.index is not None:
        scores = inputs.index.table
        last = int(scores["time"].max())
        at = scores[scores["time"] == last].merge(
            latest[["unit", "name_en", "name_zh"]], on="unit", how="left")
        index_frame = pd.DataFrame({"code": at["unit"].astype(str), "name": at[names],
                                    "value": at["score"]})
        top = map_findings("maps.index_top", at[["name_en", "name_zh"]].assign(
            value=at["score"]), last)
        charts.append(Chart("map_index", "choropleth", index_frame,
                            {"features": boundaries, "title_id": "choropleth.index_score",
                             "unit": "unit.score", "digits": 3, "year": last},
                            finding=pick(top, "maps.")))
        reading.append(static("maps.index", lang, year=(last, "year", "year")))
    return Section("maps", title("maps", lang), reading, charts)


# -- the index ---------------------------------------------------------------------------------
def _index(inputs, lang: str) -> Section | None:
    if inputs.sensitivity is None:
        return None
    table = inputs.sensitivity.table
    last = int(table["time"].max())
    names = inputs.prefecture.frame.drop_duplicates("unit").set_index("unit")[
        "name_zh" if lang == "zh" else "name_en"]
    at = table[table["time"] == last]
    ranks = pd.DataFrame({"unit": at["unit"].map(names).fillna(at["unit"].astype(str)),
                          "median_rank": at["median_rank"], "rank_low": at["rank_q05"],
                          "rank_high": at["rank_q95"]}).sort_values("median_rank")
    shifts = inputs.sensitivity.indices
    shifts = shifts[shifts["output"] == "mean_rank_shift"].sort_values("total", ascending=False)
    top = shifts.iloc[0]
    width = float(at["interval_width"].median())
    from pairaid.findings.programme import rank_findings

    found = rank_findings(inputs.sensitivity, last, width, top)
    return Section("index", title("index", lang), readings(found, lang),
                   [Chart("rank_intervals", "rank_intervals", ranks,
                          finding=pick(found, "index.ranks"))])



__all__ = ["Chart", "Section", "Table", "build_sections"]
