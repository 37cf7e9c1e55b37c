"""IATI 2.03: publish the ledger in the aid-transparency standard (`export_iati` to a file,
`export_iati_bytes` / `iati_chunks` for a web response), check files against the official schema
and the rules it cannot express (`validate_iati`), and read others' activity files into the
ledger (`import_iati`)."""

from pairaid.ingest.iati.export import export_iati, export_iati_bytes, iati_chunks
from pairaid.ingest.iati.importer import import_iati
from pairaid.ingest.iati.report import IatiImportReport

__all__ = ["IatiImportReport", "export_iati", "export_iati_bytes", "iati_chunks", "import_iati"]
