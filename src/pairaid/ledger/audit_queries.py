"""Reads for `pairaid.audit`: whole tables in their import format and the demo flag."""

from __future__ import annotations

import pandas as pd

from pairaid.ledger.store import Store


def audit_tables(store: Store, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The named tables, each in its import format (see `Store.read_table`)."""
    with store.snapshot() as conn:  # one snapshot for every table
        return {name: store.read_table(name, conn=conn) for name in names}

