"""The ledger: schema, migrations, code lists and the Store (all SQL lives here)."""

from pairaid.ledger.errors import LedgerError
from pairaid.ledger.store import Store

__all__ = ["LedgerError", "Store"]
