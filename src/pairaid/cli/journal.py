"""`pairaid journal verify|show|head`, `pairaid approve` and `pairaid return` (issue 15). Thin:
parse, call `pairaid.ledger.journal_read` / `pairaid.ledger.approval`, print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pairaid.cli.options import Db, Json, Token, run_command

journal_app = typer.Typer(
    help="The journal: every change to the ledger (who, when, before, after), each entry "
         "hashing the one before it.",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")

Table = Annotated[str, typer.Argument(help="Table, as in `pairaid export` (flows, pairings, "
                                      "observations …)")]
Key = Annotated[list[str] | None, typer.Argument(
    help="The record's key as COLUMN=VALUE in export columns (donor=BJ recipient=653221 "
         "year=2015 kind=disbursement sector=11110), or one code for regions, donors, projects "
         "and indicators")]


def parse_key(table: str, parts: list[str]) -> dict:
    """`col=value …` (or one bare code for a code-keyed table) → {column: value}."""
    from pairaid.ledger.journal import JournalError

    if len(parts) == 1 and "=" not in parts[0]:
        return {"code": parts[0]}
    key = {}
    for part in parts:
        column, sep, value = part.partition("=")
        if not sep or not column.strip():
            raise JournalError(f"{table} key {part!r}: write COLUMN=VALUE (e.g. year=2015)")
        key[column.strip()] = value.strip()
    return key


@journal_app.command("verify")
def journal_verify(
    db: Db = None,
    anchor: Annotated[str | None, typer.Option(
        "--anchor", help="A head kept earlier (SEQ:HASH, from `pairaid journal head`): it must "
                         "still be in the chain")] = None,
    as_json: Json = False,
) -> None:
    """Check the chain (order, links, hashes, head) and every ledger row against the entry that
    wrote it. Exit 0 when intact; exit 1 naming the first bad entry.

    Example: `pairaid journal verify --anchor 1520:9f2c…`
    """
    def body():
        from pairaid.cli.console import open_ledger, out
        from pairaid.ledger.journal_read import verify

        with open_ledger(db) as store:
            result = verify(store, anchor)
        if as_json:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.print(str(result), highlight=False, markup=False)
        if not result.ok:
            raise typer.Exit(1)

    run_command(body)


OptionalTable = Annotated[str | None, typer.Argument(
    help="Table, as in `pairaid export` (flows, pairings, observations …); none: every table",
    show_default=False)]


@journal_app.command("show")
def journal_show(
    table: OptionalTable = None,
    key: Key = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only entries by this actor "
                                              "(an account's name, local:USER)")] = None,
    action: Annotated[str | None, typer.Option(
        "--action", help="Only this action: insert, update, delete, approve, return")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only entries at or after this UTC date or time (2026-12-01, "
                        "2026-12-01T08:00)")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Only entries before this UTC date or time")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many entries "
                                       "(the newest; a record's history: its oldest)")] = 50,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Journal entries: with a TABLE and a KEY, the record's history (every entry that wrote
    it, oldest first, the bulk writes that carried it included); otherwise the newest entries,
    of one table or all, filtered by --actor, --action, --since, --until.

    Examples: `pairaid journal show flows donor=BJ recipient=653221 year=2015 kind=disbursement sector=11110` ·
    `pairaid journal show flows --actor hotan-office --since 2026-12-01 --limit 20`
    """
    def body():
        from pairaid.cli.console import open_ledger, out
        from pairaid.ledger.journal import JournalError
        from pairaid.ledger.journal_read import entries as journal_entries
        from pairaid.ledger.journal_read import history

        if key and table is None:
            raise JournalError("name the table of the record's key (pairaid journal show "
                               "TABLE KEY…)")
        with open_ledger(db) as store:
            if key:
                from pairaid.ledger.approval import key_from_import

                wanted = key_from_import(store, table, parse_key(table, key))
                shown = history(store, table, wanted, actor=actor, action=action,
                                since=since, until=until, limit=limit)
            else:
                wanted = None
                shown = journal_entries(store, table, actor=actor, action=action, since=since,
                                        until=until, limit=limit)
        if as_json:
            sys.stdout.write(json.dumps({"table": table, "key": wanted, "entries": shown},
                                        ensure_ascii=False) + "\n")
            return
        if not shown:
            out.print(f"{table or 'journal'}{' ' + str(wanted) if wanted else ''}: no journal "
                      "entry", highlight=False, markup=False)
            return
        for entry in shown:
            what = (f"{entry['action']} (one write of {entry['after']['rows']:,} rows)"
                    if entry["bulk"] and entry["after"] else entry["action"])
            where = "" if wanted else f" {entry['table']} " + (
                "(many rows)" if entry["bulk"] else
                " ".join(f"{k}={v}" for k, v in (entry["key"] or {}).items()))
            out.print(f"#{entry['seq']} {entry['at']} {entry['actor']}: {what}{where}"
                      + (f" — {entry['comment']}" if entry["comment"] else ""),
                      highlight=False, markup=False)
            if not entry["bulk"]:
                for line in _changes(entry["before"], entry["after"]):
                    out.print(f"    {line}", highlight=False, markup=False)

    run_command(body)


def _changes(before: dict | None, after: dict | None) -> list[str]:
    if before is None or after is None:
        state = after if before is None else before
        return [", ".join(f"{k}={v}" for k, v in (state or {}).items() if k != "journal_seq")]
    return [f"{k}: {before.get(k)!r} -> {v!r}" for k, v in after.items() if before.get(k) != v]


@journal_app.command("head")
def journal_head(
    db: Db = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Also write the anchor as JSON to this file (to send or "
                               "publish)")] = None,
    as_json: Json = False,
) -> None:
    """The chain's newest entry (SEQ:HASH): keep or publish it; `journal verify --anchor` later
    proves the history up to it was not rewritten.

    Example: `pairaid journal head -o anchors/2026-12-06.json`
    """
    def body():
        from pairaid.cli.console import open_ledger, out
        from pairaid.ledger.journal_read import head

        with open_ledger(db) as store:
            current = head(store)
            location = store.location
        if output is not None:
            from pairaid.atomic import write_text

            write_text(output, json.dumps({**current.to_dict(), "ledger": location},
                                          ensure_ascii=False, indent=1) + "\n")
        if as_json:
            sys.stdout.write(json.dumps(current.to_dict()) + "\n")
            return
        out.print(f"{current}", highlight=False, markup=False)
        if current.at:
            err_line = f"entry {current.seq} of {current.at}"
            from pairaid.cli.console import err

            err.print(err_line, highlight=False, markup=False)

    run_command(body)


def approve(
    table: Table,
    key: Key = None,
    all_drafts: Annotated[bool, typer.Option("--all-drafts", help="Approve every draft and "
                                             "returned record of the table")] = False,
    pending: Annotated[bool, typer.Option("--list", help="List the table's drafts and "
                                          "returned records; change nothing")] = False,
    comment: Annotated[str | None, typer.Option("--comment", help="Kept in the "
                                                "journal")] = None,
    db: Db = None,
    token: Token = None,
    as_json: Json = False,
) -> None:
    """Approve draft records: analytics and the report use them from then on. On a ledger with
    accounts this needs an approver's or admin's --token.

    Example: `pairaid approve flows --all-drafts --token $TOKEN`
    """
    def body():
        from pairaid.cli.console import out
        from pairaid.ledger import Store
        from pairaid.ledger.approval import approve_records, key_from_import
        from pairaid.ledger.approval import pending as queue

        with Store.open(db, create=False) as store:
            if pending:
                frame = queue(store, table)
                if as_json:
                    from pairaid.jsonable import records

                    sys.stdout.write(json.dumps({"table": table, "records": records(frame)},
                                                ensure_ascii=False) + "\n")
                else:
                    out.print(f"{table}: {len(frame)} pending", highlight=False)
                    if len(frame):
                        out.print(frame.to_string(index=False), highlight=False, markup=False)
                return
            actor = _approver(store, token)
            keys = None if all_drafts else [key_from_import(store, table,
                                                            parse_key(table, key or []))]
            if not all_drafts and not key:
                from pairaid.ledger.approval import ApprovalError

                raise ApprovalError("name the record (COLUMN=VALUE …) or give --all-drafts")
            result = approve_records(store, table, keys, actor=actor, comment=comment,
                                     all_drafts=all_drafts)
        _print(result, as_json)

    run_command(body)


def return_(
    table: Table,
    key: Key = None,
    comment: Annotated[str, typer.Option("--comment", help="What the author should fix "
                                         "(required; kept in the journal)")] = "",
    db: Db = None,
    token: Token = None,
    as_json: Json = False,
) -> None:
    """Return a record to its author with a comment; it stays out of analytics until it is
    approved.

    Example: `pairaid return flows donor=BJ recipient=653221 year=2015 kind=disbursement sector=11110 --comment "amount is in 万元"`
    """
    def body():
        from pairaid.ledger import Store
        from pairaid.ledger.approval import key_from_import, return_records

        with Store.open(db, create=False) as store:
            actor = _approver(store, token)
            keys = [key_from_import(store, table, parse_key(table, key or []))]
            result = return_records(store, table, keys, actor=actor, comment=comment)
        _print(result, as_json)

    run_command(body)


def _approver(store, token: str | None):
    """Who approves: the token's account (approver or admin), or the local user on a ledger
    without accounts."""
    from pairaid.ledger.accounts import AccountError, local_writer

    writer = local_writer(store, token)
    if writer.account is not None and writer.account.role not in ("approver", "admin"):
        raise AccountError(f"{writer.account.name} is an {writer.account.role}: approving needs "
                           "an approver or an admin")
    if writer.account is None and writer.approval != "approved":
        raise AccountError("the ledger has accounts: give an approver's or admin's --token")
    return writer.actor


def _print(result, as_json: bool) -> None:
    from pairaid.cli.console import out

    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.print(str(result), highlight=False, markup=False)
