"""Rows of one ledger table, gathered while a file is read and kept on disk until it is written.

Outputs, personnel and enterprises refer to projects and pairings, so they are written once the
file is read (flows and projects are written while it is read: `sink.py`). A `Spool` keeps at
most `BATCH_ROWS` rows as Python tuples, turns them into one columnar Arrow record batch (typed:
years and amounts stay numbers, so nothing is printed and parsed again) and appends it to an
Arrow IPC file; reading back yields the same batches as DataFrames, each carrying the row number
(`_row`) its problems are reported under. `BATCH_ROWS` is also the sink's batch size.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pairaid.ingest.read import ROW

#: rows per batch: one batch is validated and written at a time, so this bounds memory (a
#: batch of 50,000 flows took 70 MB in passing, 20,000 took 30 MB)
BATCH_ROWS = 10_000
#: columns every spooled row ends with: which file (an index) and which XML line it came from
FILE, LINE = "_file", "_line"
TEXT = pa.string()
WHOLE = pa.int64()
#: numbers that may be missing (NaN), and amounts
NUMBER = pa.float64()


def _malloc_trim():
    """glibc's `malloc_trim`, where there is one (Linux)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Give freed memory back to the system after a batch: Arrow's allocator keeps freed blocks
    for reuse, and glibc raises its mmap threshold after a large block is freed, so later large
    blocks come from a heap it does not shrink; a streaming import would otherwise hold its
    largest batch's peak for good (measured: 30–45 MB on a 100 MB file)."""
    pa.default_memory_pool().release_unused()
    if _TRIM is not None:
        _TRIM(0)


class Spool:
    """Typed rows appended in batches to an Arrow IPC file. Each row ends with the index of
    its file and its XML line (`FILE`, `LINE`), where its problems are reported."""

    def __init__(self, folder: str, name: str, columns: tuple[tuple[str, pa.DataType], ...]
                 ) -> None:
        self.path = Path(folder) / f"{name}.arrow"
        self.schema = pa.schema([*columns, (FILE, pa.int32()), (LINE, WHOLE), (ROW, WHOLE)])
        self.rows = 0
        self._pending: list[tuple] = []
        #: appends a row without a method call of its own (the caller then calls `maybe_flush`
        #: now and then): a 1 GB file has millions of flows
        self.append = self._pending.append
        self._writer: pa.ipc.RecordBatchFileWriter | None = None

    def add(self, row: tuple) -> None:
        self._pending.append(row)
        if len(self._pending) >= BATCH_ROWS:
            self._flush()

    def maybe_flush(self) -> None:
        if len(self._pending) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        columns = list(zip(*self._pending))
        # row numbers as a spreadsheet would give them (the header is row 1)
        columns.append(range(self.rows + 2, self.rows + 2 + len(self._pending)))
        self.rows += len(self._pending)
        self._pending.clear()
        batch = pa.record_batch([pa.array(values, field.type, from_pandas=True)
                                 for values, field in zip(columns, self.schema)],
                                schema=self.schema)
        if self._writer is None:
            self._writer = pa.ipc.new_file(self.path, self.schema)
        self._writer.write_batch(batch)
        release_memory()

    def batches(self) -> Iterator[pd.DataFrame]:
        """Every row, batch by batch, text as Arrow-backed strings."""
        self._flush()
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        # read, not memory-mapped: a mapped file's pages stay resident (and count as the
        # process's memory) once touched, so RSS grew with the file
        with pa.OSFile(str(self.path), "rb") as source:
            reader = pa.ipc.open_file(source)
            for index in range(reader.num_record_batches):
                yield reader.get_batch(index).to_pandas(
                    types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
