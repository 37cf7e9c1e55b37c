"""Result of an instrumental-variable estimate: frozen, `summary`, `tidy()`, `to_json()`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.evaluate.iv import FirstStage
from pairaid.evaluate.results import SYNTHETIC_NOTE, TIDY_COLUMNS, CoefficientViews
from pairaid.jsonable import plain
from pairaid.provenance import package_version as _version

#: Stock and Yogo's rule of thumb; Montiel Olea–Pflueger's 5 % / 10 %-bias critical value for
#: one instrument is 23.1, so the text says which is passed.
WEAK_F = 10.0
MOP_CRITICAL_TAU10 = 23.109


@dataclass(frozen=True)
class IVResult(CoefficientViews):
    terms: tuple[str, ...]
    estimates: np.ndarray
    covariance: np.ndarray
    df_t: float
    nobs: int
    n_clusters: int | None
    cluster: str | None
    vcov: str
    formula: str
    outcome: str
    treatment: str
    instruments: tuple[str, ...]
    fixed_effects: tuple[str, ...]
    first_stages: tuple[FirstStage, ...]
    anderson_rubin: tuple[float, float] | None
    level: float = 0.95
    logs: str = "as written in the formula"
    cluster_reason: str = ""
    mde: float | None = None
    notes: tuple[str, ...] = ()
    synthetic: bool = False

    @property
    def elasticity(self) -> float:
        return float(self.params[self.treatment])

    def tidy(self) -> pd.DataFrame:
        se = self.std_errors.to_numpy()
        t = self.estimates / se
        crit = stats.t.ppf(0.5 + self.level / 2, self.df_t)
        return pd.DataFrame({"term": list(self.terms), "estimate": self.estimates,
                             "std_error": se, "statistic": t,
                             "p_value": 2 * stats.t.sf(np.abs(t), self.df_t),
                             "conf_low": self.estimates - crit * se,
                             "conf_high": self.estimates + crit * se})[TIDY_COLUMNS]

    @property
    def first_stage(self) -> FirstStage:
        return self.first_stages[0]

    @property
    def strength(self) -> str:
        fs = self.first_stage
        f = fs.effective_f if fs.effective_f is not None else fs.f_stat
        name = "effective F (Montiel Olea–Pflueger)" if fs.effective_f is not None else "F"
        if f < WEAK_F:
            return (f"the first stage is WEAK ({name} {f:.1f} < {WEAK_F:g}): trust only the "
                    f"Anderson–Rubin interval")
        extra = (" and above Montiel Olea–Pflueger's 23.1 (worst-case bias under 10 %)"
                 if f >= MOP_CRITICAL_TAU10 else "")
        return f"the first stage is strong ({name} {f:.1f} ≥ {WEAK_F:g}{extra})"

    @property
    def interpretation(self) -> str:
        row = self.tidy().set_index("term").loc[self.treatment]
        ar = self.anderson_rubin
        ar_text = ("" if ar is None else
                   f"; the Anderson–Rubin {self.level:.0%} interval, valid however weak the "
                   f"instrument, is {_interval(ar)}")
        return (f"Instrumenting {self.treatment} by {', '.join(self.instruments)}, the "
                f"two-stage least squares estimate is {row['estimate']:.3f} ({self.level:.0%} CI "
                f"{row['conf_low']:.3f} to {row['conf_high']:.3f}){ar_text}; {self.strength}. "
                f"It reads as the causal effect only if the instrument moves {self.outcome} "
                f"through {self.treatment} alone (exclusion) and is as good as random given the "
                f"fixed effects; the data cannot test exclusion with one instrument.")

    @cached_property
    def provenance(self) -> dict:
        return {"method": "two-stage least squares with fixed effects swept out (pyfixest "
                          "demeaner, own 2SLS algebra)", "formula": self.formula,
                "pairaid": _version("pairaid"), "pyfixest": _version("pyfixest"),
                "synthetic": self.synthetic}

    def to_dict(self) -> dict:
        mde = self.mde
        return {"estimates": [{k: plain(v) for k, v in row.items()}
                              for row in self.tidy().to_dict("records")],
                "method": "iv_2sls", "nobs": self.nobs, "n_clusters": self.n_clusters,
                "cluster": self.cluster, "cluster_reason": self.cluster_reason,
                "vcov": self.vcov, "formula": self.formula, "outcome": self.outcome,
                "treatment": self.treatment, "instruments": list(self.instruments),
                "fixed_effects": list(self.fixed_effects), "logs": self.logs,
                "first_stage": [f.to_dict() for f in self.first_stages],
                "anderson_rubin": (None if self.anderson_rubin is None else
                                   {"level": self.level, "conf_low": plain(self.anderson_rubin[0]),
                                    "conf_high": plain(self.anderson_rubin[1])}),
                "minimum_detectable_effect": plain(mde),
                "interpretation": self.interpretation,
                "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
                "provenance": self.provenance}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @cached_property
    def summary(self) -> str:
        lines = [SYNTHETIC_NOTE] if self.synthetic else []
        clustered = (f"CRV1 clustered by {self.cluster} ({self.n_clusters} clusters)"
                     if self.vcov == "CRV1" else self.vcov)
        lines += [f"Instrumental variables (2SLS): {self.formula}",
                  f"  fixed effects: {', '.join(self.fixed_effects) or 'none'}",
                  f"  standard errors: {clustered}"
                  + (f" — {self.cluster_reason}" if self.cluster_reason else ""),
                  f"  observations: {self.nobs:,}   logs: {self.logs}", ""]
        lines.append(self.tidy().to_string(index=False, float_format=lambda v: f"{v:.6g}"))
        lines.append("")
        for fs in self.first_stages:
            eff = ("" if fs.effective_f is None else
                   f", effective F (Montiel Olea–Pflueger) = {fs.effective_f:.2f}")
            lines.append(f"First stage, {fs.endogenous}: F = {fs.f_stat:.2f} on {fs.df1} and "
                         f"{fs.df2} DoF (p = {fs.p_value:.3g}){eff}")
        if self.anderson_rubin is not None:
            lines.append(f"Anderson–Rubin {self.level:.0%} interval for {self.treatment}: "
                         f"{_interval(self.anderson_rubin)}")
        if self.mde is not None:
            lines.append(f"Minimum detectable effect (80 % power, 5 % two-sided): "
                         f"{self.mde:.3g}")
        lines += ["", self.interpretation]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary


def _interval(bounds: tuple[float, float]) -> str:
    low, high = bounds
    if np.isnan(low):
        return "empty (the model is rejected at every value)"
    if np.isinf(low) or np.isinf(high):
        return f"[{low:.3f}, {high:.3f}] (unbounded: the instrument is too weak to bound it)"
    return f"[{low:.3f}, {high:.3f}]"
