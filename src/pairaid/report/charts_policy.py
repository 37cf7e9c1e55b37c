"""Charts of the programme's own rules (issue 14): what donors owed against what the ledger
records, today's pairing beside the optimal one, a funding scenario's fan. Import them from
:mod:`pairaid.report.charts`. They draw; they compute no statistic (display scaling only).
``prices`` (the price basis the report's footer states for the chart) is accepted by each, as
by every chart whose money is not in the report's own basis; the footer draws it."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pairaid.report.chart_style import (MUTED, OKABE_ITO, categories, finish, is_narrow,
                                        legend_orient, require, values, width, years)
from pairaid.report.i18n import check_lang, fmt_money, fmt_number, fmt_pct, label, money_unit

#: compliance states in the order the legend lists them, with their colours (Okabe-Ito)
_STATES = ("below", "within", "above")
_STATE_COLOURS = (OKABE_ITO[3], OKABE_ITO[2], OKABE_ITO[0])


def obligation_band(df: pd.DataFrame, lang: str = "en", *, currency: str = "CNY",
                    scale: float = 1e9, prices: str = "", subtitle: str | None = None,
                    title: str | None = None):
    """Small multiples, one per fiscal base: the obligation's range by year (band from
    ``low_yuan`` to ``high_yuan``; a floor draws its line only) and the recorded flows (points
    coloured by ``status``: below, within, above; a year without recorded flows has no point).

    ``df``: ``base_name``, ``year``, ``low_yuan``, ``high_yuan`` (NaN for a floor),
    ``recorded_yuan`` (NaN: not recorded), ``status``; money in ``currency``, drawn in units of
    ``scale`` (1e9 in English, 1e8 = 亿 in Chinese).
    """
    lang = check_lang(lang)
    require(df, ["base_name", "year", "low_yuan", "high_yuan", "recorded_yuan", "status"],
            "obligation_band")
    table = df.copy()
    table["year"] = table["year"].astype(int)
    table["high_yuan"] = table["high_yuan"].fillna(table["low_yuan"])
    for column in ("low_yuan", "high_yuan", "recorded_yuan"):
        table[column.replace("_yuan", "_shown")] = table[column] / scale
    table["owed_text"] = [fmt_money(lo, currency, lang) + (
        "" if hi == lo else "–" + fmt_money(hi, currency, lang))
        for lo, hi in zip(table["low_yuan"], table["high_yuan"])]
    table["recorded_text"] = [fmt_money(v, currency, lang) if pd.notna(v) else
                              label("policy.not_recorded", lang) for v in table["recorded_yuan"]]
    table["state"] = [label(f"policy.status.{s}", lang) if s in _STATES else
                      label("policy.not_recorded", lang) for s in table["status"]]
    unit = money_unit(scale, currency, lang)
    states = [label(f"policy.status.{s}", lang) for s in _STATES]
    year_axis = alt.X("year:Q", title=None, scale=alt.Scale(zero=False),
                      axis=alt.Axis(format="d", tickCount=3, labelAngle=0))
    tooltip = [alt.Tooltip("base_name:N", title=label("policy.donor", lang)),
               alt.Tooltip("year:Q", format="d", title=label("axis.year", lang)),
               alt.Tooltip("owed_text:N", title=label("policy.owed", lang)),
               alt.Tooltip("recorded_text:N", title=label("policy.recorded", lang)),
               alt.Tooltip("state:N", title=label("policy.status", lang))]
    base = alt.Chart().encode(x=year_axis)
    band = base.mark_area(opacity=0.3, color=OKABE_ITO[4]).encode(
        y=alt.Y("low_shown:Q", title=None), y2="high_shown:Q")  # the unit is in the subtitle
    floor = base.mark_line(color=OKABE_ITO[4]).encode(y="low_shown:Q")
    recorded = base.mark_point(filled=True, size=28).encode(
        y="recorded_shown:Q",
        color=alt.Color("state:N", title=label("policy.status", lang),
                        scale=alt.Scale(domain=states, range=list(_STATE_COLOURS)),
                        legend=alt.Legend(orient=legend_orient("bottom"))),
        tooltip=tooltip).transform_filter("isValid(datum.recorded_shown)")
    columns = 2 if is_narrow() else 3
    panel = max(int((width() - 30 * columns) / columns), 100)
    chart = alt.layer(band, floor, recorded, data=values(table)).properties(
        width=panel, height=80).facet(
        facet=alt.Facet("base_name:N", title=None, header=alt.Header(labelFontSize=11)),
        columns=columns).resolve_scale(y="independent")
    first, last = years(table["year"])
    below = int((table["status"] == "below").sum())
    text = label("alt.obligation_band", lang, n=table["base_name"].nunique(), first=first,
                 last=last, below=below, recorded=int(table["recorded_yuan"].notna().sum()))
    return finish(chart, "policy.obligation_band.title", text, lang,
                  subtitle or label("sub.obligation_band", lang, unit=unit), title=title)


def pairing_support(df: pd.DataFrame, lang: str = "en", *, currency: str = "CNY",
                    need_label: str = "", prices: str = "", subtitle: str | None = None,
                    title: str | None = None):
    """Support per unit of need by recipient under two pairings, one strip each: every
    recipient a tick, so the spread of each pairing shows at a glance (names in the tooltip).

    ``df``: ``recipient`` (printed name), ``pairing`` (printed name of the pairing, in the order
    drawn), ``per_need`` (``currency`` per unit of need), ``donor`` (printed name).
    """
    lang = check_lang(lang)
    require(df, ["recipient", "pairing", "per_need", "donor"], "pairing_support")
    table = df.dropna(subset=["per_need"]).copy()
    table["per_need_text"] = [fmt_number(round(v), lang) for v in table["per_need"]]
    pairings = list(dict.fromkeys(table["pairing"]))
    unit = label("policy.per_need_unit", lang, currency=currency)
    chart = alt.Chart(values(table)).mark_tick(thickness=2, size=22, opacity=0.7).encode(
        x=alt.X("per_need:Q", title=unit),
        y=alt.Y("pairing:N", title=None, sort=pairings),
        color=alt.Color("pairing:N", scale=categories(pairings), legend=None),
        tooltip=[alt.Tooltip("recipient:N", title=label("policy.recipient", lang)),
                 alt.Tooltip("donor:N", title=label("policy.donor", lang)),
                 alt.Tooltip("pairing:N", title=label("policy.pairing", lang)),
                 alt.Tooltip("per_need_text:N", title=unit)],
    ).properties(width=width(), height=40 * len(pairings))
    low, high = table["per_need"].min(), table["per_need"].max()
    text = label("alt.pairing_support", lang, n=table["recipient"].nunique(),
                 pairings=(", " if lang == "en" else "、").join(pairings),
                 min=fmt_number(round(low), lang), max=fmt_number(round(high), lang), unit=unit)
    return finish(chart, "policy.pairing_support.title", text, lang,
                  subtitle or label("sub.pairing_support", lang, need=need_label, unit=unit),
                  title=title)


def scenario_fan(df: pd.DataFrame, lang: str = "en", *, base_year: int | None = None,
                 prices: str = "", subtitle: str | None = None, title: str | None = None):
    """A projection's fan: the median path (line) and its 95 % band (area) as a change from the
    base year, and the water ceiling (dashed) where the scenario has one.

    ``df``: ``year``, ``change``, ``low``, ``high`` (shares: −0.1 = −10 % from the base year),
    ``ceiling`` (share, NaN without a water limit). The base year's row has 0 everywhere.
    """
    lang = check_lang(lang)
    require(df, ["year", "change", "low", "high", "ceiling"], "scenario_fan")
    table = df.copy()
    table["year"] = table["year"].astype(int)
    table["band_text"] = [f"{fmt_pct(lo, lang)} – {fmt_pct(hi, lang)}"
                          for lo, hi in zip(table["low"], table["high"])]
    table["change_text"] = [fmt_pct(v, lang) for v in table["change"]]
    y_title = label("policy.change_from", lang, year=base_year or int(table["year"].min()))
    x = alt.X("year:Q", title=label("axis.year", lang), scale=alt.Scale(zero=False),
              axis=alt.Axis(format="d", tickMinStep=1))
    tooltip = [alt.Tooltip("year:Q", format="d", title=label("axis.year", lang)),
               alt.Tooltip("change_text:N", title=label("policy.median", lang)),
               alt.Tooltip("band_text:N", title=label("policy.band", lang))]
    base = alt.Chart(values(table)).encode(x=x)
    layers = [base.mark_area(opacity=0.25, color=OKABE_ITO[0]).encode(
                  y=alt.Y("low:Q", title=y_title, axis=alt.Axis(format="%")), y2="high:Q"),
              base.mark_line(point=True, color=OKABE_ITO[0]).encode(y="change:Q",
                                                                    tooltip=tooltip)]
    has_ceiling = table["ceiling"].notna().any()
    if has_ceiling:
        layers.append(base.mark_line(color=OKABE_ITO[3], strokeDash=[6, 4]).encode(
            y="ceiling:Q").transform_filter("isValid(datum.ceiling)"))
        end = table.dropna(subset=["ceiling"]).iloc[[-1]].assign(
            name=label("policy.ceiling", lang))
        layers.append(alt.Chart(values(end)).mark_text(align="right", dy=-8, color=OKABE_ITO[3])
                      .encode(x="year:Q", y="ceiling:Q", text="name:N"))
    zero = alt.Chart(values(pd.DataFrame({"y": [0.0]}))).mark_rule(color=MUTED, strokeDash=[2, 2]
                                                                   ).encode(y="y:Q")
    chart = alt.layer(zero, *layers).properties(width=width(), height=260)
    first, last = years(table["year"])
    end = table.iloc[-1]
    text = label("alt.scenario_fan", lang, first=first, last=last,
                 change=fmt_pct(end["change"], lang), low=fmt_pct(end["low"], lang),
                 high=fmt_pct(end["high"], lang)) + (
        " " + label("alt.scenario_ceiling", lang) if has_ceiling else "")
    return finish(chart, "policy.scenario_fan.title", text, lang,
                  subtitle or label("sub.scenario_fan", lang, year=base_year or first),
                  title=title)
