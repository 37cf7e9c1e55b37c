"""Charts of who benefits and what it cost: Lorenz curves, Theil decomposition, suppressed group
breakdowns, dependence, decoupling — and of the audit: Benford digits, findings per check.
Import them from :mod:`pairaid.report.charts`."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from pairaid.report.chart_style import (MISSING_GREY, MUTED, OKABE_ITO, WIDTH, categories,
                                        finish, require, values, years)
from pairaid.report.i18n import (LABELS, check_lang, fmt_number, fmt_pct, label,
                                 label_or_text)

#: Tapio states in the order of pairaid.distribution.environment.STATES, then "no output change".
TAPIO_STATES = ("strong decoupling", "weak decoupling", "expansive coupling",
                "expansive negative decoupling", "recessive decoupling", "recessive coupling",
                "weak negative decoupling", "strong negative decoupling", "no output change")
_TAPIO_COLOURS = ("#009E73", "#56B4E9", "#0072B2", "#E69F00", "#CC79A7", "#F0E442", "#D55E00",
                  "#000000", MISSING_GREY)


def lorenz_curves(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None):
    """Lorenz and concentration curves with the 45° line of equality.

    ``df``: ``curve`` (printed name or label id), ``population_share``, ``cumulative_share``
    (both 0–1, each curve from (0, 0) to (1, 1)).
    """
    lang = check_lang(lang)
    require(df, ["curve", "population_share", "cumulative_share"], "lorenz_curves")
    table = df[["curve", "population_share", "cumulative_share"]].copy()
    table["curve"] = [label_or_text(str(c), lang) for c in table["curve"]]
    names = list(dict.fromkeys(table["curve"]))
    pct = alt.Axis(format="%")
    scale = alt.Scale(domain=[0, 1])
    equality = alt.Chart(values(pd.DataFrame({"p": [0.0, 1.0], "c": [0.0, 1.0]}))).mark_line(
        color=MUTED, strokeDash=[4, 4]).encode(x="p:Q", y="c:Q")
    equality_text = alt.Chart(values(pd.DataFrame({"p": [0.55], "c": [0.55],
                                                   "t": [label("lorenz.equality", lang)]}))
                              ).mark_text(angle=315, dy=-8, color=MUTED).encode(
        x="p:Q", y="c:Q", text="t:N")
    curves = alt.Chart(values(table)).mark_line(point=alt.OverlayMarkDef(size=20)).encode(
        x=alt.X("population_share:Q", title=label("lorenz.population_share", lang), axis=pct,
                scale=scale),
        y=alt.Y("cumulative_share:Q", title=label("lorenz.cumulative_share", lang), axis=pct,
                scale=scale),
        color=alt.Color("curve:N", title=label("lorenz.curve", lang), scale=categories(names),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        order="population_share:Q",
        tooltip=[alt.Tooltip("curve:N", title=label("lorenz.curve", lang)),
                 alt.Tooltip("population_share:Q", format=".1%",
                             title=label("lorenz.population_share", lang)),
                 alt.Tooltip("cumulative_share:Q", format=".1%",
                             title=label("lorenz.cumulative_share", lang))])
    chart = alt.layer(equality, equality_text, curves).properties(width=340, height=340)
    sep = ", " if lang == "en" else "、"
    return finish(chart, "lorenz.title", label("alt.lorenz", lang, curves=sep.join(names)),
                  lang, subtitle)


def theil_decomposition(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None):
    """Theil index per year as stacked bars of its between- and within-group parts.

    ``df``: ``year``, ``component`` (``between`` | ``within``), ``value`` (contribution to T).
    """
    lang = check_lang(lang)
    require(df, ["year", "component", "value"], "theil_decomposition")
    table = df[["year", "component", "value"]].copy()
    table["year"] = table["year"].astype(int)
    table["part"] = [label(f"theil.{c}", lang) if f"theil.{c}" in LABELS else str(c)
                     for c in table["component"]]
    table["rank"] = table["component"].map({"between": 0, "within": 1}).fillna(2)
    parts = list(dict.fromkeys(table.sort_values("rank")["part"]))
    chart = alt.Chart(values(table)).mark_bar().encode(
        x=alt.X("year:O", title=label("axis.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=label("theil.value", lang), stack="zero"),
        color=alt.Color("part:N", title=label("theil.component", lang),
                        scale=categories(parts), legend=alt.Legend(orient="bottom")),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("year:O", title=label("axis.year", lang)),
                 alt.Tooltip("part:N", title=label("theil.component", lang)),
                 alt.Tooltip("value:Q", format=".4f", title=label("theil.value", lang))],
    ).properties(width=WIDTH, height=260)
    first, last = years(table["year"])
    return finish(chart, "theil.title", label("alt.theil", lang, first=first, last=last), lang,
                  subtitle)


def group_bars(df: pd.DataFrame, lang: str = "en", *, value_title: str = "axis.value",
               share: bool = False, subtitle: str | None = None):
    """One bar per group; a suppressed cell is a labelled gap, never a zero bar.

    ``df``: ``group`` (printed name), ``value``, ``suppressed`` (bool). A suppressed row's value
    is dropped before the data are inlined, so the page cannot leak it. ``value_title``: label
    id or text for the value axis, with its unit; ``share``: values are shares 0–1, drawn as %.
    """
    lang = check_lang(lang)
    require(df, ["group", "value", "suppressed"], "group_bars")
    table = df[["group", "value", "suppressed"]].copy()
    table["group"] = table["group"].astype(str)
    table["suppressed"] = table["suppressed"].astype(bool)
    table.loc[table["suppressed"], "value"] = np.nan
    table["value_text"] = [label("note.suppressed", lang) if s else
                           fmt_pct(v, lang) if share else fmt_number(v, lang)
                           for v, s in zip(table["value"], table["suppressed"])]
    table["gap"] = np.where(table["suppressed"], "(" + label("note.suppressed", lang) + ")", "")
    order = list(table["group"])
    x_title = label_or_text(value_title, lang)
    y = alt.Y("group:N", sort=order, title=label("group_bars.group", lang))
    tip = [alt.Tooltip("group:N", title=label("group_bars.group", lang)),
           alt.Tooltip("value_text:N", title=x_title)]
    base = alt.Chart(values(table))
    bars = base.transform_filter(~alt.datum.suppressed).mark_bar(color=OKABE_ITO[0]).encode(
        y=y, x=alt.X("value:Q", title=x_title,
                     axis=alt.Axis(format="%") if share else alt.Undefined), tooltip=tip)
    gaps = base.transform_filter(alt.datum.suppressed).mark_text(
        align="left", dx=4, fontStyle="italic", color=MUTED).encode(
        y=y, x=alt.value(0), text="gap:N", tooltip=tip)
    chart = alt.layer(bars, gaps).properties(width=WIDTH - 140, height=alt.Step(24))
    text = label("alt.group_bars", lang, n=len(table), suppressed=int(table["suppressed"].sum()))
    return finish(chart, "group_bars.title", text, lang,
                  subtitle or label("group_bars.note", lang))


def dependence_lines(df: pd.DataFrame, lang: str = "en", *, value_title: str = "dependence.share",
                     share: bool = True, subtitle: str | None = None):
    """Series over years, e.g. assistance as a share of the local budget.

    ``df``: ``year``, ``series`` (printed name or label id), ``value`` — a share 0–1 drawn as a
    percentage when ``share`` (the default), else as is with ``value_title`` naming its unit.
    """
    lang = check_lang(lang)
    require(df, ["year", "series", "value"], "dependence_lines")
    table = df[["year", "series", "value"]].copy()
    table["year"] = table["year"].astype(int)
    table["series"] = [label_or_text(str(s), lang) for s in table["series"]]
    table["value_text"] = [fmt_pct(v, lang) if share else fmt_number(v, lang)
                           for v in table["value"]]
    names = list(dict.fromkeys(table["series"]))
    y_title = label_or_text(value_title, lang)
    chart = alt.Chart(values(table)).mark_line(point=True).encode(
        x=alt.X("year:Q", title=label("axis.year", lang), scale=alt.Scale(zero=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format="%") if share else alt.Undefined),
        color=alt.Color("series:N", title=label("dependence.series", lang),
                        scale=categories(names), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:Q", title=label("axis.year", lang), format="d"),
                 alt.Tooltip("series:N", title=label("dependence.series", lang)),
                 alt.Tooltip("value_text:N", title=y_title)],
    ).properties(width=WIDTH, height=280)
    first, last = years(table["year"])
    sep = ", " if lang == "en" else "、"
    text = label("alt.dependence", lang, series=sep.join(names), first=first, last=last)
    return finish(chart, "dependence.title", text, lang, subtitle)


def decoupling_scatter(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None):
    """Output growth against pressure growth per unit, coloured by Tapio state, with the lines
    of elasticity 0.8 and 1.2 (Tapio 2005) through the origin.

    ``df``: ``unit``, ``gdp_growth`` (%ΔY as a proportion, 0.1 = +10 %), ``pressure_growth``
    (%ΔP, likewise), ``state`` (one of :data:`TAPIO_STATES`, as
    :mod:`pairaid.distribution.environment` writes them).
    """
    lang = check_lang(lang)
    require(df, ["unit", "gdp_growth", "pressure_growth", "state"], "decoupling_scatter")
    table = df[["unit", "gdp_growth", "pressure_growth", "state"]].copy()
    table["state_label"] = [label(f"state.{s}", lang) if f"state.{s}" in LABELS else str(s)
                            for s in table["state"]]
    known = [label(f"state.{s}", lang) for s in TAPIO_STATES]
    extra = [s for s in dict.fromkeys(table["state_label"]) if s not in known]
    domain = known + extra
    colours = list(_TAPIO_COLOURS) + [OKABE_ITO[i % 8] for i in range(len(extra))]
    finite = table[["gdp_growth"]].replace([np.inf, -np.inf], np.nan).dropna()
    lo = min(float(finite["gdp_growth"].min()), 0.0) if len(finite) else -0.1
    hi = max(float(finite["gdp_growth"].max()), 0.0) if len(finite) else 0.1
    pad = 0.05 * (hi - lo or 1.0)
    xs = np.array([lo - pad, hi + pad])
    lines = pd.DataFrame({"x": np.tile(xs, 2), "y": np.concatenate([0.8 * xs, 1.2 * xs]),
                          "e": np.repeat(["e = 0.8", "e = 1.2"], 2)})
    ends = lines.groupby("e", as_index=False).last()
    pct = alt.Axis(format="%")
    x_title = label("decoupling.gdp_growth", lang)
    y_title = label("decoupling.pressure_growth", lang)
    zero = values(pd.DataFrame({"z": [0.0]}))
    layers = [
        alt.Chart(zero).mark_rule(color=MUTED, strokeWidth=0.8).encode(x="z:Q"),
        alt.Chart(zero).mark_rule(color=MUTED, strokeWidth=0.8).encode(y="z:Q"),
        alt.Chart(values(lines)).mark_line(color=MUTED, strokeDash=[4, 4]).encode(
            x="x:Q", y="y:Q", detail="e:N"),
        alt.Chart(values(ends)).mark_text(align="right", dy=-7, color=MUTED, fontSize=10).encode(
            x="x:Q", y="y:Q", text="e:N"),
        alt.Chart(values(table)).mark_point(filled=True, size=60, opacity=0.85).encode(
            x=alt.X("gdp_growth:Q", title=x_title, axis=pct),
            y=alt.Y("pressure_growth:Q", title=y_title, axis=pct),
            color=alt.Color("state_label:N", title=label("decoupling.state", lang),
                            scale=alt.Scale(domain=domain, range=colours),
                            legend=alt.Legend(orient="right")),
            tooltip=[alt.Tooltip("unit:N", title=label("axis.unit", lang)),
                     alt.Tooltip("gdp_growth:Q", format="+.1%", title=x_title),
                     alt.Tooltip("pressure_growth:Q", format="+.1%", title=y_title),
                     alt.Tooltip("state_label:N", title=label("decoupling.state", lang))]),
    ]
    chart = alt.layer(*layers).properties(width=WIDTH - 180, height=340)
    return finish(chart, "decoupling.title", label("alt.decoupling", lang, n=len(table)), lang,
                  subtitle or label("decoupling.lines", lang))


def benford_bars(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None):
    """Observed first-digit shares (bars) against Benford's expected shares (points).

    ``df``: ``digit`` (1–9), ``observed``, ``expected`` — shares 0–1; counts are turned into
    shares (a column summing to more than 1 is divided by its sum).
    """
    lang = check_lang(lang)
    require(df, ["digit", "observed", "expected"], "benford_bars")
    table = df[["digit", "observed", "expected"]].copy()
    table["digit"] = table["digit"].astype(int)
    for column in ("observed", "expected"):
        total = float(table[column].sum())
        if total > 1 + 1e-6:
            table[column] = table[column] / total
    observed, expected = label("benford.observed", lang), label("benford.expected", lang)
    colour = alt.Scale(domain=[observed, expected], range=[OKABE_ITO[4], "#000000"])
    share = label("benford.share", lang)
    tip = [alt.Tooltip("digit:O", title=label("benford.digit", lang)),
           alt.Tooltip("observed:Q", format=".1%", title=observed),
           alt.Tooltip("expected:Q", format=".1%", title=expected)]
    long = pd.concat([table.assign(source=observed, share=table["observed"]),
                      table.assign(source=expected, share=table["expected"])], ignore_index=True)
    x = alt.X("digit:O", title=label("benford.digit", lang), axis=alt.Axis(labelAngle=0))
    colour = alt.Color("source:N", scale=colour, title=None, legend=alt.Legend(orient="bottom"))
    bars = alt.Chart(values(long[long["source"] == observed])).mark_bar().encode(
        x=x, y=alt.Y("share:Q", title=share, axis=alt.Axis(format="%")), color=colour,
        tooltip=tip)
    line = alt.Chart(values(long[long["source"] == expected])).mark_line(
        point=alt.OverlayMarkDef(filled=True, size=40)).encode(
        x=x, y="share:Q", color=colour, tooltip=tip)
    chart = alt.layer(bars, line).properties(width=WIDTH - 160, height=260)
    return finish(chart, "benford.title", label("alt.benford", lang), lang, subtitle)


def audit_counts(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None):
    """Findings per audit check, largest first, each bar labelled with its count.

    ``df``: ``check`` (printed name or label id), ``count``.
    """
    lang = check_lang(lang)
    require(df, ["check", "count"], "audit_counts")
    table = df[["check", "count"]].copy()
    table["check"] = [label_or_text(str(c), lang) for c in table["check"]]
    table["count"] = table["count"].astype(int)
    table = table.sort_values("count", ascending=False, kind="stable")
    y = alt.Y("check:N", sort=list(table["check"]), title=label("audit.check", lang))
    tip = [alt.Tooltip("check:N", title=label("audit.check", lang)),
           alt.Tooltip("count:Q", format=",d", title=label("audit.count", lang))]
    base = alt.Chart(values(table))
    bars = base.mark_bar(color=OKABE_ITO[3]).encode(
        y=y, x=alt.X("count:Q", title=label("audit.count", lang),
                     axis=alt.Axis(tickMinStep=1, format=",d")), tooltip=tip)
    counts = base.mark_text(align="left", dx=3).encode(y=y, x="count:Q", text="count:Q")
    chart = alt.layer(bars, counts).properties(width=WIDTH - 160, height=alt.Step(24))
    text = label("alt.audit", lang, n=len(table), total=fmt_number(table["count"].sum(), lang))
    return finish(chart, "audit.title", text, lang, subtitle)
