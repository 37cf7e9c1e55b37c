"""Analytics results kept by the ledger's fingerprint, so a dashboard's many readers cost one
computation per ledger state.

The fingerprint (`ledger.fingerprint.ledger_fingerprint`, what the report's provenance and a
backup's manifest carry) reads every table: on the demo ledger it takes about as long as the
summary itself. So each request first reads the ledger's change marker (`change_marker`, a
millisecond), and the fingerprint is computed once per marker; results are keyed by fingerprint,
endpoint and parameters. Two markers over the same content (a write elsewhere on the PostgreSQL
server) share their results. Writes through this process forget everything at once; writes by
other processes or workers move the marker.

A marker with a "|" (PostgreSQL's: journal head and metadata, then a clock that turns every few
minutes to re-check the fingerprint for changes made behind the journal's back) is re-checked in
the background: while the fingerprint is recomputed (a second or more on the demo ledger),
requests get the results of the same journal state, instead of all waiting for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

#: results kept (each a JSON document; a county panel is the largest, a few MB)
SIZE = 64
#: change markers remembered with their fingerprint
MARKERS = 256


class AnalyticsCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._results: OrderedDict[tuple, dict] = OrderedDict()
        self._fingerprints: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[tuple, threading.Lock] = {}
        #: the state last found for a journal state (a marker's part before "|")
        self._journal_states: dict[str, str] = {}
        self._rechecking: set[str] = set()
        self.hits = 0
        self.misses = 0

    def forget(self) -> None:
        with self._lock:
            self._results.clear()
            self._fingerprints.clear()
            self._journal_states.clear()

    def get(self, source, name: str, params: dict, compute: Callable[[object], object]):
        """The document `compute(ledger)` returns for this ledger state, computed at most once
        per fingerprint: requests that miss together on one marker and document wait for the
        first one's answer (under 50 clients a new marker otherwise set 25 threads per worker
        reading every table for the fingerprint at once)."""
        marker = source.change_marker()  # before the snapshot: see change_marker
        params_key = _params_key(params)
        found = self._kept_for(source, marker, name, params_key)
        if found is not None:
            return found
        with self._lock:
            flight = self._flights.setdefault((marker, name, params_key), threading.Lock())
        with flight:
            found = self._known(marker, name, params_key)
            if found is not None:
                return found
            try:
                return self._compute(source, marker, name, params_key, compute)
            finally:
                with self._lock:
                    self._flights.pop((marker, name, params_key), None)

    def kept(self, source, name: str, params: dict):
        """The document `get` would return, when it is kept for the marker `source` read a
        moment ago (`LedgerSource.recent_marker`), else None; no query and no wait on a
        computation, so a route may ask it on the event loop before it hands `get` to a thread
        (a thread hop is half of a kept document's CPU: bench/web.py, docs/benchmarks.md)."""
        marker = source.recent_marker()
        if marker is None:
            return None
        return self._kept_for(source, marker, name, _params_key(params))

    def _kept_for(self, source, marker: str, name: str, params_key: tuple):
        """The document kept for `marker`, or for the state it re-checks (else None)."""
        found = self._known(marker, name, params_key)
        if found is None:
            found = self._while_rechecking(source, marker, name, params_key)
        return found

    def _known(self, marker: str, name: str, params_key: tuple):
        with self._lock:
            fingerprint = self._fingerprints.get(marker)
            key = (fingerprint, name, params_key)
            if fingerprint is not None and key in self._results:
                self._results.move_to_end(key)
                self.hits += 1
                return self._results[key]
        return None

    def _while_rechecking(self, source, marker: str, name: str, params_key: tuple):
        """The kept result of this marker's journal state while its re-check runs (started
        here, once per marker, in the background); None when there is none."""
        journal, recheck, _clock = marker.partition("|")
        if not recheck:
            return None
        with self._lock:
            state = self._journal_states.get(journal)
            found = self._results.get((state, name, params_key)) if state else None
            if found is None:
                return None
            self.hits += 1
            if marker in self._rechecking:
                return found
            self._rechecking.add(marker)
        threading.Thread(target=self._recheck, args=(source, marker), daemon=True,
                         name="pairaid-recheck").start()
        return found

    def _recheck(self, source, marker: str) -> None:
        try:
            with source.reader() as ledger:
                state = source.state(ledger.store)
            self._remember(marker, state)
        finally:
            with self._lock:
                self._rechecking.discard(marker)

    def _remember(self, marker: str, state: str) -> None:
        """Keep the state found for `marker` (and for its journal state)."""
        with self._lock:
            self._fingerprints[marker] = state
            while len(self._fingerprints) > MARKERS:
                self._fingerprints.popitem(last=False)
            self._journal_states[marker.partition("|")[0]] = state
            while len(self._journal_states) > MARKERS:
                self._journal_states.pop(next(iter(self._journal_states)))

    def _compute(self, source, marker: str, name: str, params_key: tuple, compute):
        with self._lock:
            fingerprint = self._fingerprints.get(marker)
        with source.reader() as ledger:
            if fingerprint is None:
                fingerprint = source.state(ledger.store)  # inside the request's snapshot
            key = (fingerprint, name, params_key)
            with self._lock:
                found = self._results.get(key)
            document = found if found is not None else compute(ledger)
        with self._lock:
            self.misses += found is None
            self.hits += found is not None
            self._results[key] = document
            while len(self._results) > self.size:
                self._results.popitem(last=False)
        self._remember(marker, fingerprint)
        return document


def _params_key(params: dict) -> tuple:
    """A document's parameters as a key (values by their repr: lists and None included)."""
    return tuple(sorted((k, repr(v)) for k, v in params.items()))
