"""Result of an elasticity estimate: frozen, read-only views, `summary`, `tidy()`, `to_json()`."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats
from pairaid.evaluate.inference import RandomisationInference  # noqa: F401 (annotation)
from pairaid.evaluate.power import mde_sentence
from pairaid.jsonable import plain
from pairaid.provenance import package_version as _version
from pairaid.results import ResultsMixin

SYNTHETIC_NOTE = ("SYNTHETIC: estimated on the demo's synthetic data; not a fact about any "
                  "place.")
TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]


@dataclass(frozen=True)
class WildBootstrap:
    """Wild cluster bootstrap test of ``treatment = 0`` (WCR, Rademacher weights)."""

    reps: int
    statistic: float
    p_value: float
    seed: int

    def to_dict(self) -> dict:
        return {"reps": self.reps, "statistic": self.statistic, "p_value": self.p_value,
                "seed": self.seed}


class CoefficientViews:
    """`params` and `std_errors` from a result's `terms`, `estimates` and `covariance` (the
    OLS and the IV results share them)."""

    @property
    def params(self) -> pd.Series:
        return pd.Series(self.estimates, index=list(self.terms), name="estimate")

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.covariance)), index=list(self.terms),
                         name="std_error")


@dataclass(frozen=True)
class ElasticityResult(CoefficientViews, ResultsMixin):
    #: terms as shown (``log(funds_per_capita)``) in formula order
    terms: tuple[str, ...]
    estimates: np.ndarray
    covariance: np.ndarray
    #: degrees of freedom of the t reference distribution (G - 1 when clustered, as fixest)
    df_t: float
    nobs: int
    n_clusters: int | None
    cluster: str | None
    fixed_effects: tuple[str, ...]
    vcov: str
    r2_within: float | None
    formula: str
    outcome: str
    treatment: str
    log_rule: str
    #: rows left out because a logged variable was zero or negative, per variable
    dropped_nonpositive: dict[str, int] = field(default_factory=dict)
    wild_bootstrap: WildBootstrap | None = None
    notes: tuple[str, ...] = ()
    data_hash: str = ""
    synthetic: bool = False
    #: why the standard errors are clustered the way they are (said in the reading)
    cluster_reason: str = ""
    #: minimum detectable effect of the treatment (80 % power, 5 % two-sided; power.py)
    mde: float | None = None
    #: randomisation inference over the donors' start years (inference.py)
    randomisation: "RandomisationInference | None" = None
    #: first and last period of the estimation sample (None: the time column is not a number)
    period: tuple[int, int] | None = None

    # -- views ---------------------------------------------------------------------------------
    @property
    def cov(self) -> pd.DataFrame:
        return pd.DataFrame(self.covariance, index=list(self.terms), columns=list(self.terms))

    @property
    def tstats(self) -> pd.Series:
        return (self.params / self.std_errors).rename("statistic")

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * stats.t.sf(np.abs(self.tstats.to_numpy()), self.df_t),
                         index=list(self.terms), name="p_value")

    @property
    def elasticity(self) -> float:
        """The coefficient of the treatment term."""
        return float(self.params[self.treatment])

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals from the t distribution with `df_t` degrees of freedom."""
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1, not {level}")
        crit = stats.t.ppf(0.5 + level / 2, self.df_t)
        se = self.std_errors
        return pd.DataFrame({"lower": self.params - crit * se, "upper": self.params + crit * se})

    @cached_property
    def provenance(self) -> dict:
        return {"method": f"two-way fixed effects (within) OLS, {self.vcov_label}",
                "formula": self.formula, "log": self.log_rule, "data_sha256": self.data_hash,
                "pairaid": _version("pairaid"), "pyfixest": _version("pyfixest"),
                "numpy": np.__version__, "pandas": pd.__version__, "synthetic": self.synthetic}

    @property
    def vcov_label(self) -> str:
        if self.vcov in ("CRV1", "CRV3"):
            ways = (f"two-way by {self.cluster.replace('+', ' and ')} (smaller dimension "
                    f"{self.n_clusters} clusters" if "+" in str(self.cluster) else
                    f"by {self.cluster} ({self.n_clusters} clusters")
            return (f"{self.vcov} standard errors clustered {ways}; fixest small-sample "
                    f"correction)")
        return {"iid": "iid standard errors",
                "hetero": "heteroskedasticity-robust (HC1) standard errors"}[self.vcov]

    # -- outputs -------------------------------------------------------------------------------
    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        ci = self.conf_int(level)
        return pd.DataFrame({"term": list(self.terms), "estimate": self.estimates,
                             "std_error": self.std_errors.to_numpy(),
                             "statistic": self.tstats.to_numpy(),
                             "p_value": self.pvalues.to_numpy(),
                             "conf_low": ci["lower"].to_numpy(),
                             "conf_high": ci["upper"].to_numpy()})[TIDY_COLUMNS]

    @property
    def interpretation(self) -> str:
        """What the estimate means and what it does not, in plain words."""
        b = self.elasticity
        low, high = self.conf_int(0.95).loc[self.treatment]
        outcome, treatment = _bare(self.outcome), _bare(self.treatment)
        if self.log_rule == "none":
            size = (f"a one-unit higher {treatment} goes with a {b:.3g} higher {outcome} "
                    f"(95 % CI {low:.3g} to {high:.3g})")
        else:
            size = (f"a 10 % higher {treatment} goes with a {_pct(b):s} {outcome} "
                    f"(elasticity {b:.3f}, 95 % CI {low:.3f} to {high:.3f})")
        net = (f"Net of the fixed effects ({', '.join(self.fixed_effects)}: what is constant "
               f"within each of their groups)" if self.fixed_effects else "Across observations")
        return (f"{net}, {size}. This is an association: it reads as "
                f"the causal effect only if, after the fixed effects and controls, "
                f"{treatment} is unrelated to other shocks to {outcome} (no time-varying "
                f"confounders, no reverse causation, effects that do not vary with timing); "
                f"the data do not test that.")

    def to_dict(self) -> dict:
        out = {"estimates": [{k: plain(v) for k, v in row.items()}
                             for row in self.tidy().to_dict("records")],
               "nobs": self.nobs, "n_clusters": self.n_clusters,
               "fixed_effects": list(self.fixed_effects), "vcov": self.vcov,
               "r2_within": self.r2_within, "cluster": self.cluster, "formula": self.formula,
               "outcome": self.outcome, "treatment": self.treatment, "log": self.log_rule,
               "dropped_nonpositive": dict(self.dropped_nonpositive),
               "wild_bootstrap": (None if self.wild_bootstrap is None else
                                  self.wild_bootstrap.to_dict()),
               "cluster_reason": self.cluster_reason,
               "randomisation_inference": (None if self.randomisation is None else
                                           self.randomisation.to_dict()),
               "minimum_detectable_effect": plain(self.mde),
               "interpretation": self.interpretation,
               "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
               "provenance": self.provenance}
        return out

    def to_json(self, indent: int | None = None) -> str:
        """``{"estimates": [{"term", "estimate", "std_error", …}], "nobs", "n_clusters",
        "fixed_effects", "vcov", "r2_within", …}``."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def summary(self) -> str:
        lines = [SYNTHETIC_NOTE] if self.synthetic else []
        lines += [f"Elasticity by fixed effects: {self.formula}",
                  f"  fixed effects: {', '.join(self.fixed_effects) or 'none'}",
                  f"  {self.vcov_label}",
                  f"  observations: {self.nobs:,}"
                  + (f"   within R²: {self.r2_within:.4f}" if self.r2_within is not None else ""),
                  f"  logs: {self._log_text()}", ""]
        lines.append(self.tidy().to_string(index=False, float_format=lambda v: f"{v:.6g}"))
        if self.wild_bootstrap is not None:
            w = self.wild_bootstrap
            lines += ["", (f"Wild cluster bootstrap ({w.reps} reps, Rademacher, null imposed): "
                           f"{self.treatment} t = {w.statistic:.3f}, p = {w.p_value:.4f}")]
        if self.randomisation is not None:
            r = self.randomisation
            lines += ["", (f"Randomisation inference ({r.draws} re-draws of the donors' start "
                           f"years, sharp null of no effect of timing): |t| = {r.statistic:.3f}, "
                           f"p = {r.p_value:.4f}")]
        if self.mde is not None:
            p = float(self.pvalues[self.treatment])
            lines += ["", f"Minimum detectable effect of {self.treatment} (80 % power, 5 % "
                          f"two-sided): {self.mde:.3g}. "
                      + mde_sentence(self.mde, self.elasticity, p < 0.05)]
        if self.cluster_reason:
            lines += [f"Standard errors: {self.cluster_reason}."]
        lines += ["", self.interpretation]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _log_text(self) -> str:
        if self.log_rule == "none":
            return "none taken (variables as written in the formula)"
        if self.log_rule == "log1p":
            return "log(1 + x) of the outcome and the treatment (zeros kept)"
        dropped = ", ".join(f"{n} rows with {k} <= 0" for k, n in self.dropped_nonpositive.items()
                            if n) or "no rows"
        return f"natural logs of the outcome and the treatment; dropped {dropped}"

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        return summary_html(self, 6, self.tidy().to_html(index=False,
                                                         float_format=lambda v: f"{v:.6g}"))


def summary_html(result, head_lines: int, tables: str) -> str:
    """A result's `_repr_html_`: the first `head_lines` of its summary, its `tables` (HTML), the
    interpretation and the notes."""
    head = html.escape("\n".join(result.summary.splitlines()[:head_lines]))
    return (f"<pre>{head}</pre>" + tables + f"<p>{html.escape(result.interpretation)}</p>"
            + "".join(f"<p>note: {html.escape(n)}</p>" for n in result.notes))


def _bare(term: str) -> str:
    return term[term.index("(") + 1:-1] if term.endswith(")") and "(" in term else term


def _pct(b: float) -> str:
    change = (1.1 ** b - 1) * 100
    return f"{abs(change):.2g} % {'higher' if change >= 0 else 'lower'}"
