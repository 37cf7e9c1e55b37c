"""Reading the journal: verify the chain and the ledger against it, a record's history, the head
(the anchor an outside party keeps). The writing side and the hashing are in `journal.py`."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select, text

from pairaid.ledger import schema
from pairaid.ledger.journal import (BULK_KEY, ENTRY_FIELDS, GENESIS, IMPORT_NAME, KEYS, MODULUS,
                                    Digest, JournalError, entry_hash, key_of, key_text,
                                    ledger_table, raw_rows, state_columns, state_from_text)
from pairaid.ledger.store import Store


@dataclass(frozen=True)
class Head:
    """The chain's newest entry: publish or keep it (an anchor); `verify --anchor` checks a
    kept one is still in the chain."""

    seq: int
    hash: str
    at: str | None

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    def to_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "anchor": str(self)}


@dataclass(frozen=True)
class Verification:
    """What `verify` found: `ok`, or the first bad entry (`bad_seq`) and why."""

    ok: bool
    entries: int
    rows: int
    head: Head
    bad_seq: int | None = None
    problem: str | None = None
    notes: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        if self.ok:
            lines = [f"journal intact: {self.entries:,} entries, {self.rows:,} ledger rows match "
                     f"them; head {self.head}"]
        else:
            lines = [f"journal broken at entry {self.bad_seq}: {self.problem}"]
        return "\n".join(lines + [f"  - {n}" for n in self.notes])

    def to_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "rows": self.rows,
                "head": self.head.to_dict(), "bad_entry": self.bad_seq, "problem": self.problem,
                "notes": list(self.notes)}


def head(store: Store) -> Head:
    """The chain's head as the ledger holds it, with the time of its entry."""
    with store._reader() as conn:
        return _head(conn)


def _head(conn) -> Head:
    j = schema.journal
    row = conn.execute(text("SELECT seq, hash FROM journal_head WHERE id = 1")).first()
    if row is None:
        return Head(0, GENESIS, None)
    at = conn.execute(select(j.c.at).where(j.c.seq == row.seq)).scalar()
    return Head(int(row.seq), row.hash, at)


def verify(store: Store, anchor: str | None = None, conn=None) -> Verification:
    """Walk the chain (sequence, links, hashes, head), then check every ledger row against the
    entry that wrote it (see `journal.py`). Reports the first bad entry. `anchor` ("SEQ:HASH",
    from `head`) must still be in the chain. Reads one snapshot, or through `conn` (a
    transaction's own view, before it commits)."""
    with contextlib.nullcontext(conn) if conn is not None else store.snapshot() as conn:
        kept = _parse_anchor(anchor)
        expected: dict[int, Digest] = {}
        replaced: dict[int, Digest] = {}
        described: dict[int, str] = {}
        prev, count = GENESIS, 0
        j = schema.journal
        result = conn.execute(select(*[j.c[f] for f in (*ENTRY_FIELDS, "prev_hash", "hash")])
                              .order_by(j.c.seq))
        for row in result:
            entry = row._asdict()
            count += 1
            seq = entry["seq"]
            where = f"{entry['table_name']} {entry['key']}" if entry["key"] != BULK_KEY \
                else f"{entry['table_name']} (a write of many rows)"
            if seq != count:
                return _bad(count, (f"missing: the journal goes from entry {count - 1} to {seq}"
                                    if seq > count else f"entry {seq} appears twice or out of "
                                    "order"), count, _head(conn))
            if entry["prev_hash"] != prev:
                return _bad(seq, f"does not link to entry {seq - 1} (removed, reordered or "
                                 f"edited entries)", count, _head(conn))
            if entry_hash(prev, entry) != entry["hash"]:
                return _bad(seq, f"edited after it was written ({entry['action']} of {where}, "
                                 f"by {entry['actor']} at {entry['at']})", count, _head(conn))
            if kept is not None and kept[0] == seq and kept[1] != entry["hash"]:
                return _bad(seq, f"differs from the anchor kept for it ({kept[1][:16]}…)", count,
                            _head(conn))
            prev = entry["hash"]
            described[seq] = f"{entry['action']} of {where}"
            try:
                _expect(entry, expected, replaced)
            except (ValueError, KeyError, TypeError):
                return _bad(seq, f"its before/after cannot be read ({where})", count, _head(conn))
        current = _head(conn)
        if (current.seq, current.hash) != (count, prev):
            bad = min(current.seq, count) + 1
            why = (f"the head names entry {current.seq} but the journal ends at {count} (entries "
                   f"removed from its end)" if current.seq > count else
                   f"the journal holds entries beyond the head ({current.seq}): written past "
                   f"the chain's lock" if current.seq < count else
                   "the head's hash is not the last entry's")
            return _bad(bad, why, count, current)
        if kept is not None and kept[0] > count:
            return _bad(count + 1, f"the anchor names entry {kept[0]}, the journal ends at "
                                   f"{count}", count, current)
        rows, notes, stray = _ledger_rows(conn, replaced, count)
        if stray is not None:
            return _bad(stray[0], stray[1], count, current)
        for seq in sorted(set(expected) | set(replaced)):
            want, have = expected.get(seq, Digest()), replaced.get(seq, Digest())
            if (want.rows, want.total % MODULUS) != (have.rows, have.total % MODULUS):
                what = described.get(seq, "an entry")
                return _bad(seq, f"the ledger's rows no longer match it ({what}: "
                                 f"{want.rows} row(s) written, {have.rows} found; a row was "
                                 f"changed, added or removed without a journal entry)", count,
                            current)
    return Verification(True, count, rows, current, notes=tuple(notes))


def _parse_anchor(anchor: str | None) -> tuple[int, str] | None:
    if anchor is None:
        return None
    seq, _, value = anchor.partition(":")
    if not seq.strip().isdigit() or len(value.strip()) != 64:
        raise JournalError(f"--anchor {anchor!r}: write SEQ:HASH as `pairaid journal head` "
                           "prints it")
    return int(seq), value.strip().lower()


def _bad(seq: int, problem: str, entries: int, current: Head) -> Verification:
    return Verification(False, entries, 0, current, seq, problem)


def _expect(entry: dict, expected: dict[int, Digest], replaced: dict[int, Digest]) -> None:
    """What an entry says it wrote (`expected[seq]`) and which earlier entries' rows it replaced
    (added to `replaced[earlier seq]`: those rows are accounted for)."""
    table, seq = entry["table_name"], entry["seq"]
    if entry["key"] == BULK_KEY:
        expected[seq] = Digest.from_dict(json.loads(entry["after"])) if entry["after"] \
            else Digest()
        if entry["before"]:
            for earlier, digest in json.loads(entry["before"])["by_seq"].items():
                replaced.setdefault(int(earlier), Digest()).merge(Digest.from_dict(digest))
        return
    digest = Digest()
    if entry["after"] is not None:
        state, _ = state_from_text(table, entry["after"])
        digest.add(table, [state])
    expected[seq] = digest
    if entry["before"] is not None:
        state, earlier = state_from_text(table, entry["before"])
        replaced.setdefault(int(earlier or 0), Digest()).add(table, [state])


def _ledger_rows(conn, found: dict[int, Digest], entries: int):
    """Add every ledger row's hash to the entry that wrote it. Returns (rows, notes, stray):
    stray is (seq, problem) for a row that names no entry."""
    rows, notes = 0, []
    for table in KEYS:
        columns = state_columns(table)
        result = raw_rows(conn, f"SELECT journal_seq, {', '.join(columns)} FROM {table}", 50_000)
        prefix, sha512, from_bytes = f"{table}\x1f", hashlib.sha512, int.from_bytes
        unjournaled = 0
        for row in result:
            rows += 1
            seq, state = row[0], tuple(row[1:])
            if seq is None or not 0 < seq <= entries:
                if seq is None and entries == 0:
                    unjournaled += 1
                    continue
                key = key_text(table, key_of(table, state))
                return rows, notes, (min(entries, seq or entries) or 1,
                                     f"a {IMPORT_NAME[table]} row ({key}) has no journal entry "
                                     "(written behind the journal's back)")
            digest = found.get(seq) or found.setdefault(seq, Digest())
            digest.rows += 1  # Digest.add inlined (once per ledger row); reduced mod 2**512 below
            digest.total += from_bytes(sha512(f"{prefix}{state!r}".encode()).digest(), "big")
        if unjournaled:
            notes.append(f"{unjournaled:,} {IMPORT_NAME[table]} rows were written before the "
                         "journal began; the first journaled write records them")
    return rows, notes, None


# -- a record's history --------------------------------------------------------------------------
def history(store: Store, table: str, key: dict, *, actor: str | None = None,
            action: str | None = None, since: str | None = None, until: str | None = None,
            limit: int | None = None) -> list[dict]:
    """Every entry that wrote the record `key` (ledger columns of the natural key) of `table`,
    oldest first: its own entries, and the bulk writes that carried it (`key` "*"); narrowed
    as `entries` narrows (by actor, action, `since` ≤ at < `until`), the oldest `limit`."""
    name = ledger_table(table)
    columns = KEYS[name]
    missing = [c for c in columns if c not in key]
    if missing:
        raise JournalError(f"{IMPORT_NAME[name]}: the key needs {', '.join(missing)}")
    wanted = key_text(name, tuple(key[c] for c in columns))
    j = schema.journal
    with store.snapshot() as conn:
        own = [r._asdict() for r in conn.execute(
            select(j).where(j.c.table_name == name, j.c.key == wanted).order_by(j.c.seq))]
        where = " AND ".join(f"{c} = :{c}" for c in columns)
        current = conn.execute(text(f"SELECT journal_seq FROM {name} WHERE {where}"),
                               {c: key[c] for c in columns}).scalar()
        carried = {current} if current is not None else set()
        for entry in own:
            if entry["before"]:
                carried.add(json.loads(entry["before"]).get("journal_seq"))
        carried -= {e["seq"] for e in own} | {None}
        bulk = _carriers(conn, name, carried)
    found = [_readable(e) for e in sorted(own + bulk, key=lambda e: e["seq"])]
    found = [e for e in found if (actor is None or e["actor"] == actor)
             and (action is None or e["action"] == action)
             and (since is None or e["at"] >= since) and (until is None or e["at"] < until)]
    return found if limit is None else found[:limit]


def _carriers(conn, table: str, seqs: set) -> list[dict]:
    """The bulk entries among `seqs`, and the earlier bulk entries of `table` whose rows they
    replaced (their `before`'s `by_seq`), back to the first: a record upserted by several bulk
    writes was carried by each. Where a bulk write replaced rows of several earlier bulk writes,
    each of them is listed (the record came from one of them)."""
    j = schema.journal
    found: dict[int, dict] = {}
    todo = set(seqs)
    while todo:
        rows = [r._asdict() for r in conn.execute(
            select(j).where(j.c.seq.in_(sorted(todo)), j.c.key == BULK_KEY,
                            j.c.table_name == table))]
        todo = set()
        for entry in rows:
            found[entry["seq"]] = entry
            if entry["before"]:
                todo |= {int(s) for s in json.loads(entry["before"]).get("by_seq", {})
                         if s.isdigit()}
        todo -= set(found)
    return list(found.values())


def entries(store: Store, table: str | None = None, *, actor: str | None = None,
            action: str | None = None, since: str | None = None, until: str | None = None,
            limit: int = 50) -> list[dict]:
    """Journal entries, newest first, at most `limit`: of one table (import or ledger name), by
    one actor, of one action, at or after `since` and before `until` (ISO dates or times, UTC,
    compared as the journal stores them)."""
    from pairaid.ledger.journal import ledger_table
    from pairaid.ledger.schema import JOURNAL_ACTIONS

    if limit < 1:
        raise JournalError(f"--limit {limit}: at least 1")
    if action is not None and action not in JOURNAL_ACTIONS:
        raise JournalError(f"--action {action!r}: one of {', '.join(JOURNAL_ACTIONS)}")
    j = schema.journal
    query = select(j)
    if table is not None:
        query = query.where(j.c.table_name == ledger_table(table))
    if actor is not None:
        query = query.where(j.c.actor == actor)
    if action is not None:
        query = query.where(j.c.action == action)
    if since is not None:
        query = query.where(j.c.at >= since)
    if until is not None:
        query = query.where(j.c.at < until)
    with store._reader() as conn:
        rows = conn.execute(query.order_by(j.c.seq.desc()).limit(int(limit))).all()
    return [_readable(r._asdict()) for r in rows]


def _readable(entry: dict) -> dict:
    out = {k: entry[k] for k in ("seq", "at", "actor", "action", "comment", "hash")}
    out["table"] = IMPORT_NAME.get(entry["table_name"], entry["table_name"])
    out["key"] = None if entry["key"] == BULK_KEY else json.loads(entry["key"])
    for side in ("before", "after"):
        out[side] = json.loads(entry[side]) if entry[side] else None
    out["bulk"] = entry["key"] == BULK_KEY
    return out

