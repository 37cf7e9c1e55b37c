"""The Python interface: one ledger object whose methods are the analyses (issue 12).

    import pairaid
    ledger = pairaid.open("pairaid-demo/demo.db")      # a SQLite path or a postgresql:// URL
    ledger.summary()                                   # every result: tidy(), to_frame(),
    ledger.panel(level="prefecture").to_frame()        #   to_dict(), and an HTML view
    ledger.estimate(outcome="index")

This is the project's one use-case layer (ledger → panel → analysis): the CLI commands summary,
panel, index, equity, dependence, environment, audit and the four effect commands (estimate,
event-study, synth, dose-response) call these methods, and `effect_document` is the JSON those
print, so the terminal, the web service and a notebook give the same numbers. Each method
builds the panel (`pairaid.panel.build_panel`) and hands its frame to the analysis package,
which never sees the database; every result built on flows carries the panel's coverage
statement in its notes. The same analyses on a plain
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

from pairaid.api_frames import (  # noqa: F401  (re-exported: one import path for callers)
    HONEST_RESTRICTIONS, effect_document, event_study_frame, honest_target, plan_document,
    with_coverage,
)
from pairaid.coverage import FlowCoverage, flow_coverage
from pairaid.panel import Panel, build_panel
from pairaid.results import ResultsMixin

#: the defaults `pairaid equity` uses on a ledger panel
EQUITY_DEFAULTS = {"value": "funds_per_capita", "weight": "population", "group": "parent",
                   "rank_by": "rural_income"}


def open(url: str | os.PathLike | None = None, *, create: bool = False,  # noqa: A001
         include_drafts: bool = False) -> Ledger:
    """Open the ledger at `url` (a SQLite file path or a postgresql:// URL; None: PAIRAID_DB or
    ./pairaid.db). A missing SQLite file is an error unless `create`. The analyses use approved
    records only, unless `include_drafts` (drafts and returned records too)."""
    from pairaid.ledger import Store

    return Ledger(Store.open(url, create=create, include_drafts=include_drafts))


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

    def estimation_frame(self, outcome: str = "index", level: str = "county",
                         donors: bool = False):
        """The panel ready for an estimate of `outcome` ("index": the bundled index added as a
        column), with each unit's donor and the donor-revenue instrument when `donors`:
        (frame, synthetic, outcome column, notes). What `pairaid estimate --formula` fits on."""
        from pairaid.evaluate.ledger import panel_frame, with_donor_columns

        panel = self.panel(level)
        frame, column = panel_frame(panel, outcome)
        notes: tuple[str, ...] = ()
        if donors:
            frame, notes = with_donor_columns(self.store, frame)
        return frame, panel.synthetic, column, notes

    def estimate_formula(self, formula: str, level: str = "county", *,
                         cluster: str | None = None, vcov: str | None = None,
                         log: str | None = None, wild_bootstrap: int = 0, seed: int = 0,
                         outcome: str = "index"):
        """A fixest formula on the ledger's panel, taken as written (`pairaid estimate --db
        --formula`): an elasticity, or 2SLS for an IV formula ('y ~ 1 | unit + year | x ~ z').
        `outcome="index"` adds the bundled index as a column the formula may name; clustering
        by donor adds each unit's donor. `vcov` None: CRV3 for one-way donor clustering, else
        CRV1 (2SLS: CRV1, it has no jackknife here)."""
        from pairaid.evaluate import estimate_elasticity
        from pairaid.evaluate.iv import estimate_iv, is_iv_formula
        from pairaid.evaluate.ledger import DONOR_CLUSTER, cluster_reason, default_vcov

        donors = cluster is not None and DONOR_CLUSTER in cluster.split("+")
        frame, synthetic, _, notes = self.estimation_frame(outcome, level, donors)
        vcov = (vcov or "CRV1") if is_iv_formula(formula) else default_vcov(cluster, vcov)
        reason = cluster_reason(cluster, vcov)
        if is_iv_formula(formula):
            return estimate_iv(frame, formula, cluster=cluster, vcov=vcov, cluster_reason=reason,
                               notes=notes, synthetic=synthetic)
        return estimate_elasticity(frame, formula, cluster=cluster, vcov=vcov, log=log or "none",
                                   wild_bootstrap=wild_bootstrap, seed=seed, synthetic=synthetic,
                                   cluster_reason=reason, notes=notes)

    def estimate_with_design(self, outcome: str = "index",
                             treatment: str = "funds_per_capita", level: str = "county", *,
                             controls: tuple[str, ...] = (), cluster: str | None = None,
                             vcov: str | None = None, log: str | None = None,
                             wild_bootstrap: int = 0, seed: int = 0, randomisation: int = 0):
        """What `pairaid estimate` runs on the ledger (--outcome/--treatment): the elasticity,
        clustered by unit or by donor (`cluster="donor"`, `"unit+donor"`) with the reason
        said, optionally randomisation inference over the donors' start years; and the design
        warnings. Returns (result, design warnings)."""
        from pairaid.evaluate import estimate_elasticity
        from pairaid.evaluate.design import design_warnings
        from pairaid.evaluate.ledger import (DONOR_CLUSTER, cluster_reason, default_vcov,
                                             panel_frame, with_donor_columns,
                                             with_randomisation)

        vcov = default_vcov(cluster, vcov)  # CRV3 for one-way donor clustering

        panel = self.panel(level)
        frame, column = panel_frame(panel, outcome)
        synthetic = panel.synthetic
        notes: tuple[str, ...] = ()
        if randomisation > 0 or (cluster is not None and DONOR_CLUSTER in cluster.split("+")):
            frame, notes = with_donor_columns(self.store, frame)
        options = dict(controls=tuple(controls), cluster=cluster, vcov=vcov, log=log or "drop")
        result = estimate_elasticity(frame, outcome=column, treatment=treatment, unit="unit",
                                     time="year", wild_bootstrap=wild_bootstrap, seed=seed,
                                     synthetic=synthetic,
                                     cluster_reason=cluster_reason(cluster, vcov),
                                     notes=notes, **options)
        if randomisation:
            result = with_randomisation(frame, result, outcome=column, treatment=treatment,
                                        draws=randomisation, seed=seed, synthetic=synthetic,
                                        **options)
        found = design_warnings(frame, unit="unit", time="year", cohort=None,
                                treatment=treatment, outcome=column)
        return with_coverage(result, panel, dropped=treatment), found

    def estimate_document(self, outcome: str = "index", treatment: str = "funds_per_capita",
                          level: str = "county", **options) -> dict:
        """`pairaid estimate --json` on the ledger (`estimate_with_design`, as one document)."""
        return effect_document(*self.estimate_with_design(outcome, treatment, level,
                                                          **options))

    def instrumented(self, outcome: str = "index", treatment: str = "funds_per_capita",
                     level: str = "county", **options):
        """2SLS of the outcome on funds per capita instrumented by the paired donor's lagged
        revenue per recipient resident (`pairaid estimate --instrument donor_revenue`).
        `vcov` None: CRV1 (2SLS has no jackknife here)."""
        from pairaid.evaluate.ledger import iv_on_ledger

        options["vcov"] = options.get("vcov") or "CRV1"
        return iv_on_ledger(self.store, outcome, treatment, level, **options)

    def event_study(self, outcome: str, level: str = "county", *, honest=(),
                    honest_target: int | str = 0, **options):
        """Staggered DiD / event study on the panel (`pairaid.evaluate.did.event_study`), with
        the Rambachan–Roth sensitivity of each restriction in `honest` ("rm", "sd")."""
        panel = self.panel(level)
        result = event_study_frame(panel.frame, outcome, unit="unit", time="year",
                                   synthetic=panel.synthetic, honest=honest,
                                   honest_target=honest_target, **options)
        return with_coverage(result, panel)

    def bacon(self, outcome: str, level: str = "county", cohort: str = "first_paired_year",
              log: bool | str = False):
        """Goodman-Bacon decomposition of the static TWFE coefficient on the panel."""
        from pairaid.evaluate.bacon import bacon_decomposition

        panel = self.panel(level)
        return bacon_decomposition(panel.frame, outcome=outcome, unit="unit", time="year",
                                   cohort=cohort, log=log, synthetic=panel.synthetic)

    def event_study_document(self, outcome: str, level: str = "county", bacon: bool = False,
                             **options) -> dict:
        """`pairaid event-study --json` on the ledger (with ``"bacon"`` when asked)."""
        document = effect_document(self.event_study(outcome, level, **options))
        if bacon:
            document["bacon"] = self.bacon(outcome, level, options.get("cohort",
                                                                       "first_paired_year"),
                                           options.get("log", False)).to_dict()
        return document

    def synth(self, outcome: str, treated: str, level: str = "county",
              treat_time: float | None = None, donors: list[str] | tuple[str, ...] = (),
              **options):
        """Synthetic control (or HCW, ``method="hcw"``) for one unit of the panel: treat time =
        its first paired year, donors = the units never paired, unless given. Returns (result,
        design warnings); the result names the unit by `level` (county or prefecture)."""
        from pairaid.evaluate.design import synth_design_warnings
        from pairaid.evaluate.ledger import synth_defaults
        from pairaid.evaluate.synth import synthetic_control

        panel = self.panel(level)
        given = list(donors) or None
        treated = self._unit_code(panel, treated, level)
        when, pool = synth_defaults(panel.frame, treated, treat_time, given)
        result = synthetic_control(panel.frame, outcome=outcome, treated=str(treated),
                                   treat_time=when, unit="unit", time="year", donors=pool,
                                   drop_incomplete_donors=given is None,
                                   synthetic=panel.synthetic, **options)
        result = with_coverage(dataclasses.replace(result, unit_label=level), panel)
        return result, tuple(synth_design_warnings(result))

    def _unit_code(self, panel: Panel, unit: str, level: str) -> str:
        """A unit of the panel by its code or, as offices write it, its name (和田县, Hotan
        County, 和田巿 …: `ingest.names.NameResolver`, which lists the closest names when none
        or several match)."""
        if str(unit) in set(panel.frame["unit"].astype(str)):
            return str(unit)
        from pairaid.ingest.names import NameResolver

        levels = ("county", "corps_division") if level == "county" else (
            "prefecture", "corps_division")
        return NameResolver.from_store(self.store).region(str(unit), levels)

    def synth_document(self, outcome: str, treated: str, level: str = "county",
                       **options) -> dict:
        """`pairaid synth --json` on the ledger."""
        return effect_document(*self.synth(outcome, treated, level, **options))

    def dose_response(self, outcome: str = "sai_latent", level: str = "county",
                      intensity_years: int = 3, cohort: str | None = None, **options):
        """Continuous-treatment DiD on the panel: intensity = mean funds per person over the
        pairing's first `intensity_years`, post = year >= the cohort (first paired year).
        Returns (result, design warnings)."""
        from pairaid.evaluate.design import design_warnings
        from pairaid.evaluate.ledger import dose_response_on_ledger

        panel = self.panel(level)
        cohort = cohort or "first_paired_year"
        result = dose_response_on_ledger(panel.frame, outcome=outcome, years=intensity_years,
                                         cohort=cohort, synthetic=panel.synthetic, **options)
        found = design_warnings(panel.frame, unit="unit", time="year", cohort=cohort,
                                outcome=outcome)
        return with_coverage(result, panel), tuple(found)

    def dose_response_document(self, outcome: str = "sai_latent", level: str = "county",
                               **options) -> dict:
        """`pairaid dose-response --json` on the ledger."""
        return effect_document(*self.dose_response(outcome, level, **options))

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
        return with_coverage(dataclasses.replace(result, year=chosen_year), panel,
                             dropped=chosen["value"], year=chosen_year)

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
        return with_coverage(decoupling(panel, pressure, output, **options), panel)

    def audit(self, as_of: int | None = None):
        """Cost per output, disbursement, duplicates, round numbers, Benford, completeness."""
        from pairaid.audit import audit_ledger

        result = audit_ledger(self.store, as_of=as_of)
        return dataclasses.replace(result, notes=result.notes + (
            f"Coverage: {self.coverage().statement}.",))

    # -- the programme's own rules (`policy/`) ---------------------------------------------------
    def commitments(self, rule, year: int):
        """Each donor's obligation in `year` under a funding rule (a `FundingRule`, a bundled
        rule's name or a rule file)."""
        from pairaid.policy import load_rule
        from pairaid.policy.ledger import commitments_on_ledger

        return commitments_on_ledger(self.store, load_rule(rule) if isinstance(rule, str)
                                     else rule, year)

    def compliance(self, rule, year_from: int | None = None, year_to: int | None = None):
        """Recorded disbursements against the rule's obligations by donor and year."""
        from pairaid.policy import load_rule
        from pairaid.policy.ledger import compliance_on_ledger

        return compliance_on_ledger(self.store, load_rule(rule) if isinstance(rule, str)
                                    else rule, year_from, year_to)

    def commitments_document(self, rule: str, year: int) -> dict:
        """`pairaid plan commitments --json`."""
        from pairaid.policy import load_rule
        from pairaid.policy.ledger import plan_label

        parsed = load_rule(rule)
        return plan_document(self.commitments(parsed, year), plan_label(self.store,
                                                                        parsed.source))

    def compliance_document(self, rule: str, year_from: int | None = None,
                            year_to: int | None = None) -> dict:
        """`pairaid plan compliance --json`."""
        from pairaid.policy import load_rule
        from pairaid.policy.ledger import plan_label

        parsed = load_rule(rule)
        return plan_document(self.compliance(parsed, year_from, year_to),
                             plan_label(self.store, parsed.source))

    def report(self, out_dir: str | Path = "pairaid-report", **options):
        """Write the HTML report (`pairaid.report.build.build_report`)."""
        from pairaid.report.build import build_report

        return build_report(self.store, out_dir, db_label=self.store.location, **options)
