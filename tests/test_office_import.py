"""Office sheets go in as they are (issue 12, item 1): the corpus in office_corpus.py imports
correctly or fails with the named problem, on SQLite and PostgreSQL; names, units, totals, the
mapping file and the Chinese template."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import load_mini
from office_corpus import EXTRA, build
from pairaid.ingest import ImportValidationError, Mapping, NameResolver, OfficeOptions, \
    import_file, import_frames
from pairaid.ingest.aliases import chinese_header, header_key, header_lookup, value_aliases
from pairaid.ingest.names import UnknownName
from pairaid.ingest.tables import TABLES
from pairaid.ingest.units import scale_amounts, year_of
from pairaid.ledger import Store

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("office")
    return directory, {case.filename: case for case in build(directory)}


def _office_ledger(store: Store) -> None:
    load_mini(store)
    import_frames(store, EXTRA)


def test_corpus_is_large_and_varied(corpus):
    directory, cases = corpus
    assert len(cases) >= 12
    suffixes = {name.rsplit(".", 1)[1] for name in cases}
    assert suffixes == {"xlsx", "csv"}
    assert any(c.problems for c in cases.values()) and any(c.rows for c in cases.values())
    assert (directory / "flows_gb18030.csv").read_bytes().decode("gb18030").startswith("2020年")


#: The corpus's files, listed here so each is a test of its own (checked against the builder).
FILENAMES = [
    "flows_issue_sheet.xlsx", "flows_name_variants.xlsx", "flows_yi_yuan.xlsx",
    "flows_total_wrong.xlsx", "flows_subtotals.xlsx", "flows_gb18030.csv", "flows_mixed.csv",
    "flows_unknown_name.xlsx", "flows_ambiguous.csv", "flows_cell_units.csv",
    "personnel_office.xlsx", "enterprises_office.xlsx", "donors_office.csv", "flows_options.xlsx",
    "flows_bad_kind.csv", "flows_wide.xlsx", "observations_wide.csv", "flows_wide_bad.xlsx",
]


def test_filename_list_matches_the_corpus(corpus):
    assert sorted(corpus[1]) == sorted(FILENAMES)


@pytest.mark.parametrize("filename", FILENAMES)
def test_office_file_imports_or_names_its_problem(store: Store, corpus, filename: str):
    directory, cases = corpus
    case = cases[filename]
    _office_ledger(store)
    before = store.read_table(case.table)
    options = OfficeOptions(**case.options)
    if case.problems:
        with pytest.raises(ImportValidationError) as caught:
            import_file(store, case.table, directory / filename, options=options)
        problems = caught.value.problems
        for row, column, reason in case.problems:
            assert any(p.row == row and p.column == column and reason in p.reason
                       and p.file.startswith(filename) for p in problems), (row, column, reason,
                                                                            problems)
        pd.testing.assert_frame_equal(store.read_table(case.table), before)
        return
    report = import_file(store, case.table, directory / filename, options=options)
    after = store.read_table(case.table)
    assert report.rows == len(case.rows) == len(after) - len(before)
    landed = set(after[list(case.columns)].astype(object).itertuples(index=False, name=None))
    for expected in case.rows:  # amounts compare exactly: == on the float the ledger holds
        assert expected in landed, (expected, sorted(landed, key=str))
    text = "\n".join(report.transformations)
    for note in case.notes:
        assert note in text, (note, text)


def test_ten_thousand_yuan_lands_exactly():
    cells = pd.Series(["1.2345", "0.07", "12501.3579", "0.1"])
    assert 0.07 * 10_000 != 700.0  # float arithmetic would store 700.0000000000001
    scaled, by_column, _ = scale_amounts(cells, "万元")
    assert [float(v) for v in scaled] == [12345.0, 700.0, 125013579.0, 1000.0]
    assert by_column == 4
    assert Decimal(scaled.iloc[2]) == Decimal("12501.3579") * 10_000


@pytest.mark.parametrize("text,year", [("2021年3月", "2021"), ("2021-03", "2021"),
                                       ("2021/3/15", "2021"), ("2021年", "2021"), ("2021年度", "2021"),
                                       ("2021年3月15日", "2021"),
                                       ("2021-03-15T00:00:00", "2021"), ("2021.5", None),
                                       ("March 2021", None)])
def test_dates_give_the_year(text, year):
    assert year_of(text) == year


def _resolver() -> NameResolver:
    donors = pd.DataFrame({"code": ["BJ", "TJ"], "name_zh": ["北京市", "天津市"],
                           "name_en": ["Beijing", "Tianjin"], "kind": "municipality"})
    regions = pd.DataFrame({
        "code": ["650000", "653200", "653201", "653221", "652922"],
        "name_zh": ["新疆维吾尔自治区", "和田地区", "和田市", "和田县", "温宿县"],
        "name_en": ["Xinjiang", "Hotan Prefecture", "Hotan City", "Hotan County", "Wensu County"],
        "level": ["province", "prefecture", "county", "county", "county"],
        "parent_code": [None, "650000", "653200", "653200", "650000"]})
    return NameResolver(donors, regions)


def test_name_resolver_reads_the_usual_variants():
    names = _resolver()
    for written in ("BJ", "北京市", "北京", "北京巿", "ＢＪ", "Beijing", " beijing ", "北 京 市"):
        assert names.donor(written) == "BJ", written
    assert names.region("和田县") == "653221"
    assert names.region("Hotan County") == "653221"
    assert names.region("温宿") == "652922"
    assert names.region("新疆") == "650000"
    assert names.region("和田", level="prefecture") == "653200"
    assert names.region("和田地区和田县") == "653221"
    assert names.region("新疆 温宿县") == "652922"
    # 温宿县 is not in 和田地区: the qualified name names nothing
    with pytest.raises(UnknownName):
        names.region("和田地区温宿县")


def test_name_resolver_lists_candidates_and_closest_names():
    names = _resolver()
    with pytest.raises(UnknownName) as ambiguous:
        names.region("和田")
    assert ambiguous.value.ambiguous
    assert set(ambiguous.value.candidates) == {"和田地区 (653200, prefecture)",
                                               "和田市 (653201, county)", "和田县 (653221, county)"}
    with pytest.raises(UnknownName) as unknown:
        names.donor("天律市")  # 津 mistyped as 律
    assert unknown.value.candidates[0] == "天津市 (TJ)"
    assert "closest: 天津市 (TJ)" in str(unknown.value)
    with pytest.raises(UnknownName, match="unknown region name '和田县城'.*closest: 和田县"):
        names.region("和田县城", level="county")


def test_name_resolver_from_the_ledger(sqlite_store: Store):
    _office_ledger(sqlite_store)
    names = NameResolver.from_store(sqlite_store)
    assert names.donor("天津") == "TJ"
    assert names.region("阿克苏市") == "652901"


def test_every_column_has_a_chinese_header():
    for name, spec in TABLES.items():
        lookup = header_lookup(name)
        for column in spec.column_names:
            chinese = chinese_header(name, column)
            assert chinese != column and any("\u4e00" <= ch <= "\u9fff" for ch in chinese), \
                (name, column)
            assert lookup[header_key(chinese)] == column, (name, column, chinese)
        # Chinese headers are distinct within a table: the template can be read back
        assert len({chinese_header(name, c) for c in spec.column_names}) == len(spec.column_names)


def test_dry_run_guesses_a_mapping_that_fixes_an_ambiguous_name(sqlite_store: Store, corpus,
                                                                 tmp_path: Path):
    directory, _ = corpus
    _office_ledger(sqlite_store)
    path = directory / "flows_ambiguous.csv"
    with pytest.raises(ImportValidationError) as caught:
        import_file(sqlite_store, "flows", path, dry_run=True)
    guessed: Mapping = caught.value.mapping
    assert guessed.regions == {"和田": ""} and guessed.donors == {"天津市": "TJ"}
    text = guessed.to_toml("mapping for flows_ambiguous.csv")
    assert '"和田" = ""  # \'和田\' names more than one region' in text
    edited = tmp_path / "mapping.toml"
    edited.write_text(text.replace('"和田" = ""', '"和田" = "653221"'), encoding="utf-8")
    mapping = Mapping.load(edited)
    assert mapping.columns["金额(万元)"] == "amount"
    report = import_file(sqlite_store, "flows", path, options=OfficeOptions(mapping=mapping))
    assert report.rows == 1
    flows = sqlite_store.read_table("flows")
    assert ((flows["recipient"] == "653221") & (flows["amount"] == 10_000.0)).sum() == 1


def test_mapping_renames_a_header_and_maps_a_value(sqlite_store: Store, tmp_path: Path):
    _office_ledger(sqlite_store)
    path = tmp_path / "odd.csv"
    path.write_text("出资单位,受援县,拨款额,年份,性质,领域\n北京市,和田市,2,2019,拨款,农业\n",
                    encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_file(sqlite_store, "flows", path)
    assert {p.column for p in caught.value.problems} >= {"出资单位", "拨款额", "性质"}
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text('amount_unit = "万元"\n[columns]\n"出资单位" = "donor"\n'
                            '"拨款额" = "amount"\n"性质" = "kind"\n[values.kind]\n'
                            '"拨款" = "disbursement"\n', encoding="utf-8")
    report = import_file(sqlite_store, "flows", path,
                         options=OfficeOptions(mapping=Mapping.load(mapping_file)))
    assert report.rows == 1
    flows = sqlite_store.read_table("flows")
    row = flows[flows["year"] == 2019].iloc[0]
    assert (row["donor"], row["kind"], row["amount"], row["currency"]) == \
        ("BJ", "disbursement", 20_000.0, "CNY")


def test_header_row_option_overrides_the_search(sqlite_store: Store, tmp_path: Path):
    _office_ledger(sqlite_store)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["援助方", "受援县"], ["说明：下表为明细"], ["援助方", "受援县", "金额（万元）", "年份",
                                                   "类型", "领域"],
                ["北京市", "和田市", 1, 2019, "拨付", "农业"]):
        sheet.append(row)
    book.save(tmp_path / "two_headers.xlsx")
    report = import_file(sqlite_store, "flows", tmp_path / "two_headers.xlsx",
                         options=OfficeOptions(header_row=3))
    assert report.rows == 1
    assert "header row 3 as given (--header-row)" in report.transformations


@pytest.mark.parametrize("suffix", (".xlsx", ".csv"))
def test_chinese_template_imports_as_written(sqlite_store: Store, tmp_path: Path, suffix: str):
    from pairaid.ingest.export import write_template

    load_mini(sqlite_store)
    path = write_template("flows", tmp_path / f"资金{suffix}", lang="zh")
    report = import_file(sqlite_store, "flows", path)
    assert report.rows == 1
    flows = sqlite_store.read_table("flows")
    row = flows[flows["ref"] == "TX-2015-0042"].iloc[0]
    assert (row["kind"], row["currency"], row["sector"], row["amount"]) == \
        ("disbursement", "CNY", "31120", 35_000_000.0)


def test_chinese_template_has_headers_drop_downs_and_notes(tmp_path: Path):
    from openpyxl import load_workbook

    from pairaid.ingest.export import write_template

    path = write_template("personnel", tmp_path / "人员.xlsx", lang="zh")
    book = load_workbook(path)
    assert book.sheetnames == ["personnel", "lists", "说明"]
    sheet = book["personnel"]
    assert [c.value for c in sheet[1]][:5] == ["援助方", "受援地", "年份", "人员类别", "人数"]
    rules = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert rules == {"D2:D2000": "'lists'!$D$1:$D$6"}
    offered = [book["lists"].cell(r, 4).value for r in range(1, 7)]
    assert offered == ["干部", "教师", "医生", "技术人员", "专家", "其他"]
    notes = [[c.value for c in row] for row in book["说明"].iter_rows()]
    assert ["人员类别", "category", "是"] == notes[4][:3]
    assert "教师 = teacher" in notes[4][3]


def test_a_sum_formula_in_the_total_row_is_no_error(sqlite_store: Store, tmp_path: Path):
    from openpyxl import Workbook

    _office_ledger(sqlite_store)
    book = Workbook()
    sheet = book.active
    for row in (["援助方", "受援县", "金额（万元）", "年份", "类型", "领域"],
                ["北京市", "和田市", 1.5, 2019, "拨付", "农业"],
                ["北京市", "和田市", 2.5, 2019, "拨付", "教育"],
                ["合计", None, "=SUM(C2:C3)", None, None, None]):
        sheet.append(row)
    book.save(tmp_path / "sum.xlsx")
    report = import_file(sqlite_store, "flows", tmp_path / "sum.xlsx")
    assert report.rows == 2
    assert "row 4: total row holds a formula (=SUM(C2:C3)): not checked" in report.transformations
    # a formula in a data row is still refused
    sheet["C2"] = "=1+0.5"
    book.save(tmp_path / "formula.xlsx")
    with pytest.raises(ImportValidationError, match="formula cell"):
        import_file(sqlite_store, "flows", tmp_path / "formula.xlsx")


def test_a_total_with_float_noise_still_matches(sqlite_store: Store, tmp_path: Path):
    _office_ledger(sqlite_store)
    path = tmp_path / "noise.csv"
    path.write_text("援助方,受援县,金额(万元),年份,类型,领域\n北京市,和田市,0.1,2019,拨付,农业\n"
                    "北京市,和田市,0.2,2019,拨付,教育\n合计,,0.30000000000000004,,,\n"
                    "北京市,和田市,0.2,2019,拨付,卫生\n总计,,0.51,,,\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_file(sqlite_store, "flows", path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(6, "amount")]
    assert "says 0.51 万元 but the 3 rows it covers add up to 0.5 万元" in caught.value.problems[0].reason


def test_every_chinese_value_name_maps_to_a_valid_code():
    from pairaid.ledger import codes

    for name, spec in TABLES.items():
        for column in spec.columns:
            if column.type not in ("enum", "sector"):
                continue
            valid = set(column.choices) if column.type == "enum" else set(codes.sectors())
            for written, code in value_aliases(name, column.name).items():
                assert code in valid, (name, column.name, written, code)


@pytest.mark.parametrize("text,message", [
    ("sheets = 'x'\n", "unknown entries sheets"),
    ("header_row = 0\n", "header_row must be a row number"),
    ("[donors]\n\"北京\" = 1\n", r"\[donors\] must map text to text"),
    ("[columns\n", "not valid TOML"),
])
def test_a_bad_mapping_file_is_named(tmp_path: Path, text: str, message: str):
    from pairaid.errors import InputError

    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        Mapping.load(path)


def test_mapping_round_trips_through_toml(tmp_path: Path):
    mapping = Mapping(sheet="2021年", header_row=3, amount_unit="万元",
                      columns={"援助方 \"甲\"": "donor"}, donors={"北京": "BJ"},
                      regions={"和田": ""}, values={"kind": {"拨付": "disbursement"}})
    path = tmp_path / "m.toml"
    path.write_text(mapping.to_toml("a title\\nsecond line"), encoding="utf-8")
    loaded = Mapping.load(path)
    assert (loaded.sheet, loaded.header_row, loaded.amount_unit) == ("2021年", 3, "万元")
    assert loaded.columns == {"援助方 \"甲\"": "donor"} and loaded.donors == {"北京": "BJ"}
    assert loaded.regions == {} and loaded.values == {"kind": {"拨付": "disbursement"}}


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["万元", "亿元", "千元"]))
def test_scaled_amounts_are_exact_whole_yuan(yuan_amount: int, unit: str):
    """Any whole-元 amount written in 万元/亿元/千元 lands as exactly that many 元."""
    from pairaid.ingest.units import SCALES

    written = format(Decimal(yuan_amount) / SCALES[unit], "f")
    scaled, _, _ = scale_amounts(pd.Series([written]), unit)
    assert float(scaled.iloc[0]) == float(yuan_amount)


def test_a_total_right_under_the_header_covers_the_rows_below(sqlite_store: Store, tmp_path: Path):
    _office_ledger(sqlite_store)
    path = tmp_path / "top.csv"
    path.write_text("援助方,受援县,金额(万元),年份,类型,领域\n合计,,3.5,,,\n"
                    "北京市,和田市,1.5,2019,拨付,农业\n北京市,和田市,2,2019,拨付,教育\n",
                    encoding="utf-8")
    report = import_file(sqlite_store, "flows", path)
    assert report.rows == 2
    assert ("row 2: total row '合计' checked against the 2 rows below (amount 3.5 万元) and not "
            "imported") in report.transformations
    # '4' may be 3.5 rounded to whole 万元 (within half its last digit); '3.4' may not
    path.write_text(path.read_text("utf-8").replace("3.5", "4"), encoding="utf-8")
    assert import_file(sqlite_store, "flows", path, mode="upsert", dry_run=True).rows == 2
    path.write_text(path.read_text("utf-8").replace(",4,", ",3.4,"), encoding="utf-8")
    with pytest.raises(ImportValidationError, match="says 3.4 万元 but the 2 rows it covers add up "
                                                    "to 3.5 万元"):
        import_file(sqlite_store, "flows", path, mode="upsert")
