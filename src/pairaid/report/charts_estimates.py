"""Charts of estimates and their uncertainty: index ranks, coefficients, event studies, dose
response, synthetic control. Import them from :mod:`pairaid.report.charts`."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pairaid.report.chart_style import (MUTED, OKABE_ITO, categories, finish, level_pct,
                                        require, values, width, wrap, years)
from pairaid.report.i18n import (check_lang, currency_name, fmt_number, label,
                                 label_or_text)

_ESTIMATE = ["estimate", "conf_low", "conf_high"]


def _estimate_tips(lang: str) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{c}:Q", title=label(t, lang), format=".3~f")
            for c, t in zip(_ESTIMATE, ("axis.estimate", "axis.conf_low", "axis.conf_high"))]


def _zero(axis: str = "y"):
    rule = alt.Chart(values(pd.DataFrame({"zero": [0.0]}))).mark_rule(color=MUTED)
    return rule.encode(**{axis: alt.X("zero:Q") if axis == "x" else alt.Y("zero:Q")})


def rank_intervals(df: pd.DataFrame, lang: str = "en", *, subtitle: str | None = None,
    title: str | None = None):
    """Median rank (dot) and rank interval (bar) per unit, best first.

    ``df``: ``unit`` (printed name), ``median_rank``, ``rank_low`` (best), ``rank_high`` (worst),
    e.g. from the Monte Carlo sensitivity analysis of an index.
    """
    lang = check_lang(lang)
    require(df, ["unit", "median_rank", "rank_low", "rank_high"], "rank_intervals")
    table = df.sort_values(["median_rank", "rank_low", "unit"]).reset_index(drop=True)
    order = list(table["unit"].astype(str))
    y = alt.Y("unit:N", sort=order, title=label("axis.unit", lang))
    x_title = label("rank_intervals.rank", lang)
    tip = [alt.Tooltip("unit:N", title=label("axis.unit", lang)),
           alt.Tooltip("median_rank:Q", title=label("rank_intervals.median", lang)),
           alt.Tooltip("rank_low:Q", title=label("rank_intervals.low", lang)),
           alt.Tooltip("rank_high:Q", title=label("rank_intervals.high", lang))]
    base = alt.Chart(values(table))
    bars = base.mark_rule(color=OKABE_ITO[4], strokeWidth=3).encode(
        y=y, x=alt.X("rank_low:Q", title=x_title,
                     scale=alt.Scale(domain=[float(table["rank_low"].min()) - 0.5,
                                             float(table["rank_high"].max()) + 0.5], nice=False),
                     axis=alt.Axis(tickMinStep=1, format="d")),
        x2="rank_high:Q", tooltip=tip)
    dots = base.mark_point(filled=True, color=OKABE_ITO[0], size=50).encode(
        y=y, x="median_rank:Q", tooltip=tip)
    chart = alt.layer(bars, dots).properties(width=width(120), height=alt.Step(16))
    return finish(chart, "rank_intervals.title",
                  label("alt.rank_intervals", lang, n=len(table)), lang,
                  subtitle or label("sub.rank_intervals", lang), title=title)


def coefficient_plot(df: pd.DataFrame, lang: str = "en", *, level: float = 0.95,
                     subtitle: str | None = None,
    title: str | None = None):
    """Point estimates with confidence intervals, one row per term, in the order given.

    ``df``: ``label`` (printed term, or a label id), ``estimate``, ``conf_low``, ``conf_high``.
    """
    lang = check_lang(lang)
    require(df, ["label", *_ESTIMATE], "coefficient_plot")
    table = df[["label", *_ESTIMATE]].copy()
    table["label"] = [label_or_text(str(t), lang) for t in table["label"]]
    y = alt.Y("label:N", sort=list(table["label"]), title=label("coefficient_plot.term", lang))
    tip = [alt.Tooltip("label:N", title=label("coefficient_plot.term", lang)),
           *_estimate_tips(lang)]
    base = alt.Chart(values(table))
    ci = base.mark_rule(color=OKABE_ITO[0], strokeWidth=2).encode(
        y=y, x=alt.X("conf_low:Q", title=label("coefficient_plot.estimate", lang,
                                                level=level_pct(level))),
        x2="conf_high:Q", tooltip=tip)
    dots = base.mark_point(filled=True, size=60, color=OKABE_ITO[0]).encode(
        y=y, x="estimate:Q", tooltip=tip)
    chart = alt.layer(_zero("x"), ci, dots).properties(width=width(120), height=alt.Step(28))
    return finish(chart, "coefficient_plot.title",
                  label("alt.coefficient_plot", lang, n=len(table)), lang,
                  subtitle or label("sub.coefficient_plot", lang, level=level_pct(level)),
                  title=title)


def event_study_plot(df: pd.DataFrame, lang: str = "en", *, level: float = 0.95,
                     subtitle: str | None = None,
    title: str | None = None):
    """Estimates by event time with confidence bars, a zero line, and a dashed line at −0.5
    between the last pre-treatment and the first treated period.

    ``df``: ``event_time``, ``estimate``, ``conf_low``, ``conf_high``; optional ``estimator``
    (several estimators are dodged side by side and coloured).
    """
    lang = check_lang(lang)
    require(df, ["event_time", *_ESTIMATE], "event_study_plot")
    table = df.copy()
    has_estimator = "estimator" in table.columns
    if not has_estimator:
        table["estimator"] = ""
    table["estimator"] = table["estimator"].astype(str)
    names = list(dict.fromkeys(table["estimator"]))
    shift = {n: (i - (len(names) - 1) / 2) * 0.15 for i, n in enumerate(names)}
    table["x"] = table["event_time"] + table["estimator"].map(shift)
    colour = (alt.Color("estimator:N", title=label("event_study.estimator", lang),
                        scale=categories(names), legend=alt.Legend(orient="bottom"))
              if has_estimator else alt.value(OKABE_ITO[0]))
    tip = [alt.Tooltip("event_time:Q", title=label("event_study.event_time", lang)),
           *_estimate_tips(lang)]
    if has_estimator:
        tip.insert(0, alt.Tooltip("estimator:N", title=label("event_study.estimator", lang)))
    x = alt.X("x:Q", title=label("event_study.event_time", lang),
              axis=alt.Axis(tickMinStep=1, format="d"))
    base = alt.Chart(values(table))
    bars = base.mark_rule(strokeWidth=2).encode(
        x=x, y=alt.Y("conf_low:Q", title=label("event_study.effect", lang,
                                               level=level_pct(level))),
        y2="conf_high:Q", color=colour, tooltip=tip)
    dots = base.mark_point(filled=True, size=50).encode(x="x:Q", y="estimate:Q", color=colour,
                                                        tooltip=tip)
    split = alt.Chart(values(pd.DataFrame({"at": [-0.5]}))).mark_rule(
        color=MUTED, strokeDash=[4, 4]).encode(x="at:Q")
    chart = alt.layer(_zero("y"), split, bars, dots).properties(width=width(), height=300)
    first, last = years(table["event_time"])
    return finish(chart, "event_study.title",
                  label("alt.event_study", lang, first=first, last=last), lang,
                  subtitle or label("sub.event_study", lang, level=level_pct(level)), title=title)


def dose_response_plot(df: pd.DataFrame, lang: str = "en", *, dose_unit: str = "",
                       currency: str = "CNY", level: float = 0.95,
                       subtitle: str | None = None,
    title: str | None = None):
    """Effect per dose bin: the confidence interval as a box over the bin's range, the estimate
    as a line across it.

    ``df``: ``dose_bin`` (printed bin name), ``dose_low``, ``dose_high`` (bin edges),
    ``estimate``, ``conf_low``, ``conf_high``. ``dose_unit``: label id (e.g.
    ``unit.per_capita``, written with ``currency``) or text for the axis.
    """
    lang = check_lang(lang)
    require(df, ["dose_bin", "dose_low", "dose_high", *_ESTIMATE], "dose_response_plot")
    table = df[["dose_bin", "dose_low", "dose_high", *_ESTIMATE]].copy()
    table["dose_bin"] = table["dose_bin"].astype(str)
    # the top bin is open-ended: on a linear axis it ran from ~1,100 to ~9,400 CNY and squeezed
    # the other bins into the first tenth of the width; bins spanning over a factor of ten are
    # drawn on a log axis (the untreated bin at zero has no estimate to draw there)
    dosed = table[table["dose_low"] > 0]
    log = len(dosed) >= 2 and dosed["dose_high"].max() > 10 * dosed["dose_low"].min()
    if log:
        table = dosed
    x_title = label("dose_response.dose", lang)
    if dose_unit:
        unit = label_or_text(dose_unit, lang, currency=currency_name(currency, lang))
        if log:
            unit += ("; " if lang == "en" else "；") + label("dose_response.log", lang)
        x_title = f"{x_title} ({unit})" if lang == "en" else f"{x_title}（{unit}）"
    elif log:
        x_title += f" ({label('dose_response.log', lang)})" if lang == "en" else \
            f"（{label('dose_response.log', lang)}）"
    x_title = wrap(x_title, width(), 13)
    tip = [alt.Tooltip("dose_bin:N", title=label("dose_response.bin", lang)),
           alt.Tooltip("dose_low:Q", format=",.4~g", title=label("dose_response.low", lang)),
           alt.Tooltip("dose_high:Q", format=",.4~g", title=label("dose_response.high", lang)),
           *_estimate_tips(lang)]
    base = alt.Chart(values(table))
    box = base.mark_rect(color=OKABE_ITO[4], opacity=0.35).encode(
        x=alt.X("dose_low:Q", title=x_title,
                scale=alt.Scale(type="log") if log else alt.Undefined,
                axis=alt.Axis(labelOverlap="greedy")), x2="dose_high:Q",
        y=alt.Y("conf_low:Q", title=label("dose_response.effect", lang,
                                          level=level_pct(level))),
        y2="conf_high:Q", tooltip=tip)
    line = base.mark_rule(color=OKABE_ITO[0], strokeWidth=3).encode(
        x="dose_low:Q", x2="dose_high:Q", y="estimate:Q", tooltip=tip)
    chart = alt.layer(_zero("y"), box, line).properties(width=width(), height=280)
    return finish(chart, "dose_response.title",
                  label("alt.dose_response", lang, n=len(table)), lang,
                  subtitle or label("sub.dose_response", lang, level=level_pct(level)),
                  title=title)


def synthetic_control_plot(df: pd.DataFrame, treat_time: float, lang: str = "en", *,
                           outcome: str | None = None, subtitle: str | None = None,
    title: str | None = None):
    """The treated unit's outcome and its synthetic counterfactual over time, with a dashed
    vertical line where treatment starts.

    ``df``: ``time``, ``actual``, ``counterfactual``. ``outcome``: label id or text for the
    y axis, with its unit (e.g. ``"GDP per person (CNY)"``).
    """
    lang = check_lang(lang)
    require(df, ["time", "actual", "counterfactual"], "synthetic_control_plot")
    names = {"actual": label("synthetic_control.actual", lang),
             "counterfactual": label("synthetic_control.counterfactual", lang)}
    long = df.melt(id_vars="time", value_vars=["actual", "counterfactual"], var_name="series")
    long["series"] = long["series"].map(names)
    long["value_text"] = [fmt_number(v, lang, 2 if abs(v) < 100 else None) if pd.notna(v)
                          else "–" for v in long["value"]]
    domain = list(names.values())
    y_title = label_or_text(outcome, lang) if outcome else label("synthetic_control.value", lang)
    lines = alt.Chart(values(long)).mark_line(point=True).encode(
        x=alt.X("time:Q", title=label("axis.year", lang), scale=alt.Scale(zero=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=label("synthetic_control.series", lang),
                        scale=categories(domain), legend=alt.Legend(orient="bottom")),
        # same field, same title: one legend showing colour and dash (readable in grey print)
        strokeDash=alt.StrokeDash("series:N", title=label("synthetic_control.series", lang),
                                  scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]),
                                  legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("time:Q", title=label("axis.year", lang), format="d"),
                 alt.Tooltip("series:N", title=label("synthetic_control.series", lang)),
                 alt.Tooltip("value_text:N", title=y_title)])
    marker = pd.DataFrame({"at": [float(treat_time)],
                           "text": [label("synthetic_control.treatment", lang)]})
    rule = alt.Chart(values(marker)).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(x="at:Q")
    note = alt.Chart(values(marker)).mark_text(align="left", dx=4, dy=-4, baseline="top",
                                               color=MUTED).encode(
        x="at:Q", y=alt.value(0), text="text:N")
    chart = alt.layer(rule, note, lines).properties(width=width(), height=300)
    first, last = years(df["time"])
    text = label("alt.synthetic_control", lang, first=first, last=last,
                 treat=int(treat_time) if float(treat_time).is_integer() else treat_time)
    return finish(chart, "synthetic_control.title", text, lang,
                  subtitle or label("sub.synthetic_control", lang), title=title)


__all__ = ["rank_intervals", "coefficient_plot", "event_study_plot", "dose_response_plot",
           "synthetic_control_plot"]
