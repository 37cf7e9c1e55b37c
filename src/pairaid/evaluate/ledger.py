"""The bridge between the evaluations and the ledger: the panel an estimate runs on.

`pairaid estimate` and the report both call `estimate_on_panel` (the command through
`estimate_on_ledger`), so the report shows exactly the numbers the command prints (a test
compares their JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyfixest loads only when an estimate runs (start-up time of every command)
    from pairaid.evaluate.continuous_results import ContinuousDidResult
    from pairaid.evaluate.results import ElasticityResult

#: `--outcome index`: the sustainable-agriculture index built from the bundled spec
INDEX_OUTCOME = "index"
INDEX_SPEC = "sustainable_agriculture"


def panel_frame(panel, outcome: str = INDEX_OUTCOME):
    """A built panel's frame ready for an estimate, and the outcome's column: ``"index"`` adds
    the bundled index's score as a column and names it."""
    if outcome != INDEX_OUTCOME:
        return panel.frame, outcome
    from pairaid.measure.ledger import with_index_score

    column = f"{INDEX_SPEC}_index"
    return with_index_score(panel.frame, INDEX_SPEC, column, panel.synthetic), column


def ledger_frame(store, level: str = "county", outcome: str = INDEX_OUTCOME):
    """The ledger's unit × year panel ready for an estimate: (frame, synthetic, outcome column)."""
    from pairaid.panel import build_panel

    panel = build_panel(store, level)
    frame, column = panel_frame(panel, outcome)
    return frame, panel.synthetic, column


def estimate_on_panel(panel, outcome: str = INDEX_OUTCOME, treatment: str = "funds_per_capita",
                      **options) -> "ElasticityResult":
    """Two-way FE elasticity of `outcome` to `treatment` on a ledger panel (unit and year
    effects, clustered by unit unless `options` say otherwise): what `pairaid estimate --db`
    runs, and what the report calls with the panel it has already built."""
    from pairaid.evaluate.elasticity import estimate_elasticity

    from pairaid.api import with_coverage

    frame, column = panel_frame(panel, outcome)
    # the notes say what the estimate rests on: the panel's flow coverage, and the unit-years
    # left out because their funds are not recorded (issue 12)
    return with_coverage(estimate_elasticity(frame, outcome=column, treatment=treatment,
                                             unit="unit", time="year",
                                             synthetic=panel.synthetic, **options),
                         panel, dropped=treatment)


def estimate_on_ledger(store, outcome: str = INDEX_OUTCOME,
                       treatment: str = "funds_per_capita", level: str = "county",
                       **options) -> "ElasticityResult":
    """`estimate_on_panel` on the ledger's panel at `level`."""
    from pairaid.panel import build_panel

    return estimate_on_panel(build_panel(store, level), outcome, treatment, **options)


def dose_response_on_ledger(frame, *, outcome: str, years: int,
                            cohort: str = "first_paired_year", **options) -> "ContinuousDidResult":
    """Continuous-treatment DiD on the ledger panel: intensity = mean funds per person over the
    pairing's first `years` years (0 for units never paired), post = year ≥ `cohort`."""
    import dataclasses

    from pairaid.evaluate.continuous import continuous_did, ledger_intensity

    dosed = ledger_intensity(frame, years=years, cohort=cohort)
    # a paired unit whose funds per person are not recorded in its first years has no known
    # dose: it is left out and named (missing, not zero), not an error that stops the estimate
    unknown = dosed.groupby("unit").agg(paired=("post", "max"), dose=("intensity", "first"))
    unknown = unknown.index[(unknown["paired"] > 0) & unknown["dose"].isna()]
    notes: tuple[str, ...] = ()
    if len(unknown):
        dosed = dosed[~dosed["unit"].isin(unknown)]
        shown = ", ".join(str(u) for u in unknown[:5])
        notes = (f"{len(unknown)} paired units left out: funds per person are not recorded in "
                 f"their first {years} years of pairing, so their dose is unknown ({shown}"
                 f"{' …' if len(unknown) > 5 else ''})",)
    result = continuous_did(dosed, outcome=outcome, intensity="intensity", unit="unit",
                            time="year", post="post", **options)
    return dataclasses.replace(result, notes=notes + result.notes) if notes else result


def synth_defaults(frame, treated: str, when: float | None = None,
                   donors: list[str] | None = None) -> tuple[float, list[str]]:
    """Synthetic control on the ledger panel: treat time = the treated unit's first paired
    year, donors = the units never paired (unless given)."""
    from pairaid.evaluate.synth import SynthError as error

    first = frame.groupby(frame["unit"].astype(str))["first_paired_year"].first()
    if treated not in first.index:
        raise error(f"treated unit {treated!r} is not in the panel (e.g. "
                    f"{', '.join(first.index[:5])})")
    if when is None:
        if first.isna()[treated]:
            raise error(f"unit {treated!r} was never paired: give --treat-time")
        when = float(first[treated])
    if donors is None:
        donors = [u for u in first.index[first.isna()] if u != treated]
        if not donors:
            raise error("no unit in the panel was never paired, so the default donor pool is "
                        "empty: give --donors")
    return when, donors


#: `--cluster donor` / `--cluster unit+donor` in ledger mode: the donor of each unit (see
#: `evaluate.instrument.assign_donors`); never-paired units form clusters of their own
DONOR_CLUSTER = "donor"
DONOR_CLUSTER_REASON = (
    "clustered by donor because assignment (who is paired, when, with how much) is made by "
    "donor, so a shock to a donor's budget can move all its counties together; county "
    "clustering treats them as independent and under-covers when such shocks exist "
    "(bench/donor_clustering.py)")


#: why one-way donor clustering defaults to the jackknife
DONOR_CRV3_REASON = (
    "; the jackknife (CRV3, leave one donor out) is the default there: with 19 donors the "
    "CRV1 interval covered the truth in 91.5 % of simulated panels (bench/donor_clustering.py) "
    "and 92.1 % (tests/test_donor_crv3.py) instead of 95 %, CRV3 in 95.6 %")


def default_vcov(cluster: str | None, vcov: str | None) -> str:
    """The covariance `pairaid estimate` uses: the one asked for, else CRV3 when clustering one
    way by donor (few clusters: MacKinnon, Nielsen and Webb 2023, "Cluster-robust inference: A
    guide to empirical practice", *Journal of Econometrics* 232(2)), else CRV1."""
    if vcov is not None:
        return vcov
    return "CRV3" if cluster is not None and cluster.strip() == DONOR_CLUSTER else "CRV1"


def cluster_reason(cluster: str | None, vcov: str = "CRV1") -> str:
    """Why the estimate clusters where it does (text and JSON of `pairaid estimate`)."""
    if cluster is not None and DONOR_CLUSTER in cluster.split("+"):
        return DONOR_CLUSTER_REASON + (" (two-way with the county: each county's own serial "
                                       "correlation too)" if "+" in cluster else "") + (
            DONOR_CRV3_REASON if vcov == "CRV3" else "")
    return ("clustered by county (the default: serial correlation within a county); "
            "assignment is made by donor, so --cluster donor (with --wild-bootstrap, 19 "
            "clusters) is the level that matches the design")


def with_donor_columns(store, frame):
    """The panel `frame` with `donor` (each unit's donor; never-paired units their own
    cluster id ``none:<unit>``) and `donor_revenue` (the funding rule's instrument), and notes
    saying how they were built."""
    import pandas as pd

    from pairaid.evaluate import instrument as iv
    from pairaid.ledger import queries

    pairings = queries.pairing_spans(store)
    units = pd.Index(frame["unit"].astype(str).unique())
    donor, several = iv.assign_donors(units, pairings)
    frame = frame.assign(**{iv.DONOR_COLUMN: frame["unit"].astype(str).map(donor)})
    notes = []
    if several:
        notes.append(f"{several} units have several donors: each is assigned the donor of its "
                     f"earliest pairing (alphabetical among equals)")
    bases = iv.fiscal_bases(store.meta(), queries.donors(store), queries.regions(store))
    years = frame["year"]
    revenue = queries.observations_wide(store, [iv.REVENUE_INDICATOR], int(years.min()) - 1,
                                        int(years.max()))
    frame = frame.assign(**{iv.INSTRUMENT_COLUMN: iv.donor_revenue(frame, pairings, revenue,
                                                                   bases)})
    missing = sorted(set(pairings["donor"]) - set(bases))
    if missing:
        notes.append(f"donors without a fiscal base region (no instrument for their units): "
                     f"{', '.join(missing)}")
    never = frame[iv.DONOR_COLUMN].isna()
    frame.loc[never, iv.DONOR_COLUMN] = "none:" + frame.loc[never, "unit"].astype(str)
    return frame, tuple(notes)


def iv_on_ledger(store, outcome: str = INDEX_OUTCOME, treatment: str = "funds_per_capita",
                 level: str = "county", cluster: str | None = None, vcov: str = "CRV1",
                 log: str = "drop"):
    """`pairaid estimate --instrument donor_revenue`: log outcome on log funds per capita,
    instrumented by log donor revenue per recipient resident, unit and year effects."""
    from pairaid.evaluate.instrument import INSTRUMENT_COLUMN
    from pairaid.evaluate.iv import estimate_iv
    from pairaid.panel import build_panel

    panel = build_panel(store, level)
    frame, column = panel_frame(panel, outcome)
    frame, notes = with_donor_columns(store, frame)
    reason = DONOR_CLUSTER_REASON if cluster and DONOR_CLUSTER in cluster else (
        "clustered by unit (the default); assignment is by donor: see --cluster donor")
    return estimate_iv(frame, outcome=column, treatment=treatment, instrument=INSTRUMENT_COLUMN,
                       unit="unit", time="year", log=log != "none", cluster=cluster or "unit",
                       vcov=vcov, cluster_reason=reason if vcov == "CRV1" else "",
                       notes=notes, synthetic=panel.synthetic)


def with_randomisation(frame, result, *, outcome: str, treatment: str, draws: int, seed: int,
                       **options):
    """`result` with the randomisation-inference p-value over donors' start years
    (`evaluate.inference`); `frame` has the donor column, `options` are the estimate's."""
    import dataclasses

    from pairaid.evaluate.elasticity import estimate_elasticity
    from pairaid.evaluate.inference import cohort_randomisation

    options = {k: v for k, v in options.items() if k not in ("wild_bootstrap", "notes",
                                                               "cluster_reason")}

    def t_of(moved):
        fit = estimate_elasticity(moved, outcome=outcome, treatment=treatment, unit="unit",
                                  time="year", **options)
        return float(fit.tstats[fit.treatment])

    ri = cohort_randomisation(frame, float(result.tstats[result.treatment]), t_of,
                              treatment=treatment, draws=draws, seed=seed)
    return dataclasses.replace(result, randomisation=ri)
