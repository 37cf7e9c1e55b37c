"""Approval of records, as DHIS2 and AMP do it (issue 15): records written through the web
service start as drafts; an approver approves them, or returns them with a comment; analytics and
the report read approved records (`Store.approved`, `include_drafts`). Every approval and return
is a journal entry (action `approve` / `return`, the comment with it).

Records are named by their natural key in the import format's words (`key_from_import`): a flow is
donor, recipient, (round,) year, kind, sector, ref, as `pairaid export` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import text

from pairaid.ledger import schema
from pairaid.ledger.journal import (IMPORT_NAME, KEYS, JournalError, actor_name, chain_of,
                                    ledger_table, primary_key, record_written, states_by_key)
from pairaid.ledger.errors import LedgerConflict, RecordNotFound
from pairaid.ledger.store import Store

#: import-format column → ledger column, for the columns natural keys use
_RENAMES = {"donor": "donor_code", "recipient": "recipient_code", "project": "project_code",
            "origin": "origin_code", "destination": "destination_code", "region": "region_code"}
#: tables whose key holds a pairing id: named in files by donor, recipient (and round)
_BY_PAIRING = ("flow", "personnel", "coverage")


class ApprovalError(JournalError):
    """An approval or return that cannot be made as asked (a key missing a column, no comment)."""


class NoSuchRecord(RecordNotFound, ApprovalError):
    """The record (or its pairing) an approval, return or history names is not in the ledger."""


class DecidedAlready(LedgerConflict, ApprovalError):
    """The record is approved (or returned) already: nothing to decide."""


@dataclass(frozen=True)
class ApprovalResult:
    table: str
    action: str  # approve | return
    records: int
    entries: int
    comment: str | None

    def __str__(self) -> str:
        verb = "approved" if self.action == "approve" else "returned"
        return (f"{self.table}: {verb} {self.records} record{'s' if self.records != 1 else ''}"
                + (f" ({self.comment})" if self.comment else ""))

    def to_dict(self) -> dict:
        return {"table": self.table, "action": self.action, "records": self.records,
                "journal_entries": self.entries, "comment": self.comment}


def key_from_import(store: Store, table: str, given: dict, conn=None) -> dict:
    """A record's natural key in ledger columns from import-format names (`donor`, `recipient`,
    `round`, `year` …) or ledger names, values typed as the ledger stores them. A pairing-linked
    record is found by donor and recipient (and round, when the pair has several)."""
    name = ledger_table(table)
    columns = schema.metadata.tables[name].columns
    values = {}
    for column, value in given.items():
        values["indicator_code" if (name, column) == ("observation", "indicator")
               else _RENAMES.get(column, column)] = value
    if name in _BY_PAIRING and "pairing_id" not in values:
        values["pairing_id"] = _pairing_id(store, values, conn)
    key = {}
    for column in KEYS[name]:
        if column not in values:
            if column == "ref":
                values[column] = ""
            else:
                raise ApprovalError(f"{IMPORT_NAME[name]}: name the record's {column} (the key "
                                    f"is {', '.join(KEYS[name])})", table=IMPORT_NAME[name],
                                    column=column, reason="missing from the key")
        value = values[column]
        try:
            key[column] = int(value) if columns[column].type.python_type is int else str(value)
        except (TypeError, ValueError):
            raise ApprovalError(f"{IMPORT_NAME[name]}: {column} {value!r} is not a whole "
                                "number") from None
    return key


def _pairing_id(store: Store, values: dict, conn) -> int:
    donor, recipient = values.get("donor_code"), values.get("recipient_code")
    if donor is None or recipient is None:
        raise ApprovalError("name the record's donor and recipient (its pairing)")
    found = store.query("SELECT id, round FROM pairing WHERE donor_code = :d AND "
                        "recipient_code = :r", {"d": str(donor), "r": str(recipient)}, conn=conn)
    if "round" in values and values["round"] not in (None, ""):
        try:
            wanted = int(values["round"])
        except (TypeError, ValueError):  # a request's text (/api/tables/flows/history?round=x)
            raise ApprovalError(f"round {values['round']!r} is not a whole number") from None
        found = found[found["round"] == wanted]
    if len(found) != 1:
        if found.empty:
            raise NoSuchRecord(f"pairing {donor} → {recipient}: not in the ledger",
                               table="pairings", key={"donor": donor, "recipient": recipient},
                               reason="not in the ledger")
        raise ApprovalError(f"pairing {donor} → {recipient}: several rounds; name the round",
                            table="pairings", column="round", reason="several rounds")
    return int(found["id"].iloc[0])


def approve_records(store: Store, table: str, keys: list[dict] | None = None, *, actor,
                    comment: str | None = None, all_drafts: bool = False) -> ApprovalResult:
    """Approve drafts (and returned records) of `table`: those named by `keys` (import or
    ledger column names, see `key_from_import`), or every pending one with `all_drafts`."""
    return _decide(store, table, keys, "approve", actor, comment, all_drafts)


def return_records(store: Store, table: str, keys: list[dict], *, actor,
                   comment: str) -> ApprovalResult:
    """Return records to their authors with a comment (required: what to fix)."""
    if not (comment or "").strip():
        raise ApprovalError("returning records needs a comment (what should be fixed)")
    return _decide(store, table, keys, "return", actor, comment.strip(), False)


def pending(store: Store, table: str) -> pd.DataFrame:
    """The approval queue of a table: its drafts and returned records (import format, with
    `approval`, who last wrote each and when)."""
    name = ledger_table(table)
    if name not in schema.APPROVED_TABLES:
        return pd.DataFrame()
    import_name = IMPORT_NAME[name]
    from pairaid.ledger.table_sql import EXPORT_SQL

    head, order = EXPORT_SQL[import_name].split(" ORDER BY ")
    select, source = head.split(" FROM ", 1)
    return store.query(f"{select}, t.approval, t.updated_by, t.updated_at FROM {source} "
                       f"WHERE t.approval <> 'approved' ORDER BY {order}")


def _decide(store: Store, table: str, keys: list[dict] | None, action: str, actor,
            comment: str | None, all_drafts: bool) -> ApprovalResult:
    name = ledger_table(table)
    if name not in schema.APPROVED_TABLES:
        raise ApprovalError(f"{IMPORT_NAME[name]} are reference data, not approved record by "
                            f"record (record tables: "
                            f"{', '.join(IMPORT_NAME[t] for t in schema.APPROVED_TABLES)})")
    if not all_drafts and not keys:
        raise ApprovalError("name the records (or approve every draft)")
    state = "approved" if action == "approve" else "returned"
    with store.transaction(actor_name(actor)) as conn:
        chain = chain_of(conn)
        pk = primary_key(name)
        if all_drafts:
            targets = [row[0] for row in conn.execute(
                text(f"SELECT {pk} FROM {name} WHERE approval <> 'approved'"))]
            before = states_by_key(store, conn, name, where="approval <> 'approved'")
        else:
            wanted = [tuple(key_from_import(store, name, k, conn)[c] for c in KEYS[name])
                      for k in keys]
            before = states_by_key(store, conn, name, wanted)
            missing = [k for k in wanted if k not in before]
            if missing:
                raise NoSuchRecord(f"{IMPORT_NAME[name]}: no record "
                                   f"{dict(zip(KEYS[name], missing[0]))}; nothing was changed",
                                   table=IMPORT_NAME[name], key=dict(zip(KEYS[name], missing[0])),
                                   reason="no such record")
            done = [k for k in wanted if _approval(before[k], name) == state]
            if done:
                raise DecidedAlready(f"{IMPORT_NAME[name]}: {dict(zip(KEYS[name], done[0]))} is "
                                     f"{state} already; nothing was changed",
                                     table=IMPORT_NAME[name], key=dict(zip(KEYS[name], done[0])),
                                     column="approval", reason=f"{state} already")
            targets = [before[k].pk for k in wanted]
        seq = chain.seq + 1
        for start in range(0, len(targets), 500):
            chunk = {f"k{i}": v for i, v in enumerate(targets[start:start + 500])}
            conn.execute(text(f"UPDATE {name} SET approval = :state, journal_seq = :seq, "
                              f"updated_by = :actor, updated_at = :at WHERE {pk} IN "
                              f"({', '.join(':' + k for k in chunk)})"),
                         {**chunk, "state": state, "seq": seq, "actor": chain.actor,
                          "at": chain.at})
        entries = record_written(store, conn, name, seq, before, action, comment) \
            if targets else 0
    return ApprovalResult(IMPORT_NAME[name], action, len(targets), entries, comment)


def _approval(before, table: str) -> str:
    from pairaid.ledger.journal import state_columns

    return before.state[state_columns(table).index("approval")]



def pending_counts(store: Store) -> dict[str, int]:
    """Drafts and returned records awaiting an approver, per record table (import names)."""
    counts = {}
    with store._reader() as conn:
        for table in schema.APPROVED_TABLES:
            counts[IMPORT_NAME[table]] = conn.execute(text(
                f"SELECT COUNT(*) FROM {table} WHERE approval <> 'approved'")).scalar_one()
    return counts


def restore_pending(store: Store, conn, table: str, records: list[dict],
                    comment: str = "approval state restored from a backup") -> int:
    """Inside a restore's transaction: give the records a backup listed as awaiting approval
    their state and authors back (`records`: import-format key columns plus `approval`,
    created_by/at, updated_by/at). The restore wrote every row approved; each change back to
    draft or returned is a journal entry. Returns the number of records."""
    name = ledger_table(table)
    chain = chain_of(conn)
    wanted, states = [], {}
    for record in records:
        if record.get("approval") not in ("draft", "returned"):
            raise ApprovalError(f"{IMPORT_NAME[name]}: approval {record.get('approval')!r} of a "
                                "pending record (draft or returned)")
        given = {c: v for c, v in record.items() if c not in _PENDING}
        key = tuple(key_from_import(store, name, given, conn)[c] for c in KEYS[name])
        wanted.append(key)
        states[key] = {c: record.get(c) or None for c in _PENDING}
    before = states_by_key(store, conn, name, wanted)
    missing = [k for k in wanted if k not in before]
    if missing:
        raise ApprovalError(f"{IMPORT_NAME[name]}: no record {dict(zip(KEYS[name], missing[0]))}"
                            " for a pending state")
    seq = chain.seq + 1
    pk = primary_key(name)
    conn.execute(text(f"UPDATE {name} SET approval = :approval, created_by = :created_by, "
                      f"created_at = :created_at, updated_by = :updated_by, "
                      f"updated_at = :updated_at, journal_seq = :seq WHERE {pk} = :pk"),
                 [{**states[k], "seq": seq, "pk": before[k].pk} for k in wanted])
    record_written(store, conn, name, seq, before, "update", comment)
    return len(wanted)


_PENDING = ("approval", "created_by", "created_at", "updated_by", "updated_at")
