"""Planted anomalies: a fixed, seeded set of irregularities the audit must find (docs/demo.md,
section 8). Their identities go into the demo ledger's metadata as `planted_anomalies`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.demo.params import DemoParameters


def plant(rng, p: DemoParameters, flows: pd.DataFrame, projects: pd.DataFrame,
          outputs: pd.DataFrame):
    """A fixed, seeded set of anomalies for the audit to find; returns their identities."""
    flows, projects, outputs = flows.copy(), projects.copy(), outputs.copy()
    last = p.last_year
    cny = (flows["currency"] == "CNY").to_numpy()
    disb = (flows["kind"] == "disbursement").to_numpy() & cny
    # one donor-year with every CNY disbursement a round number
    donor_years = flows.loc[disb, ["donor", "year"]].drop_duplicates().to_numpy()
    r_donor, r_year = donor_years[rng.integers(len(donor_years))]
    rounded = disb & (flows["donor"] == r_donor).to_numpy() & (flows["year"] == r_year).to_numpy()
    unit = p.planted_round_unit
    flows.loc[rounded, "amount"] = np.maximum(np.round(flows.loc[rounded, "amount"] / unit), 1) * unit
    # distinct pairing-years (outside that donor-year) for ratio anomalies and duplicates
    keys = flows[["donor", "recipient", "year"]].astype(str).agg("|".join, axis=1)
    candidates = np.unique(keys[disb & ~(flows["donor"] == r_donor).to_numpy()])
    n_ratio = p.planted_ratio_high + p.planted_ratio_low
    n_dup = p.planted_exact_duplicates + p.planted_near_duplicates
    chosen = rng.choice(candidates, n_ratio + n_dup, replace=False)
    ratio_keys, dup_keys = chosen[:n_ratio], chosen[n_ratio:]

    def ident(key: str) -> dict:
        donor, recipient, year = key.split("|")
        return {"donor": donor, "recipient": recipient, "year": int(year)}

    commit = (flows["kind"] == "commitment").to_numpy()
    for k, key in enumerate(ratio_keys):
        factor = p.planted_ratio_high_factor if k < p.planted_ratio_high else p.planted_ratio_low_factor
        rows = commit & (keys == key).to_numpy()
        flows.loc[rows, "amount"] = np.round(flows.loc[rows, "amount"] * factor)
    copies, exact, near = [], [], []
    for k, key in enumerate(dup_keys):  # the pairing-year's smallest disbursement is copied
        rows = flows[disb & (keys == key).to_numpy()]
        row = rows.loc[[rows["amount"].idxmin()]].copy()
        if k < p.planted_exact_duplicates:
            row["ref"] = f"DUP-{k + 1}"
            exact.append({**ident(key), "kind": "disbursement", "sector": row["sector"].iloc[0],
                          "ref": row["ref"].iloc[0]})
        else:
            row["ref"] = f"NEAR-{k + 1 - p.planted_exact_duplicates}"
            row["amount"] = np.round(row["amount"] * (1 + rng.uniform(*p.planted_near_shift)))
            near.append({**ident(key), "kind": "disbursement", "sector": row["sector"].iloc[0],
                         "ref": row["ref"].iloc[0]})
        copies.append(row)
    untouched = np.flatnonzero(~rounded & ~np.isin(keys, chosen))
    no_source = np.sort(rng.choice(untouched, p.planted_flows_without_source, replace=False))
    flows.loc[no_source, "source"] = None
    missing_source = flows.iloc[no_source][["donor", "recipient", "year", "kind", "sector"]]
    flows = pd.concat([flows, *copies], ignore_index=True)

    # projects: outputs 10–20× too small for the budget, and ongoing projects past their end
    first = outputs.groupby("project")["target"].min()
    big = projects["code"].isin(first[first >= 200].index) & (projects["status"] != "planned")
    costly = np.sort(rng.choice(projects.loc[big, "code"].to_numpy(), p.planted_cost_outliers,
                                replace=False))
    factor = pd.Series(rng.uniform(*p.planted_cost_factor, len(costly)), index=costly)
    scaled = outputs["project"].isin(costly)
    div = outputs.loc[scaled, "project"].map(factor)
    whole = outputs.loc[scaled, "target"].round() == outputs.loc[scaled, "target"]
    for column in ("target", "actual"):
        value = outputs.loc[scaled, column] / div
        outputs.loc[scaled, column] = np.where(whole, value.round(), value.round(1))
    late = (projects["status"] == "ongoing") & (projects["start_year"] <= last - 2)
    late &= ~projects["code"].isin(costly)
    delayed = np.sort(rng.choice(projects.loc[late, "code"].to_numpy(), p.planted_delays,
                                 replace=False))
    rows = projects["code"].isin(delayed)
    projects.loc[rows, "end_year"] = projects.loc[rows, "start_year"] + 1
    planted = {
        "exact_duplicates": exact, "near_duplicates": near,
        "ratio_high": [ident(k) for k in ratio_keys[:p.planted_ratio_high]],
        "ratio_low": [ident(k) for k in ratio_keys[p.planted_ratio_high:]],
        "round_numbers": {"donor": str(r_donor), "year": int(r_year), "kind": "disbursement",
                          "unit": unit, "rows": int(rounded.sum())},
        "flows_without_source": [{**r, "year": int(r["year"])}
                                 for r in missing_source.to_dict(orient="records")],
        "cost_outliers": [str(c) for c in costly], "delayed_projects": [str(c) for c in delayed],
    }
    return flows, projects, outputs, planted
