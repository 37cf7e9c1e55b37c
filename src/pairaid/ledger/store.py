"""The Store: the one place that talks SQL to the ledger (SQLite file or PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pandas as pd
import psycopg
import pyarrow as pa
import sqlalchemy.exc
from sqlalchemy import Connection, Engine, create_engine, event, func, or_, select, text
from sqlalchemy.pool import NullPool
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from pairaid.ledger import schema
from pairaid.ledger.bulk_write import (as_records, column_values, copy_into, key_order,
                                       sqlite_insert)
from pairaid.ledger.errors import DuplicateKeyError, LedgerConflict, LedgerError

WriteMode = Literal["append", "upsert"]
DEFAULT_PATH = "pairaid.db"

# Import/export table name → (ledger table, natural key columns in the ledger).
LEDGER_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "regions": ("region", ("code",)),
    "crosswalk": ("region_crosswalk", ("old_code", "new_code")),
    "donors": ("donor", ("code",)),
    "pairings": ("pairing", ("donor_code", "recipient_code", "round")),
    "projects": ("project", ("code",)),
    "outputs": ("project_output", ("project_code", "indicator", "year")),
    "flows": ("flow", ("pairing_id", "year", "kind", "sector", "ref")),
    "personnel": ("personnel", ("pairing_id", "year", "category")),
    "enterprises": ("enterprise", ("origin_code", "destination_code", "year", "sector", "ref")),
    "coverage": ("coverage", ("pairing_id", "year_from", "year_to")),
    "indicators": ("indicator", ("code",)),
    "observations": ("observation", ("region_code", "year", "indicator_code")),
    "rates": ("rate", ("currency", "base", "year")),
    "prices": ("price_index", ("code", "year")),
}

# How each table reads back in its import format: SELECT list and joins. Pairing-linked tables
# name their pairing by donor, recipient and round, so the file needs no ledger ids.
_P = "JOIN pairing p ON p.id = t.pairing_id"
_EXPORT_SQL: dict[str, str] = {
    "regions": "SELECT code, name_zh, name_en, level, parent_code, valid_from, valid_to "
               "FROM region t ORDER BY code",
    "crosswalk": "SELECT old_code, new_code, year, note FROM region_crosswalk t "
                 "ORDER BY old_code, new_code",
    "donors": "SELECT code, name_zh, name_en, kind FROM donor t ORDER BY code",
    "pairings": "SELECT donor_code AS donor, recipient_code AS recipient, start_year, end_year, "
                "round, note FROM pairing t ORDER BY donor_code, recipient_code, round",
    "projects": f"SELECT t.code, p.donor_code AS donor, p.recipient_code AS recipient, t.title, "
                f"t.sector, t.start_year, t.end_year, t.budget, t.currency, t.status, p.round "
                f"FROM project t {_P} ORDER BY t.code",
    "outputs": "SELECT project_code AS project, indicator, unit, year, baseline, target, actual "
               "FROM project_output t ORDER BY project_code, indicator, year",
    "flows": f"SELECT p.donor_code AS donor, p.recipient_code AS recipient, t.year, t.kind, "
             f"t.amount, t.currency, t.sector, t.project_code AS project, t.source, t.ref, p.round "
             f"FROM flow t {_P} ORDER BY p.donor_code, p.recipient_code, p.round, t.year, t.kind, "
             f"t.sector, t.ref",
    "personnel": f"SELECT p.donor_code AS donor, p.recipient_code AS recipient, t.year, "
                 f"t.category, t.headcount, t.person_months, t.source, p.round FROM personnel t {_P} "
                 f"ORDER BY p.donor_code, p.recipient_code, p.round, t.year, t.category",
    "enterprises": "SELECT origin_code AS origin, destination_code AS destination, year, sector, "
                   "count, investment, currency, jobs, source, ref FROM enterprise t "
                   "ORDER BY origin_code, destination_code, year, sector, ref",
    "coverage": f"SELECT p.donor_code AS donor, p.recipient_code AS recipient, t.year_from, "
                f"t.year_to, t.source, p.round FROM coverage t {_P} ORDER BY p.donor_code, "
                f"p.recipient_code, p.round, t.year_from, t.year_to",
    "indicators": "SELECT code, name_en, name_zh, unit, direction, dimension, aggregation "
                  "FROM indicator t ORDER BY code",
    "observations": "SELECT region_code AS region, year, indicator_code AS indicator, value, "
                    "source, flag FROM observation t ORDER BY region_code, year, indicator_code",
    "rates": "SELECT currency, base, year, rate, source FROM rate t ORDER BY currency, base, year",
    "prices": "SELECT code, currency, year, value, source FROM price_index t ORDER BY code, year",
}


#: columns a write sets that are not the row's data: an upsert changing only these changes nothing
_BOOKKEEPING = ("journal_seq", "approval", *schema.AUDIT_COLUMNS)

#: URL schemes a ledger may live at (SQLAlchemy spellings included).
_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL from a URL, a file path, `PAIRAID_DB`, or the default `./pairaid.db`."""
    raw = str(url) if url is not None else os.environ.get("PAIRAID_DB") or DEFAULT_PATH
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if "://" in raw:
        scheme = raw.split("://", 1)[0].lower()
        if scheme not in _SCHEMES:
            raise LedgerError(f"'{scheme}://' ledgers are not supported: a ledger is a SQLite file "
                              "(a path) or a PostgreSQL database (postgresql://...)")
        return raw
    return f"sqlite:///{Path(raw).expanduser()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is off: pysqlite would run DDL outside any
    # transaction (it BEGINs only before INSERT/UPDATE/DELETE), so a failed migration left half a
    # schema behind. `_sqlite_begin` emits BEGIN for every SQLAlchemy transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite leaves them off unless asked, per connection
    cursor.execute("PRAGMA busy_timeout=60000")  # wait for another process's write, not fail
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MB: bulk inserts into indexed tables
    # WAL is set once, when pairaid creates the ledger (`migrate`): setting it here would rewrite
    # the header of any SQLite file it was pointed at, ledger or not.
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN for every transaction; IMMEDIATE (take the write lock now) when asked for."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate")
                         else "BEGIN")


#: the largest answer a snapshot keeps for reuse (rows)
_REUSED_ROWS = 250_000


def _result_frame(result) -> pd.DataFrame:
    """The rows of a textual SELECT as a DataFrame, fetched from the driver's cursor: a text()
    query has no result types, so SQLAlchemy's rows hold the driver's values unchanged, and
    building a Row per row was a fifth of a ledger read (~0.7 s of the report's reads)."""
    columns = list(result.keys())
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    return pd.DataFrame(rows, columns=columns)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]



def synthetic_flag(meta: Mapping[str, str]) -> bool:
    """Whether ledger metadata says its data are synthetic (the demo writes ``synthetic=true``).
    The one reading of the flag: every output labels demo data by it."""
    return str(meta.get("synthetic", "")).lower() == "true"

class Store:
    """A ledger: open with `Store.open(url)`; every read and write of the ledger goes through it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # The Arrow reader links its own copy of SQLite. Two SQLite libraries must never have
        # the same file open at once in one process: POSIX locks are per process, so one
        # library closing the file drops the other's locks, and it reads stale pages (seen:
        # a panel missing rows just written). So the Arrow reader runs only while no DB-API
        # connection is open, and new DB-API connections wait for it (`_arrow_lock`).
        self._arrow_lock = threading.RLock()
        self._open_connections = 0
        self._snapshot: Connection | None = None
        #: the snapshot's reads kept for reuse (`snapshot(reuse_reads=True)`), else None
        self._reads: dict | None = None
        self._pinned = None
        #: whether analytic reads see drafts and returned records too (`approved`)
        self.include_drafts = False
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", self._connected)
            event.listen(engine, "close", self._closed)

    def _connected(self, _dbapi_connection, _record) -> None:
        with self._arrow_lock:
            self._open_connections += 1

    def _closed(self, _dbapi_connection, _record) -> None:
        with self._arrow_lock:
            self._open_connections -= 1

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | os.PathLike | None = None, *, create: bool = True,
             snapshot: bool = False, include_drafts: bool = False) -> Store:
        """Open (and migrate to the current schema) the ledger at `url`.

        `url` is a PostgreSQL URL, a SQLAlchemy URL, or a path to a SQLite file; None means
        `PAIRAID_DB` or `./pairaid.db`. Only `create=True` makes a new ledger (in a missing file
        or an empty database); a database that holds other tables is never changed. With
        `snapshot=True` every read until `close()` sees one snapshot (see `snapshot`). The
        analytic reads (`ledger.queries`, `read_table`) see approved records only unless
        `include_drafts` (exports and backups ask for every row themselves).
        """
        resolved = resolve_url(url)
        if resolved.startswith("sqlite:///"):
            path = Path(resolved.removeprefix("sqlite:///"))
            if path.is_dir():
                raise LedgerError(f"{path}: is a folder; a SQLite ledger is a file")
            if not create and not path.exists():
                raise LedgerError(f"no ledger at {path} (create one with `pairaid import` or "
                                  f"`pairaid demo`, or pass --db)")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"cannot make the folder for the ledger {path}: "
                                  f"{exc.strerror}") from None
        try:
            # SQLite: no pooled connection stays open between operations, so the Arrow reader (a
            # second SQLite library in this process, see frame()) never shares the file with one.
            # PostgreSQL: writers queue on the journal head's row lock while holding their
            # connection, so the pool must cover the server's threads (anyio's 40) or a waiting
            # writer times out on the pool instead of the lock (20 writer threads did, under load)
            engine = create_engine(resolved, poolclass=NullPool) if resolved.startswith("sqlite") \
                else create_engine(resolved, pool_size=10, max_overflow=30, pool_timeout=120)
        except Exception as exc:  # a URL SQLAlchemy cannot parse, a driver that is missing
            raise LedgerError(f"cannot open the ledger at {url}: {_first_line(exc)}") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        store = cls(engine)
        store.include_drafts = include_drafts
        try:
            store._prepare(create)
            if snapshot:
                store._pinned = store.snapshot()
                store._pinned.__enter__()
        except Exception as exc:  # connection refused, bad URL, permissions
            engine.dispose()
            if isinstance(exc, LedgerError):
                raise
            raise LedgerError(f"cannot open the ledger at {store.location}: "
                              f"{_first_line(exc)}") from exc
        return store

    def _prepare(self, create: bool) -> None:
        from pairaid.ledger.migrate import prepare

        prepare(self, create)

    def migrate(self, *, create: bool = True,
                script_location: str | os.PathLike | None = None) -> None:
        """Bring the schema to the newest Alembic revision, all or nothing (`ledger.migrate`)."""
        from pairaid.ledger.migrate import upgrade

        upgrade(self, create=create, script_location=script_location)

    def close(self) -> None:
        pinned, self._pinned = self._pinned, None
        if pinned is not None:
            pinned.__exit__(None, None, None)
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def location(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, actor=None, note: str | None = None) -> Iterator[Connection]:
        """One transaction: everything inside commits together or not at all. A write the
        database refuses (disk full, a read-only file) raises LedgerError, one clear line.

        With `actor` (an account, a name; see `journal.actor_name`) the transaction holds the
        journal's chain from its start (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR
        UPDATE on `journal_head`), so concurrent writers append one after another, and `write`,
        deletes and approvals inside it journal every row they change. Writes to ledger tables
        need it; the accounts and the metadata do not. `note` is the journal's comment on its
        entries (why: "imported as approved by admin ...")."""
        try:
            with self.engine.connect() as conn:
                if actor is not None and self.backend == "sqlite":
                    conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    if actor is not None:
                        from pairaid.ledger.journal import release_chain, take_chain

                        take_chain(self, conn, actor, note)
                        try:
                            yield conn
                        finally:
                            release_chain(conn)
                    else:
                        yield conn
        except (sqlalchemy.exc.OperationalError, sqlite3.OperationalError,
                psycopg.OperationalError) as exc:
            raise LedgerError(f"the ledger at {self.location} refused the write: "
                              f"{_first_line(exc)}; nothing was written") from exc

    @contextmanager
    def snapshot(self, *, reuse_reads: bool = False) -> Iterator[Connection]:
        """Every read inside sees the ledger as it was when the block began (one read
        transaction; REPEATABLE READ on PostgreSQL), whatever other processes commit meanwhile.

        Nested calls share the outer snapshot. While it is open, `frame` reads through it rather
        than through the Arrow reader (see `__init__`), so a multi-query command and its
        provenance fingerprint describe the same ledger.

        With `reuse_reads` a `query` asked again inside the snapshot gets a copy of the first
        answer instead of reading again (a snapshot's answer cannot change): the report's
        analyses asked the same question up to six times (~1 s of reads on the demo). Answers
        of more than `_REUSED_ROWS` rows are not kept.
        """
        if self._snapshot is not None:
            yield self._snapshot
            return
        conn = self.engine.connect()
        try:
            if self.backend == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            conn.begin()
            # SQLite's BEGIN is deferred: the snapshot starts at the first read, so read now.
            conn.execute(select(schema.meta.c.key).limit(1)).all()
            self._snapshot = conn
            self._reads = {} if reuse_reads else None
            yield conn
        finally:
            self._snapshot = None
            self._reads = None
            conn.close()

    def _reader(self):
        """The snapshot's connection (not closed after use) or a new one."""
        if self._snapshot is not None:
            return contextlib.nullcontext(self._snapshot)
        return self.engine.connect()

    # -- metadata -------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        with self._reader() as conn:
            return dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value)).all())

    def is_synthetic(self) -> bool:
        """Whether the ledger says it holds synthetic (demo) data."""
        return synthetic_flag(self.meta())

    def set_meta(self, conn: Connection | None = None, **values: str) -> None:
        rows = [{"key": k, "value": v} for k, v in values.items()]
        stmt = self._insert(schema.meta).on_conflict_do_update(
            index_elements=["key"], set_={"value": self._excluded(schema.meta)["value"]}
        )
        if conn is not None:
            conn.execute(stmt, rows)
        else:
            with self.transaction() as c:
                c.execute(stmt, rows)

    # -- reading --------------------------------------------------------------------------
    def query(self, sql: str, params: dict | None = None, conn: Connection | None = None) -> pd.DataFrame:
        """Run a read-only SELECT and return a DataFrame (used by the other ledger modules)."""
        if self._reads is not None and (conn is None or conn is self._snapshot):
            key = (sql, repr(sorted((params or {}).items())))
            if key not in self._reads:
                frame = _result_frame(self._snapshot.execute(text(sql), params or {}))
                if len(frame) > _REUSED_ROWS:
                    return frame
                self._reads[key] = frame
            return self._reads[key].copy()
        if conn is not None:
            return _result_frame(conn.execute(text(sql), params or {}))
        with self._reader() as c:
            return _result_frame(c.execute(text(sql), params or {}))

    def frame(self, sql: str) -> pd.DataFrame:
        """A large read-only SELECT as a DataFrame, text columns as categoricals.

        On SQLite, when no DB-API connection is open (see `__init__`), this goes through ADBC
        (Arrow, no Python object per cell): 1.7 million observation rows arrive in 0.5 s instead
        of 1.2 s through the DB-API. The SQL must only inline values that validation or int()
        has already made safe.
        """
        if self.backend == "sqlite":
            with self._arrow_lock:
                if self._open_connections == 0:
                    return self._arrow_frame(sql)
        frame = self.query(sql)
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].astype("category")
        return frame

    def _arrow_frame(self, sql: str) -> pd.DataFrame:
        import adbc_driver_sqlite.dbapi as adbc

        with adbc.connect(self.engine.url.database) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
        columns = {
            name: (column.dictionary_encode() if pa.types.is_string(column.type) else column)
            for name, column in zip(table.column_names, table.columns)
        }
        return pa.table(columns).to_pandas()

    def approved(self, alias: str = "") -> str:
        """SQL condition keeping the rows of a record table that analytics may use: approved
        ones, unless the store includes drafts (then "1 = 1")."""
        if self.include_drafts:
            return "1 = 1"
        return f"{alias + '.' if alias else ''}approval = 'approved'"

    def read_table(self, name: str, conn: Connection | None = None,
                   drafts: bool | None = None) -> pd.DataFrame:
        """A whole table in its import/export format (columns as in `ingest.tables`). Record
        tables hold approved rows only unless the store includes drafts or `drafts=True` (what
        export, backup and the fingerprint ask for: every row)."""
        from pairaid.ingest.tables import TABLES

        spec = TABLES[name]
        sql = _EXPORT_SQL[name]
        table = LEDGER_TABLES[name][0]
        if not (drafts or self.include_drafts) and table in schema.APPROVED_TABLES:
            head, order = sql.split(" ORDER BY ")
            sql = f"{head} WHERE t.approval = 'approved' ORDER BY {order}"
        frame = self.query(sql, conn=conn)
        if frame.empty:
            frame = pd.DataFrame(columns=list(spec.column_names))
        for column in spec.columns:  # drivers hand back None-filled objects; give honest dtypes
            if column.type in ("int", "year") or column.name == "direction":
                frame[column.name] = pd.to_numeric(frame[column.name]).astype("Int64")
            elif column.type == "float":
                frame[column.name] = pd.to_numeric(frame[column.name]).astype("float64")
            else:
                frame[column.name] = frame[column.name].astype(object)
        return frame[list(spec.column_names)]

    def codes(self, name: str, conn: Connection | None = None) -> set[str]:
        """Codes present in a code-keyed table: regions, donors, indicators or projects."""
        table = {"regions": "region", "donors": "donor", "indicators": "indicator",
                 "projects": "project"}[name]
        return set(self.query(f"SELECT code FROM {table}", conn=conn)["code"])

    def pairings(self, conn: Connection | None = None) -> pd.DataFrame:
        return self.query("SELECT id, donor_code AS donor, recipient_code AS recipient, "
                          "start_year, end_year, round FROM pairing", conn=conn)

    def existing_keys(self, name: str, conn: Connection | None = None) -> pd.DataFrame:
        """The natural keys (ledger columns) of every row already in a table."""
        table, key = LEDGER_TABLES[name]
        return self.query(f"SELECT {', '.join(key)} FROM {table}", conn=conn)

    def counts(self) -> dict[str, int]:
        """Rows per data table (the tests use it to prove a failed import wrote nothing). The
        accounts and the journal are not data: `journal.head` and `accounts.list_accounts`."""
        with self._reader() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in schema.metadata.sorted_tables if t.name not in schema.SYSTEM_TABLES
            }

    def schema_revision(self) -> str | None:
        """The Alembic revision the ledger's schema is at."""
        with self._reader() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    @staticmethod
    def other_tables() -> list[str]:
        """Ledger tables outside the import formats and `meta` (a backup copies them raw)."""
        covered = ({table for table, _key in LEDGER_TABLES.values()}
                   | {schema.meta.name, schema.coverage.name}  # coverage: backup.py by name
                   | set(schema.SYSTEM_TABLES))  # accounts and the journal stay with the ledger
        return [t.name for t in schema.metadata.sorted_tables if t.name not in covered]

    def raw_rows(self, table_name: str) -> list[dict]:
        """Every row of a table as column → value (for tables `other_tables` names)."""
        table = schema.metadata.tables[table_name]
        with self._reader() as conn:
            return [dict(row._mapping) for row in
                    conn.execute(select(table).order_by(*table.primary_key.columns))]

    def insert_raw(self, table_name: str, rows: list[dict], conn: Connection) -> None:
        """Insert rows as they are (a restore); journaled like any write."""
        if rows:
            from pairaid.ledger import journal

            seq = journal.chain_of(conn).seq + 1
            if table_name not in journal.KEYS:  # a table the journal does not cover
                conn.execute(schema.metadata.tables[table_name].insert(), rows)
                return
            conn.execute(schema.metadata.tables[table_name].insert(),
                         [{**row, "journal_seq": seq} for row in rows])
            journal.record_written(self, conn, table_name, seq, {})

    def is_empty(self) -> bool:
        """Whether no ledger table holds a row."""
        return not any(self.counts().values())

    # -- writing --------------------------------------------------------------------------
    def limit_cache(self, conn: Connection, megabytes: int) -> None:
        """Bound SQLite's page cache on this connection (128 MB by default): a streaming import
        that promises flat memory trades some insert speed for it. The setting ends with the
        connection (SQLite connections are not pooled); PostgreSQL's cache is the server's."""
        if self.backend == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size=-{int(megabytes) * 1024}")

    def write(self, name: str, rows: pd.DataFrame, mode: WriteMode, conn: Connection,
              approval: str = "approved") -> int:
        """Insert (or upsert) validated rows whose columns are ledger columns, inside `conn`'s
        transaction (a `transaction(actor)`: every changed row is journaled). Record tables
        take `approval` (draft | approved) and who/when. Validation happened before: a
        constraint failing here is a bug or a race, and the caller's transaction rolls back."""
        if rows.empty:
            return 0
        from pairaid.ledger import journal

        chain = journal.chain_of(conn)
        table_name, key = LEDGER_TABLES[name]
        seq = chain.seq + 1
        before = {}
        if mode == "upsert":
            keys = list(zip(*(column_values(rows[c]) for c in key)))
            before = journal.states_by_key(self, conn, table_name, keys)
        # the same in every row of the transaction: SQLite's bulk insert writes them into its
        # statement once. `journal_seq` stays bound: it changes with each write, and the driver
        # caches each statement text it sees (up to 128; a 500-row INSERT compiles to about a
        # megabyte), so a literal there raised a 100 MB import's peak RSS by 40 MB
        rows = rows.assign(journal_seq=seq)
        constants: dict[str, object] = {}
        if table_name in schema.APPROVED_TABLES:
            if approval not in schema.STATUSES:
                raise LedgerError(f"approval {approval!r}: one of {', '.join(schema.STATUSES)}")
            constants.update(approval=approval, created_by=chain.actor, created_at=chain.at,
                             updated_by=chain.actor, updated_at=chain.at)
        try:
            count, inserted = self._write(name, rows, mode, conn, constants)
        except (sqlite3.IntegrityError, psycopg.errors.UniqueViolation,
                sqlalchemy.exc.IntegrityError) as exc:
            if "UNIQUE" in str(exc).upper() or isinstance(exc, psycopg.errors.UniqueViolation) \
                    or isinstance(getattr(exc, "orig", None), psycopg.errors.UniqueViolation):
                raise DuplicateKeyError(str(exc).splitlines()[0], table=name,
                                        reason="the natural key is taken") from exc
            # a CHECK or foreign key the validator did not foresee (a race with a delete)
            reason = _first_line(exc)
            raise LedgerConflict(f"{name}: the ledger refused the rows ({reason}); nothing was "
                                 f"written", table=name, reason=reason) from exc
        journal.record_written(self, conn, table_name, seq, before,
                               "update" if mode == "upsert" else "insert", rows=count,
                               inserted=inserted)
        return count

    def _write(self, name: str, rows: pd.DataFrame, mode: WriteMode, conn: Connection,
               constants: dict[str, object]) -> tuple[int, tuple | None]:
        """Rows written, and on SQLite's append path what was bound: (columns, rows as
        tuples, constants)."""
        table_name, key = LEDGER_TABLES[name]
        table = schema.metadata.tables[table_name]
        if mode == "append" and self.backend == "sqlite":
            columns, values = sqlite_insert(conn, table_name, rows, key_order(rows, key),
                                            constants)
            return len(values), (columns, values, constants)
        rows = rows.assign(**constants)
        columns = list(rows.columns)
        if mode == "upsert":
            stmt = self._insert(table)
            updates = {c: stmt.excluded[c] for c in columns
                       if c not in key and c not in ("created_by", "created_at")}
            # a row whose data the upsert leaves as they are is not touched at all: its approval,
            # who/when and journal entry stay (an unchanged re-import writes nothing)
            data = [c for c in columns if c not in key and c not in _BOOKKEEPING]
            changed = or_(*[table.c[c].is_distinct_from(stmt.excluded[c]) for c in data]) \
                if data else None
            stmt = (stmt.on_conflict_do_update(index_elements=list(key), set_=updates,
                                               where=changed) if changed is not None
                    else stmt.on_conflict_do_nothing(index_elements=list(key)))
            conn.execute(stmt, as_records(rows))
        else:
            copy_into(conn, table_name, rows, key_order(rows, key))
        return len(rows), None

    def _insert(self, table):
        return (pg_dialect.insert(table) if self.backend == "postgresql"
                else sqlite_dialect.insert(table))

    def _excluded(self, table):
        return self._insert(table).excluded


def sql_in(values: Sequence[str]) -> str:
    """A safe IN-list literal for codes that validation has already checked."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
