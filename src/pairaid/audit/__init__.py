"""Audit of a ledger: cost per output, disbursement ratios, delays, duplicates, round numbers,
Benford digit tests and completeness.

    from pairaid.audit import audit_frames, audit_ledger
    report = audit_ledger(store)            # or audit_frames({table: DataFrame}, synthetic=…)
    print(report)                           # one line per finding; report.to_json()

Each check is a plain function of DataFrames in their import format (`pairaid.ingest.tables`)
returning `Finding`s; `audit_frames` runs them all. It does not read the database: the ledger's
`audit_queries` hands it the tables.
"""

from __future__ import annotations

import pandas as pd

from pairaid.audit.benford import BenfordTest, benford_test
from pairaid.audit.completeness import (indicators_without_observations, missing_county_years,
                                        without_source)
from pairaid.audit.money import (
    benford,
    disbursement_ratio,
    duplicates,
    in_cny,
    round_numbers,
)
from pairaid.audit.projects import cost_per_output, delays, robust_z
from pairaid.audit.results import AuditReport, Finding
from pairaid.errors import InputError

__all__ = ["AUDIT_TABLES", "AuditDataError", "AuditReport", "BenfordTest", "Finding",
           "audit_frames", "audit_ledger", "benford_test", "cost_per_output", "delays",
           "disbursement_ratio", "duplicates", "in_cny", "indicators_without_observations",
           "missing_county_years", "robust_z",
           "round_numbers", "without_source"]

#: the tables the audit reads
AUDIT_TABLES = ("regions", "projects", "outputs", "flows", "observations", "rates", "indicators")
#: Benford is run on what offices report as paid or spent (not on derived or secured amounts)
BENFORD_KINDS = ("commitment", "disbursement", "expenditure")


class AuditDataError(InputError):
    """The tables handed to the audit lack columns it needs."""


def audit_frames(frames: dict[str, pd.DataFrame], synthetic: bool = False,
                 as_of: int | None = None) -> AuditReport:
    """Run every check on tables in their import format; a missing table counts as empty."""
    from pairaid.ingest.tables import TABLES

    tables = {}
    for name in AUDIT_TABLES:
        columns = list(TABLES[name].column_names)
        frame = frames.get(name)
        if frame is None:
            frame = pd.DataFrame(columns=columns)
        lacking = [c for c in columns if c not in frame.columns]
        if lacking:
            raise AuditDataError(f"{name}: missing columns {', '.join(lacking)}")
        tables[name] = _typed(name, frame)
    flows, projects, outputs = tables["flows"], tables["projects"], tables["outputs"]
    findings: list[Finding] = []
    findings += cost_per_output(projects, outputs)
    findings += disbursement_ratio(flows, tables["rates"])
    findings += delays(projects, outputs, flows, as_of=as_of)
    findings += duplicates(flows)
    findings += round_numbers(flows)
    findings += benford(flows.loc[flows["kind"].isin(BENFORD_KINDS), "amount"])
    findings += missing_county_years(tables["observations"], tables["regions"],
                                     tables["indicators"])
    findings.append(indicators_without_observations(tables["observations"],
                                                    tables["indicators"]))
    findings.append(without_source(tables["observations"], "observations",
                                   ["region", "year", "indicator"]))
    findings.append(without_source(flows, "flows", ["donor", "recipient", "year", "kind",
                                                    "sector", "ref"]))
    notes = (("Flags are leads to check, not proof of error or fraud; each message says what the "
              "pattern may mean."),)
    return AuditReport(tuple(findings), synthetic=synthetic, notes=notes,
                       inputs={name: len(t) for name, t in tables.items()})


def audit_ledger(store, as_of: int | None = None) -> AuditReport:
    """Audit a ledger (`pairaid.ledger.Store`); a demo ledger's report says it is SYNTHETIC."""
    from pairaid.ledger.audit_queries import audit_tables

    return audit_frames(audit_tables(store, AUDIT_TABLES), synthetic=store.is_synthetic(),
                        as_of=as_of)


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Honest dtypes for an empty or object-typed frame (numbers as numbers)."""
    from pairaid.ingest.tables import TABLES

    frame = frame.copy()
    for column in TABLES[name].columns:
        if column.type in ("int", "year"):
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").round(
            ).astype("Int64")
        elif column.type == "float":
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").astype(float)
        else:
            frame[column.name] = frame[column.name].astype(object).where(
                frame[column.name].notna(), None)
    return frame
