"""Audit checks on projects: cost per unit of output, delays, shortfalls and overruns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.audit.results import Finding

#: 0.6745 = Φ⁻¹(0.75) makes the MAD a consistent estimate of σ for normal data
MAD_SCALE = 0.6745


def robust_z(values: pd.Series) -> pd.Series:
    """Iglewicz–Hoaglin modified z-score 0.6745 (x − median) / MAD (NaN when the MAD is 0).

    Iglewicz, B. and Hoaglin, D. (1993), *How to Detect and Handle Outliers*, ASQC; |z| > 3.5
    is their outlier rule.
    """
    median = values.median()
    mad = (values - median).abs().median()
    if not mad > 0:
        return pd.Series(np.nan, index=values.index)
    return MAD_SCALE * (values - median) / mad


def cost_per_output(projects: pd.DataFrame, outputs: pd.DataFrame, threshold: float = 3.5,
                    min_group: int = 10) -> list[Finding]:
    """Cost per unit of output (budget / actual, or / target before completion) by sector and
    output; outliers have |robust z| of log cost above `threshold` within their group."""
    if projects.empty or outputs.empty:
        return [Finding("cost_per_output", "info",
                        "No projects with outputs: cost per unit of output cannot be computed.")]
    last = outputs.sort_values("year").groupby(["project", "indicator"]).tail(1)
    data = last.merge(projects[["code", "sector", "budget", "currency", "status"]],
                      left_on="project", right_on="code")
    data["delivered"] = data["actual"].where(data["actual"].notna(), data["target"])
    usable = (data["budget"] > 0) & (data["delivered"] > 0)
    data = data[usable].copy()
    data["cost_per_unit"] = data["budget"] / data["delivered"]
    data["log_cost"] = np.log(data["cost_per_unit"])
    group = ["sector", "indicator", "unit", "currency"]
    sizes = data.groupby(group)["log_cost"].transform("size")
    data["robust_z"] = data.groupby(group)["log_cost"].transform(robust_z).where(
        sizes >= min_group)
    data["group_median"] = data.groupby(group)["cost_per_unit"].transform("median")
    data["times_median"] = data["cost_per_unit"] / data["group_median"]
    table = (data.groupby(group).agg(projects=("project", "size"),
                                     median_cost=("cost_per_unit", "median"))
             .reset_index())
    outliers = data[data["robust_z"].abs() > threshold]
    records = outliers[["project", "sector", "indicator", "unit", "budget", "delivered",
                        "cost_per_unit", "group_median", "times_median", "robust_z"]]
    records = records.sort_values("robust_z", ascending=False).reset_index(drop=True)
    high = int((records["robust_z"] > 0).sum())
    tested = int(data["robust_z"].notna().sum())
    # clean (lognormal) costs: the modified z is ~N(0, 1) in large groups, so each tested output
    # crosses ±threshold with probability 2Φ(−threshold)
    from scipy.stats import norm

    alarms = tested * 2 * float(norm.sf(threshold))
    return [
        Finding("cost_per_output", "info",
                f"Median cost per unit of output for {len(table)} sector × output types over "
                f"{len(data):,} project outputs ({int((~usable).sum())} without a positive "
                f"budget and output are left out).", table,
                {"outputs": len(data), "left_out": int((~usable).sum())}),
        Finding("cost_outliers", "warning" if len(records) else "info",
                f"{len(records)} project outputs cost far more or less per unit than their sector "
                f"norm ({high} above, {len(records) - high} below; |robust z| > {threshold:g} of "
                f"log cost): check the budget and the reported output." if len(records)
                else f"No project output's cost per unit is an outlier (|robust z| > "
                f"{threshold:g})." + f" Expected false alarms on clean (lognormal) costs: "
                f"{alarms:.2f}.", records,
                {"threshold": threshold, "tested": tested,
                 "share": len(records) / max(tested, 1), "expected_false_alarms": alarms}),
    ]


def delays(projects: pd.DataFrame, outputs: pd.DataFrame, flows: pd.DataFrame,
           as_of: int | None = None, shortfall: float = 0.5,
           overrun: float = 1.1) -> list[Finding]:
    """Projects past their planned end and not completed, completed ones without an end year,
    outputs far below target, and disbursements linked to a project above its budget."""
    if projects.empty:
        return [Finding("project_delays", "info", "No projects recorded: delays and overruns "
                        "cannot be checked.")]
    if as_of is None:
        years = [projects["start_year"].max(), flows["year"].max() if len(flows) else None]
        as_of = int(max(y for y in years if pd.notna(y)))
    open_ = projects["status"].isin(["ongoing", "planned"])
    late = projects[open_ & projects["end_year"].notna() & (projects["end_year"] < as_of)]
    late = late.assign(years_late=as_of - late["end_year"])[
        ["code", "donor", "recipient", "sector", "start_year", "end_year", "status",
         "years_late"]].reset_index(drop=True)
    findings = [Finding(
        "project_delays", "warning" if len(late) else "info",
        f"{len(late)} projects are still ongoing or planned although their planned "
        f"end year has passed (as of {as_of}): they are late or their status is out of date."
        if len(late) else f"No open project is past its planned end year (as of {as_of}).",
        late, {"as_of": as_of})]
    no_end = projects[(projects["status"] == "completed") & projects["end_year"].isna()]
    if len(no_end):
        findings.append(Finding(
            "completed_without_end", "warning",
            f"{len(no_end)} projects are marked completed but have no end year.",
            no_end[["code", "donor", "recipient", "start_year", "status"]].reset_index(drop=True)))
    done = outputs.merge(projects.loc[projects["status"] == "completed", ["code"]],
                         left_on="project", right_on="code")
    done = done[done["target"] > 0]
    short = done[done["actual"] < shortfall * done["target"]]
    findings.append(Finding(
        "output_shortfall", "warning" if len(short) else "info",
        f"{len(short)} outputs of completed projects reached less than {shortfall:.0%} of their "
        f"target." if len(short) else f"Every completed project's outputs reached at least "
        f"{shortfall:.0%} of target ({len(done):,} outputs).",
        short[["project", "indicator", "year", "target", "actual"]].reset_index(drop=True)))
    linked = flows[flows["project"].notna() & (flows["kind"] == "disbursement")]
    if linked.empty:
        findings.append(Finding(
            "budget_overrun", "info",
            "No disbursements are linked to projects: budget against disbursement cannot be "
            "assessed (link flows to projects through the flow's `project` column)."))
        return findings
    spent = linked.groupby(["project", "currency"])["amount"].sum().rename("disbursed")
    merged = projects.merge(spent.reset_index(), left_on=["code", "currency"],
                            right_on=["project", "currency"])
    over = merged[merged["disbursed"] > overrun * merged["budget"]]
    over = over.assign(ratio=over["disbursed"] / over["budget"])
    findings.append(Finding(
        "budget_overrun", "warning" if len(over) else "info",
        f"{len(over)} of {len(merged)} projects with linked disbursements received more than "
        f"{overrun:.0%} of their budget." if len(over) else f"None of {len(merged)} projects with "
        f"linked disbursements received more than {overrun:.0%} of its budget.",
        over[["code", "budget", "disbursed", "ratio"]].reset_index(drop=True)))
    return findings
