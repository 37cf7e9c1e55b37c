"""The sentences of the report's "rules and alternatives" section (issue 14), English and
Chinese side by side; merged into `pairaid.readings.templates.READINGS`. The section's chart
titles are in `pairaid.readings.templates_charts`, with every other chart's."""

from __future__ import annotations

Pair = tuple[str, str]

POLICY_READINGS: dict[tuple[str, str], Pair] = {
    ("policy.compliance", "*"): (
        "Under the funding rule {rule} each donor owes {share_low:pct1}–{share_high:pct1} of "
        "its fiscal revenue of the year before. Over {first:year}–{last:year}, in the {n:int} "
        "donor-years with recorded flows the {bases:int} fiscal bases owed {owed_low} to "
        "{owed_high} and the ledger records {got}: {below:int} donor-years below the lower "
        "bound, {within:int} within the range, {above:int} above it (short by {shortfall} in "
        "all). {missing:int} donor-years hold no recorded flow: missing, not a shortfall.",
        "按资金规则{rule}，每个援助方应出资上一年财政收入的{share_low:pct1}—{share_high:pct1}。"
        "{first:year}—{last:year}年，在有资金记录的{n:int}个援助方年度中，{bases:int}个财政主体"
        "应出资{owed_low}至{owed_high}，台账记录{got}：{below:int}个援助方年度低于下限，"
        "{within:int}个在区间内，{above:int}个高于上限（合计短缺{shortfall}）。另有{missing:int}个"
        "援助方年度没有资金记录：这是缺失，不是短缺。"),
    ("policy.compliance_floor", "*"): (
        "Under the funding rule {rule} each donor owes at least {share_low:pct1} of its fiscal "
        "revenue of the year before. Over {first:year}–{last:year}, in the {n:int} donor-years "
        "with recorded flows the {bases:int} fiscal bases owed at least {owed_low} and the "
        "ledger records {got}: {below:int} donor-years below the floor, {within:int} at or "
        "above it (short by {shortfall} in all). {missing:int} donor-years hold no recorded "
        "flow: missing, not a shortfall.",
        "按资金规则{rule}，每个援助方应出资不少于上一年财政收入的{share_low:pct1}。"
        "{first:year}—{last:year}年，在有资金记录的{n:int}个援助方年度中，{bases:int}个财政主体"
        "应出资至少{owed_low}，台账记录{got}：{below:int}个援助方年度低于下限，{within:int}个"
        "达到或超过下限（合计短缺{shortfall}）。另有{missing:int}个援助方年度没有资金记录："
        "这是缺失，不是短缺。"),
    ("policy.growth", "*"): (
        "The rule {rule} also asks aid to each area to grow {rate:pct0} a year in its first "
        "{years:int} years: the recorded funds of {recipients:int} recipients reach that path "
        "in {met:int} of {n:int} recipient-years.",
        "规则{rule}还要求前{years:int}年对每个地区的援助每年增长{rate:pct0}：{recipients:int}个"
        "受援地的资金记录在{n:int}个受援地年度中有{met:int}个达到这一增长路径。"),
    ("policy.match", "*"): (
        "Given each donor's obligation in {year:year}, the pairing that best equalises support "
        "per unit of need would bring the Gini of support per unit of need from {before:f3} "
        "(the recorded flows) to {after:f3}; {changed:int} of {n:int} recipients would change "
        "donor among {donors:int} donors. The search (an iterated local search, then "
        "{nodes:int} branch-and-bound node(s)) ended at most "
        "{gap:pct1} of all money from the best possible pairing (a gap of nil is proven "
        "optimal). Each donor's budget there is the midpoint of its obligation, more than the "
        "recorded flows: compare the spread, not the level. An "
        "alternative to weigh, not a recommendation: the data do not test the costs of "
        "changing partners.",
        "按{year:year}年各援助方的应出资额，最能均衡单位需要援助额的结对方案可使单位需要援助额的"
        "基尼系数从{before:f3}（实际资金记录）降至{after:f3}；{n:int}个受援地中有{changed:int}个"
        "会在{donors:int}个援助方之间更换援助方。求解器先做迭代局部搜索，再搜索{nodes:int}个分支定界节点，结果与最优结对方案的差距"
        "至多为全部资金的{gap:pct1}（差距为零即已证明最优）。其中各援助方预算取应出资区间的中点，高于实际资金记录：应比较离散程度，而非水平。这是可供权衡的备选方案，不是建议：数据"
        "无法检验更换结对的成本。"),
    ("policy.prefecture_donors", "*"): (
        "Donors per prefecture: {now_mean:f2} on average with today's pairing, {best_mean:f2} "
        "with the optimal one; {fewer:int} of {n:int} prefectures would have fewer donors, "
        "{more:int} more.",
        "各地州的援助方数：现行结对平均{now_mean:f2}个，最优结对平均{best_mean:f2}个；{n:int}个地州中"
        "{fewer:int}个援助方减少，{more:int}个增加。"),
    ("policy.scenario", "*"): (
        "Scenario {scenario}: with funds tapering {taper:pct0} a year after {base_year:year} "
        "(×{funds:f2} by {last:year}) and an elasticity of {b:f2} ± {se:f2}, {outcome} would "
        "change by {change:+pct1} by {last:year} ({ci:pct0} band {lo:+pct1} to {hi:+pct1}) — a "
        "projection under that elasticity, other things equal, not a forecast. "
        "{left_out:int} counties without a {base_year:year} value are left out, {held:int} "
        "without funds that year are held at it.",
        "情景{scenario}：若{base_year:year}年后资金每年递减{taper:pct0}（到{last:year}年为"
        "×{funds:f2}），弹性取{b:f2} ± {se:f2}，则到{last:year}年{outcome}将变化{change:+pct1}"
        "（{ci:pct0}区间{lo:+pct1}至{hi:+pct1}）——这是在该弹性、其他条件不变下的推算，不是预测。"
        "{left_out:int}个缺少{base_year:year}年数值的县未纳入，{held:int}个当年无资金的县保持该年水平。"),
    ("policy.scenario_capped", "flagged"): (
        "Water: with irrigation water changing {water:+pct1} a year and room for {headroom:x2} "
        "the base year's output, the water ceiling binds from {first:year}, in up to "
        "{counties:int} counties: there more money buys no more output.",
        "用水：灌溉可用水量每年变化{water:+pct1}、基年产出上限为基年产出的{headroom:x2}，"
        "自{first:year}年起水资源上限开始约束，最多涉及{counties:int}个县：在这些县，更多资金"
        "买不到更多产出。"),
    ("policy.scenario_capped", "clean"): (
        "Water: with irrigation water changing {water:+pct1} a year and room for {headroom:x2} "
        "the base year's output, the water ceiling does not bind by {last:year} — the projected "
        "output stays {margin:pct1} below what the water could carry ({counties:int} counties "
        "at the ceiling).",
        "用水：灌溉可用水量每年变化{water:+pct1}、基年产出上限为基年产出的{headroom:x2}，到"
        "{last:year}年水资源上限仍未约束——推算产出比水资源可承载的低{margin:pct1}（{counties:int}个县"
        "触及上限）。"),
    ("policy.section", "*"): (
        "The programme's own rules, read against the ledger: what donors owed and what is "
        "recorded, a pairing that would share support more equally, and a funding scenario. "
        "Obligations are in yuan at current prices, as budgets are set.",
        "用台账检视项目自身的规则：援助方应出资多少、记录了多少，更均衡分配援助的结对方案，以及"
        "一个资金情景。应出资额按当年价格（人民币元）计算，与预算口径一致。"),
}
