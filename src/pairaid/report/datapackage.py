"""The report's `data/` folder as a Frictionless Data Package (issue 10: data that travels).

`data/datapackage.json` lists every CSV the report writes with its fields (type, unit,
description), the years it covers, the price basis, the source and a `synthetic` flag, so a
table lifted from the folder still says what it is. It validates with the `frictionless`
library (tests/test_report_datapackage.py). Values are rounded to their meaningful precision
before they are written (`rounded`): whole money units, shares to 4 decimals,
everything else to 6 significant digits — no float noise such as 0.30000000000000004.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

#: column → (description, unit) for the columns the report's tables use; "{money}" is the
#: report's money basis
FIELDS: dict[str, tuple[str, str]] = {
    "year": ("Calendar year", "year"),
    "time": ("Calendar year", "year"),
    "kind": ("Kind of flow (commitment, disbursement, ...)", ""),
    "amount": ("Amount of money", "{money}"),
    "donor": ("Donor (province, municipality or department)", ""),
    "recipient": ("Recipient unit (prefecture or corps division)", ""),
    "round": ("Pairing round (year the round began)", "year"),
    "start_year": ("First year of the pairing", "year"),
    "end_year": ("Last year of the pairing (empty: still running)", "year"),
    "code": ("Region code (GB/T 2260 or XPCC division code)", ""),
    "name": ("Region name", ""),
    "unit": ("Unit (county, prefecture or corps division)", ""),
    "median_rank": ("Median rank over the sensitivity re-computations (1 = best)", "rank"),
    "rank_low": ("5th percentile of the rank", "rank"),
    "rank_high": ("95th percentile of the rank", "rank"),
    "label": ("Outcome or term", ""),
    "term": ("Regression term", ""),
    "estimate": ("Point estimate", "log points per log point (elasticity) or as stated"),
    "std_error": ("Standard error", "as the estimate"),
    "statistic": ("Test statistic", ""),
    "p_value": ("p-value", "probability"),
    "conf_low": ("Lower bound of the 95 % confidence interval", "as the estimate"),
    "conf_high": ("Upper bound of the 95 % confidence interval", "as the estimate"),
    "event_time": ("Years since the unit's first paired year", "years"),
    "dose_bin": ("Band of funds per person (intensity)", ""),
    "dose_low": ("Lower edge of the band", "{currency} per person a year"),
    "dose_high": ("Upper edge of the band", "{currency} per person a year"),
    "actual": ("Observed outcome", "as the outcome"),
    "counterfactual": ("Synthetic comparison (weighted never-paired units)", "as the outcome"),
    "curve": ("Curve", ""),
    "population_share": ("Cumulative or group share of population", "share 0-1"),
    "cumulative_share": ("Cumulative share of funds", "share 0-1"),
    "value_share": ("Share of funds", "share 0-1"),
    "component": ("Part of the Theil index (between or within prefectures)", ""),
    "group": ("Group of counties (census minority share band)", ""),
    "suppressed": ("Cell suppressed (too few counties to publish)", ""),
    "series": ("Series", ""),
    "output_change": ("Change in farm output over the period", "proportion (0.1 = +10 %)"),
    "pressure_change": ("Change in agricultural water withdrawal over the period",
                        "proportion (0.1 = +10 %)"),
    "state": ("Tapio (2005) decoupling state", ""),
    "digit": ("First significant digit", ""),
    "observed": ("Observed share of amounts with this first digit", "share 0-1"),
    "expected": ("Share expected by Benford's law", "share 0-1"),
    "check": ("Audit check", ""),
    "count": ("Number of records flagged", "count"),
    "output": ("Sector output and its unit", ""),
    "median_cost": ("Median cost per unit of output", "{currency} per unit"),
    "projects": ("Project outputs behind the median", "count"),
    "flagged": ("Project outputs the audit flags as far from the norm", "count"),
    "value": ("Value (see the chart's subtitle for the measure)", "as the chart states"),
    "weight": ("Weight", "share 0-1"),
}
_MONEY = re.compile(r"^(amount|budget|disbursed|committed|median_cost|funds_.*|.*_cny)$")
_SHARE = re.compile(r"(share|weight|observed|expected)")


def _round_column(name: str, column: pd.Series) -> pd.Series:
    if not pd.api.types.is_float_dtype(column):
        return column
    values = column.to_numpy(dtype=float)
    if _MONEY.match(name):
        return pd.Series(np.round(values), index=column.index)
    if _SHARE.search(name):
        return pd.Series(np.round(values, 4), index=column.index)
    finite = np.isfinite(values) & (values != 0)
    digits = np.zeros(len(values), dtype=int)
    digits[finite] = 5 - np.floor(np.log10(np.abs(values[finite]))).astype(int)
    out = values.copy()
    for d in np.unique(digits[finite]):
        pick = finite & (digits == d)
        out[pick] = np.round(values[pick], int(d))
    return pd.Series(out, index=column.index)


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with float columns rounded to their meaningful precision (module docstring)."""
    return frame.assign(**{c: _round_column(str(c), frame[c]) for c in frame.columns})


def _type(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    if pd.api.types.is_integer_dtype(column):
        return "integer"
    if pd.api.types.is_float_dtype(column):
        return "number"
    return "string"


def _years(frame: pd.DataFrame, default: tuple[int, int]) -> list[int]:
    for column in ("year", "time", "start_year"):
        if column in frame.columns and pd.api.types.is_numeric_dtype(frame[column]):
            years = pd.to_numeric(frame[column], errors="coerce").dropna()
            years = years[(years > 1800) & (years < 2200)]
            if len(years):
                return [int(years.min()), int(years.max())]
    return list(default)


def descriptor(written, inputs, fingerprint: str, lang: str) -> dict:
    """The datapackage.json content for the tables `written` ((name, frame, section id))."""
    from pairaid.report.model import basis_text

    basis = inputs.summary.basis
    money = basis_text(basis, "en")
    period = (int(inputs.summary.year_from), int(inputs.summary.year_to))
    source = f"pairaid ledger {fingerprint[:12]} (SHA-256 {fingerprint})"
    if inputs.synthetic:
        source += "; SYNTHETIC demo data generated by pairaid.demo (docs/demo.md)"
    resources = []
    for name, frame, section in written:
        fields = []
        for column in frame.columns:
            description, unit = FIELDS.get(str(column), (f"see section '{section}' of the "
                                                         "report", ""))
            field = {"name": str(column), "type": _type(frame[column]),
                     "description": description}
            if unit:
                field["unit"] = unit.format(money=money, currency=basis.currency)
            fields.append(field)
        resources.append({
            "name": name.lower(), "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": f"{name} (report section '{section}')",
            "schema": {"fields": fields},
            "years": _years(frame, period), "prices": money, "source": source,
            "synthetic": bool(inputs.synthetic)})
    return {
        "profile": "tabular-data-package",
        "name": "pairaid-report-data",
        "title": "Tables behind the charts and tables of a pairaid report",
        "description": ("Every table the report draws or prints, as CSV. "
                        + ("SYNTHETIC: the ledger is pairaid's demo; these are not facts about "
                           "any place." if inputs.synthetic else "")).strip(),
        "language": lang, "years": list(period), "prices": money, "synthetic":
            bool(inputs.synthetic),
        "sources": [{"title": source}],
        "resources": resources,
    }


def write_datapackage(out: Path, written, inputs, fingerprint: str, lang: str) -> Path:
    """Write `out/data/datapackage.json` describing every CSV the report wrote."""
    from pairaid.atomic import write_text

    return write_text(Path(out) / "data" / "datapackage.json",
                      json.dumps(descriptor(written, inputs, fingerprint, lang), indent=2,
                                 ensure_ascii=False))
