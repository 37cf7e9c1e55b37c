"""Analytics over HTTP: each route returns exactly the document its CLI command prints with
--json, by calling the Python API (`pairaid.api.Ledger`) as that command does. Nothing is
computed here. Documents are kept by ledger fingerprint (`web.cache`).

    GET /api/summary       pairaid summary --json
    GET /api/panel         pairaid panel --json
    GET /api/index         pairaid index build SPEC --json
    GET /api/estimate      pairaid estimate --json            (ledger mode)
    GET /api/event-study   pairaid event-study --json         (ledger mode)
    GET /api/synth         pairaid synth --json               (ledger mode)
    GET /api/dose-response pairaid dose-response --json       (ledger mode)
    GET /api/equity        pairaid equity --json
    GET /api/dependence    pairaid dependence --json
    GET /api/environment   pairaid environment --json
    GET /api/audit         pairaid audit --json
    GET /api/plan/commitments, /api/plan/compliance   pairaid plan ... --json
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from pairaid.jsonable import plain
from pairaid.web import auth
from pairaid.web.tables import REFUSALS

router = APIRouter(prefix="/api", tags=["analytics"], responses=REFUSALS,
                   dependencies=[Depends(auth.reader)])

Level = Annotated[Literal["county", "prefecture"], Query(description="Unit of the panel")]
From = Annotated[int | None, Query(alias="from", ge=1949, le=2100, description="First year")]
To = Annotated[int | None, Query(alias="to", ge=1949, le=2100, description="Last year")]
Currency = Annotated[str, Query(pattern="^[A-Z]{3}$", description="Reporting currency")]
Prices = Annotated[str, Query(pattern=r"^(nominal|constant:\d{4}(:[A-Za-z0-9_]+)?)$",
                              description="nominal, or constant:YEAR[:INDEX]")]
Column = Annotated[str | None, Query(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
OUTCOME = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
DOCUMENT = {200: {"content": {"application/json": {"schema": {"type": "object"}}}}}


def _document(request: Request, name: str, params: dict, compute) -> Response:
    """The cached JSON document of `compute(ledger)` (a results object's dict, with missing
    numbers as null as the results' to_dict writes them)."""
    cache = request.app.state.analytics

    def rendered(ledger) -> bytes:
        return json.dumps(plain(compute(ledger)), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")

    body = cache.get(request.app.state.ledger_source, name, params, rendered)
    return Response(body, media_type="application/json")


def _params(given: dict) -> dict:
    """A route's query parameters (its locals at the top: no request, no imported names)."""
    return {k: v for k, v in given.items() if k != "request" and not callable(v)
            and not isinstance(v, type)}


def _parsed(text: str) -> dict:
    return json.loads(text)


async def _kept_or_document(request: Request, name: str, params: dict, compute) -> Response:
    """`_document`, answered on the event loop when the document is kept for the ledger state
    read a moment ago (`AnalyticsCache.kept`), else in a worker thread as a plain route is."""
    from starlette.concurrency import run_in_threadpool

    kept = request.app.state.analytics.kept(request.app.state.ledger_source, name, params)
    if kept is not None:
        return Response(kept, media_type="application/json")
    return await run_in_threadpool(_document, request, name, params, compute)


@router.get("/summary", response_class=Response, responses=DOCUMENT)
async def summary(request: Request, year_from: From = None, year_to: To = None,
                  currency: Currency = "CNY", prices: Prices = "nominal"):
    """The headline table and its coverage (`pairaid summary --json`)."""
    # async: the dashboard's most asked document, kept by ledger state, skips the thread hop
    return await _kept_or_document(
        request, "summary", _params(locals()),
        lambda ledger: ledger.summary(year_from, year_to, currency, prices).to_dict())


@router.get("/panel", response_class=Response, responses=DOCUMENT)
def panel(request: Request, level: Level = "county", year_from: From = None,
          year_to: To = None, currency: Currency = "CNY", prices: Prices = "nominal"):
    """The unit × year panel with its rows (`pairaid panel --json`)."""
    return _document(request, "panel", _params(locals()),
                     lambda ledger: ledger.panel(level, year_from, year_to, currency,
                                                 prices).to_dict(rows=True))


def _bundled_specs() -> tuple[str, ...]:
    from pairaid.measure.spec_toml import bundled_specs

    return tuple(bundled_specs())


@router.get("/index", response_class=Response, responses=DOCUMENT)
def index(request: Request,
          spec: Annotated[str, Query(description="A bundled index spec (a spec file is the "
                                                 "CLI's: the server reads no paths)",
                                     pattern=r"^[a-z_]{1,64}$")] = "sustainable_agriculture",
          level: Level = "county"):
    """A composite index (`pairaid index build SPEC --json`)."""
    from pairaid.measure import IndexSpecError, load_spec

    if spec not in _bundled_specs():  # a name only: never a path on the server
        raise IndexSpecError(f"unknown index spec '{spec}': one of {', '.join(_bundled_specs())}")
    return _document(request, "index", _params(locals()),
                     lambda ledger: _parsed(ledger.index(load_spec(spec), level).to_json()))


@router.get("/estimate", response_class=Response, responses=DOCUMENT)
def estimate(request: Request,
             outcome: Annotated[str, Query(pattern=OUTCOME)] = "index",
             treatment: Annotated[str, Query(pattern=OUTCOME)] = "funds_per_capita",
             level: Level = "county",
             cluster: Annotated[Literal["unit", "donor", "unit+donor"] | None, Query()] = None,
             vcov: Literal["iid", "hetero", "CRV1", "CRV3"] | None = None,
             log: Literal["drop", "log1p", "none"] | None = None):
    """Two-way FE elasticity on the ledger's panel (`pairaid estimate --json`, ledger mode)."""
    return _document(request, "estimate", _params(locals()),
                     lambda ledger: ledger.estimate_document(outcome, treatment, level,
                                                             cluster=cluster, vcov=vcov,
                                                             log=log))


@router.get("/event-study", response_class=Response, responses=DOCUMENT)
def event_study(request: Request, outcome: Annotated[str, Query(pattern=OUTCOME)],
                estimator: Literal["cs", "sa", "twfe", "did2s"] = "cs",
                control: Literal["never", "notyet"] = "never",
                method: Literal["dr", "ipw", "reg"] = "dr",
                log: Literal["drop", "log1p", "none"] = "none", level: Level = "county",
                honest: Annotated[bool, Query(description=(
                    "Also run the Rambachan–Roth sensitivity (--honest)"))] = False,
                honest_target: Annotated[str, Query(pattern=r"^([0-9]{1,3}|average)$",
                                                    description=(
                    "The event time whose effect is bounded, or 'average' "
                    "(--honest-target)"))] = "0"):
    """Staggered DiD / event study (`pairaid event-study --json`, ledger mode)."""
    params = _params(locals())
    from pairaid.api import HONEST_RESTRICTIONS, honest_target as parse_target

    return _document(request, "event_study", params,
                     lambda ledger: ledger.event_study_document(
                         outcome, level, estimator=estimator, control=control, method=method,
                         log=log, honest=HONEST_RESTRICTIONS if honest else (),
                         honest_target=parse_target(honest_target)))


@router.get("/synth", response_class=Response, responses=DOCUMENT)
def synth(request: Request, outcome: Annotated[str, Query(pattern=OUTCOME)],
          treated: Annotated[str, Query(pattern=r"^[A-Za-z0-9_]{1,32}$",
                                        description="The treated region's code")],
          method: Literal["sc", "hcw"] = "sc", level: Level = "county"):
    """Synthetic control for one unit against the never-paired units (`pairaid synth
    --json`, ledger mode)."""
    return _document(request, "synth", _params(locals()),
                     lambda ledger: ledger.synth_document(outcome, treated, level,
                                                          method=method))


@router.get("/dose-response", response_class=Response, responses=DOCUMENT)
def dose_response(request: Request,
                  outcome: Annotated[str, Query(pattern=OUTCOME)] = "sai_latent",
                  intensity_years: Annotated[int, Query(ge=1, le=50)] = 3,
                  bins: Annotated[int, Query(ge=1, le=20)] = 5,
                  log: Literal["drop", "log1p", "none"] = "none", level: Level = "county"):
    """Continuous-treatment DiD (`pairaid dose-response --json`, ledger mode)."""
    return _document(request, "dose_response", _params(locals()),
                     lambda ledger: ledger.dose_response_document(
                         outcome, level, intensity_years=intensity_years, bins=bins, log=log))


@router.get("/equity", response_class=Response, responses=DOCUMENT)
def equity(request: Request, value: Column = None, weight: Column = None, group: Column = None,
           rank_by: Column = None, level: Level = "county",
           year: Annotated[int | None, Query(ge=1949, le=2100)] = None,
           k: Annotated[int, Query(ge=1, le=1000)] = 3):
    """Who benefits (`pairaid equity --json`)."""
    return _document(request, "equity", _params(locals()),
                     lambda ledger: _parsed(ledger.equity(value, weight, group, rank_by, level,
                                                          year, k).to_json()))


@router.get("/dependence", response_class=Response, responses=DOCUMENT)
def dependence(request: Request, level: Level = "county", year_from: From = None,
               year_to: To = None,
               taper: Annotated[float | None, Query(ge=0, le=1)] = None,
               elasticity: Annotated[float | None, Query(ge=-100, le=100)] = None,
               elasticity_se: Annotated[float, Query(ge=0, le=100)] = 0.0,
               outcome: Column = None):
    """Fiscal dependence on assistance and an optional taper (`pairaid dependence --json`)."""
    from pairaid.distribution.dependence import taper_scenario

    scenario = taper_scenario(taper, elasticity, elasticity_se, outcome)
    return _document(request, "dependence", _params(locals()),
                     lambda ledger: _parsed(ledger.dependence(level, taper=scenario,
                                                              year_from=year_from,
                                                              year_to=year_to).to_json()))


@router.get("/environment", response_class=Response, responses=DOCUMENT)
def environment(request: Request, pressure: Annotated[str, Query(pattern=OUTCOME)] =
                "water_withdrawal_agri",
                growth_of: Annotated[str, Query(pattern=OUTCOME)] = "agri_output",
                level: Level = "county", year_from: From = None, year_to: To = None,
                step: Annotated[int | None, Query(ge=1, le=100)] = None):
    """Tapio decoupling (`pairaid environment --json`)."""
    return _document(request, "environment", _params(locals()),
                     lambda ledger: _parsed(ledger.environment(
                         pressure, growth_of, level, year_from=year_from, year_to=year_to,
                         step=step).to_json()))


@router.get("/audit", response_class=Response, responses=DOCUMENT)
def audit(request: Request, as_of: Annotated[int | None, Query(ge=1949, le=2100)] = None):
    """The audit's findings (`pairaid audit --json`)."""
    return _document(request, "audit", _params(locals()),
                     lambda ledger: _parsed(ledger.audit(as_of=as_of).to_json(indent=2)))


Rule = Annotated[Literal["xinjiang_2010", "wenchuan_2008"],
                 Query(description="A bundled funding rule")]


@router.get("/plan/commitments", response_class=Response, responses=DOCUMENT)
def plan_commitments(request: Request, rule: Rule,
                     year: Annotated[int, Query(ge=1949, le=2100)]):
    """Each donor's obligation in a year (`pairaid plan commitments --json`)."""
    return _document(request, "commitments", _params(locals()),
                     lambda ledger: ledger.commitments_document(rule, year))


@router.get("/plan/compliance", response_class=Response, responses=DOCUMENT)
def plan_compliance(request: Request, rule: Rule, year_from: From = None, year_to: To = None):
    """Recorded disbursements against the rule (`pairaid plan compliance --json`)."""
    return _document(request, "compliance", _params(locals()),
                     lambda ledger: ledger.compliance_document(rule, year_from, year_to))
