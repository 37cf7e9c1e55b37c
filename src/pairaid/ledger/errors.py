"""Errors the ledger raises; the CLI turns each into one line and exit code 2, the web service
into a status by type (`web.app`): the request's fault (`LedgerRequestError`, 422), a record or
data that is not there (`RecordNotFound`, 404), a request the ledger's state refuses
(`LedgerConflict`, 409); any other `LedgerError` means the ledger itself cannot answer (503)."""

from __future__ import annotations

from pairaid.errors import InputError


class LedgerError(InputError):
    """The ledger cannot be opened or does not hold what was asked for.

    `table`, `key` (the record's natural key), `column` and `reason` say where and why, when
    the raiser knows (the web service returns them beside the message)."""

    def __init__(self, message: str, *, table: str | None = None, key: dict | None = None,
                 column: str | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.table, self.key, self.column, self.reason = table, key, column, reason

    def where(self) -> dict:
        """The known parts of table, key, column and reason."""
        return {name: value for name, value in (("table", self.table), ("key", self.key),
                                                ("column", self.column),
                                                ("reason", self.reason)) if value is not None}


class LedgerRequestError(LedgerError):
    """A request the ledger cannot read as asked (a bad value, a key missing a column)."""


class RecordNotFound(LedgerError):
    """The ledger holds no such record (or no data of the kind asked for)."""


class LedgerConflict(LedgerError):
    """The ledger's state refuses the request (a key that is taken, a record approved already,
    rows other rows refer to)."""


class DuplicateKeyError(LedgerConflict):
    """A write hit a unique constraint (a natural key that is already taken)."""
