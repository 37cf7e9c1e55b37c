"""The sentences of the effect estimates and their designs (elasticity, IV, event study,
dose-response, Goodman-Bacon, synthetic control, design warnings), English and Chinese side by
side; merged into `pairaid.readings.templates.READINGS` (kept apart so each module stays small).
Units are terms (``{unit_one}``, ``{unit_many}``: county, prefecture or unit), so one sentence
serves a county panel, a prefecture panel and a user's table."""

from __future__ import annotations

Pair = tuple[str, str]

_Q = "the data do not test that"

EFFECT_READINGS: dict[tuple[str, str], Pair] = {
    # -- effects -------------------------------------------------------------------------------
    ("elasticity.estimate.drop", "*"): (
        "{outcome}: net of what is constant within a {unit_one} and what is common to a year "
        "(two-way fixed effects, errors clustered by {cluster_one}), {ten_in:pct0} more "
        "{treatment} "
        "goes with a {ten:+pct1} change (elasticity {b:f3}, {ci:pct0} CI {lo:f3} to {hi:f3}: "
        "{verdict}). Sample: {nobs:int} {unit_one}-years in {clusters:int} {cluster_many}, "
        "{first:year}–{last:year}. Left out: {dropped_treatment:int} {unit_one}-years without "
        "funds and {dropped_outcome:int} with a non-positive outcome, because a logarithm of "
        "zero does not exist — so this is the intensive margin only: how outcomes move with "
        "more or less money among {unit_many} that receive some. It is an association: it reads "
        "as the effect only if funds are unrelated to other shocks to the outcome; " + _Q + ".",
        "{outcome}：扣除{unit_one}内不变因素和各年共同因素（双向固定效应，按{cluster_one}聚类标准误）后，"
        "{treatment}"
        "每高{ten_in:pct0}，结果变化{ten:+pct1}（弹性{b:f3}，{ci:pct0}置信区间{lo:f3}至{hi:f3}：{verdict}）。"
        "样本：{clusters:int}个{cluster_many}的{nobs:int}个{unit_one}年，{first:year}—{last:year}年。剔除了"
        "{dropped_treatment:int}个无援助资金的{unit_one}年和{dropped_outcome:int}个结果非正的{unit_one}年，"
        "因为零没有对数——因此这只是集约边际：在获得援助的{unit_many}之间，资金多少与结果的关系。这是关联：只有当资金与结果的其他冲击无关时才是效果；"
        "数据无法检验这一点。"),
    ("elasticity.estimate.log1p", "*"): (
        "{outcome}: elasticity {b:f3} ({ci:pct0} CI {lo:f3} to {hi:f3}: {verdict}) on log(1 + x), "
        "zeros kept; {nobs:int} {unit_one}-years in {clusters:int} {cluster_many}, {first:year}–"
        "{last:year}. An association; " + _Q + ".",
        "{outcome}：对log(1+x)的弹性{b:f3}（{ci:pct0}置信区间{lo:f3}至{hi:f3}：{verdict}），保留零值；"
        "{clusters:int}个{cluster_many}的{nobs:int}个{unit_one}年，{first:year}—{last:year}年。这是关联，数据无法检验因果。"),
    ("elasticity.estimate.none", "*"): (
        "{outcome}: one more unit of {treatment} goes with {b:g3} more ({ci:pct0} CI {lo:g3} to "
        "{hi:g3}: {verdict}); {nobs:int} observations in {clusters:int} clusters, "
        "{first:year}–{last:year}. An association; " + _Q + ".",
        "{outcome}：{treatment}每增加一个单位，结果增加{b:g3}（{ci:pct0}置信区间{lo:g3}至{hi:g3}：{verdict}）；"
        "{clusters:int}个聚类的{nobs:int}个观测，{first:year}—{last:year}年。这是关联，数据无法检验因果。"),
    ("elasticity.estimate.written_logs", "*"): (
        "{outcome}: with the logs the formula writes, {ten_in:pct0} more {treatment} goes with "
        "a {ten:+pct1} change (elasticity {b:f3}, {ci:pct0} CI {lo:f3} to {hi:f3}: {verdict}); "
        "{nobs:int} observations in {clusters:int} {cluster_many}, {first:year}–{last:year}; "
        "rows whose log is undefined are left out. An association; " + _Q + ".",
        "{outcome}：按公式所写取对数，{treatment}每高{ten_in:pct0}，结果变化{ten:+pct1}（弹性{b:f3}，"
        "{ci:pct0}置信区间{lo:f3}至{hi:f3}：{verdict}）；{clusters:int}个{cluster_many}的{nobs:int}个观测，"
        "{first:year}—{last:year}年；无法取对数的行已剔除。这是关联，数据无法检验因果。"),
    ("event_study.att.never", "*"): (
        "Staggered difference-in-differences ({estimator}): after pairing, {outcome} "
        "changed by {att:+g3} on average relative to never-paired units ({level:pct0} CI "
        "{lo:+g3} to {hi:+g3}: {verdict}). Sample: {units:int} units with the outcome in every "
        "year {first:year}–{last:year}, {never:int} of them never paired; {dropped:int} units "
        "missing a year are left out because the estimator needs a balanced panel. A causal "
        "effect only under parallel trends; an average over the cohorts and years observed.",
        "交错双重差分（{estimator}）：结对后{outcome}相对于从未结对的单位平均变化{att:+g3}"
        "（{level:pct0}置信区间{lo:+g3}至{hi:+g3}：{verdict}）。样本：{first:year}—{last:year}年每年都有"
        "结果数据的{units:int}个单位，其中{never:int}个从未结对；{dropped:int}个缺少某些年份的单位被剔除，"
        "因为该估计量需要平衡面板。只有在平行趋势假设成立时才是因果效应；它是所观测批次和年份的平均。"),
    ("event_study.att.notyet", "*"): (
        "Staggered difference-in-differences ({estimator}): after pairing, {outcome} changed by "
        "{att:+g3} on "
        "average relative to units not yet paired ({level:pct0} CI {lo:+g3} to {hi:+g3}: "
        "{verdict}); {units:int} units, {first:year}–{last:year}, {dropped:int} left out "
        "(unbalanced). Causal only under parallel trends.",
        "交错双重差分（{estimator}）：结对后{outcome}相对于尚未结对的单位平均变化{att:+g3}（{level:pct0}置信区间"
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
    ("event_study.mde", "*"): (
        "Minimum detectable effect: with this design (units, cohorts, the outcome's noise) an "
        "average effect of {mde:g3} or more would be detected with {power:pct0} power at the "
        "{alpha:pct0} level; the estimate is {att:+g3} ({verdict}).",
        "最小可检测效应：在此设计下（单位、批次、结果变量的噪声），{mde:g3}及以上的平均效应能以"
        "{power:pct0}的功效在{alpha:pct0}水平上被检测到；估计值为{att:+g3}（{verdict}）。"),
    ("event_study.mde", "covers_zero"): (
        "Minimum detectable effect: {mde:g3} ({power:pct0} power, {alpha:pct0} level). The "
        "estimate {att:+g3} is not significant, and an effect smaller than {mde:g3} could not "
        "have been told apart from none: \"not significant\" does not mean \"no effect\".",
        "最小可检测效应：{mde:g3}（功效{power:pct0}，{alpha:pct0}水平）。估计值{att:+g3}不显著，而小于"
        "{mde:g3}的效应本就无法与零区分：“不显著”并不等于“没有效应”。"),
    ("event_study.mde.noisy", "*"): (
        "Minimum detectable effect: {mde:g3} ({power:pct0} power, {alpha:pct0} level). The "
        "estimate {att:+g3} exceeds it yet is not significant: the data are noisy around it.",
        "最小可检测效应：{mde:g3}（功效{power:pct0}，{alpha:pct0}水平）。估计值{att:+g3}超过它却不显著："
        "数据在其周围噪声较大。"),
    ("event_study.honest.rm", "*"): (
        "Robustness to violations of parallel trends (Rambachan–Roth relative magnitudes): the "
        "effect at event time {first:int} ({effect:+g3}, CI {lo:+g3} to {hi:+g3}) stays "
        "significant as long as the difference in trends after pairing changes by at most "
        "{breakdown:g3} times the largest change between consecutive years before it "
        "(breakdown value M̄).",
        "对平行趋势偏离的稳健性（Rambachan–Roth相对幅度）：事件时间{first:int}的效应（{effect:+g3}，"
        "置信区间{lo:+g3}至{hi:+g3}）保持显著，只要结对后趋势差异的变化不超过结对前相邻年份间最大"
        "变化的{breakdown:g3}倍（临界值M̄）。"),
    ("event_study.honest.rm", "covers_zero"): (
        "Robustness to violations of parallel trends (Rambachan–Roth relative magnitudes): the "
        "effect at event time {first:int} ({effect:+g3}, CI {lo:+g3} to {hi:+g3}) is not "
        "significant even if trends were exactly parallel, so there is no robustness to "
        "measure.",
        "对平行趋势偏离的稳健性（Rambachan–Roth相对幅度）：事件时间{first:int}的效应（{effect:+g3}，"
        "置信区间{lo:+g3}至{hi:+g3}）即使在趋势完全平行时也不显著，因此无从衡量稳健性。"),
    ("event_study.honest.sd", "*"): (
        "Robustness to smooth violations of parallel trends (Rambachan–Roth smoothness): the "
        "effect at event time {first:int} ({effect:+g3}, CI {lo:+g3} to {hi:+g3}) stays "
        "significant as long as the slope of the difference in trends changes by at most "
        "{breakdown:g3} a year (breakdown value M).",
        "对平行趋势平滑偏离的稳健性（Rambachan–Roth平滑性）：事件时间{first:int}的效应（{effect:+g3}，"
        "置信区间{lo:+g3}至{hi:+g3}）保持显著，只要趋势差异的斜率每年变化不超过{breakdown:g3}"
        "（临界值M）。"),
    ("event_study.honest.sd", "covers_zero"): (
        "Robustness to smooth violations of parallel trends (Rambachan–Roth smoothness): the "
        "effect at event time {first:int} ({effect:+g3}, CI {lo:+g3} to {hi:+g3}) is not "
        "significant even if trends were exactly parallel, so there is no robustness to "
        "measure.",
        "对平行趋势平滑偏离的稳健性（Rambachan–Roth平滑性）：事件时间{first:int}的效应（{effect:+g3}，"
        "置信区间{lo:+g3}至{hi:+g3}）即使在趋势完全平行时也不显著，因此无从衡量稳健性。"),
    ("event_study.honest_average.rm", "*"): (
        "Robustness to violations of parallel trends (Rambachan–Roth relative magnitudes): the "
        "average effect over event times {first:int}–{last:int} ({effect:+g3}, CI {lo:+g3} to "
        "{hi:+g3}) stays significant as long as the difference in trends after pairing changes by "
        "at most {breakdown:g3} times the largest change between consecutive years before it "
        "(breakdown value M̄).",
        "对平行趋势偏离的稳健性（Rambachan–Roth相对幅度）：事件时间{first:int}至{last:int}的平均效应"
        "（{effect:+g3}，置信区间{lo:+g3}至{hi:+g3}）保持显著，只要结对后趋势差异的变化不超过结对前"
        "相邻年份间最大变化的{breakdown:g3}倍（临界值M̄）。"),
    ("event_study.honest_average.rm", "covers_zero"): (
        "Robustness to violations of parallel trends (Rambachan–Roth relative magnitudes): the "
        "average effect over event times {first:int}–{last:int} ({effect:+g3}, CI {lo:+g3} to "
        "{hi:+g3}) is not significant even if trends were exactly parallel.",
        "对平行趋势偏离的稳健性（Rambachan–Roth相对幅度）：事件时间{first:int}至{last:int}的平均效应"
        "（{effect:+g3}，置信区间{lo:+g3}至{hi:+g3}）即使在趋势完全平行时也不显著。"),
    ("event_study.honest_average.sd", "*"): (
        "Robustness to smooth violations of parallel trends (Rambachan–Roth smoothness): the "
        "average effect over event times {first:int}–{last:int} ({effect:+g3}, CI {lo:+g3} to "
        "{hi:+g3}) stays significant as long as the slope of the difference in trends changes by "
        "at most {breakdown:g3} a year (breakdown value M).",
        "对平行趋势平滑偏离的稳健性（Rambachan–Roth平滑性）：事件时间{first:int}至{last:int}的平均效应"
        "（{effect:+g3}，置信区间{lo:+g3}至{hi:+g3}）保持显著，只要趋势差异的斜率每年变化不超过"
        "{breakdown:g3}（临界值M）。"),
    ("event_study.honest_average.sd", "covers_zero"): (
        "Robustness to smooth violations of parallel trends (Rambachan–Roth smoothness): the "
        "average effect over event times {first:int}–{last:int} ({effect:+g3}, CI {lo:+g3} to "
        "{hi:+g3}) is not significant even if trends were exactly parallel.",
        "对平行趋势平滑偏离的稳健性（Rambachan–Roth平滑性）：事件时间{first:int}至{last:int}的平均效应"
        "（{effect:+g3}，置信区间{lo:+g3}至{hi:+g3}）即使在趋势完全平行时也不显著。"),
    ("dose_response.slope", "*"): (
        "Dose-response: per unit more of the dose ({dose}), {outcome} changed by {slope:+g3} "
        "more after treatment ({ci:pct0} CI "
        "{lo:+g3} to {hi:+g3}: {verdict}); {per_sd:+g3} per standard deviation of the dose. "
        "Sample: {nobs:int} {unit_one}-years of {units:int} {unit_many}, {first:year}–"
        "{last:year}; "
        "{dosed:int} of them received a dose, the others are the untreated comparison.",
        "剂量反应：剂量（{dose}）每多一个单位，处理后{outcome}多变化{slope:+g3}（{ci:pct0}置信区间"
        "{lo:+g3}至{hi:+g3}：{verdict}）；剂量每高一个标准差，变化{per_sd:+g3}。样本：{units:int}个{unit_many}的"
        "{nobs:int}个{unit_one}年，{first:year}—{last:year}年；其中{dosed:int}个获得了援助，其余为未受援对照。"),
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
        "Synthetic control for {unit} ({code}), the most populous {unit_one} of the latest "
        "cohort: after {after:year}, {outcome} was on average {gap:+g4} against a weighted mix "
        "of {donors:int} never-paired units, fitted on the years from {first:year} until "
        "pairing in {after:year} (fit before: "
        "RMSPE {pre:g3}; after: {post:g3}; the data run to {last:year}). Placebo p = "
        "{p:g3} over {placebos:int} units (it cannot be below {floor:g3}): {verdict} no effect "
        "at {alpha:pct0}. A causal gap only without spill-overs or other shocks to this one "
        "{unit_one}.",
        "合成控制：{unit}（{code}），最晚批次中人口最多的{unit_one}。{after:year}年后，{outcome}相对于从未结对"
        "{donors:int}个单位的加权组合平均为{gap:+g4}（以{first:year}年至{after:year}年结对前的各年拟合，拟合期RMSPE {pre:g3}；"
        "之后{post:g3}；数据至{last:year}年）。安慰剂检验p = {p:g3}，"
        "共{placebos:int}个单位（不可能低于{floor:g3}）：在{alpha:pct0}水平{verdict}无效果的假设。只有在没有溢出、"
        "该{unit_one}没有其他冲击时，这一差距才是因果效应。"),
    ("synth.gap.given", "*"): (
        "Synthetic control for {unit} ({code}): from {after:year}, {outcome} was on average "
        "{gap:+g4} against a weighted mix of {donors:int} comparison {unit_many}, fitted on "
        "{first:year} until {after:year} (fit before: RMSPE {pre:g3}; after: {post:g3}; the "
        "data run to {last:year}). Placebo p = {p:g3} over {placebos:int} {unit_many} (it "
        "cannot be below {floor:g3}): {verdict} no effect at {alpha:pct0}. A causal gap only "
        "without spill-overs or other shocks to this one {unit_one}.",
        "合成控制：{unit}（{code}）。自{after:year}年起，{outcome}相对于{donors:int}个对照{unit_many}的加权组合"
        "平均为{gap:+g4}（以{first:year}年至{after:year}年之前的各年拟合，拟合期RMSPE {pre:g3}；之后{post:g3}；"
        "数据至{last:year}年）。安慰剂检验p = {p:g3}，共{placebos:int}个{unit_many}（不可能低于{floor:g3}）："
        "在{alpha:pct0}水平{verdict}无效果的假设。只有在没有溢出、该{unit_one}没有其他冲击时，这一差距才是因果效应。"),
    ("iv.estimate", "*"): (
        "Instrumenting {treatment} by {instrument}, the two-stage least squares estimate for "
        "{outcome} is {b:g3} ({level:pct0} CI {lo:g3} to {hi:g3}: {verdict}; {nobs:int} "
        "observations). It reads as the causal effect only if the instrument moves the outcome "
        "through the treatment alone and is as good as random given the fixed effects; with "
        "one instrument " + _Q + ".",
        "以{instrument}作为{treatment}的工具变量，{outcome}的两阶段最小二乘估计为{b:g3}（{level:pct0}置信区间"
        "{lo:g3}至{hi:g3}：{verdict}；{nobs:int}个观测）。只有当工具变量仅通过处理变量影响结果、且在控制固定"
        "效应后近似随机时，它才是因果效应；只有一个工具变量时，数据无法检验这一点。"),
    ("iv.first_stage", "clean"): (
        "The first stage is strong (F {f:f1}, at least {threshold:g3}); the Anderson–Rubin "
        "{level:pct0} interval, valid however weak the instrument, is {ar_lo:g3} to {ar_hi:g3}.",
        "第一阶段较强（F = {f:f1}，不低于{threshold:g3}）；无论工具变量强弱都有效的Anderson–Rubin "
        "{level:pct0}区间为{ar_lo:g3}至{ar_hi:g3}。"),
    ("iv.first_stage", "flagged"): (
        "The first stage is weak (F {f:f1}, below {threshold:g3}): the interval above cannot be "
        "trusted; only the Anderson–Rubin {level:pct0} interval, {ar_lo:g3} to {ar_hi:g3}, is "
        "valid.",
        "第一阶段较弱（F = {f:f1}，低于{threshold:g3}）：上述区间不可信；只有Anderson–Rubin {level:pct0}"
        "区间（{ar_lo:g3}至{ar_hi:g3}）有效。"),
}
