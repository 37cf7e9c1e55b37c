"""numpy / pandas values as plain Python for the results' JSON: the one place every results
object converts cells, so NaN, infinities, pd.NA and NaT all become null the same way (JSON has
none of them)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def plain(value):
    """A value for JSON: numpy scalars as Python values, dicts and lists converted throughout,
    and missing or non-finite numbers (NaN, ±inf, pd.NA, NaT) as None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def number(value) -> float | None:
    """A number for JSON: a float, or None for a missing, NaN or infinite value."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a table as JSON-ready dicts."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
