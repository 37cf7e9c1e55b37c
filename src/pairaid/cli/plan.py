"""`pairaid plan …`: what the programme's funding rule says donors owe, and whether the recorded
flows meet it. Thin: parse, call `pairaid.policy`, print. Registered in main.py with
``app.add_typer(plan_app, name="plan")``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pairaid.cli.console import bad_input, open_ledger, out
from pairaid.cli.options import Db, Json

plan_app = typer.Typer(
    help="The programme's own rules: commitments owed under a funding rule and compliance of "
         "the recorded flows (optimal pairing and scenarios are not built yet).",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")

Rule = Annotated[str, typer.Option("--rule", help="A bundled rule (wenchuan_2008, xinjiang_2010) "
                                   "or a rule file (.toml)")]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="Write the table "
                                             "(.csv .xlsx .parquet .json)")]


#: every figure of `plan` is in yuan at current prices (rules bind nominal budgets)
MONEY = "CNY, nominal (current) prices"


def _label(store, source: str) -> dict:
    """What a table or document must carry when it travels: money basis, source, synthetic."""
    return {"money": MONEY, "source": source, "synthetic": store.is_synthetic()}


def _emit(result, as_json: bool, output: Path | None, label: dict) -> None:
    from pairaid.ingest.export import write_frame

    if output is not None:
        write_frame(result.tidy().assign(**label), output)
    if as_json:
        sys.stdout.write(json.dumps({**result.to_dict(), "label": label}, ensure_ascii=False,
                                    indent=1) + "\n")
    else:
        out.print(str(result), markup=False, highlight=False)
        if output is not None:
            out.print(f"written to {output}", highlight=False)


@plan_app.command("commitments")
@bad_input
def commitments(
    rule: Rule,
    year: Annotated[int, typer.Option("--year", help="The year of the obligation")],
    db: Db = None,
    as_json: Json = False,
    output: Output = None,
) -> None:
    """Each donor's obligation in a year under a funding rule, with the arithmetic shown.

    Example: `pairaid plan commitments --rule xinjiang_2010 --year 2020 --db pairaid-demo/demo.db`
    """
    from pairaid.policy import load_rule
    from pairaid.policy.ledger import commitments_on_ledger

    parsed = load_rule(rule)
    with open_ledger(db) as store:
        _emit(commitments_on_ledger(store, parsed, year), as_json, output,
              _label(store, parsed.source))


@plan_app.command("compliance")
@bad_input
def compliance(
    rule: Rule,
    db: Db = None,
    year_from: Annotated[int | None, typer.Option("--from", help="First year [default: the rule's]")] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Last year [default: the rule's]")] = None,
    as_json: Json = False,
    output: Output = None,
) -> None:
    """Recorded disbursements against the rule's obligations by donor and year, and the growth
    path per recipient. Years without recorded flows are 'not recorded', never shortfalls.

    Example: `pairaid plan compliance --rule xinjiang_2010 --db pairaid-demo/demo.db`
    """
    from pairaid.policy import load_rule
    from pairaid.policy.ledger import compliance_on_ledger

    parsed = load_rule(rule)
    with open_ledger(db) as store:
        _emit(compliance_on_ledger(store, parsed, year_from, year_to), as_json, output,
              _label(store, parsed.source))


@plan_app.command("match")
@bad_input
def match(
    rule: Rule,
    year: Annotated[int, typer.Option("--year", help="Year whose pairings, populations and "
                                      "obligations are used")],
    db: Db = None,
    max_recipients: Annotated[int | None, typer.Option(
        "--max-recipients", help="At most this many recipients per donor [default: today's "
                                 "largest]")] = None,
    change_penalty: Annotated[float, typer.Option(
        "--change-penalty", help="Cost of changing one pairing, in shares of all money per "
                                 "recipient")] = 0.1,
    prefecture_penalty: Annotated[float, typer.Option(
        "--prefecture-penalty", help="Cost of each extra donor in a prefecture")] = 0.05,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the solver")] = 60.0,
    as_json: Json = False,
    output: Output = None,
) -> None:
    """The pairing that best equalises support per resident given the donors' obligations under
    a rule, beside today's pairing (mixed-integer programme, HiGHS).

    Example: `pairaid plan match --rule xinjiang_2010 --year 2019 --db pairaid-demo/demo.db`
    """
    from pairaid.policy import load_rule
    from pairaid.policy.ledger import match_on_ledger

    parsed = load_rule(rule)
    with open_ledger(db) as store:
        result, equity = match_on_ledger(store, parsed, year, max_recipients=max_recipients,
                                         change_penalty=change_penalty,
                                         prefecture_penalty=prefecture_penalty,
                                         time_limit=time_limit)
        label = _label(store, f"{parsed.source}; need = population")
    if output is not None:
        from pairaid.ingest.export import write_frame

        write_frame(result.tidy().assign(**label), output)
    if as_json:
        sys.stdout.write(json.dumps({**result.to_dict(), "equity": equity, "label": label},
                                    ensure_ascii=False, indent=1, default=float) + "\n")
        return
    out.print(str(result), markup=False, highlight=False)
    for label, figures in equity.items():
        theil = figures["theil_between_prefectures"]
        out.print(f"  {label}: Gini of support per resident {figures['gini_per_resident']:.3f}"
                  + (f", Theil between prefectures {theil:.3f}" if theil is not None else ""),
                  highlight=False)


@plan_app.command("scenario")
@bad_input
def scenario(
    file: Annotated[Path, typer.Argument(help="A scenario file (.toml): [scenario] base_year, "
                                         "horizon; [funding] share_multiplier, taper; "
                                         "[elasticity] value (or \"estimate\"), se; [outcome] "
                                         "indicator; [water] annual_change, headroom")],
    db: Db = None,
    as_json: Json = False,
    output: Output = None,
) -> None:
    """Project an outcome 5–10 years ahead under a funding scenario, with a band from the
    elasticity's uncertainty and the irrigation-water ceiling; refuses to extrapolate silently.

    Example: `pairaid plan scenario taper_and_water.toml --db pairaid-demo/demo.db`
    """
    from pairaid.policy.ledger import scenario_on_ledger
    from pairaid.policy.scenario import load_scenario

    parsed = load_scenario(file)
    with open_ledger(db) as store:
        _emit(scenario_on_ledger(store, parsed), as_json, output,
              _label(store, f"scenario {parsed.name}; a projection, not a forecast"))
