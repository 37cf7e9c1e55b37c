"""The Python interface: one ledger object whose methods are the analyses (issue 12).

    import pairaid
    ledger = pairaid.open("pairaid-demo/demo.db")      # a SQLite path or a postgresql:// URL
    ledger.summary()                                   # every result: tidy(), to_frame(),
    ledger.panel(level="prefecture").to_frame()        #   to_dict(), and an HTML view
    ledger.estimate(outcome="index")

This is the project's one use-case layer (ledger → panel → analysis): the CLI commands summary,
panel, index, equity, dependence, environment and audit call these methods, so the terminal and
a notebook give the same numbers. Each method builds the panel (`pairaid.panel.build_panel`)
and hands its frame to the analysis package, which never sees the database; every result built
on flows carries the panel's coverage statement in its notes. The same analyses on a plain
DataFrame are the package functions (`pairaid.measure.build_index`,
`pairaid.distribution.describe_inequality`, …), re-exported at the top level.
"""

from __future__ import annotations

import dataclasses
import html
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pairaid.coverage import FlowCoverage, flow_coverage
from pairaid.panel import Panel, build_panel
from pairaid.results import ResultsMixin

#: the defaults `pairaid equity` uses on a ledger panel
EQUITY_DEFAULTS = {"value": "funds_per_capita", "weight": "population", "group": "parent",
                   "rank_by": "rural_income"}


def open(url: str | os.PathLike | None = None, *, create: bool = False) -> Ledger:  # noqa: A001
    """Open the ledger at `url` (a SQLite file path or a postgresql:// URL; None: PAIRAID_DB or
    ./pairaid.db). A missing SQLite file is an error unless `create`."""
    from pairaid.ledger import Store

    return Ledger(Store.open(url, create=create))


@dataclass(frozen=True)
class LedgerSummary(ResultsMixin):
    """The headline table (`pairaid.summary.Summary`) with the coverage its funds rest on."""

    headline: object
    coverage: FlowCoverage

    @property
    def synthetic(self) -> bool:
        return self.headline.synthetic

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"Coverage: {self.coverage.statement}.",)

    def figure(self, key: str):
        return self.headline.figure(key)

    def tidy(self) -> pd.DataFrame:
        """One row per headline figure: key, label, value, unit, period, source."""
        rows = [dataclasses.asdict(f) for f in self.headline.figures]
        frame = pd.DataFrame(rows)
        return frame.drop(columns=[c for c in ("published",) if c in frame.columns])

    def to_dict(self) -> dict:
        return {**self.headline.to_dict(), "coverage": self.coverage.to_dict()}

    def _repr_html_(self) -> str:
        head = "<p><b>SYNTHETIC demo data</b></p>" if self.synthetic else ""
        return (head + self.tidy().to_html(index=False)
                + f"<p>{html.escape(self.notes[0])}</p>")


class Ledger:
    """A ledger opened for analysis: the analyses are methods (see the module docstring)."""

    def __init__(self, store) -> None:
        self.store = store

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = ", SYNTHETIC" if self.synthetic else ""
        return f"<pairaid ledger {self.store.location} ({self.store.backend}{kind})>"

    def _repr_html_(self) -> str:
        counts = pd.DataFrame(list(self.counts().items()), columns=["table", "rows"])
        return f"<p>{html.escape(repr(self))}</p>" + counts.to_html(index=False)

    @property
    def synthetic(self) -> bool:
        return self.store.is_synthetic()

    @property
    def location(self) -> str:
        return self.store.location

    def counts(self) -> dict[str, int]:
        """Rows per ledger table."""
        return self.store.counts()

    def table(self, name: str) -> pd.DataFrame:
        """A whole table in its import format (regions, flows, observations, …)."""
        return self.store.read_table(name)

    # -- what the ledger knows -----------------------------------------------------------------
    def coverage(self, year_from: int | None = None, year_to: int | None = None) -> FlowCoverage:
        """Which pairing-years have flows recorded, are declared complete, or are not recorded."""
        return flow_coverage(self.store, year_from, year_to)

    def declare_complete(self, donor: str | None = None, recipient: str | None = None,
                         round: int | None = None, year_from: int | None = None,  # noqa: A002
                         year_to: int | None = None, source: str | None = None) -> pd.DataFrame:
        """State that the ledger holds every flow of the matching pairings over the period."""
        from pairaid.coverage import declare_complete

        return declare_complete(self.store, donor, recipient, round, year_from, year_to, source)

    def summary(self, year_from: int | None = None, year_to: int | None = None,
                currency: str = "CNY", prices: str = "nominal") -> LedgerSummary:
        """The headline figures and the coverage they rest on."""
        from pairaid.summary import summarise

        headline = summarise(self.store, year_from, year_to, currency, prices)
        return LedgerSummary(headline, self.coverage(headline.year_from, headline.year_to))

    def panel(self, level: str = "county", year_from: int | None = None,
              year_to: int | None = None, currency: str = "CNY",
              prices: str = "nominal") -> Panel:
        """The unit × year panel (`pairaid.panel.build_panel`)."""
        return build_panel(self.store, level, year_from, year_to, currency, prices)  # type: ignore[arg-type]

    # -- analyses on the panel -----------------------------------------------------------------
    def index(self, spec="sustainable_agriculture", level: str = "county", panel: Panel | None = None):
        """A composite index on the panel (`pairaid.measure.build_index`)."""
        from pairaid.measure import build_index

        panel = panel or self.panel(level)
        result = build_index(panel.frame, spec, unit="unit", time="year",
                             synthetic=panel.synthetic)
        return with_coverage(result, panel)

    def sensitivity(self, spec="sustainable_agriculture", draws: int = 1000, seed: int = 0,
                    level: str = "county", panel: Panel | None = None, progress=None):
        """Rank uncertainty of an index over draws of its construction choices."""
        from pairaid.measure import sensitivity

        panel = panel or self.panel(level)
        return sensitivity(panel.frame, spec, draws=draws, unit="unit", time="year", seed=seed,
                           synthetic=panel.synthetic, progress=progress)

    def estimate(self, outcome: str = "index", treatment: str = "funds_per_capita",
                 level: str = "county", **options):
        """Two-way FE elasticity of `outcome` to `treatment` (what `pairaid estimate` runs)."""
        from pairaid.evaluate.ledger import estimate_on_panel

        # estimate_on_panel adds the coverage (the CLI and the report call it too)
        return estimate_on_panel(self.panel(level), outcome, treatment, **options)

    def event_study(self, outcome: str, level: str = "county", **options):
        """Staggered DiD / event study on the panel (`pairaid.evaluate.did.event_study`)."""
        from pairaid.evaluate.did import event_study

        panel = self.panel(level)
        result = event_study(panel.frame, outcome=outcome, unit="unit", time="year",
                             synthetic=panel.synthetic, **options)
        return with_coverage(result, panel)

    def equity(self, value: str | None = None, weight: str | None = None,
               group: str | None = None, rank_by: str | None = None, level: str = "county",
               year: int | None = None, k: int = 3):
        """Gini, Theil and the concentration index of `value` by need, with a suppressed group
        table (ledger defaults: funds per capita, population weights, prefectures, rural
        income)."""
        from pairaid.distribution import describe_inequality
        from pairaid.distribution.inequality import (
            MINORITY_BAND, MINORITY_BAND_LABEL, minority_bands, one_year,
        )

        panel = self.panel(level)
        chosen = {key: given if given is not None else EQUITY_DEFAULTS[key]
                  for key, given in (("value", value), ("weight", weight), ("group", group),
                                     ("rank_by", rank_by))}
        group_label = ("prefecture" if level == "county" else "province"
                       ) if chosen["group"] == "parent" else chosen["group"]
        frame, chosen_year = one_year(panel.frame, chosen["value"], year)
        if chosen["group"] == MINORITY_BAND:
            frame, group_label = minority_bands(frame), MINORITY_BAND_LABEL
        result = describe_inequality(
            frame, chosen["value"], chosen["weight"], chosen["group"], chosen["rank_by"],
            unit="unit", k=k, synthetic=panel.synthetic, unit_label=level,
            group_label=group_label,
            context=f"{level} panel, money in {panel.basis.label}, {chosen_year}")
        return with_coverage(result, panel, dropped=chosen["value"], year=chosen_year)

    def dependence(self, level: str = "county", **options):
        """Assistance as a share of local budgets, self-financing trends, taper scenario."""
        from pairaid.distribution.dependence import dependence

        panel = self.panel(level)
        return with_coverage(dependence(panel, **options), panel)

    def environment(self, pressure: str = "water_withdrawal_agri",
                    output: str = "agri_output", level: str = "county", **options):
        """Tapio decoupling of an environmental pressure from output growth."""
        from pairaid.distribution.environment import decoupling

        panel = self.panel(level)
        return decoupling(panel, pressure, output, **options)

    def audit(self, as_of: int | None = None):
        """Cost per output, disbursement, duplicates, round numbers, Benford, completeness."""
        from pairaid.audit import audit_ledger

        result = audit_ledger(self.store, as_of=as_of)
        return dataclasses.replace(result, notes=result.notes + (
            f"Coverage: {self.coverage().statement}.",))

    def report(self, out_dir: str | Path = "pairaid-report", **options):
        """Write the HTML report (`pairaid.report.build.build_report`)."""
        from pairaid.report.build import build_report

        return build_report(self.store, out_dir, db_label=self.store.location, **options)


def with_coverage(result, panel: Panel, dropped: str | None = None, year: int | None = None):
    """`result` with the panel's coverage statement (and, for an analysis of a funds column,
    the unit-years it could not use because their funds are not recorded — in `year` only, for
    an analysis of one year) added to its notes."""
    if panel.coverage is None or not dataclasses.is_dataclass(result) or \
            "notes" not in {f.name for f in dataclasses.fields(result)}:
        return result
    notes = [f"Coverage: {panel.coverage.statement}."]
    if dropped is not None and panel.funds_missing and dropped in panel.frame:
        from pairaid.panel import FLOW_COVERAGE, PARTIAL
        from pairaid.coverage import NOT_RECORDED

        gap = panel.frame[FLOW_COVERAGE].isin([NOT_RECORDED, PARTIAL])
        if year is not None:
            gap &= panel.frame["year"] == year
        missing = panel.frame.loc[gap & panel.frame[dropped].isna(), ["unit", "year"]]
        if len(missing):
            named = ", ".join(f"{u} {y}" for u, y in missing.head(5).itertuples(index=False))
            notes.append(f"{len(missing):,} unit-years dropped because {dropped} is not "
                         f"recorded (e.g. {named}).")
    return dataclasses.replace(result, notes=tuple(result.notes) + tuple(notes))
