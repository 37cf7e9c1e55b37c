"""The ledger's schema lifecycle: what a database holds (a ledger, nothing, or someone else's
tables) and the all-or-nothing upgrade to the newest Alembic revision.

One transaction for the whole upgrade (DDL is transactional on SQLite and PostgreSQL), taken with
the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so a migration failing
half-way leaves the ledger as it was, and two processes opening one new ledger create it once.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, inspect, text

from pairaid.ledger.errors import LedgerError

if TYPE_CHECKING:
    from pairaid.ledger.store import Store

MIGRATIONS = resources.files("pairaid.ledger").joinpath("migrations")
#: PostgreSQL advisory lock key that serialises ledger creation and upgrades ("pairaid" in hex).
_PG_MIGRATION_LOCK = 0x70616972616964
#: Tables whose presence (with Alembic's version table) marks a database as a pairaid ledger.
LEDGER_MARKERS = frozenset({"alembic_version", "meta", "region", "flow"})

State = Literal["empty", "ledger"]


def revisions(location: str | os.PathLike = MIGRATIONS) -> tuple[str, frozenset[str]]:
    """(head revision, every revision) of the migration scripts at `location`."""
    if str(location) == str(MIGRATIONS):
        # the packaged scripts do not change while the process runs; reading them (Alembic
        # parses every script) cost ~20 ms on each open of a ledger, i.e. each CLI command
        # and each web request's snapshot
        return _packaged_revisions()
    return _read_revisions(location)


@functools.lru_cache(maxsize=1)
def _packaged_revisions() -> tuple[str, frozenset[str]]:
    return _read_revisions(MIGRATIONS)


def _read_revisions(location: str | os.PathLike) -> tuple[str, frozenset[str]]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(location))
    script = ScriptDirectory.from_config(config)
    return script.get_current_head(), frozenset(r.revision for r in script.walk_revisions())


def ledger_state(conn: Connection, location: str) -> tuple[State, str | None]:
    """('empty' | 'ledger', Alembic revision); a database holding other tables is refused."""
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return "empty", None
    if not LEDGER_MARKERS <= tables:
        listed = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise LedgerError(f"{location} is not a pairaid ledger (it holds the tables {listed}); "
                          "pairaid does not change a database it did not create: give a new "
                          "file or an empty database")
    return "ledger", conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_openable(state: State, revision: str | None, known: frozenset[str], head: str,
                   location: str, create: bool) -> None:
    """Refuse a ledger from a newer pairaid, and an empty database unless creating."""
    if revision is not None and revision not in known:
        raise LedgerError(f"the ledger at {location} was made by a newer pairaid (schema revision "
                          f"{revision}; this pairaid knows up to {head}): upgrade pairaid to "
                          "open it")
    if state == "empty" and not create:
        raise LedgerError(f"no ledger at {location} (the database is empty; create one with "
                          "`pairaid import` or `pairaid demo`)")


def prepare(store: Store, create: bool) -> None:
    """On open: refuse what is not a pairaid ledger; create or upgrade the schema when needed.
    The check reads without the write lock, so opening a current ledger never waits for an
    import and works on a read-only file."""
    head, known = revisions()
    with store.engine.connect() as conn:
        state, revision = ledger_state(conn, store.location)
    if revision == head:
        return
    check_openable(state, revision, known, head, store.location, create)
    upgrade(store, create=create)


def upgrade(store: Store, *, create: bool = True,
            script_location: str | os.PathLike | None = None) -> None:
    """Bring the schema to the newest revision at `script_location`, all or nothing."""
    from alembic import command
    from alembic.config import Config

    location = str(script_location or MIGRATIONS)
    head, known = revisions(location)
    config = Config()
    config.set_main_option("script_location", location)
    with store.engine.connect() as conn:
        conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            if store.backend == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                             {"key": _PG_MIGRATION_LOCK})
            state, revision = ledger_state(conn, store.location)  # again, under the lock
            if revision == head:
                return
            check_openable(state, revision, known, head, store.location, create)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        if state == "empty" and store.backend == "sqlite":
            # Readers and one writer at once; outside any transaction, as SQLite requires.
            conn.connection.driver_connection.execute("PRAGMA journal_mode=WAL")
