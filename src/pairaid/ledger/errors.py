"""Errors the ledger raises; the CLI turns each into one line and exit code 2."""

from pairaid.errors import InputError


class LedgerError(InputError):
    """The ledger cannot be opened or does not hold what was asked for."""


class DuplicateKeyError(LedgerError):
    """A write hit a unique constraint (a natural key that is already taken)."""
