"""Valid imports on both backends: every file format and encoding, templates, dry runs, upserts,
the database's own constraints, and floats that must survive to the last bit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from helpers import fresh_ledger, load_mini, mini_ledger_frames
from pairaid.ingest import TABLE_ORDER, ImportValidationError, import_file, import_frames
from pairaid.ingest.export import write_frame, write_template
from pairaid.ledger import Store

FORMATS = ("csv-utf8", "csv-bom", "csv-gb18030", "xlsx", "parquet", "json")
REFERENCE_REASONS = ("unknown donor code", "unknown region code", "unknown indicator code",
                     "unknown project code")
#: Doubles whose shortest decimal form needs 16 or 17 digits (or is subnormal).
MANY_DIGITS = (0.1 + 0.2, 1 / 3, 123456789.123456789, 2 / 3 * 1e15, 1e-12 / 3, 5e-324,
               2.2250738585072014e-308, 999999999999999.9)


@pytest.fixture(scope="module")
def mini_tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """`read_table` of every table of the mini ledger loaded from frames (on SQLite)."""
    with fresh_ledger("sqlite", tmp_path_factory.mktemp("reference")) as ledger:
        load_mini(ledger)
        return {name: ledger.read_table(name) for name in TABLE_ORDER}


def _write(frame: pd.DataFrame, directory: Path, name: str, fmt: str) -> Path:
    """`frame` as an import file in one of FORMATS (CSVs as pandas writes them, floats and all)."""
    if fmt.startswith("csv"):
        encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[fmt]
        path = directory / f"{name}.csv"
        path.write_bytes(frame.to_csv(index=False, lineterminator="\r\n").encode(encoding))
        return path
    return write_frame(frame, directory / f"{name}.{fmt}")


def _assert_ledger_equals(store: Store, expected: dict[str, pd.DataFrame]) -> None:
    for name in TABLE_ORDER:
        pd.testing.assert_frame_equal(store.read_table(name), expected[name], check_exact=True,
                                      obj=name)


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_ledger_imports_from_files(store: Store, tmp_path: Path, fmt: str, mini_tables):
    frames = mini_ledger_frames()
    for name in TABLE_ORDER:
        report = import_file(store, name, _write(frames[name], tmp_path, name, fmt))
        assert (report.rows, report.new, report.updated) == (len(frames[name]), len(frames[name]), 0)
    _assert_ledger_equals(store, mini_tables)


def test_gb18030_file_keeps_chinese_names(store: Store, tmp_path: Path):
    path = tmp_path / "donors.csv"
    path.write_bytes("code,name_zh,name_en,kind\r\nGD,广东省,Guangdong,province\r\n"
                     "XJBT,新疆生产建设兵团,XPCC,other\r\n".encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really not UTF-8
    import_file(store, "donors", path)
    donors = store.read_table("donors").set_index("code")
    assert donors.loc["GD", "name_zh"] == "广东省"
    assert donors.loc["XJBT", "name_zh"] == "新疆生产建设兵团"


def test_bom_is_not_part_of_the_first_column_name(store: Store, tmp_path: Path):
    path = tmp_path / "donors.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "code,name_zh,name_en,kind\nGD,广东省,Guangdong,province\n"
                     .encode("utf-8"))
    import_file(store, "donors", path)
    assert store.read_table("donors")["code"].tolist() == ["GD"]


def test_thousands_separators_are_accepted(store: Store, tmp_path: Path):
    load_mini(store)
    path = tmp_path / "flows.csv"
    path.write_text('donor,recipient,year,kind,amount,currency,sector,ref\n'
                    'BJ,653201,2012,commitment,"1,234,567.5",CNY,111,a\n'
                    'BJ,653201,2012,commitment,"12,000",CNY,111,b\n'
                    'BJ,653201,2012,commitment,999,CNY,111,c\n', encoding="utf-8")
    import_file(store, "flows", path)
    flows = store.read_table("flows")
    amounts = flows[flows["year"] == 2012].set_index("ref")["amount"]
    assert amounts.to_dict() == {"a": 1234567.5, "b": 12000.0, "c": 999.0}


def test_blank_and_note_lines_are_not_data(store: Store, tmp_path: Path):
    load_mini(store)
    path = tmp_path / "donors.csv"
    path.write_text("# exported by hand\n# 2 donors\ncode,name_zh,name_en,kind\n"
                    "GD,广东省,Guangdong,province\n\n,,,\nZJ,浙江省,Zhejiang,province\n\n")
    report = import_file(store, "donors", path)
    assert report.rows == 2
    assert set(store.read_table("donors")["code"]) == {"BJ", "SH", "GD", "ZJ"}


@pytest.mark.parametrize("fmt", ("csv", "xlsx", "parquet", "json"))
def test_templates_on_an_empty_ledger_fail_only_on_references(store: Store, tmp_path: Path,
                                                              fmt: str):
    imported = []
    for name in TABLE_ORDER:
        path = write_template(name, tmp_path / f"{name}.{fmt}")
        try:
            report = import_file(store, name, path, dry_run=True)
        except ImportValidationError as error:
            unexpected = [p for p in error.problems
                          if not any(r in p.reason for r in REFERENCE_REASONS)]
            assert not unexpected, f"{name}: {unexpected}"
            if fmt == "csv":  # the example row sits under the '#' note lines and the header
                notes = path.read_text("utf-8-sig").count("\n# ") + 1
                assert {p.row for p in error.problems} == {notes + 2}
        else:
            assert report.rows == 1
            imported.append(name)
    assert set(imported) == {"donors", "indicators", "rates", "prices"}
    assert all(n == 0 for n in store.counts().values())


@pytest.mark.parametrize("fmt", ("csv", "xlsx"))
def test_templates_import_when_their_references_exist(store: Store, tmp_path: Path, fmt: str):
    load_mini(store)
    for name in TABLE_ORDER:
        path = write_template(name, tmp_path / f"{name}.{fmt}")
        if name == "crosswalk":  # its example names region 650402, which the mini ledger lacks
            with pytest.raises(ImportValidationError, match="unknown region code '650402'"):
                import_file(store, name, path, mode="upsert")
            continue
        report = import_file(store, name, path, mode="upsert")
        assert report.rows == 1, name
    projects = store.read_table("projects").set_index("code")
    assert projects.loc["BJ-HT-2015-001", "title"] == "Hotan drip-irrigation extension"


def test_dry_run_reports_counts_and_writes_nothing(store: Store, tmp_path: Path):
    load_mini(store)
    counts = store.counts()
    path = tmp_path / "flows.csv"
    path.write_text("donor,recipient,year,kind,amount,currency,sector\n"
                    "BJ,653201,2012,commitment,1000,CNY,111\n"
                    "BJ,653201,2015,disbursement,5,CNY,31120\n")  # the second is in the ledger
    report = import_file(store, "flows", path, mode="upsert", dry_run=True)
    assert (report.rows, report.new, report.updated, report.dry_run) == (2, 1, 1, True)
    assert "would import 2 flows rows (1 new, 1 updated)" in str(report)
    assert store.counts() == counts
    assert 35_000_000.0 in store.read_table("flows")["amount"].tolist()


def test_dry_run_of_a_whole_ledger_validates_later_tables_against_earlier_ones(store: Store):
    reports = import_frames(store, mini_ledger_frames(), dry_run=True)
    assert [r.table for r in reports] == list(TABLE_ORDER)
    assert all(r.dry_run and r.new == r.rows > 0 for r in reports)
    assert all(n == 0 for n in store.counts().values())


def test_upsert_updates_existing_rows_and_adds_new_ones(store: Store, tmp_path: Path):
    load_mini(store)
    counts = store.counts()
    path = tmp_path / "flows.csv"
    path.write_text("donor,recipient,year,kind,amount,currency,sector,ref,source\n"
                    "BJ,653201,2015,disbursement,36000000,CNY,31120,,revised report\n"
                    "SH,652901,2016,disbursement,99,USD,12220,TX-2,\n"
                    "BJ,653201,2012,commitment,1000,CNY,111,,new\n")
    report = import_file(store, "flows", path, mode="upsert")
    assert (report.rows, report.new, report.updated) == (3, 1, 2)
    assert store.counts()["flow"] == counts["flow"] + 1
    flows = store.read_table("flows").set_index(["year", "kind", "ref"])
    assert flows.loc[(2015, "disbursement", ""), "amount"] == 36_000_000.0
    assert flows.loc[(2015, "disbursement", ""), "source"] == "revised report"
    assert flows.loc[(2016, "disbursement", "TX-2"), "amount"] == 99.0
    assert flows.loc[(2012, "commitment", ""), "amount"] == 1000.0


def test_upsert_counts_a_row_that_changes_nothing_as_unchanged_not_updated(store: Store,
                                                                            tmp_path: Path):
    load_mini(store)
    flows = store.read_table("flows")
    same = flows[(flows["year"] == 2015) & (flows["kind"] == "disbursement")
                 & (flows["donor"] == "BJ")].head(1)
    assert len(same) == 1
    path = tmp_path / "flows.csv"
    same.to_csv(path, index=False)
    report = import_file(store, "flows", path, mode="upsert")
    assert (report.rows, report.new, report.updated, report.unchanged) == (1, 0, 0, 1)
    assert "(0 new, 0 updated, 1 unchanged)" in str(report)
    assert report.to_dict()["unchanged"] == 1
    same.assign(amount=same["amount"] + 1).to_csv(path, index=False)  # same key, new amount
    report = import_file(store, "flows", path, mode="upsert")
    assert (report.rows, report.new, report.updated, report.unchanged) == (1, 0, 1, 0)


def test_upsert_of_code_keyed_table(store: Store):
    load_mini(store)
    regions = pd.DataFrame({"code": ["653221", "653222"], "name_zh": ["和田县", "墨玉县"],
                            "name_en": ["Hotan County (renamed)", "Moyu County"],
                            "level": ["county", "county"], "parent_code": ["653200", "653200"]})
    (report,) = import_frames(store, {"regions": regions}, mode="upsert")
    assert (report.new, report.updated) == (1, 1)
    names = store.read_table("regions").set_index("code")["name_en"]
    assert names["653221"] == "Hotan County (renamed)" and names["653222"] == "Moyu County"


def test_append_of_an_existing_row_fails_and_upsert_of_it_succeeds(store: Store, tmp_path: Path):
    load_mini(store)
    path = tmp_path / "personnel.csv"
    path.write_text("donor,recipient,year,category,headcount\nBJ,653201,2015,teacher,50\n")
    with pytest.raises(ImportValidationError, match=r"personnel.csv:2:donor: already in the ledger"):
        import_file(store, "personnel", path)
    assert store.read_table("personnel")["headcount"].tolist() == [45, 12]
    import_file(store, "personnel", path, mode="upsert")
    assert store.read_table("personnel")["headcount"].tolist() == [50, 12]


def _pairing_id(store: Store) -> int:
    return int(store.pairings()["id"].min())


# Each statement breaks one database constraint; validation normally stops such rows first.
BAD_INSERTS = {
    # negative amounts are corrections (IATI reversals) since migration 0003; beyond -1e15 is not
    "amount below -1e15": "INSERT INTO flow (pairing_id, year, kind, amount, currency, sector, ref) "
                          "VALUES (:pid, 2015, 'commitment', -1e16, 'CNY', '111', 'x')",
    "amount above 1e15": "INSERT INTO flow (pairing_id, year, kind, amount, currency, sector, ref) "
                         "VALUES (:pid, 2015, 'commitment', 1e16, 'CNY', '111', 'x')",
    "year 1800": "INSERT INTO observation (region_code, year, indicator_code, value, source) "
                 "VALUES ('653201', 1800, 'population', 1, 's')",
    "year 3000": "INSERT INTO flow (pairing_id, year, kind, amount, currency, sector, ref) "
                 "VALUES (:pid, 3000, 'commitment', 1, 'CNY', '111', 'x')",
    "unknown pairing": "INSERT INTO flow (pairing_id, year, kind, amount, currency, sector, ref) "
                       "VALUES (999999, 2015, 'commitment', 1, 'CNY', '111', 'x')",
    "unknown region": "INSERT INTO observation (region_code, year, indicator_code, value, source) "
                      "VALUES ('000000', 2015, 'population', 1, 's')",
    "unknown donor": "INSERT INTO pairing (donor_code, recipient_code, start_year, round) "
                     "VALUES ('XX', '653201', 2010, 2011)",
    "duplicate natural key": "INSERT INTO personnel (pairing_id, year, category, headcount) "
                             "SELECT pairing_id, year, category, 1 FROM personnel",
    "end before start": "INSERT INTO pairing (donor_code, recipient_code, start_year, end_year, "
                        "round) VALUES ('BJ', '653221', 2015, 2012, 2015)",
    "negative headcount": "INSERT INTO personnel (pairing_id, year, category, headcount) "
                          "VALUES (:pid, 2001, 'cadre', -1)",
    "budget without currency": "INSERT INTO project (code, pairing_id, title, sector, start_year, "
                               "budget, status) VALUES ('P', :pid, 't', '111', 2000, 5, 'planned')",
    "rate in its own currency": "INSERT INTO rate (currency, base, year, rate) "
                                "VALUES ('CNY', 'CNY', 2015, 1)",
    "unknown flow kind": "INSERT INTO flow (pairing_id, year, kind, amount, currency, sector, ref) "
                         "VALUES (:pid, 2015, 'grant', 1, 'CNY', '111', 'x')",
}


@pytest.mark.parametrize("statement", BAD_INSERTS.values(), ids=BAD_INSERTS.keys())
def test_database_constraints_reject_raw_inserts(mini_store: Store, statement: str):
    store = mini_store
    counts = store.counts()
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as conn:
            params = {"pid": _pairing_id(store)} if ":pid" in statement else {}
            conn.execute(sa.text(statement), params)
    assert store.counts() == counts


def test_a_valid_raw_insert_passes_the_same_constraints(store: Store):
    load_mini(store)
    with store.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO flow (pairing_id, year, kind, amount, currency, sector, "
                             "ref) VALUES (:pid, 2015, 'commitment', 0, 'CNY', '111', 'x')"),
                     {"pid": _pairing_id(store)})
    assert store.counts()["flow"] == 5


@pytest.mark.parametrize("fmt", ("csv-utf8", "xlsx", "parquet", "json"))
def test_floats_with_many_digits_survive_import_and_export(store: Store, tmp_path: Path,
                                                           fmt: str):
    load_mini(store)
    n = len(MANY_DIGITS)
    observations = pd.DataFrame({
        "region": "652922", "year": range(2001, 2001 + n), "indicator": "rural_income",
        "value": [v if i % 2 else -v for i, v in enumerate(MANY_DIGITS)], "source": "digits"})
    flows = pd.DataFrame({
        "donor": "SH", "recipient": "652901", "year": 2016, "kind": "expenditure",
        "amount": MANY_DIGITS, "currency": "CNY", "sector": "111",
        "ref": [f"d{i}" for i in range(n)]})
    if fmt.startswith("csv"):  # the text a person would type: repr's shortest exact digits
        observations["value"] = observations["value"].map(repr)
        flows["amount"] = flows["amount"].map(repr)
    import_file(store, "observations", _write(observations, tmp_path, "observations", fmt))
    import_file(store, "flows", _write(flows, tmp_path, "flows", fmt))

    def stored() -> tuple[list[float], list[float]]:
        obs = store.read_table("observations")
        flw = store.read_table("flows")
        return (obs.loc[obs["source"] == "digits", "value"].tolist(),
                flw.loc[flw["kind"] == "expenditure", "amount"].tolist())

    values, amounts = stored()
    assert sorted(values) == sorted(v if i % 2 else -v for i, v in enumerate(MANY_DIGITS))
    assert sorted(amounts) == sorted(MANY_DIGITS)

    exported = {t: write_frame(store.read_table(t), tmp_path / "out" / f"{t}.{fmt.split('-')[0]}")
                for t in ("observations", "flows")}
    for table in ("flows", "observations"):  # replace the rows with their exported selves
        import_file(store, table, exported[table], mode="upsert")
    assert stored() == (values, amounts)
