"""The journal: an append-only, hash-chained history of every change to the ledger (issue 15).

Every write to a journaled table runs inside `Store.transaction(actor)`, which takes the chain's
lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on `journal_head`) and hands the
connection a `Chain`. Each changed row becomes one entry: actor, time, table, natural key, action,
the row's state before and after (canonical JSON) and a SHA-256 hash over the previous entry's
hash and this entry's fields. A write of more than `BULK_ROWS` rows is one entry whose `after`
holds the number of rows and their digest, and whose `before` holds, for the rows it replaced,
their count and digest per entry that had written them.

Each row carries `journal_seq`, the entry that wrote its current state. The row digest is a sum of
per-row SHA-512 hashes modulo 2**512 (a multiset hash, Bellare–Micciancio's AdHash), so the rows
an entry wrote can be checked however they were split up later: the ones still in the ledger
plus the ones later entries replaced (their `before`) must add up to the entry's `after`. This is
what lets `verify` catch a ledger row changed, added or removed without its journal entry. The
chain's hashes are SHA-256; the additive row digest resists edits and accidents but not an
adversary able to search for a multiset collision at 512 bits (Wagner's generalised birthday
attack), which is why the chain head is also exported as an anchor (`head`).
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Connection, text
from sqlalchemy.sql import sqltypes

from pairaid.ledger import schema
from pairaid.ledger.errors import LedgerError, LedgerRequestError
from pairaid.ledger.journal_state import (  # noqa: F401  (re-exported for the journal's readers)
    IMPORT_NAME, KEYS, MODULUS, Digest, _dumps, key_of, key_text, primary_key, row_hash,
    state_columns, state_from_text, state_text)
from pairaid.ledger.store import Store
from pairaid.ledger.table_sql import LEDGER_TABLES

GENESIS = "0" * 64
#: a write of more rows than this is one journal entry carrying the rows' digest
BULK_ROWS = 1000
BULK_KEY = "*"
_INFO = "pairaid_chain"


class JournalError(LedgerRequestError):
    """A journal request that cannot be answered as asked (unknown table or key)."""


def ledger_table(name: str) -> str:
    """The ledger table for an import name (`flows`) or a ledger name (`flow`)."""
    if name in LEDGER_TABLES:
        return LEDGER_TABLES[name][0]
    if name in KEYS:
        return name
    raise JournalError(f"unknown table {name!r} (tables: {', '.join(LEDGER_TABLES)})")


def actor_name(actor) -> str:
    """An actor as the journal names it: an account (its name), a name, or the local user."""
    if actor is None:
        return default_actor()
    name = getattr(actor, "name", actor)
    name = str(name).strip()
    if not name:
        raise JournalError("a journaled write needs an actor (who writes)")
    return name


def default_actor() -> str:
    """Who a local process writes as when nobody is named: `local:<user>`."""
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "local:unknown"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# -- the chain -----------------------------------------------------------------------------------
ENTRY_FIELDS = ("seq", "actor", "at", "table_name", "key", "action", "before", "after", "comment")


def entry_hash(prev_hash: str, entry: dict) -> str:
    """SHA-256 over the previous entry's hash and this entry's fields (canonical JSON)."""
    body = _dumps([entry[f] for f in ENTRY_FIELDS])
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass
class Chain:
    """The chain as one transaction holds it (locked): appends entries, moves the head."""

    actor: str
    seq: int
    hash: str
    at: str
    #: the comment of every entry that brings none of its own (why this write: "imported as
    #: approved by admin ...")
    note: str | None = None
    pending: list[dict] = field(default_factory=list)

    def append(self, table: str, key: str, action: str, before: str | None, after: str | None,
               comment: str | None = None) -> int:
        entry = {"seq": self.seq + 1, "actor": self.actor, "at": self.at, "table_name": table,
                 "key": key, "action": action, "before": before, "after": after,
                 "comment": comment if comment is not None else self.note,
                 "prev_hash": self.hash}
        entry["hash"] = entry_hash(self.hash, entry)
        self.seq, self.hash = entry["seq"], entry["hash"]
        self.pending.append(entry)
        return self.seq

    def flush(self, conn: Connection) -> None:
        """Write the pending entries and move the head (inside the caller's transaction)."""
        if not self.pending:
            return
        conn.execute(schema.journal.insert(), self.pending)
        conn.execute(schema.journal_head.update().where(schema.journal_head.c.id == 1)
                     .values(seq=self.seq, hash=self.hash))
        self.pending = []


def take_chain(store: Store, conn: Connection, actor, note: str | None = None) -> Chain:
    """Lock the chain's head for this transaction and attach a `Chain` to the connection.
    SQLite's BEGIN IMMEDIATE (the caller's) already holds the database's write lock."""
    lock = " FOR UPDATE" if store.backend == "postgresql" else ""
    row = conn.execute(text(f"SELECT seq, hash FROM journal_head WHERE id = 1{lock}")).first()
    if row is None:  # a ledger whose head row was removed: the chain cannot be continued
        raise LedgerError("the journal's head is missing (run `pairaid journal verify`)")
    chain = Chain(actor_name(actor), int(row.seq), row.hash, now())
    if chain.seq == 0:
        _adopt_earlier_rows(store, conn, chain)
    chain.note = note
    # attached last: `Connection.info` lives with the pooled DB-API connection, and only
    # `Store.transaction` (which always releases it) may leave a chain there
    conn.info[_INFO] = chain
    return chain


def release_chain(conn: Connection) -> None:
    conn.info.pop(_INFO, None)


def chain_of(conn: Connection) -> Chain:
    chain = conn.info.get(_INFO)
    if chain is None:
        raise LedgerError("a write to the ledger outside a journaled transaction: use "
                          "Store.transaction(actor)")
    return chain


def _adopt_earlier_rows(store: Store, conn: Connection, chain: Chain) -> None:
    """The first journaled write of a ledger filled before the journal existed records its rows
    as they are (one bulk entry per table, actor `pairaid`), so later changes are checked too."""
    actor, chain.actor = chain.actor, "pairaid"
    try:
        for table in KEYS:
            seq = chain.seq + 1
            updated = conn.execute(text(f"UPDATE {table} SET journal_seq = :s "
                                        f"WHERE journal_seq IS NULL"), {"s": seq}).rowcount
            if updated:
                digest = Digest().add(table, (state for state, in _states(conn, table, seq)))
                chain.append(table, BULK_KEY, "insert", None, _dumps(digest.to_dict()),
                             "rows written before the journal began")
        chain.flush(conn)
    finally:
        chain.actor = actor


def _states(conn: Connection, table: str, seq: int):
    """(state,) of every row whose current state entry `seq` wrote."""
    columns = ", ".join(state_columns(table))
    return ((row,) for row in raw_rows(conn, f"SELECT {columns} FROM {table} "
                                             f"WHERE journal_seq = {int(seq)}"))


def raw_rows(conn: Connection, sql: str, batch: int = 0):
    """Rows as plain tuples from the driver's own cursor, in `conn`'s transaction: half the
    cost of SQLAlchemy rows, which matters at 200,000 rows. `sql` takes no parameters (the
    callers inline integers only). With `batch`, a generator fetching that many at a time."""
    cursor = conn.connection.driver_connection.cursor()
    cursor.execute(sql)
    if not batch:
        try:
            return cursor.fetchall()
        finally:
            cursor.close()
    return _batches(cursor, batch)


def _batches(cursor, batch: int):
    try:
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()


# -- journaling writes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Before:
    pk: object
    state: tuple
    seq: int | None


def states_by_key(store: Store, conn: Connection, table: str, keys: list[tuple] | None = None,
                  where: str | None = None) -> dict[tuple, Before]:
    """The current state of the rows with these natural keys (or meeting the SQL condition
    `where`), with the entry that wrote each: what an upsert or approval is about to replace.
    More than `BULK_ROWS` keys are matched through a temporary table, so memory follows the
    rows written, not the table's size."""
    columns = state_columns(table)
    select = f"SELECT {primary_key(table)}, journal_seq, {', '.join(columns)} FROM {table}"
    found: dict[tuple, Before] = {}

    def take(result) -> None:
        for row in result:
            state = tuple(row[2:])
            found[key_of(table, state)] = Before(row[0], state, row[1])

    if keys is None:
        take(conn.execute(text(select + (f" WHERE {where}" if where else ""))))
        return found
    key = KEYS[table]
    if len(keys) > BULK_ROWS:
        take(_joined(conn, table, key, keys, select))
        return found
    for start in range(0, len(keys), 200):
        chunk = keys[start:start + 200]
        params = {f"k{i}_{j}": value for i, values in enumerate(chunk)
                  for j, value in enumerate(values)}
        if len(key) == 1:
            where = f"{key[0]} IN ({', '.join(f':k{i}_0' for i in range(len(chunk)))})"
        else:
            tuples = ", ".join("(" + ", ".join(f":k{i}_{j}" for j in range(len(key))) + ")"
                               for i in range(len(chunk)))
            where = f"({', '.join(key)}) IN (VALUES {tuples})"
        take(conn.execute(text(f"{select} WHERE {where}"), params))
    return found


def _joined(conn: Connection, table: str, key: tuple[str, ...], keys: list[tuple],
            select: str) -> list:
    """`select`'s rows whose natural key is among `keys`, through a temporary table of the
    keys (created and dropped inside the caller's transaction)."""
    scratch = "pairaid_journal_keys"
    conn.execute(text(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {', '.join(key)} "
                      f"FROM {table} WHERE 1 = 0"))
    names = [f"k{j}" for j in range(len(key))]
    conn.execute(text(f"INSERT INTO {scratch} VALUES ({', '.join(':' + n for n in names)})"),
                 [dict(zip(names, values)) for values in keys])
    on = " AND ".join(f"s.{c} = t.{c}" for c in key)
    head, source = select.split(" FROM ")
    listed = ", ".join(f"t.{c.strip()}" for c in head.removeprefix("SELECT ").split(","))
    rows = conn.execute(text(f"SELECT {listed} FROM {source} t JOIN {scratch} s ON {on}")).all()
    # dropped here; on an error the transaction's rollback takes the table with it
    conn.execute(text(f"DROP TABLE {scratch}"))
    return rows


def states_as_stored(table: str, columns: list[str], values: list[tuple],
                     constants: dict[str, object]) -> list[tuple] | None:
    """The states of rows just inserted into SQLite, as reading them back would give them, from
    the values bound (`columns` per row, `constants` the same in every row); None when a state
    column was not given (the database's default filled it) or a value is of a kind whose
    stored form is not worked out here.

    SQLite's column affinity decides what comes back: a REAL column returns an int bound as a
    float, and -0.0 as 0.0; an INTEGER column returns a whole float as an int; NaN is NULL.
    Reading back a bulk write's rows cost as much as digesting them (3.3 and 3.2 µs a flow)."""
    names = state_columns(table)
    position = {c: i for i, c in enumerate(columns)}
    if any(c not in position and c not in constants for c in names):
        return None
    by_column = list(zip(*values)) if values else [() for _ in columns]
    table_columns = schema.metadata.tables[table].columns
    out = []
    for name in names:
        cells = by_column[position[name]] if name in position else (constants[name],) * len(values)
        kind = table_columns[name].type
        if isinstance(kind, sqltypes.Float):
            if not all(v is None or type(v) in (float, int) for v in cells):
                return None
            cells = [None if v is None or v != v else float(v) + 0.0 for v in cells]
        elif isinstance(kind, sqltypes.Integer):
            if not all(v is None or type(v) in (int, float) for v in cells):
                return None
            cells = [v if v is None or type(v) is int else _integer_affinity(v) for v in cells]
        elif isinstance(kind, sqltypes.String):
            if not all(v is None or type(v) is str for v in cells):
                return None
        else:
            return None
        out.append(cells)
    return list(zip(*out))


def _integer_affinity(value: float):
    if value != value:
        return None
    if value.is_integer() and -2**63 <= value < 2**63:
        return int(value)
    return value


def record_written(store: Store, conn: Connection, table: str, seq: int,
                   before: dict[tuple, Before], action: str = "insert",
                   comment: str | None = None, rows: int | None = None,
                   inserted: tuple[list[str], list[tuple], dict] | None = None,
                   states: list[tuple] | None = None, digest: Digest | None = None) -> int:
    """Journal the rows a write left marked `journal_seq = seq` (the chain's next entry).

    Up to `BULK_ROWS` rows: one entry per changed row (each row's `journal_seq` moved to its
    own entry; a row the write left as it was goes back to its earlier entry, unjournaled).
    More: one entry with the rows' digest. `before` holds the states the write replaced.
    `rows`, the number written when the caller knows it, spares a bulk write reading back the
    primary keys; `inserted` (SQLite's append path: columns, rows and constants as bound)
    spares it reading back the rows' states, and so do `states` (the rows' states in
    `state_columns` order as SQLite stores them, from a caller that built them so: the IATI
    importer); so does `digest`, those states' digest from a caller that computed it (the IATI
    importer's reading process), used when the write is a bulk one that replaced nothing.
    Returns the number of entries."""
    chain = chain_of(conn)
    if seq != chain.seq + 1:
        raise LedgerError("journal: the write's entry number is not the chain's next")
    if digest is not None and rows is not None and rows > BULK_ROWS and not before:
        chain.append(table, BULK_KEY, action, None, _dumps(digest.to_dict()), comment)
        chain.flush(conn)
        return 1
    pk, columns = primary_key(table), state_columns(table)
    where = f"FROM {table} WHERE journal_seq = {int(seq)}"
    written = None
    if rows is not None and rows > BULK_ROWS:
        if states is None and inserted is not None:
            states = states_as_stored(table, *inserted)
        if states is None:
            states = raw_rows(conn, f"SELECT {', '.join(columns)} {where}")
    else:
        states = None
    if states is None or len(states) <= BULK_ROWS:
        # one entry per row, so their primary keys too (a big upsert may change few rows)
        written = [(row[0], row[1:]) for row in raw_rows(
            conn, f"SELECT {pk}, {', '.join(columns)} {where}")]
        states = [state for _pk, state in written]
    if not states:
        return 0
    if len(states) > BULK_ROWS:
        replaced = [before[k] for k in (key_of(table, s) for s in states) if k in before] \
            if before else []
        after = Digest().add(table, states)
        chain.append(table, BULK_KEY, action if not replaced else _replacing(action),
                     _bulk_before(table, replaced), _dumps(after.to_dict()), comment)
        chain.flush(conn)
        return 1
    moves, entries = [], 0
    for row_pk, state in sorted(written, key=lambda item: _sortable(key_of(table, item[1]))):
        old = before.get(key_of(table, state))
        if old is not None and old.state == state and action in ("insert", "update"):
            moves.append({"pk": row_pk, "s": old.seq})  # unchanged: not a change to journal
            continue
        entry = chain.append(table, key_text(table, key_of(table, state)),
                             _replacing(action) if old is not None else action,
                             None if old is None else state_text(table, old.state, old.seq),
                             state_text(table, state), comment)
        entries += 1
        if entry != seq:
            moves.append({"pk": row_pk, "s": entry})
    if moves:
        conn.execute(text(f"UPDATE {table} SET journal_seq = :s WHERE {pk} = :pk"), moves)
    chain.flush(conn)
    return entries


def _replacing(action: str) -> str:
    return "update" if action == "insert" else action


def _sortable(key: tuple) -> tuple:
    return tuple((0, v) if isinstance(v, (int, float)) else (1, str(v)) for v in key)


def _bulk_before(table: str, replaced: list[Before]) -> str | None:
    """What a bulk entry replaced: rows and digest per entry that had written them."""
    if not replaced:
        return None
    by_seq: dict[int | None, Digest] = {}
    for old in replaced:
        by_seq.setdefault(old.seq, Digest()).add(table, [old.state])
    total = sum(d.rows for d in by_seq.values())
    return _dumps({"rows": total, "by_seq": {str(seq): d.to_dict()
                                             for seq, d in sorted(by_seq.items(),
                                                                  key=lambda i: i[0] or 0)}})


def delete_journaled(store: Store, conn: Connection, table: str, pks: list,
                     comment: str | None = None) -> int:
    """Delete rows by primary key and journal each (bulk beyond `BULK_ROWS`). Returns rows."""
    chain = chain_of(conn)
    if not pks:
        return 0
    pk, columns = primary_key(table), state_columns(table)
    gone: list[Before] = []
    for start in range(0, len(pks), 500):
        chunk = pks[start:start + 500]
        names = {f"k{j}": k for j, k in enumerate(chunk)}
        where = f"{pk} IN ({', '.join(':' + n for n in names)})"
        rows = conn.execute(text(f"SELECT {pk}, journal_seq, {', '.join(columns)} FROM {table} "
                                 f"WHERE {where}"), names).all()
        gone += [Before(r[0], tuple(r[2:]), r[1]) for r in rows]
        conn.execute(text(f"DELETE FROM {table} WHERE {where}"), names)
    if len(gone) > BULK_ROWS:
        chain.append(table, BULK_KEY, "delete", _bulk_before(table, gone),
                     _dumps(Digest().to_dict()), comment)
    else:
        for old in sorted(gone, key=lambda b: _sortable(key_of(table, b.state))):
            chain.append(table, key_text(table, key_of(table, old.state)), "delete",
                         state_text(table, old.state, old.seq), None, comment)
    chain.flush(conn)
    return len(gone)
