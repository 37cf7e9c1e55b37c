"""IATI import written while the file is read (issue 16): the journal verifies after it, the
pairings span rows written in different batches, a repeat found by the database's unique index
in a later batch names its line and rolls back every batch before it. Each with the file read
in this process and in a forked reading process (`beside.py`), which must write the same
ledger; what goes wrong in either process reaches the caller and writes nothing."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from pairaid.ingest.errors import ImportValidationError
from pairaid.ingest.iati import beside, import_iati, load
from pairaid.ledger import journal
from pairaid.ledger.journal_read import verify

ACTIVITY = """<iati-activity default-currency="USD">
  <iati-identifier>XM-S-{i}</iati-identifier>
  <reporting-org ref="XM-S" type="10"><narrative>S</narrative></reporting-org>
  <title><narrative>activity {i}</narrative></title>
  <participating-org role="1" ref="XM-D{donor}"><narrative>Donor {donor}</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="{year}-01-01"/>
  <recipient-country code="UG" percentage="100"/>
  <location><location-id vocabulary="G1" code="{place}"/><name><narrative>P{place}</narrative></name></location>
  <location><location-id vocabulary="G1" code="{other}"/><name><narrative>P{other}</narrative></name></location>
  <sector vocabulary="1" code="31120" percentage="60"/>
  <sector vocabulary="1" code="11110" percentage="40"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="{year}-06-30"/>
    <value>{amount}</value></transaction>
  <transaction><transaction-type code="2"/><transaction-date iso-date="{year}-07-01"/>
    <value>1000</value></transaction>
</iati-activity>"""


def _file(tmp_path: Path, activities: list[str], name: str = "s.xml") -> Path:
    path = tmp_path / name
    path.write_text('<?xml version="1.0"?>\n<iati-activities version="2.03">\n'
                    + "\n".join(activities) + "\n</iati-activities>\n", encoding="utf-8")
    return path


def _fork_always(monkeypatch) -> None:
    """Fork the reader whatever the file's size, and whatever threads earlier tests of this
    worker left running (a test web server's, say): `can_fork` refuses while any runs, and
    these tests are about what happens once forked."""
    monkeypatch.setattr(beside, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(beside, "can_fork", lambda: True)


@pytest.fixture(params=["here", "forked"])
def reading(request, monkeypatch) -> str:
    """Where the file is read: in this process, or in a forked one whatever its size."""
    if request.param == "forked":
        _fork_always(monkeypatch)
    else:
        monkeypatch.setattr(beside, "FORK_MIN_BYTES", 1 << 62)
    monkeypatch.setattr(beside, "last_reader_usage", None)
    return request.param


def _activities(count: int) -> list[str]:
    # amounts: a reversal, a negative zero and whole numbers (how SQLite gives them back is
    # what the journal must digest), years spread so a pairing's span grows batch by batch
    amounts = ["-250.5", "-0", "12", "3.25"]
    return [ACTIVITY.format(i=i, donor=i % 3, place=100 + i % 5, other=200 + i % 7,
                            year=2000 + (i * 7) % 15, amount=amounts[i % 4])
            for i in range(count)]


@pytest.mark.parametrize("digested_by", ["reader", "writer"])
def test_journal_verifies_after_an_import_written_in_many_batches(store, tmp_path, monkeypatch,
                                                                  reading, digested_by):
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 1500)
    # which side digests a batch's flows depends on which is behind (sink.Sink.flush): both
    monkeypatch.setattr("pairaid.ingest.iati.sink.BEHIND_SECONDS",
                        -1.0 if digested_by == "reader" else 1e9)
    seen = []
    record = journal.record_written

    def recording(store, conn, table, *args, **kwargs):
        if table == "flow" and kwargs["rows"] > journal.BULK_ROWS:
            seen.append(kwargs.get("digest") is not None)
        return record(store, conn, table, *args, **kwargs)

    monkeypatch.setattr(journal, "record_written", recording)
    report = import_iati(store, [_file(tmp_path, _activities(400))])
    # 400 activities × 2 transactions × 2 places × 2 sectors
    assert report.flows == 3200 == len(store.read_table("flows"))
    result = verify(store)
    assert result.ok, result.problem
    bulk = store.query("SELECT table_name, COUNT(*) AS n FROM journal WHERE key = '*' "
                       "GROUP BY table_name")
    assert dict(zip(bulk["table_name"], bulk["n"])) == {"flow": 2}  # 1,500 + 1,500 (+ 200 rows)
    if store.backend == "sqlite":  # (PostgreSQL's rows are journaled by Store.write)
        # the first batch is digested by the reader (nothing was sent before it); in one
        # process every batch (the writing is the sending: neither side waits)
        assert seen == [True, digested_by == "reader" or reading == "here"]


def test_a_pairing_spans_the_years_of_rows_written_in_different_batches(store, tmp_path,
                                                                         monkeypatch, reading):
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 7)
    import_iati(store, [_file(tmp_path, _activities(60))])
    flows = store.read_table("flows")
    spans = flows.groupby(["donor", "recipient"])["year"].agg(["min", "max"])
    pairings = store.read_table("pairings").set_index(["donor", "recipient"])
    # donor i % 3 with place i % 5 and with place i % 7: 15 + 21 pairs over 60 activities
    assert len(pairings) == len(spans) == 15 + 21
    joined = spans.join(pairings)
    assert (joined["start_year"] == joined["min"]).all()
    assert (joined["end_year"] == joined["max"]).all()
    assert (joined["round"] == joined["min"]).all()
    assert verify(store).ok


def test_a_repeat_in_a_later_batch_names_its_line_and_writes_nothing(store, tmp_path,
                                                                     monkeypatch, reading):
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 4)
    activities = _activities(12)
    activities.append(activities[0])  # the same activity again: its project and flows repeat
    path = _file(tmp_path, activities)
    line = 3 + sum(a.count("\n") + 1 for a in activities[:12])
    before = store.counts()
    with pytest.raises(ImportValidationError) as raised:
        import_iati(store, [path])
    message = raised.value.message()
    if store.backend == "sqlite":  # the batch refused is looked at row by row
        assert re.search(rf"s\.xml:{line}:projects: repeats a row written earlier in this "
                         r"import \(same code\)", message), message
    else:  # PostgreSQL's transaction is aborted by the refusal: nothing more can be asked
        assert "already in the ledger or repeated in this file" in message, message
    assert store.counts() == before


OWN_PAIRING = """<iati-activity default-currency="USD">
  <iati-identifier>XM-S-own</iati-identifier>
  <reporting-org ref="XM-S" type="10"><narrative>S</narrative></reporting-org>
  <title><narrative>own pairing</narrative></title>
  <other-identifier ref="pairing:XM-D1:G1-100:2005" type="A1"/>
  <participating-org role="1" ref="XM-D1"><narrative>Donor 1</narrative></participating-org>
  <activity-date type="2" iso-date="2005-01-01"/>
  <location><location-id vocabulary="G1" code="100"/><name><narrative>P</narrative></name></location>
  <sector vocabulary="1" code="31120" percentage="100"/>
  <transaction ref="T1"><transaction-type code="3"/><transaction-date iso-date="2008-06-30"/>
    <value>5</value></transaction>
  <transaction ref="T0"><transaction-type code="3"/><transaction-date iso-date="2006-06-30"/>
    <value>6</value></transaction>
  <transaction ref="T1"><transaction-type code="3"/><transaction-date iso-date="2008-06-30"/>
    <value>7</value></transaction>
</iati-activity>"""


def test_a_repeated_transaction_in_one_batch_names_both_lines(tmp_path, reading):
    """The flows of a batch are written sorted by their unique key (`sink.Sink.flush`): here
    T0 (2006) goes before the two T1 (2008), and each row's XML line must travel with it.
    pairaid's own pairing activities keep transaction refs, so the third transaction repeats
    the first."""
    from tests.helpers import new_sqlite_ledger

    store = new_sqlite_ledger(tmp_path / "l.db")
    path = _file(tmp_path, [OWN_PAIRING])
    lines = [i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "<transaction " in t]
    with pytest.raises(ImportValidationError) as raised:
        import_iati(store, [path])
    message = raised.value.message()
    assert f"s.xml:{lines[2]}:flows: repeats the row of line {lines[0]} " in message, message
    assert len(store.read_table("flows")) == 0


def test_a_bad_currency_in_the_last_activity_leaves_the_ledger_as_it_was(store, tmp_path,
                                                                         monkeypatch, reading):
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 3)
    activities = _activities(20)
    activities[-1] = activities[-1].replace('default-currency="USD"', 'default-currency="usx"')
    before = store.counts()
    with pytest.raises(ImportValidationError) as raised:
        import_iati(store, [_file(tmp_path, activities)])
    assert "flows.currency: 'USX' is not an ISO 4217 currency code" in raised.value.message()
    assert store.counts() == before
    assert verify(store).ok


def _ledger(store) -> dict:
    """Every data table's rows, without who and when."""
    tables = {}
    for name in ("regions", "donors", "pairings", "projects", "flows", "outputs"):
        frame = store.read_table(name)
        frame = frame.drop(columns=[c for c in frame.columns
                                    if c.endswith(("_by", "_at")) or c == "id"])
        tables[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return tables


def test_forked_and_in_process_reading_write_the_same_ledger(tmp_path, monkeypatch):
    from tests.helpers import new_sqlite_ledger

    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 50)
    files = [_file(tmp_path, _activities(120)),
             Path(__file__).parent / "data" / "iati" / "activity-standard-example-annotated.xml"]
    written = {}
    monkeypatch.setattr(beside, "can_fork", lambda: True)  # see _fork_always
    for mode, threshold in (("here", 1 << 62), ("forked", 0)):
        monkeypatch.setattr(beside, "FORK_MIN_BYTES", threshold)
        monkeypatch.setattr(beside, "last_reader_usage", None)
        store = new_sqlite_ledger(tmp_path / f"{mode}.db")
        report = import_iati(store, files, default_country="UG")
        assert (beside.last_reader_usage is not None) == (mode == "forked")
        assert verify(store).ok
        written[mode] = (_ledger(store), report.to_dict())
        store.close()
    here, forked = written["here"], written["forked"]
    assert here[1] == forked[1]
    assert here[1]["flows"] == 120 * 2 * 2 * 2 + 1  # and the example's one transaction
    assert here[1]["outputs"] == 1
    for name, frame in here[0].items():
        assert frame.equals(forked[0][name]), name


def test_an_error_in_the_reading_process_reaches_the_caller_and_writes_nothing(
        store, tmp_path, monkeypatch, reading):
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 5)
    add = load._Mapper.add

    def failing(self, activity, name, problems):
        if self.report.activities == 30:
            raise LookupError("planted failure")
        add(self, activity, name, problems)

    monkeypatch.setattr(load._Mapper, "add", failing)
    before = store.counts()
    with pytest.raises(LookupError, match="planted failure"):
        import_iati(store, [_file(tmp_path, _activities(60))])
    assert store.counts() == before  # 30 activities' batches were written, then rolled back
    assert verify(store).ok


def test_a_reading_process_that_dies_is_an_error_and_writes_nothing(store, tmp_path,
                                                                    monkeypatch):
    _fork_always(monkeypatch)
    monkeypatch.setattr("pairaid.ingest.iati.spool.BATCH_ROWS", 5)
    add = load._Mapper.add
    here = os.getpid()

    def dying(self, activity, name, problems):
        if self.report.activities == 30:
            assert os.getpid() != here, "not read in a forked process"
            os._exit(3)  # in the forked reader, as a crash would
        add(self, activity, name, problems)

    monkeypatch.setattr(load._Mapper, "add", dying)
    before = store.counts()
    with pytest.raises(beside.ReaderFailed, match="stopped without finishing"):
        import_iati(store, [_file(tmp_path, _activities(60))])
    assert store.counts() == before


def test_no_fork_while_another_thread_runs(monkeypatch):
    real = threading.active_count  # earlier tests of this worker may have left threads
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert beside.can_fork()
    monkeypatch.setattr(threading, "active_count", real)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert threading.active_count() > 1 and not beside.can_fork()  # e.g. a web server's
    finally:
        stop.set()
        thread.join()


def test_the_cli_import_reads_in_a_forked_process(tmp_path, monkeypatch):
    """`pairaid iati import` shows its progress without a thread of its own (rich's status
    spinner redraws from one, and fork is refused while another thread runs)."""
    from typer.testing import CliRunner

    from pairaid.cli.main import app

    monkeypatch.setattr(beside, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(beside, "last_reader_usage", None)
    # fork is refused while a thread runs that was not running before the command (earlier
    # tests of this worker may have left some: those are not the command's)
    before = set(threading.enumerate())
    monkeypatch.setattr(beside, "can_fork", lambda: set(threading.enumerate()) <= before)
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["iati", "import", str(_file(tmp_path, _activities(40))),
                                      "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert beside.last_reader_usage is not None
    assert '"flows": 320' in result.output  # 40 activities × 2 transactions × 2 places × 2 sectors
