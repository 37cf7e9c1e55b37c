"""Labels of the report in English and Chinese, and numbers written the way each language reads.

Large numbers
-------------
English groups thousands with commas up to a million, then scales: ``m`` (1e6), ``bn`` (1e9),
``tn`` (1e12) — ``213.8 bn CNY``. Chinese counts in 万 (1e4), 亿 (1e8) and 万亿 (1e12), as the
statistical yearbooks do: a number is written with 万 from 10,000 upwards (five digits are already
read as 万 in Chinese), with 亿 from 100,000,000 — ``1.58万``, ``2138.0亿元``. A scaled number
keeps two decimals below 10 and one decimal from 10 up (three significant digits or more);
numbers below the first step keep their own digits (``digits`` decimals, default: none for whole
numbers, one otherwise).
"""

from __future__ import annotations

import math
from typing import Literal

from pairaid.errors import InputError

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

_STEPS = {"en": ((1e12, " tn"), (1e9, " bn"), (1e6, " m")),
          "zh": ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))}
#: Chinese name of a currency when it follows a number (2138.0亿元); others keep the ISO code.
_CURRENCY_ZH = {"CNY": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元", "GBP": "英镑",
                "JPY": "日元", "UAH": "格里夫纳"}


class UnknownLabelError(InputError):
    """A label id or language the report does not have."""


def _pair(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


#: Every title, axis, legend and note of the charts: id → {"en": …, "zh": …}. ``{…}`` fields are
#: filled by :func:`label`.
LABELS: dict[str, dict[str, str]] = {
    # shared
    "axis.year": _pair("Year", "年份"),
    "axis.estimate": _pair("Estimate", "估计值"),
    "axis.ci": _pair("95% confidence interval", "95% 置信区间"),
    "axis.conf_low": _pair("Lower bound", "下限"),
    "axis.conf_high": _pair("Upper bound", "上限"),
    "axis.amount": _pair("Amount ({unit})", "金额（{unit}）"),
    "axis.value": _pair("Value", "数值"),
    "axis.unit": _pair("Unit", "单元"),
    "axis.donor": _pair("Donor", "支援方"),
    "axis.recipient": _pair("Recipient", "受援地"),
    "note.synthetic": _pair("Synthetic demo data", "合成演示数据"),
    "note.no_data": _pair("No data", "无数据"),
    "note.suppressed": _pair("suppressed", "已抑制"),
    # units: {currency} is the reporting currency
    "unit.money.1": _pair("{currency}", "{currency}"),
    "unit.money.1e4": _pair("10,000 {currency}", "万{currency}"),
    "unit.money.1e6": _pair("million {currency}", "百万{currency}"),
    "unit.money.1e8": _pair("100 million {currency}", "亿{currency}"),
    "unit.money.1e9": _pair("billion {currency}", "十亿{currency}"),
    "unit.per_capita": _pair("{currency} per person", "{currency}/人"),
    "unit.score": _pair("score", "得分"),
    "unit.percent": _pair("%", "%"),
    "unit.share": _pair("share", "比重"),
    # 1 funds by year
    "funds_by_year.title": _pair("Funds by year", "历年资金"),
    "funds_by_year.kind": _pair("Kind of flow", "资金类型"),
    "kind.commitment": _pair("Commitment", "承诺"),
    "kind.disbursement": _pair("Disbursement", "拨付"),
    "kind.expenditure": _pair("Expenditure", "支出"),
    "kind.investment_secured": _pair("Investment secured", "招商引资到位"),
    # 2 rounds timeline
    "rounds_timeline.title": _pair("Pairing rounds by donor", "各支援方结对轮次"),
    "rounds_timeline.round": _pair("Round", "轮次"),
    "rounds_timeline.recipients": _pair("Recipients", "受援地"),
    "rounds_timeline.start": _pair("First year", "起始年份"),
    "rounds_timeline.end": _pair("Last year", "结束年份"),
    # 3 pairing flows
    "pairing_flows.title": _pair("Funds from donors to recipients", "支援方至受援地资金流向"),
    "pairing_flows.note": _pair("Link width proportional to amount",
                                "连线宽度与金额成正比"),
    # 4 choropleth
    "choropleth.funds_per_capita": _pair("Assistance funds per person", "人均援助资金"),
    "choropleth.index_score": _pair("Index score", "指数得分"),
    "choropleth.value": _pair("Value by prefecture", "各地州数值"),
    "choropleth.region": _pair("Prefecture", "地州"),
    # 5 rank intervals
    "rank_intervals.title": _pair("Index rank and its uncertainty", "指数排名及其不确定性"),
    "rank_intervals.rank": _pair("Rank (1 = best): median and interval",
                                 "排名（1 = 最佳）：中位数及区间"),
    "rank_intervals.median": _pair("Median rank", "排名中位数"),
    "rank_intervals.low": _pair("Best rank", "最好排名"),
    "rank_intervals.high": _pair("Worst rank", "最差排名"),
    # 6 coefficients
    "coefficient_plot.title": _pair("Estimated elasticities", "弹性估计"),
    "coefficient_plot.term": _pair("Term", "变量"),
    "coefficient_plot.estimate": _pair("Estimate with {level}% CI", "估计值及 {level}% 置信区间"),
    # 7 event study
    "event_study.title": _pair("Event study: effect by years since pairing",
                               "事件研究：结对后各年的效应"),
    "event_study.event_time": _pair("Years relative to treatment", "相对处理年份"),
    "event_study.effect": _pair("Effect estimate ({level}% CI)", "效应估计（{level}% 置信区间）"),
    "event_study.estimator": _pair("Estimator", "估计方法"),
    # 8 dose response
    "dose_response.title": _pair("Effect by dose of assistance", "按援助强度分组的效应"),
    "dose_response.dose": _pair("Dose of assistance", "援助强度"),
    "dose_response.effect": _pair("Effect estimate ({level}% CI)", "效应估计（{level}% 置信区间）"),
    "dose_response.bin": _pair("Dose bin", "强度分组"),
    "dose_response.low": _pair("Bin from", "区间下限"),
    "dose_response.high": _pair("Bin to", "区间上限"),
    # 9 synthetic control
    "synthetic_control.title": _pair("Actual and synthetic counterfactual",
                                     "实际值与合成反事实"),
    "synthetic_control.value": _pair("Outcome", "结果变量"),
    "synthetic_control.series": _pair("Series", "序列"),
    "synthetic_control.actual": _pair("Actual", "实际"),
    "synthetic_control.counterfactual": _pair("Synthetic control", "合成控制"),
    "synthetic_control.treatment": _pair("Treatment", "处理开始"),
    # 10 Lorenz
    "lorenz.title": _pair("Lorenz and concentration curves", "洛伦兹曲线与集中曲线"),
    "lorenz.population_share": _pair("Cumulative population share", "人口累计比重"),
    "lorenz.cumulative_share": _pair("Cumulative share of funds", "资金累计比重"),
    "lorenz.curve": _pair("Curve", "曲线"),
    "lorenz.equality": _pair("Line of equality", "绝对平等线"),
    # 11 Theil
    "theil.title": _pair("Theil index: between and within groups", "泰尔指数：组间与组内"),
    "theil.value": _pair("Theil index (contribution)", "泰尔指数（贡献）"),
    "theil.component": _pair("Component", "分项"),
    "theil.between": _pair("Between groups", "组间"),
    "theil.within": _pair("Within groups", "组内"),
    # 12 group bars
    "group_bars.title": _pair("Breakdown by group", "分组情况"),
    "group_bars.group": _pair("Group", "组别"),
    "group_bars.note": _pair("Cells from too few units are suppressed (shown as gaps)",
                             "单元数过少的格子已抑制（显示为空缺）"),
    # 13 dependence
    "dependence.title": _pair("Dependence on assistance", "对援助的依赖程度"),
    "dependence.share": _pair("Share of local budget (%)", "占地方财政支出比重（%）"),
    "dependence.series": _pair("Series", "序列"),
    # 14 decoupling
    "decoupling.title": _pair("Decoupling of environmental pressure from output (Tapio)",
                              "环境压力与产出的脱钩（Tapio）"),
    "decoupling.gdp_growth": _pair("Output growth (%)", "产出增长（%）"),
    "decoupling.pressure_growth": _pair("Pressure growth (%)", "压力增长（%）"),
    "decoupling.state": _pair("Decoupling state", "脱钩状态"),
    "decoupling.lines": _pair("Lines: elasticity 0.8 and 1.2", "直线：弹性 0.8 与 1.2"),
    "state.strong decoupling": _pair("Strong decoupling", "强脱钩"),
    "state.weak decoupling": _pair("Weak decoupling", "弱脱钩"),
    "state.expansive coupling": _pair("Expansive coupling", "扩张连接"),
    "state.expansive negative decoupling": _pair("Expansive negative decoupling", "扩张负脱钩"),
    "state.recessive decoupling": _pair("Recessive decoupling", "衰退脱钩"),
    "state.recessive coupling": _pair("Recessive coupling", "衰退连接"),
    "state.weak negative decoupling": _pair("Weak negative decoupling", "弱负脱钩"),
    "state.strong negative decoupling": _pair("Strong negative decoupling", "强负脱钩"),
    "state.no output change": _pair("No output change", "产出无变化"),
    # 15 Benford
    "benford.title": _pair("First digits against Benford's law", "首位数字与本福特定律"),
    "benford.digit": _pair("First digit", "首位数字"),
    "benford.share": _pair("Share of amounts (%)", "金额占比（%）"),
    "benford.observed": _pair("Observed", "实际"),
    "benford.expected": _pair("Expected (Benford)", "理论（本福特）"),
    # 16 audit counts
    "audit.title": _pair("Audit findings by check", "各项审计检查发现数"),
    "audit.check": _pair("Check", "检查项"),
    "audit.count": _pair("Findings (count)", "发现数（个）"),
    # alt texts: {…} filled by the chart
    "alt.funds_by_year": _pair(
        "Bar chart of funds by year and kind of flow, {first}–{last}, in {unit}; largest yearly "
        "amount {max}.",
        "按年份和资金类型的柱状图，{first}–{last} 年，单位：{unit}；年度最大值 {max}。"),
    "alt.rounds_timeline": _pair(
        "Timeline of {n} donors' pairing rounds between {first} and {last}.",
        "{n} 个支援方在 {first}–{last} 年间的结对轮次时间线。"),
    "alt.pairing_flows": _pair(
        "Flow diagram from {donors} donors to {recipients} recipients, total {total}; link "
        "width is proportional to amount.",
        "从 {donors} 个支援方流向 {recipients} 个受援地的资金流向图，合计 {total}；连线宽度与金额成正比。"),
    "alt.choropleth": _pair(
        "Map of {n} prefectures coloured by {what} ({unit}), from {min} to {max}; {missing} "
        "without data shown grey.",
        "{n} 个地州的{what}分级设色地图（{unit}），范围 {min} 至 {max}；{missing} 个无数据的地区显示为灰色。"),
    "alt.rank_intervals": _pair(
        "Median rank and rank interval of {n} units, sorted by median rank.",
        "{n} 个单元的排名中位数及排名区间，按中位数排序。"),
    "alt.coefficient_plot": _pair(
        "Point estimates with 95% confidence intervals for {n} terms.",
        "{n} 个变量的点估计及 95% 置信区间。"),
    "alt.event_study": _pair(
        "Event-study estimates with 95% confidence intervals for event times {first} to {last}; "
        "the dashed line separates pre- from post-treatment periods.",
        "事件时间 {first} 至 {last} 的事件研究估计及 95% 置信区间；虚线分隔处理前后。"),
    "alt.dose_response": _pair(
        "Effect estimates with 95% confidence intervals for {n} dose bins.",
        "{n} 个援助强度分组的效应估计及 95% 置信区间。"),
    "alt.synthetic_control": _pair(
        "Actual outcome and synthetic counterfactual from {first} to {last}; treatment starts "
        "in {treat}.",
        "{first}–{last} 年的实际结果与合成反事实；处理始于 {treat} 年。"),
    "alt.lorenz": _pair(
        "Lorenz and concentration curves ({curves}) against the line of equality.",
        "洛伦兹曲线与集中曲线（{curves}）及绝对平等线。"),
    "alt.theil": _pair(
        "Stacked bars of the Theil index split into between- and within-group parts, "
        "{first}–{last}.",
        "泰尔指数按组间与组内分解的堆积柱状图，{first}–{last} 年。"),
    "alt.group_bars": _pair(
        "Bar chart of {n} groups; {suppressed} suppressed cells shown as labelled gaps.",
        "{n} 个组别的柱状图；{suppressed} 个被抑制的格子显示为带标注的空缺。"),
    "alt.dependence": _pair(
        "Lines of {series} over {first}–{last}.", "{series} 在 {first}–{last} 年的变化折线。"),
    "alt.decoupling": _pair(
        "Scatter of output growth against pressure growth for {n} units, coloured by Tapio "
        "decoupling state, with the elasticity lines 0.8 and 1.2.",
        "{n} 个单元的产出增长与压力增长散点图，按 Tapio 脱钩状态着色，并绘出弹性 0.8 与 1.2 的直线。"),
    "alt.benford": _pair(
        "Observed first-digit shares as bars against Benford's expected shares as points.",
        "首位数字实际占比（柱）与本福特理论占比（点）的对比。"),
    "alt.audit": _pair(
        "Bar chart of audit findings for {n} checks, {total} in all.",
        "{n} 项审计检查的发现数柱状图，共 {total} 个。"),
}


#: The report page's own words (section titles, table heads, banner): the same table and
#: the same checks as the charts' labels.
LABELS.update({
    "section.headline": _pair(
        "Headline figures",
        "主要数字"),
    "section.timeline": _pair(
        "Timeline of the pairing rounds",
        "结对轮次时间线"),
    "section.pairings": _pair(
        "Who is paired with whom",
        "谁与谁结对"),
    "section.maps": _pair(
        "Where the money went",
        "资金去向地图"),
    "section.index": _pair(
        "The sustainable-agriculture index and how sure its ranks are",
        "可持续农业指数及其排名的不确定性"),
    "section.effects": _pair(
        "Effects: what the money is associated with",
        "效果：资金与结果的关联"),
    "section.designs": _pair(
        "Checking the design: what two-way fixed effects mix, and one county against its "
        "synthetic twin",
        "检验研究设计：双向固定效应混合了什么，以及单个县与其合成对照"),
    "section.distribution": _pair(
        "Who benefits",
        "谁受益"),
    "section.dependence": _pair(
        "Dependence on assistance",
        "对援助的依赖"),
    "section.environment": _pair(
        "Environment: output against pressure",
        "环境：产出与资源压力"),
    "section.audit": _pair(
        "Audit findings",
        "审计发现"),
    "section.gaps": _pair(
        "Data gaps: what is missing and who could publish it",
        "数据缺口：缺什么、谁能公开"),
    "section.methods": _pair(
        "Methods and caveats",
        "方法与注意事项"),
    "report.synthetic_banner": _pair(
        "SYNTHETIC DEMO DATA — the regions, pairings and census populations are real public "
        "data; the flows, projects, personnel, enterprises and outcomes are generated by "
        "pairaid's documented seeded process and must not be cited as facts.",
        "合成演示数据——地区、结对关系和人口普查数据为真实公开数据；资金、项目、人员、企业和各项结果均由 pairaid 的有据可查的随机过程生成，不得作为事实引用。"),
    "report.title": _pair(
        "Paired assistance: the evaluation report",
        "对口支援评估报告"),
    "report.contents": _pair(
        "Contents",
        "目录"),
    "report.figure": _pair(
        "Figure",
        "指标"),
    "report.ledger": _pair(
        "Ledger",
        "台账数值"),
    "report.period": _pair(
        "Period",
        "期间"),
    "report.basis": _pair(
        "Money basis",
        "货币口径"),
    "report.source": _pair(
        "Source",
        "来源"),
    "report.published": _pair(
        "Published",
        "公开数字"),
    "report.ledger_same_period": _pair(
        "ledger over the same period",
        "台账同期数值"),
    "report.data_behind": _pair(
        "Data behind this chart (CSV)",
        "图表数据（CSV）"),
    "report.chart_image": _pair(
        "Image (SVG)",
        "图片（SVG）"),
    "report.generated": _pair(
        "Generated",
        "生成于"),
    "report.ledger_hash": _pair(
        "Ledger fingerprint",
        "台账指纹"),
    "report.suppressed": _pair(
        "suppressed (fewer than {k} units)",
        "已隐去（少于{k}个单位）"),
    "report.design_warnings": _pair(
        "Where the design is weak",
        "研究设计的薄弱之处"),
    "report.check": _pair(
        "Check",
        "检查项"),
    "report.severity": _pair(
        "Severity",
        "级别"),
    "report.count": _pair(
        "Count",
        "数量"),
    "report.finding": _pair(
        "Finding",
        "发现"),
    "report.estimate": _pair(
        "Estimate",
        "估计值"),
    "report.ci": _pair(
        "95% CI",
        "95%置信区间"),
    "report.outcome": _pair(
        "Outcome",
        "结果变量"),
    "report.group": _pair(
        "Group",
        "组别"),
    "report.units": _pair(
        "Units",
        "单位数"),
    "report.population_share": _pair(
        "Population share",
        "人口占比"),
    "report.funds_share": _pair(
        "Share of funds",
        "资金占比"),
    "report.indicator": _pair(
        "Indicator",
        "指标"),
    "report.missing": _pair(
        "Missing",
        "缺失"),
    "report.who_could_publish": _pair(
        "Who could publish it",
        "谁可以公开"),
})


def check_lang(lang: str) -> Lang:
    """The language, or an error naming the ones there are."""
    if lang not in LANGS:
        raise UnknownLabelError(f"language '{lang}' not available: use one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def label(label_id: str, lang: str = "en", **fields: object) -> str:
    """The text of a label in a language, with ``{…}`` fields filled."""
    lang = check_lang(lang)
    if label_id not in LABELS:
        raise UnknownLabelError(f"no label '{label_id}'")
    text = LABELS[label_id][lang]
    return text.format(**fields) if fields else text


def label_or_text(text: str, lang: str = "en", **fields: object) -> str:
    """A label when ``text`` is a label id, else ``text`` itself (names from the data)."""
    return label(text, lang, **fields) if text in LABELS else text


def _plain(value: float, lang: Lang, digits: int | None) -> str:
    if digits is None:
        digits = 0 if float(value).is_integer() else 1
    return f"{value:,.{digits}f}" if lang == "en" else f"{value:.{digits}f}"


def _scaled(value: float, lang: Lang, digits: int | None) -> tuple[str, str]:
    """Number and suffix (" bn", "亿", "" …) following the rule in the module docstring."""
    steps = _STEPS[lang][::-1]  # ascending
    reached = [i for i, (step, _) in enumerate(steps) if abs(value) >= step]
    if not reached:
        return _plain(value, lang, digits), ""
    i = reached[-1]
    while True:
        step, suffix = steps[i]
        scaled = value / step
        places = digits if digits is not None else (2 if round(abs(scaled), 2) < 10 else 1)
        # 9,999.996万 would round to 10000.00万: write 1.00亿 instead
        if i + 1 < len(steps) and round(abs(scaled), places) >= steps[i + 1][0] / step:
            i += 1
            continue
        number = f"{scaled:,.{places}f}" if lang == "en" else f"{scaled:.{places}f}"
        return number, suffix


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def fmt_number(value, lang: str = "en", digits: int | None = None) -> str:
    """``15778`` → ``15,778`` (en) or ``1.58万`` (zh); millions up scale in English too.

    Missing values are written as an en dash.
    """
    lang = check_lang(lang)
    if _missing(value):
        return "–"
    value = float(value)
    number, suffix = _scaled(value, lang, digits)
    return number + suffix


def fmt_money(value, currency: str = "CNY", lang: str = "en", digits: int | None = None) -> str:
    """``213_800_000_000`` CNY → ``213.8 bn CNY`` (en) or ``2138.0亿元`` (zh)."""
    lang = check_lang(lang)
    text = fmt_number(value, lang, digits)
    if text == "–":
        return text
    currency = currency.upper()
    if lang == "zh":
        return text + (_CURRENCY_ZH.get(currency) or " " + currency)
    return f"{text} {currency}"


def fmt_pct(share, lang: str = "en", digits: int = 1) -> str:
    """A share written as a percentage: ``0.1234`` → ``12.3%`` in both languages."""
    check_lang(lang)
    if _missing(share):
        return "–"
    return f"{float(share) * 100:.{digits}f}%"


def currency_name(currency: str = "CNY", lang: str = "en") -> str:
    """How a currency is named in a label: ``CNY`` in English, ``元`` in Chinese."""
    code = currency.upper()
    return _CURRENCY_ZH.get(code, code) if check_lang(lang) == "zh" else code


def money_unit(scale: float, currency: str = "CNY", lang: str = "en") -> str:
    """Name of a display unit: scale 1e8, CNY → ``100 million CNY`` / ``亿元``."""
    key = {1.0: "1", 1e4: "1e4", 1e6: "1e6", 1e8: "1e8", 1e9: "1e9"}.get(float(scale))
    if key is None:
        raise UnknownLabelError(f"no name for the display unit {scale:g}: use 1, 1e4, 1e6, 1e8 "
                                f"or 1e9")
    return label(f"unit.money.{key}", lang, currency=currency_name(currency, lang))


# -- chart subtitles, footers and the data package (issue 10 part B; h10b's block) ----------------
# A subtitle defines the measure and its unit; the footer (every chart image) names the source,
# the price basis and, for a synthetic ledger, says SYNTHETIC.
LABELS.update({
    "sub.funds_by_year": _pair("Money committed and disbursed each year, in {unit}",
                               "每年承诺和实际拨付的资金（{unit}）"),
    "sub.rounds_timeline": _pair("One bar per donor and round: its first to its last year of "
                                 "pairing", "每个支援方每一轮一条横条：结对的起止年份"),
    "sub.choropleth": _pair("{what} in {year}, {unit}; dots: corps divisions (no boundary), at "
                            "their seat", "{year}年{what}（{unit}）；圆点：兵团师（无边界），位于师部驻地"),
    "sub.rank_intervals": _pair("Median rank (dot) and 5–95 % range (bar) over re-computations "
                                "with other defensible choices; rank 1 = best",
                                "采用其他合理选择重算后的排名中位数（点）与5%–95%区间（横条）；第1名最好"),
    "sub.coefficient_plot": _pair("Elasticity: % change in the outcome for a 1 % change in funds "
                                  "per person, with its {level} % confidence interval",
                                  "弹性：人均资金变化1%时结果变量变化的百分比，及其{level}%置信区间"),
    "sub.event_study": _pair("Change in the outcome (log points) by years since pairing, with "
                             "{level} % confidence intervals", "按结对后年数的结果变化（对数点）及{level}%置信区间"),
    "sub.dose_response": _pair("Effect by band of funds per person: box = {level} % confidence "
                               "interval, line = estimate", "按人均资金分组的效果：方框为{level}%置信区间，横线为估计值"),
    "sub.synthetic_control": _pair("The unit's outcome and its synthetic comparison, by year",
                                   "该单位的结果变量及其合成对照（逐年）"),
    "sub.lorenz": _pair("Cumulative share of funds against cumulative share of population (%)",
                        "资金累计占比与人口累计占比（%）"),
    "sub.theil": _pair("Theil T index of funds per person across counties (0 = equal), split "
                       "between and within prefectures", "各县人均资金的泰尔T指数（0为均等），分为地州间与地州内"),
    "sub.group_bars": _pair("Share of funds beside share of population, % by group; suppressed "
                            "cells are gaps", "各组资金占比与人口占比（%）；隐去的组别显示为空缺"),
    "sub.dependence": _pair("Median over recipient counties, % of local budget spending",
                            "受援县中位数，占地方财政支出的百分比"),
    "sub.decoupling": _pair("Change per county in farm output ({prices}) and in agricultural "
                            "water withdrawal, %; dashed: elasticity 0.8 and 1.2",
                            "各县农业产出（{prices}）与农业用水量的变化（%）；虚线：弹性0.8与1.2"),
    "sub.benford": _pair("Share of amounts by first digit (%): observed (bars) and Benford's law "
                         "(points)", "金额首位数字占比（%）：实际（柱）与本福特定律（点）"),
    "sub.audit": _pair("Records each check flags (count); a flag is a question, not proof of "
                       "wrongdoing", "各项检查标记的记录数；标记是疑问，不是违规证据"),
    "sub.cost_per_output": _pair("Median cost per unit of output by sector output, {currency} "
                                 "per unit (log scale); red: flagged outputs / all",
                                 "各行业产出的单位产出成本中位数（{currency}/单位，对数刻度）；"
                                 "红色：被标记的产出数/总数"),
    "cost_per_output.title": _pair("Cost per unit of output", "单位产出成本"),
    "cost_per_output.output": _pair("Output", "产出"),
    "cost_per_output.median": _pair("Median cost per unit", "单位成本中位数"),
    "cost_per_output.projects": _pair("Projects", "项目数"),
    "cost_per_output.outliers": _pair("Flagged as far from the norm", "偏离常态的标记"),
    "alt.cost_per_output": _pair("Dot plot of the median cost per unit of output for {n} sector "
                                 "outputs (log scale), with the outputs the audit flags.",
                                 "{n}个行业产出的单位产出成本中位数点图（对数刻度），附审计标记的产出数。"),
    "group_bars.funds": _pair("Share of funds", "资金占比"),
    "group_bars.population": _pair("Share of population", "人口占比"),
    "group_bars.series": _pair("Share of", "占比"),
    "choropleth.corps": _pair("Corps division (point)", "兵团师（点）"),
    "footer.source": _pair("Source", "来源"),
    "footer.prices": _pair("Prices", "价格"),
    "footer.ledger": _pair("pairaid ledger {fingerprint}", "pairaid 台账 {fingerprint}"),
    "footer.synthetic": _pair("SYNTHETIC demo data, not facts", "合成数据（SYNTHETIC），非真实数据"),
    "footer.no_prices": _pair("no money in this chart", "本图不含金额"),
})
LABELS.update({
    "decoupling.gdp_growth": _pair("Change in farm output (%)", "农业产出变化（%）"),
    "decoupling.pressure_growth": _pair("Change in agricultural water withdrawal (%)",
                                        "农业用水量变化（%）"),
})
LABELS.update({
    "alt.choropleth": _pair(
        "Map of {n} units (the rows of the table behind it) coloured by {what} ({unit}), from "
        "{min} to {max}; {missing} without data shown grey.",
        "{n}个单位（即所附数据表的行数）的{what}分级设色地图（{unit}），范围{min}至{max}；"
        "{missing}个无数据的显示为灰色。"),
    "alt.choropleth_parts": _pair(
        "{areas} drawn as areas, {points} corps divisions as points at their seat, {undrawn} "
        "without a place on the map.",
        "{areas}个以区域显示，{points}个兵团师以师部驻地的圆点显示，{undrawn}个无法在地图上定位。"),
})
LABELS.update({
    "choropleth.corps_total": _pair("Funds disbursed that year", "当年实际拨付资金"),
    "choropleth.corps_total_unit": _pair("Corps division: funds disbursed ({unit})",
                                         "兵团师：实际拨付资金（{unit}）"),
    "sub.choropleth": _pair("{what} in {year}, {unit}; orange dots: corps divisions (no boundary, "
                            "no population in the ledger) at their seat, sized by funds disbursed "
                            "that year", "{year}年{what}（{unit}）；橙色圆点：兵团师（无边界、台账无人口），"
                            "位于师部驻地，大小表示当年实际拨付资金"),
})
LABELS.update({
    "group_bars.axis": _pair("Share of funds, share of population (%)", "资金占比、人口占比（%）"),
})
LABELS.update({
    "sub.choropleth_plain": _pair("{what} in {year}, {unit}", "{year}年{what}（{unit}）"),
})
