"""Composite indices: spec, imputation, normalisation, weighting, aggregation, sensitivity.

    from pairaid.measure import build_index, sensitivity
    result = build_index(panel.frame, "sustainable_agriculture")      # bundled spec, or a .toml
    robust = sensitivity(panel.frame, "sustainable_agriculture", draws=1000)

Functions take DataFrames (the panel or any unit × time table) and return frozen results;
only `index_from_ledger` and `write_index` touch a ledger. See docs/index.md.
"""

from pairaid.measure.index import build_index
from pairaid.measure.ledger import index_from_ledger, write_index
from pairaid.measure.results import IndexResult
from pairaid.measure.sensitivity import SensitivityResult, sensitivity
from pairaid.measure.spec import (
    IndexDataError, IndexSpec, IndexSpecError, Indicator, MeasureError, spec_from_options,
)
from pairaid.measure.spec_toml import bundled_specs, load_spec, spec_from_dict

__all__ = [
    "IndexDataError", "IndexResult", "IndexSpec", "IndexSpecError", "Indicator", "MeasureError",
    "SensitivityResult", "build_index", "bundled_specs", "index_from_ledger", "load_spec",
    "sensitivity", "spec_from_dict", "spec_from_options", "write_index",
]
