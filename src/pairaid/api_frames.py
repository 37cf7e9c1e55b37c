"""The frame-level pieces of the use-case layer (`pairaid.api`): the event study with its
HonestDiD sensitivity on a plain table, the coverage notes a ledger result carries, and the JSON
documents the CLI's --json and the web's /api routes return. Kept apart so api.py stays the
ledger object; `pairaid.api` re-exports every name here."""

from __future__ import annotations

import dataclasses

import pandas as pd

from pairaid.panel import Panel

#: the Rambachan–Roth restrictions `--honest` (and /api/event-study?honest=true) runs
HONEST_RESTRICTIONS = ("rm", "sd")


def honest_target(text: str | int) -> int | str:
    """`--honest-target` / ``honest_target``: an event time (0, 1, …) or 'average' — one parser
    for the CLI and the web, so both run the same analysis (a DidError says what is wrong)."""
    from pairaid.evaluate.did import DidError

    if str(text).strip().lower() == "average":
        return "average"
    try:
        value = int(text)
    except ValueError:
        raise DidError(f"--honest-target takes an event time (0, 1, …) or 'average', not "
                       f"'{text}'") from None
    if value < 0:
        raise DidError("--honest-target must be an event time after treatment (0 or later)")
    return value


def event_study_frame(frame: pd.DataFrame, outcome: str, *, honest=(),
                      honest_target: int | str = 0, **options):
    """The event study on a plain table (what `pairaid event-study --data` runs, and the
    ledger's `event_study` beneath it) with Rambachan–Roth sensitivity for each restriction in
    `honest` ("rm" relative magnitudes, "sd" smoothness; `honest_target` an event time or
    "average"). Callaway–Sant'Anna with a varying base period keeps its result and takes the
    sensitivity from the same estimate with a universal base (the effects after treatment are
    the same; the leads become deviations from the period before treatment, as HonestDiD
    needs)."""
    from pairaid.evaluate.did import event_study
    from pairaid.evaluate.honest_event import HonestError, honest_sensitivity

    result = event_study(frame, outcome=outcome, **options)
    if not honest:
        return result
    source = result
    if result.estimator == "cs" and result.base_period != "universal":
        # the rerun's own pre-trend test is not read: no bootstrap draws for it
        source = event_study(frame, outcome=outcome, **{**options, "base_period": "universal",
                                                         "wild_reps": 0})
    found, missing = [], []
    for restriction in honest:
        try:
            one = honest_sensitivity(source, restriction, target=honest_target,
                                     seed=options.get("seed", 0))
        except HonestError as error:  # said, not raised: the estimates still stand
            missing.append(f"Rambachan–Roth sensitivity ({restriction}) not run: {error}")
            continue
        if source is not result:
            one = dataclasses.replace(one, notes=one.notes + (
                "computed on the universal-base event path (the effects after treatment are "
                "the reported ones; the leads measured from the period before treatment)",))
        found.append(one)
    return dataclasses.replace(result, sensitivity=result.sensitivity + tuple(found),
                               notes=tuple(result.notes) + tuple(missing))


def with_coverage(result, panel: Panel, dropped: str | None = None, year: int | None = None):
    """`result` with the panel's coverage statement (and, for an analysis of a funds column,
    the unit-years it could not use because their funds are not recorded — in `year` only, for
    an analysis of one year) added to its notes."""
    if panel.coverage is None or not dataclasses.is_dataclass(result) or \
            "notes" not in {f.name for f in dataclasses.fields(result)}:
        return result
    notes = [f"Coverage: {panel.coverage.statement}."]
    if dropped is not None and panel.funds_missing and dropped in panel.frame:
        from pairaid.panel import FLOW_COVERAGE, PARTIAL
        from pairaid.coverage import NOT_RECORDED

        gap = panel.frame[FLOW_COVERAGE].isin([NOT_RECORDED, PARTIAL])
        if year is not None:
            gap &= panel.frame["year"] == year
        missing = panel.frame.loc[gap & panel.frame[dropped].isna(), ["unit", "year"]]
        if len(missing):
            named = ", ".join(f"{u} {y}" for u, y in missing.head(5).itertuples(index=False))
            notes.append(f"{len(missing):,} unit-years dropped because {dropped} is not "
                         f"recorded (e.g. {named}).")
    return dataclasses.replace(result, notes=tuple(result.notes) + tuple(notes))


def effect_document(result, design=None) -> dict:
    """The JSON document of an effect estimate (elasticity, IV, event study, synthetic control,
    dose-response), with its design warnings beside it when they come apart from the result:
    what the four effect commands print with --json and the /api routes return."""
    import json

    document = json.loads(result.to_json()) if hasattr(result, "to_json") else result.to_dict()
    if design is not None:
        document["design_warnings"] = [str(w) for w in design]
    return document


def plan_document(result, label: dict) -> dict:
    """A plan result with the label it travels with (money basis, source, synthetic)."""
    return {**result.to_dict(), "label": label}
