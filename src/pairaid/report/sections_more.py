"""Report sections, second half: effects, distribution, dependence, environment, audit, data
gaps, methods. Same rules as `sections.py`: read results objects, never estimate."""

from __future__ import annotations

import pandas as pd

from pairaid.report.i18n import fmt_number, fmt_pct
from pairaid.report.model import Chart, Section, Table, basis_text, place_names
from pairaid.report.text import CHECKS_ZH, say, title, word

#: who could publish each missing series (for the data-gaps section)
PUBLISHERS = {
    "flows": ("each donor province's counterpart-assistance office (annual fund lists by "
              "recipient county and sector)", "各援助省市对口支援办公室（按受援县和行业的年度资金清单）"),
    "outcomes": ("the Xinjiang statistics bureau and corps statistics bureau (county yearbooks)",
                 "新疆维吾尔自治区统计局和兵团统计局（县级统计年鉴）"),
    "projects": ("recipient county development and reform commissions (project lists with "
                 "budgets and outputs)", "受援县发展改革委（含预算和产出的项目清单）"),
}


def _estimate_row(result, label: str, lang: str) -> list[tuple[str, object]]:
    row = result.tidy().iloc[0]
    return [(label, None), (result.outcome, None), (f"{row['estimate']:.3f}", row["estimate"]),
            (f"{row['conf_low']:.3f} – {row['conf_high']:.3f}", None),
            (fmt_number(result.nobs, lang), result.nobs)]


def _effects(inputs, lang: str) -> Section | None:
    other = (say(lang, "Latent index (demo)", "潜在指数（演示）")
             if inputs.outcome == "sai_latent" else inputs.outcome)
    results = [(r, name) for r, name in
               ((inputs.elasticity, say(lang, "Built index", "合成指数")),
                (inputs.elasticity_outcome, other))
               if r is not None]
    if not results:
        return None
    coef = pd.DataFrame([{"label": name, "estimate": r.elasticity,
                          "conf_low": r.conf_int().iloc[0, 0], "conf_high": r.conf_int().iloc[0, 1]}
                         for r, name in results])
    table = Table("elasticity", [say(lang, "Outcome", "结果变量"), say(lang, "Column", "变量"),
                                 say(lang, "Elasticity", "弹性"), word("ci", lang),
                                 say(lang, "Observations", "观测数")],
                  [_estimate_row(r, name, lang) for r, name in results],
                  pd.concat([r.tidy().assign(outcome=r.outcome) for r, _ in results]))
    first = results[0][0]
    reading = [say(lang,
                   "How outcomes moved with assistance, net of everything constant within a "
                   "county and everything common to a year (two-way fixed effects, errors "
                   "clustered by county). " + first.interpretation,
                   "在控制县固定效应和年份固定效应（按县聚类标准误）后，结果变量随援助资金变化的幅度。"
                   f"弹性{first.elasticity:.3f}表示资金每增加10%，结果变量约变化"
                   f"{(1.1 ** first.elasticity - 1):.1%}。这只是关联：只有在固定效应之外资金与其他冲击无关"
                   "（无随时间变化的混杂、无反向因果）时才可解读为因果效应，数据本身无法检验这一点。")]
    if len(results) > 1 and inputs.outcome == "sai_latent":
        reading.append(say(
            lang, "Two outcomes are shown because they answer different questions: the built "
                  "index rescales each indicator to 0–1 before weighting, so a 1 % change in it "
                  "is not a 1 % change in the underlying conditions the demo planted.",
            "这里给出两个结果变量：合成指数先把每个指标缩放到0–1再加权，因此其1%的变化并不等于演示数据中"
            "植入的潜在条件的1%变化。"))
    charts = [Chart("elasticity", "coefficient_plot", coef)]
    es = inputs.event_study
    if es is not None:
        charts.append(Chart("event_study", "event_study_plot", es.event_path(),
                            reading=es.interpretation if lang != "zh" else _event_zh(es)))
    notes = []
    if inputs.dose_response is not None:
        charts.append(Chart(
            "dose_response", "dose_response_plot", inputs.dose_response.dose_response(),
            {"dose_unit": say(lang, "mean CNY per person a year, first 3 years of pairing",
                              "结对前3年人均年援助资金（元）")},
            reading=inputs.dose_response.interpretation if lang != "zh" else _DOSE_ZH))
    if inputs.design_warnings:
        notes = [f"{word('design_warnings', lang)}: {w}" for w in inputs.design_warnings]
    return Section("effects", title("effects", lang), reading, charts, [table], notes)


def _designs(inputs, lang: str) -> Section | None:
    """Checks on the design: what the TWFE estimate mixes, and one unit against its synthetic
    comparison."""
    bacon, sc = inputs.bacon, inputs.synthetic_control
    if bacon is None and sc is None:
        return None
    reading, charts, tables = [], [], []
    if bacon is not None:
        types = bacon.by_type()
        rows = [[(CHECKS_ZH.get(r.type, r.label) if lang == "zh" else r.label, None),
                 (fmt_pct(r.weight, lang), r.weight),
                 (f"{r.estimate:+.4f}", r.estimate), (str(r.comparisons), None)]
                for r in types.itertuples()]
        tables.append(Table("bacon", [say(lang, "Comparison", "比较类型"),
                                      say(lang, "Weight", "权重"), word("estimate", lang),
                                      say(lang, "2×2 comparisons", "2×2比较数")], rows, bacon.tidy()))
        reading.append(bacon.interpretation if lang != "zh" else
                       f"双向固定效应估计值{bacon.twfe_estimate:+.4f}是若干2×2双重差分的加权平均；其中"
                       f"{fmt_pct(bacon.forbidden_weight, lang)}的权重来自以已受援单位为对照的比较，"
                       "若效果随时间变化，这类比较会使估计产生偏差，应优先采用CS、SA或did2s估计量。")
    if sc is not None:
        names = place_names(inputs, lang)
        where = names.get(sc.treated, sc.treated)
        about = say(lang, f"The county shown is {where} ({sc.treated}), the most populous of the "
                          "latest pairing cohort, so that the most years before pairing are there "
                          "to fit on. ",
                    f"所示为{where}（{sc.treated}），即最晚结对批次中人口最多的县，使结对前有最多年份用于拟合。")
        meaning = sc.interpretation if lang != "zh" else (
            f"合成控制：以从未结对的单位加权构造{where}的对照。结对后实际值与对照值之差平均为"
            f"{sc.effect:+.4f}；安慰剂检验 p = {sc.p_value:.3f}。只有在没有溢出、同期无其他冲击时，"
            "该差距才是因果效应；它只涉及这一个单位。")
        charts.append(Chart("synthetic_control", "synthetic_control_plot",
                            sc.path()[["time", "actual", "counterfactual"]],
                            {"treat_time": float(sc.treat_time), "outcome": sc.outcome},
                            reading=about + meaning))
        tables.append(Table("synthetic_weights", [say(lang, "Comparison unit", "对照单位"),
                                                  say(lang, "Weight", "权重")],
                            [[(names.get(str(r.unit), str(r.unit)), None),
                              (f"{r.weight:.3f}", r.weight)]
                             for r in sc.weights().itertuples() if r.weight > 0.0005],
                            sc.weights()))
    if not reading:
        reading.append(say(lang, "One county against a weighted mix of never-paired units.",
                           "单个县与从未结对单位的加权组合比较。"))
    return Section("designs", title("designs", lang), reading, charts, tables)


_DOSE_ZH = ("剂量反应：按援助强度（结对前3年人均资金）分组，与未受援单位比较的效果及其置信区间。每组的估计是"
            "该剂量单位的平均效果；组间差异和斜率只有在更强的平行趋势假设下才是“多给资金的效果”。")


def _event_zh(es) -> str:
    agg = es.aggregations["simple"]
    test = es.pretrend
    text = (f"Callaway–Sant'Anna 交错双重差分：处理后结果平均变化{agg.estimate:+.4f}"
            f"（标准误{agg.std_error:.4f}），相对于从未受援的单位。只有在平行趋势假设成立时才是因果效应。")
    if test is not None:
        verdict = "拒绝" if test.p_value < 0.05 else "不拒绝"
        text += f"处理前趋势检验 p = {test.p_value:.4f}，在5%水平{verdict}处理前趋势相同的假设。"
    return text


def _distribution(inputs, lang: str) -> Section | None:
    result = inputs.inequality
    if result is None:
        return None
    lorenz = result.lorenz.assign(curve=say(lang, "funds (Lorenz)", "资金（洛伦兹曲线）"))
    curves = [lorenz.rename(columns={"value_share": "cumulative_share"})]
    if result.concentration_curve is not None:
        curves.append(result.concentration_curve.rename(columns={"value_share": "cumulative_share"})
                      .assign(curve=say(lang, "funds, counties ranked by rural income",
                                        "资金（按农村收入排序）")))
    charts = [Chart("lorenz", "lorenz_curves",
                    pd.concat(curves)[["curve", "population_share", "cumulative_share"]])]
    decomposition = result.decompositions.get("theil_t")
    split = [(year, part, getattr(each.decompositions.get("theil_t"), part))
             for year, each in inputs.inequality_by_year.items() if "theil_t" in each.decompositions
             for part in ("between", "within")]
    if split:
        charts.append(Chart("theil", "theil_decomposition",
                            pd.DataFrame(split, columns=["year", "component", "value"])))
    tables = []
    groups = inputs.inequality_groups
    if groups is not None and groups.group_table is not None:
        shown = groups.group_table.table
        k = groups.group_table.k if hasattr(groups.group_table, "k") else 3
        rows = [[(str(r.group), None),
                 (fmt_number(r.n_units, lang) if not r.suppressed else "—", None),
                 (fmt_pct(r.population_share, lang) if not r.suppressed else
                  word("suppressed", lang, k=k), None),
                 (fmt_pct(r.value_share, lang) if not r.suppressed else "—", None)]
                for r in shown.itertuples()]
        tables.append(Table("groups", [say(lang, "Census minority share of the county",
                                            "县人口普查少数民族占比"), word("units", lang),
                                       word("population_share", lang), word("funds_share", lang)],
                            rows, shown))
        charts.append(Chart("groups", "group_bars", pd.DataFrame(
            {"group": shown["group"].astype(str), "value": shown["value_share"],
             "population": shown["population_share"],
             "suppressed": shown["suppressed"].astype(str).ne("")}),
            {"share": True, "value_title": word("funds_share", lang)}))
    reading = list(result.interpretation().values()) if lang != "zh" else [
        f"基尼系数{result.gini:.3f}；泰尔指数T {result.theil_t:.3f}"
        + (f"，其中{decomposition.between_share:.0%}来自地州之间。" if decomposition else "。")
        + (f"集中指数{result.concentration_index:.3f}（按农村收入排序；负值表示资金偏向收入较低的县）。"
           if result.concentration is not None else "")]
    reading.append(say(lang, "Group rows drawn from fewer than 3 counties are suppressed, with "
                             "any row that would reveal them: these are aggregates about places, "
                             "never records about people.",
                       "少于3个县的组别及可据以反推的组别均已隐去：本报告只呈现地区汇总统计，不涉及个人记录。"))
    return Section("distribution", title("distribution", lang), reading, charts, tables)


def _dependence(inputs, lang: str) -> Section | None:
    result = inputs.dependence
    if result is None:
        return None
    by_year = result.by_year
    series = {"median_share_of_expenditure": say(lang, "assistance / local spending (median)",
                                                 "援助/地方支出（中位数）"),
              "median_self_financing": say(lang, "own revenue / spending (median)",
                                           "自有收入/支出（中位数）")}
    lines = by_year.melt(id_vars="year", value_vars=list(series), var_name="series")
    lines["series"] = lines["series"].map(series)
    reading = result.readings() if lang != "zh" else [
               "援助占受援地地方财政支出的比重和自有收入覆盖支出的比例（中位数，逐年）。比重越高、"
               "自给率越低，援助减少时受援地越难维持现有支出。"]
    return Section("dependence", title("dependence", lang), reading,
                   [Chart("dependence", "dependence_lines", lines[["year", "series", "value"]])])


def _environment(inputs, lang: str) -> Section | None:
    result = inputs.environment
    if result is None:
        return None
    table = result.decoupling
    names = inputs.county.frame.drop_duplicates("unit").set_index("unit")[
        "name_zh" if lang == "zh" else "name_en"]
    points = pd.DataFrame({"unit": table["unit"].map(names).fillna(table["unit"]),
                           "output_change": table["output_change"],
                           "pressure_change": table["pressure_change"],
                           "state": table["state"]})
    reading = result.readings() if lang != "zh" else [
               "每个点是一个县：横轴为农业产出增长，纵轴为农业取水增长。落在弹性0.8线以下的县实现了"
               "（弱或强）脱钩：产出增长快于资源压力。"]
    return Section("environment", title("environment", lang), reading,
                   [Chart("decoupling", "decoupling_scatter", points,
                          {"prices": basis_text(inputs.environment_prices, lang)
                           if inputs.environment_prices is not None else ""})])


def _audit(inputs, lang: str) -> Section | None:
    report = inputs.audit
    if report is None:
        return None
    counts = pd.DataFrame([{"check": CHECKS_ZH.get(f.check, f.check) if lang == "zh" else
                            f.check, "count": f.count} for f in report.flagged if f.count])
    name = (lambda key: CHECKS_ZH.get(key, key)) if lang == "zh" else (lambda key: key)
    rows = [[(name(f.check), None), (name(f.severity), None), (fmt_number(f.count, lang), f.count),
             (f.message, None)] for f in report.findings if f.severity != "info" or f.count]
    table = Table("audit", [word(k, lang) for k in ("check", "severity", "count", "finding")],
                  rows, report.tidy())
    charts = [Chart("audit_counts", "audit_counts", counts)] if len(counts) else []
    benford = report.by_check("benford_first") if "benford_first" in report.checks else None
    if benford is not None and len(benford.records):
        charts.append(Chart("benford", "benford_bars",
                            benford.records[["digit", "observed", "expected"]]))
    costs = _cost_chart(report)
    if costs is not None:
        charts.append(costs)
    alerts = sum(f.severity == "alert" for f in report.findings)
    warnings_ = sum(f.severity == "warning" for f in report.findings)
    reading = [say(lang,
                   f"{alerts} alert(s) and {warnings_} warning(s). An alert is a likely error "
                   "(such as a flow entered twice); a warning is a pattern worth a question "
                   "(costs far from their sector norm, round numbers, missing sources); neither "
                   "is proof of wrongdoing. Each finding lists its records in `pairaid audit`.",
                   f"{alerts}项警报、{warnings_}项提示。警报指很可能的错误（如同一笔资金重复录入）；提示指值得"
                   "追问的模式（单位成本偏离行业常态、整数金额过多、缺少来源）；两者都不是违规的证据。"
                   "`pairaid audit` 列出每项发现涉及的记录。")]
    return Section("audit", title("audit", lang), reading, charts, [table])


def _cost_chart(report) -> Chart | None:
    """The audit's cost-per-output table, with how many outputs of each it flags (issue 10)."""
    if "cost_per_output" not in report.checks:
        return None
    table = report.by_check("cost_per_output").records
    if table is None or not len(table):
        return None
    keys = ["sector", "indicator", "unit"]
    flagged = (report.by_check("cost_outliers").records.groupby(keys).size().rename("flagged")
               if "cost_outliers" in report.checks else pd.Series(dtype=int, name="flagged"))
    table = table.merge(flagged.reset_index(), on=keys, how="left") if len(flagged) else \
        table.assign(flagged=0)
    frame = pd.DataFrame({
        "output": table["indicator"].str.replace("_", " ") + " (" + table["unit"] + ", "
        + table["sector"].astype(str) + ")",
        "median_cost": table["median_cost"], "projects": table["projects"],
        "flagged": table["flagged"].fillna(0).astype(int)})
    currency = str(table["currency"].iloc[0]) if "currency" in table.columns else "CNY"
    return Chart("cost_per_output", "cost_per_output", frame, {"currency": currency})


def _gaps(inputs, lang: str) -> Section:
    rows = []
    report = inputs.audit
    if report is not None and "missing_county_years" in report.checks:
        stats = report.by_check("missing_county_years").stats
        for item in stats.get("by_indicator", []):
            if item["missing"]:
                rows.append([(item["indicator"], None),
                             (f"{item['missing']} / {item['expected']}", item["missing"]),
                             (say(lang, *PUBLISHERS["outcomes"]), None)])
    if report is not None and "flows_without_source" in report.checks:
        count = report.by_check("flows_without_source").count
        if count:
            rows.append([(say(lang, "flows without a source", "无来源的资金记录"), None),
                         (fmt_number(count, lang), count), (say(lang, *PUBLISHERS["flows"]), None)])
    if report is not None and "budget_overrun" in report.checks:
        rows.append([(say(lang, "flows linked to projects", "资金与项目的对应关系"), None),
                     (say(lang, "none linked", "均未对应"), None),
                     (say(lang, *PUBLISHERS["projects"]), None)])
    table = Table("gaps", [word("indicator", lang), word("missing", lang),
                           word("who_could_publish", lang)], rows,
                  pd.DataFrame([[c[0] for c in r] for r in rows],
                               columns=["item", "missing", "who_could_publish"]))
    reading = [say(lang,
                   "What the ledger lacks, and who holds it. No public source gives assistance "
                   "by recipient county, year and sector, nor outcomes by county beyond the "
                   "yearbooks; the figures above are only as complete as the ledger.",
                   "台账缺少哪些数据、由谁掌握。目前没有公开来源按受援县、年份和行业列出援助资金，"
                   "县级结果数据也仅见于统计年鉴；以上数字的完整程度取决于台账。")]
    reading += [f"{g}" for g in inputs.gaps]
    return Section("gaps", title("gaps", lang), reading, tables=[table])


def _methods(inputs, lang: str) -> Section:
    items = [
        say(lang, "Money: as entered in the ledger, converted with its rates and price indices; "
                  f"here {basis_text(inputs.summary.basis, lang)}.",
            f"金额：按台账录入值，用台账汇率和价格指数换算；本报告为{basis_text(inputs.summary.basis, lang)}。"),
        say(lang, "Index: indicators normalised and weighted by the bundled spec "
                  f"('{inputs.specs.get('index')}'); rank intervals from Monte Carlo "
                  "re-computation over defensible choices (OECD/JRC handbook).",
            f"指数：按内置规格（“{inputs.specs.get('index')}”）标准化和赋权；排名区间来自对各种合理选择的"
            "蒙特卡洛重算（OECD/JRC手册）。"),
        say(lang, "Effects: two-way fixed effects with county-clustered errors (pyfixest, checked "
                  "against Stata and R); staggered difference-in-differences by Callaway and "
                  "Sant'Anna (2021), checked against R did. Associations unless the stated "
                  "assumptions hold.",
            "效果：双向固定效应，按县聚类标准误（pyfixest，已与Stata和R核对）；Callaway–Sant'Anna (2021) "
            "交错双重差分，已与R did核对。除非所述假设成立，结果只是关联。"),
        say(lang, "Distribution: population-weighted Gini and Theil indices with exact "
                  "between/within decomposition; concentration index ranked by rural income; "
                  "group cells of fewer than 3 counties suppressed.",
            "分配：人口加权基尼系数与泰尔指数（精确分解为组间/组内）；按农村收入排序的集中指数；少于3个县的组别隐去。"),
        say(lang, "Environment: Tapio (2005) decoupling elasticity with thresholds 0.8 and 1.2.",
            "环境：Tapio (2005) 脱钩弹性，阈值0.8和1.2。"),
        say(lang, "Audit: Benford first-digit tests (Nigrini's MAD bands), robust z-scores of "
                  "cost per output, duplicate and round-number checks.",
            "审计：本福特首位数字检验（Nigrini MAD区间）、单位产出成本的稳健z分数、重复和整数检查。"),
    ]
    if inputs.synthetic:
        items.insert(0, word("synthetic_banner", lang))
    return Section("methods", title("methods", lang), items)
