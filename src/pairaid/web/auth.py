"""Who may call what: bearer tokens, roles, the editor's region or donor, and a bound on guessing.

Accounts live in the ledger (`pairaid.ledger.accounts`: `add_account`, `authenticate`,
`may_write`); this module only reads the `Authorization` header and asks that module. Tokens
are never compared here: `authenticate` hashes the token and looks the hash up, so neither the
comparison's time nor any log line depends on the token's characters. The token is read from the
header only (never from a query string, which access logs record).

Every write route depends on `writer`: 401 without a valid token (with `WWW-Authenticate:
Bearer`), 403 for a role below editor, and the route itself asks `permit(account, table, row)`
for each row, which answers 403 outside the editor's region or donor. A client that fails
`token_failures_per_minute` times in a minute gets 429 until the minute has passed.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

#: roles that may write (the accounts module's ROLES in order of power)
WRITE_ROLES = ("editor", "approver", "admin")
APPROVE_ROLES = ("approver", "admin")


def accounts_module():
    """`pairaid.ledger.accounts`, or None while this pairaid has no accounts (then every write
    is refused with 503: a server without accounts cannot tell who writes)."""
    try:
        from pairaid.ledger import accounts
    except ImportError:
        return None
    return accounts


class FailureLimit:
    """Failed token attempts per client address over the last minute, in this process (each
    worker keeps its own count; a guesser spread over workers gets workers × the limit)."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        seen = self._failures[client]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        return seen

    def blocked(self, client: str) -> float:
        """Seconds until `client` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            seen = self._recent(client, now)
            if len(seen) < self.per_minute:
                return 0.0
            return max(self.window - (now - seen[0]), 0.0)

    def fail(self, client: str) -> None:
        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason,
                         headers={"WWW-Authenticate": "Bearer"})


def account_of(request: Request, required: bool = True):
    """The account the request's bearer token names (None when no token is given and
    `required` is false). Raises 401, 429 or 503."""
    limit: FailureLimit = request.app.state.token_failures
    client = _client(request)
    wait = limit.blocked(client)
    if wait:
        raise HTTPException(status_code=429, detail=f"too many failed token attempts from "
                            f"this address; try again in {wait:.0f} s",
                            headers={"Retry-After": str(int(wait) + 1)})
    token = _bearer(request)
    if token is None:
        if not required:
            return None
        raise _unauthorised("this needs an API token: send 'Authorization: Bearer <token>' "
                            "(`pairaid users add` makes one)")
    accounts = accounts_module()
    if accounts is None:
        raise HTTPException(status_code=503, detail="this pairaid has no accounts yet "
                            "(pairaid.ledger.accounts): writes are refused")
    source = request.app.state.ledger_source
    store = source.writer()
    try:
        account = accounts.authenticate(store, token)
    finally:
        store.close()
    if account is None:
        limit.fail(client)
        raise _unauthorised("the token is not valid (unknown or revoked)")
    return account


async def reader(request: Request):
    """Dependency of every read route: nothing when reads are public, else a valid token of
    any role. Async, so a public read costs no thread of its own (the token's check, which
    reads the ledger, runs in the thread pool)."""
    if request.app.state.settings.public_reads:
        return None
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(account_of, request)


def writer(request: Request):
    """Dependency of every write route: a valid token of an editor, approver or admin."""
    account = account_of(request)
    if account.role not in WRITE_ROLES:
        raise HTTPException(status_code=403, detail=f"{account.name} is a {account.role}: "
                            f"writing needs the role editor, approver or admin")
    return account


def approver(request: Request):
    """Dependency of the approval routes: an approver or admin."""
    account = account_of(request)
    if account.role not in APPROVE_ROLES:
        raise HTTPException(status_code=403, detail=f"{account.name} is a {account.role}: "
                            f"approving needs the role approver or admin")
    return account


def permit(account, table: str, rows: list[dict]) -> None:
    """403 unless `account` may write every one of `rows` of `table` (an editor only inside
    their region or donor: `accounts.may_write`)."""
    accounts = accounts_module()
    for row in rows:
        if not accounts.may_write(account, table, row):
            scope = ", ".join(f"{k} {v}" for k, v in (("region", account.region),
                                                      ("donor", account.donor)) if v)
            raise HTTPException(status_code=403, detail=f"{account.name} may write {table} "
                                f"only within {scope or 'their scope'}; nothing was written")
