"""The shared system of record over HTTP (issue 15): a FastAPI app from `create_app(settings)`.

The REST API lives under /api, the dashboard's server-rendered pages at /. Every route reads and
writes through the ledger's Python API (`pairaid.api`, `pairaid.ledger`), never its own SQL, so
the service gives the same numbers and the same validation messages as the CLI.
"""

from pairaid.web.app import create_app
from pairaid.web.settings import Settings

__all__ = ["Settings", "create_app"]
