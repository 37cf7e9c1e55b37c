"""Impact evaluation: elasticities by two-way fixed effects, staggered DiD, dose-response,
synthetic control.

    from pairaid.evaluate import estimate_elasticity
    result = estimate_elasticity(panel.frame, outcome="sai_latent", treatment="funds_per_capita")

The names below load on first use (PEP 562): importing any `pairaid.evaluate.*` module runs this
file, and loading pyfixest here would add over a second to every command's start-up.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "LogRule": "elasticity", "Vcov": "elasticity", "estimate_elasticity": "elasticity",
    "ElasticityError": "guards", "FewClustersWarning": "guards",
    "ElasticityResult": "results", "WildBootstrap": "results",
    "estimate_iv": "iv", "IVResult": "iv_results", "minimum_detectable_effect": "power",
    "flci_sd": "honest", "sensitivity_sd": "honest", "cohort_randomisation": "inference",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'pairaid.evaluate' has no attribute {name!r}")
    value = getattr(import_module(f"pairaid.evaluate.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
