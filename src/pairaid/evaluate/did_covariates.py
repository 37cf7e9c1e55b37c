"""Covariates for Callaway–Sant'Anna: parallel trends conditional on X.

With covariates, ATT(g, t) compares the treated cohort's change with the change of comparison
units *like them in X*: by outcome regression (``reg``, Heckman–Ichimura–Todd), by inverse
probability weighting (``ipw``, Abadie 2005, normalised weights) or doubly robust (``dr``,
Sant'Anna and Zhao 2020), which now give different numbers. Computed by the pinned
`differences` engine, checked against R ``did`` (``xformla = ~lpop`` on ``mpdta``; sources in
tests/reference/did/README.md).

Which value of a covariate enters: each ATT(g, t) is a 2×2 comparison of two periods, and the
covariate is taken in the *earlier* of the two — the base period (g − 1 after treatment, t − 1
before it with the varying base; with the universal base the pre-treatment cells t < g − 1 use
period t). That is what R ``did`` does for panels (``panel2cs2`` keeps the first period's rows)
and what `differences` does with its default ``base_delta="base"`` (``panel_2_cross_section_diff``
keeps "the earliest between time and base_period"). Time-varying covariates are therefore
allowed; a note says which ones vary. Covariates should not be affected by the treatment.

The helpers here only check and carry the columns; `pairaid.evaluate.did` fits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pairaid.errors import InputError


def covariate_names(covariates: Sequence[str] | str | None, *,
                    error: type[Exception] = InputError) -> tuple[str, ...]:
    """Normalise the user's covariates: a sequence of column names or one comma-separated
    string. A name given twice is one covariate (as in R's formula ``~ x + x``)."""
    if covariates is None:
        return ()
    if isinstance(covariates, str):
        covariates = covariates.split(",") if covariates.strip() else []
    names = [str(c).strip() for c in covariates]
    if any(not n for n in names):
        raise error("empty covariate name (give column names separated by commas, "
                         "e.g. lpop,x2)")
    return tuple(dict.fromkeys(names))


def internal_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Engine-side column names (x0, x1, …): safe in a model formula whatever the user's
    names are (dots, spaces, operators)."""
    return tuple(f"x{i}" for i in range(len(names)))


def covariate_columns(frame: pd.DataFrame, names: tuple[str, ...], *, unit: str, time: str,
                      cohort: str, error: type[Exception]) -> dict[str, np.ndarray]:
    """Check that each covariate is a numeric column and not a panel key; return the columns
    as floats under their internal names. Unknown columns are reported by the caller."""
    roles = {unit: "unit", time: "time", cohort: "cohort"}
    out = {}
    for name, key in zip(names, internal_names(names)):
        if name in roles:
            raise error(f"covariate '{name}' is the {roles[name]} column: covariates are "
                        "unit characteristics such as log population")
        column = frame[name]
        if pd.api.types.is_bool_dtype(column):
            column = column.astype(float)
        elif not pd.api.types.is_numeric_dtype(column):
            raise error(f"covariate '{name}' is not numeric (dtype {column.dtype}): encode a "
                        "category as 0/1 columns, one per level but one")
        values = column.to_numpy(dtype=float)
        if np.isinf(values).any():
            raise error(f"covariate '{name}' has infinite values")
        out[key] = values
    return out


def covariate_notes(data: pd.DataFrame, names: tuple[str, ...], *,
                    error: type[Exception]) -> tuple[str, ...]:
    """After the panel is balanced: reject a covariate with no variation (collinear with the
    intercept), and say which covariates change over time within units."""
    varying = []
    for name, key in zip(names, internal_names(names)):
        if data[key].nunique() <= 1:
            raise error(f"covariate '{name}' takes a single value in the estimation sample: "
                        "it cannot adjust anything (drop it)")
        if (data.groupby("unit")[key].nunique() > 1).any():
            varying.append(name)
    notes = [f"conditional parallel trends given {', '.join(names)}: with covariates the "
             "doubly robust, IPW and regression estimators differ"]
    if varying:
        notes.append(f"covariate{'s' if len(varying) > 1 else ''} {', '.join(varying)} "
                     "change over time within units: each ATT(g, t) uses the value in the "
                     "earlier of its two periods (the base period), as R did does")
    return tuple(notes)

