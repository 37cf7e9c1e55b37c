"""GET /api/iati.xml: the ledger as an IATI 2.03 activities file, streamed as it is written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from pairaid.web import auth

router = APIRouter(prefix="/api", tags=["iati"])

#: an IATI organisation identifier: registration agency prefix and code (e.g. XM-PAIRAID, CN-1)
ORG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"


def _chunks(source, reporting_org: str) -> Iterator[bytes]:
    """`iati_chunks` over one read snapshot, kept open until the last chunk is sent (one
    pairing's activities per chunk: the whole document is never in memory)."""
    from pairaid.ingest.iati.export import iati_chunks

    with source.reader() as ledger:
        yield from iati_chunks(ledger.store, reporting_org)


@router.get("/iati.xml", response_class=StreamingResponse, summary="IATI 2.03 export",
            responses={200: {"content": {"application/xml": {}}}})
def iati_export(request: Request, _reader=Depends(auth.reader),
                reporting_org: Annotated[str, Query(pattern=ORG_PATTERN, description=(
                    "The reporting organisation's IATI identifier"))] = "XM-PAIRAID"):
    """The whole ledger as an IATI 2.03 activities document, exactly what `pairaid iati export`
    writes: one activity per pairing and one per project, their transactions and results,
    streamed one pairing at a time."""
    return StreamingResponse(_chunks(request.app.state.ledger_source, reporting_org),
                             media_type="application/xml",
                             headers={"Content-Disposition":
                                      f'attachment; filename="{reporting_org}.xml"'})
