"""The demo's activities: projects with their outputs, personnel and enterprises, drawn from the
pairing-years' money (`synth.generate` calls these in a fixed order on its one random generator,
so a seed always gives the same ledger; docs/demo.md describes each step)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.demo.fiscal import SYNTHETIC_SOURCE as SOURCE
from pairaid.demo.params import DemoParameters
from pairaid.ingest.tables import TABLES


def table_frame(name: str, data: dict) -> pd.DataFrame:
    """A table in its import format: exactly TABLES[name]'s columns, in order."""
    columns = TABLES[name].column_names
    length = max((len(v) for v in data.values() if np.ndim(v)), default=0)
    return pd.DataFrame({c: data.get(c, [None] * length) for c in columns}, columns=columns)


# -- projects and outputs ------------------------------------------------------------------------
def projects(rng, p: DemoParameters, py_p, py_year, py_amount, py_donor, py_recipient, shares,
              national, years, regions):
    n_py = len(py_p)
    counts = np.zeros(n_py, dtype=int)
    funds_2019 = national[years == 2019][0]
    for year in range(p.projects_first_year, p.last_year + 1):  # one draw per year
        sel = np.flatnonzero(py_year == year)
        if not len(sel):
            continue
        n_year = round(p.projects_2019 * (national[years == year][0] / funds_2019)
                       ** p.projects_exponent)
        counts[sel] = rng.multinomial(n_year, py_amount[sel] / py_amount[sel].sum())
    owner = np.repeat(np.arange(n_py), counts)
    n = len(owner)
    seq = pd.Series(owner).groupby(owner).cumcount().to_numpy() + 1
    sector_codes = np.array([code for code, _ in p.sectors])
    cumulative = shares[owner].cumsum(1)
    sector_idx = np.minimum((cumulative < rng.random(n)[:, None]).sum(1), len(sector_codes) - 1)
    sector = sector_codes[sector_idx]
    w = np.exp(rng.normal(0.0, p.project_budget_sd, n))
    ratio = rng.uniform(*p.project_budget_ratio, n_py)
    w_total = np.bincount(owner, weights=w, minlength=n_py)
    budget = np.maximum(np.round(py_amount[owner] * ratio[owner] * w / w_total[owner], -3), 1000.0)
    start = py_year[owner]
    end = start + rng.choice(len(p.project_duration_p), n, p=np.array(p.project_duration_p))
    u_status = rng.random(n)
    cancelled = u_status < p.project_cancelled_share
    planned = ~cancelled & (start == p.last_year) & (rng.random(n) < p.project_planned_share)
    completed = ~cancelled & ~planned & (end <= p.last_year)
    status = np.select([cancelled, planned, completed], ["cancelled", "planned", "completed"],
                       "ongoing")
    end = np.where(cancelled, start, np.where(completed, end, np.nan))
    donor, recipient = py_donor[owner], py_recipient[owner]
    names_en = dict(zip(regions["code"], regions["name_en"]))
    code = (pd.Series(donor, dtype=object) + "-" + pd.Series(recipient, dtype=object) + "-"
            + pd.Series(start).astype(str) + "-" + pd.Series(seq).map("{:04d}".format))
    title_of = {s: t for s, t, _ in p.project_types}
    title = (pd.Series(sector).map(title_of) + ", " + pd.Series(recipient).map(names_en)
             + " (" + pd.Series(start).astype(str) + " no. " + pd.Series(seq).astype(str) + ")")
    projects = table_frame("projects", {
        "code": code.to_numpy(), "donor": donor, "recipient": recipient,
        "title": title.to_numpy(), "sector": sector, "start_year": start, "end_year": end,
        "budget": budget, "currency": np.full(n, "CNY", dtype=object), "status": status,
        "round": np.full(n, np.nan)})

    # outputs: the first (and for some a second) indicator of the sector
    two = rng.random(n) < p.second_output_share
    which = np.concatenate([np.zeros(n, int), np.ones(two.sum(), int)])
    proj = np.concatenate([np.arange(n), np.flatnonzero(two)])
    outs = {s: outs for s, _, outs in p.project_types}
    table = [outs[code] for code in sector_codes]  # (sector, output) lookup arrays
    pick = (sector_idx[proj], which)
    indicator = np.array([[o[0] for o in t] for t in table], dtype=object)[pick]
    unit = np.array([[o[1] for o in t] for t in table], dtype=object)[pick]
    cost = np.array([[o[2] for o in t] for t in table], dtype=float)[pick]
    digits = np.array([[o[3] for o in t] for t in table])[pick]
    target = budget[proj] / cost * np.exp(rng.normal(0.0, p.output_noise_sd, len(proj)))
    target = np.where(digits == 0, np.maximum(np.round(target), 1.0), np.round(target, 1))
    target = np.maximum(target, 0.1)
    actual_ratio = rng.uniform(*p.output_actual_ratio, len(proj))
    done = status[proj] == "completed"
    actual = np.where(done, target * actual_ratio, np.nan)
    actual = np.where(digits == 0, np.round(actual), np.round(actual, 1))
    year = np.where(done, end[proj], start[proj]).astype(int)
    outputs = table_frame("outputs", {"project": code.to_numpy()[proj], "indicator": indicator,
                                 "unit": unit, "year": year, "baseline": np.zeros(len(proj)),
                                 "target": target, "actual": actual})
    outputs = outputs.sort_values(["project", "indicator"], kind="stable").reset_index(drop=True)
    return projects, outputs


# -- personnel and enterprises ----------------------------------------------------------------
def personnel(rng, p: DemoParameters, py_year, py_donor, py_recipient, py_size, py_capacity):
    categories = np.array([c for c, _ in p.personnel_per_100k])
    base = np.array([b for _, b in p.personnel_per_100k])
    lam = (base[None, :] * (py_size[:, None] / 1e5) ** p.personnel_size_exponent
           * py_capacity[:, None])
    headcount = rng.poisson(lam)
    months = headcount * rng.uniform(*p.person_months, headcount.shape)
    row, col = np.nonzero(headcount > 0)
    return table_frame("personnel", {
        "donor": py_donor[row], "recipient": py_recipient[row], "year": py_year[row],
        "category": categories[col], "headcount": headcount[row, col],
        "person_months": np.round(months[row, col], 1), "source": np.full(len(row), SOURCE),
        "round": np.full(len(row), np.nan)})


def enterprises(rng, p: DemoParameters, py_year, py_donor, py_recipient, py_weight):
    sel = np.flatnonzero(py_year >= p.enterprises_first_year)
    sectors = np.array([s for s, _ in p.enterprise_sectors])
    sector_w = np.array([w for _, w in p.enterprise_sectors])
    present = rng.random((len(sel), len(sectors))) < p.enterprise_sector_p
    row, col = np.nonzero(present)
    w = py_weight[sel][row] * sector_w[col]
    mean_extra = (p.enterprises_total - len(row)) * w / w.sum()
    count = 1 + rng.poisson(mean_extra)
    investment = np.round(count * p.enterprise_investment
                          * np.exp(rng.normal(-p.enterprise_investment_sd ** 2 / 2,
                                              p.enterprise_investment_sd, len(row))), -4)
    jobs = np.round(investment / p.enterprise_cost_per_job
                    * np.exp(rng.normal(0.0, p.enterprise_jobs_sd, len(row)))).astype(int)
    n = len(row)
    return table_frame("enterprises", {
        "origin": py_donor[sel][row], "destination": py_recipient[sel][row],
        "year": py_year[sel][row], "sector": sectors[col], "count": count,
        "investment": investment, "currency": np.full(n, "CNY", dtype=object), "jobs": jobs,
        "source": np.full(n, SOURCE, dtype=object), "ref": np.full(n, None, dtype=object)})
