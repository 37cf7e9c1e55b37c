"""`create_app(settings)`: the FastAPI application (REST under /api, dashboard at /)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from pairaid import __version__
from pairaid.web.deps import LedgerSource, read_ledger
from pairaid.web.rest import install as install_rest_api
from pairaid.web.security import BodyLimit, SecureHeaders
from pairaid.web.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for `settings` (default: `Settings.from_env()`)."""
    settings = settings or Settings.from_env()
    app = FastAPI(title="pairaid", version=__version__,
                  description="The system of record for paired (counterpart) assistance.",
                  openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None,
                  lifespan=_lifespan)
    app.state.settings = settings
    app.state.ledger_source = LedgerSource(settings.db)

    # Order: the body limit sees the request first; CORS only for configured origins (none by
    # default: a browser on another site cannot call the API with a user's cookie).
    app.add_middleware(SecureHeaders)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    _error_handlers(app)
    install_rest_api(app)

    @app.get("/api/health", tags=["service"])
    def health(ledger=Depends(read_ledger)) -> dict:
        """The service is up and its ledger answers: backend, schema revision, synthetic flag."""
        return {"status": "ok", "version": __version__, "backend": ledger.store.backend,
                "schema_revision": ledger.store.schema_revision(),
                "synthetic": ledger.synthetic}

    _dashboard(app)
    return app


def _dashboard(app: FastAPI) -> None:
    """The server-rendered pages at / (`pairaid.web.pages`), their stylesheet and script, and
    the cache of the report's results they show (`pairaid.web.dashboard`)."""
    from pathlib import Path

    from fastapi.staticfiles import StaticFiles

    from pairaid.web.dashboard import DashboardCache
    from pairaid.web.pages import account, approvals, enter, read
    from pairaid.web.sessions import session_key

    app.state.dashboard = DashboardCache(app.state.ledger_source)
    app.state.session_key = session_key(app.state.settings)
    app.include_router(read.router)
    app.include_router(account.router)
    app.include_router(enter.router)
    app.include_router(approvals.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"),
              name="static")


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """As the server starts, the dashboard's whole-ledger view is built in the background, so
    the first visitor does not wait for the analyses (~11 s on the demo ledger); in a server
    process (`app_from_env`), the heap is then frozen (`_freeze_heap`)."""
    import threading

    freeze = getattr(app.state, "freeze_heap", False)
    if freeze:
        _freeze_heap()
    threading.Thread(target=_warm, args=(app, freeze), name="dashboard-warm",
                     daemon=True).start()
    yield


def _warm(app: FastAPI, freeze: bool) -> None:
    app.state.dashboard.warm()
    if freeze:
        _freeze_heap()


def _freeze_heap() -> None:
    """Move every object alive now (the modules, the app, the warmed dashboard view: ~470,000
    objects on the demo ledger) out of the cyclic garbage collector's reach. Python's full
    collection walks every tracked object: with these in it, each took 0.3-1.4 s, during which
    the worker answered nothing, about every 3,400 requests under load (bench/web.py: a 1 s
    maximum and the p99 tail under 50 clients); without them, 3-60 ms. What is frozen is still
    freed by reference counting; only a reference cycle among frozen objects that later become
    garbage is kept, which start-up objects are not meant to become; so only a server process
    (one app for its life) freezes, never a process that makes many apps (the tests)."""
    import gc

    gc.collect()  # what start-up left as garbage goes now, not into the frozen heap
    gc.freeze()


def app_from_env() -> FastAPI:
    """The factory `pairaid serve` hands uvicorn (each worker process builds its own app, and
    serves it for the process's life: its start-up heap is frozen, `_freeze_heap`)."""
    app = create_app(Settings.from_env())
    app.state.freeze_heap = True
    return app


def ledger_status(exc) -> int:
    """A LedgerError's status by its type (`ledger.errors`): 404 no such record or data, 409
    the ledger's state refuses the request, 422 the request is malformed (as every input error
    of this app), 503 the ledger itself cannot answer (cannot be opened, refused a write)."""
    from pairaid.ledger.errors import LedgerConflict, LedgerRequestError, RecordNotFound

    if isinstance(exc, RecordNotFound):
        return 404
    if isinstance(exc, LedgerConflict):
        return 409
    if isinstance(exc, LedgerRequestError):
        return 422
    return 503


def _error_handlers(app: FastAPI) -> None:
    """The library's input errors become 422 with the same message the CLI prints (file, row,
    column, reason) and 'nothing was written'; a LedgerError its status by type
    (`ledger_status`), its table, key, column and reason beside the message."""
    from pairaid.errors import InputError
    from pairaid.ingest.errors import ImportValidationError
    from pairaid.ledger.errors import LedgerError
    from pairaid.money import MoneyError

    @app.exception_handler(ImportValidationError)
    async def _invalid(_request: Request, exc: ImportValidationError):
        return JSONResponse(status_code=422, content={
            "detail": exc.message(),
            "problems": [{"file": p.file, "row": p.row, "column": p.column, "reason": p.reason}
                         for p in exc.problems]})

    @app.exception_handler(MoneyError)
    async def _money(_request: Request, exc: MoneyError):
        # a currency or price basis the ledger cannot convert to: the request's, not an outage
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(LedgerError)
    async def _ledger(_request: Request, exc: LedgerError):
        return JSONResponse(status_code=ledger_status(exc),
                            content={"detail": str(exc), **exc.where()})

    @app.exception_handler(InputError)
    async def _input(_request: Request, exc: InputError):
        return JSONResponse(status_code=422, content={"detail": str(exc)})
