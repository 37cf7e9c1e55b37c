"""Data-entry forms (flows, observations): one record posted through the importer's validator.

A form's record goes exactly where an API create or `pairaid import` goes: `ingest.import_frames`
validates it and writes it in one transaction, so the messages are the importer's, shown next to
the field they name, and nothing is written when any field is wrong. Writes need a session of an
editor (within their region or donor), approver or admin, and the session's CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from pairaid.ingest.tables import TABLES, ColumnSpec
from pairaid.web import sessions
from pairaid.web.auth import WRITE_ROLES, accounts_module
from pairaid.web.pages.account import to_login
from pairaid.web.pages.common import language, page, signed_form
from pairaid.web.words import t

router = APIRouter(include_in_schema=False)

#: the tables with a data-entry form (records an office enters one at a time)
FORM_TABLES = ("flows", "observations")
#: a referenced table's codes offered as suggestions (the field still takes any text: the
#: validator says when a code is unknown)
_SUGGESTED = {"donors": ("donors", "code"), "regions": ("regions", "code"),
              "indicators": ("indicators", "code"), "projects": ("projects", "code")}


@dataclass(frozen=True)
class Field:
    """One input of a form: the column, its label in the page's language, its choices."""

    column: ColumnSpec
    label: str
    hint: str
    choices: tuple[str, ...]
    suggestions: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return self.column.name

    @property
    def required(self) -> bool:
        return self.column.required and not self.column.nullable


def fields(request: Request, table: str, lang: str) -> list[Field]:
    from pairaid.ingest.aliases import chinese_header

    spec = TABLES[table]
    wanted = {c.references for c in spec.columns if c.references in _SUGGESTED}
    with request.app.state.ledger_source.reader() as ledger:
        frames = {name: ledger.table(name) for name in wanted}
    out = []
    for column in spec.columns:
        suggestions: tuple = ()
        if column.references in frames:
            frame = frames[column.references]
            shown = _names(frame, lang)
            suggestions = tuple(zip(frame["code"].astype(str), shown))
        label = chinese_header(table, column.name) if lang == "zh" else column.name
        out.append(Field(column, label, column.description if lang == "en" else column.name,
                         column.choices, suggestions))
    return out


def _names(frame: pd.DataFrame, lang: str) -> list[str]:
    for wanted in (("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")):
        if wanted in frame:
            other = "name_en" if wanted == "name_zh" else "name_zh"
            names = frame[wanted]
            if other in frame:
                names = names.fillna(frame[other])
            return names.fillna(frame["code"]).astype(str).tolist()
    return frame["code"].astype(str).tolist()


def _writer_session(request: Request):
    session = sessions.session_of(request)
    if session is None or session.role not in WRITE_ROLES:
        return None
    return session


def _form_page(request: Request, table: str, *, values: dict | None = None,
               errors: dict | None = None, general: list[str] | None = None,
               status_code: int = 200):
    lang = language(request)
    return page(request, "enter.html", {
        "page_id": "enter", "table": table, "tables": FORM_TABLES,
        "fields": fields(request, table, lang), "values": values or {},
        "errors": errors or {}, "general": general or [],
        "saved": request.query_params.get("saved") == "1" and not errors and not general},
        status_code=status_code)


def _register(table: str) -> None:
    def show(request: Request):
        if _writer_session(request) is None:
            return to_login(request)
        return _form_page(request, table)

    async def submit(request: Request):
        session, form, lang, csrf_ok = await signed_form(request, _writer_session)
        if session is None:
            return to_login(request)
        if not csrf_ok:
            return await run_in_threadpool(lambda: _form_page(
                request, table, general=[t("csrf.failed", lang)], status_code=403))
        spec = TABLES[table]
        values = {c: str(form.get(c) or "").strip() for c in spec.column_names}
        return await run_in_threadpool(_save, request, table, session, values, lang)

    show.__name__ = f"enter_{table}_form"
    submit.__name__ = f"enter_{table}"
    router.add_api_route(f"/enter/{table}", show, methods=["GET"])
    router.add_api_route(f"/enter/{table}", submit, methods=["POST"])


def _save(request: Request, table: str, session, values: dict, lang: str):
    """Validate and write the record (or show why not, writing nothing)."""
    from pairaid.ingest import import_frames
    from pairaid.ingest.errors import ImportValidationError
    from pairaid.ingest.read import ROW
    from pairaid.web.tables import FIRST_RECORD, write_options

    row = {c: (v if v != "" else None) for c, v in values.items()}
    if not accounts_module().may_write(session.account, table, row):
        scope = ", ".join(f"{k} {v}" for k, v in (("region", session.account.region),
                                                  ("donor", session.account.donor)) if v)
        return _form_page(request, table, values=values, status_code=403,
                          general=[t("form.outside_scope", lang, name=session.name,
                                     scope=scope)])
    frame = pd.DataFrame([row]).assign(**{ROW: [FIRST_RECORD]})
    store = request.app.state.ledger_source.writer()
    try:
        import_frames(store, {table: frame}, mode="append", labels={table: "form"},
                      **write_options(import_frames, session.account))
    except ImportValidationError as exc:
        errors: dict[str, list[str]] = {}
        general = []
        for problem in exc.problems:
            if problem.column in values:
                errors.setdefault(problem.column, []).append(problem.reason)
            else:
                general.append(f"{problem.column}: {problem.reason}" if problem.column
                               else problem.reason)
        return _form_page(request, table, values=values, errors=errors, general=general,
                          status_code=422)
    finally:
        store.close()
    request.app.state.analytics.forget()
    request.app.state.dashboard.changed()
    return RedirectResponse(f"/enter/{table}?saved=1", status_code=303)


for _table in FORM_TABLES:
    _register(_table)
