"""Where a ledger lives and how its connections are set up: the URL a path, `PAIRAID_DB` or
the default names, and the pragmas and BEGIN every SQLite connection gets (`Store.open` listens
with these)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection

from pairaid.ledger.errors import LedgerError

DEFAULT_PATH = "pairaid.db"

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


def sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is off: pysqlite would run DDL outside any
    # transaction (it BEGINs only before INSERT/UPDATE/DELETE), so a failed migration left half a
    # schema behind. `sqlite_begin` emits BEGIN for every SQLAlchemy transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite leaves them off unless asked, per connection
    cursor.execute("PRAGMA busy_timeout=60000")  # wait for another process's write, not fail
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MB: bulk inserts into indexed tables
    # WAL is set once, when pairaid creates the ledger (`migrate`): setting it here would rewrite
    # the header of any SQLite file it was pointed at, ledger or not.
    cursor.close()


def sqlite_begin(conn: Connection) -> None:
    """BEGIN for every transaction; IMMEDIATE (take the write lock now) when asked for."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate")
                         else "BEGIN")
