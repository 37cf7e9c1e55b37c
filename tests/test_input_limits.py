"""Issue 13, files in: bounded readers (size, sheet extent, rows, columns, cell length, JSON
depth), control characters refused and never echoed raw, the CSV formula guard."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from helpers import load_mini
from pairaid.cli.main import app
from pairaid.ingest import ImportValidationError, import_file, limits
from pairaid.ingest.hygiene import guard_formulas, printable, unguard_formulas
from pairaid.ingest.read import read_table_file
from pairaid.ingest.tables import TABLES
from pairaid.ledger import Store

runner = CliRunner()
FLOW_HEADER = ["donor", "recipient", "year", "kind", "amount", "currency", "sector"]
FLOW_ROW = ["BJ", "653201", 2016, "disbursement", 5.0, "CNY", "31120"]


def _far_cell_workbook(path: Path) -> Path:
    """A few KB: a header, one row, and one cell at XFD1048576 (the last cell of a sheet)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "flows"
    sheet.append(FLOW_HEADER)
    sheet.append(FLOW_ROW)
    sheet["XFD1048576"] = "x"
    book.save(path)
    return path


def _mini_db(tmp_path: Path) -> str:
    db = tmp_path / "ledger.db"
    with Store.open(db) as store:
        load_mini(store)
    return str(db)


def test_far_cell_xlsx_is_refused_fast_in_little_memory(tmp_path):
    far = _far_cell_workbook(tmp_path / "far.xlsx")
    assert far.stat().st_size < 10_000
    start = time.perf_counter()
    with pytest.raises(ImportValidationError, match="reaches column 16,384"):
        read_table_file(far, "flows", TABLES["flows"].column_names)
    assert time.perf_counter() - start < 5
    # the whole command in a process of its own: exit 2, peak memory under 300 MB. The peak is
    # the new process's VmHWM, read at exit: ru_maxrss of a child would count the memory of this
    # test process, which Linux carries over into the child across fork and exec.
    process = subprocess.run([sys.executable, "-c", _PEAK_AT_EXIT, "import", "flows", str(far),
                              "--db", _mini_db(tmp_path)], capture_output=True, text=True,
                             timeout=120)
    assert process.returncode == 2, process.stderr
    assert "reaches column 16,384" in process.stderr and "Traceback" not in process.stderr
    peak_kb = int(process.stderr.rsplit("PEAK_KB ", 1)[1].split()[0])
    assert peak_kb < 300 * 1024


_PEAK_AT_EXIT = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KB " + line.split()[1] + "\\n")
atexit.register(peak)
sys.argv = ["pairaid", *sys.argv[1:]]
from pairaid.cli.main import run
run()
"""


def _with_merged_range(path: Path, ref: str) -> Path:
    """Add <mergeCells> to the first sheet's XML (openpyxl itself would build every cell)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData><mergeCells count=\"1\">"
                                    b"<mergeCell ref=\"" + ref.encode() + b"\"/></mergeCells>")
            target.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_huge_merged_range_is_refused(tmp_path):
    book = Workbook()
    book.active.append(FLOW_HEADER)
    book.active.append(FLOW_ROW)
    book.save(tmp_path / "merged.xlsx")
    merged = _with_merged_range(tmp_path / "merged.xlsx", "A3:G1048576")
    with pytest.raises(ImportValidationError, match="1,048,576 rows by 7 columns"):
        read_table_file(merged, "flows", TABLES["flows"].column_names)


def _flows_csv(path: Path, rows: int = 1, **cells) -> Path:
    frame = pd.DataFrame([FLOW_ROW] * rows, columns=FLOW_HEADER)
    frame = pd.concat([frame, pd.DataFrame(cells, index=frame.index)], axis=1)
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("limit, value, make, message", [
    ("MAX_FILE_BYTES", 100, lambda p: _flows_csv(p, rows=5), "pairaid reads files up to"),
    ("MAX_ROWS", 3, lambda p: _flows_csv(p, rows=4), "the file has 4 rows; the limit is 3"),
    ("MAX_COLUMNS", 256, lambda p: _flows_csv(p, **{f"x{i}": "" for i in range(300)}),
     "the file has 307 columns; the limit is 256"),
    ("MAX_CELL_CHARS", 32_767, lambda p: _flows_csv(p, ref="r" * 40_000),
     "holds 40,000 characters; the limit is 32,767"),
    ("MAX_XLSX_CELLS", 10, lambda p: _xlsx(p, rows=3), "pairaid reads workbooks up to 10 cells"),
])
def test_each_limit_is_refused_with_a_clear_message_and_exit_2(limit, value, make, message,
                                                               tmp_path, monkeypatch):
    monkeypatch.setattr(limits, limit, value)
    suffix = ".xlsx" if limit == "MAX_XLSX_CELLS" else ".csv"
    path = make(tmp_path / f"flows{suffix}")
    result = runner.invoke(app, ["import", "flows", str(path), "--db", _mini_db(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def _xlsx(path: Path, rows: int) -> Path:
    book = Workbook()
    book.active.append(FLOW_HEADER)
    for _ in range(rows):
        book.active.append(FLOW_ROW)
    book.save(path)
    return path


def test_json_nested_100000_deep_is_refused(tmp_path):
    deep = tmp_path / "flows.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    result = runner.invoke(app, ["import", "flows", str(deep), "--db", _mini_db(tmp_path)])
    assert result.exit_code == 2
    assert "nested 100,000 levels deep" in result.output
    # brackets inside strings do not count
    shallow = tmp_path / "rows.json"
    shallow.write_text('{"rows": [{"donor": "[[[[{{{{", "x": "\\"]]"}]}', "utf-8")
    limits.check_file(shallow)


def test_control_characters_are_refused_with_the_cell_named_and_never_echoed_raw(tmp_path):
    bad = tmp_path / "flows.csv"
    frame = pd.DataFrame([FLOW_ROW] * 3, columns=FLOW_HEADER)
    frame["donor"] = ["B\x1b[2JJ", "BJ", "BJ"]  # ESC [2J clears a terminal
    frame["ref"] = ["r\x1bx", "r2", "r3"]
    frame["source"] = ["fine", "bell\x07here", "ok\ttabbed"]
    frame.to_csv(bad, index=False)
    result = runner.invoke(app, ["import", "flows", str(bad), "--db", _mini_db(tmp_path)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    flat = " ".join(result.output.split())
    assert "flows.csv:2:ref: holds the control character U+001B (ESC) at character 2" in flat
    assert "flows.csv:3:source: holds the control character U+0007 (BEL)" in flat
    assert "U+0009" not in flat  # a tab is allowed in free text (source)
    assert "'B\\x1b[2JJ'" in flat  # the donor, echoed escaped


def test_printable_escapes_controls_but_keeps_newlines():
    assert printable("a\x1b[31mb\x07\tc\nd\x9b") == "a\\x1b[31mb\\x07\\tc\nd\\x9b"


def test_csv_export_guards_formulas_and_import_removes_the_guard(tmp_path):
    db = _mini_db(tmp_path)
    hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1:A9)",
               "-2+3", "'=already quoted", "''@two", "'plain apostrophe"]
    with Store.open(db) as store:
        donors = pd.DataFrame({"code": [f"X{i}" for i in range(len(hostile))],
                               "name_zh": hostile, "name_en": hostile, "kind": "other"})
        from pairaid.ingest import import_frames

        import_frames(store, {"donors": donors})
        original = store.read_table("donors")
    out = tmp_path / "donors.csv"
    assert runner.invoke(app, ["export", "donors", "-o", str(out), "--db", db]).exit_code == 0
    raw = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cells = set(raw["name_en"])
    assert "'=HYPERLINK(\"http://x\",\"y\")" in cells and "'@SUM(A1:A9)" in cells
    assert "'-2+3" in cells and "''=already quoted" in cells and "'plain apostrophe" in cells
    assert not any(c[:1] in "=+-@" for c in cells)  # nothing a spreadsheet would run
    fresh = Store.open(tmp_path / "fresh.db")
    import_file(fresh, "donors", out)
    pd.testing.assert_frame_equal(fresh.read_table("donors"), original, check_exact=True)
    fresh.close()


def test_guard_and_unguard_are_inverse():
    frame = pd.DataFrame({"t": ["=1", "'=1", "''=1", "'a", "a", "-", "'", None, "\t1"],
                          "n": [1, 2, 3, 4, 5, 6, 7, 8, 9]})
    guarded = guard_formulas(frame)
    assert guarded["n"].tolist() == frame["n"].tolist()
    back = unguard_formulas(guarded.copy(), ["t", "n"])
    assert back["t"].tolist() == frame["t"].tolist()


def test_an_xlsx_export_of_an_old_ledger_with_a_control_character_fails_cleanly(tmp_path):
    from sqlalchemy import text

    db = _mini_db(tmp_path)
    with Store.open(db) as store, store.transaction() as conn:  # as an old pairaid let in
        conn.execute(text("UPDATE donor SET name_en = 'Bei\x07jing' WHERE code = 'BJ'"))
    out = tmp_path / "donors.xlsx"
    out.write_bytes(b"previous good export")
    result = runner.invoke(app, ["export", "donors", "-o", str(out), "--db", db])
    assert result.exit_code == 2
    assert "control character that XLSX cannot store" in " ".join(result.output.split())
    assert out.read_bytes() == b"previous good export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
