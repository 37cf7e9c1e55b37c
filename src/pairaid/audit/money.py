"""Audit checks on money flows: disbursement ratios, duplicates, round numbers, Benford."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.audit.benford import (CONTAMINATION, MINIMUM_SAMPLE, DigitTest, benford_test,
                                    false_alarm_rate)
from pairaid.audit.results import Finding
from pairaid.audit.tails import binom_sf

PAIRING_YEAR = ["donor", "recipient", "year"]
#: every flow column but `ref`: rows equal on all of these are exact duplicates
DUPLICATE_KEY = ["donor", "recipient", "year", "kind", "amount", "currency", "sector", "project",
                 "source", "round"]


def in_cny(flows: pd.DataFrame, rates: pd.DataFrame) -> pd.Series:
    """Each flow's amount in CNY at the year's rate (NaN where no rate is recorded)."""
    factor = pd.Series(1.0, index=flows.index)
    foreign = flows["currency"] != "CNY"
    if foreign.any():
        table = rates[rates["base"] == "CNY"].set_index(["currency", "year"])["rate"]
        keys = pd.MultiIndex.from_arrays([flows.loc[foreign, "currency"],
                                          flows.loc[foreign, "year"].astype(int)])
        factor[foreign] = table.reindex(keys).to_numpy(dtype=float)
    return flows["amount"].astype(float) * factor


def disbursement_ratio(flows: pd.DataFrame, rates: pd.DataFrame, high: float = 1.5,
                       low: float = 0.5) -> list[Finding]:
    """Disbursed / committed by pairing-year (flagged outside [low, high]) and by donor."""
    money = flows.assign(cny=in_cny(flows, rates))
    money = money[money["kind"].isin(["commitment", "disbursement"])]
    if money.empty:
        return [Finding("disbursement_ratio", "info",
                        "No commitments or disbursements recorded: the disbursement ratio "
                        "cannot be computed.")]
    wide = (money.pivot_table(index=PAIRING_YEAR, columns="kind", values="cny", aggfunc="sum")
            .reindex(columns=["commitment", "disbursement"]).fillna(0.0).reset_index())
    wide = wide.rename(columns={"commitment": "committed", "disbursement": "disbursed"})
    defined = wide["committed"] > 0
    wide["ratio"] = np.where(defined, wide["disbursed"] / wide["committed"].where(defined), np.nan)
    findings = []
    outside = wide[defined & ((wide["ratio"] > high) | (wide["ratio"] < low))]
    over, under = int((outside["ratio"] > high).sum()), int((outside["ratio"] < low).sum())
    findings.append(Finding(
        "disbursement_ratio", "warning" if len(outside) else "info",
        f"{over} pairing-years disbursed more than {high:g}× what was committed and {under} less "
        f"than {low:g}× (of {int(defined.sum()):,} with commitments): check for missing "
        f"commitments, double entries or stalled programmes."
        if len(outside) else f"All {int(defined.sum()):,} pairing-years with commitments disbursed "
        f"between {low:g}× and {high:g}× of them.",
        outside.sort_values("ratio").reset_index(drop=True),
        {"high": high, "low": low, "pairing_years": int(defined.sum()),
         "median_ratio": float(wide.loc[defined, "ratio"].median()) if defined.any() else None}))
    undefined = wide[~defined]
    if len(undefined):
        findings.append(Finding(
            "disbursement_ratio_undefined", "warning",
            f"{len(undefined)} pairing-years have disbursements but no commitment: their "
            f"disbursement ratio is undefined (not zero, not infinite) and is left out.",
            undefined.drop(columns="ratio").reset_index(drop=True)))
    donor = wide.groupby(["donor", "year"])[["committed", "disbursed"]].sum().reset_index()
    donor["ratio"] = donor["disbursed"] / donor["committed"].where(donor["committed"] > 0)
    ratios = donor["ratio"].dropna()
    findings.append(Finding(
        "disbursement_ratio_by_donor", "info",
        f"Disbursement ratio by donor and year: median {ratios.median():.2f}, range "
        f"{ratios.min():.2f}–{ratios.max():.2f}." if len(ratios) else "No donor-year has "
        "commitments: the ratio by donor is undefined.", donor))
    return findings


def duplicates(flows: pd.DataFrame, tolerance: float = 0.005) -> list[Finding]:
    """Exact duplicates (every field but `ref`) and near-duplicates (same pairing, year and kind,
    amounts within `tolerance` of each other, different sector or ref)."""
    if flows.empty:
        return [Finding("exact_duplicates", "info", "No flows recorded: nothing to compare."),
                Finding("near_duplicates", "info", "No flows recorded: nothing to compare.")]
    key = [c for c in DUPLICATE_KEY if c in flows.columns]
    frame = flows.assign(ref=flows["ref"].fillna(""))
    exact_mask = frame.duplicated(key, keep=False)
    exact = frame[exact_mask].sort_values(key, na_position="first")
    group = exact.groupby(key, dropna=False, sort=False).ngroup()
    exact = exact.assign(group=group.to_numpy())[["group", *PAIRING_YEAR, "kind", "sector",
                                                   "amount", "currency", "ref"]]
    n_groups = exact["group"].nunique()
    findings = [Finding(
        "exact_duplicates", "alert" if n_groups else "info",
        f"{n_groups} groups of flows ({len(exact)} rows) are identical in every field but their "
        f"reference: likely entered twice, which inflates totals." if n_groups
        else "No flows are identical in every field but their reference.",
        exact.reset_index(drop=True), {"groups": n_groups})]

    ordered = frame.sort_values([*PAIRING_YEAR, "kind", "currency", "amount"])
    same_group = np.ones(len(ordered), bool)
    for column in (*PAIRING_YEAR, "kind", "currency"):
        values = ordered[column].to_numpy()
        same_group[1:] &= values[1:] == values[:-1]
    same_group[0] = False
    amount = ordered["amount"].to_numpy(dtype=float)
    previous = np.r_[np.nan, amount[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        close = same_group & (np.abs(amount - previous) <= tolerance * np.maximum(amount, previous))
    exact_pair = np.zeros(len(ordered), bool)
    rest = [c for c in key if c not in PAIRING_YEAR + ["kind", "currency"]]
    exact_pair[1:] = np.all([_equal(ordered[c].to_numpy()[1:], ordered[c].to_numpy()[:-1])
                             for c in rest], axis=0)
    pair = np.flatnonzero(close & ~exact_pair)
    first, second = ordered.iloc[pair - 1].reset_index(drop=True), ordered.iloc[pair].reset_index(
        drop=True)
    near = first[[*PAIRING_YEAR, "kind", "currency"]].assign(
        sector_a=first["sector"], ref_a=first["ref"], amount_a=first["amount"],
        sector_b=second["sector"], ref_b=second["ref"], amount_b=second["amount"],
        same_sector=(first["sector"] == second["sector"]).to_numpy())
    near["relative_difference"] = ((near["amount_b"] - near["amount_a"]).abs()
                                   / near[["amount_a", "amount_b"]].max(axis=1))
    same = int(near["same_sector"].sum())
    findings.append(Finding(
        "near_duplicates", "warning" if same else "info",
        f"{len(near)} pairs of flows of the same pairing, year and kind differ by at most "
        f"{tolerance:.1%} in amount: {same} in the same sector under different references "
        f"(likely double entries), {len(near) - same} in different sectors (often coincidence)."
        if len(near) else f"No flows of the same pairing, year and kind lie within {tolerance:.1%} "
        f"of each other.", near.sort_values("same_sector", ascending=False,
                                            kind="stable").reset_index(drop=True),
        {"tolerance": tolerance, "same_sector": same, "different_sector": len(near) - same}))
    return findings


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality with missing equal to missing."""
    missing = pd.isna(a) & pd.isna(b)
    return missing | (pd.Series(a) == pd.Series(b)).to_numpy()


def recording_unit(flows: pd.DataFrame, largest: int = 8) -> pd.Series:
    """Per donor, the power of ten its amounts are recorded in: the largest k ≤ `largest` such
    that every positive amount of the donor is a multiple of 10^k (an office that records in
    万元 has k = 4; one that records 12.5 万元 has k = 3; one that records in 元 has k = 0)."""
    amounts = flows["amount"].astype(float)
    positive = amounts > 0
    unit = pd.Series(0, index=pd.Index(flows["donor"].dropna().unique(), name="donor"),
                     dtype=int)
    for k in range(1, largest + 1):
        multiple = (np.mod(amounts, 10.0 ** k) == 0) | ~positive
        every = multiple.groupby(flows["donor"], observed=True).all()
        any_positive = positive.groupby(flows["donor"], observed=True).any()
        unit[every[every & any_positive].index] = k
    return unit


def round_numbers(flows: pd.DataFrame, powers: tuple[int, ...] = (3, 4, 5, 6),
                  alpha: float = 1e-4, recorded_in: dict[str, int] | None = None
                  ) -> list[Finding]:
    """Share of amounts that are exact multiples of 10^k against what chance gives in the unit
    the office recorded in.

    Each donor's recording unit 10^u comes from `recorded_in` (donor → u) or, by default, from
    its amounts (`recording_unit`): amounts recorded in 万元 are multiples of 10^4 in 元 by
    construction and say nothing about rounding, so only powers k > u are tested, and a multiple
    of 10^k turns up by chance with probability 10^-(k-u). Per donor, year and kind a group is
    flagged when its count is improbable under that Binomial at level `alpha` divided by the
    number of tests (Bonferroni): clean data give at most `alpha` false alarms in all.
    """
    if flows.empty:
        return [Finding("round_numbers", "info", "No flows recorded: nothing to test.")]
    amounts = flows["amount"].astype(float)
    units = recording_unit(flows)
    if recorded_in:
        units = units.copy()
        for donor, power in recorded_in.items():
            units[donor] = int(power)
    unit = flows["donor"].map(units).fillna(0).astype(int).to_numpy()
    rows, groups = [], []
    for k in powers:
        eligible = (amounts >= 10.0 ** k) & (k > unit)
        multiple = eligible & (np.mod(amounts, 10.0 ** k) == 0)
        n, hits = int(eligible.sum()), int(multiple.sum())
        rows.append({"power": k, "amounts": n, "multiples": hits,
                     "share": hits / n if n else np.nan})
        g = (flows.assign(eligible=eligible, multiple=multiple, unit=unit)
             .groupby(["donor", "year", "kind"], observed=True)
             .agg(eligible=("eligible", "sum"), multiple=("multiple", "sum"),
                  unit=("unit", "first")).reset_index())
        g = g[g["eligible"] > 0]
        g["expected"] = 10.0 ** -(k - g["unit"].to_numpy(dtype=float))
        g["p_value"] = binom_sf(g["multiple"].to_numpy(dtype=int),
                                g["eligible"].to_numpy(dtype=int), g["expected"].to_numpy())
        groups.append(g.assign(power=k))
    overall = pd.DataFrame(rows)
    table = pd.concat(groups, ignore_index=True)
    threshold = alpha / max(len(table), 1)
    flagged = table[(table["p_value"] < threshold) & (table["multiple"] >= 3)]
    flagged = (flagged.sort_values("power").groupby(["donor", "year", "kind"]).tail(1)
               .rename(columns={"eligible": "amounts", "multiple": "multiples"})
               .reset_index(drop=True))
    flagged["share"] = flagged["multiples"] / flagged["amounts"]
    coarse = units[units > 0]
    unit_note = (f" Judged in each office's recording unit: {len(coarse)} donor(s) record in "
                 f"units of 10^k 元 ({', '.join(f'{d} 10^{u}' for d, u in coarse.items())}), "
                 f"so their amounts are round in 元 by construction and only coarser rounding "
                 f"counts." if len(coarse) else "")
    alarms = f" Expected false alarms on clean data: at most {alpha:g} in all."
    findings = [Finding(
        "round_numbers", "warning" if len(flagged) else "info",
        (f"{len(flagged)} donor-year(s) report far more round amounts than chance allows (e.g. "
         f"{flagged['multiples'].iloc[0]} of {flagged['amounts'].iloc[0]} multiples of "
         f"10^{flagged['power'].iloc[0]}): amounts may be estimates or budget figures, not "
         f"actual payments." if len(flagged) else "No donor-year has more round amounts than "
         "chance allows.") + unit_note + alarms,
        flagged[["donor", "year", "kind", "unit", "power", "amounts", "multiples", "share",
                 "p_value"]],
        {"alpha": alpha, "tests": len(table), "overall": overall.to_dict(orient="records"),
         "recording_unit": {str(d): int(u) for d, u in units.items()},
         "expected_false_alarms": alpha})]
    return findings


def benford(amounts: pd.Series, label: str = "reported flow amounts") -> list[Finding]:
    """First-digit and first-two-digits Benford tests as findings, each run only on a sample
    large enough to have power (`benford.minimum_sample`); a test not run says why. Each finding
    carries the false alarms expected on clean data of its size."""
    findings = []
    tests: tuple[DigitTest, ...] = ("first", "first_two")
    for test in tests:
        result = benford_test(amounts, test)
        name = "first-digit" if test == "first" else "first-two-digits"
        needed = MINIMUM_SAMPLE[test]
        stats = {"n": result.n, "excluded": result.excluded, "minimum_sample": needed,
                 "power_against": f"{CONTAMINATION:.0%} of amounts with uniform digits"}
        if result.n < needed:
            findings.append(Finding(
                f"benford_{test}", "info",
                f"Benford {name} test not run: {result.n:,} {label} ({result.excluded:,} "
                f"excluded), fewer than the {needed:,} it needs to detect "
                f"{CONTAMINATION:.0%} of amounts with invented digits 8 times in 10; on fewer, "
                f"clean data fail it by chance (false alarm rate "
                f"{false_alarm_rate(test, result.n):.0%} at this size).",
                stats={**stats, "run": False, "conformity": "not tested",
                       "expected_false_alarms": None}))
            continue
        worst = result.conformity in ("marginal conformity", "nonconformity")
        alarms = false_alarm_rate(test, result.n)
        reading = (" Digits depart from Benford's law: look for invented, rounded or capped "
                   "amounts (large samples fail the chi-square test easily; the MAD is the guide)."
                   if worst else "")
        findings.append(Finding(
            f"benford_{test}", "warning" if worst else "info",
            result.reading().replace("amounts", label, 1) + reading
            + f" Clean data of this size would be flagged {alarms:.1%} of the time.",
            result.table,
            {**stats, "run": True, "chi2": result.chi2, "df": result.df,
             "p_value": result.p_value, "mad": result.mad, "conformity": result.conformity,
             "false_alarm_rate": alarms, "expected_false_alarms": alarms}))
    return findings
