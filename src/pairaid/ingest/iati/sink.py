"""Flows and projects of an IATI import, checked and batched as the file is read (issue 16).

The reading side of the import (`load._Mapper` and this `Sink`) may run in a forked process
(`beside.py`) and never touches the database: what the ledger already holds that it needs (the
pairings) is read before. Every `spool.BATCH_ROWS` rows it sends one `Batch` (the regions and
donors first named, the new pairings, projects and flows, the outputs, personnel and
enterprises) to the writing side (`writer.py`), which writes it inside the import's one
transaction while the next one is read.

A pairing spans the years of all its rows, so its span is known only at the end: each
donor–place pair gets its pairing id the first time it is seen, its row goes with the batch
that first refers to it (after the regions and donors it names: every foreign key holds at
every statement) with a provisional span, and `finish` sends the final spans.

These rows are not sent through the office importer's text validator (`ingest/validate.py`):
how they are built already guarantees most of what it checks (sectors from the code list, kinds
and statuses from fixed maps, donor codes, project codes and refs within their lengths, no NUL
in text read from XML). What it cannot guarantee is checked here or by the mapper, once per
transaction or per distinct value: currencies, years and amounts within the ledger's ranges,
control characters, a project's title and budget, the pairings of donor–place pairs the ledger
already has. Every failure is a Problem naming the file and XML line; once there is one, no
batch is sent any more (nothing will be written) and the reading goes on to find the others.
"""

from __future__ import annotations

import itertools
import operator
import sys
from collections.abc import Callable
from typing import NamedTuple

from pairaid.ingest.errors import Problem
from pairaid.ingest.iati import spool
from pairaid.ingest.validate import _below, _fmt
from pairaid.ledger import codes
from pairaid.ledger.journal import BULK_ROWS
from pairaid.ledger.journal_state import Digest
from pairaid.ledger.schema import AMOUNT_MAX, YEAR_MAX, YEAR_MIN

#: ledger columns of a flow and a project row as the mapper builds them (tuples in this order)
FLOW_COLUMNS = ("pairing_id", "year", "kind", "amount", "currency", "sector", "project_code",
                "source", "ref")
PROJECT_COLUMNS = ("code", "pairing_id", "title", "sector", "start_year", "end_year", "budget",
                   "currency", "status")
PAIRING_COLUMNS = ("id", "donor_code", "recipient_code", "start_year", "end_year", "round",
                   "note")
PAIRING_NOTE = "imported from IATI"
#: a batch that waited longer than this for room in the pipe waited for the writer (copying a
#: batch's megabyte into a pipe with room takes well under a millisecond)
BEHIND_SECONDS = 0.002
#: a flow row's unique key (pairing_id, year, kind, sector, ref), the index's column order
_FLOW_KEY = operator.itemgetter(0, 1, 2, 5, 8)
#: the years a new pairing's rows were seen in, packed with its id into one int
#: (id * ID_UNIT + first * SPAN + last): one dict entry per donor–place pair, no object each
SPAN = 10_000
ID_UNIT = SPAN * SPAN
TITLE_MAX = 500  # the projects table's title length


class Batch(NamedTuple):
    """What the reading side sends the writing side, in the order it is written."""
    regions: list[tuple]  # (code, name_zh, name_en, level, parent) first named since the last
    donors: list[tuple]  # (code, name_zh, name_en) likewise
    pairings: list[tuple]  # PAIRING_COLUMNS rows of the pairings first seen since the last
    projects: list[tuple]
    project_lines: list[int]
    flows: list[tuple]
    flow_lines: list[int]
    #: (project code, XML line) of flows naming a project their activity did not make: the
    #: writer checks the ledger has it before it writes the flows
    unmade: list[tuple[str, int]]
    #: outputs, personnel and enterprise rows (spooled by the writer, written at the end)
    results: tuple[list, list, list]
    #: the flows' journal digest (their states: each row and its approval, as SQLite stores
    #: them), computed here when the writing side is the slower one (see `Sink.flush`); else
    #: None and the writer computes it
    flow_digest: Digest | None


class Sink:
    """Receives flow and project rows (tuples in FLOW_COLUMNS / PROJECT_COLUMNS order), checks
    what their construction does not guarantee, allocates the pairings they belong to, and
    sends them in batches."""

    def __init__(self, problems: list[Problem], existing: list[tuple], mapper,
                 send: Callable[[object], float | None], approval: str,
                 digests: bool = True) -> None:
        self.problems = problems
        self.approval = approval
        #: whether the flows' digests may be computed here (SQLite: PostgreSQL's rows are
        #: journaled by the Store as they are written)
        self.digests = digests
        self.mapper = mapper
        self.send = send
        self.file = ""  # the file being read: every batch holds rows of one file
        self.flows: list[tuple] = []
        self.flow_lines: list[int] = []
        self.projects: list[tuple] = []
        self.project_lines: list[int] = []
        self.unmade: list[tuple[str, int]] = []
        self._iso = codes.currencies()
        self._currencies: dict[str, str | None] = {}
        #: the ledger's pairings: (donor, recipient) → [(id, start, end, round)]
        self.existing: dict[tuple[str, str], list[tuple]] = {}
        for pid, donor, recipient, start, end, round_ in existing:
            self.existing.setdefault((donor, recipient), []).append((pid, start, end, round_))
        self.next_id = max((row[0] for row in existing), default=0) + 1
        #: new pairings: (donor, recipient, round or None) → packed id and years (see SPAN)
        self.pairs: dict[tuple, int] = {}
        #: pairaid's own pairing activities: key → (start, end, round) as written
        self.own: dict[tuple, tuple[int | None, int | None, int]] = {}
        #: new pairings not sent yet (the next batch takes them before its rows)
        self.unwritten: list[tuple] = []
        #: how many of the mapper's regions and donors were sent
        self.sent = (0, 0)
        #: whether the last batch sent waited for the writer (then this side digests the next)
        self.writer_behind = True

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

    # -- sending --------------------------------------------------------------------------
    def begin_file(self, name: str, index: int) -> None:
        self.flush()
        self.file = name
        self.send(("file", name, index))

    def maybe_flush(self) -> None:
        if len(self.flows) >= spool.BATCH_ROWS or len(self.projects) >= spool.BATCH_ROWS:
            self.flush()  # BATCH_ROWS read here: tests make batches of one row

    def flush(self) -> None:
        """Send what is pending (nothing once there is a problem: nothing will be written)."""
        mapper = self.mapper
        results = mapper.results.take()
        if self.problems:
            for pending in (self.flows, self.flow_lines, self.projects, self.project_lines,
                            self.unmade, self.unwritten):
                pending.clear()
            return
        regions = [(code, *row) for code, row in
                   itertools.islice(mapper.regions.items(), self.sent[0], None)]
        donors = [(code, *row) for code, row in
                  itertools.islice(mapper.donors.items(), self.sent[1], None)]
        self.sent = (len(mapper.regions), len(mapper.donors))
        pairings = [row for row in (self._pairing_row(k, self.pairs[k]) for k in self.unwritten)
                    if row is not None]
        if not (regions or donors or pairings or self.projects or self.flows or self.unmade
                or any(results)):
            return
        if len(self.flows) > 1:
            # in the order of the flows' unique index (pairing, year, kind, sector, ref): its
            # pages are then visited in order, not at random (a 1 GB file's 5 million flows
            # inserted in file order cost SQLite ~25 µs a row by the end; sorted per batch of
            # 10,000, half that). Stable: of two repeated rows the first stays first.
            keys = list(map(_FLOW_KEY, self.flows))
            order = sorted(range(len(keys)), key=keys.__getitem__)
            flows, lines = self.flows, self.flow_lines
            self.flows = [flows[i] for i in order]
            self.flow_lines = [lines[i] for i in order]
        digest = None
        if self.digests and len(self.flows) > BULK_ROWS and self.writer_behind:
            # the mapper makes every amount a float (-0.0 as 0.0) and every other cell an int,
            # a str or None: the states SQLite will give back
            tail = (self.approval,)
            digest = Digest().add("flow", [row + tail for row in self.flows])
        batch = Batch(regions, donors, pairings, self.projects, self.project_lines, self.flows,
                      self.flow_lines, self.unmade, results, digest)
        self.unwritten = []
        self.projects, self.project_lines, self.flows, self.flow_lines, self.unmade = \
            [], [], [], [], []
        waited = self.send(("batch", batch))
        # The digest costs ~2.5 µs a flow on whichever side computes it. Sending to a forked
        # writer waits only when the writer is behind (the pipe is full): then this side has
        # time to spare and digests the next batch; else the writer, waiting for batches,
        # does. (In one process, `waited` is None: either side is the same.)
        self.writer_behind = waited is None or waited > BEHIND_SECONDS

    def finish(self) -> None:
        """Once every file is read: the last batch, then each new pairing's span and round as
        all its rows give them (chunks of (start, end, round, id), `spool.BATCH_ROWS` each)."""
        self.flush()
        for key, (start, end, round_) in self.own.items():
            first, last = divmod(self.pairs[key] % ID_UNIT, SPAN)
            if first and (first < start or (end is not None and last > end)):
                self.problems.append(Problem("IATI flows", 0, "recipient", (
                    f"no pairing of '{key[0]}' with '{key[1]}' in round {round_} covers "
                    f"year {first if first < start else last} (pairing rounds: {round_}: "
                    f"{start}–{'' if end is None else end})")))
        if self.problems:
            return
        # chunk by chunk from the dictionary: a list of every pairing's row at once was the
        # import's peak memory at 1 GB (+35 MB for 183,000 pairings)
        rows = (row for row in (self._pairing_row(k, v) for k, v in self.pairs.items())
                if row is not None)
        while chunk := [(start, end, round_, pid) for pid, _d, _r, start, end, round_, _n
                        in itertools.islice(rows, spool.BATCH_ROWS)]:
            self.send(("spans", chunk))
        self.pairs.clear()
