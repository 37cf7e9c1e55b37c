"""Result of a synthetic-control or HCW estimate: frozen, with `summary`, `path()`, `weights()`,
`placebos()`, `tidy()`, `to_json()` and a plain-language reading."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.evaluate.results import summary_html
from pairaid.jsonable import number as _num, plain as _plain
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin

_TITLES = {"sc": "Synthetic control (Abadie, Diamond and Hainmueller 2010)",
           "hcw": "Regression control, panel-data approach (Hsiao, Ching and Wan 2012)"}


@dataclass(frozen=True)
class Placebos:
    """Placebo-in-space runs: every donor treated as if treated, against the other donors."""

    #: unit, pre_rmspe, post_rmspe, ratio, kept (the treated unit first)
    table: pd.DataFrame
    #: gap (actual − counterfactual) by period (rows) and unit (columns)
    gaps: pd.DataFrame
    #: units (treated included) whose ratio is at least the treated unit's, among those kept
    rank: int
    n_units: int
    p_value: float
    #: placebos with pre-period MSPE above cutoff × the treated unit's are left out
    cutoff: float | None


@dataclass(frozen=True)
class SyntheticControlResult(ResultsMixin):
    method: str
    outcome: str
    treated: str
    treat_time: float
    unit_label: str
    time_label: str
    times: np.ndarray
    actual: np.ndarray
    counterfactual: np.ndarray
    #: donors with a weight (SC: all donors; HCW: the selected control set)
    donors: tuple[str, ...]
    #: SC weights (non-negative, sum 1) or HCW slope coefficients, aligned with `donors`
    weights_: np.ndarray
    intercept: float
    candidate_donors: tuple[str, ...]
    predictors: tuple[str, ...]
    v_weights: np.ndarray | None
    x_treated: np.ndarray | None
    x_synthetic: np.ndarray | None
    x_donor_mean: np.ndarray | None
    std_errors: np.ndarray | None
    r2: float | None
    criterion: str
    criterion_value: float | None
    search: str
    placebo: Placebos | None
    notes: tuple[str, ...]
    data_hash: str
    synthetic: bool = False

    # -- views ---------------------------------------------------------------------------------
    @property
    def pre(self) -> np.ndarray:
        return self.times < self.treat_time

    @property
    def gap(self) -> np.ndarray:
        return self.actual - self.counterfactual

    @property
    def effect(self) -> float:
        """Average gap (actual − counterfactual) over the post-treatment periods."""
        return float(self.gap[~self.pre].mean())

    @property
    def pre_rmspe(self) -> float:
        return float(np.sqrt(np.mean(self.gap[self.pre] ** 2)))

    @property
    def post_rmspe(self) -> float:
        return float(np.sqrt(np.mean(self.gap[~self.pre] ** 2)))

    @property
    def p_value(self) -> float | None:
        return None if self.placebo is None else self.placebo.p_value

    def path(self) -> pd.DataFrame:
        """``time, actual, counterfactual, gap`` — the data of the actual-vs-counterfactual plot
        (``treated`` marks the post-treatment periods)."""
        return pd.DataFrame({"time": self.times, "actual": self.actual,
                             "counterfactual": self.counterfactual, "gap": self.gap,
                             "treated": ~self.pre})

    def weights(self) -> pd.DataFrame:
        """SC: ``unit, weight`` of every donor; HCW: ``unit, coefficient, std_error`` of the
        selected controls (the intercept is `intercept`)."""
        if self.method == "sc":
            return pd.DataFrame({"unit": list(self.donors), "weight": self.weights_})
        return pd.DataFrame({"unit": list(self.donors), "coefficient": self.weights_,
                             "std_error": self.std_errors[1:]})

    def placebos(self) -> pd.DataFrame:
        """``unit, pre_rmspe, post_rmspe, ratio, kept`` — the treated unit first."""
        if self.placebo is None:
            return pd.DataFrame(columns=["unit", "pre_rmspe", "post_rmspe", "ratio", "kept"])
        return self.placebo.table.copy()

    def placebo_paths(self) -> pd.DataFrame:
        """Tidy gap paths ``time, unit, gap, treated_unit`` of the treated unit and every
        placebo (the data of the placebo plot)."""
        if self.placebo is None:
            return pd.DataFrame(columns=["time", "unit", "gap", "treated_unit"])
        long = self.placebo.gaps.rename_axis("time").reset_index().melt(
            id_vars="time", var_name="unit", value_name="gap")
        long["treated_unit"] = long["unit"] == self.treated
        return long

    def balance(self) -> pd.DataFrame:
        """SC with predictors: ``predictor, treated, synthetic, donor_mean, v``."""
        if self.x_treated is None:
            return pd.DataFrame(columns=["predictor", "treated", "synthetic", "donor_mean", "v"])
        return pd.DataFrame({"predictor": list(self.predictors), "treated": self.x_treated,
                             "synthetic": self.x_synthetic, "donor_mean": self.x_donor_mean,
                             "v": self.v_weights})

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """HCW only: t intervals of the regression coefficients (the weights of SC have no
        sampling distribution; the effect's uncertainty is the placebo p-value)."""
        if self.method != "hcw":
            raise ValueError("synthetic-control weights have no confidence interval; read the "
                             "placebo p-value (placebos()) instead")
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1, not {level}")
        tidy = self.tidy()
        crit = stats.t.ppf(0.5 + level / 2, self._df_resid)
        return pd.DataFrame({"lower": tidy["estimate"] - crit * tidy["std_error"],
                             "upper": tidy["estimate"] + crit * tidy["std_error"]}
                            ).set_axis(tidy["term"])

    @property
    def _df_resid(self) -> int:
        return int(self.pre.sum()) - len(self.donors) - 1

    def tidy(self) -> pd.DataFrame:
        """``term, estimate, std_error`` — SC donor weights, or HCW intercept and coefficients."""
        if self.method == "sc":
            return pd.DataFrame({"term": list(self.donors), "estimate": self.weights_,
                                 "std_error": np.nan})
        return pd.DataFrame({"term": ["(intercept)", *self.donors],
                             "estimate": np.r_[self.intercept, self.weights_],
                             "std_error": self.std_errors})

    @cached_property
    def provenance(self) -> dict:
        return {"method": self.method, "search": self.search, "criterion": self.criterion,
                "data_sha256": self.data_hash, "pairaid": _version("pairaid"),
                "scipy": _version("scipy"), "numpy": np.__version__, "pandas": pd.__version__,
                "synthetic": self.synthetic}

    # -- outputs -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        weights = [{k: _plain(v) for k, v in row.items()}
                   for row in self.weights().to_dict("records")]
        out = {"method": self.method, "outcome": self.outcome, "treated": self.treated,
               "treat_time": _plain(self.treat_time), "effect": _num(self.effect),
               "pre_rmspe": _num(self.pre_rmspe), "post_rmspe": _num(self.post_rmspe),
               "path": [{k: _plain(v) for k, v in row.items()}
                        for row in self.path().to_dict("records")],
               "weights": weights, "intercept": _num(self.intercept) if self.method == "hcw"
               else None,
               "candidate_donors": list(self.candidate_donors),
               "balance": [{k: _plain(v) for k, v in row.items()}
                           for row in self.balance().to_dict("records")],
               "r2": None if self.r2 is None else _num(self.r2),
               "criterion": self.criterion or None,
               "criterion_value": None if self.criterion_value is None
               else _num(self.criterion_value),
               "search": self.search or None,
               "placebos": None if self.placebo is None else {
                   "p_value": _num(self.placebo.p_value), "rank": self.placebo.rank,
                   "units": self.placebo.n_units, "mspe_cutoff": self.placebo.cutoff,
                   "table": [{k: _plain(v) for k, v in row.items()}
                             for row in self.placebos().to_dict("records")],
                   "paths": {str(u): [_num(g) for g in self.placebo.gaps[u]]
                             for u in self.placebo.gaps.columns}},
               "interpretation": self.interpretation,
               "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
               "provenance": self.provenance}
        return out

    def to_json(self, indent: int | None = None) -> str:
        """``{"method", "effect", "path": [{"time", "actual", "counterfactual", "gap"}],
        "weights": […], "placebos": {"p_value", "table", "paths"}, …}``."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def interpretation(self) -> str:
        """What the average gap means, what it does not, and the assumption it rests on."""
        size = (f"After {period_text(self.treat_time)}, '{self.outcome}' in {self.treated} was on "
                f"average {self.effect:+.4g} against its counterfactual (pre-period RMSPE "
                f"{self.pre_rmspe:.4g}, post-period RMSPE {self.post_rmspe:.4g}).")
        if self.method == "sc":
            how = ("The counterfactual is a weighted average of donors that tracked "
                   f"{self.treated} before treatment")
        else:
            how = ("The counterfactual is a regression on donors' outcomes fitted before "
                   "treatment")
        assume = (f"{how}; the gap is the causal effect of the treatment only if that relation "
                  f"would have held without it (common factors drive both), the donors were not "
                  f"affected themselves (no spill-overs, no pairing of their own) and nothing "
                  f"else happened to {self.treated} alone at that time — otherwise it is a "
                  f"difference from a fitted comparison, not an effect. It concerns this one "
                  f"unit, not an average over units.")
        if self.placebo is None:
            inference = " No placebo inference was run."
        else:
            inference = (f" Placebo p = {self.placebo.p_value:.3g}: {self.placebo.rank} of "
                         f"{self.placebo.n_units} units have a post/pre RMSPE ratio at least as "
                         f"large; it is a permutation p-value only if treatment could as well "
                         f"have fallen on any unit, and it cannot be below "
                         f"{1 / self.placebo.n_units:.3g}.")
        return f"{size} {assume}{inference}"

    @cached_property
    def summary(self) -> str:
        lines = [SYNTHETIC_NOTE] if self.synthetic else []
        lines += [f"{_TITLES[self.method]}: outcome '{self.outcome}'",
                  (f"  treated {self.unit_label} {self.treated} from {self.time_label} "
                   f"{period_text(self.treat_time)}; {len(self.candidate_donors)} donors; "
                   f"{int(self.pre.sum())} pre- and {int((~self.pre).sum())} post-periods"),
                  (f"  average effect {self.effect:.6g}   pre-RMSPE {self.pre_rmspe:.6g}   "
                   f"post-RMSPE {self.post_rmspe:.6g}"
                   + (f"   placebo p = {self.p_value:.4g}" if self.placebo else "")), ""]
        if self.method == "hcw":
            lines.append(f"  control set by {self.criterion.upper()} ({self.search} search), "
                         f"R² {self.r2:.4f}")
            lines.append(self.tidy().to_string(index=False, float_format=lambda v: f"{v:.6g}"))
        else:
            shown = self.weights()
            shown = shown[shown["weight"] > 5e-4]
            lines.append("  donor weights (above 0.0005):")
            lines.append(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
            if self.x_treated is not None:
                lines += ["", "  predictor balance:", self.balance().to_string(
                    index=False, float_format=lambda v: f"{v:.4g}")]
        lines += ["", self.interpretation]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        return summary_html(self, 4, self.tidy().to_html(index=False,
                                                         float_format=lambda v: f"{v:.6g}"))


def period_text(value) -> str:
    """A period as written: 1970, not 1970.0; 2015.5 stays."""
    value = float(value)
    return f"{value:.0f}" if value == round(value) else f"{value:g}"
