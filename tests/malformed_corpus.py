"""Malformed import files, each with the problems the importer must report for it.

`write_corpus(dir)` writes every file and returns one `Case` per file. The files are meant to be
imported into the mini ledger of `helpers.py` (append mode): every case must be rejected, with
each expected (row, column, reason substring) among the problems, and nothing written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import pandas as pd

Expected = tuple[int, str, str]  # spreadsheet row, column ('' for the row or file), reason substring


class Case(NamedTuple):
    table: str
    filename: str
    expected: list[Expected]


FLOWS = "donor,recipient,year,kind,amount,currency,sector"
GOOD_FLOW = "BJ,653201,2012,commitment,1000,CNY,111"
PERSONNEL = "donor,recipient,year,category,headcount"
OBSERVATIONS = "region,year,indicator,value,source"
PROJECTS = "code,donor,recipient,title,sector,start_year,end_year,budget,currency,status"
REGIONS = "code,name_zh,name_en,level,parent_code"
DONORS = "code,name_zh,name_en,kind"
#: How many bad rows the long file has (more than the 50 a message lists).
MANY_BAD_ROWS = 80


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _csv_cases() -> list[tuple[Case, str | bytes]]:
    """(case, file content) for every CSV case; str content is written as UTF-8."""
    return [
        # -- wrong types ---------------------------------------------------------------------
        (Case("flows", "flows_amount_text.csv", [(2, "amount", "'lots' is not a number")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,lots,CNY,111")),
        (Case("flows", "flows_year_fraction.csv", [(2, "year", "2015.5 is not a whole number")]),
         _lines(FLOWS, "BJ,653201,2015.5,commitment,1000,CNY,111")),
        (Case("personnel", "personnel_headcount_text.csv",
              [(2, "headcount", "'abc' is not a whole number")]),
         _lines(PERSONNEL, "BJ,653201,2016,doctor,abc")),
        (Case("flows", "flows_decimal_comma.csv", [(2, "amount", "'1000,5' is not a number")]),
         _lines(FLOWS, 'BJ,653201,2012,commitment,"1000,5",CNY,111')),
        # -- unknown references --------------------------------------------------------------
        (Case("flows", "flows_unknown_donor.csv", [(2, "donor", "unknown donor code 'XJ'")]),
         _lines(FLOWS, "XJ,653201,2012,commitment,1000,CNY,111")),
        (Case("flows", "flows_unknown_recipient.csv",
              [(3, "recipient", "unknown region code '659999'")]),
         _lines(FLOWS, GOOD_FLOW, "BJ,659999,2012,commitment,1000,CNY,111")),
        (Case("observations", "observations_unknown_indicator.csv",
              [(2, "indicator", "unknown indicator code 'gdp'")]),
         _lines(OBSERVATIONS, "653201,2016,gdp,1.5,yearbook")),
        (Case("outputs", "outputs_unknown_project.csv",
              [(2, "project", "unknown project code 'NOPE-1'")]),
         _lines("project,indicator,unit,year", "NOPE-1,wells,count,2016")),
        (Case("flows", "flows_unknown_project.csv", [(2, "project", "unknown project code")]),
         _lines(FLOWS + ",project", GOOD_FLOW + ",BJ-XX-1")),
        (Case("regions", "regions_unknown_parent.csv",
              [(2, "parent_code", "unknown region code '659900'")]),
         _lines(REGIONS, "659901,石河子市,Shihezi,county,659900")),
        (Case("crosswalk", "crosswalk_unknown_new_code.csv",
              [(2, "new_code", "unknown region code '650402'")]),
         _lines("old_code,new_code,year", "652101,650402,2015")),
        # -- pairings: not paired, no round covering the year, ambiguous rounds ------------------
        (Case("flows", "flows_not_paired.csv",
              [(2, "recipient", "donor 'BJ' is not paired with recipient '652901'")]),
         _lines(FLOWS, "BJ,652901,2012,commitment,1000,CNY,111")),
        (Case("flows", "flows_year_not_covered.csv",
              [(2, "recipient", "covers year 1995 (pairing rounds: 1997: 1997–2009, 2010: "
                                "2010–2020)")]),
         _lines(FLOWS, "BJ,653201,1995,commitment,1000,CNY,111")),
        (Case("personnel", "personnel_after_last_round.csv", [(2, "recipient", "covers year 2021")]),
         _lines(PERSONNEL, "BJ,653201,2021,teacher,3")),
        (Case("projects", "projects_start_not_covered.csv",
              [(2, "recipient", "covers start_year 1990")]),
         _lines(PROJECTS, "BJ-HT-1990-001,BJ,653201,Roads,210,1990,1992,,,completed")),
        (Case("flows", "flows_ambiguous_round.csv",
              [(2, "recipient", "more than one pairing round covers this year")]),
         _lines(FLOWS, "SH,652901,2019,commitment,1000,USD,12220")),
        (Case("flows", "flows_round_not_covering.csv",
              [(2, "recipient", "in round 2010 covers year 2005"),
               (3, "recipient", "in round 2003 covers year 2005")]),
         _lines(FLOWS + ",round", GOOD_FLOW.replace("2012", "2005") + ",2010",
                GOOD_FLOW.replace("2012", "2005") + ",2003")),
        # -- duplicates ----------------------------------------------------------------------
        (Case("flows", "flows_duplicate_rows.csv",
              [(4, "donor", "duplicate of row 2 (same donor, recipient, year, kind, sector, ref)")]),
         _lines(FLOWS, GOOD_FLOW, GOOD_FLOW.replace("2012", "2013"), GOOD_FLOW)),
        (Case("observations", "observations_duplicate_rows.csv",
              [(3, "region", "duplicate of row 2")]),
         _lines(OBSERVATIONS, "653221,2016,population,100,a", "653221,2016,population,200,b")),
        (Case("donors", "donors_already_in_ledger.csv",
              [(3, "code", "already in the ledger (same code); use --mode upsert")]),
         _lines(DONORS, "GD,广东省,Guangdong,province", "BJ,北京市,Beijing,municipality")),
        (Case("flows", "flows_already_in_ledger.csv", [(2, "donor", "already in the ledger")]),
         _lines(FLOWS, "BJ,653201,2015,disbursement,1,CNY,31120")),
        (Case("personnel", "personnel_already_in_ledger.csv",
              [(2, "donor", "already in the ledger")]),
         _lines(PERSONNEL, "BJ,653201,2015,teacher,1")),
        # -- the header ----------------------------------------------------------------------
        (Case("flows", "flows_missing_column.csv", [(1, "amount", "required column missing")]),
         _lines("donor,recipient,year,kind,currency,sector", "BJ,653201,2012,commitment,CNY,111")),
        (Case("flows", "flows_misspelt_column.csv",
              [(1, "amount", "required column missing"),
               (1, "ammount", "unknown column for flows")]),
         _lines(FLOWS.replace("amount", "ammount"), GOOD_FLOW)),
        (Case("flows", "flows_misspelt_optional_column.csv",
              [(1, "sorce", "unknown column for flows")]),
         _lines(FLOWS + ",sorce", GOOD_FLOW + ",report")),
        # 'Amount' alone is read as amount; beside an 'amount' column it is ambiguous
        (Case("flows", "flows_amount_and_Amount.csv", [(1, "Amount", "unknown column")]),
         _lines(FLOWS + ",Amount", GOOD_FLOW + ",5")),
        (Case("flows", "flows_empty.csv", [(1, "", "the file is empty")]), b""),
        (Case("flows", "flows_whitespace_only.csv", [(1, "", "the file is empty")]), b"\n \r\n"),
        (Case("flows", "flows_header_only.csv", [(2, "", "no data rows under the header")]),
         _lines(FLOWS)),
        (Case("flows", "flows_notes_only.csv", [(3, "", "no header row")]),
         _lines("# notes", "# more notes")),
        (Case("flows", "flows_blank_header_cell.csv", [(1, "#3", "empty column name")]),
         _lines(FLOWS.replace("year", ""), GOOD_FLOW)),
        (Case("flows", "flows_repeated_column.csv",
              [(1, "year", "column name repeated (columns 3 and 8)")]),
         _lines(FLOWS + ",year", GOOD_FLOW + ",2012")),
        # -- encodings -----------------------------------------------------------------------
        (Case("donors", "donors_latin1.csv", [(2, "", "neither UTF-8 nor GB18030")]),
         _lines(DONORS, "ZU,Zürich,Café,other").encode("latin-1")),
        (Case("donors", "donors_latin1_gb18030_lookalike.csv",
              [(2, "", "it may be Latin-1 or Windows-1252 text")]),
         _lines(DONORS, "ZU,Zürich,Zurich,city").encode("latin-1")),
        (Case("donors", "donors_utf16.csv", [(1, "", "neither UTF-8 nor GB18030")]),
         _lines(DONORS, "GD,广东省,Guangdong,province").encode("utf-16")),
        (Case("flows", "flows_gb18030_bad_amount.csv", [(2, "amount", "'很多' is not a number")]),
         _lines(FLOWS + ",source", "BJ,653201,2012,commitment,很多,CNY,111,援疆报告")
         .encode("gb18030")),
        # -- ranges --------------------------------------------------------------------------
        (Case("flows", "flows_huge_amount.csv",
              [(2, "amount", "1e+20 is above the largest allowed value 1e+15")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,1e20,CNY,111")),
        (Case("personnel", "personnel_huge_headcount.csv",
              [(2, "headcount", "is above the largest allowed value")]),
         _lines(PERSONNEL, f"BJ,653201,2016,doctor,{10**30}")),
        (Case("flows", "flows_negative_amount.csv",
              [(2, "amount", "-5 is negative: amounts and counts cannot be below 0")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,-5,CNY,111")),
        (Case("projects", "projects_negative_budget.csv", [(2, "budget", "is negative")]),
         _lines(PROJECTS, "BJ-HT-2012-009,BJ,653201,Roads,210,2012,2013,-1,CNY,completed")),
        (Case("personnel", "personnel_negative_headcount.csv", [(2, "headcount", "is negative")]),
         _lines(PERSONNEL, "BJ,653201,2016,doctor,-3")),
        (Case("enterprises", "enterprises_zero_count.csv",
              [(2, "count", "below the smallest allowed value 1")]),
         _lines("origin,destination,year,sector,count", "BJ,653201,2016,31120,0")),
        (Case("flows", "flows_inf_nan.csv",
              [(2, "amount", "not a finite number"), (3, "amount", "'nan' is not a number"),
               (4, "amount", "not a finite number")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,inf,CNY,111",
                "BJ,653201,2013,commitment,nan,CNY,111", "BJ,653201,2014,commitment,-Infinity,CNY,111")),
        (Case("observations", "observations_year_1800.csv",
              [(2, "year", "1800 is below the smallest allowed value 1949")]),
         _lines(OBSERVATIONS, "653201,1800,population,1,old")),
        (Case("observations", "observations_year_3000.csv",
              [(2, "year", "3000 is above the largest allowed value 2100")]),
         _lines(OBSERVATIONS, "653201,3000,population,1,future")),
        (Case("pairings", "pairings_end_before_start.csv",
              [(2, "end_year", "end_year is before start_year")]),
         _lines("donor,recipient,start_year,end_year,round", "BJ,653221,2015,2012,2015")),
        (Case("regions", "regions_valid_to_before_from.csv",
              [(2, "valid_to", "valid_to is before valid_from")]),
         _lines(REGIONS + ",valid_from,valid_to", "653222,墨玉县,Moyu,county,653200,2000,1990")),
        # -- code lists ----------------------------------------------------------------------
        # RMB, 人民币 and 元 are read as CNY since issue 12; a misspelling is still refused.
        (Case("flows", "flows_currency_rmb.csv",
              [(2, "currency", "'RNB' is not an ISO 4217 currency code")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,1000,RNB,111")),
        (Case("flows", "flows_sector_999.csv",
              [(2, "sector", "'999' is not an OECD DAC sector code")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,1000,CNY,999")),
        (Case("flows", "flows_kind_grant.csv",
              [(2, "kind", "'grant' is not one of: commitment, disbursement")]),
         _lines(FLOWS, "BJ,653201,2012,grant,1000,CNY,111")),
        (Case("donors", "donors_kind_country.csv", [(2, "kind", "'country' is not one of")]),
         _lines(DONORS, "GD,广东省,Guangdong,country")),
        (Case("indicators", "indicators_direction_two.csv",
              [(2, "direction", "'2' is not one of: 1, -1, 0")]),
         _lines("code,name_en,unit,direction,dimension,aggregation",
                "gdp,GDP,CNY,2,economic,sum")),
        # -- cells and rules -----------------------------------------------------------------
        (Case("flows", "flows_empty_cell.csv",
              [(2, "currency", "missing value (this column needs a value in every row)")]),
         _lines(FLOWS, "BJ,653201,2012,commitment,1000,,111")),
        (Case("flows", "flows_ref_too_long.csv",
              [(2, "ref", "longer than 64 characters")]),
         _lines(FLOWS + ",ref", GOOD_FLOW + "," + "R" * 65)),
        (Case("regions", "regions_own_parent.csv",
              [(2, "parent_code", "a region cannot be its own parent"),
               (2, "parent_code", "parent codes form a cycle")]),  # a cycle of one, said twice
         _lines(REGIONS, "653222,墨玉县,Moyu,county,653222")),
        (Case("regions", "regions_parent_cycle.csv",
              [(2, "parent_code", "parent codes form a cycle"),
               (3, "parent_code", "parent codes form a cycle")]),
         _lines(REGIONS, "653222,墨玉县,Moyu,county,653223", "653223,皮山县,Pishan,county,653222")),
        (Case("rates", "rates_same_currency.csv",
              [(2, "base", "base is the same currency as currency")]),
         _lines("currency,base,year,rate", "CNY,CNY,2015,1")),
        (Case("projects", "projects_budget_no_currency.csv",
              [(2, "currency", "budget given without its currency")]),
         _lines(PROJECTS, "BJ-HT-2012-009,BJ,653201,Roads,210,2012,2013,5000,,completed")),
        (Case("enterprises", "enterprises_investment_no_currency.csv",
              [(2, "currency", "investment given without its currency")]),
         _lines("origin,destination,year,sector,count,investment", "BJ,653201,2016,31120,2,5000")),
        # -- malformed CSV -------------------------------------------------------------------
        (Case("flows", "flows_bad_quoting.csv", [(3, "", "malformed CSV")]),
         _lines(FLOWS, GOOD_FLOW, 'BJ,"653201,2013,commitment,1000,CNY,111',
                "BJ,653201,2014,commitment,1000,CNY,111")),
        (Case("flows", "flows_short_row.csv", [(3, "", "malformed CSV")]),
         _lines(FLOWS, GOOD_FLOW, "BJ,653201,2013,commitment,1000,CNY")),
        (Case("flows", "flows_blank_line_row_number.csv", [(4, "amount", "'x' is not a number")]),
         _lines(FLOWS, GOOD_FLOW, "", "BJ,653201,2013,commitment,x,CNY,111")),
        # -- many bad rows: the message lists 50, then counts the rest -------------------------
        (Case("observations", "observations_80_bad_rows.csv",
              [(row, "value", "'n/a' is not a number") for row in range(2, MANY_BAD_ROWS + 2)]),
         _lines(OBSERVATIONS, *(f"653201,{1950 + i},population,n/a,census"
                                for i in range(MANY_BAD_ROWS)))),
    ]


def _xlsx(path: Path, rows: list[list], merge: str | None = None, sheet: str = "flows") -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    if merge:
        worksheet.merge_cells(merge)
    workbook.save(path)


def _write_binary_cases(directory: Path) -> list[Case]:
    header = FLOWS.split(",")
    _xlsx(directory / "flows_formula.xlsx",
          [header, ["BJ", "653201", 2012, "commitment", "=1+1", "CNY", "111"]])
    _xlsx(directory / "flows_merged_header.xlsx",
          [header, ["BJ", "653201", 2012, "commitment", 1000, "CNY", "111"]], merge="A1:B1")
    _xlsx(directory / "flows_title_row.xlsx",
          [["Flows to Hotan, 2012"], header, ["BJ", "653201", 2012, "commitment", "lots", "CNY", "111"]])
    _xlsx(directory / "flows_bad_cells.xlsx",
          [header, ["BJ", "653201", 2012.5, "commitment", "lots", "RNB", 999]])
    (directory / "flows_corrupt.xlsx").write_bytes(os.urandom(2048))
    (directory / "flows_old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (directory / "flows_unknown_extension.ods").write_text(_lines(FLOWS, GOOD_FLOW))
    (directory / "flows_corrupt.parquet").write_bytes(b"PAR1" + os.urandom(512))
    pd.DataFrame({
        "donor": ["BJ", "BJ"], "recipient": ["653201", "653201"],
        "year": [2015.5, 2013.0],  # a float column where whole years belong
        "kind": ["commitment", "commitment"], "amount": ["1000", "many"],
        "currency": ["CNY", "CNY"], "sector": [111, 111],
    }).to_parquet(directory / "flows_wrong_types.parquet", index=False)
    _xlsx(directory / "donors_stray_cell.xlsx",
          [DONORS.split(","), ["ZJ", "浙江省", "Zhejiang", "province", "stray"]], sheet="donors")
    (directory / "donors_nul_character.json").write_text(
        '{"rows": [{"code": "GD", "name_zh": "广东\\u0000省", "name_en": "Guangdong", '
        '"kind": "province"}]}', encoding="utf-8")
    (directory / "donors_key_not_in_columns.json").write_text(
        '{"columns": ["code", "name_zh", "name_en", "kind"], "rows": [{"code": "GD", '
        '"name_zh": "广东省", "name_en": "Guangdong", "kind": "province", "knd": "city"}]}',
        encoding="utf-8")
    (directory / "flows_not_json.json").write_text('{"rows": [{"donor": "BJ",,]}')
    (directory / "flows_bad_json_shape.json").write_text('{"rows": {"donor": "BJ"}}')
    (directory / "flows_bad_row.json").write_text(
        '{"rows": [{"donor": "BJ", "recipient": "653201", "year": 2012, "kind": "commitment", '
        '"amount": -1, "currency": "CNY", "sector": "111"}]}')
    return [
        Case("flows", "flows_formula.xlsx", [(2, "amount", "formula cell (=1+1)")]),
        Case("flows", "flows_merged_header.xlsx", [(1, "", "merged cells A1:B1 in the header")]),
        # A title row above the header is skipped (issue 12): rows keep their sheet numbers.
        Case("flows", "flows_title_row.xlsx", [(3, "amount", "'lots' is not a number")]),
        Case("flows", "flows_bad_cells.xlsx",
             [(2, "year", "2012.5 is not a whole number"), (2, "amount", "'lots' is not a number"),
              (2, "currency", "'RNB' is not an ISO 4217"), (2, "sector", "'999' is not an OECD")]),
        Case("flows", "flows_corrupt.xlsx", [(0, "", "not a readable .xlsx workbook")]),
        Case("flows", "flows_old_excel.xls", [(0, "", "old Excel .xls files are not read")]),
        Case("flows", "flows_unknown_extension.ods", [(0, "", "unknown file type '.ods'")]),
        Case("flows", "flows_corrupt.parquet", [(0, "", "not a readable Parquet file")]),
        Case("flows", "flows_wrong_types.parquet",
             [(2, "year", "2015.5 is not a whole number"), (3, "amount", "'many' is not a number")]),
        Case("donors", "donors_stray_cell.xlsx",
             [(2, "#5", "value in a column that has no name in the header row")]),
        Case("donors", "donors_nul_character.json", [(1, "name_zh", "contains a NUL character")]),
        Case("donors", "donors_key_not_in_columns.json", [(1, "knd", "unknown column for donors")]),
        Case("flows", "flows_not_json.json", [(1, "", "not valid JSON")]),
        Case("flows", "flows_bad_json_shape.json", [(0, "", 'expected {"rows"')]),
        Case("flows", "flows_bad_row.json", [(1, "amount", "-1 is negative")]),
    ]


def write_corpus(directory: Path | str) -> list[Case]:
    """Write every malformed file into `directory`; return the cases (one per file)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cases = []
    for case, content in _csv_cases():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (directory / case.filename).write_bytes(data)
        cases.append(case)
    cases += _write_binary_cases(directory)
    cases += _write_bounds_and_hygiene_cases(directory)
    names = [c.filename for c in cases]
    assert len(names) == len(set(names)), "two cases share a file name"
    return cases


def _write_bounds_and_hygiene_cases(directory: Path) -> list[Case]:
    """Issue 13: control characters, a sheet reaching XFD1048576, deep JSON, an overlong cell."""
    from openpyxl import Workbook

    (directory / "donors_control_characters.csv").write_text(_lines(
        DONORS, "ZJ,浙江省,Zhe\x1b[2Jjiang,province", "G\x07D,广东省,Guangdong,province"),
        encoding="utf-8")
    workbook = Workbook()
    workbook.active.append(FLOWS.split(","))
    workbook.active.append(GOOD_FLOW.split(","))
    workbook.active["XFD1048576"] = "far away"
    workbook.save(directory / "flows_far_cell.xlsx")
    (directory / "flows_deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (directory / "flows_cell_too_long.csv").write_text(
        _lines(FLOWS + ",ref", GOOD_FLOW + "," + "r" * 40_000), encoding="utf-8")
    return [
        Case("donors", "donors_control_characters.csv",
             [(2, "name_en", "control character U+001B (ESC) at character 4"),
              (3, "code", "control character U+0007 (BEL)")]),
        Case("flows", "flows_far_cell.xlsx", [(0, "", "reaches column 16,384")]),
        Case("flows", "flows_deep.json", [(0, "", "nested 100,000 levels deep")]),
        Case("flows", "flows_cell_too_long.csv", [(2, "ref", "holds 40,000 characters")]),
    ]
