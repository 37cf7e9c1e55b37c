"""The read-only pages: the report's sections for the whole ledger or a filtered part of it."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from pairaid.errors import InputError
from pairaid.web.dashboard import PAGES
from pairaid.web.pages.common import filters_of, language, page

router = APIRouter(include_in_schema=False)


def _options(request: Request, lang: str) -> dict:
    """The choices of the filter form: prefectures and donors by name, in the page's language."""
    with request.app.state.ledger_source.reader() as ledger:
        regions = ledger.table("regions")
        donors = ledger.table("donors")
    name = "name_zh" if lang == "zh" else "name_en"

    def named(frame):
        shown = frame[name].fillna(frame["name_zh"]).fillna(frame["code"])
        return sorted(zip(frame["code"].astype(str), shown.astype(str)), key=lambda p: p[0])

    prefectures = regions[regions["level"].isin(["prefecture", "corps_division"])]
    return {"prefectures": named(prefectures), "donors": named(donors)}


def _known(filters, options: dict) -> None:
    """Refuse a code the ledger does not hold before any work (the form offers only known ones;
    a typed URL may not)."""
    if filters.prefecture and filters.prefecture not in dict(options["prefectures"]):
        raise InputError(f"no prefecture '{filters.prefecture}' in the ledger")
    if filters.donor and filters.donor not in dict(options["donors"]):
        raise InputError(f"no donor '{filters.donor}' in the ledger")


def _filter_words(filters, options: dict, lang: str) -> list[tuple[str, str]]:
    """The filters in force, as (label key, value shown) pairs."""
    prefectures, donors = dict(options["prefectures"]), dict(options["donors"])
    out = []
    if filters.prefecture:
        out.append(("filter.prefecture", prefectures.get(filters.prefecture, filters.prefecture)))
    if filters.donor:
        out.append(("filter.donor", donors.get(filters.donor, filters.donor)))
    if filters.year_from is not None:
        out.append(("filter.year_from", str(filters.year_from)))
    if filters.year_to is not None:
        out.append(("filter.year_to", str(filters.year_to)))
    if filters.sector:
        out.append(("filter.sector", filters.sector))
    return out


def show(request: Request, page_id: str):
    lang = language(request)
    options = _options(request, lang)
    context = {"page_id": page_id, "options": options, "values": dict(request.query_params)}
    try:
        filters = filters_of(request)
        _known(filters, options)
        view = request.app.state.dashboard.view(filters)
    except InputError as exc:
        return page(request, "dashboard.html", {**context, "filter_error": str(exc),
                                                "view": None}, status_code=422)
    rendered = view.rendered(lang)
    sections = [rendered.sections[s] for s in PAGES[page_id] if s in rendered.sections]
    charts = [c.id for s in sections for c in s.charts]
    specs = {c: rendered.specs[c] for c in charts}
    narrow = {c: rendered.narrow_specs[c] for c in charts}

    def embedded(data):  # "</" would end the <script> element early; JSON allows "<\/"
        return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")

    from pairaid.report.text import word

    return page(request, "dashboard.html", {
        **context, "view": view, "synthetic": view.synthetic,
        "banner": word("synthetic_banner", lang), "rendered": rendered, "sections": sections,
        "filter_words": _filter_words(filters, options, lang),
        "specs": embedded(specs), "narrow_specs": embedded(narrow),
        "descriptions": {c: rendered.specs[c].get("description", "") for c in charts}})


def _register(page_id: str) -> None:
    path = "/" if page_id == "overview" else f"/{page_id}"

    def route(request: Request):
        return show(request, page_id)

    route.__name__ = f"page_{page_id}"
    router.add_api_route(path, route, methods=["GET"], name=f"page_{page_id}")


for _page_id in PAGES:
    _register(_page_id)


@router.get("/data/{chart_id}.csv")
def chart_data(chart_id: str, request: Request):
    """The table behind one chart of the current view (as the report writes it next to each
    chart), so a reader can check the drawing."""
    from pairaid.report.datapackage import rounded

    try:
        view = request.app.state.dashboard.view(filters_of(request))
    except InputError as exc:
        return PlainTextResponse(str(exc), status_code=422)
    rendered = view.rendered(language(request))
    for section in rendered.sections.values():
        for chart in section.charts:
            if chart.id == chart_id:
                return Response(rounded(chart.frame).to_csv(index=False),
                                media_type="text/csv; charset=utf-8")
    return PlainTextResponse("no such chart", status_code=404)


@router.get("/assets/vega.js")
def vega_script():
    """Vega, Vega-Lite and vega-embed (vl-convert's offline bundle, the report's own): the page
    loads nothing from another site."""
    from pairaid.report.charts import vega_bundle

    return Response(vega_bundle(), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})
