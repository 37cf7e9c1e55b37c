"""Run every analysis the report shows, once, and keep the results objects.

This is the only module of `report/` that calls the analysis packages; everything after it
renders what these results objects hold (issue 6: the report recomputes nothing). Each call is
the one the matching command makes, with the command's defaults, so the report's figures equal
the commands' JSON (`pairaid summary --json`, `pairaid estimate --json`, …)."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import pandas as pd

#: Monte Carlo draws for the index rank intervals (the default of `pairaid index sensitivity`;
#: at prefecture level 1,000 draws take about 0.2 s).
SENSITIVITY_DRAWS = 1000


@dataclass
class ReportInputs:
    """Everything the report renders. Optional parts are None when the ledger cannot support
    them; `gaps` says why, in words a reader can act on."""

    db_label: str
    synthetic: bool
    notice: str
    meta: dict
    summary: object
    pairings: pd.DataFrame
    regions: pd.DataFrame
    county: object          # pairaid.panel.Panel
    prefecture: object      # pairaid.panel.Panel
    index: object | None = None
    sensitivity: object | None = None
    elasticity: object | None = None
    #: the elasticity of the chosen outcome (when it is not the index itself)
    elasticity_outcome: object | None = None
    #: the outcome of the event study, dose-response and synthetic control, as the panel names it
    outcome: str = ""
    event_study: object | None = None
    dose_response: object | None = None
    bacon: object | None = None
    synthetic_control: object | None = None
    design_warnings: tuple[str, ...] = ()
    inequality: object | None = None
    inequality_groups: object | None = None
    #: year → InequalityResult, every year with disbursements (the Theil split over time)
    inequality_by_year: dict = field(default_factory=dict)
    dependence: object | None = None
    environment: object | None = None
    #: the money basis of the environment's farm output (constant prices when the ledger has a
    #: price index: nominal output would flatter "decoupling")
    environment_prices: object | None = None   # pairaid.money.MoneyBasis
    audit: object | None = None
    #: the programme's own rules (issue 14): `PolicyResults`, None when the ledger has no rule base
    policy: object | None = None
    gaps: list[str] = field(default_factory=list)
    #: section id → its findings (`pairaid.findings`), derived from the results above
    findings: dict = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    seeds: dict[str, int] = field(default_factory=dict)
    specs: dict[str, str] = field(default_factory=dict)


class _Clock:
    def __init__(self, inputs: ReportInputs):
        self.inputs = inputs

    def run(self, name: str, call, *, optional: bool = True):
        """Time `call`; an optional part that fails on bad input becomes a data gap."""
        from pairaid.errors import InputError

        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return call()
        except InputError as exc:
            if not optional:
                raise
            self.inputs.gaps.append(f"{name}: {exc}")
            return None
        finally:
            self.inputs.seconds[name] = round(time.perf_counter() - start, 3)


def collect(store, db_label: str, *, draws: int = SENSITIVITY_DRAWS, seed: int = 0,
            outcome: str | None = None) -> ReportInputs:
    """Run the analyses on the ledger `store` (already open). `outcome` (a panel column, or
    "index" for the bundled index) is what the effect estimates are about; by default the demo's
    latent index when the ledger has it, else the bundled index."""
    from pairaid.ledger import queries
    from pairaid.panel import build_panel
    from pairaid.summary import summarise

    meta = store.meta()
    start = time.perf_counter()
    summary = summarise(store)
    county = build_panel(store, "county")
    prefecture = build_panel(store, "prefecture")
    inputs = ReportInputs(db_label=db_label, synthetic=summary.synthetic, notice=summary.notice,
                          meta=meta, summary=summary, pairings=queries.pairing_spans(store),
                          regions=queries.regions(store), county=county, prefecture=prefecture)
    inputs.seconds["summary_and_panels"] = round(time.perf_counter() - start, 3)
    inputs.seeds = {"sensitivity": seed, "demo": int(meta["seed"]) if "seed" in meta else -1}
    clock = _Clock(inputs)
    _measure(clock, inputs, prefecture, draws, seed)
    _evaluate(clock, inputs, county, outcome)
    _distribution(clock, inputs, store, county)
    inputs.policy = _policy(clock, store, county)
    inputs.findings = derive_findings(inputs)
    return inputs


def derive_findings(inputs: ReportInputs) -> dict:
    """Each section's findings, read off the results objects (nothing is estimated here)."""
    from pairaid.findings import audit as audit_, distribution as dist, evaluate as ev
    from pairaid.findings import programme

    # the coverage the flow figures rest on is stated always, in both languages (issue 12)
    found: dict[str, list] = {"headline": programme.headline_findings(inputs.summary)
                              + programme.where_findings(inputs.summary, inputs.regions)
                              + programme.coverage_findings(inputs.county.coverage)}
    frame = inputs.county.frame
    effects = []
    for result in (inputs.elasticity, inputs.elasticity_outcome):
        if result is None:
            continue
        columns = [c for c in (ev.bare(result.outcome), ev.bare(result.treatment))
                   if c in frame.columns]
        years = (ev.sample_years(frame, *columns, positive=result.log_rule == "drop")
                 if columns else None)
        effects += ev.elasticity_findings(result, years)
    if inputs.event_study is not None:
        effects += ev.event_study_findings(inputs.event_study, frame["unit"].nunique())
    if inputs.dose_response is not None:
        dose = inputs.dose_response
        effects += ev.dose_response_findings(dose, ev.sample_years(
            frame, inputs.outcome, positive=True) if inputs.outcome in frame.columns else None)
    effects += ev.design_findings(inputs.design_warnings)
    found["effects"] = effects
    designs = ev.bacon_findings(inputs.bacon) if inputs.bacon is not None else []
    if inputs.synthetic_control is not None:
        sc = inputs.synthetic_control
        regions = inputs.regions.set_index("code")
        code = str(sc.treated)
        name = ((str(regions.at[code, "name_en"]), str(regions.at[code, "name_zh"]))
                if code in regions.index else code)
        designs += ev.synth_findings(sc, name)
    found["designs"] = designs
    if inputs.inequality is not None:
        # the equity year is the latest with funds (`one_year`), the last of the by-year split
        year = max(inputs.inequality_by_year) if inputs.inequality_by_year else None
        found["distribution"] = (dist.inequality_findings(inputs.inequality, year)
                                 + dist.group_findings(inputs.inequality_groups))
    if inputs.dependence is not None:
        found["dependence"] = dist.dependence_findings(inputs.dependence)
    if inputs.environment is not None:
        found["environment"] = dist.environment_findings(inputs.environment)
    if inputs.audit is not None:
        found["audit"] = audit_.audit_findings(inputs.audit)
    if inputs.policy is not None:
        found["policy"] = inputs.policy.findings()
    found["gaps"] = programme.gap_findings(inputs.gaps)
    return found


#: what the rules section shows: the bundled rule, the bundled scenario, and where the optimal
#: pairing's search stops: after the seeded iterated local search and the LP bound, no branch
#: and bound (6-8 s on the demo at load 9, objective 0.0506, gap 2.6 %, stated in the
#: section; one root node after it: 54 s in the same run for 0.0472). A node limit, not a time limit: a
#: time-limited search stopped at a different point on each run, and the English and Chinese
#: reports disagreed (11.4 % vs 11.3 %)
POLICY_RULE, POLICY_SCENARIO, MATCH_NODES = "xinjiang_2010", "taper_and_water", 0


@dataclass
class PolicyResults:
    """The rules section's results: compliance with the rule, the optimal pairing in the latest
    year with recorded flows (with its equity before and after), a bundled scenario."""

    rule: object
    compliance: object
    match: object | None = None
    equity: dict | None = None
    match_year: int | None = None
    scenario: object | None = None
    scenario_name: str = POLICY_SCENARIO

    def findings(self) -> list:
        from pairaid.findings import policy

        found = policy.compliance_findings(self.compliance)
        if self.match is not None:
            found += policy.match_findings(self.match, self.equity, self.match_year)
        if self.scenario is not None:
            found += policy.scenario_findings(self.scenario, self.scenario_name)
        return found


def _policy(clock, store, county=None) -> PolicyResults | None:
    """`pairaid plan compliance --rule xinjiang_2010`, `plan match --rule xinjiang_2010 --year
    LATEST --node-limit 0` (LATEST: the rule's last year with recorded flows) and `plan
    scenario taper_and_water`, each with the command's other defaults (the scenario on
    `county`, the county panel the report built already when given: the one `plan scenario`
    builds)."""
    from pairaid.policy import load_rule
    from pairaid.policy.ledger import compliance_on_ledger, match_on_ledger, scenario_on_ledger
    from pairaid.policy.scenario import load_scenario

    rule = load_rule(POLICY_RULE)
    compliance = clock.run("funding rule compliance", lambda: compliance_on_ledger(store, rule))
    if compliance is None:
        return None
    found = PolicyResults(rule, compliance)
    recorded = compliance.by_year.dropna(subset=["recorded_yuan"])
    if len(recorded):
        found.match_year = int(recorded["year"].max())
        matched = clock.run("optimal pairing", lambda: match_on_ledger(
            store, rule, found.match_year, node_limit=MATCH_NODES))
        if matched is not None:
            found.match, found.equity = matched
    found.scenario = clock.run("funding scenario", lambda: scenario_on_ledger(
        store, load_scenario(POLICY_SCENARIO), county))
    return found


def _measure(clock, inputs, prefecture, draws, seed) -> None:
    from pairaid.evaluate.ledger import INDEX_SPEC
    from pairaid.measure import sensitivity
    from pairaid.measure.index import build_index

    inputs.specs["index"] = INDEX_SPEC
    frame = prefecture.frame
    inputs.index = clock.run("index", lambda: build_index(
        frame, INDEX_SPEC, unit="unit", time="year", synthetic=prefecture.synthetic))
    inputs.sensitivity = clock.run("index sensitivity", lambda: sensitivity(
        frame, INDEX_SPEC, draws=draws, unit="unit", time="year", seed=seed,
        synthetic=prefecture.synthetic))


def _evaluate(clock, inputs, county, outcome: str | None) -> None:
    from pairaid.evaluate.bacon import bacon_decomposition
    from pairaid.api import event_study_frame
    from pairaid.evaluate.ledger import (INDEX_OUTCOME, estimate_on_panel, panel_frame,
                                         synth_defaults)
    from pairaid.evaluate.synth import synthetic_control

    # the command's defaults: `pairaid estimate --db DB --json` (and `--outcome OUTCOME`)
    inputs.elasticity = clock.run("elasticity (index)", lambda: estimate_on_panel(county))
    frame = county.frame
    chosen = outcome or ("sai_latent" if "sai_latent" in frame.columns else INDEX_OUTCOME)
    prepared = clock.run("outcome for the effect estimates", lambda: panel_frame(county, chosen))
    frame, column = prepared if prepared is not None else (None, chosen)
    if chosen != INDEX_OUTCOME:
        inputs.elasticity_outcome = clock.run(f"elasticity ({chosen})", lambda:
                                              estimate_on_panel(county, outcome=chosen))
    if frame is None or column not in frame.columns:
        inputs.gaps.append(f"effect estimates: the panel has no outcome '{chosen}' (give "
                           "`pairaid report --outcome COLUMN`)")
        return
    inputs.outcome = column
    values = pd.to_numeric(frame[column], errors="coerce").dropna()
    log = bool(len(values)) and bool((values > 0).all())  # logs only where they exist
    # with the Rambachan–Roth breakdown values, as `pairaid event-study --honest` (one path)
    inputs.event_study = clock.run("event study", lambda: event_study_frame(
        frame, column, estimator="cs", log=log, synthetic=county.synthetic,
        honest=("rm", "sd")))
    inputs.bacon = clock.run("Goodman-Bacon decomposition", lambda: bacon_decomposition(
        frame, outcome=column, log=log, synthetic=county.synthetic))
    treated = _synth_unit(frame, column)
    if treated is None:
        inputs.gaps.append("synthetic control: no paired unit has its outcome in every year")
    else:
        def synth():
            # inside the clock: a ledger with no never-paired unit (a prefecture's subset) has
            # no default donor pool, a data gap rather than a failed report
            when, donors = synth_defaults(frame, treated)
            return synthetic_control(frame, outcome=column, treated=treated, treat_time=when,
                                     donors=donors, drop_incomplete_donors=True,
                                     synthetic=county.synthetic)

        inputs.synthetic_control = clock.run("synthetic control", synth)
    _optional_evaluations(clock, inputs, _with_frame(county, frame), column, log)


def _with_frame(panel, frame):
    """The panel with another frame (the same units and years plus the outcome column)."""
    from dataclasses import replace

    return replace(panel, frame=frame)


def _synth_unit(frame: pd.DataFrame, outcome: str) -> str | None:
    """The unit the report's synthetic control is about: of the latest pairing cohort (the most
    years before pairing to fit on), the most populous with its outcome in every year."""
    units = frame.assign(unit=frame["unit"].astype(str)).groupby("unit")
    first = units["first_paired_year"].first().dropna()
    complete = units[outcome].apply(lambda v: bool(v.notna().all()))
    population = units["population"].mean()
    chosen = [u for u in first.index if first[u] == first.max() and complete[u]]
    return max(chosen, key=lambda u: population[u]) if chosen else None


def _optional_evaluations(clock, inputs, county, outcome, log: bool) -> None:
    """Dose-response (the `pairaid dose-response --db DB --log` call) and the design checks."""
    from pairaid.evaluate.continuous import INTENSITY_YEARS
    from pairaid.evaluate.design import design_warnings
    from pairaid.evaluate.ledger import dose_response_on_ledger

    inputs.dose_response = clock.run("dose-response", lambda: dose_response_on_ledger(
        county.frame, outcome=outcome, years=INTENSITY_YEARS, log=log,
        synthetic=county.synthetic))
    found = clock.run("design checks", lambda: design_warnings(
        county.frame, unit="unit", time="year", cohort="first_paired_year", outcome=outcome))
    inputs.design_warnings = tuple(found or ())


def _distribution(clock, inputs, store, county) -> None:
    """What `pairaid equity --db DB` shows (latest year with funds, by prefecture, ranked by
    rural income), the Theil split in every year with funds, and the minority-share bands."""
    from pairaid.audit import audit_ledger
    from pairaid.distribution import describe_inequality
    from pairaid.distribution.dependence import dependence
    from pairaid.distribution.environment import decoupling
    from pairaid.distribution.inequality import (MINORITY_BAND, MINORITY_BAND_LABEL,
                                                 MINORITY_SHARE, minority_bands, one_year)

    frame, value = county.frame, "funds_per_capita"
    chosen = clock.run("distribution", lambda: one_year(frame, value))
    if chosen is not None:
        latest, year = chosen

        def measure(rows, group, group_label, rank_by, when):
            return describe_inequality(
                rows, value, "population", group, rank_by, unit="unit",
                synthetic=county.synthetic, unit_label="county", group_label=group_label,
                context=f"county panel, money in {county.basis.label}, {when}")

        inputs.inequality = clock.run("inequality", lambda: measure(
            latest, "parent", "prefecture", "rural_income", year))
        for each in sorted(frame.loc[frame[value].fillna(0).ne(0), "year"].unique()):
            found = clock.run("inequality by year", lambda: measure(
                frame[frame["year"] == each], "parent", "prefecture", None, int(each)))
            if found is not None:
                inputs.inequality_by_year[int(each)] = found
        if MINORITY_SHARE in latest.columns:
            inputs.inequality_groups = clock.run("inequality by minority share", lambda: measure(
                minority_bands(latest), MINORITY_BAND, MINORITY_BAND_LABEL, None, year))
    inputs.dependence = clock.run("dependence", lambda: dependence(county))
    real, output, inputs.environment_prices = _constant_price_output(store, county)
    inputs.environment = clock.run("environment", lambda: decoupling(real, output=output))
    inputs.audit = clock.run("audit", lambda: audit_ledger(store))


def _constant_price_output(store, county):
    """The county panel with farm output at constant prices of its first year (deflated by
    `pairaid.money` as every amount is), its column and the
    money basis; the nominal column and basis when the ledger cannot deflate it."""
    from dataclasses import replace

    from pairaid.money import MoneyConverter, Prices
    from pairaid.errors import InputError

    frame = county.frame
    if "agri_output" not in frame.columns:
        return county, "agri_output", county.basis
    try:
        converter = MoneyConverter(store.read_table("rates"), store.read_table("prices"),
                                   county.basis.currency, Prices(int(frame["year"].min())))
        real = converter.convert(frame["agri_output"],
                                 pd.Series(county.basis.currency, index=frame.index),
                                 frame["year"])
    except InputError:
        return county, "agri_output", county.basis
    # its own name, so the readings say "farm output (constant prices)" (readings/templates.py)
    return (replace(county, frame=frame.assign(agri_output_real=real)), "agri_output_real",
            converter.basis)
