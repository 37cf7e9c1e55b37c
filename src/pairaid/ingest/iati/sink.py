"""Flows and projects of an IATI import, written while the file is read (issue 16).

Rows do not wait for the end of the file: a batch of `spool.BATCH_ROWS` rows is inserted as soon
as it is full, inside the import's one transaction, and journaled as one bulk entry (its digest
computed from the values bound, `journal.states_as_stored`). A pairing spans the years of all its
rows, so it is known only at the end: each donor–place pair gets its pairing id the first time it
is seen and the pairing rows are written last. SQLite checks the foreign keys at commit for this
transaction (`PRAGMA defer_foreign_keys`). The ledger's PostgreSQL foreign keys are not
deferrable, so there the batches wait in a typed Arrow spool and are written after the pairings.

These rows are not sent through the office importer's text validator (`ingest/validate.py`):
how they are built already guarantees most of what it checks (sectors from the code list, kinds
and statuses from fixed maps, donor codes, project codes and refs within their lengths, no NUL
or control character in text read from XML 1.0). What it cannot guarantee is checked here, once
per transaction or per distinct value: currencies, years and amounts within the ledger's ranges,
a project's title and budget, the pairings of donor–place pairs the ledger already has. Every
failure is a Problem naming the file and XML line, and nothing is written (the caller raises
inside its transaction).
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.iati import spool
from pairaid.ingest.iati.spool import NUMBER, TEXT, WHOLE, Spool
from pairaid.ingest.validate import _below, _fmt
from pairaid.ledger import codes, journal
from pairaid.ledger.bulk_write import sqlite_append
from pairaid.ledger.errors import DuplicateKeyError
from pairaid.ledger.schema import AMOUNT_MAX, YEAR_MAX, YEAR_MIN

#: ledger columns of a flow and a project row as the mapper builds them (tuples in this order)
FLOW_COLUMNS = ("pairing_id", "year", "kind", "amount", "currency", "sector", "project_code",
                "source", "ref")
PROJECT_COLUMNS = ("code", "pairing_id", "title", "sector", "start_year", "end_year", "budget",
                   "currency", "status")
_TYPES = {"pairing_id": WHOLE, "year": WHOLE, "start_year": WHOLE, "end_year": WHOLE,
          "amount": NUMBER, "budget": NUMBER}
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

    def __init__(self, store, conn, folder: str, problems: list[Problem], approval: str) -> None:
        self.store, self.conn, self.problems = store, conn, problems
        self.sqlite = store.backend == "sqlite"
        if self.sqlite:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # ends with the transaction
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
        self._spools = None if self.sqlite else {
            name: Spool(folder, f"sink-{name}", tuple((c, _TYPES.get(c, TEXT)) for c in columns))
            for name, (_table, columns) in _LEDGER.items()}

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
        packed = self.pairs[key] = self.next_id * ID_UNIT
        self.next_id += 1
        return packed

    def own_pairing(self, key: tuple, start: int | None, end: int | None, round_: int) -> None:
        """A pairing activity pairaid wrote: its span and round are as written."""
        if key[:2] in self.existing:
            return  # the ledger has the pair: rows find their pairing by round and year
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

    def pairing_rows(self) -> tuple[list[tuple], list[Problem]]:
        """The new pairings as rows (id, donor, recipient, start_year, end_year, round, note),
        and the problems of rows outside the span of a pairing pairaid wrote."""
        rows, problems = [], []
        for key, packed in self.pairs.items():
            pid, years = divmod(packed, ID_UNIT)
            first, last = divmod(years, SPAN)
            donor, recipient, _round = key
            if key in self.own:
                own_start, end, round_ = self.own[key]
                start = own_start or round_
                if years and (first < start or (end is not None and last > end)):
                    year = first if first < start else last
                    problems.append(Problem("IATI flows", 0, "recipient", (
                        f"no pairing of '{donor}' with '{recipient}' in round {round_} covers "
                        f"year {year} (pairing rounds: {round_}: {start}–{end or ''})")))
            elif not years:
                continue
            else:
                start, end, round_ = first, last, first
            rows.append((pid, donor, recipient, start, end, round_, "imported from IATI"))
        return rows, problems

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
        limit = spool.BATCH_ROWS  # read here: tests make batches of one row
        if len(self.flows) >= limit:
            self._write("flows", self.flows, self.flow_lines)
        if len(self.projects) >= limit:
            self._write("projects", self.projects, self.project_lines)

    def flush(self) -> None:
        if self.flows:
            self._write("flows", self.flows, self.flow_lines)
        if self.projects:
            self._write("projects", self.projects, self.project_lines)

    def _write(self, name: str, rows: list[tuple], lines: list[int]) -> None:
        try:
            if self.problems:
                return  # nothing will be committed: keep reading (for every problem), stop writing
            self.written[name] += len(rows)
            if self._spools is not None:
                add = self._spools[name].add
                for row, line in zip(rows, lines):
                    add((*row, self.file_index, line))
                return
            table, columns = _LEDGER[name]
            seq = journal.chain_of(self.conn).seq + 1
            try:
                sqlite_append(self.conn, table, columns, rows, self.constants, seq)
            except sqlite3.IntegrityError as exc:
                raise ImportValidationError(self._refused(name, rows, lines, exc, seq)) from None
            journal.record_written(self.store, self.conn, table, seq, {}, "insert",
                                   rows=len(rows), inserted=(list(columns), rows, self.constants))
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

    def finish(self) -> None:
        """After the pairings: PostgreSQL's spooled batches (projects first: flows refer to
        them)."""
        self.flush()
        if self._spools is None or self.problems:
            return
        from pairaid.ingest.iati.spool import FILE, LINE
        from pairaid.ingest.read import ROW

        for name in ("projects", "flows"):
            for frame in self._spools[name].batches():
                frame = frame.drop(columns=[FILE, LINE, ROW])
                for column in ("pairing_id", "year", "start_year", "end_year"):
                    if column in frame:
                        frame[column] = frame[column].astype("Int64")
                try:
                    self.store.write(name, frame, "append", self.conn,
                                     approval=self.constants["approval"])
                except DuplicateKeyError as refused:
                    raise ImportValidationError([Problem(
                        f"IATI {name}", 0, "", "rows already in the ledger (the same natural "
                        f"key): was this file imported before? ({refused})")]) from None
                del frame
                spool.release_memory()
