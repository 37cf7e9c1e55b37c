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
from pairaid.cli.console import use_drafts
from pairaid.cli.options import Db, IncludeDrafts, Json

plan_app = typer.Typer(
    help="The programme's own rules: commitments owed under a funding rule, compliance of the "
         "recorded flows, the optimal pairing and funding scenarios.",
    no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")

Rule = Annotated[str, typer.Option("--rule", help="A bundled rule (wenchuan_2008, xinjiang_2010) "
                                   "or a rule file (.toml)")]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="Write the table "
                                             "(.csv .xlsx .parquet .json)")]


def _label(store, source: str) -> dict:
    from pairaid.policy.ledger import plan_label

    return plan_label(store, source)


def _emit(result, as_json: bool, output: Path | None, label: dict) -> None:
    from pairaid.ingest.export import write_frame

    if output is not None:
        write_frame(result.tidy().assign(**label), output)
    if as_json:
        from pairaid.api import plan_document

        sys.stdout.write(json.dumps(plan_document(result, label), ensure_ascii=False,
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
    include_drafts: IncludeDrafts = False,
) -> None:
    """Each donor's obligation in a year under a funding rule, with the arithmetic shown.

    Example: `pairaid plan commitments --rule xinjiang_2010 --year 2020 --db pairaid-demo/demo.db`
    """
    use_drafts(include_drafts)

    from pairaid import api
    from pairaid.policy import load_rule

    parsed = load_rule(rule)
    with api.Ledger(open_ledger(db)) as ledger:
        _emit(ledger.commitments(parsed, year), as_json, output,
              _label(ledger.store, parsed.source))


@plan_app.command("compliance")
@bad_input
def compliance(
    rule: Rule,
    db: Db = None,
    year_from: Annotated[int | None, typer.Option("--from", help="First year [default: the rule's]")] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Last year [default: the rule's]")] = None,
    as_json: Json = False,
    output: Output = None,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Recorded disbursements against the rule's obligations by donor and year, and the growth
    path per recipient. Years without recorded flows are 'not recorded', never shortfalls.

    Example: `pairaid plan compliance --rule xinjiang_2010 --db pairaid-demo/demo.db`
    """
    use_drafts(include_drafts)

    from pairaid import api
    from pairaid.policy import load_rule

    parsed = load_rule(rule)
    with api.Ledger(open_ledger(db)) as ledger:
        _emit(ledger.compliance(parsed, year_from, year_to), as_json, output,
              _label(ledger.store, parsed.source))
        if not as_json:  # the recorded side rests on the flows: say what they cover
            out.print(f"Coverage: {ledger.coverage(year_from, year_to).statement}.",
                      highlight=False)


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
    node_limit: Annotated[int | None, typer.Option(
        "--node-limit", help="Stop the search after this many branch-and-bound nodes: the same "
                             "answer on every run, unlike --time-limit")] = None,
    need: Annotated[str, typer.Option(
        "--need", help="Need as weighted components: population, income_gap, index_deficit, "
                       "poverty (e.g. population=1,income_gap=1)")] = "population",
    reference_income: Annotated[float | None, typer.Option(
        "--reference-income", help="Rural income the income gap is measured to [default: the "
                                   "highest recipient's]")] = None,
    poverty_indicator: Annotated[str, typer.Option(
        "--poverty-indicator", help="Indicator holding the poverty rate (% or 0–1)")] = "poverty_rate",
    as_json: Json = False,
    output: Output = None,
    include_drafts: IncludeDrafts = False,
) -> None:
    """The pairing that best equalises support per unit of need given the donors' obligations
    under a rule, beside today's pairing (mixed-integer programme, HiGHS).

    Example: `pairaid plan match --rule xinjiang_2010 --year 2019 --need population=1,income_gap=1`
    """
    use_drafts(include_drafts)

    from pairaid.policy import load_rule
    from pairaid.policy.ledger import match_on_ledger
    from pairaid.policy.need import parse_need

    parsed = load_rule(rule)
    need_spec = parse_need(need, reference_income, poverty_indicator)
    with open_ledger(db) as store:
        result, equity = match_on_ledger(store, parsed, year, max_recipients=max_recipients,
                                         change_penalty=change_penalty,
                                         prefecture_penalty=prefecture_penalty,
                                         time_limit=time_limit, need=need_spec,
                                         node_limit=node_limit)
        label = _label(store, f"{parsed.source}; need = {need_spec.label}")
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
        bands = figures.get("theil_between_minority_bands")
        out.print(f"  {label}: Gini of support per resident {figures['gini_per_resident']:.3f}, "
                  f"per unit of need {figures['gini_per_unit_of_need']:.3f}"
                  + (f", Theil between prefectures {theil:.3f}" if theil is not None else "")
                  + (f", between minority-share bands {bands:.3f}" if bands is not None else ""),
                  highlight=False)


@plan_app.command("scenario")
@bad_input
def scenario(
    file: Annotated[str, typer.Argument(help="A bundled scenario (taper_and_water) or a "
                                        "scenario file (.toml): [scenario] base_year, "
                                         "horizon; [funding] share_multiplier, taper; "
                                         "[funding.donors] CODE = budget multiplier; "
                                         "[pairing] COUNTY = DONOR; "
                                         "[elasticity] value (or \"estimate\"), se; [outcome] "
                                         "indicator; [water] annual_change, headroom")],
    db: Db = None,
    as_json: Json = False,
    output: Output = None,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Project an outcome 5–10 years ahead under a funding scenario (a rule's share, a taper, a
    donor's budget, a changed pairing), county by county, with a band from the elasticity's
    uncertainty and the irrigation-water ceiling; refuses to extrapolate silently.

    Example: `pairaid plan scenario taper_and_water --db pairaid-demo/demo.db`
    """
    use_drafts(include_drafts)

    from pairaid.policy.ledger import scenario_on_ledger
    from pairaid.policy.scenario import load_scenario

    parsed = load_scenario(file)
    with open_ledger(db) as store:
        _emit(scenario_on_ledger(store, parsed), as_json, output,
              _label(store, f"scenario {parsed.name}; a projection, not a forecast"))
