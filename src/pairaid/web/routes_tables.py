"""REST routes for every ledger table: list, get, create, update, delete, import, download.

    GET    /api/tables/{table}                 list: ?COLUMN=value filters, sort, limit, offset
    POST   /api/tables/{table}                 create one row (JSON body)          [editor]
    GET    /api/tables/{table}/record?KEY      the row its natural key names
    PUT    /api/tables/{table}/record?KEY      replace that row (JSON body)        [editor]
    DELETE /api/tables/{table}/record?KEY      delete it                           [editor]
    POST   /api/tables/{table}/import          a CSV/XLSX/JSON file, as `pairaid import` [editor]
    GET    /api/tables/{table}/download        ?format=csv|xlsx|json, as `pairaid export`
    GET    /api/tables/{table}/history?KEY     the row's journal entries (`pairaid journal show`)
                                               [editor of the record, approver, admin]

The routes are made per table, so the OpenAPI schema names each table's columns and key.
"""

from __future__ import annotations

import inspect
import tempfile
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from pairaid.ingest.tables import TABLE_ORDER, TABLES, TableSpec
from pairaid.web import auth
from pairaid.web.deps import read_ledger
from pairaid.web.tables import (FIRST_RECORD, REFUSALS, ROW_MODELS, ImportDone, Page, Written,
                                key_columns, one_record, optional_key, match, with_signature,
                                write_options)

router = APIRouter(prefix="/api/tables", responses=REFUSALS)
#: every table's list route, included ahead of `router` (`web.rest`): FastAPI tries a request
#: against each route in order, and a dashboard's reads are mostly list pages, which then meet
#: at most 14 routes instead of up to 112 (~0.2 ms of CPU a request, bench/web.py)
lists = APIRouter(prefix="/api/tables", responses=REFUSALS)

#: a page holds at most this many rows (a whole table is a download)
MAX_LIMIT = 1000
#: the files `import` reads (as `pairaid import`); the suffix decides the reader
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".json", ".parquet")
DOWNLOADS = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "json": "application/json"}


def _query(name: str, required: bool, description: str) -> inspect.Parameter:
    default = Query(... if required else None, description=description)
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=str if required else str | None)


def _fixed(name: str, annotation, default) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


def _request() -> inspect.Parameter:
    return inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)


def _key_parameters(spec: TableSpec) -> list[inspect.Parameter]:
    return [_query(c, not optional_key(spec, c), spec.column(c).description)
            for c in key_columns(spec)]


def _key(spec: TableSpec, given: dict) -> dict[str, object]:
    """The natural key as given (an empty `ref` is a key value: missing), and `round` only
    when given (it picks one of two overlapping rounds)."""
    key = {c: given.get(c) for c in spec.natural_key}
    key.update({c: given[c] for c in key_columns(spec)
                if c not in spec.natural_key and given.get(c) is not None})
    return key


def _rows(frame: pd.DataFrame) -> list[dict]:
    from pairaid.jsonable import records

    return records(frame)


def _add_table(spec: TableSpec) -> None:
    name = spec.name
    Row = ROW_MODELS[name]
    reader = Depends(auth.reader)
    writer = Depends(auth.writer)
    ledger_dep = Depends(read_ledger)

    # -- list ---------------------------------------------------------------------------------
    async def list_rows(**given) -> Response:
        # async: a page kept by ledger state is answered on the event loop (no thread hop);
        # anything that reads the ledger (a token's check for drafts, a page not kept) runs in
        # a worker thread, as a plain route's body does
        request = given["request"]
        if not given["drafts"]:
            kept = request.app.state.analytics.kept(
                request.app.state.ledger_source, f"page:{name}", _page_params(given, False, None))
            if kept is not None:
                return Response(kept, media_type="application/json")
        return await run_in_threadpool(list_page, **given)

    def _page_params(given: dict, drafts: bool, scope) -> dict:
        _check_sort(given["sort"])
        return {"drafts": drafts, "scope": scope, "limit": given["limit"],
                "offset": given["offset"], "sort": given["sort"], **_filters(given)}

    def _filters(given: dict) -> dict:
        return {c: v for c, v in given.items() if c in spec.column_names and v is not None}

    def _check_sort(sort) -> None:
        if sort and sort.lstrip("-") not in spec.column_names:
            raise HTTPException(status_code=422, detail=f"sort: {name} has no column "
                                f"{sort.lstrip('-')!r} (columns: {', '.join(spec.column_names)})")

    def list_page(**given) -> Response:
        request = given.pop("request")
        drafts, scope = _drafts(request, spec, given["drafts"])
        limit, offset, sort = given["limit"], given["offset"], given["sort"]
        filters = _filters(given)
        params = _page_params(given, drafts, scope)

        def page(_ledger) -> bytes:
            frame = _table(request, name, drafts, scope)
            frame = frame[match(frame, filters)] if filters else frame
            if sort:
                frame = frame.sort_values(sort.lstrip("-"), ascending=not sort.startswith("-"),
                                          kind="stable", na_position="last")
            return Page(table=name, total=len(frame), limit=limit, offset=offset,
                        rows=_rows(frame.iloc[offset:offset + limit])).model_dump_json().encode()

        # pages are kept too (a dashboard's readers ask for the same ones): by ledger state and
        # every parameter
        body = request.app.state.analytics.get(request.app.state.ledger_source, f"page:{name}",
                                               params, page)
        return Response(body, media_type="application/json")

    list_rows.__doc__ = (f"{spec.description}: rows matching every COLUMN=value filter (a "
                         f"number as written; empty matches a missing cell), sorted by `sort` "
                         f"(`-column` descending), a page of `limit` from `offset`.")
    lists.add_api_route(f"/{name}", with_signature(list_rows, [
        _request(), _fixed("_reader", object, reader),
        _fixed("drafts", Annotated[bool, Query(description=(
            "Include drafts and returned records (needs an editor's, approver's or admin's "
            "token); without it, approved records only, as the analytics count them"))], False),
        _fixed("limit", Annotated[int, Query(ge=1, le=MAX_LIMIT)], 100),
        _fixed("offset", Annotated[int, Query(ge=0)], 0),
        _fixed("sort", Annotated[str | None, Query(description="Column to sort by; "
                                                   "-column for descending")], None),
        *[_query(c.name, False, f"Filter: {c.description}") for c in spec.columns]]),
        methods=["GET"], response_model=Page, tags=[name], name=f"list_{name}",
        summary=f"List {name}")

    # -- get ------------------------------------------------------------------------------------
    def get_row(**given) -> dict:
        request = given.pop("request")
        key = _key(spec, given)
        try:
            return _rows(one_record(_table(request, name), spec, key))[0]
        except HTTPException as absent:  # not approved: a draft its writer may see
            account = auth.account_of(request, required=False) if absent.status_code == 404 \
                else None
            if account is None:
                raise
            return _rows(_current(request, spec, key, account))[0]

    get_row.__doc__ = (f"The {name} row its natural key ({', '.join(spec.natural_key)}) names: "
                       f"an approved one, or, with a token, a draft or returned record the "
                       f"account may write (an editor's within their region or donor; an "
                       f"approver's or admin's any).")
    router.add_api_route(f"/{name}/record", with_signature(get_row, [
        _request(), _fixed("_reader", object, reader),
        *_key_parameters(spec)]), methods=["GET"], response_model=dict, tags=[name],
        name=f"get_{name}", summary=f"Get one {name} row")

    # -- history --------------------------------------------------------------------------------
    def row_history(**given) -> list[dict]:
        return _history(given.pop("request"), name, _key(spec, given))

    row_history.__doc__ = (f"Every journal entry that wrote the {name} row its key names, "
                           f"oldest first (`pairaid journal show {name}`): who, when, what, "
                           f"before and after, the entry's hash. Needs a token of an approver, "
                           f"an admin, or an editor who may write the record, even when reads "
                           f"are public (the journal names people and holds drafts).")
    router.add_api_route(f"/{name}/history", with_signature(row_history, [
        _request(), *_key_parameters(spec)]),
        methods=["GET"], response_model=list[dict], tags=[name], name=f"history_{name}",
        summary=f"History of a {name} row")

    # -- create ---------------------------------------------------------------------------------
    def create_row(**given) -> Written:
        request, account, body = given["request"], given["account"], given["body"]
        row = body.model_dump(exclude_unset=True)
        auth.permit(account, name, [row])
        report = _write(request, name, pd.DataFrame([row]), "append", account)
        return Written(table=name, new=report.new, updated=report.updated,
                       unchanged=report.unchanged, rows=[row])

    create_row.__doc__ = (f"Add one {name} row. It is validated as `pairaid import` validates "
                          f"a file (the same messages: row, column, reason); nothing is written "
                          f"when any cell is wrong.")
    router.add_api_route(f"/{name}", with_signature(create_row, [
        _request(), _fixed("account", object, writer),
        _fixed("body", Row, inspect.Parameter.empty)]), methods=["POST"], status_code=201,
        response_model=Written, tags=[name], name=f"create_{name}", summary=f"Create a {name} row")

    # -- update ---------------------------------------------------------------------------------
    def update_row(**given) -> Written:
        request, account, body = given.pop("request"), given.pop("account"), given.pop("body")
        key = _key(spec, given)
        current = _current(request, spec, key, account)
        row = {**{c: v for c, v in key.items() if c in spec.natural_key},
               **body.model_dump(exclude_unset=True)}
        changed = [c for c in spec.natural_key if c in row and
                   not match(current, {c: row[c]}).all()]
        if changed:
            raise HTTPException(status_code=422, detail=f"{', '.join(changed)}: the key of a "
                                f"row cannot change (delete it and create the new one); nothing "
                                f"was written")
        auth.permit(account, name, _rows(current) + [row])
        report = _write(request, name, pd.DataFrame([row]), "upsert", account)
        return Written(table=name, new=report.new, updated=report.updated,
                       unchanged=report.unchanged, rows=[row])

    update_row.__doc__ = (f"Replace the {name} row the key names with the body (columns left "
                          f"out keep no value unless they are key columns); validated as an "
                          f"upsert import.")
    router.add_api_route(f"/{name}/record", with_signature(update_row, [
        _request(), _fixed("account", object, writer),
        _fixed("body", Row, inspect.Parameter.empty), *_key_parameters(spec)]),
        methods=["PUT"], response_model=Written, tags=[name], name=f"update_{name}",
        summary=f"Update a {name} row")

    # -- delete ---------------------------------------------------------------------------------
    def delete_row(**given) -> Written:
        request, account = given.pop("request"), given.pop("account")
        key = _key(spec, given)
        current = _current(request, spec, key, account)
        auth.permit(account, name, _rows(current))
        deleted = _delete(request, name, key, account)
        return Written(table=name, new=0, updated=0, deleted=deleted, rows=_rows(current))

    delete_row.__doc__ = (f"Delete the {name} row the key names, as `pairaid delete --where` "
                          f"does (a row other rows still refer to is not deleted: 409).")
    router.add_api_route(f"/{name}/record", with_signature(delete_row, [
        _request(), _fixed("account", object, writer), *_key_parameters(spec)]),
        methods=["DELETE"], response_model=Written, tags=[name], name=f"delete_{name}",
        summary=f"Delete a {name} row")

    # -- import ---------------------------------------------------------------------------------
    def import_rows(**given) -> dict:
        return _import(given["request"], name, given["account"], given["file"],
                       given["mode"], given["dry_run"], given["sheet"], given["header_row"],
                       given["amount_unit"])

    import_rows.__doc__ = (f"Import a file of {name} rows exactly as `pairaid import {name}` "
                           f"does: office sheets (Chinese headers, names, 万元, title and total "
                           f"rows) included; every change made is listed; nothing is written "
                           f"on any problem.")
    router.add_api_route(f"/{name}/import", with_signature(import_rows, [
        _request(), _fixed("account", object, writer),
        _fixed("file", UploadFile, File(..., description="CSV (UTF-8 or GB18030), XLSX, JSON "
                                                         "or Parquet")),
        _fixed("mode", Literal["append", "upsert"], Form("append")),
        _fixed("dry_run", bool, Form(False)),
        _fixed("sheet", str | None, Form(None)),
        _fixed("header_row", Annotated[int | None, Form(ge=1)], None),
        _fixed("amount_unit", str | None, Form(None))]),
        methods=["POST"], response_model=ImportDone, tags=[name], name=f"import_{name}",
        summary=f"Import a file of {name}")

    # -- download -------------------------------------------------------------------------------
    def download(**given) -> Response:
        return _download(given["ledger"], name, given["format"])

    download.__doc__ = (f"The whole {name} table in its import format, as `pairaid export` "
                        f"writes it (CSV with formula guards, XLSX, or JSON).")
    router.add_api_route(f"/{name}/download", with_signature(download, [
        _fixed("ledger", object, ledger_dep), _fixed("_reader", object, reader),
        _fixed("format", Literal["csv", "xlsx", "json"], Query("csv"))]),
        methods=["GET"], response_class=Response, tags=[name], name=f"download_{name}",
        summary=f"Download {name}",
        responses={200: {"content": {t: {} for t in DOWNLOADS.values()}}})


def _table(request: Request, name: str, drafts: bool = False,
           scope: tuple | None = None) -> pd.DataFrame:
    """The whole table as read for this ledger state (approved records only unless `drafts`),
    kept by fingerprint with the analytics (`web.cache`): reading the demo's 24,000 flows takes
    about a second, a page of them from the kept frame milliseconds. The frame is shared between
    requests: never changed in place."""
    def read(ledger) -> pd.DataFrame:
        if not drafts:
            return ledger.table(name)
        every = ledger.store.read_table(name, drafts=True)
        return every if scope is None else _within(ledger.store, name, every, scope)

    return request.app.state.analytics.get(
        request.app.state.ledger_source, f"table:{name}", {"drafts": drafts, "scope": scope},
        read)


def _within(store, name: str, every: pd.DataFrame, scope: tuple) -> pd.DataFrame:
    """`every` row of a table less the records awaiting approval that an editor limited to
    `scope` (region, donor) may not write: those are not yet the office's, nor theirs."""
    from pairaid.ledger.accounts import Account, may_write
    from pairaid.ledger.approval import pending

    queue = pending(store, name)
    if queue.empty:
        return every
    editor = Account("scope", "editor", *scope)
    columns = list(key_columns(TABLES[name]))
    hidden = {_key_text(row[c] for c in columns) for row in queue.to_dict("records")
              if not may_write(editor, name, row)}
    if not hidden:
        return every
    keep = [_key_text(values) not in hidden for values in every[columns].itertuples(index=False)]
    return every[keep]


def _key_text(values) -> tuple:
    return tuple("" if v is None or (not isinstance(v, str) and pd.isna(v)) else
                 str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
                 for v in values)


def _drafts(request: Request, spec: TableSpec, drafts: bool) -> tuple[bool, tuple | None]:
    """Drafts are shown to writers only (401/403 otherwise): they are not yet the office's. An
    editor limited to a region or donor sees the drafts within it (the scope returned)."""
    if drafts:
        account = auth.account_of(request)
        if account.role not in auth.WRITE_ROLES:
            raise HTTPException(status_code=403, detail=f"{account.name} is a {account.role}: "
                                f"drafts are shown to editors, approvers and admins")
        limited = account.role == "editor" and (account.region or account.donor)
        return True, (account.region, account.donor) if limited else None
    return False, None


def _history(request: Request, name: str, key: dict) -> list[dict]:
    """A record's journal entries, for an account that may read them (401 without a token, 403
    for viewers and editors outside their region or donor: `accounts.may_read_history`)."""
    from pairaid.ledger.approval import key_from_import
    from pairaid.ledger.journal_read import history

    account = auth.account_of(request)
    if not auth.accounts_module().may_read_history(account, name, key):
        raise HTTPException(status_code=403, detail=f"{account.name} is a {account.role}"
                            + (" outside this record's region or donor" if account.role ==
                               "editor" else "") + ": a record's history (who wrote what, "
                            "drafts included) is shown to its editors, approvers and admins")

    store = request.app.state.ledger_source.writer()
    try:
        return history(store, name, key_from_import(store, name, key))
    finally:
        store.close()


def _current(request: Request, spec: TableSpec, key: dict, account) -> pd.DataFrame:
    """The row the key names, read from a fresh snapshot (404/409 as `one_record`): an
    approved one, or a draft or returned record `account` may write (`accounts.may_write`: an
    editor's own region or donor, any for approvers and admins). Anyone else is told there is
    no such row: records awaiting approval are not yet the office's."""
    with request.app.state.ledger_source.reader() as ledger:
        try:
            return one_record(ledger.table(spec.name), spec, key)
        except HTTPException as absent:
            if absent.status_code != 404 or account is None:
                raise
            found = one_record(ledger.store.read_table(spec.name, drafts=True), spec, key)
            if not auth.accounts_module().may_write(account, spec.name, _rows(found)[0]):
                raise absent from None
            return found


def _write(request: Request, name: str, frame: pd.DataFrame, mode: str, account):
    """One validated write through `ingest.import_frames` (one transaction; nothing written on
    any problem), the records numbered from 1."""
    from pairaid.ingest import import_frames
    from pairaid.ingest.read import ROW

    source = request.app.state.ledger_source
    store = source.writer()
    try:
        frame = frame.assign(**{ROW: range(FIRST_RECORD, FIRST_RECORD + len(frame))})
        report = import_frames(store, {name: frame}, mode=mode, labels={name: "request"},
                               **write_options(import_frames, account))[0]
    finally:
        store.close()
    request.app.state.analytics.forget()
    return report


def _delete(request: Request, name: str, key: dict, account) -> int:
    from pairaid.ledger.corrections import delete_rows

    conditions = [f"{c}={'' if v is None else v}" for c, v in key.items()]
    store = request.app.state.ledger_source.writer()
    try:
        result = delete_rows(store, name, conditions, **write_options(delete_rows, account))
    finally:
        store.close()
    request.app.state.analytics.forget()
    return result.count


def _import(request: Request, name: str, account, upload: UploadFile, mode: str,
            dry_run: bool, sheet: str | None, header_row: int | None,
            amount_unit: str | None) -> dict:
    from pairaid.ingest import OfficeOptions, import_file

    file_name = Path(upload.filename or f"{name}.csv").name
    suffix = Path(file_name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise HTTPException(status_code=422, detail=f"{file_name}: send a "
                            f"{', '.join(UPLOAD_SUFFIXES)} file; nothing was written")
    store = request.app.state.ledger_source.writer()
    # the file keeps its name inside a private folder, so the problems name it as the user
    # knows it (flows.xlsx:5:amount: ...), as the CLI's do
    with tempfile.TemporaryDirectory(prefix="pairaid-upload-") as folder:
        path = Path(folder) / file_name
        with path.open("wb") as sink:
            while chunk := upload.file.read(1 << 20):
                sink.write(chunk)
        try:
            report = import_file(store, name, path, mode=mode, dry_run=dry_run,
                                 options=OfficeOptions(sheet, header_row, amount_unit),
                                 authorise=lambda rows: auth.permit(account, name, _rows(rows.drop(
                                     columns=[c for c in rows if c.startswith('_')]))),
                                 **write_options(import_file, account))
        finally:
            store.close()
    if not dry_run:
        request.app.state.analytics.forget()
    return report.to_dict()


def _download(ledger, name: str, format: str) -> Response:  # noqa: A002
    from pairaid.ingest.export import write_frame

    frame = ledger.table(name)
    with tempfile.TemporaryDirectory(prefix="pairaid-download-") as folder:
        path = write_frame(frame, Path(folder) / f"{name}.{format}", sheet=name)
        content = path.read_bytes()
    return Response(content, media_type=DOWNLOADS[format], headers={
        "Content-Disposition": f'attachment; filename="{name}.{format}"'})


for _name in TABLE_ORDER:
    _add_table(TABLES[_name])
