"""The programme's own rules: what donors owe under a funding rule and how the recorded flows
compare (`commitments`, `compliance`). Optimal pairing and scenarios are not built yet."""

from pairaid.policy.commitments import Commitments, Compliance, PolicyError, commitments, compliance
from pairaid.policy.rules import BUNDLED, FundingRule, RuleError, load_rule, parse_rule

__all__ = ["BUNDLED", "Commitments", "Compliance", "FundingRule", "PolicyError", "RuleError",
           "commitments", "compliance", "load_rule", "parse_rule"]
