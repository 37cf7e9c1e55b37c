"""Accounts of the shared ledger: who may read, write and approve (issue 15).

An account has a name, a role and, for an editor, the region and/or donor whose records it may
write. Its API token is shown once, when the account is made; the ledger keeps only the token's
sha256, so a copy of the database gives nobody a working token. Roles, weakest first:

- viewer: reads (when the server asks for a token to read at all);
- editor: writes records (flows, pairings, projects, outputs, personnel, enterprises,
  observations, coverage) of its region and/or donor, or of any when it has neither;
- approver: writes records anywhere, and approves or returns drafts;
- admin: everything, including reference tables (regions, donors, indicators, rates, prices,
  crosswalk) and accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, update

from pairaid.errors import InputError
from pairaid.ledger import schema
from pairaid.ledger.store import Store

ROLES = ("viewer", "editor", "approver", "admin")
assert ROLES == schema.ACCOUNT_ROLES  # one list: the CHECK constraint is built from schema's

#: Record tables (import names) editors and approvers write; the others are admin's.
RECORD_TABLES = ("pairings", "projects", "outputs", "flows", "personnel", "enterprises",
                 "observations", "coverage")
#: Import and ledger spellings of the columns naming a record's region and donor.
_REGION_FIELDS = ("recipient", "recipient_code", "destination", "destination_code", "region",
                  "region_code")
_DONOR_FIELDS = ("donor", "donor_code", "origin", "origin_code")
_LEDGER_TO_IMPORT = {"pairing": "pairings", "project": "projects", "project_output": "outputs",
                     "flow": "flows", "personnel": "personnel", "enterprise": "enterprises",
                     "observation": "observations", "coverage": "coverage"}
_TOKEN_PREFIX = "pairaid_"


class AccountError(InputError):
    """An account that cannot be made or changed as asked (a bad name, role, a duplicate)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    region: str | None
    donor: str | None


def token_hash(token: str) -> str:
    """What the ledger stores of a token: its sha256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _clean(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > 32 or not value.isprintable():
        raise AccountError(f"{what} {value!r}: a code of at most 32 printable characters")
    return value


def add_account(store: Store, name: str, role: str, region: str | None = None,
                donor: str | None = None) -> str:
    """Make an account and return its new API token (the only time it is shown)."""
    name = (name or "").strip()
    if not name or len(name) > 64 or not name.isprintable():
        raise AccountError(f"account name {name!r}: 1 to 64 printable characters")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
    region, donor = _clean(region, "--region"), _clean(donor, "--donor")
    token = _TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    with store.transaction() as conn:
        taken = conn.execute(select(schema.account.c.name)
                             .where(schema.account.c.name == name)).first()
        if taken is not None:
            raise AccountError(f"an account named {name!r} exists already (revoke it, or choose "
                               "another name)")
        conn.execute(schema.account.insert().values(
            name=name, role=role, region_code=region, donor_code=donor,
            token_hash=token_hash(token), created_at=_now(), revoked_at=None))
    return token


def authenticate(store: Store, token: str | None) -> Account | None:
    """The live account whose token this is, or None. The lookup is by the token's hash (no
    comparison of secrets byte by byte), and the stored hash is compared in constant time."""
    if not token or len(token) > 256:
        return None
    wanted = token_hash(token)
    a = schema.account
    with store.engine.connect() as conn:
        row = conn.execute(select(a.c.name, a.c.role, a.c.region_code, a.c.donor_code,
                                  a.c.token_hash)
                           .where(a.c.token_hash == wanted, a.c.revoked_at.is_(None))).first()
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    return Account(row.name, row.role, row.region_code, row.donor_code)


def list_accounts(store: Store) -> list[dict]:
    """Every account, revoked ones included: name, role, region, donor, created_at, revoked_at
    (never the token or its hash)."""
    a = schema.account
    with store.engine.connect() as conn:
        rows = conn.execute(select(a.c.name, a.c.role, a.c.region_code, a.c.donor_code,
                                   a.c.created_at, a.c.revoked_at).order_by(a.c.name)).all()
    return [{"name": r.name, "role": r.role, "region": r.region_code, "donor": r.donor_code,
             "created_at": r.created_at, "revoked_at": r.revoked_at} for r in rows]


def revoke_account(store: Store, name: str) -> bool:
    """Revoke an account's token for good; False when it was revoked already."""
    a = schema.account
    with store.transaction() as conn:
        row = conn.execute(select(a.c.revoked_at).where(a.c.name == name)).first()
        if row is None:
            raise AccountError(f"no account named {name!r}")
        if row.revoked_at is not None:
            return False
        conn.execute(update(a).where(a.c.name == name).values(revoked_at=_now()))
    return True


def may_write(account: Account | None, table: str, row: dict | None = None) -> bool:
    """Whether `account` may write `row` of `table` (import name, e.g. "flows", or ledger name).

    `row` holds the record's columns in import or ledger spelling (donor/donor_code,
    recipient/destination/region and their *_code forms). An editor limited to a region or a
    donor writes only rows that name that region (as recipient, destination or region) or that
    donor (as donor or origin); a row that names neither (a project's output) is refused to such
    an editor, since nothing shows it is theirs. Region means the code itself (a prefecture
    editor does not write its counties' rows: say so with one account per county or none)."""
    if account is None:
        return False
    table = _LEDGER_TO_IMPORT.get(table, table)
    if account.role == "admin":
        return True
    if account.role == "viewer" or table not in RECORD_TABLES:
        return False
    if account.role == "approver":
        return True
    row = row or {}
    if account.region is not None and not _names(row, _REGION_FIELDS, account.region):
        return False
    if account.donor is not None and not _names(row, _DONOR_FIELDS, account.donor):
        return False
    return True


def may_read_history(account: Account | None, table: str, key: dict | None = None) -> bool:
    """Whether `account` may read a record's journal entries (its history). The journal names
    the people who wrote each state and holds drafts, returned records and approvers' comments,
    which only those who write see: so approvers and admins read every record's history, an
    editor the history of records they may write (their region or donor) and of the reference
    tables; viewers and anonymous readers none, even where reads are public (the chain's head,
    the anchor an outside party keeps, stays public)."""
    if account is None or account.role == "viewer":
        return False
    if account.role in ("approver", "admin"):
        return True
    table = _LEDGER_TO_IMPORT.get(table, table)
    return table not in RECORD_TABLES or may_write(account, table, key)


def may_approve(account: Account | None, table: str, row: dict | None = None) -> bool:
    """Approvers and admins approve or return drafts of record tables."""
    if account is None:
        return False
    table = _LEDGER_TO_IMPORT.get(table, table)
    return account.role in ("approver", "admin") and table in RECORD_TABLES


def _names(row: dict, fields: tuple[str, ...], code: str) -> bool:
    values = [row[f] for f in fields if f in row and row[f] is not None]
    return bool(values) and all(str(v) == code for v in values)


@dataclass(frozen=True)
class LocalWriter:
    """Who a local process (the CLI) writes as, and the state its records take."""

    actor: str
    approval: str  # draft | approved
    #: why, in one sentence (the journal's comment on every entry of the write)
    note: str
    account: Account | None


def local_writer(store: Store, token: str | None = None) -> LocalWriter:
    """The CLI's writer. With a token: its account (an admin's records are approved, others'
    drafts; a viewer may not write). Without: on a ledger with no accounts (one person's file)
    the local user, approved; on a shared ledger (accounts exist) the local user's records are
    drafts until an approver approves them."""
    from pairaid.ledger.journal import default_actor

    if token:
        account = authenticate(store, token)
        if account is None:
            raise AccountError("the token is not a live account's (revoked, or mistyped)")
        if account.role == "viewer":
            raise AccountError(f"{account.name} is a viewer: viewers do not write")
        if account.role == "admin":
            return LocalWriter(account.name, "approved", f"imported as approved by admin "
                               f"{account.name} (pairaid CLI)", account)
        return LocalWriter(account.name, "draft", f"draft by {account.role} {account.name} "
                           "(pairaid CLI)", account)
    actor = default_actor()
    a = schema.account
    with store.engine.connect() as conn:
        shared = conn.execute(select(a.c.name).where(a.c.revoked_at.is_(None)).limit(1)).first()
    if shared is None:
        return LocalWriter(actor, "approved", f"imported as approved by {actor}: a ledger "
                           "without accounts is its file holder's (pairaid CLI)", None)
    return LocalWriter(actor, "draft", f"draft by {actor}: the ledger has accounts and no "
                       "admin token was given (pairaid CLI)", None)
