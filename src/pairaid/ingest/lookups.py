"""The ledger's codes and pairings, read once for an import written in many chunks.

`validate_table` checks every chunk's references (donor, region, project codes) and resolves
its pairings. Reading those from the database for each chunk made a chunked import quadratic:
a 1 GB IATI file writes a hundred chunks of flows against hundreds of thousands of projects. A
`Lookups` reads each once inside the import's transaction and is told what the import itself
writes, so every chunk sees what the database would show it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection

from pairaid.ledger.store import Store

#: separates donor and recipient in a pairing's lookup key (never inside a code)
PAIR_SEPARATOR = "\x1f"


class Lookups:
    """Codes of the code-keyed tables and the pairing rows, cached for one transaction."""

    def __init__(self, store: Store, conn: Connection) -> None:
        self._store = store
        self._conn = conn
        #: codes per table as Arrow chunks (the ledger's, then each chunk the import wrote): a
        #: Python set of a 1 GB file's 600,000 project codes would hold 50 MB
        self._codes: dict[str, list[pa.Array]] = {}
        self._pairings: pd.DataFrame | None = None
        self._single: tuple[pd.DataFrame, pa.Array] | None = None

    def _chunks(self, table: str) -> list[pa.Array]:
        if table not in self._codes:
            codes = sorted(self._store.codes(table, conn=self._conn))
            self._codes[table] = [pa.array(codes, pa.large_string())]
        return self._codes[table]

    def codes(self, table: str) -> set[str]:
        """Codes present in `table` (regions, donors, indicators or projects), as a set."""
        return {code for chunk in self._chunks(table) for code in chunk.to_pylist()}

    def known(self, table: str, values: pd.Series) -> np.ndarray:
        """Which of `values` are codes present in `table` (missing values are not)."""
        cells = pa.array(values, from_pandas=True).cast(pa.large_string())
        distinct = pc.unique(cells)
        # probe the (many) known codes against the (few) distinct values of this chunk: a
        # hash table of every known code, built per chunk, cost more than the check
        codes = pa.chunked_array(self._chunks(table), pa.large_string())
        found = pc.filter(codes, pc.is_in(codes, value_set=distinct))
        known = pc.is_in(cells, value_set=found.combine_chunks() if found.num_chunks
                         else pa.array([], pa.large_string()))
        return known.to_numpy(zero_copy_only=False).astype(bool) & values.notna().to_numpy()

    def pairings(self) -> pd.DataFrame:
        if self._pairings is None:
            pairings = self._store.pairings(conn=self._conn)
            # Arrow-backed text: a few hundred thousand pairs held as Python strings took 4 times
            # the memory
            self._pairings = pairings.astype({"donor": pd.StringDtype("pyarrow"),
                                              "recipient": pd.StringDtype("pyarrow")})
        return self._pairings

    def single_pairings(self) -> tuple[pd.DataFrame, pa.Array]:
        """Pairings whose donor and recipient have one pairing row, and their keys
        (donor + separator + recipient) as an Arrow array in the same order."""
        if self._single is None:
            pairings = self.pairings()
            key = pairings["donor"] + PAIR_SEPARATOR + pairings["recipient"]
            single = pairings[~key.duplicated(keep=False)]
            keys = pa.array((single["donor"] + PAIR_SEPARATOR + single["recipient"]).tolist(),
                            pa.large_string())
            self._single = (single, keys)
        return self._single

    def written(self, table: str, rows: pd.DataFrame) -> None:
        """The import wrote `rows` (ledger columns) to `table`: later chunks may refer to them."""
        if table in ("regions", "donors", "indicators", "projects") and table in self._codes:
            self._codes[table].append(pa.array(rows["code"].dropna().tolist(), pa.large_string()))
        if table == "pairings":  # their ids come from the database: read them again when asked
            self._pairings = None
            self._single = None
