"""Browser sessions for the dashboard: log in with an API token, a signed cookie, CSRF on forms.

The cookie holds no secret: it names the account, carries the session's CSRF token and its
expiry, and is signed (HMAC-SHA256) with the app's session key, so it cannot be forged or
edited. The API token itself is never stored in the cookie, the page or a log; it is checked once
at login (`accounts.authenticate`, by its hash) and failures count against the same per-address
limit as bearer tokens (`auth.FailureLimit`). Every request re-reads the account, so a revoked
account or a changed role takes effect on the next page.

The cookie is HttpOnly, SameSite=Strict and, unless `Settings.secure_cookies` is off, Secure.
Every form posts a CSRF token that must equal the session's (compared in constant time); the
login form, which has no session yet, uses a double-submit cookie. A POST whose Origin names
another site is refused whatever it carries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

SESSION_COOKIE = "pairaid_session"
LOGIN_CSRF_COOKIE = "pairaid_login_csrf"
#: a session lasts a working day, then the token is asked for again
SESSION_SECONDS = 8 * 3600
_UNREAD = object()


@dataclass(frozen=True)
class Session:
    """A logged-in browser: the live account and the CSRF token its forms must carry."""

    account: object  # pairaid.ledger.accounts.Account
    csrf: str
    expires: int

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def role(self) -> str:
        return self.account.role


def session_key(settings) -> bytes:
    """The key signing cookies: the configured secret (shared by every worker process), else a
    random one for this process (sessions then end when it restarts)."""
    if settings.session_secret:
        return hashlib.sha256(settings.session_secret.encode("utf-8")).digest()
    return secrets.token_bytes(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, payload: dict) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    mac = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(key: bytes, cookie: str | None) -> dict | None:
    """The payload of a cookie this app signed, or None (absent, edited, or malformed)."""
    if not cookie or cookie.count(".") != 1 or len(cookie) > 4096:
        return None
    body, mac = cookie.split(".")
    wanted = hmac.new(key, body.encode("ascii", "replace"), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(mac), wanted):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _live_account(request: Request, name: str):
    """The account named `name` if it exists and is not revoked (its current role and scope)."""
    from pairaid.ledger.accounts import Account, list_accounts

    store = request.app.state.ledger_source.writer()
    try:
        found = [a for a in list_accounts(store) if a["name"] == name]
    finally:
        store.close()
    if not found or found[0]["revoked_at"] is not None:
        return None
    a = found[0]
    return Account(a["name"], a["role"], a["region"], a["donor"])


def session_of(request: Request) -> Session | None:
    """The request's session (read once per request), or None when not logged in."""
    known = getattr(request.state, "session", _UNREAD)
    if known is not _UNREAD:
        return known
    session = None
    payload = unsign(request.app.state.session_key, request.cookies.get(SESSION_COOKIE))
    if payload and isinstance(payload.get("n"), str) and int(payload.get("e", 0)) > time.time():
        account = _live_account(request, payload["n"])
        if account is not None:
            session = Session(account, str(payload.get("c", "")), int(payload["e"]))
    request.state.session = session
    return session


def start(response, request: Request, account) -> None:
    """Set the session cookie for `account` on `response` (a new CSRF token each login)."""
    expires = int(time.time()) + SESSION_SECONDS
    cookie = sign(request.app.state.session_key,
                  {"n": account.name, "c": secrets.token_urlsafe(32), "e": expires})
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_SECONDS, path="/",
                        httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")


def end(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def login_csrf(request: Request) -> tuple[str, bool]:
    """The login form's CSRF token: the one in its cookie, or a new one (then True: set it)."""
    kept = request.cookies.get(LOGIN_CSRF_COOKIE)
    if kept and 20 <= len(kept) <= 64:
        return kept, False
    return secrets.token_urlsafe(32), True


def set_login_csrf(response, request: Request, token: str) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login", httponly=True,
                        samesite="strict", secure=request.app.state.settings.secure_cookies)


def same_origin(request: Request) -> None:
    """403 for a POST whose Origin (sent by every current browser on a form post) names
    another site than the one it was sent to, or is "null" (a page that hides its origin; the
    dashboard's pages send theirs: Referrer-Policy same-origin)."""
    origin = request.headers.get("origin")
    if origin is None:  # not a browser, or an old one: the CSRF token still decides
        return
    host = request.headers.get("host", "")
    if urlsplit(origin).netloc != host:
        raise HTTPException(status_code=403, detail="cross-site form post refused")


def csrf_matches(expected: str, given: object) -> bool:
    return (isinstance(given, str) and bool(expected)
            and hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8")))
