"""Findings about the programme itself: the headline (what was spent, by whom, against what
the places did), the pairing rounds, the index ranks, the data gaps — and the six cards of the
verdict page, each built from the findings of its section."""

from __future__ import annotations

from pairaid.findings import Finding, Number, finding


def headline_findings(summary) -> list[Finding]:
    out = []
    disbursed = summary.figure("funds_disbursed")
    currency = summary.basis.currency
    first, last = (int(x) for x in disbursed.period.split("–"))
    top = summary.funds_by_donor.head(3)
    terms = {f"donors.{i}": (r.name_en, r.name_zh) for i, r in enumerate(top.itertuples())}
    shares = {f"shares.{i}": (r.share, "share", "share") for i, r in enumerate(top.itertuples())}
    out.append(finding("headline.funds_disbursed", "describes", terms,
                       total=(disbursed.value, currency, "money"),
                       real=(disbursed.real, currency, "money"),
                       first=(first, "year", "year"), last=(last, "year", "year"), **shares))
    if summary.duplicate_rows:
        out.append(finding("headline.duplicates", "flagged",
                           rows=(summary.duplicate_rows, "count", "count"),
                           extra=(disbursed.value - disbursed.excluding_duplicates, currency,
                                  "money"),
                           share=(1 - disbursed.excluding_duplicates / disbursed.value, "share",
                                  "share") if disbursed.value else None,
                           clean=(disbursed.excluding_duplicates, currency, "money")))
    for key in ("rural_income_growth", "gdp_multiple"):
        try:
            figure = summary.figure(key)
        except StopIteration:
            continue
        c = figure.comparison
        if not c:
            continue
        y0, y1 = (int(x) for x in c["period"].split("–"))
        unit = "share" if figure.unit == "share" else "ratio"
        out.append(finding(f"headline.comparison.{key}",
                           "rises" if c["paired"] > c["never_paired"] else "falls",
                           paired=(c["paired"], unit, "estimate"),
                           never=(c["never_paired"], unit, "estimate"),
                           paired_units=(c["paired_units"], "count", "count"),
                           never_units=(c["never_paired_units"], "count", "count"),
                           first=(y0, "year", "year"), last=(y1, "year", "year")))
    return out


def where_findings(summary, regions) -> list[Finding]:
    """Where the money went: the recipient prefecture (or corps division) with the largest
    share of disbursements (county recipients counted under their prefecture)."""
    pairs = summary.funds_by_pair
    if not len(pairs) or not pairs["disbursed"].sum():
        return []
    table = regions.set_index("code")
    level, parent = table["level"], table["parent_code"]
    recipient = pairs["recipient"].astype(str)
    recipient = recipient.where(recipient.map(level).ne("county"), recipient.map(parent))
    totals = pairs.groupby(recipient.to_numpy())["disbursed"].sum().sort_values(ascending=False)
    code = str(totals.index[0])
    name = ((str(table.at[code, "name_en"]), str(table.at[code, "name_zh"]))
            if code in table.index else code)
    return [finding("headline.where", "describes", {"place": name},
                    share=(totals.iloc[0] / totals.sum(), "share", "share"),
                    recipients=(len(totals), "count", "count"))]


def funds_trend_findings(summary) -> list[Finding]:
    """Yearly disbursements in the first and the last year with any (the funds chart's title)."""
    by_year = summary.funds_by_year
    paid = by_year[by_year["disbursed"].fillna(0) > 0].sort_values("year")
    if paid.empty:
        return []
    start, end = float(paid["disbursed"].iloc[0]), float(paid["disbursed"].iloc[-1])
    verdict = "rises" if end > start else "falls" if end < start else "no_change"
    currency = summary.basis.currency
    return [finding("headline.funds_trend", verdict,
                    start=(start, currency, "money"), end=(end, currency, "money"),
                    first=(int(paid["year"].iloc[0]), "year", "year"),
                    last=(int(paid["year"].iloc[-1]), "year", "year"))]


def map_findings(key: str, values, year: int, unit=None) -> list[Finding]:
    """The places a map shows highest and lowest: `values` has name_en, name_zh and value
    (one row a place); `unit` the value's unit as a term (English, Chinese)."""
    shown = values.dropna(subset=["value"]).sort_values("value", ascending=False)
    if len(shown) < 2:
        return []
    top, bottom = shown.iloc[0], shown.iloc[-1]
    terms = {"top": (str(top["name_en"]), str(top["name_zh"])),
             "bottom": (str(bottom["name_en"]), str(bottom["name_zh"]))}
    if unit is not None:
        terms["unit"] = unit
    return [finding(key, "describes", terms, high=(float(top["value"]), "", "value"),
                    low=(float(bottom["value"]), "", "value"), year=(year, "year", "year"),
                    places=(len(shown), "count", "count"))]


def timeline_findings(spans, last: int) -> list[Finding]:
    starts = spans["start_year"].astype(int)
    return [finding("timeline.pairings", "describes",
                    n=(len(spans), "count", "count"),
                    rounds=(spans["round"].nunique(), "count", "count"),
                    first=(int(starts.min()), "year", "year"), last=(last, "year", "year"),
                    years=(starts.nunique(), "count", "count"),
                    latest=(int(starts.max()), "year", "year"))]


def rank_findings(sensitivity, last: int, width: float, top) -> list[Finding]:
    return [finding("index.ranks", "describes", {"choice": str(top["choice"])},
                    year=(last, "year", "year"), draws=(sensitivity.draws, "count", "count"),
                    width=(width, "count", "statistic"),
                    total=(float(top["total"]), "", "statistic"))]


def coverage_findings(coverage) -> list[Finding]:
    """What the figures built on flows rest on (`pairaid.coverage.FlowCoverage`): recorded,
    declared complete, or not recorded — missing, not zero."""
    if coverage is None:
        return []
    return [finding("coverage.flows", "describes" if coverage.complete else "flagged",
                    with_flows=(coverage.pairings_with_flows, "count", "count"),
                    pairings=(coverage.pairings, "count", "count"),
                    first=(coverage.year_from, "year", "year"),
                    last=(coverage.year_to, "year", "year"),
                    declared=(coverage.declared_complete, "count", "count"),
                    missing=(coverage.not_recorded, "count", "count"))]


def gap_findings(gaps) -> list[Finding]:
    """A part of the report the ledger could not support: its name and the analysis' own
    message (kept verbatim, labelled as such)."""
    out = []
    for gap in gaps:
        what, _, message = str(gap).partition(": ")
        out.append(finding("data_gap", "missing", {"what": what, "message": message}))
    return out


# -- the verdict page ----------------------------------------------------------------------------
def _pick(findings: list[Finding], prefix: str) -> Finding | None:
    return next((f for f in findings if f.key.startswith(prefix)), None)


def scorecard(found: dict[str, list[Finding]]) -> list[tuple[str, Finding]]:
    """Six cards — (section id, finding) — each with one headline figure, its uncertainty and a
    verdict: spending, effect, equity, dependence, environment, audit."""
    cards = []
    spent = _pick(found.get("headline", []), "headline.funds_disbursed")
    where = _pick(found.get("headline", []), "headline.where")
    if spent is not None:
        v = spent.values
        cards.append(("headline", finding(
            "card.spending", "describes", {**spent.words, **(where.words if where else {})},
            total=v["total"], real=v.get("real"), first=v["first"], last=v["last"],
            share=where.values["share"] if where else None,
            recipients=where.values["recipients"] if where else None)))
    effects = found.get("effects", [])
    estimate = _pick(effects, "elasticity.estimate")
    if estimate is not None:
        v = estimate.values
        pretrend = _pick(effects, "event_study.pretrend")
        design = [f for f in effects if f.key.startswith("design.")]
        bacon = _pick(found.get("designs", []), "bacon.twfe")
        causal = (pretrend is not None and pretrend.verdict == "does_not_reject"
                  and not design and (bacon is None or bacon.verdict == "clean"))
        cards.append(("effects", finding(
            "card.effect." + ("causal" if causal else "association"), estimate.verdict,
            estimate.words, b=v["b"], lo=v["lo"], hi=v["hi"],
            warnings=Number(len(design), "count", "count"))))
    concentration = _pick(found.get("distribution", []), "inequality.concentration")
    if concentration is not None:
        v = concentration.values
        cards.append(("distribution", finding("card.equity", concentration.verdict,
                                              concentration.words, index=v["index"],
                                              lo=v["lo"], hi=v["hi"])))
    trend = _pick(found.get("dependence", []), "dependence.self_financing_trend")
    if trend is not None:
        v = trend.values
        cards.append(("dependence", finding("card.dependence", trend.verdict,
                                            falling=v["falling"], n=v["n"], slope=v["slope"])))
    decoupling = [f for f in found.get("environment", []) if f.key == "environment.decoupling"]
    if decoupling:
        v = decoupling[-1].values
        cards.append(("environment", finding(
            "card.environment", decoupling[-1].verdict, decoupling[-1].words,
            decoupled=Number(v["strong"].value + v["weak"].value, "count", "count"),
            n=v["n"], start=v["start"], end=v["end"])))
    audit = found.get("audit", [])
    summary = _pick(audit, "audit.summary")
    if summary is not None:
        v = summary.values
        doubled = _pick(found.get("headline", []), "headline.duplicates")
        cards.append(("audit", finding(
            "card.audit", summary.verdict, alerts=v["alerts"], warnings=v["warnings"],
            rows=doubled.values["rows"] if doubled else None)))
    return cards
