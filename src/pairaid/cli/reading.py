"""What the CLI says a result means: its findings (`pairaid.findings`) rendered through
`pairaid.readings` in the language of `--lang`, the same sentences the report prints. No
sentence is written here: this module only picks the findings of each command and prints them.

Coverage (what the flow figures rest on) is said on stdout with every ledger result: in English
it is among the result's notes (printed with its summary), in Chinese the coverage finding is
rendered below the readings.
"""

from __future__ import annotations

from collections.abc import Iterable

from pairaid.findings import Finding


def show(findings: Iterable[Finding], lang: str = "en", coverage=None) -> None:
    """Print each finding's reading on stdout (plain text), then, in a language other than
    English, the coverage reading of `coverage` (a `FlowCoverage`; None: no ledger)."""
    from pairaid.cli.console import out
    from pairaid.findings.programme import coverage_findings
    from pairaid.readings import render

    found = list(findings)
    if lang != "en":
        found += coverage_findings(coverage)
    if not found:
        return
    out.print("", highlight=False)
    for f in found:
        # unwrapped: rich would break Chinese lines inside a number ("0.5" → "0" / ".5")
        out.print(render(f, lang, html=False), highlight=False, markup=False, soft_wrap=True)


def design(warnings: Iterable, lang: str = "en") -> None:
    """The design warnings on stderr: their English messages, or their readings in `lang`."""
    from pairaid.cli.console import err
    from pairaid.findings.evaluate import design_findings
    from pairaid.readings import render

    warnings = list(warnings)
    texts = ([str(w) for w in warnings] if lang == "en" else
             [render(f, lang, html=False) for f in design_findings(warnings)])
    for text in texts:
        err.print(f"[bold yellow]design:[/] {_escaped(text)}", highlight=False)


def _escaped(text: str) -> str:
    from rich.markup import escape

    return escape(text)


# -- the findings of each command --------------------------------------------------------------
def effect(result, level: str = "unit", name=None) -> list[Finding]:
    """The findings of an effect estimate (elasticity, IV, event study, synthetic control,
    dose-response, Goodman-Bacon) by its type; `level` names the units (county, prefecture,
    or unit for a --data table), `name` the treated unit of a synthetic control."""
    from pairaid.evaluate.bacon import BaconDecomposition
    from pairaid.evaluate.continuous_results import ContinuousDidResult
    from pairaid.evaluate.did_results import EventStudyResult
    from pairaid.evaluate.iv_results import IVResult
    from pairaid.evaluate.results import ElasticityResult
    from pairaid.evaluate.synth_results import SyntheticControlResult
    from pairaid.findings import evaluate as ev

    if isinstance(result, ElasticityResult):
        return ev.elasticity_findings(result, level=level)
    if isinstance(result, IVResult):
        return ev.iv_findings(result)
    if isinstance(result, EventStudyResult):
        return ev.event_study_findings(result)
    if isinstance(result, SyntheticControlResult):
        return ev.synth_findings(result, name or str(result.treated), level, chosen=False)
    if isinstance(result, ContinuousDidResult):
        return ev.dose_response_findings(result, level=level)
    if isinstance(result, BaconDecomposition):
        return ev.bacon_findings(result)
    raise TypeError(f"no findings for {type(result).__name__}")


def region_name(ledger, code: str):
    """A region's (English, Chinese) name from the ledger, or its code when it has none."""
    regions = ledger.table("regions")
    match = regions[regions["code"].astype(str) == str(code)]
    if match.empty:
        return str(code)
    row = match.iloc[0]
    return (str(row["name_en"] or code), str(row["name_zh"] or row["name_en"] or code))


def equity(result) -> list[Finding]:
    from pairaid.distribution.inequality import MINORITY_BAND
    from pairaid.findings import distribution as dist

    # the group sentences speak of minority-share bands: other groupings have only the table
    groups = dist.group_findings(result) if result.group == MINORITY_BAND else []
    return dist.inequality_findings(result) + groups


def dependence(result) -> list[Finding]:
    from pairaid.findings import distribution as dist

    return dist.dependence_findings(result)


def environment(result) -> list[Finding]:
    from pairaid.findings import distribution as dist

    return dist.environment_findings(result)


def audit(result) -> list[Finding]:
    from pairaid.findings.audit import audit_findings

    return audit_findings(result)
