"""A small ledger whose panel and summary figures are computed by hand in the tests."""

from __future__ import annotations

import pandas as pd


def hand_frames() -> dict[str, pd.DataFrame]:
    regions = pd.DataFrame(
        [["P", "省", "Province", "province", None],
         ["A", "甲", "Prefecture A", "prefecture", "P"],
         ["a1", "甲一", "County a1", "county", "A"],
         ["a2", "甲二", "County a2", "county", "A"],
         ["a3", "甲三", "County a3", "county", "A"],
         ["B", "乙", "Prefecture B", "prefecture", "P"],
         ["b1", "乙一", "County b1", "county", "B"],
         ["X", "师", "Division X", "corps_division", "P"]],
        columns=["code", "name_zh", "name_en", "level", "parent_code"])
    donors = pd.DataFrame([["D", "甲方", "Donor", "province"]],
                          columns=["code", "name_zh", "name_en", "kind"])
    pairings = pd.DataFrame(
        [["D", "a1", 2019, None, 2010], ["D", "A", 2020, None, 2010], ["D", "X", 2021, None, 2010]],
        columns=["donor", "recipient", "start_year", "end_year", "round"])
    flows = pd.DataFrame(
        [["D", "a1", 2020, "disbursement", 100.0, "CNY", "31120"],
         ["D", "a1", 2020, "disbursement", 10.0, "USD", "11120"],
         ["D", "a1", 2021, "commitment", 500.0, "CNY", "31120"],
         ["D", "A", 2020, "disbursement", 1000.0, "CNY", "43040"],
         ["D", "X", 2021, "disbursement", 50.0, "CNY", "31120"]],
        columns=["donor", "recipient", "year", "kind", "amount", "currency", "sector"])
    indicators = pd.DataFrame(
        [["population", "Population", "persons", 0, "population", "sum"],
         ["gdp", "GDP", "CNY", 1, "economic", "sum"],
         ["rural_income", "Rural income", "CNY", 1, "economic", "pop_mean"]],
        columns=["code", "name_en", "unit", "direction", "dimension", "aggregation"])
    obs = []
    for region, year, pop, gdp, income in [
        ("a1", 2020, 100, 10, 1000), ("a2", 2020, 300, 30, 2000), ("a3", 2020, 600, None, None),
        ("b1", 2020, 50, 5, 500),
        ("a1", 2021, 110, 11, 1100), ("a2", 2021, 330, 33, 2200), ("a3", 2021, 660, 66, 3300),
    ]:
        for code, value in (("population", pop), ("gdp", gdp), ("rural_income", income)):
            if value is not None:
                obs.append([region, year, code, value, "test"])
    obs.append(["B", 2020, "rural_income", 999, "prefecture yearbook"])
    observations = pd.DataFrame(obs, columns=["region", "year", "indicator", "value", "source"])
    rates = pd.DataFrame([["USD", "CNY", 2020, 7.0], ["USD", "CNY", 2021, 6.5]],
                         columns=["currency", "base", "year", "rate"])
    prices = pd.DataFrame([["cpi", "CNY", 2020, 100.0], ["cpi", "CNY", 2021, 110.0]],
                          columns=["code", "currency", "year", "value"])
    personnel = pd.DataFrame([["D", "a1", 2020, "teacher", 5, 60.0],
                              ["D", "a1", 2020, "doctor", 2, 12.0]],
                             columns=["donor", "recipient", "year", "category", "headcount",
                                      "person_months"])
    projects = pd.DataFrame([["P1", "D", "a1", "Canal", "31140", 2019, 2021, 800.0, "CNY",
                              "completed"],
                             ["P2", "D", "a1", "School", "11120", 2020, None, None, None,
                              "cancelled"]],
                            columns=["code", "donor", "recipient", "title", "sector",
                                     "start_year", "end_year", "budget", "currency", "status"])
    enterprises = pd.DataFrame([["D", "a2", 2021, "25010", 3, 1000.0, "CNY", 20]],
                               columns=["origin", "destination", "year", "sector", "count",
                                        "investment", "currency", "jobs"])
    return {"regions": regions, "donors": donors, "pairings": pairings, "projects": projects,
            "flows": flows, "indicators": indicators, "observations": observations,
            "rates": rates, "prices": prices, "personnel": personnel,
            "enterprises": enterprises}
