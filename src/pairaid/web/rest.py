"""The REST API's part of the app: its routers, its per-process state (the analytics cache,
the count of failed token attempts) and the answers for errors only writes raise."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pairaid.web.auth import FailureLimit
from pairaid.web.cache import AnalyticsCache


def install(app: FastAPI) -> None:
    """Add the REST API (tables, analytics, approvals) to `app` (called by `create_app`)."""
    from pairaid.ledger.corrections import CorrectionError
    from pairaid.web import routes_analytics, routes_iati, routes_tables

    settings = app.state.settings
    app.state.analytics = AnalyticsCache()
    app.state.token_failures = FailureLimit(settings.token_failures_per_minute)
    app.include_router(routes_tables.router)
    app.include_router(routes_analytics.router)
    app.include_router(routes_iati.router)

    @app.exception_handler(CorrectionError)
    async def _refused(_request: Request, exc: CorrectionError):
        # a delete of a row that other rows refer to: the ledger is fine, the request is not
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    _approval(app)


def _approval(app: FastAPI) -> None:
    """The approval routes and the answer to a journal request that cannot be answered."""
    from pairaid.ledger.journal import JournalError
    from pairaid.web import routes_approval

    app.include_router(routes_approval.router)

    @app.exception_handler(JournalError)
    async def _journal(_request: Request, exc: JournalError):
        # no such record, not pending, a return without a comment: the request, not the ledger
        return JSONResponse(status_code=422, content={"detail": str(exc)})
