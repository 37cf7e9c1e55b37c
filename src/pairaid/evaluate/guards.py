"""Checks run before pyfixest sees the data: clear errors instead of tracebacks, and no process
abort.

pyfixest 0.60's Rust demeaner panics — and so aborts the whole Python process, beyond the
reach of ``try`` — when every observation is a singleton in a fixed-effect group, or when no
observation has an outcome. Both are refused here, before the call.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pairaid.errors import InputError

#: Below this many clusters the cluster-robust t test over-rejects (Cameron, Gelbach and
#: Miller 2008; the rule of thumb of Angrist and Pischke 2009, ch. 8): offer the wild bootstrap.
FEW_CLUSTERS = 42

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*(?![A-Za-z0-9_.]*\s*\()")


#: one meaning of `log` in every estimator (CLI `--log`): ``drop`` natural logs, rows where the
#: value is zero or negative left out and counted; ``log1p`` log(1 + x), zeros kept; ``none`` as is
LogRule = Literal["drop", "log1p", "none"]
LOG_RULES: tuple[str, ...] = ("drop", "log1p", "none")


def log_rule(log: bool | str | None, error: type[Exception]) -> str:
    """A `log` argument as a rule: True (the older flag) is ``drop``, False/None ``none``."""
    if log is True:
        return "drop"
    if log is False or log is None:
        return "none"
    if log not in LOG_RULES:
        raise error(f"log '{log}': use one of {', '.join(LOG_RULES)}")
    return log


def log_values(values: np.ndarray, rule: str, name: str,
               error: type[Exception]) -> tuple[np.ndarray, int, str]:
    """`values` under a log rule: (transformed, rows left out for being <= 0, the name shown:
    ``log(name)``, ``log1p(name)`` or `name`). Left-out rows become NaN."""
    values = np.asarray(values, dtype=float)
    if rule == "none":
        return values, 0, name
    if rule == "log1p":
        negative = values < 0
        if negative.any():
            raise error(f"'{name}' has {int(negative.sum())} negative values: log1p is for "
                        f"amounts that can be zero; use --log drop or --log none")
        return np.log1p(values), 0, f"log1p({name})"
    bad = values <= 0
    if len(values) and bad[~np.isnan(values)].all():
        raise error(f"'{name}' has no value above zero: its log is undefined (use --log none, "
                    f"or log1p for amounts that can be zero)")
    with np.errstate(divide="ignore", invalid="ignore"):
        logged = np.where(bad, np.nan, np.log(np.where(bad, 1.0, values)))
    return logged, int(bad.sum()), f"log({name})"


def log_note(rule: str, name: str, dropped: int) -> str:
    """The sample a log rule implies, said once (results' notes)."""
    if rule == "none":
        return f"logs: none ({name} as recorded)"
    if rule == "log1p":
        return f"logs: log(1 + {name}), zeros kept"
    return (f"logs: natural log of {name}; {dropped:,} rows with {name} <= 0 left out"
            if dropped else f"logs: natural log of {name}; no row has {name} <= 0")


class ElasticityError(InputError):
    """Bad input to an elasticity estimate (the CLI prints it and exits with code 2)."""


class FewClustersWarning(UserWarning):
    """Fewer clusters than `FEW_CLUSTERS`: cluster-robust inference may over-reject."""


@dataclass(frozen=True)
class Formula:
    """A fixest formula taken apart: ``outcome ~ regressors | fixed effects``."""

    text: str
    outcome: str
    regressors: tuple[str, ...]
    fixed_effects: tuple[str, ...]

    @property
    def treatment(self) -> str:
        return self.regressors[0]

    def columns(self) -> list[str]:
        """Every data column the formula names (inside functions too: ``log(y)`` names y)."""
        names: list[str] = []
        for term in (self.outcome, *self.regressors, *self.fixed_effects):
            for part in re.split(r"\^", term):  # fixest's combined effect a^b
                names += [n for n in _IDENT.findall(part) if n not in names]
        return names

    def render(self, outcome: str, regressors: tuple[str, ...]) -> str:
        rhs = " + ".join(regressors)
        return f"{outcome} ~ {rhs}" + (f" | {' + '.join(self.fixed_effects)}"
                                       if self.fixed_effects else "")


def parse_formula(text: str) -> Formula:
    """Split a fixest formula; instrumental-variable parts (a second ``|``) are refused."""
    if text.count("~") != 1:
        raise ElasticityError(f"formula '{text}': write it as 'y ~ x1 + x2 | unit + year'")
    lhs, rhs = (s.strip() for s in text.split("~"))
    parts = [p.strip() for p in rhs.split("|")]
    if len(parts) > 2:
        raise ElasticityError(f"formula '{text}': an IV formula 'y ~ 1 | fe | x ~ z' goes to "
                              f"pairaid.evaluate.iv.estimate_iv (the CLI routes it there)")
    regressors = tuple(t.strip() for t in parts[0].split("+") if t.strip())
    fixed = tuple(t.strip() for t in parts[1].split("+") if t.strip()) if len(parts) == 2 else ()
    if not lhs or not regressors:
        raise ElasticityError(f"formula '{text}': it needs an outcome and at least one regressor")
    return Formula(text, lhs, regressors, fixed)


def is_plain(term: str) -> bool:
    return bool(_NAME.match(term))


def check_columns(frame: pd.DataFrame, names: list[str],
                  error: type[Exception] = ElasticityError) -> None:
    """Refuse names that are not columns of `frame` (raising `error`), showing what it has."""
    missing = [n for n in dict.fromkeys(names) if n not in frame.columns]
    if missing:
        shown = ", ".join(map(str, list(frame.columns)[:12]))
        raise error(f"unknown column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(repr(m) for m in missing)} (the table has: {shown}"
                    f"{', …' if frame.shape[1] > 12 else ''})")


def check_numeric(frame: pd.DataFrame, names: list[str]) -> None:
    for name in names:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            sample = column.dropna().astype(str).head(3).tolist()
            raise ElasticityError(f"column '{name}' is not numeric (e.g. {sample}); an "
                                  f"elasticity needs numbers")


def check_sample(frame: pd.DataFrame, formula: Formula, outcome: str, treatment: str,
                 cluster: str | None) -> None:
    """Refuse what would abort pyfixest or make the estimate meaningless. `frame` holds the
    complete cases the model will use."""
    if frame.empty or frame[outcome].notna().sum() == 0:
        raise ElasticityError(f"no observation has the outcome, the treatment and every "
                              f"fixed effect{' and the cluster' if cluster else ''} at once: "
                              f"nothing to estimate")
    if len(frame) <= len(formula.regressors) + 1:
        raise ElasticityError(f"only {len(frame)} usable observations for "
                              f"{len(formula.regressors)} regressors")
    x = frame[treatment].to_numpy(dtype=float)
    if np.nanmax(x) - np.nanmin(x) <= 1e-12 * max(1.0, abs(np.nanmax(x))):
        raise ElasticityError(f"the treatment '{treatment}' does not vary in the estimation "
                              f"sample (always {x[0]:g}): no elasticity can be estimated")
    for effect in formula.fixed_effects:
        codes = group_codes(frame, effect)
        sizes = np.bincount(codes)
        if (sizes == 1).all():
            raise ElasticityError(f"every observation is alone in its '{effect}' group (all "
                                  f"{len(sizes)} groups are singletons): the fixed effects "
                                  f"would absorb all the variation; check the unit and time "
                                  f"columns")
        # within-group sum of squares, through bincount (a groupby over 100,000 groups with a
        # Python aggregation takes seconds)
        deviation = x - (np.bincount(codes, x) / sizes)[codes]
        if np.bincount(codes, deviation ** 2).max() <= 1e-20 * max(1.0, float(x @ x)):
            raise ElasticityError(f"the treatment '{treatment}' is constant within every "
                                  f"'{effect}' group: the fixed effect absorbs it, so its "
                                  f"elasticity is not identified")


def group_codes(frame: pd.DataFrame, effect: str) -> np.ndarray:
    """Integer group codes 0..G-1 of a fixed effect (``a^b`` is the combination of a and b)."""
    keys = effect.split("^")
    if len(keys) == 1:
        return pd.factorize(frame[keys[0]])[0]
    return frame.groupby(keys, sort=False).ngroup().to_numpy()


def singletons_only(frame: pd.DataFrame, effect: str) -> bool:
    return bool((np.bincount(group_codes(frame, effect)) == 1).all())


def count_clusters(frame: pd.DataFrame, cluster: str | None, warn: bool = True) -> int | None:
    """Number of clusters; an error below two, a `FewClustersWarning` below `FEW_CLUSTERS`."""
    if cluster is None:
        return None
    n = int(frame[cluster].nunique())
    if n < 2:
        raise ElasticityError(f"cluster-robust errors need at least 2 clusters; "
                              f"'{cluster}' has {n} in the estimation sample")
    if n < FEW_CLUSTERS and warn:
        warnings.warn(few_clusters_message(n), FewClustersWarning, stacklevel=3)
    return n


def few_clusters_message(n: int) -> str:
    return (f"only {n} clusters (< {FEW_CLUSTERS}): cluster-robust p-values and intervals may "
            f"be too optimistic; use the wild cluster bootstrap (wild_bootstrap=B, CLI "
            f"--wild-bootstrap 9999)")
