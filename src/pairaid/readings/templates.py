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
    "intensity": ("funds per person a year over the first years of pairing",
                  "结对初期人均年援助资金"),
    "donor_revenue": ("the paired donor's lagged fiscal revenue per recipient resident",
                      "结对援助方上年财政收入（按受援地常住人口平均）"),
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
    # -- distribution --------------------------------------------------------------------------
    ("inequality.gini", "*"): (
        "Across {units:int} {unit_many} in {year:year} ({dropped:int} without data left out), the "
        "Gini of {value} is {gini:f3}: two people picked at random differ by {gap:f2} times "
        "the mean on average.",
        "{year:year}年{units:int}个{unit_many}（{dropped:int}个无数据的{unit_many}未计入）{value}的基尼系数为{gini:f3}："
        "随机抽取的两人平均相差均值的{gap:f2}倍。"),
    ("inequality.theil_t", "*"): (
        "Theil T {theil:f3}: {between:f3} of it ({share:pct0}) lies between {group}s, the rest "
        "within them.",
        "泰尔指数T为{theil:f3}，其中{between:f3}（{share:pct0}）来自{group}之间，其余来自内部。"),
    ("inequality.theil_l", "*"): (
        "Theil L is undefined: some {unit_many} receive no {value}.",
        "泰尔指数L无定义：部分{unit_many}没有{value}。"),
    ("inequality.concentration", "*"): (
        "Concentration index {index:+f3} ({ci:pct0} CI {lo:+f3} to {hi:+f3}), {unit_many} ranked "
        "by {rank_by}: {value} is {verdict}.",
        "集中指数{index:+f3}（{ci:pct0}置信区间{lo:+f3}至{hi:+f3}，{unit_many}按{rank_by}排序）：{value}{verdict}。"),
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
        "Group rows drawn from fewer than {k:int} {unit_many} are suppressed, with any row that "
        "would reveal them: these are aggregates about places, never records about people.",
        "少于{k:int}个{unit_many}的组别及可据以反推的组别均已隐去：本报告只呈现地区汇总统计，不涉及个人记录。"),
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


# the "rules and alternatives" section's sentences (issue 14), kept in their own module
from pairaid.readings.templates_effects import EFFECT_READINGS  # noqa: E402
from pairaid.readings.templates_policy import POLICY_READINGS  # noqa: E402

READINGS.update(EFFECT_READINGS)
READINGS.update(POLICY_READINGS)
