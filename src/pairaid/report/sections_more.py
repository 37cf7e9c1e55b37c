"""Report sections, second half: effects, distribution, dependence, environment, audit, data
gaps, methods. Same rules as `sections.py`: read results objects, never estimate."""

from __future__ import annotations

import pandas as pd

from pairaid.report.i18n import fmt_number, fmt_pct
from pairaid.report.model import (Chart, Reading, Section, Table, basis_text, pick,
                                  place_names, readings, static)
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
    found = inputs.findings.get("effects", [])
    reading = readings(found, lang, "elasticity.")
    if len(results) > 1 and inputs.outcome == "sai_latent":
        reading.append(static("effects.two_outcomes", lang))
    charts = [Chart("elasticity", "coefficient_plot", coef,
                    finding=pick(found, "elasticity.estimate."))]
    es = inputs.event_study
    if es is not None:
        charts.append(Chart("event_study", "event_study_plot", es.event_path(),
                            reading=readings(found, lang, "event_study."),
                            finding=pick(found, "event_study.att.")))
    if inputs.dose_response is not None:
        charts.append(Chart(
            "dose_response", "dose_response_plot", inputs.dose_response.dose_response(),
            {"dose_unit": say(lang, "mean CNY per person a year, first years of pairing",
                              "结对初期人均年援助资金（元）")},
            reading=readings(found, lang, "dose_response."),
            finding=pick(found, "dose_response.slope")))
    notes = readings(found, lang, "design.")
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
        reading += readings(inputs.findings.get("designs", []), lang, "bacon.")
    if sc is not None:
        names = place_names(inputs, lang)
        charts.append(Chart("synthetic_control", "synthetic_control_plot",
                            sc.path()[["time", "actual", "counterfactual"]],
                            {"treat_time": float(sc.treat_time), "outcome": sc.outcome},
                            reading=readings(inputs.findings.get("designs", []), lang,
                                             "synth."),
                            finding=pick(inputs.findings.get("designs", []), "synth.gap")))
        tables.append(Table("synthetic_weights", [say(lang, "Comparison unit", "对照单位"),
                                                  say(lang, "Weight", "权重")],
                            [[(names.get(str(r.unit), str(r.unit)), None),
                              (f"{r.weight:.3f}", r.weight)]
                             for r in sc.weights().itertuples() if r.weight > 0.0005],
                            sc.weights()))
    if not reading:
        reading.append(static("designs.intro", lang))
    return Section("designs", title("designs", lang), reading, charts, tables)


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
    found = inputs.findings.get("distribution", [])
    charts = [Chart("lorenz", "lorenz_curves",
                    pd.concat(curves)[["curve", "population_share", "cumulative_share"]],
                    finding=pick(found, "inequality.concentration"))]
    split = [(year, part, getattr(each.decompositions.get("theil_t"), part))
             for year, each in inputs.inequality_by_year.items() if "theil_t" in each.decompositions
             for part in ("between", "within")]
    if split:
        charts.append(Chart("theil", "theil_decomposition",
                            pd.DataFrame(split, columns=["year", "component", "value"]),
                            finding=pick(found, "inequality.theil_t")))
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
            {"share": True, "value_title": word("funds_share", lang)},
            finding=_widest_band(found)))
    reading = readings(found, lang)
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
    reading = readings(inputs.findings.get("dependence", []), lang)
    return Section("dependence", title("dependence", lang), reading,
                   [Chart("dependence", "dependence_lines", lines[["year", "series", "value"]],
                          finding=pick(inputs.findings.get("dependence", []),
                                       "dependence.self_financing_trend"))])


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
    reading = readings(inputs.findings.get("environment", []), lang)
    return Section("environment", title("environment", lang), reading,
                   [Chart("decoupling", "decoupling_scatter", points,
                          {"prices": basis_text(inputs.environment_prices, lang)
                           if inputs.environment_prices is not None else ""},
                          finding=pick(inputs.findings.get("environment", []),
                                       "environment.decoupling"))])


def _audit(inputs, lang: str) -> Section | None:
    report = inputs.audit
    if report is None:
        return None
    counts = pd.DataFrame([{"check": CHECKS_ZH.get(f.check, f.check) if lang == "zh" else
                            f.check, "count": f.count} for f in report.flagged if f.count])
    name = (lambda key: CHECKS_ZH.get(key, key)) if lang == "zh" else (lambda key: key)
    found = inputs.findings.get("audit", [])
    by_check = {f.key.removeprefix("audit."): f for f in found}
    rows = [[(name(f.check), None), (name(f.severity), None), (fmt_number(f.count, lang), f.count),
             (_tagged(by_check[f.check], lang), None)]
            for f in report.findings if f.severity != "info" or f.count]
    table = Table("audit", [word(k, lang) for k in ("check", "severity", "count", "finding")],
                  rows, report.tidy())
    charts = ([Chart("audit_counts", "audit_counts", counts,
                     finding=pick(found, "audit.summary"))] if len(counts) else [])
    benford = report.by_check("benford_first") if "benford_first" in report.checks else None
    if benford is not None and len(benford.records):
        charts.append(Chart("benford", "benford_bars",
                            benford.records[["digit", "observed", "expected"]],
                            finding=pick(found, "audit.benford_first")))
    costs = _cost_chart(report, pick(found, "audit.cost_outliers"))
    if costs is not None:
        charts.append(costs)
    reading = readings(found, lang, "audit.summary")
    return Section("audit", title("audit", lang), reading, charts, [table])


def _indicator(code: str, lang: str) -> str:
    """An indicator's name in the report's language, with its ledger code kept verbatim."""
    from pairaid.readings import TERMS

    name = TERMS.get(code)
    return f"{name[1 if lang == 'zh' else 0]} ({code})" if name else code


def _tagged(found, lang: str):
    """A finding's sentence for a table cell, tagged with its key and verdict as a paragraph
    is (so the languages can be compared cell by cell too)."""
    from markupsafe import Markup, escape

    from pairaid.readings import render

    return Markup(f'<span data-finding="{escape(found.key)}" data-verdict="{found.verdict}">'
                  f"{render(found, lang)}</span>")


def _widest_band(found):
    """The group whose share of funds differs most from its share of people (the group
    chart's title)."""
    bands = [f for f in found if f.key == "inequality.group.band"]
    return max(bands, key=lambda f: abs(f.values["funds"].value - f.values["people"].value),
               default=None)


def _cost_chart(report, finding=None) -> Chart | None:
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
    return Chart("cost_per_output", "cost_per_output", frame, {"currency": currency},
                 finding=finding)


def _gaps(inputs, lang: str) -> Section:
    rows = []
    report = inputs.audit
    if report is not None and "missing_county_years" in report.checks:
        stats = report.by_check("missing_county_years").stats
        for item in stats.get("by_indicator", []):
            if item["missing"]:
                rows.append([(_indicator(item["indicator"], lang), None),
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
                               columns=["item", "missing", "who_could_publish"]), stack=True)
    reading = [static("gaps.intro", lang)] + readings(inputs.findings.get("gaps", []), lang)
    return Section("gaps", title("gaps", lang), reading, tables=[table])


def _methods(inputs, lang: str) -> Section:
    from pairaid.distribution.environment import HIGH, LOW

    def sentence(key: str, terms: dict | None = None, **numbers) -> Reading:
        return static(key, lang, terms, **numbers)

    basis = tuple(basis_text(inputs.summary.basis, each) for each in ("en", "zh"))
    items = [
        sentence("methods.money", {"basis": basis}),
        sentence("methods.index", {"spec": str(inputs.specs.get("index"))}),
        sentence("methods.effects", cs=(2021, "year", "year")),
        sentence("methods.distribution", k=(3, "count", "threshold")),
        sentence("methods.environment", tapio=(2005, "year", "year"),
                 low=(LOW, "", "threshold"), high=(HIGH, "", "threshold")),
        sentence("methods.audit"),
    ]
    if inputs.synthetic:
        items.insert(0, Reading(word("synthetic_banner", lang)))
    return Section("methods", title("methods", lang), items)
