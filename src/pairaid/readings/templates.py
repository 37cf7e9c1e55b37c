"""The sentences: every finding's template in English and Chinese side by side (rendered by
`pairaid.readings.render`), the verdicts' words and the names of the terms sentences quote."""

from __future__ import annotations

Pair = tuple[str, str]

#: a verdict as a word or phrase: what a card shows and a sentence may quote
VERDICT_WORDS: dict[str, Pair] = {
    "rejects": ("rejects", "拒绝"),
    "does_not_reject": ("does not reject", "不拒绝"),
    "rises": ("rises", "上升"), "falls": ("falls", "下降"), "no_change": ("no clear change",
                                                                      "无明显变化"),
    "above_zero": ("the interval lies above zero", "区间在零以上"),
    "below_zero": ("the interval lies below zero", "区间在零以下"),
    "covers_zero": ("the interval includes zero, so no effect cannot be ruled out",
                    "区间包含零，不能排除没有效果"),
    "pro_poor": ("pro-poor", "偏向低收入"), "pro_rich": ("pro-rich", "偏向高收入"),
    "proportional": ("in proportion to population", "与人口成比例"),
    "narrows": ("narrows the gap", "缩小差距"), "widens": ("does not narrow the gap", "未缩小差距"),
    "decoupled": ("decoupled", "脱钩"), "coupled": ("not decoupled", "未脱钩"),
    "flagged": ("needs a look", "需要核查"), "clean": ("nothing found", "未发现问题"),
    "undefined": ("undefined", "无定义"), "missing": ("missing", "缺失"),
    "describes": ("", ""),
}

#: short verdict words for the scorecard
CARD_WORDS: dict[str, Pair] = {
    **{k: v for k, v in VERDICT_WORDS.items()},
    "above_zero": ("positive", "为正"), "below_zero": ("negative", "为负"),
    "covers_zero": ("not distinguishable from zero", "与零无显著差异"),
    "describes": ("recorded", "已记录"),
}

#: names of ledger columns, indicators and checks the sentences quote (others stay verbatim)
TERMS: dict[str, Pair] = {
    "funds_per_capita": ("assistance funds per person", "人均援助资金"),
    "sustainable_agriculture_index": ("the sustainable-agriculture index", "可持续农业指数"),
    "sai_latent": ("the latent index (demo)", "潜在指数（演示）"),
    "intensity": ("funds per person", "人均援助资金"),
    "rural_income": ("rural income", "农村居民收入"),
    "water_withdrawal_agri": ("farm water withdrawal", "农业取水量"),
    "water_per_output": ("water per unit of farm output", "单位农业产出用水"),
    "fertiliser_intensity": ("fertiliser per hectare", "单位面积化肥用量"),
    "pesticide_intensity": ("pesticide per hectare", "单位面积农药用量"),
    "fertiliser_use": ("fertiliser use", "化肥用量"), "pesticide_use": ("pesticide use", "农药用量"),
    "cultivated_area": ("cultivated area", "耕地面积"),
    "agri_output": ("farm output (nominal)", "农业产出（名义）"),
    "agri_output_real": ("farm output (constant prices)", "农业产出（不变价格）"),
    "gdp": ("GDP", "地区生产总值"), "urban_income": ("urban income", "城镇居民收入"),
    "fiscal_revenue": ("fiscal revenue", "财政收入"),
    "fiscal_expenditure": ("fiscal expenditure", "财政支出"),
    "grain_yield": ("grain yield", "粮食单产"), "income_gap": ("urban-rural income gap", "城乡收入差距"),
    "irrigated_area": ("irrigated area", "灌溉面积"), "machinery_power": ("farm machinery power",
                                                                      "农业机械总动力"),
    "rural_pop_share": ("rural population share", "乡村人口占比"),
    "vegetation_cover": ("vegetation cover", "植被覆盖度"),
    "county": ("counties", "县"), "prefecture": ("prefecture", "地州"),
    "minority-share band": ("minority-share band", "少数民族占比区间"),
    "weights": ("weights", "权重"), "weighting": ("weighting", "赋权方法"),
    "normalisation": ("normalisation", "标准化方法"), "imputation": ("imputation", "缺失值处理"),
    "aggregation": ("aggregation", "汇总方法"),
    "close conformity": ("close conformity", "高度符合"),
    "acceptable conformity": ("acceptable conformity", "可接受的符合"),
    "marginally acceptable conformity": ("marginal conformity", "勉强符合"),
    "nonconformity": ("nonconformity", "不符合"),
}

_Q = "the data do not test that"
#: (key, verdict or "*") → (English, Chinese)
READINGS: dict[tuple[str, str], Pair] = {
    # -- headline ------------------------------------------------------------------------------
    ("headline.funds_disbursed", "*"): (
        "From {first:year} to {last:year} the ledger records {total} of assistance disbursed at "
        "current prices — {real} at constant {first:year} prices. The three largest donors, "
        "{donors}, gave {shares} of it.",
        "{first:year}—{last:year}年台账记录的实际拨付援助资金按当年价格为{total}，按{first:year}年不变价格"
        "为{real}。前三大援助方{donors}分别占{shares}。"),
    ("headline.duplicates", "*"): (
        "The audit finds {rows:int} flow rows identical in every field but their reference "
        "(likely entered twice): their extra copies add {extra} ({share:pct3}) to the total; "
        "without them it is {clean}.",
        "审计发现{rows:int}条资金记录除编号外完全相同（很可能重复录入）：重复部分使合计多出{extra}"
        "（{share:pct3}）；去掉后合计为{clean}。"),
    ("headline.where", "*"): (
        "{place} received {share:pct1} of the disbursements, the most of {recipients:int} "
        "recipient prefectures and corps divisions.",
        "{place}获得实际拨付资金的{share:pct1}，在{recipients:int}个受援地州和兵团师中最多。"),
    ("headline.comparison.rural_income_growth", "*"): (
        "Rural income per person grew by {paired:pct1} in the {paired_units:int} paired counties "
        "and by {never:pct1} in the {never_units:int} never-paired counties over the same "
        "years, {first:year}–{last:year} (nominal): a description, not an effect.",
        "{first:year}—{last:year}年（名义），{paired_units:int}个结对县农村居民人均收入增长{paired:pct1}，"
        "同期{never_units:int}个从未结对的县增长{never:pct1}：这是描述，不是效果。"),
    ("headline.comparison.gdp_multiple", "*"): (
        "GDP grew {paired:x2} in the {paired_units:int} paired counties and {never:x2} in the "
        "{never_units:int} never-paired counties over {first:year}–{last:year} (nominal).",
        "{first:year}—{last:year}年（名义），{paired_units:int}个结对县地区生产总值增长为{paired:x2}，"
        "{never_units:int}个从未结对的县为{never:x2}。"),
    ("headline.table", "*"): (
        "Each figure below names its period and source; money stands at current and at constant "
        "prices, outcomes beside never-paired counties over the same years, and a published "
        "figure beside the ledger's value over the years the ledger covers.",
        "下表每个数字都注明期间和来源；金额同时列出当年价格和不变价格，结果指标旁列同期从未结对的县，"
        "官方公开数字旁列台账所覆盖年份的数值。"),
    # -- timeline, pairings, maps, index -------------------------------------------------------
    ("timeline.pairings", "*"): (
        "{n:int} pairings in {rounds:int} round(s), from {first:year} to {last:year}; they "
        "started in {years:int} different years, the last in {latest:year}. Late starts matter "
        "for the effect estimates below: they are what a staggered comparison uses.",
        "共{n:int}个结对关系，{rounds:int}轮，时间从{first:year}年到{last:year}年；开始于{years:int}个"
        "不同年份，最晚一批始于{latest:year}年。开始时间不同正是下文交错比较所依赖的。"),
    ("pairings.flows", "*"): (
        "Each line joins a donor (left) to the recipient prefecture or corps division (right) it "
        "funds; its width is the money disbursed over the whole period. {donors:int} donors "
        "fund {recipients:int} recipients.",
        "每条线连接一个援助方（左）和它支援的地州或兵团师（右），线宽为全期实际拨付金额。"
        "{donors:int}个援助方支援{recipients:int}个受援地。"),
    ("maps.funds", "*"): (
        "Prefectures coloured by assistance disbursed per resident in {year:year}. Units that "
        "received nothing in the ledger show zero, not missing.",
        "各地州按{year:year}年人均实际拨付援助资金着色。台账中未获援助的单位显示为零，而非缺失。"),
    ("maps.index", "*"): (
        "The second map shows the sustainable-agriculture index in {year:year} (higher is "
        "better; see the next section for how sure the ranks are).",
        "第二幅图为{year:year}年可持续农业指数（越高越好；排名的可信程度见下一节）。"),
    ("index.ranks", "*"): (
        "Each dot is a prefecture's median rank in {year:year} over {draws:int} re-computations "
        "with other defensible choices (imputation, normalisation, weighting, aggregation); the "
        "bar spans the {q05:pct0}–{q95:pct0} range. The typical range is {width:f0} ranks "
        "wide: ranks closer "
        "than that are not distinguishable. The choice that moves ranks most is the {choice} "
        "(total sensitivity index {total:f2}).",
        "每个点是某地州{year:year}年在{draws:int}次采用其他合理选择（缺失处理、标准化、赋权、汇总）"
        "重算后的排名中位数；横条为{q05:pct0}—{q95:pct0}区间。区间中位宽度为{width:f0}个名次：相差不到这个数的排名"
        "无法区分。对排名影响最大的选择是{choice}（总敏感性指数{total:f2}）。"),
    # -- effects -------------------------------------------------------------------------------
    ("elasticity.estimate.drop", "*"): (
        "{outcome}: net of what is constant within a county and what is common to a year "
        "(two-way fixed effects, errors clustered by county), {ten_in:pct0} more {treatment} "
        "goes with a {ten:+pct1} change (elasticity {b:f3}, {ci:pct0} CI {lo:f3} to {hi:f3}: "
        "{verdict}). Sample: {nobs:int} county-years in {clusters:int} counties, "
        "{first:year}–{last:year}. Left out: {dropped_treatment:int} county-years without "
        "funds and {dropped_outcome:int} with a non-positive outcome, because a logarithm of "
        "zero does not exist — so this is the intensive margin only: how outcomes move with "
        "more or less money among counties that receive some. It is an association: it reads "
        "as the effect only if funds are unrelated to other shocks to the outcome; " + _Q + ".",
        "{outcome}：扣除县内不变因素和各年共同因素（双向固定效应，按县聚类标准误）后，{treatment}"
        "每高{ten_in:pct0}，结果变化{ten:+pct1}（弹性{b:f3}，{ci:pct0}置信区间{lo:f3}至{hi:f3}：{verdict}）。"
        "样本：{clusters:int}个县的{nobs:int}个县年，{first:year}—{last:year}年。剔除了{dropped_treatment:int}"
        "个无援助资金的县年和{dropped_outcome:int}个结果非正的县年，因为零没有对数——因此这只是集约边际："
        "在获得援助的县之间，资金多少与结果的关系。这是关联：只有当资金与结果的其他冲击无关时才是效果；"
        "数据无法检验这一点。"),
    ("elasticity.estimate.log1p", "*"): (
        "{outcome}: elasticity {b:f3} ({ci:pct0} CI {lo:f3} to {hi:f3}: {verdict}) on log(1 + x), "
        "zeros kept; {nobs:int} county-years in {clusters:int} counties, {first:year}–"
        "{last:year}. An association; " + _Q + ".",
        "{outcome}：对log(1+x)的弹性{b:f3}（{ci:pct0}置信区间{lo:f3}至{hi:f3}：{verdict}），保留零值；"
        "{clusters:int}个县的{nobs:int}个县年，{first:year}—{last:year}年。这是关联，数据无法检验因果。"),
    ("elasticity.estimate.none", "*"): (
        "{outcome}: one more unit of {treatment} goes with {b:g3} more ({ci:pct0} CI {lo:g3} to "
        "{hi:g3}: {verdict}); {nobs:int} observations in {clusters:int} clusters, "
        "{first:year}–{last:year}. An association; " + _Q + ".",
        "{outcome}：{treatment}每增加一个单位，结果增加{b:g3}（{ci:pct0}置信区间{lo:g3}至{hi:g3}：{verdict}）；"
        "{clusters:int}个聚类的{nobs:int}个观测，{first:year}—{last:year}年。这是关联，数据无法检验因果。"),
    ("event_study.att.never", "*"): (
        "Staggered difference-in-differences (Callaway–Sant'Anna): after pairing, {outcome} "
        "changed by {att:+g3} on average relative to never-paired units ({level:pct0} CI "
        "{lo:+g3} to {hi:+g3}: {verdict}). Sample: {units:int} units with the outcome in every "
        "year {first:year}–{last:year}, {never:int} of them never paired; {dropped:int} units "
        "missing a year are left out because the estimator needs a balanced panel. A causal "
        "effect only under parallel trends; an average over the cohorts and years observed.",
        "交错双重差分（Callaway–Sant'Anna）：结对后{outcome}相对于从未结对的单位平均变化{att:+g3}"
        "（{level:pct0}置信区间{lo:+g3}至{hi:+g3}：{verdict}）。样本：{first:year}—{last:year}年每年都有"
        "结果数据的{units:int}个单位，其中{never:int}个从未结对；{dropped:int}个缺少某些年份的单位被剔除，"
        "因为该估计量需要平衡面板。只有在平行趋势假设成立时才是因果效应；它是所观测批次和年份的平均。"),
    ("event_study.att.notyet", "*"): (
        "Staggered difference-in-differences: after pairing, {outcome} changed by {att:+g3} on "
        "average relative to units not yet paired ({level:pct0} CI {lo:+g3} to {hi:+g3}: "
        "{verdict}); {units:int} units, {first:year}–{last:year}, {dropped:int} left out "
        "(unbalanced). Causal only under parallel trends.",
        "交错双重差分：结对后{outcome}相对于尚未结对的单位平均变化{att:+g3}（{level:pct0}置信区间"
        "{lo:+g3}至{hi:+g3}：{verdict}）；{units:int}个单位，{first:year}—{last:year}年，{dropped:int}个"
        "因面板不平衡被剔除。只有在平行趋势假设成立时才是因果效应。"),
    ("event_study.pretrend.wild", "rejects"): (
        "Pre-trend test (wild cluster bootstrap, {reps:int} draws): p = {p:g3}, below "
        "{alpha:pct0}: it rejects equal trends before pairing, so the assumption is in doubt "
        "and the estimate must be read with caution. (The chi-squared version gives p = "
        "{p_chi2:g3} but over-rejects when cohorts are small.)",
        "处理前趋势检验（野聚类自助法，{reps:int}次抽样）：p = {p:g3}，低于{alpha:pct0}：拒绝处理前趋势"
        "相同的假设，平行趋势存疑，估计值须谨慎解读。（卡方检验给出p = {p_chi2:g3}，但在批次较小时过度拒绝。）"),
    ("event_study.pretrend.wild", "does_not_reject"): (
        "Pre-trend test (wild cluster bootstrap, {reps:int} draws): p = {p:g3}, not below "
        "{alpha:pct0}: it does not reject equal trends before pairing — no proof of the "
        "assumption, only no evidence against it. (The chi-squared version gives p = "
        "{p_chi2:g3} but over-rejects when cohorts are small.)",
        "处理前趋势检验（野聚类自助法，{reps:int}次抽样）：p = {p:g3}，不低于{alpha:pct0}：不拒绝处理前"
        "趋势相同的假设——这不是该假设成立的证明，只是没有反对它的证据。（卡方检验给出p = {p_chi2:g3}，"
        "但在批次较小时过度拒绝。）"),
    ("event_study.pretrend.wald", "rejects"): (
        "Pre-trend test (joint Wald, {df:int} pre-period effects): p = {p:g3}, below "
        "{alpha:pct0}: it rejects equal trends before pairing; read the estimate with caution.",
        "处理前趋势检验（联合Wald检验，{df:int}个处理前效应）：p = {p:g3}，低于{alpha:pct0}：拒绝处理前"
        "趋势相同的假设，估计值须谨慎解读。"),
    ("event_study.pretrend.wald", "does_not_reject"): (
        "Pre-trend test (joint Wald, {df:int} pre-period effects): p = {p:g3}, not below "
        "{alpha:pct0}: no evidence against equal trends before pairing (no proof of them).",
        "处理前趋势检验（联合Wald检验，{df:int}个处理前效应）：p = {p:g3}，不低于{alpha:pct0}：没有反对"
        "处理前趋势相同的证据（但也不是证明）。"),
    ("dose_response.slope", "*"): (
        "Dose-response: per unit more of the dose (funds per person a year over the first "
        "years of pairing), {outcome} changed by {slope:+g3} more after pairing ({ci:pct0} CI "
        "{lo:+g3} to {hi:+g3}: {verdict}); {per_sd:+g3} per standard deviation of the dose. "
        "Sample: {nobs:int} unit-years of {units:int} units, {first:year}–{last:year}; "
        "{dosed:int} of them received a dose, the others are the untreated comparison.",
        "剂量反应：结对初期人均年援助资金每多一个单位，结对后{outcome}多变化{slope:+g3}（{ci:pct0}置信区间"
        "{lo:+g3}至{hi:+g3}：{verdict}）；剂量每高一个标准差，变化{per_sd:+g3}。样本：{units:int}个单位的"
        "{nobs:int}个单位年，{first:year}—{last:year}年；其中{dosed:int}个获得了援助，其余为未受援对照。"),
    ("dose_response.caveat", "*"): (
        "Each bin compares units at that dose with untreated ones; differences between bins, "
        "and the slope, are the effect of more money only under the stronger assumption that "
        "units at every dose would have responded alike to any dose (Callaway, Goodman-Bacon "
        "and Sant'Anna).",
        "每组把该剂量的单位与未受援单位比较；组间差异和斜率只有在更强的假设下（各剂量的单位对任何剂量的"
        "反应都相同）才是“多给资金的效果”（Callaway、Goodman-Bacon和Sant'Anna）。"),
    ("effects.two_outcomes", "*"): (
        "Two outcomes are shown because they answer different questions: the built index "
        "rescales each indicator before weighting, so a change in it is not the same change in "
        "the underlying conditions the demo planted.",
        "这里给出两个结果变量：合成指数先把每个指标缩放再加权，因此其变化并不等于演示数据中植入的潜在条件的同等变化。"),
    ("designs.intro", "*"): (
        "One county against a weighted mix of never-paired units.",
        "单个县与从未结对单位的加权组合比较。"),
    # -- design warnings -----------------------------------------------------------------------
    ("design.few_clusters", "*"): (
        "Only {units:int} units (clusters; fewer than {threshold:int}): cluster-robust errors "
        "may be too optimistic; use the wild cluster bootstrap.",
        "只有{units:int}个单位（聚类，少于{threshold:int}个）：聚类稳健标准误可能过于乐观，应使用野聚类自助法。"),
    ("design.no_never_treated", "*"): (
        "Every unit is treated at some point: comparisons rest on not-yet-treated units and the "
        "last periods are not identified.",
        "所有单位最终都受援：比较只能依赖尚未受援的单位，最后几期的效果无法识别。"),
    ("design.few_never_treated", "*"): (
        "Only {balanced:int} never-paired units have {outcome} in every year ({never:int} in "
        "all; fewer than {threshold:int}): the never-paired comparison leans on this small "
        "group, so its standard errors and the joint pre-trend test can be over-confident.",
        "只有{balanced:int}个从未结对的单位每年都有{outcome}数据（共{never:int}个；少于{threshold:int}个）："
        "以从未结对单位为对照的比较依赖这一小组，其标准误和联合处理前趋势检验可能过于自信。"),
    ("design.short_pre_period", "*"): (
        "Only {before:int} period(s) before the first cohort ({first_cohort:year}; fewer than "
        "{threshold:int}): too few to check parallel trends.",
        "第一批（{first_cohort:year}年）之前只有{before:int}期（少于{threshold:int}期）：不足以检验平行趋势。"),
    ("design.single_unit_cohorts", "*"): (
        "Cohort(s) {cohorts:year} have a single unit: their effects rest on one unit and have "
        "no usable standard error.",
        "{cohorts:year}年批次只有一个单位：其效应仅依赖一个单位，没有可用的标准误。"),
    ("design.small_cohorts", "*"): (
        "Cohort(s) {cohorts:year} have fewer than {threshold:int} units with the outcome in "
        "every year: a joint pre-trend test over-rejects; read it with caution.",
        "{cohorts:year}年批次每年都有结果数据的单位少于{threshold:int}个：联合处理前趋势检验会过度拒绝，须谨慎解读。"),
    ("design.treated_from_start", "*"): (
        "{always:int} units are treated from the first period: they have no before and drop "
        "out of staggered estimators.",
        "{always:int}个单位从第一期起就受援：没有处理前时期，交错估计量会剔除它们。"),
    ("design.treatment_absorbed", "*"): (
        "Unit and year effects explain {share:pct1} of the treatment's variation (more than "
        "{limit:pct0}): little is left to identify its effect.",
        "单位和年份效应解释了处理变量{share:pct1}的变异（超过{limit:pct0}）：可用于识别效果的变异很少。"),
    ("design.simultaneous", "*"): (
        "Every treated unit starts in {cohort:year}: no staggering.",
        "所有受援单位都始于{cohort:year}年：没有交错。"),
    ("design.nearly_simultaneous", "*"): (
        "{share:pct0} of treated units start in {cohort:year}: the other cohorts add little.",
        "{share:pct0}的受援单位始于{cohort:year}年：其他批次提供的信息很少。"),
    ("design.unbalanced", "*"): (
        "{outcome} is missing in {share:pct0} of unit-years and {incomplete:int} of {units:int} "
        "units lack a year: balanced-panel estimators drop them, and the rest may differ.",
        "{outcome}在{share:pct0}的单位年中缺失，{units:int}个单位中有{incomplete:int}个缺少某些年份："
        "需要平衡面板的估计量会剔除它们，剩余单位可能与之不同。"),
    ("design.*", "*"): (
        "{message}",
        "{message}（英文原文：此项提示尚无中文模板）"),
    ("design.two_unit_cohorts", "*"): (
        "Cohort(s) {cohorts:year} have two units: their spread rests on one difference, so "
        "their standard errors are unreliable.",
        "{cohorts:year}年批次只有两个单位：其离散程度仅来自一个差值，标准误不可靠。"),
    ("design.few_donors", "*"): (
        "Only {donors:int} donors (fewer than {threshold:int}): the placebo p-value cannot fall "
        "below {floor:g3}.",
        "只有{donors:int}个对照单位（少于{threshold:int}个）：安慰剂p值不可能低于{floor:g3}。"),
    ("design.no_placebo_test", "*"): (
        "No placebo test was run ({donors:int} donors): the effect has no p-value.",
        "未进行安慰剂检验（{donors:int}个对照单位）：该效应没有p值。"),
    ("design.poor_pre_fit", "*"): (
        "The fit before treatment is poor (RMSPE {rmspe:g3}, half or more of the unit's own "
        "spread {spread:g3}): the counterfactual is unreliable.",
        "处理前拟合较差（RMSPE {rmspe:g3}，达到该单位自身离散程度{spread:g3}的一半以上）：反事实不可靠。"),
    # -- designs -------------------------------------------------------------------------------
    ("bacon.twfe", "*"): (
        "The two-way fixed-effects estimate {twfe:+g4} is a weighted average of "
        "{comparisons:int} two-group, two-period comparisons: {forbidden:pct1} of the weight "
        "uses already-paired units as controls, which biases it when effects change over time, "
        "and {never:pct1} compares with never-paired units ({verdict}; above {threshold:pct0} "
        "prefer an estimator that never uses treated units as controls). Sample: {units:int} "
        "units, {never_units:int} never paired, {first:year}–{last:year}.",
        "双向固定效应估计值{twfe:+g4}是{comparisons:int}个两组两期比较的加权平均：{forbidden:pct1}的权重"
        "以已结对单位为对照，效果随时间变化时会产生偏差；{never:pct1}与从未结对的单位比较（{verdict}；"
        "超过{threshold:pct0}时应采用从不以已受援单位为对照的估计量）。样本：{units:int}个单位，其中"
        "{never_units:int}个从未结对，{first:year}—{last:year}年。"),
    ("synth.gap", "*"): (
        "Synthetic control for {unit} ({code}), the most populous county of the latest "
        "cohort: after {after:year}, {outcome} was on average {gap:+g4} against a weighted mix "
        "of {donors:int} never-paired units, fitted on the years from {first:year} until "
        "pairing in {after:year} (fit before: "
        "RMSPE {pre:g3}; after: {post:g3}; the data run to {last:year}). Placebo p = "
        "{p:g3} over {placebos:int} units (it cannot be below {floor:g3}): {verdict} no effect "
        "at {alpha:pct0}. A causal gap only without spill-overs or other shocks to this one "
        "county.",
        "合成控制：{unit}（{code}），最晚批次中人口最多的县。{after:year}年后，{outcome}相对于从未结对"
        "{donors:int}个单位的加权组合平均为{gap:+g4}（以{first:year}年至{after:year}年结对前的各年拟合，拟合期RMSPE {pre:g3}；"
        "之后{post:g3}；数据至{last:year}年）。安慰剂检验p = {p:g3}，"
        "共{placebos:int}个单位（不可能低于{floor:g3}）：在{alpha:pct0}水平{verdict}无效果的假设。只有在没有溢出、"
        "该县没有其他冲击时，这一差距才是因果效应。"),
    # -- distribution --------------------------------------------------------------------------
    ("inequality.gini", "*"): (
        "Across {units:int} counties in {year:year} ({dropped:int} without data left out), the "
        "Gini of {value} is {gini:f3}: two people picked at random differ by {gap:f2} times "
        "the mean on average.",
        "{year:year}年{units:int}个县（{dropped:int}个无数据的县未计入）{value}的基尼系数为{gini:f3}："
        "随机抽取的两人平均相差均值的{gap:f2}倍。"),
    ("inequality.theil_t", "*"): (
        "Theil T {theil:f3}: {between:f3} of it ({share:pct0}) lies between {group}s, the rest "
        "within them.",
        "泰尔指数T为{theil:f3}，其中{between:f3}（{share:pct0}）来自{group}之间，其余来自内部。"),
    ("inequality.theil_l", "*"): (
        "Theil L is undefined: some counties receive no {value}.",
        "泰尔指数L无定义：部分县没有{value}。"),
    ("inequality.concentration", "*"): (
        "Concentration index {index:+f3} ({ci:pct0} CI {lo:+f3} to {hi:+f3}), counties ranked by "
        "{rank_by}: {value} is {verdict}.",
        "集中指数{index:+f3}（{ci:pct0}置信区间{lo:+f3}至{hi:+f3}，按{rank_by}排序）：{value}{verdict}。"),
    ("inequality.kakwani", "*"): (
        "Against the Gini of {rank_by} ({need:f3}), C − G = {kakwani:+f3}: {value} "
        "{verdict} in {rank_by}.",
        "与{rank_by}的基尼系数（{need:f3}）相比，C − G = {kakwani:+f3}：{value}{verdict}。"),
    ("inequality.group", "*"): (
        "Counties with a census minority share of {group} ({units:int}): {people:pct1} of the "
        "population, {funds:pct1} of the funds.",
        "少数民族人口占比{group}的县（{units:int}个）：占人口{people:pct1}，占资金{funds:pct1}。"),
    ("inequality.group.band", "*"): (
        "Counties with a census minority share of {low:int}–{high:int} % ({units:int}): "
        "{people:pct1} of the population, {funds:pct1} of the funds.",
        "少数民族人口占比{low:int}%—{high:int}%的县（{units:int}个）：占人口{people:pct1}，占资金{funds:pct1}。"),
    ("inequality.suppression", "*"): (
        "Group rows drawn from fewer than {k:int} counties are suppressed, with any row that "
        "would reveal them: these are aggregates about places, never records about people.",
        "少于{k:int}个县的组别及可据以反推的组别均已隐去：本报告只呈现地区汇总统计，不涉及个人记录。"),
    # -- dependence ----------------------------------------------------------------------------
    ("dependence.scope", "*"): (
        "Fiscal dependence on assistance: {units:int} units, {unit_years:int} unit-years; "
        "{dropped:int} unit-years without budget figures are left out.",
        "对援助的财政依赖：{units:int}个单位，{unit_years:int}个单位年；{dropped:int}个缺少财政数据的单位年未计入。"),
    ("dependence.share", "*"): (
        "In {year:year}, assistance equalled {spending:pct1} of local spending in the typical "
        "(median) recipient and {revenue:pct1} of the money it raised itself; the typical "
        "recipient paid for {own:pct1} of its spending from its own revenue.",
        "{year:year}年，援助相当于典型（中位数）受援地地方支出的{spending:pct1}、其自有收入的{revenue:pct1}；"
        "典型受援地用自有收入支付了{own:pct1}的支出。"),
    ("dependence.self_financing_trend", "*"): (
        "Self-financing (own revenue / spending) fell clearly in {falling:int} of {n:int} "
        "recipients and rose clearly in {rising:int} (its {ci:pct0} interval below or above "
        "zero); "
        "the median change was {slope:+pp2} percentage points a year: it {verdict}.",
        "自给率（自有收入/支出）在{n:int}个受援地中有{falling:int}个明显下降、{rising:int}个明显上升"
        "（其{ci:pct0}区间在零以下或以上）；中位数变化为每年{slope:+pp2}个百分点：总体{verdict}。"),
    ("dependence.taper", "*"): (
        "If assistance fell by {cut:pct0}, the outcome would change by {change:+pct1} ({ci:pct0} "
        "interval {lo:+pct1} to {hi:+pct1}) under an elasticity of {elasticity:g3}: a "
        "projection, not a forecast.",
        "若援助减少{cut:pct0}，在弹性{elasticity:g3}下结果将变化{change:+pct1}（{ci:pct0}区间{lo:+pct1}至"
        "{hi:+pct1}）：这是情景推算，不是预测。"),
    # -- environment ---------------------------------------------------------------------------
    ("environment.decoupling", "*"): (
        "Between {start:year} and {end:year}, in {strong:int} of {n:int} counties {output} grew "
        "while {pressure} fell (strong decoupling); in {weak:int} more it grew faster than "
        "{pressure} (weak decoupling): {verdict}. {dropped:int} more units lack a usable "
        "start or end value and are left out.",
        "{start:year}—{end:year}年，{n:int}个县中有{strong:int}个{output}增长而{pressure}下降（强脱钩）；"
        "另有{weak:int}个增长快于{pressure}（弱脱钩）：{verdict}。另有{dropped:int}个单位缺少可用的首末年数值，未计入。"),
    ("environment.pressure", "*"): (
        "{pressure}: {change:+pct1} in the typical county, {start:year}–{end:year} "
        "({units:int} counties).",
        "{pressure}：{start:year}—{end:year}年典型县变化{change:+pct1}（{units:int}个县）。"),
    ("environment.median_change", "*"): (
        "In the typical county, {pressure} changed by {pressure_change:+pct1} and {output} by "
        "{output_change:+pct1} over {start:year}–{end:year}.",
        "{start:year}—{end:year}年，典型县{pressure}变化{pressure_change:+pct1}，{output}变化"
        "{output_change:+pct1}。"),
    # -- audit ---------------------------------------------------------------------------------
    ("audit.summary", "*"): (
        "{alerts:int} alert(s) and {warnings:int} warning(s). An alert is a likely error (such "
        "as a flow entered twice); a warning is a pattern worth a question; neither is proof "
        "of wrongdoing. `pairaid audit` lists the records of each finding.",
        "{alerts:int}项警报、{warnings:int}项提示。警报指很可能的错误（如同一笔资金重复录入）；提示指值得"
        "追问的模式；两者都不是违规的证据。`pairaid audit` 列出每项发现涉及的记录。"),
    ("audit.cost_per_output", "*"): (
        "Median cost per unit of output over {outputs:int} project outputs ({left_out:int} "
        "left out).",
        "基于{outputs:int}项项目产出计算单位产出成本中位数（剔除{left_out:int}项）。"),
    ("audit.cost_outliers", "*"): (
        "{count:int} of {tested:int} project outputs cost far more or less per unit than their "
        "sector norm (robust z beyond {threshold:g3}): check the budget and the output.",
        "{tested:int}项项目产出中有{count:int}项的单位成本远高于或低于行业常态（稳健z分数超过"
        "{threshold:g3}）：请核查预算和产出。"),
    ("audit.disbursement_ratio", "*"): (
        "{count:int} of {pairing_years:int} pairing-years disbursed more than {high:x2} or less "
        "than {low:x2} what was committed (median {median_ratio:f2}).",
        "{pairing_years:int}个结对年中有{count:int}个拨付额超过承诺额的{high:x2}或低于{low:x2}"
        "（中位数{median_ratio:f2}）。"),
    ("audit.disbursement_ratio_by_donor", "*"): (
        "Disbursement ratio by donor and year: {count:int} donor-years listed.",
        "各援助方逐年拨付比例：共{count:int}个援助方年。"),
    ("audit.project_delays", "*"): (
        "{count:int} projects are still ongoing or planned although their planned end has "
        "passed (as of {as_of:year}).",
        "截至{as_of:year}年，有{count:int}个项目已过计划完工年份仍在进行或计划中。"),
    ("audit.output_shortfall", "clean"): (
        "Every completed project's outputs reached at least half of target.",
        "所有已完工项目的产出都达到目标的一半以上。"),
    ("audit.output_shortfall", "flagged"): (
        "{count:int} completed project outputs fell short of half their target.",
        "{count:int}项已完工项目的产出不足目标的一半。"),
    ("audit.budget_overrun", "clean"): (
        "No disbursements are linked to projects, so budget against disbursement cannot be "
        "assessed.",
        "没有资金记录与项目关联，无法比较预算与拨付。"),
    ("audit.budget_overrun", "flagged"): (
        "{count:int} projects received more than their budget.",
        "{count:int}个项目的拨付超出预算。"),
    ("audit.exact_duplicates", "flagged"): (
        "{groups:int} groups of flows ({count:int} rows) are identical in every field but their "
        "reference: likely entered twice, which inflates totals.",
        "{groups:int}组资金记录（{count:int}条）除编号外完全相同：很可能重复录入，会虚增合计。"),
    ("audit.exact_duplicates", "clean"): (
        "No flows are identical in every field but their reference.",
        "没有除编号外完全相同的资金记录。"),
    ("audit.near_duplicates", "*"): (
        "{count:int} pairs of flows of the same pairing, year and kind differ by at most "
        "{tolerance:pct1}: {same_sector:int} in the same sector (likely double entries), "
        "{different_sector:int} in different sectors (often coincidence).",
        "{count:int}对同一结对、年份和类型的资金记录金额相差不超过{tolerance:pct1}：其中{same_sector:int}对"
        "属同一行业（很可能重复录入），{different_sector:int}对属不同行业（多为巧合）。"),
    ("audit.round_numbers", "*"): (
        "{count:int} donor-year(s) of {tests:int} report far more round amounts than chance "
        "allows (p below {alpha:g3}): amounts may be estimates, not payments.",
        "{tests:int}个援助方年中有{count:int}个整数金额远多于随机水平（p低于{alpha:g3}）："
        "金额可能是估计或预算数，而非实际支付。"),
    ("audit.benford_first", "*"): (
        "Benford first-digit test on {n:int} flow amounts: MAD {mad:f4} ({conformity}); "
        "chi-square {chi2:f1} on {df:int} df, p = {p_value:g3}.",
        "对{n:int}笔资金金额的本福特首位数字检验：MAD {mad:f4}（{conformity}）；卡方{chi2:f1}，自由度{df:int}，"
        "p = {p_value:g3}。"),
    ("audit.benford_first_two", "*"): (
        "Benford first-two-digits test on {n:int} flow amounts: MAD {mad:f4} ({conformity}); "
        "chi-square {chi2:f1} on {df:int} df, p = {p_value:g3}.",
        "对{n:int}笔资金金额的本福特前两位数字检验：MAD {mad:f4}（{conformity}）；卡方{chi2:f1}，"
        "自由度{df:int}，p = {p_value:g3}。"),
    ("audit.missing_county_years", "*"): (
        "{count:int} county-year values are missing ({share:pct1} of those expected).",
        "缺失{count:int}个县年数值（占应有数的{share:pct1}）。"),
    ("audit.observations_without_source", "clean"): (
        "Every one of {rows:int} observations names its source.",
        "全部{rows:int}条观测值都注明了来源。"),
    ("audit.observations_without_source", "flagged"): (
        "{count:int} of {rows:int} observations name no source.",
        "{rows:int}条观测值中有{count:int}条没有来源。"),
    ("audit.flows_without_source", "*"): (
        "{count:int} of {rows:int} flows have no source: they cannot be traced.",
        "{rows:int}条资金记录中有{count:int}条没有来源：无法追溯核实。"),
    ("audit.*", "*"): (
        "Check {check}: {count:int} record(s) ({verdict}).",
        "检查项{check}：{count:int}条记录（{verdict}）。"),
    # -- data gaps -----------------------------------------------------------------------------
    ("gaps.intro", "*"): (
        "What the ledger lacks, and who holds it. No public source gives assistance by "
        "recipient county, year and sector, nor outcomes by county beyond the yearbooks; the "
        "figures above are only as complete as the ledger.",
        "台账缺少哪些数据、由谁掌握。目前没有公开来源按受援县、年份和行业列出援助资金，县级结果数据也仅见于"
        "统计年鉴；以上数字的完整程度取决于台账。"),
    ("coverage.flows", "describes"): (
        "Flows are recorded for {with_flows} of {pairings} pairings over {first:year}–{last:year}"
        "; every pairing-year the figures use is recorded or declared complete ({declared} "
        "declared complete without flows: a recorded zero).",
        "{first:year}—{last:year}年，{pairings}个结对中有{with_flows}个记录了资金流；数字所用的每个结对年份"
        "均有记录或已声明完整（其中{declared}个无资金流但声明完整，即记录为零）。"),
    ("coverage.flows", "flagged"): (
        "Flows are recorded for {with_flows} of {pairings} pairings over {first:year}–{last:year}"
        "; {missing} pairing-years are not recorded: their funds are missing, not zero, and the "
        "figures built on flows leave them out ({declared} more are declared complete without "
        "flows).",
        "{first:year}—{last:year}年，{pairings}个结对中有{with_flows}个记录了资金流；{missing}个结对年份"
        "没有记录：其资金为缺失而非零，基于资金流的数字不包含它们（另有{declared}个无资金流但声明完整）。"),
    ("data_gap", "*"): (
        "Not shown — {what}: {message} (the analysis' message, in English).",
        "未能显示——{what}：{message}（分析程序的原文，英文）。"),
    # -- methods -------------------------------------------------------------------------------
    ("methods.money", "*"): (
        "Money: as entered in the ledger, converted with its rates and price indices; here "
        "{basis}.",
        "金额：按台账录入值，用台账汇率和价格指数换算；本报告为{basis}。"),
    ("methods.index", "*"): (
        "Index: indicators normalised and weighted by the bundled spec {spec}; rank intervals "
        "from Monte Carlo re-computation over defensible choices (OECD/JRC handbook).",
        "指数：按内置规格{spec}标准化和赋权；排名区间来自对各种合理选择的蒙特卡洛重算（OECD/JRC手册）。"),
    ("methods.audit", "*"): (
        "Audit: Benford first-digit tests (Nigrini's MAD bands), robust z-scores of cost per "
        "output, duplicate and round-number checks.",
        "审计：本福特首位数字检验（Nigrini MAD区间）、单位产出成本的稳健z分数、重复和整数检查。"),
    ("methods.effects", "*"): (
        "Effects: two-way fixed effects with county-clustered errors (pyfixest, checked against "
        "Stata and R); staggered difference-in-differences by Callaway and Sant'Anna "
        "({cs:year}), checked against R did. Associations unless the stated assumptions hold.",
        "效果：双向固定效应，按县聚类标准误（pyfixest，已与Stata和R核对）；Callaway–Sant'Anna"
        "（{cs:year}）交错双重差分，已与R did核对。除非所述假设成立，结果只是关联。"),
    ("methods.distribution", "*"): (
        "Distribution: population-weighted Gini and Theil indices with exact between/within "
        "decomposition; concentration index ranked by rural income; group cells of fewer than "
        "{k:int} counties suppressed.",
        "分配：人口加权基尼系数与泰尔指数（精确分解为组间/组内）；按农村收入排序的集中指数；"
        "少于{k:int}个县的组别隐去。"),
    ("methods.environment", "*"): (
        "Environment: Tapio ({tapio:year}) decoupling elasticity with thresholds {low:f1} and "
        "{high:f1}.",
        "环境：Tapio（{tapio:year}）脱钩弹性，阈值{low:f1}和{high:f1}。"),
    # -- the verdict page ----------------------------------------------------------------------
    ("card.spending", "*"): (
        "{total} disbursed, {first:year}–{last:year}|{real} at constant {first:year} prices; "
        "{share:pct0} of it to {place}, the largest of {recipients:int} recipients",
        "{first:year}—{last:year}年实际拨付{total}|按{first:year}年不变价格为{real}；其中{share:pct0}"
        "流向{place}，为{recipients:int}个受援地中最多"),
    ("card.effect.causal", "*"): (
        "Elasticity {b:f2} for {outcome}|{ci:pct0} CI {lo:f2} to {hi:f2}; the design checks pass, "
        "so a causal reading is defensible under parallel trends",
        "{outcome}弹性{b:f2}|{ci:pct0}置信区间{lo:f2}至{hi:f2}；研究设计检验通过，在平行趋势假设下可作因果解读"),
    ("card.effect.association", "*"): (
        "Elasticity {b:f2} for {outcome}|{ci:pct0} CI {lo:f2} to {hi:f2}; {warnings:int} design "
        "warning(s) — read it as an association, not a causal effect",
        "{outcome}弹性{b:f2}|{ci:pct0}置信区间{lo:f2}至{hi:f2}；{warnings:int}项研究设计警示——应视为关联而非因果效应"),
    ("card.equity", "*"): (
        "Funds go {verdict} across counties|concentration index {index:+f2} ({ci:pct0} CI {lo:+f2} "
        "to {hi:+f2}) by {rank_by}",
        "资金在各县间{verdict}|按{rank_by}排序的集中指数{index:+f2}（{ci:pct0}置信区间{lo:+f2}至{hi:+f2}）"),
    ("card.dependence", "*"): (
        "Self-financing fell in {falling:int} of {n:int} recipients|median {slope:+pp2} "
        "percentage points a year",
        "{n:int}个受援地中{falling:int}个自给率下降|中位数每年{slope:+pp2}个百分点"),
    ("card.environment", "*"): (
        "{decoupled:int} of {n:int} counties decoupled {pressure} from {output}|"
        "{start:year}–{end:year}, strong or weak decoupling (Tapio)",
        "{n:int}个县中{decoupled:int}个实现{pressure}与{output}脱钩|{start:year}—{end:year}年，"
        "强脱钩或弱脱钩（Tapio）"),
    ("card.audit", "*"): (
        "{alerts:int} alert(s), {warnings:int} warning(s)|{rows:int} flow rows look entered "
        "twice; totals are shown with and without them",
        "{alerts:int}项警报、{warnings:int}项提示|{rows:int}条资金记录疑似重复录入；合计同时列出含与不含重复的数值"),
}

#: the six cards' section names
CARD_TITLES: dict[str, Pair] = {
    "card.spending": ("What was spent, and where", "花了多少钱、花在哪里"),
    "card.effect": ("The effect", "效果"),
    "card.equity": ("Equity across places and groups", "地区和群体间的公平"),
    "card.dependence": ("Dependence", "依赖"),
    "card.environment": ("Environment", "环境"),
    "card.audit": ("Cost and audit", "成本与审计"),
}
