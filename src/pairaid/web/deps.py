"""How a request reaches the ledger: one snapshot per request, through the Python API.

Each request that reads gets its own `pairaid.api.Ledger` over a snapshot Store (one read
transaction), so the figures of one response describe one ledger state while imports commit,
and so request threads never share a Store's connection state. A snapshot Store never uses the
Arrow reader (docs/architecture.md, "Reading large tables from SQLite"): two SQLite libraries
must not hold one file open in one process, and a server has many threads.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator

from fastapi import Request

from pairaid import api


#: on a server database, results are re-checked against the ledger's content at least this
#: often (a change that bypassed the journal: see `LedgerSource.change_marker`)
SERVER_MARKER_SECONDS = 300
#: a server database's marker (three queries, ~1 ms each when idle, 6 ms on the loaded shared
#: machine) is read at most this often per process: another worker's write is seen within it
#: (this process's own writes drop the kept results at once)
MARKER_REUSE_SECONDS = 0.1


def _meta_digest(store) -> str:
    return hashlib.sha256(repr(sorted(store.meta().items())).encode("utf-8")).hexdigest()[:16]


class LedgerSource:
    """The ledger the app serves: checked once at start (a missing or foreign database is an
    error before the first request), then opened per request."""

    def __init__(self, url: str | None) -> None:
        from pairaid.ledger import Store

        Store.open(url, create=False).close()  # refuses a missing file or a foreign database
        self.url = url
        self._probe = None
        self._probe_lock = threading.Lock()
        self._marker: tuple[float, str] | None = None

    def change_marker(self) -> str:
        """A value that moves whenever the ledger may have changed, read in a millisecond
        through one long-lived Store. SQLite: `ledger.fingerprint.change_marker` (the file's and
        its WAL's size, time and inode). PostgreSQL: the journal's head (every journaled write
        and approval moves it) and the metadata, plus a clock that turns every
        `SERVER_MARKER_SECONDS`, which bounds how long a change made behind the journal's back
        (what `journal verify` reports) stays unseen; read at most every
        `MARKER_REUSE_SECONDS`. Not the server's WAL position: on a shared
        server every other database's writes move it, and each request then re-read the whole
        ledger for its fingerprint (bench/web.py: /api/summary timed out for 50 clients)."""
        from pairaid.ledger import Store
        from pairaid.ledger.fingerprint import change_marker

        with self._probe_lock:
            if self._probe is None:
                self._probe = Store.open(self.url, create=False)
            probe = self._probe
            if probe.backend != "postgresql":
                return change_marker(probe)
            now = time.monotonic()
            if self._marker is not None and now - self._marker[0] < MARKER_REUSE_SECONDS:
                return self._marker[1]
            # after "|": the periodic re-check; markers alike before it are one journal state
            # (`AnalyticsCache` keeps serving its results while it re-checks the fingerprint)
            marker = f"pg:{self._head(probe)}:{_meta_digest(probe)}|" \
                     f"{int(now // SERVER_MARKER_SECONDS)}"
            self._marker = (now, marker)
            return marker

    def recent_marker(self) -> str | None:
        """The PostgreSQL marker read less than `MARKER_REUSE_SECONDS` ago, else None: what
        `change_marker` would answer without a query, read without waiting for its lock (the
        kept pair is replaced whole), so the event loop may ask it (`AnalyticsCache.kept`)."""
        kept = self._marker
        if kept is None or time.monotonic() - kept[0] >= MARKER_REUSE_SECONDS:
            return None
        return kept[1]

    def synthetic(self) -> bool:
        """Whether the ledger says its data are synthetic (one metadata read, ~1 ms): every page
        of a demo ledger carries the banner, forms and queues as well as the report's views."""
        from pairaid.ledger import Store

        with self._probe_lock:
            if self._probe is None:
                self._probe = Store.open(self.url, create=False)
            return self._probe.is_synthetic()

    @staticmethod
    def _head(store) -> str:
        from pairaid.ledger.journal_read import head

        return str(head(store))

    def state(self, store, fingerprint: str | None = None) -> str:
        """What results are kept by: the ledger's fingerprint (its content, drafts included)
        and the journal's head (which moves when a draft is approved or returned: the
        fingerprint does not, yet the analytics then count other rows)."""
        from pairaid.ledger.fingerprint import ledger_fingerprint

        return f"{fingerprint or ledger_fingerprint(store)}@{self._head(store)}"

    def reader(self) -> api.Ledger:
        from pairaid.ledger import Store

        return api.Ledger(Store.open(self.url, create=False, snapshot=True))

    def writer(self):
        """A Store for one write request (its transactions take the ledger's write lock)."""
        from pairaid.ledger import Store

        return Store.open(self.url, create=False)


def read_ledger(request: Request) -> Iterator[api.Ledger]:
    """FastAPI dependency: the request's read snapshot, closed when the response is sent."""
    ledger = request.app.state.ledger_source.reader()
    try:
        yield ledger
    finally:
        ledger.close()
