"""Import errors: every bad cell as FILE:ROW:COLUMN: reason."""

from __future__ import annotations

from dataclasses import dataclass

#: How many problems a message lists before it gives the count of the rest.
SHOWN_PROBLEMS = 50


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int  # spreadsheet row number: the header is row 1 (0 when the whole file is at fault)
    column: str  # '' when the whole row or file is at fault
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


class ImportValidationError(Exception):
    """The input failed validation; nothing was written. `problems` lists every bad cell.

    An office sheet's import also sets `transformations` (what was changed on the way in before
    it failed) and `mapping` (the automatic rules' guesses, for a mapping file)."""

    transformations: tuple[str, ...] = ()
    mapping = None

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.row, p.column, p.reason))
        super().__init__(self.message())

    def message(self, shown: int = SHOWN_PROBLEMS) -> str:
        lines = [str(p) for p in self.problems[:shown]]
        hidden = len(self.problems) - shown
        if hidden > 0:
            lines.append(f"... and {hidden} more problems ({len(self.problems)} in all)")
        lines.append("Nothing was written to the ledger.")
        return "\n".join(lines)
