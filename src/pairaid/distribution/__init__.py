"""Distribution: who benefits — weighted inequality, concentration and disclosure control."""

from pairaid.distribution.disclosure import (
    DisclosureError, SuppressedCell, SuppressedTable, suppress,
)
from pairaid.distribution.inequality import (
    ConcentrationIndex, Decomposition, InequalityInputError, Progressivity, concentration_curve,
    concentration_index, describe_inequality, fractional_rank, gini, lorenz_curve,
    progressivity, theil_decomposition, theil_l, theil_t,
)
from pairaid.distribution.results import InequalityResult

__all__ = [
    "ConcentrationIndex", "Decomposition", "DisclosureError", "InequalityInputError",
    "InequalityResult", "Progressivity", "SuppressedCell", "SuppressedTable", "concentration_curve",
    "concentration_index", "describe_inequality", "fractional_rank", "gini", "lorenz_curve",
    "progressivity", "suppress", "theil_decomposition", "theil_l", "theil_t",
]
