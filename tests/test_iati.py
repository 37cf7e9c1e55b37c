"""IATI 2.03: export validates against the official XSD, export → import is the identity, the
official annotated example and two real published files import whole, broken files fail clearly.

Data: tests/data/iati/ — the IATI Standard's annotated 2.03 example (IATI/IATI-Extra-Documentation)
and AidData's geocoded Uganda and Honduras AIMS releases in IATI 2.03 (ODC-By 1.0, attribute
AidData; gzip-compressed copies of ../shared/data/iati/real, see AidData-LICENSE-excerpt.txt).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from typer.testing import CliRunner

from helpers import load_mini
from pairaid.cli.main import app
from pairaid.ingest.errors import ImportValidationError
from pairaid.ingest.iati import import_iati
from pairaid.ingest.iati.export import export_iati
from pairaid.ingest.iati.validate import validate_iati
from pairaid.ledger import Store

DATA = Path(__file__).parent / "data" / "iati"
EXAMPLE = DATA / "activity-standard-example-annotated.xml"
REAL = {"UG": DATA / "uganda_aims_geocoded_2.03.xml.gz",
        "HN": DATA / "honduras_aims_geocoded_2.03.xml.gz"}
KIND = {"2": "commitment", "3": "disbursement"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
runner = CliRunner()


def _compare(a: pd.DataFrame, b: pd.DataFrame, ignore: tuple[str, ...] = ()) -> None:
    columns = [c for c in a.columns if c not in ignore]
    left = a[columns].sort_values(columns).reset_index(drop=True)
    right = b[columns].sort_values(columns).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


# -- export and round trip ------------------------------------------------------------------

def test_mini_ledger_round_trip_on_both_backends(store, tmp_path):
    load_mini(store)
    path = tmp_path / "mini.xml"
    counts = export_iati(store, path, "XM-TEST")
    check = validate_iati(path)
    assert check.valid, check.errors[:5]
    assert counts["transactions"] == len(store.read_table("flows"))
    # the mini ledger's SH → Wensu enterprise row has no pairing to sit in: left out, and said
    assert (counts["personnel"], counts["enterprises"], counts["enterprises_unpaired"]) == (2, 1, 1)
    target = Store.open(tmp_path / "back.db")
    import_iati(target, [path])
    for table in ("pairings", "flows", "outputs", "projects", "personnel", "enterprises"):
        # a pairing's note and a flow's source say where the row came from; all else is equal
        mine = store.read_table(table)
        if table == "enterprises":
            mine = mine[mine["destination"] != "652922"]
        _compare(mine, target.read_table(table), ignore=("note", "source"))
    target.close()


def test_export_as_bytes_and_as_a_stream_is_the_file(store, tmp_path):
    """`export_iati_bytes` (for `/api/iati.xml`) is the document `export_iati` writes; the stream
    comes in one chunk per pairing (plus the closing tag), so it never holds the whole XML."""
    from pairaid.ingest.iati.export import export_iati_bytes, iati_chunks

    load_mini(store)
    path = tmp_path / "mini.xml"
    export_iati(store, path, "XM-TEST")
    stamp = re.compile(rb'(generated|last-updated)-datetime="[^"]+"')
    data = export_iati_bytes(store, "XM-TEST")
    assert stamp.sub(b"", data) == stamp.sub(b"", path.read_bytes())
    counts: dict = {}
    chunks = list(iati_chunks(store, "XM-TEST", counts))
    assert len(chunks) == len(store.read_table("pairings")) + 1
    assert chunks[-1].strip() == b"</iati-activities>"
    assert counts["activities"] == etree.fromstring(data).xpath("count(iati-activity)")


@pytest.fixture(scope="module")
def demo_export(report_demo_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("iati") / "demo.xml"
    with Store.open(report_demo_db, create=False) as store:
        export_iati(store, path, "XM-PAIRAID")
    return path


def test_demo_export_is_valid_labelled_and_honest_about_codes(demo_export, report_demo_db):
    """Valid against the XSD and the rules; SYNTHETIC in the comment and every activity (en, zh);
    sectors keep the vocabulary they have (5-digit → 1, 3-digit → 2); investment secured is an
    incoming commitment with its note; transaction types count as the ledger's flow kinds."""
    check = validate_iati(demo_export)
    assert check.valid and not check.errors and not check.warnings
    tree = etree.parse(str(demo_export))
    comment = next(c for c in tree.getroot() if isinstance(c, etree._Comment))
    assert "SYNTHETIC" in comment.text
    activities = tree.getroot().findall("iati-activity")
    assert activities
    for activity in activities:
        texts = [n.text for n in activity.findall("description/narrative")]
        assert any("SYNTHETIC" in t for t in texts) and any("合成" in t for t in texts)
        assert activity.find("location/administrative[@vocabulary='99']") is not None
        assert {n.get(XML_LANG) for n in activity.findall("title/narrative")} == {"zh", "en"}
    with Store.open(report_demo_db, create=False) as store:
        flows = store.read_table("flows")
    types = Counter(t.get("code") for t in tree.iter("transaction-type"))
    expected = flows["kind"].map({"commitment": "2", "disbursement": "3", "expenditure": "4",
                                  "investment_secured": "11"}).value_counts().to_dict()
    assert dict(types) == expected
    for sector in tree.iter("sector"):
        assert sector.get("vocabulary") == ("1" if len(sector.get("code")) == 5 else "2")
    incoming = [t for t in tree.iter("transaction") if t.find("transaction-type").get("code") == "11"]
    assert incoming and all("investment secured" in t.findtext(f"description/narrative[@{XML_LANG}='en']")
                            for t in incoming)


def test_demo_round_trip(demo_export, report_demo_db, tmp_path):
    target = Store.open(tmp_path / "back.db")
    report = import_iati(target, [demo_export])
    with Store.open(report_demo_db, create=False) as store:
        for table in ("pairings", "flows", "outputs", "projects", "personnel", "enterprises"):
            _compare(store.read_table(table), target.read_table(table), ignore=("note", "source"))
            assert len(target.read_table(table)) > 0, table
    assert report.flows == len(target.read_table("flows"))
    assert (report.personnel, report.enterprises) == (len(target.read_table("personnel")),
                                                      len(target.read_table("enterprises")))
    target.close()


# -- the official annotated example ---------------------------------------------------------

def test_annotated_example_every_transaction_budget_and_result_is_in_the_ledger(sqlite_store):
    """What the example holds (read off the file): one transaction (type 1 incoming funds,
    provider BB-BBB-123456789, 1000 EUR dated 2012-01-01, sector 111, recipient country TM); one
    budget (2014-01-01..2014-12-31, 3000 EUR); one result indicator (baseline 10 in 2012;
    period 2013-01-01..2013-03-31 target 10, actual 11)."""
    report = import_iati(sqlite_store, [EXAMPLE])
    flows = sqlite_store.read_table("flows")
    assert flows[["donor", "recipient", "year", "kind", "amount", "currency", "sector"]
                 ].values.tolist() == [["BB-BBB-123456789", "TM", 2012, "disbursement", 1000.0,
                                        "EUR", "111"]]
    project = sqlite_store.read_table("projects").iloc[0]
    assert (project["code"], project["budget"], project["currency"]) == \
        ("AA-AAA-123456789-ABC123", 3000.0, "EUR")
    assert project["start_year"] <= 2014 <= project["end_year"]  # the budget's period
    assert (project["start_year"], project["end_year"]) == (2012, 2015)  # actual start, planned end
    outputs = sqlite_store.read_table("outputs")
    assert outputs[["indicator", "year", "baseline", "target", "actual"]].values.tolist() == \
        [["Indicator title", 2013, 10.0, 10.0, 11.0]]
    assert report.transactions == 1 and report.flows == 1 and report.outputs == 1


def test_annotated_example_is_schema_valid_with_one_date_warning():
    check = validate_iati(EXAMPLE)
    assert check.valid
    assert [(w.row, w.column) for w in check.warnings] == [(265, "transaction-date")]
    assert "before the activity's start (2012-04-28)" in check.warnings[0].reason


# -- real published data -------------------------------------------------------------------

def _file_totals(path: Path) -> tuple[Counter, dict]:
    """Counts and sums per (type, currency), read with plain lxml, independently of pairaid."""
    counts, sums = Counter(), defaultdict(float)
    with gzip.open(path, "rb") as handle:
        for _event, transaction in etree.iterparse(handle, tag="transaction"):
            kind = KIND[transaction.find("transaction-type").get("code")]
            value = transaction.find("value")
            key = (kind, value.get("currency"))
            counts[key] += 1
            sums[key] += float(value.text)
            transaction.clear()
    return counts, sums


@pytest.fixture(scope="module", params=["UG", "HN"])
def real_import(request, tmp_path_factory):
    path = REAL[request.param]
    db = tmp_path_factory.mktemp("real") / "real.db"
    with Store.open(db) as store:
        report = import_iati(store, [path], default_country=request.param)
    return request.param, path, db, report


def test_real_file_every_commitment_and_disbursement_is_a_flow(real_import):
    country, path, db, report = real_import
    counts, sums = _file_totals(path)
    with Store.open(db, create=False) as store:
        flows = store.read_table("flows")
    # a transaction shared by several locations or sectors is several flows with one ref stem
    flows["transaction"] = flows["ref"].str.replace(r"@.*$", "", regex=True)
    for (kind, currency), count in counts.items():
        mine = flows[(flows["kind"] == kind) & (flows["currency"] == currency)]
        assert mine["transaction"].nunique() == count
        assert mine["amount"].sum() == pytest.approx(sums[(kind, currency)], rel=1e-12)
    assert set(flows["kind"]) == {k for k, _c in counts}
    assert {"UG": (1851, 4526), "HN": (1156, 2029)}[country] == (
        counts[("commitment", "USD")], counts[("disbursement", "USD")])  # as the data README says
    assert report.transactions == sum(counts.values())


def test_real_file_donors_and_places(real_import):
    country, path, db, _report = real_import
    with gzip.open(path, "rb") as handle:
        tree = etree.parse(handle)
    funders = {p.findtext("narrative") for p in tree.iter("participating-org")}
    geonames = {f"G1-{i.get('code')}" for i in tree.iter("location-id")}
    with Store.open(db, create=False) as store:
        donors = store.read_table("donors")
        regions = store.read_table("regions")
    assert funders <= set(donors["name_en"])
    assert geonames <= set(regions["code"])
    assert (regions.loc[regions["code"].isin(geonames), "parent_code"].dropna() == country).all()


def test_real_file_summary_panel_and_equity_run(real_import, tmp_path):
    country, _path, db, _report = real_import
    summary = runner.invoke(app, ["summary", "--db", str(db), "--currency", "USD", "--json"])
    assert summary.exit_code == 0, summary.output
    document = json.loads(summary.stdout)
    assert "disbursed" in json.dumps(document).lower()
    panel_path = tmp_path / "panel.csv"
    panel = runner.invoke(app, ["panel", "--db", str(db), "--currency", "USD", "-o", str(panel_path)])
    assert panel.exit_code == 0, panel.output
    frame = pd.read_csv(panel_path)
    assert frame["unit"].str.startswith("G1-").all() and frame["funds_disbursement"].sum() > 0
    equity = runner.invoke(app, ["equity", "--data", str(panel_path), "--value",
                                 "funds_disbursement", "--year", "2010", "--json"])
    assert equity.exit_code == 0, equity.output
    gini = json.loads(equity.stdout)
    assert 0 < float(re.search(r'"gini"[^0-9]*([0-9.]+)', json.dumps(gini)).group(1)) < 1


# -- broken files -----------------------------------------------------------------------------

GOOD_ACTIVITY = """<iati-activity default-currency="USD">
  <iati-identifier>XM-T-1</iati-identifier>
  <reporting-org ref="XM-T" type="10"><narrative>T</narrative></reporting-org>
  <title><narrative>t</narrative></title>
  <participating-org role="1" ref="XM-D"><narrative>Donor</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="2015-01-01"/>
  <recipient-country code="UG" percentage="100"/>
  <sector vocabulary="1" code="31120" percentage="100"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2015-06-30"/>
    <value value-date="2015-06-30">{amount}</value></transaction>
</iati-activity>"""


def _file(tmp_path: Path, body: str, name: str = "f.xml", version: str = "2.03",
          root: str = "iati-activities") -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0"?>\n<{root} version="{version}">\n{body}\n</{root.split()[0]}>',
                    encoding="utf-8")
    return path


def _truncated(folder: Path) -> Path:
    path = folder / "t.xml"
    path.write_text('<?xml version="1.0"?>\n<iati-activities version="2.03">\n<iati-activity>\n'
                    '<iati-identifier>X', "utf-8")
    return path


BROKEN = {
    "truncated": (lambda p: _truncated(p), r"t\.xml:4:column \d+: malformed XML"),
    "wrong namespace": (lambda p: _file(p, GOOD_ACTIVITY.format(amount=1),
                                        root='iati-activities xmlns="urn:x"'),
                        "in the namespace 'urn:x'"),
    "version 1.05": (lambda p: _file(p, GOOD_ACTIVITY.format(amount=1), version="1.05"),
                     "IATI version 1.05: pairaid reads IATI 2.01–2.03"),
    "not IATI": (lambda p: _file(p, "<x/>", root="catalogue"), "not an IATI activity file"),
    "missing identifier": (lambda p: _file(p, GOOD_ACTIVITY.format(amount=1).replace(
        "<iati-identifier>XM-T-1</iati-identifier>", "")), "f.xml:3:iati-activity/iati-identifier: "
        "the activity has no iati-identifier"),
    "bad date": (lambda p: _file(p, GOOD_ACTIVITY.format(amount=1).replace(
        'iso-date="2015-06-30"', 'iso-date="30/06/2015"')), r"f\.xml:12:transaction/"
        r"transaction-date: '30/06/2015' is not an ISO date"),
    "bad amount": (lambda p: _file(p, GOOD_ACTIVITY.format(amount="1,000")),
                   r"f\.xml:12:transaction/value: '1,000' is not a number"),
    "no currency": (lambda p: _file(p, GOOD_ACTIVITY.format(amount=1).replace(
        ' default-currency="USD"', "")), r"transaction/value@currency: no currency"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_gives_its_clear_error_and_writes_nothing(case, store, tmp_path):
    make, message = BROKEN[case]
    path = make(tmp_path)
    before = store.counts()
    with pytest.raises(ImportValidationError) as raised:
        import_iati(store, [path])
    assert re.search(message, raised.value.message()), raised.value.message()
    assert store.counts() == before


def test_good_file_of_the_corpus_imports(store, tmp_path):
    report = import_iati(store, [_file(tmp_path, GOOD_ACTIVITY.format(amount="1500.5"))])
    flows = store.read_table("flows")
    assert flows[["donor", "recipient", "year", "kind", "amount", "currency", "sector"]
                 ].values.tolist() == [["XM-D", "UG", 2015, "disbursement", 1500.5, "USD", "31120"]]
    assert report.flows == 1


def test_negative_transaction_is_kept_as_a_correction(store, tmp_path):
    body = GOOD_ACTIVITY.format(amount="-250") .replace("</iati-activity>", "") + \
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2015-07-01"/>' \
        '<value>1000</value></transaction></iati-activity>'
    import_iati(store, [_file(tmp_path, body)])
    assert sorted(store.read_table("flows")["amount"]) == [-250.0, 1000.0]


def test_office_import_still_refuses_negative_amounts(store):
    from pairaid.ingest import import_frames

    load_mini(store)
    flows = store.read_table("flows").head(1).assign(amount=-5.0, ref="neg")
    with pytest.raises(ImportValidationError, match="amount"):
        import_frames(store, {"flows": flows})


# -- validation rules and the CLI ---------------------------------------------------------------

def test_validate_names_rule_breaks_with_lines(tmp_path):
    body = GOOD_ACTIVITY.format(amount=1).replace("<iati-identifier>XM-T-1", "<iati-identifier>ZZ-1") \
        .replace('<sector vocabulary="1" code="31120" percentage="100"/>',
                 '<sector vocabulary="1" code="31120" percentage="60"/>'
                 '<sector vocabulary="1" code="31130" percentage="30"/>') \
        .replace(' default-currency="USD"', "")
    check = validate_iati(_file(tmp_path, body))
    reasons = {(p.row, p.column): p.reason for p in check.errors}
    assert "does not begin with the reporting-org ref 'XM-T'" in reasons[(3, "iati-identifier")]
    assert "vocabulary 1 sum to 90, not 100" in reasons[(3, "sector@percentage")]
    assert "no currency" in reasons[(13, "value@currency")]


def test_validate_reports_schema_errors_with_their_line(tmp_path):
    body = GOOD_ACTIVITY.format(amount=1).replace("<activity-status code=\"2\"/>", "") \
        .replace("<title>", '<activity-status code="2"/><title>')  # out of the schema's order
    check = validate_iati(_file(tmp_path, body))
    assert not check.valid
    assert any(p.reason.startswith("schema: Element 'activity-status': This element is not expected")
               and p.row == 6 for p in check.errors)


def test_cli_export_validate_import(tmp_path):
    db = tmp_path / "l.db"
    with Store.open(db) as store:
        load_mini(store)
    out = tmp_path / "x.xml"
    exported = runner.invoke(app, ["iati", "export", "--db", str(db), "-o", str(out), "--json"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["valid"] is True
    assert runner.invoke(app, ["iati", "validate", str(out)]).exit_code == 0
    bad = _file(tmp_path, GOOD_ACTIVITY.format(amount=1).replace("<iati-identifier>XM-T-1", "<iati-identifier>ZZ-1"))
    assert runner.invoke(app, ["iati", "validate", str(bad)]).exit_code == 1
    target = tmp_path / "t.db"
    Store.open(target).close()  # an empty ledger to check against
    dry = runner.invoke(app, ["iati", "import", str(out), "--db", str(target), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["dry_run"] is True
    with Store.open(target) as store:
        assert store.counts()["flow"] == 0
    broken = runner.invoke(app, ["iati", "import", str(bad).replace("f.xml", "missing.xml"),
                                 "--db", str(target)])
    assert broken.exit_code == 2 and "cannot read the file" in broken.output


def test_importing_the_same_file_twice_is_refused_whole(store, tmp_path):
    path = _file(tmp_path, GOOD_ACTIVITY.format(amount="10"))
    import_iati(store, [path])
    before = store.counts()
    with pytest.raises(ImportValidationError, match="already in the ledger .*imported before"):
        import_iati(store, [path])
    assert store.counts() == before


def test_malformed_xml_mid_file_names_line_and_column_and_writes_nothing(store, tmp_path):
    good = "\n".join(GOOD_ACTIVITY.format(amount=i + 1).replace("XM-T-1", f"XM-T-{i}")
                     for i in range(3))
    broken = GOOD_ACTIVITY.format(amount=9).replace("XM-T-1", "XM-T-9").replace(
        "<title><narrative>t</narrative></title>", "<title><narrative>t</title>")
    path = _file(tmp_path, f"{good}\n{broken}\n{good}")
    line = path.read_text("utf-8").splitlines().index("  <title><narrative>t</title>") + 1
    before = store.counts()
    with pytest.raises(ImportValidationError) as raised:
        import_iati(store, [path])
    assert re.search(rf"f\.xml:{line}:column \d+: malformed XML: .*mismatch", raised.value.message())
    assert store.counts() == before


def test_a_bad_row_in_a_later_batch_rolls_back_the_batches_written_before(store, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 1)
    activities = [GOOD_ACTIVITY.format(amount=i + 1).replace("XM-T-1", f"XM-T-{i}")
                  for i in range(3)]
    # the reader only asks that a currency be given; the ledger's validator knows ISO 4217
    activities[2] = activities[2].replace('default-currency="USD"', 'default-currency="XXY"')
    path = _file(tmp_path, "\n".join(activities))
    line = 2 + sum(a.count("\n") + 1 for a in activities[:2]) + 10  # the third's transaction
    before = store.counts()
    with pytest.raises(ImportValidationError) as raised:
        import_iati(store, [path])
    assert re.search(rf"f\.xml:{line}:flows\.currency: 'XXY' is not an ISO 4217 currency code",
                     raised.value.message()), raised.value.message()
    assert store.counts() == before
