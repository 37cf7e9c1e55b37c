"""Logging in and out of the dashboard with an API token (`pairaid.web.sessions`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from pairaid.web import sessions
from pairaid.web.auth import _client, accounts_module
from pairaid.web.pages.common import language, page
from pairaid.web.words import t

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never //host or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(request: Request, *, error: str | None = None, status_code: int = 200,
               next_path: str | None = None):
    token, new = sessions.login_csrf(request)
    response = page(request, "login.html", {
        "page_id": "login", "login_csrf": token, "login_error": error,
        "next": safe_next(next_path or request.query_params.get("next"))},
        status_code=status_code)
    if new:
        sessions.set_login_csrf(response, request, token)
    return response


@router.get("/login")
def login_form(request: Request):
    return login_page(request)


@router.post("/login")
async def login(request: Request):
    """Check the token once (by its hash), count a failure against the address's limit, and on
    success set the session cookie and go where the visitor was going."""
    sessions.same_origin(request)
    form = await request.form()
    lang = language(request)
    next_path = safe_next(str(form.get("next") or ""))
    if not sessions.csrf_matches(request.cookies.get(sessions.LOGIN_CSRF_COOKIE, ""),
                                 form.get("csrf_token")):
        return await run_in_threadpool(lambda: login_page(
            request, error=t("csrf.failed", lang), status_code=403, next_path=next_path))
    limit = request.app.state.token_failures
    client = _client(request)
    wait = limit.blocked(client)
    if wait:
        return await run_in_threadpool(lambda: login_page(
            request, error=t("login.blocked", lang, seconds=int(wait) + 1), status_code=429,
            next_path=next_path))
    accounts = accounts_module()
    token = str(form.get("token") or "").strip()

    def check():
        store = request.app.state.ledger_source.writer()
        try:
            return accounts.authenticate(store, token)
        finally:
            store.close()

    account = await run_in_threadpool(check)
    if account is None:
        limit.fail(client)
        return await run_in_threadpool(lambda: login_page(
            request, error=t("login.failed", lang), status_code=401, next_path=next_path))
    response = RedirectResponse(next_path, status_code=303)
    sessions.start(response, request, account)
    return response


@router.post("/logout")
async def logout(request: Request):
    sessions.same_origin(request)
    session = await run_in_threadpool(sessions.session_of, request)
    form = await request.form()
    if session is not None and not sessions.csrf_matches(session.csrf, form.get("csrf_token")):
        return page(request, "message.html", {"page_id": "logout",
                                              "message": t("csrf.failed", language(request))},
                    status_code=403)
    response = RedirectResponse("/", status_code=303)
    sessions.end(response)
    return response


def to_login(request: Request) -> RedirectResponse:
    """Send a visitor who is not logged in (or lacks the role) to the login form, and back."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)
