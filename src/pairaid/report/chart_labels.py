"""Chart subtitles, map, cost and footer words of the report (issue 10, part B), in English and
Chinese side by side. A subtitle defines the measure and its unit; the footer every chart image
carries names the source, the price basis and, for a synthetic ledger, says SYNTHETIC.
`pairaid.report.i18n` merges them into its LABELS (kept apart: i18n.py would pass 500 lines)."""

from __future__ import annotations


def _pair(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


CHART_LABELS: dict[str, dict[str, str]] = {
    "sub.funds_by_year": _pair("Money committed and disbursed each year, in {unit}",
                               "每年承诺和实际拨付的资金（{unit}）"),
    "sub.rounds_timeline": _pair("One bar per donor and round: its first to its last year of "
                                 "pairing", "每个支援方每一轮一条横条：结对的起止年份"),
    "sub.choropleth": _pair("{what} in {year}, {unit}; orange dots: corps divisions (no boundary, "
                            "no population in the ledger) at their seat, sized by funds disbursed "
                            "that year", "{year}年{what}（{unit}）；橙色圆点：兵团师（无边界、台账无人口），"
                            "位于师部驻地，大小表示当年实际拨付资金"),
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
    "decoupling.gdp_growth": _pair("Change in farm output (%)", "农业产出变化（%）"),
    "decoupling.pressure_growth": _pair("Change in agricultural water withdrawal (%)",
                                        "农业用水量变化（%）"),
    "alt.choropleth": _pair(
        "Map of {n} units (the rows of the table behind it) coloured by {what} ({unit}), from "
        "{min} to {max}.",
        "{n}个单位（即所附数据表的行数）的{what}分级设色地图（{unit}），范围{min}至{max}。"),
    "alt.choropleth_parts": _pair(
        "{areas} drawn as areas ({grey} of them without a value), {points} corps divisions as "
        "points at their seat; not drawn: {unvalued} without a value, {undrawn} without a "
        "place on the map.",
        "{areas}个以区域显示（其中{grey}个无数值），{points}个兵团师以师部驻地的圆点显示；"
        "未绘出：{unvalued}个无数值，{undrawn}个无法在地图上定位。"),
    "choropleth.seat": _pair("Corps city: see its division's dot", "兵团城市：见所属师的圆点"),
    "choropleth.corps_total": _pair("Funds disbursed that year", "当年实际拨付资金"),
    "choropleth.corps_total_unit": _pair("Corps division: funds disbursed ({unit})",
                                         "兵团师：实际拨付资金（{unit}）"),
    "group_bars.axis": _pair("Share of funds, share of population (%)", "资金占比、人口占比（%）"),
    "sub.choropleth_plain": _pair("{what} in {year}, {unit}", "{year}年{what}（{unit}）"),
}

#: the rules section's charts (issue 14, `report/charts_policy.py`)
CHART_LABELS.update({
    "policy.obligation_band.title": _pair("Obligations and recorded flows", "应出资额与资金记录"),
    "sub.obligation_band": _pair(
        "By fiscal base and year: the rule's obligation (band; a line for a floor) and the "
        "recorded disbursements (points), {unit}; no point: not recorded",
        "按财政主体和年份：规则规定的应出资额（色带；下限为线）与实际拨付记录（点），{unit}；"
        "无点：无记录"),
    "alt.obligation_band": _pair(
        "Small multiples for {n} fiscal bases, {first}–{last}: the obligation's range and the "
        "recorded flows; {below} of {recorded} recorded donor-years fall below it.",
        "{n}个财政主体的分面图（{first}—{last}年）：应出资区间与资金记录；{recorded}个有记录的"
        "援助方年度中{below}个低于应出资额。"),
    "policy.pairing_support.title": _pair("Today's pairing and the optimal one",
                                          "现行结对与最优结对"),
    "sub.pairing_support": _pair(
        "Support per unit of need, one tick per recipient ({need}); {unit}",
        "单位需要援助额，每个受援地一条刻线（{need}）；{unit}"),
    "alt.pairing_support": _pair(
        "Strips of {n} recipients' support per unit of need under {pairings}, from {min} to "
        "{max} {unit}.",
        "{n}个受援地在{pairings}下的单位需要援助额，范围{min}至{max}（{unit}）。"),
    "policy.pairing_map.what": _pair("Change in donors per prefecture, optimal minus today's",
                                     "各地州援助方数的变化（最优结对减现行结对）"),
    "policy.pairing_map.unit": _pair("donors", "个援助方"),
    "policy.scenario_fan.title": _pair("A funding scenario", "资金情景"),
    "sub.scenario_fan": _pair(
        "Change from {year} (%): median projection (line) and its 95 % band from the "
        "elasticity's uncertainty; dashed: the irrigation-water ceiling",
        "相对{year}年的变化（%）：推算中位数（线）及弹性不确定性给出的95%区间；虚线：灌溉用水上限"),
    "alt.scenario_fan": _pair(
        "Fan chart {first}–{last}: the projected change reaches {change} (band {low} to "
        "{high}).",
        "{first}—{last}年扇形图：推算变化达到{change}（区间{low}至{high}）。"),
    "alt.scenario_ceiling": _pair("A dashed line marks the water ceiling.", "虚线为水资源上限。"),
    "policy.status": _pair("Recorded against owed", "记录与应出资相比"),
    "policy.status.below": _pair("below", "低于"),
    "policy.status.within": _pair("within", "区间内"),
    "policy.status.above": _pair("above", "高于"),
    "policy.not_recorded": _pair("not recorded", "无记录"),
    "policy.donor": _pair("Donor", "援助方"),
    "policy.recipient": _pair("Recipient", "受援地"),
    "policy.pairing": _pair("Pairing", "结对"),
    "policy.owed": _pair("Owed", "应出资"),
    "policy.recorded": _pair("Recorded", "记录"),
    "policy.per_need_unit": _pair("{currency} per unit of need", "{currency}/单位需要"),
    "policy.change_from": _pair("Change from {year}", "相对{year}年的变化"),
    "policy.median": _pair("Median projection", "推算中位数"),
    "policy.band": _pair("95 % band", "95%区间"),
    "policy.ceiling": _pair("water ceiling", "水资源上限"),
    "policy.pairing.current": _pair("current pairing ({year} flows)", "现行结对（{year}年资金）"),
    "policy.pairing.optimal": _pair("optimal pairing", "最优结对"),
    "policy.prices": _pair("CNY at current prices (budgets are set in nominal yuan)",
                           "人民币元，当年价格（预算按名义值编制）"),
    "policy.prices_scenario": _pair("farm output as recorded (nominal), as a change from the "
                                    "base year", "农业产出按记录值（名义），以相对基年的变化表示"),
    "policy.need.population": _pair("need = population: yuan per resident",
                                    "需要 = 人口：元/人"),
})
