"""The approval queue (approvers approve or return drafts with a comment) and each record's
history (its journal entries), as pages. The work is the ledger's (`ledger.approval`,
`ledger.journal_read.history`); nothing here writes SQL or decides who may approve."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from pairaid.ingest.tables import TABLES
from pairaid.web import sessions
from pairaid.web.auth import APPROVE_ROLES
from pairaid.web.pages.account import to_login
from pairaid.web.pages.common import language, page, signed_form
from pairaid.web.tables import key_columns
from pairaid.web.words import t

router = APIRouter(include_in_schema=False)
#: columns of a journal state that say which entry wrote the row, not what the row says
_BOOKKEEPING = ("journal_seq",)
#: the queue shows at most this many records per table (the CLI's `approve --list` shows all)
SHOWN = 200


def record_key(table: str, record: dict) -> dict:
    """A record's natural key in import names (with `round`, which tells overlapping rounds
    apart), from a row in import format; empty cells left out."""
    return {c: record[c] for c in key_columns(TABLES[table])
            if record.get(c) is not None and record.get(c) != ""}


def history_href(table: str, key: dict) -> str:
    return f"/history/{table}?" + urlencode({k: _text(v) for k, v in key.items()})


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _queue(request: Request) -> list[dict]:
    """Every record table's pending records (drafts and returned ones), as the page shows them."""
    from pairaid.jsonable import records
    from pairaid.ledger.accounts import RECORD_TABLES
    from pairaid.ledger.approval import pending

    store = request.app.state.ledger_source.writer()
    try:
        frames = {name: pending(store, name) for name in RECORD_TABLES}
    finally:
        store.close()
    out = []
    for name, frame in frames.items():
        if frame.empty:
            continue
        columns = [c for c in TABLES[name].column_names if c in frame]
        rows = []
        for record in records(frame.head(SHOWN)):
            key = record_key(name, record)
            cells = [(c, _text(record[c])) for c in columns if record.get(c) not in (None, "")]
            rows.append({"record": record, "cells": cells, "history": history_href(name, key),
                         "key": {k: _text(v) for k, v in key.items()}})
        out.append({"table": name, "rows": rows, "total": len(frame)})
    return out


def _queue_page(request: Request, *, error: str | None = None, status_code: int = 200):
    done = request.query_params.get("done")
    return page(request, "approvals.html", {
        "page_id": "approvals", "queue": _queue(request), "error": error,
        "done": done if done in ("approve", "return") else None}, status_code=status_code)


def _approver(request: Request):
    session = sessions.session_of(request)
    return session if session is not None and session.role in APPROVE_ROLES else None


@router.get("/approvals")
def approvals(request: Request):
    if _approver(request) is None:
        return to_login(request)
    return _queue_page(request)


@router.post("/approvals/{table}")
async def decide(request: Request, table: str):
    """Approve or return one record (the form's key fields name it) with the form's comment."""
    session, form, lang, csrf_ok = await signed_form(request, _approver)
    if session is None:
        return to_login(request)
    if not csrf_ok:
        return await run_in_threadpool(lambda: _queue_page(
            request, error=t("csrf.failed", lang), status_code=403))
    action = form.get("action")
    if table not in TABLES or action not in ("approve", "return"):
        return await run_in_threadpool(lambda: _queue_page(
            request, error=t("queue.bad_request", lang), status_code=422))
    key = {c: str(form.get(f"key.{c}")) for c in key_columns(TABLES[table])
           if form.get(f"key.{c}") not in (None, "")}
    comment = str(form.get("comment") or "").strip() or None
    return await run_in_threadpool(_decide, request, session, table, action, key, comment)


def _decide(request: Request, session, table: str, action: str, key: dict,
            comment: str | None):
    from pairaid.ledger.approval import approve_records, return_records
    from pairaid.ledger.journal import JournalError

    store = request.app.state.ledger_source.writer()
    try:
        if action == "approve":
            approve_records(store, table, [key], actor=session.account, comment=comment)
        else:
            return_records(store, table, [key], actor=session.account, comment=comment or "")
    except JournalError as exc:
        return _queue_page(request, error=str(exc), status_code=422)
    finally:
        store.close()
    request.app.state.analytics.forget()
    request.app.state.dashboard.changed()
    return RedirectResponse(f"/approvals?done={action}", status_code=303)


@router.get("/history/{table}")
def record_history(request: Request, table: str):
    """Every journal entry that wrote the record the query's key names, oldest first."""
    from pairaid.ledger.approval import key_from_import
    from pairaid.ledger.journal import JournalError
    from pairaid.ledger.journal_read import history

    from pairaid.ledger.accounts import may_read_history

    session = sessions.session_of(request)
    if session is None:  # even where reads are public: the journal names people, holds drafts
        return to_login(request)
    lang = language(request)
    if table not in TABLES:
        return page(request, "message.html", {"page_id": "history",
                                              "message": t("not_found", lang)}, status_code=404)
    given = {c: v for c, v in request.query_params.items()
             if c in key_columns(TABLES[table]) and v != ""}
    if not may_read_history(session.account, table, given):
        return page(request, "message.html", {"page_id": "history",
                                              "message": t("history.refused", lang)},
                    status_code=403)
    store = request.app.state.ledger_source.writer()
    try:
        entries = history(store, table, key_from_import(store, table, given))
    except JournalError as exc:
        return page(request, "message.html", {"page_id": "history", "message": str(exc)},
                    status_code=404)
    finally:
        store.close()
    shown_key = ", ".join(f"{k}={v}" for k, v in given.items())
    for entry in entries:
        entry["changes"] = _changes(entry.get("before"), entry.get("after"))
    return page(request, "history.html", {"page_id": "history", "table": table,
                                          "shown_key": shown_key, "entries": entries})


def _changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(column, before, after) for the columns an entry changed (all of them for an insert or
    a delete; none for an approval that changed only the state)."""
    before, after = before or {}, after or {}
    out = []
    for column in dict.fromkeys([*before, *after]):
        if column in _BOOKKEEPING:
            continue
        old, new = before.get(column), after.get(column)
        if old != new:
            out.append((column, "" if old is None else str(old), "" if new is None else str(new)))
    return out

