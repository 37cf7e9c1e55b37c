"""The report's sections: for each, a plain-language reading, the charts (with the exact table
behind each) and the tables, all taken from the results objects `collect` produced.

Nothing here estimates anything. The only arithmetic is presentation: unit scaling for display,
sorting, and sums that regroup a published table (county → prefecture) for a chart; the table
behind every chart is written next to it as CSV so a reader can check it."""

from __future__ import annotations

import pandas as pd

from pairaid.report.i18n import fmt_money, fmt_number, fmt_pct, money_unit
from pairaid.report.model import (Chart, Section, Table, basis_text, money_scale,
                                  place_names)
from pairaid.report.sections_more import (_audit, _dependence, _designs, _distribution,
                                          _effects, _environment, _gaps, _methods)
from pairaid.report.text import FIGURE_LABELS_ZH, UNITS_ZH, say, title, word


def build_sections(inputs, lang: str) -> list[Section]:
    """Every section in reading order (a section the ledger cannot support is left out)."""
    parts = [_headline, _timeline, _pairings, _maps, _index, _effects, _designs, _distribution,
             _dependence, _environment, _audit, _gaps, _methods]
    return [section for part in parts if (section := part(inputs, lang)) is not None]


# -- headline ----------------------------------------------------------------------------------
def _figure_text(value: float | None, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value:.2f}×" if value >= 1.5 else f"{value:.2f}"
    if unit in ("share", "per year"):
        return fmt_pct(value, lang) + (say(lang, " a year", "/年") if unit == "per year" else "")
    if unit in ("CNY", "USD", "EUR"):
        return fmt_money(value, unit, lang)
    shown = UNITS_ZH.get(unit, unit) if lang == "zh" else unit
    if unit == "CNY per person":
        return f"{fmt_number(value, lang)} {shown}"
    return fmt_number(value, lang) + ("" if unit == "count" else f" {shown}")


def _headline(inputs, lang: str) -> Section:
    s = inputs.summary
    rows, raw = [], []
    for f in s.figures:
        label = FIGURE_LABELS_ZH.get(f.key, f.label) if lang == "zh" else f.label
        published = ""
        if f.published:
            try:
                published = _figure_text(float(f.published.get("value")), f.unit, lang)
            except (TypeError, ValueError):  # a published figure in words ("doubled")
                published = str(f.published.get("value", ""))
            published += f" ({f.published.get('period', '')}; {f.published.get('source', '')})"
            if f.published.get("ledger_value") is not None:
                same = _figure_text(f.published["ledger_value"], f.unit, lang)
                published += (f"; {word('ledger_same_period', lang)} "
                              f"{f.published['ledger_period']}: {same}")
        rows.append([(label, None), (_figure_text(f.value, f.unit, lang), f.value),
                     (f.period, None),
                     (f.source + (f"; {f.note}" if f.note else ""), None), (published, None)])
        raw.append({"key": f.key, "label": f.label, "value": f.value, "unit": f.unit,
                    "period": f.period, "basis": f.basis, "source": f.source,
                    "published_value": (f.published or {}).get("value"),
                    "published_period": (f.published or {}).get("period")})
    table = Table("headline", [word(k, lang) for k in ("figure", "ledger", "period", "source",
                                                        "published")],
                  rows, pd.DataFrame(raw),
                  caption=f"{word('basis', lang)}: {basis_text(s.basis, lang)}")
    scale = money_scale(lang)
    by_year = s.funds_by_year.melt(id_vars="year", value_vars=["committed", "disbursed"],
                                   var_name="kind", value_name="amount")
    by_year["kind"] = by_year["kind"].map({"committed": "commitment", "disbursed": "disbursement"})
    disbursed, currency = s.figure("funds_disbursed"), s.basis.currency
    top = s.funds_by_donor.head(3)
    names = top["name_zh" if lang == "zh" else "name_en"].tolist()
    shares = [fmt_pct(v, lang) for v in top["share"]]
    reading = [say(
        lang,
        f"Over {disbursed.period} the ledger records {fmt_money(disbursed.value, currency, lang)}"
        f" of assistance disbursed ({basis_text(s.basis, lang)}). The three largest donors, "
        f"{', '.join(names)}, "
        f"gave {', '.join(shares)} of it. Each figure below names its period and source; where "
        "the programme published a figure, the ledger's value over the same period stands "
        "beside it so like is compared with like.",
        f"{disbursed.period}年台账记录的实际拨付援助资金为{fmt_money(disbursed.value, currency, lang)}"
        f"（{basis_text(s.basis, lang)}）。前三大援助方{ '、'.join(names)}分别占{ '、'.join(shares)}。"
        "下表每个数字都注明期间和来源；凡有官方公开数字的，旁列台账同期数值以便对比。")]
    return Section("headline", title("headline", lang), reading,
                   [Chart("funds_by_year", "funds_by_year", by_year,
                          {"currency": s.basis.currency, "scale": scale})], [table])


# -- timeline and pairings ---------------------------------------------------------------------
def _timeline(inputs, lang: str) -> Section:
    names = place_names(inputs, lang)
    spans = inputs.pairings.copy()
    spans["donor"] = spans["donor"].map(names).fillna(spans["donor"])
    spans["recipient"] = spans["recipient"].map(names).fillna(spans["recipient"])
    # an open pairing (no end year) runs to the ledger's last year
    last = inputs.summary.year_to
    spans["end_year"] = spans["end_year"].astype("Float64").fillna(last).astype(int)
    first = int(spans["start_year"].min())
    starts = spans["start_year"].value_counts().sort_index()
    staggered = ", ".join(f"{int(y)}: {n}" for y, n in starts.items())
    reading = [say(
        lang,
        f"{len(spans)} pairings in {spans['round'].nunique()} round(s), running from {first} to "
        f"{last}. Pairings started in these years (year: pairings): {staggered}. Late starts "
        "matter for the effect estimates below: they are what a staggered comparison uses.",
        f"共{len(spans)}个结对关系，{spans['round'].nunique()}轮，时间从{first}年到{last}年。"
        f"各年开始的结对数（年份：个数）：{staggered}。开始时间不同正是下文交错比较所依赖的。")]
    return Section("timeline", title("timeline", lang), reading,
                   [Chart("rounds_timeline", "rounds_timeline",
                          spans[["donor", "recipient", "round", "start_year", "end_year"]],
                          {"last_year": last})])


def _pairings(inputs, lang: str) -> Section:
    names = place_names(inputs, lang)
    parent = inputs.regions.set_index("code")["parent_code"]
    level = inputs.regions.set_index("code")["level"]
    pairs = inputs.summary.funds_by_pair.copy()
    # county recipients are shown under their prefecture so the diagram stays readable
    county = pairs["recipient"].map(level).eq("county")
    pairs.loc[county, "recipient"] = pairs.loc[county, "recipient"].map(parent)
    flows = pairs.groupby(["donor", "recipient"], as_index=False)["disbursed"].sum()
    unit = money_unit(money_scale(lang), inputs.summary.basis.currency, lang)
    flows = flows.assign(donor=flows["donor"].map(names).fillna(flows["donor"]),
                         recipient=flows["recipient"].map(names).fillna(flows["recipient"]),
                         amount=flows["disbursed"])[["donor", "recipient", "amount"]]
    reading = [say(
        lang,
        f"Each line joins a donor (left) to the recipient prefecture or corps division (right) "
        f"it funds; its width is the money disbursed over the whole period ({unit}). "
        f"{flows['donor'].nunique()} donors fund {flows['recipient'].nunique()} recipients.",
        f"每条线连接一个援助方（左）和它支援的地州或兵团师（右），线宽为全期实际拨付金额（{unit}）。"
        f"{flows['donor'].nunique()}个援助方支援{flows['recipient'].nunique()}个受援地。")]
    return Section("pairings", title("pairings", lang), reading,
                   [Chart("pairing_flows", "pairing_flows", flows,
                          {"currency": inputs.summary.basis.currency})])


# -- maps --------------------------------------------------------------------------------------
def _maps(inputs, lang: str) -> Section:
    from pairaid.report.geo import prefecture_features

    boundaries = prefecture_features()
    frame = inputs.prefecture.frame
    paid = frame[frame["funds_per_capita"].fillna(0) > 0]
    year = int(paid["year"].max()) if len(paid) else int(frame["year"].max())
    names = "name_zh" if lang == "zh" else "name_en"
    latest = frame[frame["year"] == year]
    funds = pd.DataFrame({"code": latest["unit"].astype(str), "name": latest[names],
                          "value": latest["funds_per_capita"],
                          "total": latest["funds_disbursement"]})
    charts = [Chart("map_funds", "choropleth", funds,
                    {"features": boundaries, "title_id": "choropleth.funds_per_capita",
                     "unit": "unit.per_capita", "year": year})]
    reading = [say(
        lang,
        f"Prefectures coloured by assistance disbursed per resident in {year}. Units that "
        "received nothing in the ledger (the capital and the corps' own budget lines, for "
        "example) show zero, not missing.",
        f"各地州按{year}年人均实际拨付援助资金着色。台账中未获援助的单位显示为零，而非缺失。")]
    if inputs.index is not None:
        scores = inputs.index.table
        last = int(scores["time"].max())
        at = scores[scores["time"] == last].merge(
            latest[["unit", names]].rename(columns={names: "name"}), on="unit", how="left")
        index_frame = pd.DataFrame({"code": at["unit"].astype(str), "name": at["name"],
                                    "value": at["score"]})
        charts.append(Chart("map_index", "choropleth", index_frame,
                            {"features": boundaries, "title_id": "choropleth.index_score",
                             "unit": "unit.score", "digits": 3, "year": last}))
        reading.append(say(lang, f"The second map shows the sustainable-agriculture index in "
                                 f"{last} (higher is better; see the next section for how sure "
                                 "the ranks are).",
                           f"第二幅图为{last}年可持续农业指数（越高越好；排名的可信程度见下一节）。"))
    return Section("maps", title("maps", lang), reading, charts)


# -- the index ---------------------------------------------------------------------------------
def _index(inputs, lang: str) -> Section | None:
    if inputs.sensitivity is None:
        return None
    table = inputs.sensitivity.table
    last = int(table["time"].max())
    names = inputs.prefecture.frame.drop_duplicates("unit").set_index("unit")[
        "name_zh" if lang == "zh" else "name_en"]
    at = table[table["time"] == last]
    ranks = pd.DataFrame({"unit": at["unit"].map(names).fillna(at["unit"].astype(str)),
                          "median_rank": at["median_rank"], "rank_low": at["rank_q05"],
                          "rank_high": at["rank_q95"]}).sort_values("median_rank")
    shifts = inputs.sensitivity.indices
    shifts = shifts[shifts["output"] == "mean_rank_shift"].sort_values("total", ascending=False)
    top = shifts.iloc[0]
    width = float(at["interval_width"].median())
    reading = [say(
        lang,
        f"The index combines the indicators named in the methods section (spec "
        f"'{inputs.specs.get('index')}'). Each dot is a prefecture's median rank in {last} over "
        f"{inputs.sensitivity.draws:,} re-computations with other defensible choices "
        f"(imputation, normalisation, weighting, aggregation); the bar spans the 5–95 % range. "
        f"The typical range is {width:.0f} ranks wide: ranks closer than that are not "
        f"distinguishable. The choice that moves ranks most is the {top['choice']} "
        f"(total sensitivity index {top['total']:.2f}).",
        f"指数由方法部分列出的指标合成（规格“{inputs.specs.get('index')}”）。每个点是某地州{last}年"
        f"在{inputs.sensitivity.draws:,}次采用其他合理选择（缺失处理、标准化、赋权、汇总）重算后的"
        f"排名中位数；横条为5%–95%区间。区间中位宽度为{width:.0f}个名次：相差不到这个数的排名无法区分。"
        f"对排名影响最大的选择是{top['choice']}（总敏感性指数{top['total']:.2f}）。")]
    return Section("index", title("index", lang), reading,
                   [Chart("rank_intervals", "rank_intervals", ranks)])



__all__ = ["Chart", "Section", "Table", "build_sections"]
