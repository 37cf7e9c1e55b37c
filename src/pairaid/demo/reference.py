"""The real part of the demo: regions, the code crosswalk, census populations, donors, pairings.

Everything here comes from the public files in `pairaid/demo/data/` (sources and licences in
`data/NOTICE.md`); nothing is random except the SYNTHETIC staggered start years, which are drawn
in `synth.py` and only passed in here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from pairaid.demo.params import DemoParameters


class DemoDataError(ValueError):
    """The packaged reference data do not fit together (e.g. a pairing names an unknown county)."""


PROVINCE = ("650000", "新疆维吾尔自治区")
CORPS = ("XPCC", "新疆生产建设兵团")
CORPS_DIVISIONS = 14
_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四")

#: Codes of the 2010 census (and pairing list) that changed by 2023:
#: (old code, old name, new code, year of the change, note)
CROSSWALK: tuple[tuple[str, str, str, int, str], ...] = (
    ("652100", "吐鲁番地区", "650400", 2015,
     "Turpan prefecture became the prefecture-level Turpan City"),
    ("652101", "吐鲁番市", "650402", 2015, "county-level Turpan City became Gaochang District"),
    ("652122", "鄯善县", "650421", 2015, "Shanshan County recoded under Turpan City"),
    ("652123", "托克逊县", "650422", 2015, "Toksun County recoded under Turpan City"),
    ("652200", "哈密地区", "650500", 2016, "Hami prefecture became the prefecture-level Hami City"),
    ("652201", "哈密市", "650502", 2016, "county-level Hami City became Yizhou District"),
    ("652222", "巴里坤哈萨克自治县", "650521", 2016, "Barkol County recoded under Hami City"),
    ("652223", "伊吾县", "650522", 2016, "Yiwu County recoded under Hami City"),
    ("652923", "库车县", "652902", 2019, "Kuqa County became Kuqa City"),
    ("654223", "沙湾县", "654203", 2021, "Shawan County became Shawan City"),
)

#: County-level units created after the first demo year (first year they exist). Their data start
#: then; before it they were part of another county.
CREATED: dict[str, int] = {
    "659005": 2011,  # 北屯市 Beitun
    "652702": 2012,  # 阿拉山口市 Alashankou
    "659006": 2012,  # 铁门关市 Tiemenguan
    "654004": 2014,  # 霍尔果斯市 Horgos
    "659007": 2014,  # 双河市 Shuanghe
    "659008": 2015,  # 可克达拉市 Kokdala
    "659009": 2016,  # 昆玉市 Kunyu
    "659010": 2019,  # 胡杨河市 Huyanghe
    "659011": 2021,  # 新星市 Xinxing
    "659012": 2023,  # 白杨市 Baiyang
}

#: Known error in the source: in census_2010_county.csv the rows of Yining City (654002) and
#: Kuitun City (654003) carry each other's figures (see data/NOTICE.md). Swapped before use.
CENSUS_2010_SWAPPED: tuple[str, str] = ("654002", "654003")

DONOR_CODES: dict[str, str] = {
    "北京市": "BJ", "天津市": "TJ", "河北省": "HE", "山西省": "SX", "辽宁省": "LN", "吉林省": "JL",
    "黑龙江省": "HL", "上海市": "SH", "江苏省": "JS", "浙江省": "ZJ", "安徽省": "AH", "福建省": "FJ",
    "江西省": "JX", "山东省": "SD", "河南省": "HA", "湖北省": "HB", "湖南省": "HN", "广东省": "GD",
    "深圳市": "SZ",
}

#: The pairing list names the 3rd division by its city (图木舒克市, Tumxuk).
CORPS_BY_CITY = {"图木舒克市": "XPCC03"}

EXPANDED_NOTE = "expanded from prefecture-wide pairing in the 2010 list"
CENSUS_SOURCE = {2010: "6th census (leiii/census)", 2020: "7th census (leiii/census)"}
INTERPOLATED_SOURCE = "6th/7th census (leiii/census), interpolated by pairaid"


def read_data(name: str, **kwargs) -> pd.DataFrame:
    """A packaged data file (all columns as text unless `dtype` says otherwise)."""
    text = resources.files("pairaid.demo").joinpath("data", name).read_text("utf-8")
    kwargs.setdefault("dtype", str)
    kwargs.setdefault("keep_default_na", False)
    return pd.read_csv(io.StringIO(text), **kwargs)


def prefecture_boundaries() -> pd.DataFrame:
    """Prefecture boundary polygons (WKT) with 2010 and 2020 population (leiii/census, MIT)."""
    return read_data("prefecture_boundaries.csv", dtype={"code": str, "name_zh": str,
                                                         "boundary_wkt": str},
                     keep_default_na=True)


def published_figures() -> list[dict[str, str]]:
    return read_data("published_figures.csv").to_dict(orient="records")


def _normalise(name: str) -> str:
    return name.replace("巿", "市").strip()


def regions() -> pd.DataFrame:
    """Province, prefectures and counties (2023 codes), the XPCC and its 14 divisions."""
    return _regions().copy()


@cache
def _regions() -> pd.DataFrame:
    divisions = read_data("divisions_2023.csv")
    names_en = dict(read_data("region_names_en.csv").itertuples(index=False, name=None))
    corps_divisions = pd.DataFrame({
        "code": [f"XPCC{i:02d}" for i in range(1, CORPS_DIVISIONS + 1)],
        "name_zh": [f"{CORPS[1]}第{o}师" for o in _ORDINALS],
        "level": "corps_division", "parent_code": CORPS[0],
    })
    frame = pd.concat([
        pd.DataFrame([{"code": PROVINCE[0], "name_zh": PROVINCE[1], "level": "province",
                       "parent_code": None},
                      {"code": CORPS[0], "name_zh": CORPS[1], "level": "corps",
                       "parent_code": PROVINCE[0]}]),
        divisions[["code", "name_zh", "level", "parent_code"]],
        corps_divisions,
    ], ignore_index=True)
    missing = sorted(set(frame["code"]) - set(names_en))
    if missing:
        raise DemoDataError(f"region_names_en.csv has no English name for {', '.join(missing)}")
    frame["name_en"] = frame["code"].map(names_en)
    frame["valid_from"] = frame["code"].map(CREATED).astype("Int64")
    frame["valid_to"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    unknown = [new for _, _, new, _, _ in CROSSWALK if new not in set(frame["code"])]
    if unknown:
        raise DemoDataError(f"crosswalk targets not in divisions_2023: {unknown}")
    return frame[["code", "name_zh", "name_en", "level", "parent_code", "valid_from", "valid_to"]]


def crosswalk() -> pd.DataFrame:
    return pd.DataFrame([{"old_code": old, "new_code": new, "year": year, "note": note}
                         for old, _, new, year, note in CROSSWALK])


def _to_2023(frame: pd.DataFrame, what: str) -> pd.Series:
    """2023 code of each row: by code, then by crosswalk, then by (normalised) name."""
    known = regions()
    codes = set(known["code"])
    by_crosswalk = {old: new for old, _, new, _, _ in CROSSWALK}
    names = known.assign(n=known["name_zh"].map(_normalise)).drop_duplicates("n", keep=False)
    by_name = dict(zip(names["n"], names["code"]))
    code = frame["code"].where(frame["code"].isin(codes))
    code = code.fillna(frame["code"].map(by_crosswalk))
    code = code.fillna(frame["name_zh"].map(_normalise).map(by_name))
    if code.isna().any():
        bad = frame.loc[code.isna(), ["code", "name_zh"]].to_dict(orient="records")
        raise DemoDataError(f"{what}: rows match no 2023 region: {bad}")
    return code


def census() -> pd.DataFrame:
    """Census population by 2023 code: code, year (2010/2020), population, urban, rural,
    minority_share_pct (an aggregate share per county, for distribution analysis only)."""
    parts = []
    for year in (2010, 2020):
        raw = read_data(f"census_{year}_county.csv")
        if year == 2010:
            a, b = (raw.index[raw["code"] == c][0] for c in CENSUS_2010_SWAPPED)
            figures = [c for c in raw.columns if c not in ("code", "name_zh", "prefecture_zh")]
            raw.loc[[a, b], figures] = raw.loc[[b, a], figures].to_numpy()
        out = pd.DataFrame({"code": _to_2023(raw, f"census {year}"), "year": year})
        for column in ("population", "urban", "rural", "minority_share_pct"):
            out[column] = pd.to_numeric(raw[column]).to_numpy(dtype=float)
        if out["code"].duplicated().any():
            raise DemoDataError(f"census {year}: two rows map to the same 2023 code")
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class Population:
    """County population matrices (counties × years); NaN where the county did not exist."""

    codes: np.ndarray
    years: np.ndarray
    total: np.ndarray
    urban: np.ndarray
    census_year: np.ndarray  # bool: the value is a census count, not interpolated
    #: minority share of the population (%), linear between the censuses and held at the nearer
    #: census outside 2010–2020 (never extrapolated); an aggregate statistic about a place
    minority_pct: np.ndarray

    @property
    def rural(self) -> np.ndarray:
        return self.total - self.urban


def population(params: DemoParameters) -> Population:
    """Log-linear interpolation (and extrapolation) between the 2010 and 2020 census.

    Counties counted only in 2020 (created after 2010) grow at their prefecture's 2010–2020 rate
    (the region's where the prefecture has no census total) and start in the year they were
    created. The urban share moves linearly between the censuses (clipped to 0..1), so urban +
    rural = total in every year and both equal the census counts in census years.
    """
    known = regions()
    counties = known[known["level"] == "county"]
    counted = census()
    wide = counted.pivot(index="code", columns="year")
    parent = dict(zip(known["code"], known["parent_code"]))
    rate_of = {}
    both = wide.dropna(subset=[("population", 2010), ("population", 2020)])
    rates = np.log(both[("population", 2020)] / both[("population", 2010)]) / 10
    rate_of.update(rates.to_dict())
    codes = np.array([c for c in counties["code"] if c in wide.index])
    years = np.array(params.years)
    p10 = wide.reindex(codes)[("population", 2010)].to_numpy()
    p20 = wide.reindex(codes)[("population", 2020)].to_numpy()
    u10 = wide.reindex(codes)[("urban", 2010)].to_numpy()
    u20 = wide.reindex(codes)[("urban", 2020)].to_numpy()
    fallback = np.array([rate_of.get(parent[c], rate_of[PROVINCE[0]]) for c in codes])
    rate = np.where(np.isnan(p10), fallback, np.log(p20 / p10) / 10)
    dt = years[None, :] - 2020
    total = p20[:, None] * np.exp(rate[:, None] * dt)
    s10, s20 = u10 / p10, u20 / p20
    slope = np.where(np.isnan(s10), 0.0, (s20 - s10) / 10)
    share = np.clip(s20[:, None] + slope[:, None] * dt, 0.0, 1.0)
    created = np.array([CREATED.get(c, params.first_year) for c in codes])
    exists = years[None, :] >= created[:, None]
    total = np.where(exists, np.round(total), np.nan)
    urban = np.where(exists, np.round(total * share), np.nan)
    census_year = (years[None, :] == 2020) | ((years[None, :] == 2010) & ~np.isnan(p10)[:, None])
    m10 = wide.reindex(codes)[("minority_share_pct", 2010)].to_numpy()
    m20 = wide.reindex(codes)[("minority_share_pct", 2020)].to_numpy()
    m10 = np.where(np.isnan(m10), m20, m10)  # counted in 2020 only: the 2020 share throughout
    weight = np.clip((years[None, :] - 2010) / 10, 0.0, 1.0)
    minority = np.where(exists, m10[:, None] + weight * (m20 - m10)[:, None], np.nan)
    return Population(codes, years, total, urban, census_year & exists, minority)


def donors() -> pd.DataFrame:
    raw = read_data("pairings_2010.csv").drop_duplicates("donor_zh")
    unknown = sorted(set(raw["donor_zh"]) - set(DONOR_CODES))
    if unknown:
        raise DemoDataError(f"pairing list names donors without a code: {unknown}")
    return pd.DataFrame({"code": raw["donor_zh"].map(DONOR_CODES), "name_zh": raw["donor_zh"],
                         "name_en": raw["donor_en"], "kind": raw["donor_kind"]}
                        ).reset_index(drop=True)


def _corps_code(name: str) -> str | None:
    if name in CORPS_BY_CITY:
        return CORPS_BY_CITY[name]
    match = re.fullmatch(rf"{CORPS[1]}第(.+)师", name)
    if match and match.group(1) in _ORDINALS:
        return f"XPCC{_ORDINALS.index(match.group(1)) + 1:02d}"
    return None


def pairing_list() -> pd.DataFrame:
    """The 2010 list with recipients resolved to 2023 codes and prefecture rows expanded to their
    counties: donor, recipient, note (the list's note, plus the expansion note where expanded).
    Raises `DemoDataError` on a recipient that matches no region."""
    known = regions()
    counties = known[known["level"] == "county"]
    prefectures = known[known["level"] == "prefecture"]
    by_prefecture_name = dict(zip(prefectures["name_zh"], prefectures["code"]))
    by_prefecture_name.update({name: new for old, name, new, _, _ in CROSSWALK
                               if old.endswith("00")})
    rows = []
    for item in read_data("pairings_2010.csv").itertuples(index=False):  # 53 rows
        donor = DONOR_CODES[item.donor_zh]
        notes = [item.note] if item.note else []
        if item.recipient_level == "corps_division":
            code = _corps_code(item.recipient_zh)
            if code is None:
                raise DemoDataError(f"pairing list: unknown corps division '{item.recipient_zh}'")
            rows.append((donor, code, notes))
        elif item.recipient_level == "county":
            prefecture = by_prefecture_name.get(item.prefecture_zh)
            match = counties[(counties["name_zh"] == item.recipient_zh)
                             & ((counties["parent_code"] == prefecture) | (prefecture is None))]
            if len(match) != 1:
                raise DemoDataError(f"pairing list: recipient '{item.recipient_zh}' "
                                    f"({item.prefecture_zh}) matches {len(match)} counties")
            rows.append((donor, match["code"].iat[0], notes))
        elif item.recipient_level == "prefecture":
            base = re.sub(r"[（(].*[)）]", "", item.recipient_zh)
            excluded = re.findall(r"除(.+?)[)）]", item.recipient_zh)
            prefecture = by_prefecture_name.get(base)
            if prefecture is None:
                raise DemoDataError(f"pairing list: unknown prefecture '{item.recipient_zh}'")
            members = counties[(counties["parent_code"] == prefecture)
                               & ~counties["name_zh"].isin(excluded)]
            if members.empty or len(excluded) != counties["name_zh"].isin(excluded).sum():
                raise DemoDataError(f"pairing list: cannot expand '{item.recipient_zh}'")
            rows += [(donor, code, notes + [EXPANDED_NOTE]) for code in members["code"]]
        else:
            raise DemoDataError(f"pairing list: unknown level '{item.recipient_level}'")
    frame = pd.DataFrame(rows, columns=["donor", "recipient", "notes"])
    if frame["recipient"].duplicated().any():
        raise DemoDataError("pairing list: a recipient is paired twice in the 2010 round")
    return frame
