"""The report's chart titles, English and Chinese side by side: each a message — what the chart
shows, read off the finding it illustrates — not a label ("Funds by year"). Keyed by chart id and
the finding's verdict (``"*"``: any verdict); rendered as plain text by
`pairaid.readings.chart_title`. The subtitle under each title keeps the measure and its unit."""

from __future__ import annotations

Pair = tuple[str, str]

CHART_TITLES: dict[tuple[str, str], Pair] = {
    # -- programme ---------------------------------------------------------------------------
    ("funds_by_year", "rises"): (
        "Yearly disbursements rose from {start} in {first:year} to {end} in {last:year}",
        "年度拨付资金从{first:year}年的{start}增至{last:year}年的{end}"),
    ("funds_by_year", "falls"): (
        "Yearly disbursements fell from {start} in {first:year} to {end} in {last:year}",
        "年度拨付资金从{first:year}年的{start}降至{last:year}年的{end}"),
    ("funds_by_year", "*"): (
        "Yearly disbursements were {start} in {first:year} and {end} in {last:year}",
        "年度拨付资金{first:year}年为{start}，{last:year}年为{end}"),
    ("rounds_timeline", "*"): (
        "{n:int} pairings started in {years:int} different years, the last in {latest:year}",
        "{n:int}个结对开始于{years:int}个不同年份，最晚一批始于{latest:year}年"),
    ("pairing_flows", "*"): (
        "{place} received {share:pct0} of the money, the most of {recipients:int} recipients",
        "{recipients:int}个受援地中{place}获得资金最多，占{share:pct0}"),
    ("map_funds", "*"): (
        "In {year:year} {top} received the most per resident ({high:int} {unit}), {bottom} the "
        "least ({low:int})",
        "{year:year}年人均援助{top}最多（{high:int}{unit}），{bottom}最少（{low:int}）"),
    ("map_index", "*"): (
        "In {year:year} {top} scores highest on the index ({high:f3}), {bottom} lowest "
        "({low:f3})",
        "{year:year}年指数{top}最高（{high:f3}），{bottom}最低（{low:f3}）"),
    ("rank_intervals", "*"): (
        "Ranks fewer than {width:f0} places apart cannot be told apart",
        "名次相差不到{width:f0}位的地州无法区分"),
    # -- effects and designs -----------------------------------------------------------------
    ("elasticity", "above_zero"): (
        "{outcome} rises with {treatment}: elasticity {b:f2} ({ci:pct0} CI {lo:f2} to {hi:f2})",
        "{outcome}随{treatment}上升：弹性{b:f2}（{ci:pct0}置信区间{lo:f2}至{hi:f2}）"),
    ("elasticity", "below_zero"): (
        "{outcome} falls with {treatment}: elasticity {b:f2} ({ci:pct0} CI {lo:f2} to {hi:f2})",
        "{outcome}随{treatment}下降：弹性{b:f2}（{ci:pct0}置信区间{lo:f2}至{hi:f2}）"),
    ("elasticity", "*"): (
        "No clear link of {outcome} to {treatment}: elasticity {b:f2} ({ci:pct0} CI {lo:f2} to "
        "{hi:f2})",
        "{outcome}与{treatment}无明显关联：弹性{b:f2}（{ci:pct0}置信区间{lo:f2}至{hi:f2}）"),
    ("event_study", "above_zero"): (
        "After pairing, {outcome} rose {att:g3} on average ({level:pct0} CI {lo:g3} to "
        "{hi:g3})",
        "结对后{outcome}平均上升{att:g3}（{level:pct0}置信区间{lo:g3}至{hi:g3}）"),
    ("event_study", "below_zero"): (
        "After pairing, {outcome} changed {att:+g3} on average ({level:pct0} CI {lo:+g3} to "
        "{hi:+g3})",
        "结对后{outcome}平均变化{att:+g3}（{level:pct0}置信区间{lo:+g3}至{hi:+g3}）"),
    ("event_study", "*"): (
        "After pairing, {outcome} changed {att:+g3} on average, not distinguishable from zero "
        "({lo:+g3} to {hi:+g3})",
        "结对后{outcome}平均变化{att:+g3}，与零无显著差异（{lo:+g3}至{hi:+g3}）"),
    ("dose_response", "above_zero"): (
        "{outcome} rose more where the dose of funds was larger: {per_sd:+g3} per standard "
        "deviation of the dose",
        "援助剂量越大，{outcome}上升越多：剂量每增加一个标准差，多变化{per_sd:+g3}"),
    ("dose_response", "below_zero"): (
        "{outcome} rose less where the dose of funds was larger: {per_sd:+g3} per standard "
        "deviation of the dose",
        "援助剂量越大，{outcome}上升越少：剂量每增加一个标准差，变化{per_sd:+g3}"),
    ("dose_response", "*"): (
        "No clear dose-response: {per_sd:+g3} per standard deviation of the dose, not "
        "distinguishable from zero",
        "无明显剂量反应：剂量每增加一个标准差，变化{per_sd:+g3}，与零无显著差异"),
    ("synthetic_control", "*"): (
        "{unit}: {gap:+g3} against its synthetic comparison after {after:year} (placebo p = "
        "{p:g3})",
        "{unit}：{after:year}年后与合成对照相差{gap:+g3}（安慰剂p = {p:g3}）"),
    # -- distribution, dependence, environment -----------------------------------------------
    ("lorenz", "*"): (
        "Across counties ranked by {rank_by}, {value} is {verdict} (concentration index "
        "{index:+f3})",
        "按{rank_by}排序，{value}{verdict}（集中指数{index:+f3}）"),
    ("theil", "*"): (
        "{share:pct0} of the inequality in funds per person lies between {group}s",
        "人均援助资金不平等的{share:pct0}来自{group}之间"),
    ("groups", "*"): (
        "Counties {low:int}–{high:int} % minority got {funds:pct0} of the funds for "
        "{people:pct0} of the people",
        "少数民族占比{low:int}%—{high:int}%的县以{people:pct0}的人口获得{funds:pct0}的资金"),
    ("dependence", "falls"): (
        "Self-financing fell clearly in {falling:int} of {n:int} recipients, rose in "
        "{rising:int}",
        "{n:int}个受援地中{falling:int}个自给率明显下降，{rising:int}个上升"),
    ("dependence", "*"): (
        "Self-financing rose clearly in {rising:int} of {n:int} recipients, fell in "
        "{falling:int}",
        "{n:int}个受援地中{rising:int}个自给率明显上升，{falling:int}个下降"),
    ("decoupling", "*"): (
        "{output} grew while {pressure} fell in {strong:int} of {n:int} counties, "
        "{start:year}–{end:year}",
        "{start:year}—{end:year}年，{n:int}个县中{strong:int}个{output}增长而{pressure}下降"),
    # -- audit -----------------------------------------------------------------------------
    ("audit_counts", "*"): (
        "{alerts:int} alert(s) and {warnings:int} warning(s) to follow up: questions, not proof",
        "{alerts:int}项警报、{warnings:int}项提示待核查：是疑问，不是证据"),
    ("benford", "clean"): (
        "First digits of {n:int} amounts follow Benford's law ({conformity})",
        "{n:int}笔金额的首位数字符合本福特定律（{conformity}）"),
    ("benford", "*"): (
        "First digits of {n:int} amounts depart from Benford's law ({conformity})",
        "{n:int}笔金额的首位数字偏离本福特定律（{conformity}）"),
    ("cost_per_output", "flagged"): (
        "{count:int} of {tested:int} project outputs cost far more or less than their sector "
        "norm",
        "{tested:int}项项目产出中{count:int}项的单位成本远离行业常态"),
    ("cost_per_output", "*"): (
        "No project output's cost is far from its sector norm ({tested:int} tested)",
        "{tested:int}项项目产出的单位成本均未远离行业常态"),
    # -- rules and alternatives (issue 14) ---------------------------------------------------
    ("obligation_band", "*"): (
        "Recorded flows fell below the obligation in {below:int} of {n:int} donor-years",
        "{n:int}个有记录的援助方年度中{below:int}个低于应出资额"),
    ("pairing_support", "*"): (
        "Another pairing could bring the Gini of support per unit of need from {before:f3} to "
        "{after:f3}",
        "另一种结对可使单位需要援助额的基尼系数从{before:f3}降至{after:f3}"),
    ("pairing_map", "narrows"): (
        "The optimal pairing gives {fewer:int} of {n:int} prefectures fewer donors",
        "最优结对使{n:int}个地州中{fewer:int}个的援助方减少"),
    ("pairing_map", "*"): (
        "The optimal pairing spreads {more:int} of {n:int} prefectures over more donors",
        "最优结对使{n:int}个地州中{more:int}个的援助方增加"),
    ("scenario_fan", "*"): (
        "{outcome}: {change:+pct1} by {last:year} under scenario {scenario}",
        "情景{scenario}下{outcome}到{last:year}年变化{change:+pct1}"),
}
