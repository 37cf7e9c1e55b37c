"""Office-style workbooks and CSVs (issue 12), built by code: what a provincial assistance office
keeps — cover sheets, merged titles, unit rows, Chinese and mixed headers, names and name
variants, 万元/亿元, total rows right and wrong, GB18030 text.

Each `OfficeCase` says what the import must give: the flow (or other) rows that land, amounts in
exact 元, or the problems (row, column, reason) it must fail with. The ledger they import into is
the mini ledger plus `EXTRA` (a third donor paired with 和田县).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: Added to the mini ledger: 天津市 paired with 和田县 (so 和田 alone is ambiguous: 和田地区,
#: 和田市, 和田县) and a third round of 北京市 with 和田市 from 2021.
EXTRA = {
    "donors": pd.DataFrame({"code": ["TJ"], "name_zh": ["天津市"], "name_en": ["Tianjin"],
                            "kind": ["municipality"]}),
    "pairings": pd.DataFrame({"donor": ["TJ", "BJ"], "recipient": ["653221", "653201"],
                              "start_year": [2010, 2021], "end_year": [None, None],
                              "round": [2010, 2021]}),
}


@dataclass
class OfficeCase:
    table: str
    filename: str
    #: rows that must land: tuples of the columns in `columns`
    rows: list[tuple] = field(default_factory=list)
    columns: tuple[str, ...] = ("donor", "recipient", "year", "kind", "amount", "currency", "sector")
    #: (row, column, reason fragment) the import must fail with
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    #: fragments that must appear among the listed transformations
    notes: list[str] = field(default_factory=list)
    options: dict = field(default_factory=dict)


def _book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for merged in (merges or {}).get(title, []):
            sheet.merge_cells(merged)
    workbook.save(path)


COVER = [["说明"], ["本表为2021年对口援疆资金拨付情况，请勿改动表头。"], ["填报单位：援疆指挥部"]]


def build(directory: Path) -> list[OfficeCase]:
    """Write every file of the corpus into `directory` and return what each must give."""
    cases: list[OfficeCase] = []
    d = directory

    # 1. The sheet from the issue: cover sheet, merged title, unit row, 序号, names, 万元, dates,
    #    a blank row and a right 合计 row.
    _book(d / "flows_issue_sheet.xlsx", {
        "说明": COVER,
        "2021年": [
            ["2021年对口援疆资金拨付表"],
            ["单位：万元"],
            ["序号", "援助方", "受援县", "金额", "年份", "类型", "领域"],
            [1, "北京市", "和田市", 12500, "2021年3月", "拨付", "农业"],
            [2, "北京市", "和田市", 0.1234, "2021年5月", "拨付", "教育"],
            [None] * 7,
            [3, "天津市", "和田县", 1.2345, "2021年6月", "承诺", "卫生"],
            ["合计", None, None, 12501.3579, None, None, None],
        ]}, merges={"2021年": ["A1:G1"]})
    cases.append(OfficeCase("flows", "flows_issue_sheet.xlsx", rows=[
        ("BJ", "653201", 2021, "disbursement", 125_000_000.0, "CNY", "311"),
        ("BJ", "653201", 2021, "disbursement", 1_234.0, "CNY", "111"),
        ("TJ", "653221", 2021, "commitment", 12_345.0, "CNY", "121"),
    ], notes=["sheet '说明' skipped", "unit row", "amounts in 万元 × 10,000", "'北京市' → BJ",
              "total row '合计' checked", "column '序号'", "1 blank row", "'2021年3月' → 2021",
              "'拨付' → disbursement", "'农业' → 311", "CNY (the amounts are in 元)"]))

    # 2. Unit in the header with full-width brackets; name variants: no suffix, 巿 for 市,
    #    full-width code letters, English names.
    _book(d / "flows_name_variants.xlsx", {"资金": [
        ["援助方", "受援县", "金额（万元）", "年份", "资金类型", "领域", "币种"],
        ["北京", "和田巿", 0.07, 2021, "拨付资金", "31120", "人民币"],
        ["ＢＪ", "Hotan City", 3.3, "2021-03", "到位资金", "水利", "RMB"],
        ["Tianjin", "和田县", 10, "2021/3/15", "计划", "教育", "元"],
    ]})
    cases.append(OfficeCase("flows", "flows_name_variants.xlsx", rows=[
        ("BJ", "653201", 2021, "disbursement", 700.0, "CNY", "31120"),
        ("BJ", "653201", 2021, "disbursement", 33_000.0, "CNY", "31140"),
        ("TJ", "653221", 2021, "commitment", 100_000.0, "CNY", "111"),
    ], notes=["'北京' → BJ", "'和田巿' → 653201", "'Hotan City' → 653201", "'人民币' → CNY",
              "'2021/3/15' → 2021"]))

    # 3. 亿元 in a unit row above a header with a title row; currency column in Chinese.
    _book(d / "flows_yi_yuan.xlsx", {"flows": [
        ["对口支援资金（亿元）"],
        ["金额单位：亿元"],
        ["援助方", "受援地", "年度", "类型", "资金", "币种", "行业"],
        ["上海市", "阿克苏市", 2015, "支出", 1.5, "人民币", "交通"],
        ["上海", "阿克苏市", 2016, "支出", 0.00000001, "人民币", "交通"],
    ]})
    cases.append(OfficeCase("flows", "flows_yi_yuan.xlsx", rows=[
        ("SH", "652901", 2015, "expenditure", 150_000_000.0, "CNY", "210"),
        ("SH", "652901", 2016, "expenditure", 1.0, "CNY", "210"),
    ], notes=["amounts in 亿元 × 100,000,000"]))

    # 4. A wrong 合计: the total says 13,000 万元, the rows add up to 12,600.
    _book(d / "flows_total_wrong.xlsx", {"Sheet1": [
        ["援助方", "受援县", "金额(万元)", "年份", "类型", "领域"],
        ["北京市", "和田市", 12500, 2021, "拨付", "农业"],
        ["北京市", "和田市", 100, 2021, "拨付", "教育"],
        ["合计", None, 13000, None, None, None],
    ]})
    cases.append(OfficeCase("flows", "flows_total_wrong.xlsx", problems=[
        (4, "amount", "total row '合计' says 13,000 万元 but the 2 rows it covers add up to "
                      "12,600 万元")]))

    # 5. Subtotals per donor and a 总计, donor cells merged down their group.
    _book(d / "flows_subtotals.xlsx", {"明细": [
        ["援助方", "受援县", "年份", "类型", "领域", "金额（万元）"],
        ["北京市", "和田市", 2019, "拨付", "农业", 10.5],
        [None, "和田市", 2019, "拨付", "教育", 20.25],
        ["小计", None, None, None, None, 30.75],
        ["天津市", "和田县", 2019, "拨付", "住房", 5],
        ["小计", None, None, None, None, 5],
        ["总计", None, None, None, None, 35.75],
        ["注：数据来自援疆指挥部。"],
    ]}, merges={"明细": ["A2:A3"]})
    cases.append(OfficeCase("flows", "flows_subtotals.xlsx", rows=[
        ("BJ", "653201", 2019, "disbursement", 105_000.0, "CNY", "311"),
        ("BJ", "653201", 2019, "disbursement", 202_500.0, "CNY", "111"),
        ("TJ", "653221", 2019, "disbursement", 50_000.0, "CNY", "16030"),
    ], notes=["vertically merged", "total row '小计' checked", "total row '总计' checked",
              "note below the table skipped"]))

    # 6. GB18030 CSV as an office's Excel saves it: title line, unit line, 合计.
    text = ("2020年援疆资金统计表,,,,,,\r\n单位：万元,,,,,,\r\n"
            "援助方,受援县,金额,年份,类型,领域,来源\r\n"
            "北京市,和田市,\"1,250\",2020,拨付,农业,指挥部年报\r\n"
            "天津市,和田县,80.5,2020,支出,教育,指挥部年报\r\n"
            ",,,,,,\r\n合计,,1330.5,,,,\r\n")
    (d / "flows_gb18030.csv").write_bytes(text.encode("gb18030"))
    cases.append(OfficeCase("flows", "flows_gb18030.csv", rows=[
        ("BJ", "653201", 2020, "disbursement", 12_500_000.0, "CNY", "311"),
        ("TJ", "653221", 2020, "expenditure", 805_000.0, "CNY", "111"),
    ], notes=["row 1 above the header skipped", "total row '合计' checked"]))

    # 7. Mixed English and Chinese headers; English unit words; capitalised kinds.
    (d / "flows_mixed.csv").write_text(
        "Donor,受援县,Amount (10k yuan),Year,Kind,Currency,Sector,Ref\n"
        "Beijing,和田市,2.5,2018-06,Disbursement,RMB,31120,A-1\n"
        "Beijing,和田市,2.5,2018-07,Investment secured,RMB,31120,A-2\n", encoding="utf-8")
    cases.append(OfficeCase("flows", "flows_mixed.csv", rows=[
        ("BJ", "653201", 2018, "disbursement", 25_000.0, "CNY", "31120"),
        ("BJ", "653201", 2018, "investment_secured", 25_000.0, "CNY", "31120"),
    ], notes=["'Amount (10k yuan)' → amount"]))

    # 8. An unknown donor name: the error lists the closest names.
    _book(d / "flows_unknown_name.xlsx", {"flows": [
        ["援助方", "受援县", "金额（万元）", "年份", "类型", "领域"],
        ["北京市", "和田市", 1, 2021, "拨付", "农业"],
        ["北京朝阳", "和田市", 2, 2021, "拨付", "农业"],
    ]})
    cases.append(OfficeCase("flows", "flows_unknown_name.xlsx", problems=[
        (3, "donor", "unknown donor name '北京朝阳' (no donor has this name or code; closest: "
                     "北京市 (BJ)")]))

    # 9. An ambiguous region name: 和田 is a prefecture, a city and a county.
    (d / "flows_ambiguous.csv").write_text(
        "援助方,受援县,金额(万元),年份,类型,领域\n天津市,和田,1,2021,拨付,农业\n", encoding="utf-8")
    cases.append(OfficeCase("flows", "flows_ambiguous.csv", problems=[
        (2, "recipient", "'和田' names more than one region: 和田县 (653221, county); 和田地区 "
                         "(653200, prefecture); 和田市 (653201, county)")]))

    # 10. Units written in the cells, no unit anywhere else; no currency column.
    (d / "flows_cell_units.csv").write_text(
        "援助方,受援县,金额,年份,类型,领域\n"
        "北京市,和田市,12500万元,2017,拨付,农业\n"
        "北京市,和田市,1.2亿元,2017,拨付,教育\n"
        "北京市,和田市,\"3,000元\",2017,拨付,卫生\n", encoding="utf-8")
    cases.append(OfficeCase("flows", "flows_cell_units.csv", rows=[
        ("BJ", "653201", 2017, "disbursement", 125_000_000.0, "CNY", "311"),
        ("BJ", "653201", 2017, "disbursement", 120_000_000.0, "CNY", "111"),
        ("BJ", "653201", 2017, "disbursement", 3_000.0, "CNY", "121"),
    ], notes=["3 amounts written with their unit"]))

    # 11. Personnel in Chinese: categories, counts and a 合计 that checks the headcount.
    _book(d / "personnel_office.xlsx", {"选派人员": [
        ["2016年援疆干部人才选派情况"],
        ["援助方", "受援县", "年份", "人员类别", "人数"],
        ["上海市", "阿克苏市", 2017, "教师", 30],
        ["上海市", "阿克苏市", 2017, "医生", 12],
        ["合计", None, None, None, 42],
    ]}, merges={"选派人员": ["A1:E1"]})
    cases.append(OfficeCase("personnel", "personnel_office.xlsx",
                            columns=("donor", "recipient", "year", "category", "headcount"),
                            rows=[("SH", "652901", 2017, "teacher", 30),
                                  ("SH", "652901", 2017, "doctor", 12)],
                            notes=["headcount 42"]))

    # 12. Enterprises: names on both sides, investment in 亿元 in the header.
    _book(d / "enterprises_office.xlsx", {"招商引资": [
        ["来源地", "落户地", "引进年份", "行业", "企业数", "投资额（亿元）", "就业人数"],
        ["北京市", "和田市", "2019年", "农业", 2, 0.35, 150],
    ]})
    cases.append(OfficeCase("enterprises", "enterprises_office.xlsx",
                            columns=("origin", "destination", "year", "sector", "count",
                                     "investment", "currency"),
                            rows=[("BJ", "653201", 2019, "311", 2, 35_000_000.0, "CNY")]))

    # 13. Donors with Chinese headers and kinds.
    (d / "donors_office.csv").write_text(
        "代码,中文名称,英文名称,类型\nCQ,重庆市,Chongqing,直辖市\nSDG,山东钢铁集团,Shandong Steel,国有企业\n",
        encoding="utf-8")
    cases.append(OfficeCase("donors", "donors_office.csv", columns=("code", "name_zh", "kind"),
                            rows=[("CQ", "重庆市", "municipality"),
                                  ("SDG", "山东钢铁集团", "state_owned_enterprise")]))

    # 14. A plain header the rules cannot read as money: --amount-unit and --sheet decide.
    _book(d / "flows_options.xlsx", {
        "汇总": [["援助方", "金额"], ["北京市", 99]],
        "明细": [["援助方", "受援县", "资金", "年份", "类型", "领域"],
                 ["北京市", "和田市", 4.5, 2020, "拨付", "农业"]],
    })
    cases.append(OfficeCase("flows", "flows_options.xlsx",
                            rows=[("BJ", "653201", 2020, "disbursement", 45_000.0, "CNY", "311")],
                            options={"sheet": "明细", "amount_unit": "万元"},
                            notes=["sheet '明细' as given", "amounts in 万元 as given"]))

    # 15. A 合计 in a workbook whose amounts are fine but whose kind is not a kind.
    (d / "flows_bad_kind.csv").write_text(
        "援助方,受援县,金额(万元),年份,类型,领域\n北京市,和田市,1,2021,赠送,农业\n合计,,1,,,\n",
        encoding="utf-8")
    cases.append(OfficeCase("flows", "flows_bad_kind.csv", problems=[
        (2, "kind", "'赠送' is not one of: commitment, disbursement")]))

    # 16. Years as columns, as offices keep them: a title, a unit row, names, blank cells (not
    #     recorded: no row) and a right 合计 per year.
    _book(d / "flows_wide.xlsx", {"资金": [
        ["2019—2021年援疆资金到位情况"],
        ["单位：万元"],
        ["援助方", "受援县", "类型", "领域", "2019年", "2020年", "2021年"],
        ["北京市", "和田市", "拨付", "农业", 100, 200.5, None],
        ["天津市", "和田县", "拨付", "教育", None, 3, 4],
        ["合计", None, None, None, 100, 203.5, 4],
    ]}, merges={"资金": ["A1:G1"]})
    cases.append(OfficeCase("flows", "flows_wide.xlsx", rows=[
        ("BJ", "653201", 2019, "disbursement", 1_000_000.0, "CNY", "311"),
        ("BJ", "653201", 2020, "disbursement", 2_005_000.0, "CNY", "311"),
        ("TJ", "653221", 2020, "disbursement", 30_000.0, "CNY", "111"),
        ("TJ", "653221", 2021, "disbursement", 40_000.0, "CNY", "111"),
    ], notes=["years as columns (3: 2019–2021)", "2 blank cells not recorded",
              "total row '合计 2020' checked", "amounts in 万元 × 10,000"]))

    # 17. Observations with years as columns (a yearbook's layout), region names.
    (d / "observations_wide.csv").write_text(
        "地区,指标,来源,2016,2017,2018\n和田市,population,统计年鉴,391000,392500,\n"
        "阿克苏市,rural_income,统计年鉴,12000.5,,13100\n", encoding="utf-8")
    cases.append(OfficeCase("observations", "observations_wide.csv",
                            columns=("region", "year", "indicator", "value"),
                            rows=[("653201", 2016, "population", 391_000.0),
                                  ("653201", 2017, "population", 392_500.0),
                                  ("652901", 2016, "rural_income", 12_000.5),
                                  ("652901", 2018, "rural_income", 13_100.0)],
                            notes=["read as one row per observation and year"]))

    # 18. A wide sheet with a bad cell (named by its year column) and a wrong total in 2019.
    _book(d / "flows_wide_bad.xlsx", {"资金": [
        ["援助方", "受援县", "类型", "领域", "2019年（万元）", "2020年（万元）"],
        ["北京市", "和田市", "拨付", "农业", 100, "一百"],
        ["天津市", "和田县", "拨付", "教育", 5, 6],
        ["合计", None, None, None, 110, None],
    ]})
    cases.append(OfficeCase("flows", "flows_wide_bad.xlsx", problems=[
        (2, "2020年（万元）", "'一百'"),
        (4, "2019年（万元）", "total row '合计 2019' says 110 万元 but the 2 rows it covers add up to "
                      "105 万元")]))
    return cases
