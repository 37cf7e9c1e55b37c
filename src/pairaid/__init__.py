"""pairaid: the system of record and evaluation toolkit for paired (counterpart) assistance.

    import pairaid
    ledger = pairaid.open("pairaid-demo/demo.db")
    ledger.summary(); ledger.panel().to_frame(); ledger.estimate(outcome="index")

See docs/python.md. The analyses on a plain DataFrame are re-exported here (imported when first
used, so `import pairaid` stays fast).
"""

from __future__ import annotations

from importlib import import_module

from pairaid.provenance import package_version as _package_version

__version__ = _package_version()

#: name → module: the notebook interface, loaded on first use
_LAZY = {
    "open": "pairaid.api", "Ledger": "pairaid.api",
    "build_panel": "pairaid.panel", "Panel": "pairaid.panel",
    "build_index": "pairaid.measure", "load_spec": "pairaid.measure",
    "estimate_elasticity": "pairaid.evaluate.elasticity", "event_study": "pairaid.evaluate.did",
    "describe_inequality": "pairaid.distribution", "dependence": "pairaid.distribution.dependence",
    "decoupling": "pairaid.distribution.environment", "audit_frames": "pairaid.audit",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pairaid' has no attribute {name!r}")
