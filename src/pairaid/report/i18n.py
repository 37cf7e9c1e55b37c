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
from pairaid.report.chart_labels import CHART_LABELS

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
    "dose_response.log": _pair("log scale", "对数刻度"),
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
LABELS.update(CHART_LABELS)  # the charts' subtitles, map, cost and footer words


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
    "section.policy": _pair(
        "Rules and alternatives: what was owed, another pairing, a scenario",
        "规则与备选方案：应出资额、另一种结对、资金情景"),
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
        "ledger, {covered}",
        "台账{covered}年数值"),
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


#: Issue 10 (verdict page, honest headline): the verdict page's and headline table's words.
LABELS.update({
    "section.verdict": _pair("The verdict", "结论"),
    "report.title_programme": _pair("Paired assistance to {place}, {period}: what the money did",
                                    "对口支援{place}（{period}年）：资金带来了什么"),
    "report.title_period": _pair("Paired assistance, {period}: what the money did",
                                 "对口支援（{period}年）：资金带来了什么"),
    "report.see_section": _pair("See the section", "详见正文"),
    "report.a_year": _pair(" a year", "/年"),
    "report.source_quoted": _pair("source", "来源"),
    "report.ledger_part_period": _pair(
        "the ledger covers only {covered} of {period}", "台账仅覆盖{period}年中的{covered}年"),
    "report.compare_cell": _pair("paired counties {paired} ({m}); never-paired {never} ({n})",
                                 "结对县{paired}（{m}个）；从未结对县{never}（{n}个）"),
    "report.without_duplicates": _pair("{value} without suspected duplicate flows",
                                       "去除疑似重复记录后为{value}"),
    "report.nominal": _pair("Ledger, current prices", "台账数值（当年价格）"),
    "report.real": _pair("Constant prices ({basis})", "不变价格（{basis}）"),
    "report.comparison": _pair("Compared with", "对照"),
    "report.coverage_county": _pair("county-level observations; {n} counties reporting in both "
                                    "years ({first} → {last})",
                                    "县级观测值；首末两年均有数据的{n}个县（{first} → {last}）"),
    "report.coverage_province": _pair("province-level observations", "省级观测值"),
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
