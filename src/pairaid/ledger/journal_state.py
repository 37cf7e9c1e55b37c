"""The journal's row states and digests: which columns a row's journaled state holds, its natural
key, the canonical JSON the journal stores, and the multiset digest (AdHash over SHA-512, see
`journal`'s docstring) that lets `verify` check rows however they were split up later."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from pairaid.ledger import schema
from pairaid.ledger.table_sql import LEDGER_TABLES

#: the row digest is a sum of SHA-512 hashes modulo this
MODULUS = 1 << 512
#: ledger table → natural key columns; import name ↔ ledger name
KEYS: dict[str, tuple[str, ...]] = {table: key for table, key in LEDGER_TABLES.values()}
IMPORT_NAME: dict[str, str] = {table: name for name, (table, _key) in LEDGER_TABLES.items()}


@functools.cache
def state_columns(table: str) -> tuple[str, ...]:
    """The columns a row's journaled state holds: all but the surrogate id, `journal_seq` and
    who/when (the entry has its own actor and time). The natural key is among them."""
    columns = schema.metadata.tables[table].columns
    skip = {"journal_seq", *schema.AUDIT_COLUMNS}
    if "id" in columns and columns["id"].primary_key:
        skip.add("id")
    return tuple(c.name for c in columns if c.name not in skip)


@functools.cache
def primary_key(table: str) -> str:
    return "id" if "id" in schema.metadata.tables[table].columns else "code"


@functools.cache
def _key_positions(table: str) -> tuple[int, ...]:
    columns = state_columns(table)
    return tuple(columns.index(c) for c in KEYS[table])


def key_of(table: str, state: tuple) -> tuple:
    return tuple(state[i] for i in _key_positions(table))


def row_hash(table: str, state: tuple) -> int:
    """One row's contribution to a digest: SHA-512 of the table and the state's repr (Python
    ints, floats, str and None, as both drivers return them), as an integer."""
    return int.from_bytes(hashlib.sha512(f"{table}\x1f{state!r}".encode()).digest(), "big")


@dataclass
class Digest:
    """A multiset of rows: how many, and the sum of their hashes modulo 2**512."""

    rows: int = 0
    total: int = 0

    def add(self, table: str, states: Iterable[tuple]) -> Digest:
        # row_hash inlined: this loop runs once per row of every bulk write and of `verify`
        prefix, sha512, from_bytes = f"{table}\x1f", hashlib.sha512, int.from_bytes
        total, rows = self.total, 0
        for state in states:
            rows += 1
            total += from_bytes(sha512(f"{prefix}{state!r}".encode()).digest(), "big")
        self.rows += rows
        self.total = total % MODULUS
        return self

    def merge(self, other: Digest) -> None:
        self.rows += other.rows
        self.total = (self.total + other.total) % MODULUS

    @property
    def hex(self) -> str:
        return format(self.total, "0128x")

    def to_dict(self) -> dict:
        return {"rows": self.rows, "digest": self.hex}

    @classmethod
    def from_dict(cls, value: dict) -> Digest:
        return cls(int(value["rows"]), int(value["digest"], 16))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def key_text(table: str, key: tuple) -> str:
    """A natural key as the journal stores it: canonical JSON, key columns in order."""
    return _dumps(dict(zip(KEYS[table], key)))


def state_text(table: str, state: tuple, seq: int | None = None) -> str:
    """A row's state as canonical JSON; a `before` also says which entry had written it."""
    value = dict(zip(state_columns(table), state))
    if seq is not None:
        value["journal_seq"] = seq
    return _dumps(value)


def state_from_text(table: str, raw: str) -> tuple[tuple, int | None]:
    value = json.loads(raw)
    return tuple(value[c] for c in state_columns(table)), value.get("journal_seq")
