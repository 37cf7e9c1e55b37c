"""The REST API's part of the app: its routers, its per-process state (the analytics cache,
the count of failed token attempts) and the answers for errors only writes raise."""

from __future__ import annotations

from fastapi import FastAPI

from pairaid.web.auth import FailureLimit
from pairaid.web.cache import AnalyticsCache


def install(app: FastAPI) -> None:
    """Add the REST API (tables, analytics, approvals) to `app` (called by `create_app`)."""
    from pairaid.web import routes_analytics, routes_iati, routes_tables

    settings = app.state.settings
    app.state.analytics = AnalyticsCache()
    app.state.token_failures = FailureLimit(settings.token_failures_per_minute)
    # the most read routes first: FastAPI matches a request against every route in order (an
    # included router's routes too, twice), and the tables' 112 routes ahead of /api/summary
    # cost the dashboard's most asked document ~0.3 ms of CPU a request (bench/web.py); the
    # paths are disjoint, and a table's list route stays ahead of its other routes
    app.include_router(routes_analytics.router)
    app.include_router(routes_tables.lists)
    app.include_router(routes_iati.router)
    app.include_router(routes_tables.router)

    _approval(app)


def _approval(app: FastAPI) -> None:
    """The approval routes and the answer to a journal request that cannot be answered."""
    from pairaid.web import routes_approval

    # their errors (no such record 404, decided already 409, a bad key 422) are LedgerErrors:
    # `app.ledger_status` answers them
    app.include_router(routes_approval.router)
