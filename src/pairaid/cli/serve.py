"""`pairaid serve`: the web service (REST API and dashboard) under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pairaid.cli.console import bad_input, err
from pairaid.cli.options import Db, Json


@bad_input
def serve(
    db: Db = None,
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only; 0.0.0.0 behind a TLS proxy)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (use PostgreSQL for "
                                                     "more than one)")] = 1,
    private_reads: Annotated[bool, typer.Option("--private-reads", help="Reads need a token "
                                                "too (default: public reads)")] = False,
    as_json: Json = False,
) -> None:
    """Serve the ledger over HTTP: REST under /api (OpenAPI at /api/openapi.json), the
    dashboard at /.

    Example: `pairaid serve --db postgresql://office@db/pairaid --workers 2`
    """
    import uvicorn

    from pairaid.web.app import create_app
    from pairaid.web.settings import Settings

    # Each worker process builds its own app from the environment (uvicorn's factory mode).
    if db is not None:
        os.environ["PAIRAID_DB"] = str(db)
    if private_reads:
        os.environ["PAIRAID_WEB_PUBLIC_READS"] = "0"
    # every worker must sign and read the same session cookies: one key for this server's run
    # unless the office configured one (then sessions survive a restart)
    if not os.environ.get("PAIRAID_WEB_SESSION_SECRET"):
        import secrets

        os.environ["PAIRAID_WEB_SESSION_SECRET"] = secrets.token_urlsafe(32)
    create_app(Settings.from_env())  # fail here, once, on a missing or foreign ledger
    base = f"http://{host}:{port}"
    if as_json:
        # One line a supervising script can read before the server blocks: where to reach it.
        import json
        import sys

        sys.stdout.write(json.dumps({"url": f"{base}/", "api": f"{base}/api",
                                     "openapi": f"{base}/api/openapi.json",
                                     "health": f"{base}/api/health", "workers": workers,
                                     "public_reads": not private_reads}) + "\n")
        sys.stdout.flush()
    else:
        err.print(f"pairaid: serving on {base}/ (API docs at /api/docs)", highlight=False)
    # "auto": uvloop and httptools (dependencies of pairaid) where installed, else asyncio and
    # h11; the compiled pair costs less CPU a request (docs/benchmarks.md, session 8)
    uvicorn.run("pairaid.web.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", server_header=False, loop="auto",
                http="auto")
