"""Approval and history over the API (issue 15 items 3-4): the queue, approve, return, and the
journal entries of one record. The ledger does the work (`ledger.approval`,
`ledger.journal_read.history`); these routes check the token's role and translate.

    GET  /api/approvals/{table}                  drafts and returned records    [editor]
    POST /api/approvals/{table}/approve          {keys | all_drafts, comment}   [approver]
    POST /api/approvals/{table}/return           {keys, comment}                [approver]
    GET  /api/tables/{table}/history?KEY         journal entries, oldest first  [editor]
    GET  /api/journal/head                       the chain's head (the anchor)  (public)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from pairaid.ledger.accounts import RECORD_TABLES
from pairaid.web import auth
from pairaid.web.tables import REFUSALS, Cell

router = APIRouter(prefix="/api", tags=["approval"], responses=REFUSALS)

RecordTable = Annotated[Literal[RECORD_TABLES], Path(description="A record table (drafts are "
                                                                   "approved record by record)")]


class Keys(BaseModel):
    """The records to decide on, each by its natural key in import names (as the list shows
    them: a flow by donor, recipient, year, kind, sector, ref and, when rounds overlap, round)."""

    model_config = ConfigDict(extra="forbid")
    keys: list[dict[str, Cell]] = Field(default_factory=list, max_length=10_000)
    comment: str | None = Field(None, max_length=2000)


class ApproveRequest(Keys):
    all_drafts: bool = Field(False, description="Approve every pending record of the table")


class ReturnRequest(Keys):
    comment: str = Field(..., min_length=1, max_length=2000,
                         description="What the author should fix (required)")


class Decision(BaseModel):
    """What an approval or return did (`pairaid approve --json`)."""

    table: str
    action: str
    records: int
    journal_entries: int
    comment: str | None


class Pending(BaseModel):
    table: str
    total: int
    rows: list[dict[str, Any]]


def _check(account, table: str) -> None:
    from pairaid.ledger.accounts import may_approve

    if not may_approve(account, table):
        raise HTTPException(status_code=403, detail=f"{account.name} may not approve {table}")


def _decided(request: Request, result) -> dict:
    request.app.state.analytics.forget()
    request.app.state.dashboard.changed()
    return result.to_dict()


@router.get("/approvals/{table}", response_model=Pending, summary="Approval queue")
def pending_records(request: Request, table: RecordTable, account=Depends(auth.writer)):
    """The table's drafts and returned records, with who last wrote each and when (an editor's:
    those within their region or donor)."""
    from pairaid.jsonable import records
    from pairaid.ledger.accounts import may_write
    from pairaid.ledger.approval import pending

    store = request.app.state.ledger_source.writer()
    try:
        frame = pending(store, table)
    finally:
        store.close()
    rows = records(frame)
    if account.role == "editor":
        rows = [row for row in rows if may_write(account, table, row)]
    return Pending(table=table, total=len(rows), rows=rows)


@router.post("/approvals/{table}/approve", response_model=Decision, summary="Approve drafts")
def approve(request: Request, table: RecordTable, body: Annotated[ApproveRequest, Body()],
            account=Depends(auth.approver)):
    """Approve the named drafts (or every one with `all_drafts`): they count in the analytics
    from now on. One journal entry per record, with the comment."""
    from pairaid.ledger.approval import approve_records

    _check(account, table)
    store = request.app.state.ledger_source.writer()
    try:
        result = approve_records(store, table, body.keys or None, actor=account,
                                 comment=body.comment, all_drafts=body.all_drafts)
    finally:
        store.close()
    return _decided(request, result)


@router.post("/approvals/{table}/return", response_model=Decision, summary="Return drafts")
def return_(request: Request, table: RecordTable, body: Annotated[ReturnRequest, Body()],
            account=Depends(auth.approver)):
    """Return the named records to their authors with a comment saying what to fix."""
    from pairaid.ledger.approval import return_records

    _check(account, table)
    if not body.keys:
        raise HTTPException(status_code=422, detail="name the records to return (keys)")
    store = request.app.state.ledger_source.writer()
    try:
        result = return_records(store, table, body.keys, actor=account, comment=body.comment)
    finally:
        store.close()
    return _decided(request, result)


@router.get("/journal/head", summary="The journal's head (anchor)")
def journal_head(request: Request, _reader=Depends(auth.reader)) -> dict:
    """The chain's newest entry: `seq`, `hash`, `at` and `anchor` ("SEQ:HASH", what `pairaid
    journal verify --anchor` checks). Readable wherever reads are: an outside party keeps it to
    hold the office to its history; the entries themselves are for the office's writers."""
    from pairaid.ledger.journal_read import head

    store = request.app.state.ledger_source.writer()
    try:
        return head(store).to_dict()
    finally:
        store.close()
