"""Results of an audit: frozen findings with the records they concern, and one report."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
from pairaid.jsonable import plain, records as json_records
from pairaid.provenance import package_version as _version
from pairaid.results import ResultsMixin

Severity = Literal["info", "warning", "alert"]
SEVERITIES: tuple[str, ...] = ("alert", "warning", "info")

SYNTHETIC_NOTE = ("SYNTHETIC: computed from the demo's synthetic data (with planted anomalies); "
                  "not a fact about any place or programme.")


@dataclass(frozen=True)
class Finding:
    #: which check: cost_outliers, disbursement_ratio, duplicates, benford_first, …
    check: str
    severity: Severity
    #: one line in plain language: what was found and what it may mean
    message: str
    #: the records it concerns, by codes and keys (never people)
    records: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the figures behind the message (counts, statistics, thresholds)
    stats: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def expected_false_alarms(self) -> float | None:
        """Records this check is expected to flag on clean data (None: a rule, not a test, or
        not run)."""
        value = self.stats.get("expected_false_alarms")
        return None if value is None else float(value)

    def to_dict(self, max_records: int | None = None) -> dict:
        records = self.records if max_records is None else self.records.head(max_records)
        return {"check": self.check, "severity": self.severity, "message": self.message,
                "count": self.count, "expected_false_alarms": self.expected_false_alarms,
                "stats": plain(self.stats),
                "records": json_records(records)}


@dataclass(frozen=True)
class AuditReport(ResultsMixin):
    findings: tuple[Finding, ...]
    synthetic: bool = False
    notes: tuple[str, ...] = ()
    #: what was audited: table name → rows
    inputs: dict = field(default_factory=dict)

    def by_check(self, check: str) -> Finding:
        """The finding of one check (KeyError if the check produced none)."""
        for finding in self.findings:
            if finding.check == check:
                return finding
        raise KeyError(check)

    @property
    def checks(self) -> tuple[str, ...]:
        return tuple(f.check for f in self.findings)

    @cached_property
    def flagged(self) -> tuple[Finding, ...]:
        """Findings that point at records to look at (warnings and alerts)."""
        return tuple(f for f in self.findings if f.severity != "info")

    @cached_property
    def provenance(self) -> dict:
        return {"method": "pairaid.audit", "inputs": self.inputs, "pairaid": _version(),
                "numpy": np.__version__, "pandas": pd.__version__, "synthetic": self.synthetic}

    # -- outputs -------------------------------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """One row per finding: check, severity, count, expected false alarms on clean data
        (missing where a check is a rule, not a test), message."""
        columns = ["check", "severity", "count", "expected_false_alarms", "message"]
        return pd.DataFrame([{"check": f.check, "severity": f.severity, "count": f.count,
                              "expected_false_alarms": f.expected_false_alarms,
                              "message": f.message} for f in self.findings], columns=columns)

    def to_dict(self, max_records: int | None = 200) -> dict:
        return {"findings": [f.to_dict(max_records) for f in self.findings],
                "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
                "synthetic": self.synthetic, "provenance": self.provenance}

    def to_json(self, indent: int | None = None, max_records: int | None = 200) -> str:
        """``{"findings": [{"check", "severity", "message", "count", "stats", "records"}], …}``."""
        return json.dumps(self.to_dict(max_records), ensure_ascii=False, indent=indent)

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def summary(self) -> str:
        counts = {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}
        lines = [(f"Audit: {len(self.findings)} findings ({counts['alert']} alert(s), "
                  f"{counts['warning']} warning(s), {counts['info']} for information)"), ""]
        if self.synthetic:
            lines.insert(0, SYNTHETIC_NOTE)
        order = {s: i for i, s in enumerate(SEVERITIES)}
        for f in sorted(self.findings, key=lambda f: order[f.severity]):
            lines.append(f"[{f.severity}] {f.check}: {f.message}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        head = f"<p><b>{html.escape(SYNTHETIC_NOTE)}</b></p>" if self.synthetic else ""
        return head + self.tidy().to_html(index=False) + "".join(
            f"<p>note: {html.escape(n)}</p>" for n in self.notes)
