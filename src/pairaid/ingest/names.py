"""Donor and region names to codes: 北京市, 北京, Beijing and BJ all mean donor BJ.

The one place that reads names (the spreadsheet importer now; the IATI importer and the web forms
later). A name matches when, after `name_key` (full-width folded, 巿 read as 市, spaces and case
dropped), it equals a code, a Chinese or English name, or a name without its administrative suffix
(市/县/区/省/自治区…, City/County/District…). A name that matches several units, or none, is an
`UnknownName` error listing the closest names the ledger knows. A region may be written with
its parent in front (和田地区和田县, 新疆温宿县).

    resolver = NameResolver.from_store(store)
    resolver.donor("北京")                     # 'BJ'
    resolver.region("和田县", level="county")  # '653221'
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from pairaid.errors import InputError
from pairaid.ingest.aliases import fold

# Longest first: 新疆维吾尔自治区 loses the whole suffix, not just 区.
_ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州",
                "自治县", "自治旗", "地区", "新区", "林区", "特区", "省", "市", "县", "区", "州",
                "盟", "旗")
_EN_SUFFIXES = ("uygur autonomous region", "uyghur autonomous region", "autonomous region",
                "autonomous prefecture", "autonomous county", "municipality", "prefecture",
                "province", "district", "county", "city", "region", "league", "banner", "shi",
                "xian", "qu", "sheng")
_PUNCT = re.compile(r"[\s'’`·•\-_.,()]+")
#: Characters offices type for 市 by mistake (巿 U+5DFF, 'fu', looks the same).
_LOOKALIKES = str.maketrans({"巿": "市"})
_SHOWN = 5
#: What reads as a code, not a name: one token of ASCII letters, digits, '_', '.' or '-'.
_CODE_LIKE = re.compile(r"^[A-Za-z0-9_.\-]+$")


class UnknownName(InputError):
    """A name that names no unit, or several; `candidates` are the closest known names."""

    def __init__(self, name: str, what: str, candidates: list[str], ambiguous: bool) -> None:
        self.name, self.what, self.candidates, self.ambiguous = name, what, candidates, ambiguous
        super().__init__(self.reason())

    def reason(self) -> str:
        listed = "; ".join(self.candidates[:_SHOWN])
        if self.ambiguous:
            return (f"'{self.name}' names more than one {self.what}: {listed} (write the full "
                    "name or the code, or map it in --mapping)")
        hint = f"; closest: {listed}" if listed else ""
        table = f"{self.what}s"
        if _CODE_LIKE.match(self.name):
            return (f"unknown {self.what} code '{self.name}' (not in the {table} table: import "
                    f"{table} first{hint})")
        return (f"unknown {self.what} name '{self.name}' (no {self.what} has this name or code"
                f"{hint}; import {table} first or map the name in --mapping)")


def name_key(text: str) -> str:
    """A name's comparable form: folded, 巿→市, lower case, no spaces or punctuation."""
    return _PUNCT.sub("", fold(str(text)).translate(_LOOKALIKES).lower())


def _without_suffix(key: str) -> str:
    """The name without its administrative suffix; unchanged when nothing would remain but a
    single character (沙县 stays 沙县: 沙 alone names nothing)."""
    suffixes = _EN_SUFFIXES if key.isascii() else _ZH_SUFFIXES
    for suffix in suffixes:
        suffix = suffix.replace(" ", "")
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)]
    return key


@dataclass
class _Index:
    """Codes by exact key and by suffix-free key, and a label per code for messages."""
    what: str
    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    loose: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    label: dict[str, str] = field(default_factory=dict)
    level: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)

    def add(self, code: str, names: list[str], label: str, level: str = "",
            parent: str | None = None) -> None:
        self.codes.add(code)
        self.label[code] = label
        self.level[code] = level
        if isinstance(parent, str) and parent:
            self.parent[code] = parent
        self.exact[name_key(code)].add(code)
        for name in names:
            if name and isinstance(name, str):
                key = name_key(name)
                self.exact[key].add(code)
                self.loose[_without_suffix(key)].add(code)

    def find(self, name: str, level: str | tuple[str, ...] | None = None) -> str:
        if name in self.codes:
            return name
        levels = (level,) if isinstance(level, str) else level
        key = name_key(name)
        for hits in (self.exact.get(key, set()), self.loose.get(_without_suffix(key), set())):
            if levels:
                hits = {c for c in hits if self.level[c] in levels}
            if len(hits) == 1:
                return next(iter(hits))
            if len(hits) > 1:
                raise UnknownName(name, self.what, sorted(self.label[c] for c in hits), True)
        qualified = self._qualified(key, levels)
        if qualified:
            return qualified
        raise UnknownName(name, self.what, self.closest(key, levels), False)

    def _hits(self, key: str) -> set[str]:
        return self.exact.get(key) or self.loose.get(_without_suffix(key)) or set()

    def _ancestors(self, code: str) -> set[str]:
        seen: set[str] = set()
        while code in self.parent and code not in seen:
            seen.add(code)
            code = self.parent[code]
        return seen | {code}

    def _qualified(self, key: str, levels: tuple[str, ...] | None) -> str | None:
        """A name written with its parent in front (和田地区和田县, 新疆温宿县): the one unit
        named by the rest whose parents include the one named by the front."""
        found: set[str] = set()
        for cut in range(2, len(key) - 1):
            parents = self._hits(key[:cut])
            if not parents:
                continue
            for code in self._hits(key[cut:]):
                if (not levels or self.level[code] in levels) \
                        and parents & (self._ancestors(code) - {code}):
                    found.add(code)
        return next(iter(found)) if len(found) == 1 else None

    def closest(self, key: str, levels: tuple[str, ...] | None) -> list[str]:
        keys = [k for k, codes in self.exact.items()
                if not levels or any(self.level[c] in levels for c in codes)]
        near = difflib.get_close_matches(key, keys, n=_SHOWN, cutoff=0.5)
        if not near:  # short Chinese names: share a character rather than a ratio
            near = [k for k in keys if set(k) & set(key) and not k.isascii()][:_SHOWN]
        labels = []
        for k in near:
            labels += sorted(self.label[c] for c in self.exact[k])
        return list(dict.fromkeys(labels))


class NameResolver:
    """Codes for donor and region names (Chinese or English, with the usual variants)."""

    def __init__(self, donors: pd.DataFrame, regions: pd.DataFrame) -> None:
        self._donors = _Index("donor")
        for row in donors.itertuples(index=False):
            self._donors.add(row.code, [row.name_zh, row.name_en],
                             f"{row.name_zh or row.name_en} ({row.code})")
        self._regions = _Index("region")
        for row in regions.itertuples(index=False):
            self._regions.add(row.code, [row.name_zh, row.name_en],
                              f"{row.name_zh or row.name_en} ({row.code}, {row.level})", row.level,
                              row.parent_code)

    @classmethod
    def from_store(cls, store, conn=None) -> NameResolver:
        """Donors and regions as the ledger holds them (inside `conn`'s transaction if given)."""
        return cls(store.read_table("donors", conn=conn), store.read_table("regions", conn=conn))

    def donor(self, name: str) -> str:
        """The donor code for a code or a name; raises UnknownName."""
        return self._donors.find(str(name).strip())

    def region(self, name: str, level: str | tuple[str, ...] | None = None) -> str:
        """The region code for a code or a name, among `level`(s) if given; raises UnknownName."""
        return self._regions.find(str(name).strip(), level)

    def codes(self, what: str) -> set[str]:
        return (self._donors if what == "donors" else self._regions).codes

    def resolve_many(self, what: str, names: pd.Series
                     ) -> tuple[dict[str, str], dict[str, UnknownName]]:
        """Each distinct non-code name of a column → its code, or the error it raised."""
        index = self._donors if what == "donors" else self._regions
        found: dict[str, str] = {}
        failed: dict[str, UnknownName] = {}
        distinct = pd.unique(names.dropna())
        for name in distinct:
            if name == "" or name in index.codes:
                continue
            try:
                found[name] = index.find(name)
            except UnknownName as error:
                failed[name] = error
        return found, failed
