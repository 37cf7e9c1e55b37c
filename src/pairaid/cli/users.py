"""`pairaid users add|list|revoke`: the accounts of a shared ledger (issue 15). Thin: parse, call
`pairaid.ledger.accounts`, print."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Literal

import typer

from pairaid.cli.options import Db, Json, run_command

users_app = typer.Typer(
    help="Accounts of a shared ledger: each has a role (viewer, editor, approver, admin) and an "
         "API token shown once.",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")

Role = Literal["viewer", "editor", "approver", "admin"]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name (a person or an office)")],
    role: Annotated[Role, typer.Option("--role", help="viewer, editor, approver or admin")],
    region: Annotated[str | None, typer.Option(
        "--region", help="An editor writes only records of this region code")] = None,
    donor: Annotated[str | None, typer.Option(
        "--donor", help="An editor writes only records of this donor code")] = None,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Make an account and print its API token as the last line. The token is shown this once:
    the ledger keeps only its hash.

    Example: `pairaid users add hotan-office --role editor --region 653200`
    """
    def body():
        from pairaid.ledger import Store
        from pairaid.ledger.accounts import add_account

        with Store.open(db, create=True) as store:
            token = add_account(store, name, role, region, donor)
        if as_json:
            sys.stdout.write(json.dumps({"name": name.strip(), "role": role, "region": region,
                                         "donor": donor, "token": token}) + "\n")
            return
        sys.stderr.write(f"account {name.strip()} ({role}) made; its token (shown once, keep "
                         "it secret):\n")
        sys.stdout.write(token + "\n")

    run_command(body)


@users_app.command("list")
def users_list(db: Db = None, as_json: Json = False) -> None:
    """List the accounts (revoked ones too), never their tokens.

    Example: `pairaid users list --json`
    """
    def body():
        from pairaid.cli.console import out
        from pairaid.ledger import Store
        from pairaid.ledger.accounts import list_accounts

        with Store.open(db, create=False) as store:
            accounts = list_accounts(store)
        if as_json:
            sys.stdout.write(json.dumps({"accounts": accounts}) + "\n")
            return
        if not accounts:
            out.print("no accounts", highlight=False)
        for a in accounts:
            limits = ", ".join(f"{k} {a[k]}" for k in ("region", "donor") if a[k])
            out.print(f"{a['name']}  {a['role']}" + (f"  ({limits})" if limits else "")
                      + (f"  revoked {a['revoked_at']}" if a["revoked_at"] else ""),
                      highlight=False, markup=False)

    run_command(body)


@users_app.command("revoke")
def users_revoke(
    name: Annotated[str, typer.Argument(help="Account name")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Revoke an account's token for good (make a new account to give access again).

    Example: `pairaid users revoke hotan-office`
    """
    def body():
        from pairaid.cli.console import out
        from pairaid.ledger import Store
        from pairaid.ledger.accounts import revoke_account

        with Store.open(db, create=False) as store:
            revoked = revoke_account(store, name)
        if as_json:
            sys.stdout.write(json.dumps({"name": name, "revoked": revoked}) + "\n")
            return
        out.print(f"{name}: " + ("revoked" if revoked else "was revoked already"),
                  highlight=False, markup=False)

    run_command(body)
