"""Result of a continuous-treatment DiD: the TWFE slope and the dose-response bins, frozen, with
`summary`, `tidy()`, `conf_int()`, `dose_response()`, `to_json()` and a plain-language reading."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.evaluate.results import TIDY_COLUMNS, WildBootstrap, summary_html
from pairaid.jsonable import plain as _plain
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin

#: the dose-response frame the report charts; the reference bin has estimate 0 and no error
DOSE_COLUMNS = ["dose_bin", "dose_low", "dose_high", "estimate", "std_error", "conf_low",
                "conf_high", "n_units"]
SLOPE_TERM = "intensity × post"


@dataclass(frozen=True)
class DoseBinning:
    """Each unit's dose bin (0 = untreated), the reference bin and how many bins there are."""

    bin_of: pd.Series
    reference: int
    n_bins: int
    untreated_units: int


@dataclass(frozen=True)
class ContinuousDidResult(ResultsMixin):
    outcome: str
    intensity: str
    slope: float
    slope_std_error: float
    #: degrees of freedom of the t reference distribution (clusters − 1, as fixest)
    df_t: float
    bin_terms: tuple[str, ...]
    bin_estimates: np.ndarray
    bin_covariance: np.ndarray
    dose_frame: pd.DataFrame
    binning: DoseBinning
    nobs: int
    n_units: int
    n_clusters: int
    n_dosed: int
    #: standard deviation of the dose among dosed units (to read the slope per SD)
    dose_sd: float
    staggered: bool
    level: float
    wild_bootstrap: WildBootstrap | None
    r2_within: float | None
    notes: tuple[str, ...]
    data_hash: str
    synthetic: bool = False
    #: first and last period of the estimation sample
    period: tuple[int, int] | None = None

    # -- views ---------------------------------------------------------------------------------
    @property
    def terms(self) -> tuple[str, ...]:
        return (SLOPE_TERM, *self.bin_terms)

    @property
    def params(self) -> pd.Series:
        return pd.Series([self.slope, *self.bin_estimates], index=list(self.terms),
                         name="estimate")

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series([self.slope_std_error, *np.sqrt(np.diag(self.bin_covariance))],
                         index=list(self.terms), name="std_error")

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """t intervals (clusters − 1 degrees of freedom) for the slope and every bin."""
        level = self.level if level is None else level
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1, not {level}")
        crit = stats.t.ppf(0.5 + level / 2, self.df_t)
        return pd.DataFrame({"lower": self.params - crit * self.std_errors,
                             "upper": self.params + crit * self.std_errors})

    def dose_response(self, level: float | None = None) -> pd.DataFrame:
        """``dose_bin, dose_low, dose_high, estimate, std_error, conf_low, conf_high, n_units``:
        bin 0 (or 1 without untreated units) is the reference, with estimate 0."""
        if level is None or level == self.level:
            return self.dose_frame.copy()
        crit = stats.t.ppf(0.5 + level / 2, self.df_t)
        out = self.dose_frame.copy()
        out["conf_low"] = out["estimate"] - crit * out["std_error"]
        out["conf_high"] = out["estimate"] + crit * out["std_error"]
        return out

    def tidy(self, level: float | None = None) -> pd.DataFrame:
        ci = self.conf_int(level)
        statistic = self.params / self.std_errors
        return pd.DataFrame({"term": list(self.terms), "estimate": self.params.to_numpy(),
                             "std_error": self.std_errors.to_numpy(),
                             "statistic": statistic.to_numpy(),
                             "p_value": 2 * stats.t.sf(np.abs(statistic.to_numpy()), self.df_t),
                             "conf_low": ci["lower"].to_numpy(),
                             "conf_high": ci["upper"].to_numpy()})[TIDY_COLUMNS]

    @cached_property
    def provenance(self) -> dict:
        return {"method": "continuous-treatment DiD: y ~ intensity × post | unit + period "
                          "(pyfixest), CRV1 clustered by unit; dose bins × post against the "
                          "reference bin",
                "data_sha256": self.data_hash, "pairaid": _version("pairaid"),
                "pyfixest": _version("pyfixest"), "numpy": np.__version__,
                "pandas": pd.__version__, "synthetic": self.synthetic}

    # -- reading ---------------------------------------------------------------------------------
    @cached_property
    def interpretation(self) -> str:
        """What the slope and the bins mean, and the assumptions each needs."""
        low, high = self.conf_int().loc[SLOPE_TERM]
        per_sd = (f"; {self.slope * self.dose_sd:+.3g} per standard deviation of the dose "
                  f"among dosed units, {self.dose_sd:.3g}" if np.isfinite(self.dose_sd) else "")
        reference = ("untreated units" if self.binning.reference == 0
                     else "the lowest dose bin")
        stagger = (" Treatment starts in different periods, so the two-way fixed-effects slope "
                   "also compares later- with earlier-treated units and inherits the staggered-"
                   "timing problems of TWFE (Goodman-Bacon 2021)." if self.staggered else "")
        return (f"Net of unit and period fixed effects, after treatment '{self.outcome}' changed "
                f"by {self.slope:+.4g} more for each one-unit higher '{self.intensity}' "
                f"({self.level:.0%} CI {low:+.4g} to {high:+.4g}{per_sd}). The bins compare "
                f"the change of units at each dose with that of {reference}. What this identifies "
                f"(Callaway, Goodman-Bacon and Sant'Anna 2024): under ordinary parallel trends "
                f"(without treatment, units at every dose would have changed like the untreated "
                f"ones) each bin's estimate is the average effect on the units at that dose; "
                f"but differences between bins, and the slope, are causal responses to more "
                f"dose only under the much stronger assumption that units at every dose would "
                f"have responded alike to any given dose (no selection into dose on the gains). "
                f"Otherwise they mix the effect of the dose with how units that got more differ "
                f"from those that got less. Even then the slope is a weighted average of "
                f"responses at different doses, with weights set by the regression rather than "
                f"by the dose distribution; if the bins are far from a straight line, the slope "
                f"summarises them poorly.{stagger} The data do not test either assumption.")

    def to_dict(self) -> dict:
        return {"estimates": [{k: _plain(v) for k, v in row.items()}
                              for row in self.tidy().to_dict("records")],
                "slope": _plain(self.slope), "slope_std_error": _plain(self.slope_std_error),
                "dose_response": [{k: _plain(v) for k, v in row.items()}
                                  for row in self.dose_frame.to_dict("records")],
                "reference_bin": self.binning.reference,
                "untreated_units": self.binning.untreated_units, "outcome": self.outcome,
                "intensity": self.intensity, "nobs": self.nobs, "units": self.n_units,
                "dosed_units": self.n_dosed, "clusters": self.n_clusters,
                "df_t": self.df_t, "level": self.level, "staggered": self.staggered,
                "r2_within": self.r2_within,
                "wild_bootstrap": (None if self.wild_bootstrap is None else
                                   self.wild_bootstrap.to_dict()),
                "interpretation": self.interpretation,
                "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
                "provenance": self.provenance}

    def to_json(self, indent: int | None = None) -> str:
        """``{"estimates": [...], "slope", "dose_response": [{"dose_bin", "dose_low", …}], …}``."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def summary(self) -> str:
        lines = [SYNTHETIC_NOTE] if self.synthetic else []
        lines += [f"Continuous-treatment DiD: {self.outcome} ~ {self.intensity} × post "
                  f"| unit + period",
                  f"  CRV1 standard errors clustered by unit ({self.n_clusters} clusters; "
                  f"fixest small-sample correction)",
                  f"  observations: {self.nobs:,}   units: {self.n_units} ({self.n_dosed} "
                  f"dosed, {self.binning.untreated_units} untreated)", "",
                  self.tidy().to_string(index=False, float_format=lambda v: f"{v:.6g}"), "",
                  f"Dose response (bin {self.binning.reference} is the reference):",
                  self.dose_frame.to_string(index=False, float_format=lambda v: f"{v:.4g}")]
        if self.wild_bootstrap is not None:
            w = self.wild_bootstrap
            lines += ["", f"Wild cluster bootstrap of the slope ({w.reps} reps, Rademacher, null "
                          f"imposed): t = {w.statistic:.3f}, p = {w.p_value:.4f}"]
        lines += ["", self.interpretation]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        return summary_html(self, 4, self.tidy().to_html(
            index=False, float_format=lambda v: f"{v:.6g}") + "<p>Dose response</p>"
            + self.dose_frame.to_html(index=False, float_format=lambda v: f"{v:.4g}"))
