"""Findings of the audit: one per check, its numbers taken from the check's `stats` and count."""

from __future__ import annotations

from pairaid.findings import Finding, finding

#: stats of a check that become numbers of its finding: name → (unit, kind)
_STATS = {"outputs": ("count", "count"), "left_out": ("count", "count"),
          "threshold": ("", "threshold"), "tested": ("count", "count"),
          "high": ("ratio", "threshold"), "low": ("ratio", "threshold"),
          "pairing_years": ("count", "count"), "median_ratio": ("ratio", "statistic"),
          "as_of": ("year", "year"), "groups": ("count", "count"),
          "tolerance": ("share", "threshold"), "same_sector": ("count", "count"),
          "different_sector": ("count", "count"), "alpha": ("", "threshold"),
          "tests": ("count", "count"), "n": ("count", "count"), "excluded": ("count", "count"),
          "chi2": ("", "statistic"), "df": ("count", "count"), "p_value": ("", "p_value"),
          "mad": ("", "statistic"), "share": ("share", "share"), "rows": ("count", "count")}


def audit_findings(report) -> list[Finding]:
    """`audit.summary` (alerts and warnings) and one `audit.CHECK` per check."""
    alerts = sum(f.severity == "alert" for f in report.findings)
    warnings = sum(f.severity == "warning" for f in report.findings)
    out = [finding("audit.summary", "flagged" if alerts or warnings else "clean",
                   alerts=(alerts, "count", "count"), warnings=(warnings, "count", "count"))]
    for f in report.findings:
        numbers = {name: (value, *_STATS[name]) for name, value in f.stats.items()
                   if name in _STATS and isinstance(value, (int, float))}
        terms = {"check": f.check, "severity": f.severity}
        if isinstance(f.stats.get("conformity"), str):
            terms["conformity"] = f.stats["conformity"]
        out.append(finding(f"audit.{f.check}", "clean" if f.severity == "info" else "flagged",
                           terms, count=(f.count, "count", "count"), **numbers))
    return out
