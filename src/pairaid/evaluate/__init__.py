"""Impact evaluation: elasticities by two-way fixed effects.

    from pairaid.evaluate import estimate_elasticity
    result = estimate_elasticity(panel.frame, outcome="sai_latent", treatment="funds_per_capita")
"""

from pairaid.evaluate.elasticity import LogRule, Vcov, estimate_elasticity
from pairaid.evaluate.guards import ElasticityError, FewClustersWarning
from pairaid.evaluate.results import ElasticityResult, WildBootstrap

__all__ = ["ElasticityError", "ElasticityResult", "FewClustersWarning", "LogRule", "Vcov",
           "WildBootstrap", "estimate_elasticity"]
