"""What every page shares: the language, the filters, the templates and the page frame."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates

from pairaid.errors import InputError
from pairaid.report.i18n import LANGS
from pairaid.subset import Filters
from pairaid.web.words import t

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
LANG_COOKIE = "pairaid_lang"
FILTER_NAMES = ("prefecture", "donor", "year_from", "year_to", "sector")


def language(request: Request) -> str:
    """?lang=en|zh, else the language cookie, else English."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGS else "en"


def filters_of(request: Request) -> Filters:
    """The filters in the query string (empty fields: no restriction); bad ones raise
    InputError with a message for the page."""
    values = {name: (request.query_params.get(name) or "").strip() or None
              for name in FILTER_NAMES}
    for name in ("year_from", "year_to"):
        if values[name] is not None:
            if not values[name].isdigit():
                raise InputError(f"{name.replace('_', ' ')} '{values[name]}' is not a year")
            values[name] = int(values[name])
    return Filters(**values)


def query_text(request: Request, **changes) -> str:
    """The current query string with `changes` (None removes a key)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return ("?" + urlencode(params)) if params else ""


def filter_query(request: Request) -> str:
    """Only the filters of the current query (kept when moving between pages)."""
    params = {k: v for k, v in request.query_params.items() if k in FILTER_NAMES and v}
    return ("?" + urlencode(params)) if params else ""


def page(request: Request, template: str, context: dict, *, status_code: int = 200):
    """Render `template` with the frame's context; remember the language in a cookie."""
    lang = context.get("lang") or language(request)
    from pairaid.web.sessions import session_of

    session = session_of(request)
    if "synthetic" not in context:  # every page of a demo ledger says so, not only the views
        from pairaid.report.text import word

        synthetic = request.app.state.ledger_source.synthetic()
        context = {**context, "synthetic": synthetic,
                   "banner": word("synthetic_banner", lang) if synthetic else ""}
    frame = {"request": request, "lang": lang, "w": lambda key, **f: t(key, lang, **f),
             "query_text": lambda **c: query_text(request, **c),
             "filter_query": filter_query(request), "session": session,
             "csrf": session.csrf if session else "",
             "pages": list(_nav_pages())}
    response = TEMPLATES.TemplateResponse(request, template, {**frame, **context},
                                          status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax",
                            httponly=True,
                            secure=request.app.state.settings.secure_cookies)
    return response


def _nav_pages():
    from pairaid.web.dashboard import PAGES

    for page_id in PAGES:
        yield page_id, ("/" if page_id == "overview" else f"/{page_id}")


async def signed_form(request: Request, find_session):
    """The preamble of every dashboard form POST: the Origin check, the session (`find_session`,
    run off the event loop; None: not signed in), the form, the page language and whether the
    form's CSRF token is the session's. Returns (session, form, lang, csrf_ok)."""
    from starlette.concurrency import run_in_threadpool

    from pairaid.web import sessions

    sessions.same_origin(request)
    session = await run_in_threadpool(find_session, request)
    if session is None:
        return None, None, language(request), False
    form = await request.form()
    return session, form, language(request), sessions.csrf_matches(session.csrf,
                                                                   form.get("csrf_token"))
