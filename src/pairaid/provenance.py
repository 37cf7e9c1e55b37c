"""What every output carries about where it came from: the synthetic-data label and versions."""

from __future__ import annotations

from importlib import metadata

#: The line every result computed from the demo ledger prints and stores.
SYNTHETIC_NOTE = ("SYNTHETIC: computed from the demo's synthetic data; not a fact about any "
                  "place.")


def package_version(name: str = "pairaid") -> str:
    """The installed version of a package ('unknown' in a bare source tree)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
