"""Flows and projects of an IATI import, written while the file is read (issue 16).

Rows do not wait for the end of the file: a batch of `spool.BATCH_ROWS` rows is inserted as soon
as it is full, inside the import's one transaction, and journaled as one bulk entry (on SQLite
its digest is computed from the values bound, `journal.states_as_stored`). A pairing spans the
years of all its rows, so its span is known only at the end: each donor–place pair gets its
pairing id the first time it is seen, its row is inserted with the batch that first refers to
it (after the regions and donors it names: every foreign key holds at every statement) with a
provisional span, and the span, round and journal entry are set at the end (`finish_pairings`).

SQLite's deferred foreign keys (`PRAGMA defer_foreign_keys`, the pairings written last) were
tried first: while any violation is outstanding SQLite searches the child table of every parent
row inserted, and `flow.project_code` has no index, so each project inserted scanned the flows
(a 20 MB import went from 8 to 158 s of CPU).

These rows are not sent through the office importer's text validator (`ingest/validate.py`):
how they are built already guarantees most of what it checks (sectors from the code list, kinds
and statuses from fixed maps, donor codes, project codes and refs within their lengths, no NUL
in text read from XML). What it cannot guarantee is checked here or by the mapper, once per
transaction or per distinct value: currencies, years and amounts within the ledger's ranges,
control characters, a project's title and budget, the pairings of donor–place pairs the ledger
already has. Every failure is a Problem naming the file and XML line, and nothing is written
(the caller raises inside its one transaction).
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
from collections.abc import Callable

import pandas as pd
import psycopg

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.iati import spool
from pairaid.ingest.validate import _below, _fmt
from pairaid.ledger import codes, journal
from pairaid.ledger.bulk_write import copy_into, sqlite_append
from pairaid.ledger.errors import DuplicateKeyError
from pairaid.ledger.schema import AMOUNT_MAX, YEAR_MAX, YEAR_MIN

#: ledger columns of a flow and a project row as the mapper builds them (tuples in this order)
FLOW_COLUMNS = ("pairing_id", "year", "kind", "amount", "currency", "sector", "project_code",
                "source", "ref")
PROJECT_COLUMNS = ("code", "pairing_id", "title", "sector", "start_year", "end_year", "budget",
                   "currency", "status")
PAIRING_COLUMNS = ("id", "donor_code", "recipient_code", "start_year", "end_year", "round",
                   "note")
PAIRING_NOTE = "imported from IATI"
_LEDGER = {"flows": ("flow", FLOW_COLUMNS), "projects": ("project", PROJECT_COLUMNS)}
_KEYS = {"flows": "donor, recipient, year, kind, sector, ref", "projects": "code"}
#: the years a new pairing's rows were seen in, packed with its id into one int
#: (id * ID_UNIT + first * SPAN + last): one dict entry per donor–place pair, no object each
SPAN = 10_000
ID_UNIT = SPAN * SPAN
TITLE_MAX = 500  # the projects table's title length


class Sink:
    """Receives flow and project rows (tuples in FLOW_COLUMNS / PROJECT_COLUMNS order) and
    writes them in batches; allocates and finally writes the pairings they belong to."""

    def __init__(self, store, conn, problems: list[Problem], approval: str,
                 write_references: Callable[[], None]) -> None:
        self.store, self.conn, self.problems = store, conn, problems
        self.sqlite = store.backend == "sqlite"
        #: writes the regions and donors named since it was last called (pairings refer to them)
        self.write_references = write_references
        chain = journal.chain_of(conn)
        self.first_seq = chain.seq + 1  # entries from here on are this import's
        self.constants = {"approval": approval, "created_by": chain.actor,
                          "created_at": chain.at, "updated_by": chain.actor,
                          "updated_at": chain.at}
        self.file = ""  # the file being read: every batch holds rows of one file
        self.file_index = 0
        self.flows: list[tuple] = []
        self.flow_lines: list[int] = []
        self.projects: list[tuple] = []
        self.project_lines: list[int] = []
        self.written = {"flows": 0, "projects": 0}
        self._iso = codes.currencies()
        self._currencies: dict[str, str | None] = {}
        existing = store.pairings(conn)
        self.existing: dict[tuple[str, str], list[tuple]] = {}
        for pid, donor, recipient, start, end, round_ in existing.itertuples(index=False):
            self.existing.setdefault((donor, recipient), []).append(
                (int(pid), int(start), None if pd.isna(end) else int(end), int(round_)))
        self.next_id = int(existing["id"].max()) + 1 if len(existing) else 1
        #: new pairings: (donor, recipient, round or None) → packed id and years (see SPAN)
        self.pairs: dict[tuple, int] = {}
        #: pairaid's own pairing activities: key → (start, end, round) as written
        self.own: dict[tuple, tuple[int | None, int | None, int]] = {}
        #: new pairings not inserted yet (the next batch inserts them before its rows)
        self.unwritten: list[tuple] = []

    # -- checks the rows' construction does not guarantee ------------------------------------
    def currency(self, given: str, line: int, table: str) -> str | None:
        """The ISO 4217 code a given currency is (upper case), or None with a problem."""
        code = self._currencies.get(given)
        if code is None and given not in self._currencies:
            upper = given.strip().upper()
            code = self._currencies[given] = upper if upper in self._iso else None
        if code is None:
            self.problems.append(Problem(self.file, line, f"{table}.currency",
                                         f"'{given.strip().upper()}' is not an ISO 4217 "
                                         "currency code"))
        return code

    def year_ok(self, year: int, line: int, column: str) -> bool:
        if YEAR_MIN <= year <= YEAR_MAX:
            return True
        self.problems.append(Problem(self.file, line, column, (
            f"{_fmt(year)} is below the smallest allowed value {YEAR_MIN}" if year < YEAR_MIN
            else f"{_fmt(year)} is above the largest allowed value {YEAR_MAX} (a typing or "
                 "unit error?)")))
        return False

    def amount_ok(self, value: float, line: int, column: str, minimum: float) -> bool:
        if minimum <= value <= AMOUNT_MAX:
            return True
        spec = type("Spec", (), {"minimum": minimum})
        self.problems.append(Problem(self.file, line, column, _below(spec, value)
                                     if value < minimum else
                                     f"{_fmt(value)} is above the largest allowed value "
                                     f"{_fmt(AMOUNT_MAX)} (a typing or unit error?)"))
        return False

    # -- pairings -------------------------------------------------------------------------
    def pairing(self, key: tuple, year: int, line: int, table: str) -> int | None:
        """The pairing id of a row of `key` (donor, recipient, round or None) in `year` (its
        years are added to a new pairing's span), or None with a problem."""
        packed = self.pairs.get(key)
        if packed is None:
            rounds = self.existing.get(key[:2])
            if rounds is not None:
                return self._existing(key, rounds, year, line, table)
            packed = self._new(key)
        pid, years = divmod(packed, ID_UNIT)
        first, last = divmod(years, SPAN)
        if not years:
            self.pairs[key] = pid * ID_UNIT + year * SPAN + year
        elif year < first:
            self.pairs[key] = pid * ID_UNIT + year * SPAN + last
        elif year > last:
            self.pairs[key] = pid * ID_UNIT + first * SPAN + year
        return pid

    def _new(self, key: tuple) -> int:
        # the codes interned: a place's code is a new str in every activity that names it, and
        # a 1 GB file has a few hundred thousand pairs to keep
        key = (sys.intern(key[0]), sys.intern(key[1]), key[2])
        packed = self.pairs[key] = self.next_id * ID_UNIT
        self.unwritten.append(key)
        self.next_id += 1
        return packed

    def own_pairing(self, key: tuple, start: int | None, end: int | None, round_: int,
                    line: int) -> None:
        """A pairing activity pairaid wrote: its span and round are as written."""
        if key[:2] in self.existing:
            return  # the ledger has the pair: rows find their pairing by round and year
        start = start or round_
        if not (self.year_ok(round_, line, "pairings.round")
                and self.year_ok(start, line, "pairings.start_year")
                and (end is None or self.year_ok(end, line, "pairings.end_year"))):
            return
        if end is not None and end < start:
            self.problems.append(Problem(self.file, line, "pairings.end_year",
                                         "end_year is before start_year"))
            return
        if key not in self.pairs:
            self._new(key)
        self.own[key] = (start, end, round_)

    def _existing(self, key: tuple, rounds: list[tuple], year: int, line: int,
                  table: str) -> int | None:
        """A pair the ledger already has: the round covering the year (as the office importer's
        validator resolves it)."""
        donor, recipient, given = key
        found = [pid for pid, start, end, round_ in rounds
                 if start <= year <= (9999 if end is None else end)
                 and (given is None or given == round_)]
        if len(found) == 1:
            return found[0]
        column = f"{table}.recipient"
        if found:
            self.problems.append(Problem(self.file, line, column, "more than one pairing round "
                                         "covers this year: give the `round` column"))
            return None
        spans = ", ".join(f"{r}: {s}–{'' if e is None else e}" for _p, s, e, r in rounds)
        within = f" in round {given}" if given is not None else ""
        self.problems.append(Problem(self.file, line, column, (
            f"no pairing of '{donor}' with '{recipient}'{within} covers "
            f"{'start_year' if table == 'projects' else 'year'} {year} (pairing rounds: {spans})")))
        return None

    def _pairing_row(self, key: tuple, packed: int) -> tuple | None:
        """A new pairing's row (PAIRING_COLUMNS) as its rows so far span it: start, end and
        round are the first and last years seen (pairaid's own: as written)."""
        pid, years = divmod(packed, ID_UNIT)
        first, last = divmod(years, SPAN)
        donor, recipient, _round = key
        if key in self.own:
            start, end, round_ = self.own[key]
        elif not years:
            return None
        else:
            start, end, round_ = first, last, first
        return (pid, donor, recipient, start, end, round_, PAIRING_NOTE)

    def _insert_pairings(self) -> None:
        """The pairings first seen since the last batch, with the span seen so far and no
        journal entry yet (`finish_pairings` gives both)."""
        rows = [row for row in (self._pairing_row(k, self.pairs[k]) for k in self.unwritten)
                if row is not None]
        self.unwritten.clear()
        if not rows:
            return
        try:
            if self.sqlite:
                sqlite_append(self.conn, "pairing", PAIRING_COLUMNS, rows, self.constants, None)
            else:
                frame = pd.DataFrame(rows, columns=list(PAIRING_COLUMNS)).assign(**self.constants)
                frame["end_year"] = frame["end_year"].astype("Int64")
                copy_into(self.conn, "pairing", frame, None)
        except (sqlite3.IntegrityError, psycopg.errors.IntegrityError) as exc:
            # a pairing of the same donor, recipient and round as another of this file
            raise ImportValidationError([Problem(self.file, 0, "pairings", (
                f"the ledger refused the pairings ({str(exc).splitlines()[0]})"))]) from None

    def finish_pairings(self) -> int:
        """Each new pairing's span and round as all its rows give them, and its journal entry
        (one bulk entry per `BATCH_ROWS` pairings). Returns how many there are."""
        self.flush()
        problems = []
        for key, (start, end, round_) in self.own.items():
            first, last = divmod(self.pairs[key] % ID_UNIT, SPAN)
            if first and (first < start or (end is not None and last > end)):
                problems.append(Problem("IATI flows", 0, "recipient", (
                    f"no pairing of '{key[0]}' with '{key[1]}' in round {round_} covers "
                    f"year {first if first < start else last} (pairing rounds: {round_}: "
                    f"{start}–{'' if end is None else end})")))
        if problems:
            raise ImportValidationError(problems)
        # chunk by chunk from the dictionary: a list of every pairing's row at once was the
        # import's peak memory at 1 GB (+35 MB for 183,000 pairings)
        rows = (row for row in (self._pairing_row(k, v) for k, v in self.pairs.items())
                if row is not None)
        marker = "?" if self.sqlite else "%s"
        count = 0
        while chunk := [(start, end, round_, pid) for pid, _d, _r, start, end, round_, _n
                        in itertools.islice(rows, spool.BATCH_ROWS)]:
            count += len(chunk)
            seq = journal.chain_of(self.conn).seq + 1
            cursor = self.conn.connection.driver_connection.cursor()
            try:
                cursor.executemany(
                    f"UPDATE pairing SET start_year = {marker}, end_year = {marker}, "
                    f"round = {marker}, journal_seq = {seq} WHERE id = {marker}", chunk)
            finally:
                cursor.close()
            journal.record_written(self.store, self.conn, "pairing", seq, {}, "insert",
                                   rows=len(chunk))
        self.pairs.clear()
        if count and not self.sqlite:  # ids given here: the sequence moves on past them
            self.conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('pairing', 'id'), "
                                      "(SELECT max(id) FROM pairing))")
        return count

    def project_in_ledger(self, code: str) -> bool:
        """Whether the ledger already has a project (a flow may name one this file does not
        make)."""
        return self.conn.exec_driver_sql(
            "SELECT 1 FROM project WHERE code = " + ("?" if self.sqlite else "%s"),
            (code,)).first() is not None

    # -- writing --------------------------------------------------------------------------
    def begin_file(self, name: str, index: int) -> None:
        self.flush()
        self.file, self.file_index = name, index

    def maybe_flush(self) -> None:
        if len(self.flows) >= spool.BATCH_ROWS or len(self.projects) >= spool.BATCH_ROWS:
            self.flush()  # BATCH_ROWS read here: tests make batches of one row

    def flush(self) -> None:
        """Write what is pending, parents first (every foreign key holds at each statement):
        regions and donors, pairings, projects, flows."""
        if self.problems:  # nothing will be committed: keep reading (for every problem), stop
            for pending in (self.flows, self.flow_lines, self.projects, self.project_lines):
                pending.clear()
            return
        self.write_references()
        self._insert_pairings()
        if self.projects:
            self._write("projects", self.projects, self.project_lines)
        if self.flows:
            self._write("flows", self.flows, self.flow_lines)

    def _write(self, name: str, rows: list[tuple], lines: list[int]) -> None:
        try:
            self.written[name] += len(rows)
            table, columns = _LEDGER[name]
            if not self.sqlite:
                frame = pd.DataFrame(rows, columns=list(columns))
                for column in ("end_year", "pairing_id"):
                    if column in frame:
                        frame[column] = frame[column].astype("Int64")
                try:
                    self.store.write(name, frame, "append", self.conn,
                                     approval=self.constants["approval"])
                except DuplicateKeyError as refused:
                    # PostgreSQL's transaction is aborted by the refusal: which row cannot be
                    # asked any more
                    raise ImportValidationError([Problem(
                        self.file, 0, name, "rows already in the ledger or repeated in this file "
                        f"(the same {_KEYS[name]}): was this file imported before? "
                        f"({str(refused).splitlines()[0]})")]) from None
                return
            seq = journal.chain_of(self.conn).seq + 1
            try:
                sqlite_append(self.conn, table, columns, rows, self.constants, seq)
            except sqlite3.IntegrityError as exc:
                raise ImportValidationError(self._refused(name, rows, lines, exc, seq)) from None
            # a flow's state is its row and its approval, as SQLite stores it: the mapper makes
            # every amount a float (-0.0 as 0.0) and every other cell an int, a str or None
            tail = (self.constants["approval"],)
            states = [row + tail for row in rows] if name == "flows" else None
            journal.record_written(self.store, self.conn, table, seq, {}, "insert",
                                   rows=len(rows), inserted=(list(columns), rows, self.constants),
                                   states=states)
        finally:
            rows.clear()
            lines.clear()

    def _refused(self, name: str, rows: list[tuple], lines: list[int], exc,
                 seq: int) -> list[Problem]:
        """Which rows of a refused batch repeat a row: of the batch, of this import, or of the
        ledger before it (rare: the database's unique index found them)."""
        reason = str(exc).splitlines()[0]
        if "UNIQUE" not in reason.upper():
            return [Problem(self.file, lines[0] if lines else 0, name,
                            f"the ledger refused the rows ({reason})")]
        table, columns = _LEDGER[name]
        key = ("pairing_id", "year", "kind", "sector", "ref") if name == "flows" else ("code",)
        at = [columns.index(c) for c in key]
        seen: dict[tuple, int] = {}
        problems = []
        where = " AND ".join(f"{c} = ?" for c in key)
        cursor = self.conn.connection.driver_connection.cursor()
        for row, line in zip(rows, lines):
            values = tuple(row[i] for i in at)
            if values in seen:
                problems.append(Problem(self.file, line, name, f"repeats the row of line "
                                        f"{seen[values]} (same {_KEYS[name]})"))
                continue
            seen[values] = line
            found = cursor.execute(f"SELECT journal_seq FROM {table} WHERE {where}",
                                   values).fetchone()
            if found is None or found[0] == seq:
                continue  # not in the ledger, or this very row (the batch's earlier statements)
            before = found[0] is None or found[0] < self.first_seq
            problems.append(Problem(self.file, line, name, (
                f"already in the ledger (the same {_KEYS[name]}): was this file imported before?"
                if before else f"repeats a row written earlier in this import (same "
                f"{_KEYS[name]})")))
        cursor.close()
        return problems or [Problem(self.file, lines[0] if lines else 0, name,
                                    f"rows already in the ledger (the same natural key): was this "
                                    f"file imported before? ({reason})")]
