"""What an IATI import did: counts, new rows, skipped transaction types, notes and totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pairaid.ingest.iati import codes as iati_codes


@dataclass
class IatiImportReport:
    files: list[str]
    activities: int = 0
    transactions: int = 0
    flows: int = 0
    projects: int = 0
    outputs: int = 0
    personnel: int = 0
    enterprises: int = 0
    new_regions: int = 0
    new_donors: int = 0
    new_pairings: int = 0
    skipped_types: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    totals: dict[tuple[str, str], float] = field(default_factory=dict)  # (kind, currency) → sum
    dry_run: bool = False

    def to_dict(self) -> dict:
        return {
            "files": self.files, "dry_run": self.dry_run, "activities": self.activities,
            "transactions": self.transactions, "flows": self.flows, "projects": self.projects,
            "outputs": self.outputs, "personnel": self.personnel,
            "enterprises": self.enterprises, "new_regions": self.new_regions,
            "new_donors": self.new_donors, "new_pairings": self.new_pairings,
            "skipped_transaction_types": {iati_codes.transaction_type_name(k): v
                                          for k, v in sorted(self.skipped_types.items())},
            "notes": dict(self.notes),
            "totals": [{"kind": k, "currency": c, "amount": v}
                       for (k, c), v in sorted(self.totals.items())],
        }

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{', '.join(self.files)}: {verb} {self.activities:,} activities → "
                 f"{self.flows:,} flows from {self.transactions:,} transactions, "
                 f"{self.projects:,} projects, {self.outputs:,} outputs"
                 + (f", {self.personnel:,} personnel and {self.enterprises:,} enterprise rows"
                    if self.personnel or self.enterprises else "") + "; new: "
                 f"{self.new_regions:,} regions, {self.new_donors:,} donors, "
                 f"{self.new_pairings:,} pairings"]
        for type_code, count in sorted(self.skipped_types.items()):
            lines.append(f"  skipped {count:,} transactions of type {type_code} "
                         f"({iati_codes.transaction_type_name(type_code)}): not a flow the "
                         "ledger records")
        lines += [f"  {count:,} × {note}" for note, count in self.notes.most_common()]
        return "\n".join(lines)
