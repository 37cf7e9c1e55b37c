"""The writing side of an IATI import: each `sink.Batch` into the ledger as it comes (issue 16).

Inside the import's one transaction, parents before children so every foreign key holds at
every statement: the regions and donors the batch names first (through the ledger's validator:
their codes and names come from the file), the new pairings (provisional spans), the projects,
then the flows. On SQLite the rows go in as multi-row INSERTs and are journaled as one bulk
entry whose digest is computed from the values bound (`journal.states_as_stored`); on
PostgreSQL through the Store's COPY. Outputs, personnel and enterprises are spooled to disk and
written once the files are read (`write.py`). The pairings' final spans come last (`spans`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pandas as pd
import psycopg

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ingest.iati.results import spools
from pairaid.ingest.iati.sink import FLOW_COLUMNS, PAIRING_COLUMNS, PROJECT_COLUMNS, Batch
from pairaid.ingest.iati.write import write_references
from pairaid.ledger import journal
from pairaid.ledger.bulk_write import copy_into, sqlite_append
from pairaid.ledger.errors import DuplicateKeyError

_LEDGER = {"flows": ("flow", FLOW_COLUMNS), "projects": ("project", PROJECT_COLUMNS)}
_KEYS = {"flows": "donor, recipient, year, kind, sector, ref", "projects": "code"}


class LedgerWriter:
    """Handles the reading side's messages: ("file", name, index), ("batch", Batch),
    ("spans", chunk) and ("done", report, problems)."""

    def __init__(self, store, conn, lookups, report, approval: str, folder: str,
                 step: Callable[[str], None]) -> None:
        self.store, self.conn, self.lookups, self.report = store, conn, lookups, report
        self.sqlite = store.backend == "sqlite"
        self.step = step
        chain = journal.chain_of(conn)
        self.first_seq = chain.seq + 1  # entries from here on are this import's
        self.constants = {"approval": approval, "created_by": chain.actor,
                          "created_at": chain.at, "updated_by": chain.actor,
                          "updated_at": chain.at}
        self.file = ""
        self.files: list[str] = []
        #: problems only the database can tell (a flow's project the ledger does not have);
        #: once there is one nothing more is written
        self.problems: list[Problem] = []
        #: the reading side's report and problems, when it is done
        self.done: tuple | None = None
        #: the ledger's region and donor codes (read at the first batch) and the regions the
        #: files named, whether new or not (a place's parent must be one of them)
        self.known: tuple[set[str], set[str]] | None = None
        self.named_regions: set[str] = set()
        self.outputs, self.personnel, self.enterprises = spools(folder)
        self.inserted_pairings = 0
        #: projects and flows written so far (each batch's step says so)
        self.written = [0, 0]

    def __call__(self, message: tuple) -> None:
        tag = message[0]
        if tag == "batch":
            self.batch(message[1])
        elif tag == "spans":
            self.spans(message[1])
        elif tag == "file":
            self.file = message[1]
            self.files.append(message[1])
            self.step(f"reading {message[1]}")
        elif tag == "done":
            self.done = message[1:]
        else:
            raise ValueError(f"IATI writer: unknown message {tag!r}")

    # -- one batch ----------------------------------------------------------------------
    def batch(self, batch: Batch) -> None:
        if self.problems:
            return
        for spooled, rows in zip((self.outputs, self.personnel, self.enterprises),
                                 batch.results):
            for row in rows:
                spooled.add(row)
        write_references(self, batch.regions, batch.donors)
        if batch.pairings:
            self._insert_pairings(batch.pairings)
        if batch.projects:
            self._write("projects", batch.projects, batch.project_lines)
        for project, line in batch.unmade:
            if not self._project_in_ledger(project):
                self.problems.append(Problem(self.file, line, "flows.project", (
                    f"unknown project code '{project}' (not in the projects table: import "
                    "projects first)")))
        if batch.flows and not self.problems:
            self._write("flows", batch.flows, batch.flow_lines, batch.flow_digest)
        self.written[0] += len(batch.projects)
        self.written[1] += len(batch.flows)
        self.step(f"reading {self.file}: {self.written[1]:,} flows and {self.written[0]:,} "
                  "projects written so far")

    def _project_in_ledger(self, code: str) -> bool:
        return self.conn.exec_driver_sql(
            "SELECT 1 FROM project WHERE code = " + ("?" if self.sqlite else "%s"),
            (code,)).first() is not None

    def _insert_pairings(self, rows: list[tuple]) -> None:
        """New pairings with the span seen so far and no journal entry yet (`spans` gives
        both)."""
        self.inserted_pairings += len(rows)
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

    def _write(self, name: str, rows: list[tuple], lines: list[int], digest=None) -> None:
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
                # PostgreSQL's transaction is aborted by the refusal: which row cannot be asked
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
        # the flows' digest comes with them when the reading side had time to compute it
        # (`sink.Sink.flush`); else their states are the rows as built and their approval (the
        # mapper makes every amount a float, -0.0 as 0.0, and every other cell an int, a str
        # or None: what SQLite gives back)
        states = None
        if name == "flows" and digest is None:
            tail = (self.constants["approval"],)
            states = [row + tail for row in rows]
        journal.record_written(self.store, self.conn, table, seq, {}, "insert",
                               rows=len(rows), inserted=(list(columns), rows, self.constants),
                               states=states, digest=digest)

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

    # -- the end ------------------------------------------------------------------------
    def spans(self, chunk: list[tuple]) -> None:
        """The final (start, end, round) of new pairings (`chunk` of (start, end, round, id))
        and their journal entry (one bulk entry per chunk)."""
        if self.problems:
            return
        if not self.report.new_pairings:
            self.step("writing the final spans of the new pairings")
        marker = "?" if self.sqlite else "%s"
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
        self.report.new_pairings += len(chunk)

    def finish(self) -> None:
        """Once the last message is in: PostgreSQL's pairing ids move on past those given."""
        if self.inserted_pairings and not self.sqlite:
            self.conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('pairing', 'id'), "
                                      "(SELECT max(id) FROM pairing))")

