"""The dashboard's content: the report's results, sections, findings and chart specs, cached.

Nothing here computes a statistic. A view is `pairaid.report.collect.collect` run on the ledger
(or, with filters, on the filtered copy `pairaid.subset.subset_ledger` writes), then the report's
own `build_sections` and `chart_specs` per language: the dashboard shows the report's figures and
sentences, and the CLI gives the same numbers on the same (filtered) ledger.

Collecting takes seconds (about 11 s on the demo ledger, 5-10 s more for a filtered copy), so
views are cached by the ledger's fingerprint and the filters. The fingerprint itself reads every
table (1.7 s on the demo), so it is recomputed only when the ledger's change marker moves
(`LedgerSource.change_marker`, the one the analytics cache keys by: a SQLite file's and its
write-ahead log's state on disk; a server database's journal head and metadata, plus a clock that
turns every few minutes to catch changes made behind the journal's back). When only that clock
turned, the known state keeps serving while the fingerprint is re-read in the background. A
write made through this app drops it at once (`changed`).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from pairaid.subset import Filters

#: page id → the report sections it shows, in order (the dashboard's navigation)
PAGES: dict[str, tuple[str, ...]] = {
    "overview": ("verdict", "headline"),
    "map": ("maps",),
    "flows": ("pairings", "timeline"),
    "index": ("index",),
    "effects": ("effects", "designs"),
    "distribution": ("distribution", "dependence", "environment"),
    "audit": ("audit", "gaps", "methods"),
}
#: views kept (each holds the results of one ledger state and one set of filters)
CACHED_VIEWS = 12


@dataclass
class Rendered:
    """One view in one language: the report's sections by id and each chart's specs."""

    sections: dict
    heading: str
    subtitle: str
    specs: dict            # chart id → Vega-Lite spec (page width, with the report's footer)
    narrow_specs: dict     # chart id → the phone-width spec
    cards: list            # the verdict cards: dicts of message, figure, word, name, section
    coverage: object       # the coverage finding, rendered (what the flow figures rest on)


@dataclass
class View:
    """The report's results for one ledger state and one set of filters."""

    inputs: object          # pairaid.report.collect.ReportInputs
    fingerprint: str
    filters: Filters
    seconds: float
    state: str = ""         # fingerprint and journal head: what the cache keys it by
    _rendered: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def synthetic(self) -> bool:
        return bool(self.inputs.synthetic)

    def rendered(self, lang: str) -> Rendered:
        with self._lock:
            if lang not in self._rendered:
                self._rendered[lang] = _render(self, lang)
            return self._rendered[lang]


def _render(view: View, lang: str) -> Rendered:
    from markupsafe import Markup

    from pairaid.readings import card, render
    from pairaid.report import charts as chartlib
    from pairaid.report.build import chart_footer, chart_specs
    from pairaid.report.sections import build_sections
    from pairaid.report.verdict import page_heading

    inputs = view.inputs
    sections = {s.id: s for s in build_sections(inputs, lang)}
    footer = chart_footer(inputs, view.fingerprint, lang)
    specs, narrow = {}, {}
    for section in sections.values():
        for chart in section.charts:
            specs[chart.id], narrow[chart.id] = chart_specs(chartlib, chart, lang, footer)
    cards = []
    verdict = sections.get("verdict")
    for section_id, found in (verdict.cards if verdict else []):
        message, figure, word, name = card(found, lang)
        cards.append({"message": message, "figure": figure, "word": word, "name": name,
                      "section": section_id, "key": found.key, "verdict": found.verdict})
    coverage = [render(f, lang) for f in inputs.findings.get("headline", [])
                if f.key.startswith("coverage.")]
    heading, subtitle = page_heading(inputs, lang, view.fingerprint)
    return Rendered(sections, heading, subtitle, specs, narrow, cards,
                    Markup(" ").join(coverage))


class DashboardCache:
    """Views by (fingerprint, filters), built once even when requests arrive together."""

    def __init__(self, source) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._views: OrderedDict[tuple, View] = OrderedDict()
        self._building: dict[tuple, threading.Lock] = {}
        self._fingerprint: tuple[str, str] | None = None
        self._rechecking = False

    # -- the ledger's state --------------------------------------------------------------------
    def state(self) -> str:
        """The ledger's state now: its fingerprint and the journal's head (`LedgerSource.state`;
        recomputed only when the change marker moved). A server marker whose journal part is
        unchanged (only the re-check clock after "|" turned) keeps the known state while a
        background thread re-reads it: before, every dashboard request on PostgreSQL re-read
        the whole ledger for its fingerprint every 10 s, and the requests waited for it."""
        marker = self.source.change_marker()
        known = self._fingerprint
        if known is not None:
            if known[0] == marker:
                return known[1]
            journal, clock, _ = marker.partition("|")
            if clock and known[0].partition("|")[0] == journal:
                self._recheck(marker)
                return known[1]
        with self.source.reader() as ledger:
            value = self.source.state(ledger.store)
        self._fingerprint = (marker, value)
        return value

    def _recheck(self, marker: str) -> None:
        """Re-read the state for `marker` in the background, once at a time."""
        with self._lock:
            if self._rechecking:
                return
            self._rechecking = True

        def run() -> None:
            try:
                with self.source.reader() as ledger:
                    value = self.source.state(ledger.store)
                self._fingerprint = (marker, value)
            finally:
                self._rechecking = False

        threading.Thread(target=run, daemon=True, name="pairaid-dashboard-recheck").start()

    def changed(self) -> None:
        """A write through this app: the next request re-reads the fingerprint."""
        self._fingerprint = None

    # -- views ---------------------------------------------------------------------------------
    def warm(self, langs: tuple[str, ...] = ("en", "zh")) -> None:
        """Build the whole ledger's view and its pages in `langs` (a failure is left for the
        first request to report)."""
        try:
            view = self.view(Filters())
            for lang in langs:
                view.rendered(lang)
        except Exception:  # noqa: BLE001 - the request that needs the view shows the error
            pass

    def view(self, filters: Filters) -> View:
        key = (self.state(), filters.key())
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:  # a second request for the same view waits for the first
            with self._lock:
                if key in self._views:
                    return self._views[key]
            made = self._build(filters)
            with self._lock:
                # keyed by the state of the snapshot it was built from
                self._views[(made.state, filters.key())] = made
                self._views[key] = made
                while len(self._views) > CACHED_VIEWS:
                    self._views.popitem(last=False)
                self._building.pop(key, None)
            return made

    def _build(self, filters: Filters) -> View:
        from pairaid.ledger import Store
        from pairaid.ledger.fingerprint import ledger_fingerprint
        from pairaid.report.collect import collect
        from pairaid.subset import subset_ledger

        start = time.perf_counter()
        with self.source.reader() as ledger:
            store = ledger.store
            fingerprint = ledger_fingerprint(store)
            state = self.source.state(store, fingerprint)
            if filters.empty:
                inputs = collect(store, "dashboard")
            else:
                with tempfile.TemporaryDirectory(prefix="pairaid-view-") as folder:
                    path = Path(folder) / "subset.db"
                    subset_ledger(store, filters, path).close()
                    # read through one snapshot, never the Arrow reader (app threads)
                    with Store.open(path, create=False, snapshot=True) as part:
                        inputs = collect(part, "dashboard")
        return View(inputs, fingerprint, filters, round(time.perf_counter() - start, 2), state)
