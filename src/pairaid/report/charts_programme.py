"""Charts of the programme itself: money by year, pairing rounds, donor → recipient flows, map.

Import them from :mod:`pairaid.report.charts`.
"""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd

from pairaid.report.chart_style import (MISSING_GREY, MUTED, OKABE_ITO, SEQUENTIAL, InlineRows,
                                        categories,
                                        finish, is_narrow, legend_orient, require, values, width,
                                        years)
from pairaid.report.i18n import (LABELS, check_lang, currency_name, fmt_money, fmt_number,
                                 label, label_or_text, money_unit)

_JOIN = {"en": ", ", "zh": "、"}


def _money_title(currency: str, lang: str) -> str:
    return label("axis.amount", lang, unit=currency_name(currency, lang))


def _kind_label(kind: str, lang: str) -> str:
    return label(f"kind.{kind}", lang) if f"kind.{kind}" in LABELS else str(kind)


def funds_by_year(df: pd.DataFrame, lang: str = "en", *, currency: str = "CNY",
                  scale: float = 1e8, stacked: bool = False, subtitle: str | None = None,
    title: str | None = None):
    """Bars of funds by year and kind of flow.

    ``df``: ``year``, ``kind`` (flow kind code, e.g. ``disbursement``, or any text), ``amount`` in
    units of ``currency``; drawn in units of ``scale`` (1e8 CNY: 亿元). Kinds are grouped side by
    side (commitments and disbursements are the same money, not parts of a sum); ``stacked=True``
    for kinds that add up (e.g. sectors).
    """
    lang = check_lang(lang)
    require(df, ["year", "kind", "amount"], "funds_by_year")
    table = df.groupby(["year", "kind"], as_index=False, sort=True)["amount"].sum()
    table["year"] = table["year"].astype(int)
    table["kind_label"] = [_kind_label(k, lang) for k in table["kind"]]
    table["shown"] = table["amount"] / scale
    table["amount_text"] = [fmt_money(v, currency, lang) for v in table["amount"]]
    unit = money_unit(scale, currency, lang)
    kinds = list(dict.fromkeys(table["kind_label"]))
    colour = alt.Color("kind_label:N", title=label("funds_by_year.kind", lang),
                       scale=categories(kinds), legend=alt.Legend(orient="bottom"))
    encoding = dict(
        x=alt.X("year:O", title=label("axis.year", lang),
                axis=alt.Axis(labelAngle=-90 if is_narrow() else 0)),
        y=alt.Y("shown:Q", title=label("axis.amount", lang, unit=unit), stack=stacked or None),
        color=colour,
        tooltip=[alt.Tooltip("year:O", title=label("axis.year", lang)),
                 alt.Tooltip("kind_label:N", title=label("funds_by_year.kind", lang)),
                 alt.Tooltip("amount_text:N", title=_money_title(currency, lang))])
    if not stacked:
        encoding["xOffset"] = alt.XOffset("kind_label:N", sort=kinds)
    chart = alt.Chart(values(table)).mark_bar().encode(**encoding).properties(width=width(),
                                                                              height=280)
    first, last = years(table["year"])
    peak = table.groupby("year")["amount"].sum().max() if stacked else table["amount"].max()
    text = label("alt.funds_by_year", lang, first=first, last=last, unit=unit,
                 max=fmt_money(peak, currency, lang))
    return finish(chart, "funds_by_year.title", text, lang,
                  subtitle or label("sub.funds_by_year", lang, unit=unit), title=title)


def rounds_timeline(df: pd.DataFrame, lang: str = "en", *, last_year: int | None = None,
                    subtitle: str | None = None,
    title: str | None = None):
    """Gantt-like bars: one row per donor, one bar per pairing round (first to last year).

    ``df``: ``donor``, ``recipient``, ``round`` (e.g. 2010), ``start_year``, ``end_year``
    (missing: running, drawn to ``last_year``, default the latest year in the table). A bar
    covers its years whole: from the start of ``start_year`` to the end of ``end_year``.
    """
    lang = check_lang(lang)
    require(df, ["donor", "recipient", "round", "start_year", "end_year"], "rounds_timeline")
    table = df.copy()
    open_end = last_year if last_year is not None else int(
        np.nanmax(table[["start_year", "end_year"]].to_numpy(dtype=float)))
    table["end_year"] = table["end_year"].fillna(open_end)
    table["round"] = table["round"].astype(str)
    rows = (table.groupby(["donor", "round"], sort=False)
            .agg(start=("start_year", "min"), end=("end_year", "max"),
                 recipients=("recipient", lambda s: _JOIN[lang].join(dict.fromkeys(map(str, s)))))
            .reset_index())
    rows["start"] = rows["start"].astype(int)
    rows["end"] = rows["end"].astype(int)
    rows["end_edge"] = rows["end"] + 1
    donors = list(rows.sort_values(["start", "donor"])["donor"].drop_duplicates())
    rounds = sorted(rows["round"].unique())
    chart = alt.Chart(values(rows)).mark_bar(height={"band": 0.7}).encode(
        y=alt.Y("donor:N", sort=donors, title=label("axis.donor", lang)),
        x=alt.X("start:Q", title=label("axis.year", lang), scale=alt.Scale(zero=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        x2="end_edge:Q",
        color=alt.Color("round:N", title=label("rounds_timeline.round", lang),
                        scale=categories(rounds), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("donor:N", title=label("axis.donor", lang)),
                 alt.Tooltip("round:N", title=label("rounds_timeline.round", lang)),
                 alt.Tooltip("start:Q", title=label("rounds_timeline.start", lang), format="d"),
                 alt.Tooltip("end:Q", title=label("rounds_timeline.end", lang), format="d"),
                 alt.Tooltip("recipients:N", title=label("rounds_timeline.recipients", lang))],
    ).properties(width=width(), height=alt.Step(18))
    text = label("alt.rounds_timeline", lang, n=len(donors), first=int(rows["start"].min()),
                 last=int(rows["end"].max()))
    return finish(chart, "rounds_timeline.title", text, lang,
                  subtitle or label("sub.rounds_timeline", lang), title=title)


def _scale_to_fit(totals: np.ndarray, height: float, gap: float, slot: float) -> float:
    """Largest pixels-per-unit k with Σ max(total·k, slot) + gaps ≤ height (bisection)."""
    room = height - gap * (len(totals) - 1)
    low, high = 0.0, room / totals.sum()
    for _ in range(60):
        k = (low + high) / 2
        low, high = (k, high) if np.maximum(totals * k, slot).sum() <= room else (low, k)
    return low


def _flow_layout(table: pd.DataFrame, height: float, gap: float, slot: float = 0.0):
    """Node extents and link end points in pixels (y down) for a two-column flow diagram.

    Each node sits in a slot at least ``slot`` pixels high (room for its label); its bar stays
    proportional to its amount, centred in the slot.
    """
    donors = table.groupby("donor", sort=False)["amount"].sum().sort_values(ascending=False)
    d_pos = {d: i for i, d in enumerate(donors.index)}
    # recipients in the order of the donors that fund them (barycentre): fewer crossings
    bary = (table.assign(p=table["donor"].map(d_pos) * table["amount"])
            .groupby("recipient", sort=False)[["p", "amount"]].sum())
    recipients = (bary["p"] / bary["amount"]).sort_values(kind="stable")
    r_totals = table.groupby("recipient")["amount"].sum().reindex(recipients.index)
    k = min(_scale_to_fit(donors.to_numpy(), height, gap, slot),
            _scale_to_fit(r_totals.to_numpy(), height, gap, slot))

    def nodes(totals: pd.Series) -> pd.DataFrame:
        h = totals.to_numpy() * k
        room = np.maximum(h, slot)
        start = np.concatenate([[0.0], np.cumsum(room + gap)[:-1]])
        start += (height - (start[-1] + room[-1])) / 2  # centre the shorter column
        top = start + (room - h) / 2
        return pd.DataFrame({"name": totals.index, "top": top, "bottom": top + h,
                             "amount": totals.to_numpy()})

    left, right = nodes(donors), nodes(r_totals)
    r_pos = {r: i for i, r in enumerate(r_totals.index)}
    links = table.assign(w=table["amount"] * k, dp=table["donor"].map(d_pos),
                         rp=table["recipient"].map(r_pos))
    links = links.sort_values(["dp", "rp"])
    links["y0"] = left.set_index("name")["top"].reindex(links["donor"]).to_numpy() + \
        links.groupby("donor")["w"].cumsum().to_numpy() - links["w"].to_numpy() / 2
    links = links.sort_values(["rp", "dp"])
    links["y1"] = right.set_index("name")["top"].reindex(links["recipient"]).to_numpy() + \
        links.groupby("recipient")["w"].cumsum().to_numpy() - links["w"].to_numpy() / 2
    return left, right, links.sort_values(["dp", "rp"]).reset_index(drop=True)


def flow_label(name: str, lang: str) -> str:
    """A place's name short enough for a phone's flow diagram: "Kizilsu Kirghiz Autonomous
    Prefecture" → "Kizilsu", "XPCC 3rd Division" → "XPCC 3rd", 新疆生产建设兵团第三师 → 兵团第三师,
    克孜勒苏柯尔克孜自治州 → 克孜勒苏 (the tooltip keeps the full name)."""
    if lang == "zh":
        short = name.replace("新疆生产建设兵团", "兵团")
        return re.sub(r"(蒙古|回族|哈萨克|柯尔克孜)?(自治州|地区)$", "", short) or short
    words = name.split(" ")
    return " ".join(words[:2]) if words[0] == "XPCC" else words[0]


def pairing_flows(df: pd.DataFrame, lang: str = "en", *, currency: str = "CNY",
                  height: int | None = None, subtitle: str | None = None,
    title: str | None = None):
    """Donors (left) → recipients (right), links as bands whose width is proportional to amount.

    ``df``: ``donor``, ``recipient`` (names as they should be printed), ``amount`` in units of
    ``currency``. Positions are computed here (Vega-Lite has no sankey); each link is an area of
    constant vertical thickness along a smooth S-curve. Hovering a link highlights its donor's
    links.
    """
    lang = check_lang(lang)
    require(df, ["donor", "recipient", "amount"], "pairing_flows")
    table = df.groupby(["donor", "recipient"], as_index=False, sort=False)["amount"].sum()
    table = table[table["amount"] > 0]
    if table.empty:
        raise ValueError("pairing_flows: no positive amounts to draw")
    n = max(table["donor"].nunique(), table["recipient"].nunique())
    slot = 15.0 if lang == "zh" else 13.0
    height = max(height or 240, 26 * n, int((slot + 4) * n) + 20)
    left, right, links = _flow_layout(table, float(height), gap=4.0, slot=slot)
    # a phone gets short names (and the room a chart without axes has): with the full names
    # ("Kizilsu Kirghiz Autonomous Prefecture") the two label columns were wider than the plot
    for side in (left, right):
        side["label"] = ([flow_label(str(s), lang) for s in side["name"]] if is_narrow()
                         else side["name"].astype(str))
    char = 13 if lang == "zh" else 7
    label_w = {side: 8 + char * max(len(str(s)) for s in frame["label"])
               for side, frame in (("l", left), ("r", right))}
    node_w, plot_w = 10, width() + (70 if is_narrow() else 0)
    x_left, x_right = label_w["l"], plot_w - label_w["r"] - node_w
    steps = np.linspace(0.0, 1.0, 21)
    ease = steps * steps * (3 - 2 * steps)
    pts = links.loc[np.repeat(links.index, len(steps))].reset_index(drop=True)
    pts["x"] = x_left + node_w + np.tile(steps, len(links)) * (x_right - x_left - node_w)
    centre = pts["y0"] + (pts["y1"] - pts["y0"]) * np.tile(ease, len(links))
    half = np.maximum(pts["w"], 0.75) / 2  # keep hairline links visible
    pts["top"], pts["bottom"] = centre - half, centre + half
    pts["link"] = np.repeat(np.arange(len(links)), len(steps))
    for column in ("x", "top", "bottom"):
        pts[column] = pts[column].round(1)
    links["amount_text"] = [fmt_money(v, currency, lang) for v in links["amount"]]
    links["link"] = np.arange(len(links))
    donors = list(left["name"])
    hover = alt.selection_point(fields=["donor"], on="pointerover", clear="pointerout",
                                name="donor_hover")
    tip = [alt.Tooltip("donor:N", title=label("axis.donor", lang)),
           alt.Tooltip("recipient:N", title=label("axis.recipient", lang)),
           alt.Tooltip("amount_text:N", title=_money_title(currency, lang))]
    # a band of constant vertical thickness, as in a sankey (a trail would thin on slopes)
    link_layer = alt.Chart(values(pts[["link", "x", "top", "bottom"]])).transform_lookup(
        lookup="link", from_=alt.LookupData(values(links[["link", "donor", "recipient",
                                                          "amount_text"]]), "link",
                                            ["donor", "recipient", "amount_text"]),
    ).mark_area().encode(
        x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("top:Q", scale=None, axis=None, stack=None),
        y2="bottom:Q", detail="link:N",
        color=alt.Color("donor:N", scale=categories(donors), legend=None),
        opacity=alt.condition(hover, alt.value(0.75), alt.value(0.4)), tooltip=tip,
    ).add_params(hover)
    nodes = pd.concat([left.assign(side="l", x=x_left, anchor=x_left - 4, align="right"),
                       right.assign(side="r", x=x_right, anchor=x_right + node_w + 4,
                                    align="left")], ignore_index=True)
    nodes["x2"] = nodes["x"] + node_w
    nodes["mid"] = (nodes["top"] + nodes["bottom"]) / 2
    nodes["amount_text"] = [fmt_money(v, currency, lang) for v in nodes["amount"]]
    node_tip = [alt.Tooltip("name:N", title=label("axis.unit", lang)),
                alt.Tooltip("amount_text:N", title=_money_title(currency, lang))]
    base = alt.Chart(values(nodes))
    node_layer = base.mark_rect(color=MUTED).encode(
        x=alt.X("x:Q", scale=None), x2="x2:Q", y=alt.Y("top:Q", scale=None), y2="bottom:Q",
        tooltip=node_tip)
    text_layers = [base.transform_filter(alt.datum.side == side).mark_text(
        align=align, baseline="middle", fontSize=11 if lang == "en" else 12).encode(
        x=alt.X("anchor:Q", scale=None), y=alt.Y("mid:Q", scale=None), text="label:N",
        tooltip=node_tip) for side, align in (("l", "right"), ("r", "left"))]
    chart = alt.layer(link_layer, node_layer, *text_layers).properties(width=plot_w,
                                                                       height=height)
    text = label("alt.pairing_flows", lang, donors=len(left), recipients=len(right),
                 total=fmt_money(table["amount"].sum(), currency, lang))
    return finish(chart, "pairing_flows.title", text, lang,
                  subtitle or label("pairing_flows.note", lang), title=title)


def choropleth(features: dict, df: pd.DataFrame, title_id: str, unit: str, lang: str = "en", *,
               currency: str = "CNY", digits: int | None = None, year: int | None = None,
               subtitle: str | None = None, title: str | None = None):
    """Prefectures coloured by a value, labelled; units without a boundary drawn as points.

    ``features``: GeoJSON FeatureCollection whose properties hold ``code`` (and ``name_en`` /
    ``name_zh``), rings wound for d3 (:func:`pairaid.report.geo.prefecture_features`).
    ``df``: ``code``, ``name``, ``value`` — one row per unit. A row is drawn as its area when
    the features have it; as the areas of its members for a grouping without a boundary
    (:data:`pairaid.report.geo.GROUPS`: the county-level cities under the region); else as a
    point at its seat (corps divisions, :data:`pairaid.report.geo.CORPS_SEATS`). Areas without
    a row, or with a missing value, are grey with a legend entry. ``title_id`` and ``unit`` are
    label ids (or plain text), e.g. ``choropleth.funds_per_capita`` and ``unit.per_capita``;
    ``year`` goes into the subtitle. The alt text counts the table's rows, so it agrees with the
    CSV written beside the chart. Projection: conic equal-area with standard parallels 37° and
    46° N (Xinjiang spans 34–49° N).
    """
    from pairaid.report.geo import CORPS_SEATS, GROUPS, map_places, short_name

    lang = check_lang(lang)
    require(df, ["code", "name", "value"], "choropleth")
    rows = df.assign(code=df["code"].astype(str)).drop_duplicates("code")
    by_code = {r.code: r for r in rows.itertuples(index=False)}
    unit_text = label_or_text(unit, lang, currency=currency_name(currency, lang))
    what = label_or_text(title_id, lang)

    def text_of(value):
        return (fmt_number(value, lang, digits) + " " + unit_text if value is not None
                else label("note.no_data", lang))

    member_of = {}
    for group, prefix in GROUPS.items():
        for feature in features["features"]:
            code = str(feature["properties"].get("code"))
            if code.startswith(prefix) and group in by_code and code not in by_code:
                member_of[code] = group
    shaded, missing, drawn = [], [], set()
    for feature in features["features"]:
        props = feature["properties"]
        code = str(props.get("code"))
        row = by_code.get(code) or by_code.get(member_of.get(code, ""))
        value = None if row is None or pd.isna(row.value) else float(row.value)
        own = props.get(f"name_{lang}", props.get("name_zh", ""))
        name = (f"{row.name} ({own})" if row is not None and code in member_of
                else str(row.name) if row is not None else own)
        if row is not None:
            drawn.add(row.code)
        out = {"type": "Feature", "geometry": feature["geometry"],
               "properties": {"code": code, "name": name, "value": value,
                              "value_text": text_of(value)}}
        (shaded if value is not None else missing).append(out)
    places = map_places(features)
    has_total = "total" in rows.columns
    money_scale = 1e4 if lang == "zh" else 1e6
    spots, unvalued = [], 0
    for r in rows.itertuples(index=False):
        if r.code in drawn or r.code not in places:
            continue
        value = None if pd.isna(r.value) else float(r.value)
        total = float(r.total) if has_total and pd.notna(r.total) else None
        if value is None and total is None:  # nothing to show (a recorded zero is shown)
            unvalued += 1
            continue
        spots.append({"code": r.code, "name": str(r.name), "lon": places[r.code][0],
                      "lat": places[r.code][1], "value": value, "value_text": text_of(value),
                      "total": total / money_scale if total else None,
                      "total_text": fmt_money(total, currency, lang) if total else "–"})
    points = pd.DataFrame(spots)
    # several divisions share a seat (the 11th and 12th in Urumqi): fan them out a little
    if len(points):
        rank = points.groupby(["lon", "lat"]).cumcount()
        points["lon"] = points["lon"] + 0.45 * rank
    labels = pd.DataFrame([{"lon": places[f["properties"]["code"]][0],
                            "lat": places[f["properties"]["code"]][1],
                            "label": short_name(f, lang)}
                           for f in features["features"]
                           if not str(f["properties"]["code"]).startswith("659")])
    projection = {"type": "conicEqualArea", "parallels": [37, 46], "rotate": [-85, 0, 0]}
    tip = [alt.Tooltip("properties.name:N", title=label("choropleth.region", lang)),
           alt.Tooltip("properties.value_text:N", title=what)]
    got = [f["properties"]["value"] for f in shaded]
    if len(points):
        got += [v for v in points["value"] if v is not None and pd.notna(v)]
    colour_scale = alt.Scale(scheme=SEQUENTIAL,
                             domain=[min(got), max(got)] if got else alt.Undefined)
    layers = []
    if missing:
        # a corps city whose division is drawn as a point is not "no data": its money is the
        # point's (the division has no boundary and no population of its own)
        seats = {CORPS_SEATS[c] for c in (points["code"] if len(points) else ())
                 if c in CORPS_SEATS}
        no_data, seat_text = label("note.no_data", lang), label("choropleth.seat", lang)
        for feature in missing:
            if feature["properties"]["code"] in seats:
                feature["properties"]["value_text"] = seat_text
        shown = [t for t in (no_data, seat_text)
                 if any(f["properties"]["value_text"] == t for f in missing)]
        colours = {no_data: MISSING_GREY, seat_text: "#f6e3bd"}
        layers.append(alt.Chart(InlineRows(values=missing)).mark_geoshape(
            stroke="white", strokeWidth=0.6).encode(
            color=alt.Color("properties.value_text:N", title=None,
                            scale=alt.Scale(domain=shown, range=[colours[t] for t in shown]),
                            legend=alt.Legend(orient="top" if is_narrow() else "right",
                                              symbolType="square")),
            tooltip=tip).project(**projection))
    if shaded:
        layers.append(alt.Chart(InlineRows(values=shaded)).mark_geoshape(
            stroke="white", strokeWidth=0.6).encode(
            color=alt.Color("properties.value:Q", title=unit_text, scale=colour_scale,
                            legend=alt.Legend(orient=legend_orient("right"), format=",.4~r")),
            tooltip=tip).project(**projection))
    if len(points):
        point_tip = [alt.Tooltip("name:N", title=label("choropleth.region", lang)),
                     alt.Tooltip("value_text:N", title=what),
                     alt.Tooltip("total_text:N", title=label("choropleth.corps_total", lang))]
        valued = points[points["value"].notna()]
        if len(valued):
            layers.append(alt.Chart(values(valued)).mark_point(
                shape="circle", filled=True, size=70, stroke="#1d1d1f", strokeWidth=0.8,
                opacity=1).encode(
                longitude="lon:Q", latitude="lat:Q",
                color=alt.Color("value:Q", scale=colour_scale, legend=None),
                tooltip=point_tip).project(**projection))
        totals = points[points["value"].isna()]
        if len(totals):
            # no per-person value (no population in the ledger): their own layer, sized by the
            # money they received, so they are on the map and not "no data"
            total_unit = money_unit(money_scale, currency, lang)
            layers.append(alt.Chart(values(totals)).mark_point(
                shape="circle", filled=True, color=OKABE_ITO[1], stroke="#1d1d1f",
                strokeWidth=0.8, opacity=0.75).encode(
                longitude="lon:Q", latitude="lat:Q",
                size=alt.Size("total:Q", scale=alt.Scale(range=[15, 160] if is_narrow()
                                                         else [30, 400]),
                              title=label("choropleth.corps_total_unit", lang,
                                          unit=total_unit),
                              legend=alt.Legend(orient=legend_orient("right"),
                                                format=",.4~r")),
                tooltip=point_tip).project(**projection))
    if len(labels):
        # each name twice: a white halo under the dark text, readable on the darkest colour
        for style in ({"color": "white", "stroke": "white", "strokeWidth": 3, "opacity": 0.8},
                      {"color": "#1d1d1f", "opacity": 0.9}):
            layers.append(alt.Chart(values(labels)).mark_text(
                fontSize=11 if is_narrow() else 10, dy=-9, fontWeight="bold", **style).encode(
                longitude="lon:Q", latitude="lat:Q", text="label:N").project(**projection))
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        # a phone gets the room a map without axes has, and smaller dots, so names stay clear
        width=width() + (50 if is_narrow() else 0),
        height=int((width() + (50 if is_narrow() else 0)) * 0.75))
    n_areas = len(drawn)
    text = label("alt.choropleth", lang, n=len(rows), what=what.lower() if lang == "en" else what,
                 unit=unit_text,
                 min=fmt_number(min(got), lang, digits) if got else "–",
                 max=fmt_number(max(got), lang, digits) if got else "–")
    grey = int(rows[rows["code"].isin(drawn)]["value"].isna().sum())
    # the parts add up to the table's rows (the CSV beside the chart)
    text += " " + label("alt.choropleth_parts", lang, areas=n_areas, grey=grey,
                        points=len(points), unvalued=unvalued,
                        undrawn=len(rows) - n_areas - len(points) - unvalued)
    if subtitle is None:
        subtitle = label("sub.choropleth" if len(points) else "sub.choropleth_plain", lang,
                         what=what, year=year if year is not None else "–", unit=unit_text)
    return finish(chart, title_id, text, lang, subtitle, title=title or what)
