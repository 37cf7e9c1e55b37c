"""Write tables out (CSV, XLSX, Parquet, JSON) and write import templates.

Exports are flat, with codes rather than ledger ids, in exactly the import format, so that
export then import reproduces the ledger. CSV is UTF-8 with a BOM so Excel shows Chinese names.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from pairaid.atomic import atomic_path, write_text
from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.hygiene import guard_formulas
from pairaid.ingest.tables import TABLES, TableSpec, unknown_table

FORMATS = (".csv", ".xlsx", ".parquet", ".json")


def _format_of(path: Path) -> str:
    if path.is_dir():
        raise ImportValidationError([Problem(str(path), 0, "", "is a folder: give a file name "
                                             f"inside it (such as {path / 'table.csv'})")])
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ImportValidationError([Problem(path.name, 0, "", f"unknown output format '{suffix}': "
                                             f"use one of {', '.join(FORMATS)}")])
    return suffix


def write_frame(frame: pd.DataFrame, path: Path, sheet: str = "data",
                notes: list[str] | None = None) -> Path:
    """Write a table in the format the file name says; `notes` go to a sheet or JSON field.

    Atomically (`pairaid.atomic`): a failure half-way, a full disk included, leaves the previous
    file as it was. CSV cells that a spreadsheet would run as a formula get a leading apostrophe
    (`hygiene.guard_formulas`); the importer takes it off again."""
    path = Path(path)
    suffix = _format_of(path)
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            # CRLF: a \r in a cell gets quoted
            guard_formulas(frame).to_csv(tmp, index=False, encoding="utf-8-sig",
                                         lineterminator="\r\n")
        elif suffix == ".xlsx":
            _write_xlsx(frame, tmp, path, sheet, notes)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            payload = {"columns": list(frame.columns), "rows": json_records(frame)}
            if notes:
                payload["notes"] = notes
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return path


def _write_xlsx(frame: pd.DataFrame, tmp: Path, path: Path, sheet: str,
                notes: list[str] | None) -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=sheet[:31], index=False)
            for row in writer.sheets[sheet[:31]].iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text that begins with '=' is data, not a formula
                        cell.data_type = "s"
                    elif isinstance(cell.value, float) and _loses_digits(cell.value):
                        # openpyxl writes '%.16g' but a double may need 17 digits: give it repr
                        cell._value = repr(float(cell.value))
            if notes:
                pd.DataFrame({"notes": notes}).to_excel(writer, sheet_name="notes", index=False)
    except IllegalCharacterError:
        # a ledger filled before imports refused control characters may hold one
        raise ImportValidationError([Problem(path.name, 0, "", "a text cell holds a control "
                                             "character that XLSX cannot store: export as CSV, "
                                             "Parquet or JSON")]) from None


def _loses_digits(value: float) -> bool:
    return math.isfinite(value) and float("%.16g" % value) != value


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: NaN/NA → null, numpy scalars → Python (floats keep every bit)."""
    def clean(value):
        if value is None or value is pd.NA:
            return None
        if isinstance(value, float) and math.isnan(value):
            return None
        return value.item() if hasattr(value, "item") else value

    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def template_notes(spec: TableSpec) -> list[str]:
    lines = [f"pairaid import template: {spec.name} — {spec.description}.",
             "Replace the example row with your data; keep the header row of column names as it is.",
             "Required columns: " + ", ".join(c.name for c in spec.columns if c.required) + "."]
    for column in spec.columns:
        need = "required" if column.required and not column.nullable else (
            "required column, may be empty" if column.required else "optional")
        choices = f" One of: {', '.join(column.choices)}." if column.choices else ""
        lines.append(f"{column.name} ({column.type}, {need}): {column.description}.{choices}")
    lines += list(spec.extra_notes)
    lines.append("Text files: UTF-8 (with or without BOM) or GB18030. Numbers without units; "
                 "thousands separators (1,234,567) are accepted, decimal commas are not.")
    return lines


def write_template(table: str, path: Path, lang: str = "en") -> Path:
    """A template with the header, one example row and notes explaining each column; `lang`
    "zh" writes Chinese headers, drop-down lists and a notes sheet (`template_zh`)."""
    if table not in TABLES:
        raise unknown_table(table)
    spec = TABLES[table]
    path = Path(path)
    suffix = _format_of(path)
    if lang == "zh":
        from pairaid.ingest.template_zh import write_chinese_template

        if suffix not in (".csv", ".xlsx"):
            raise ImportValidationError([Problem(path.name, 0, "", "the Chinese template is "
                                                 "written as .xlsx or .csv")])
        return write_chinese_template(spec, path)
    example = pd.DataFrame([[c.example for c in spec.columns]], columns=list(spec.column_names))
    notes = template_notes(spec)
    if suffix == ".csv":
        # Notes as leading '#' lines: the importer skips them, a reader of the file sees them.
        body = example.to_csv(index=False, lineterminator="\n")
        text = "".join(f"# {line}\n" for line in notes) + body
        write_text(path, text, encoding="utf-8-sig")
        return path
    return write_frame(example, path, sheet=table, notes=notes)
