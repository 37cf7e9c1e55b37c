"""IATI 2.03: publish the ledger in the aid-transparency standard (`export_iati`), check files
against the official schema and the rules it cannot express (`validate_iati`), and read others'
activity files into the ledger (`import_iati`)."""

from pairaid.ingest.iati.load import IatiImportReport, import_iati

__all__ = ["IatiImportReport", "import_iati"]
