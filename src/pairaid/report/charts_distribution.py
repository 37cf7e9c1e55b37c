"""Charts of who benefits and what it cost: Lorenz curves, Theil decomposition, suppressed group
breakdowns, dependence, decoupling — and of the audit: Benford digits, findings per check.
Import them from :mod:`pairaid.report.charts`."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from pairaid.report.chart_style import (MISSING_GREY, MUTED, OKABE_ITO, ChartInputError,
                                        categories, finish, is_narrow, legend_orient, require,
                                        values, width, years)
from pairaid.report.i18n import (LABELS, check_lang, currency_name, fmt_number, fmt_pct, label,
                                 label_or_text)

#: Tapio states in the order of pairaid.distribution.environment.STATES, then "no output change".
TAPIO_STATES = ("strong decoupling", "weak decoupling", "expansive coupling",
                "expansive negative decoupling", "recessive decoupling", "recessive coupling",
                "weak negative decoupling", "strong negative decoupling", "no output change")
_TAPIO_COLOURS = ("#009E73", "#56B4E9", "#0072B2", "#E69F00", "#CC79A7", "#F0E442", "#D55E00",
                  "#000000", MISSING_GREY)


def lorenz_curves(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None,
    title: str | None = None):
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
    chart = alt.layer(equality, equality_text, curves).properties(width=min(340, width()),
                                                                  height=min(340, width()))
    sep = ", " if lang == "en" else "、"
    return finish(chart, "lorenz.title", label("alt.lorenz", lang, curves=sep.join(names)),
                  lang, subtitle or label("sub.lorenz", lang), title=title)


def theil_decomposition(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None,
    title: str | None = None):
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
        x=alt.X("year:O", title=label("axis.year", lang),
                axis=alt.Axis(labelAngle=-90 if is_narrow() else 0)),
        y=alt.Y("value:Q", title=label("theil.value", lang), stack="zero"),
        color=alt.Color("part:N", title=label("theil.component", lang),
                        scale=categories(parts), legend=alt.Legend(orient="bottom")),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("year:O", title=label("axis.year", lang)),
                 alt.Tooltip("part:N", title=label("theil.component", lang)),
                 alt.Tooltip("value:Q", format=".4f", title=label("theil.value", lang))],
    ).properties(width=width(), height=260)
    first, last = years(table["year"])
    return finish(chart, "theil.title", label("alt.theil", lang, first=first, last=last), lang,
                  subtitle or label("sub.theil", lang), title=title)


def group_bars(df: pd.DataFrame, lang: str = "en", *, value_title: str = "axis.value",
               share: bool = False, subtitle: str | None = None, title: str | None = None):
    """One bar per group; a suppressed cell is a labelled gap, never a zero bar.

    ``df``: ``group`` (printed name), ``value``, ``suppressed`` (bool); optional ``population``
    (the group's share of population, 0–1), drawn as a second bar beside each value so that a
    share of funds is read against the share of people. A suppressed row's values are dropped
    before the data are inlined, so the page cannot leak them. ``value_title``: label id or text
    for the value axis, with its unit; ``share``: values are shares 0–1, drawn as %.
    """
    lang = check_lang(lang)
    require(df, ["group", "value", "suppressed"], "group_bars")
    paired = "population" in df.columns
    table = df[["group", "value", "suppressed", *(["population"] if paired else [])]].copy()
    table["group"] = table["group"].astype(str)
    table["suppressed"] = table["suppressed"].astype(bool)
    table.loc[table["suppressed"], "value"] = np.nan
    if paired:
        table.loc[table["suppressed"], "population"] = np.nan
    order = list(table["group"])
    x_title = label("group_bars.axis", lang) if paired else label_or_text(value_title, lang)
    fmt = (lambda v: fmt_pct(v, lang)) if share else (lambda v: fmt_number(v, lang))
    series = [("value", label("group_bars.funds", lang) if paired else x_title)]
    if paired:
        series.append(("population", label("group_bars.population", lang)))
    long = pd.concat([table.assign(series=name, shown=table[column],
                                   value_text=[label("note.suppressed", lang) if s else fmt(v)
                                               for v, s in zip(table[column],
                                                               table["suppressed"])])
                      for column, name in series], ignore_index=True)
    long = long[["group", "series", "shown", "value_text", "suppressed"]]
    long["gap"] = np.where(long["suppressed"], "(" + label("note.suppressed", lang) + ")", "")
    names = [name for _, name in series]
    y = alt.Y("group:N", sort=order, title=label("group_bars.group", lang))
    tip = [alt.Tooltip("group:N", title=label("group_bars.group", lang)),
           alt.Tooltip("series:N", title=label("group_bars.series", lang)),
           alt.Tooltip("value_text:N", title=x_title)]
    base = alt.Chart(values(long))
    encoding = dict(y=y, x=alt.X("shown:Q", title=x_title,
                                 axis=alt.Axis(format="%") if share else alt.Undefined),
                    color=alt.Color("series:N", title=None, scale=categories(names),
                                    legend=alt.Legend(orient="bottom") if paired else None),
                    tooltip=tip)
    if paired:
        encoding["yOffset"] = alt.YOffset("series:N", sort=names)
    bars = base.transform_filter(~alt.datum.suppressed).mark_bar().encode(**encoding)
    gaps = base.transform_filter(alt.datum.suppressed & (alt.datum.series == names[0])
                                 ).mark_text(align="left", dx=4, fontStyle="italic",
                                             color=MUTED).encode(
        y=y, x=alt.value(0), text="gap:N", tooltip=tip)
    # a fixed height (a step would conflict with the offset scale of the paired bars)
    chart = alt.layer(bars, gaps).properties(width=width(140),
                                             height=len(table) * (34 if paired else 24))
    text = label("alt.group_bars", lang, n=len(table), suppressed=int(table["suppressed"].sum()))
    default = label("sub.group_bars", lang) if paired else label("group_bars.note", lang)
    return finish(chart, "group_bars.title", text, lang, subtitle or default, title=title)


def dependence_lines(df: pd.DataFrame, lang: str = "en", *, value_title: str = "dependence.share",
                     share: bool = True, subtitle: str | None = None,
    title: str | None = None):
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
    ).properties(width=width(), height=280)
    first, last = years(table["year"])
    sep = ", " if lang == "en" else "、"
    text = label("alt.dependence", lang, series=sep.join(names), first=first, last=last)
    return finish(chart, "dependence.title", text, lang,
                  subtitle or label("sub.dependence", lang), title=title)


def decoupling_scatter(df: pd.DataFrame, lang: str = "en", *, prices: str = "",
                       subtitle: str | None = None, title: str | None = None):
    """Output change against pressure change per unit, coloured by Tapio state, with the lines
    of elasticity 0.8 and 1.2 (Tapio 2005) through the origin.

    ``df``: ``unit``, ``output_change`` (%ΔY as a proportion, 0.1 = +10 %; ``gdp_growth`` is
    read as a former name), ``pressure_change`` (%ΔP, likewise; or ``pressure_growth``),
    ``state`` (one of :data:`TAPIO_STATES`). ``prices``: the price basis of the output (for the
    subtitle). The axes span the points (not the boundary lines), and the legend lists only the
    states that occur, in Tapio's order.
    """
    lang = check_lang(lang)
    df = df.rename(columns={"gdp_growth": "output_change", "pressure_growth": "pressure_change"})
    require(df, ["unit", "output_change", "pressure_change", "state"], "decoupling_scatter")
    table = df[["unit", "output_change", "pressure_change", "state"]].copy()
    table = table[np.isfinite(table[["output_change", "pressure_change"]].astype(float)).all(1)]
    if table.empty:
        raise ChartInputError("decoupling_scatter: no unit has finite changes to draw")
    table["state_label"] = [label(f"state.{s}", lang) if f"state.{s}" in LABELS else str(s)
                            for s in table["state"]]
    present = set(table["state"])
    order = [s for s in TAPIO_STATES if s in present]
    domain = [label(f"state.{s}", lang) for s in order]
    colours = [_TAPIO_COLOURS[TAPIO_STATES.index(s)] for s in order]
    extra = [s for s in dict.fromkeys(table["state_label"]) if s not in domain]
    domain += extra
    colours += [OKABE_ITO[i % 8] for i in range(len(extra))]

    def span(column: str) -> tuple[float, float]:
        lo = min(float(table[column].min()), 0.0)
        hi = max(float(table[column].max()), 0.0)
        pad = 0.06 * (hi - lo or 0.1)
        return lo - pad, hi + pad

    (x_lo, x_hi), (y_lo, y_hi) = span("output_change"), span("pressure_change")
    xs = np.array([x_lo, x_hi])
    lines = pd.DataFrame({"x": np.tile(xs, 2), "y": np.concatenate([0.8 * xs, 1.2 * xs]),
                          "e": np.repeat(["e = 0.8", "e = 1.2"], 2)})
    # label each line where it leaves the plot (inside the y range)
    ends = []
    for name, slope, side in (("e = 0.8", 0.8, "left"), ("e = 1.2", 1.2, "right")):
        x_end = min(x_hi, y_hi / slope)
        ends.append({"x": x_end, "y": slope * x_end, "e": name, "side": side})
    ends = pd.DataFrame(ends)
    x_scale = alt.Scale(domain=[x_lo, x_hi], nice=False, zero=False)
    y_scale = alt.Scale(domain=[y_lo, y_hi], nice=False, zero=False)
    pct = alt.Axis(format="%")
    x_title = label("decoupling.gdp_growth", lang)
    y_title = label("decoupling.pressure_growth", lang)
    zero = values(pd.DataFrame({"z": [0.0]}))
    layers = [
        alt.Chart(zero).mark_rule(color=MUTED, strokeWidth=0.8).encode(
            x=alt.X("z:Q", scale=x_scale)),
        alt.Chart(zero).mark_rule(color=MUTED, strokeWidth=0.8).encode(
            y=alt.Y("z:Q", scale=y_scale)),
        alt.Chart(values(lines)).mark_line(color=MUTED, strokeDash=[4, 4], clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), detail="e:N"),
        # the two labels on either side of where the lines leave the plot (they may be close)
        *[alt.Chart(values(ends[ends["side"] == side])).mark_text(
            align=side, dx=4 if side == "left" else -4, dy=9, color=MUTED).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="e:N")
          for side in ("left", "right")],
        alt.Chart(values(table)).mark_point(filled=True, size=60, opacity=0.85).encode(
            x=alt.X("output_change:Q", title=x_title, scale=x_scale,
                    # a phone's axis holds about five percentages side by side, not nine
                    axis=alt.Axis(format="%", tickCount=5, labelOverlap="greedy")
                    if is_narrow() else pct),
            y=alt.Y("pressure_change:Q", title=y_title, axis=pct, scale=y_scale),
            color=alt.Color("state_label:N", title=label("decoupling.state", lang),
                            scale=alt.Scale(domain=domain, range=colours),
                            legend=alt.Legend(orient=legend_orient("right"),
                                              direction="vertical")),
            tooltip=[alt.Tooltip("unit:N", title=label("axis.unit", lang)),
                     alt.Tooltip("output_change:Q", format="+.1%", title=x_title),
                     alt.Tooltip("pressure_change:Q", format="+.1%", title=y_title),
                     alt.Tooltip("state_label:N", title=label("decoupling.state", lang))]),
    ]
    # on a phone the legend goes below: the plot takes the whole width
    chart = alt.layer(*layers).properties(width=width(0 if is_narrow() else 180), height=340)
    basis = prices or label("footer.no_prices", lang)
    return finish(chart, "decoupling.title", label("alt.decoupling", lang, n=len(table)), lang,
                  subtitle or label("sub.decoupling", lang, prices=basis), title=title)


def benford_bars(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None,
    title: str | None = None):
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
    chart = alt.layer(bars, line).properties(width=width(160), height=260)
    return finish(chart, "benford.title", label("alt.benford", lang), lang,
                  subtitle or label("sub.benford", lang), title=title)


def audit_counts(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None,
    title: str | None = None):
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
    chart = alt.layer(bars, counts).properties(width=width(160), height=alt.Step(24))
    text = label("alt.audit", lang, n=len(table), total=fmt_number(table["count"].sum(), lang))
    return finish(chart, "audit.title", text, lang,
                  subtitle or label("sub.audit", lang), title=title)


def cost_per_output(df: pd.DataFrame, lang: str = "en", *, currency: str = "CNY",
                    subtitle: str | None = None, title: str | None = None):
    """Median cost per unit of output, one dot per sector output, on a log scale (a road
    kilometre and a trained farmer differ by orders of magnitude), with the number of project
    outputs flagged as far from that norm beside each.

    ``df``: ``output`` (printed name, with its unit), ``median_cost`` (money per unit, in
    ``currency``), ``projects`` (project outputs behind the median), optional ``flagged``
    (how many of them the audit flags) — the audit's cost-per-output table as it stands.
    """
    lang = check_lang(lang)
    require(df, ["output", "median_cost", "projects"], "cost_per_output")
    table = df[["output", "median_cost", "projects"]].copy()
    table["flagged"] = (df["flagged"] if "flagged" in df.columns else 0)
    table = table[table["median_cost"] > 0].sort_values("median_cost", ascending=False)
    if table.empty:
        raise ChartInputError("cost_per_output: no positive cost to draw")
    table["output"] = table["output"].astype(str)
    table["flagged"] = table["flagged"].fillna(0).astype(int)
    table["cost_text"] = [fmt_number(v, lang) for v in table["median_cost"]]
    table["note"] = [f"{n:,} / {p:,}" if n else "" for n, p in zip(table["flagged"],
                                                                   table["projects"])]
    money = currency_name(currency, lang)
    x_title = label("cost_per_output.median", lang) + (f" ({money})" if lang == "en"
                                                      else f"（{money}）")
    y = alt.Y("output:N", sort=list(table["output"]), title=label("cost_per_output.output", lang))
    tip = [alt.Tooltip("output:N", title=label("cost_per_output.output", lang)),
           alt.Tooltip("cost_text:N", title=x_title),
           alt.Tooltip("projects:Q", format=",d", title=label("cost_per_output.projects", lang)),
           alt.Tooltip("flagged:Q", format=",d", title=label("cost_per_output.outliers", lang))]
    base = alt.Chart(values(table))
    dots = base.mark_point(filled=True, size=60).encode(
        y=y, x=alt.X("median_cost:Q", title=x_title, scale=alt.Scale(type="log"),
                     axis=alt.Axis(format="~s")),
        color=alt.condition(alt.datum.flagged > 0, alt.value(OKABE_ITO[3]),
                            alt.value(OKABE_ITO[0])),
        tooltip=tip)
    notes = base.mark_text(align="left", dx=7, color=OKABE_ITO[3]).encode(
        y=y, x="median_cost:Q", text="note:N", tooltip=tip)
    chart = alt.layer(dots, notes).properties(width=width(200), height=alt.Step(18))
    text = label("alt.cost_per_output", lang, n=len(table))
    return finish(chart, "cost_per_output.title", text, lang,
                  subtitle or label("sub.cost_per_output", lang, currency=money), title=title)
