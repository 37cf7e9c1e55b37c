"""Stream IATI 2.01–2.03 activity files into plain activity records.

`lxml.etree.iterparse` reads one `iati-activity` at a time and the element is cleared once it
is read, so memory stays flat whatever the file's size. Each activity becomes an `Activity`
(only what the ledger can hold); anything wrong becomes a `Problem` whose row is the XML line
and whose column is the element path.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from pairaid.ingest.errors import Problem

#: attribute of the xml: namespace (narratives say their language with xml:lang)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")


class NotIatiError(Exception):
    """The file is not an IATI 2.x activity file (its problem says why)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class Org(NamedTuple):
    ref: str
    name: str
    type: str = ""

    @property
    def key(self) -> str:
        return self.ref or f"name:{self.name}"


class Place(NamedTuple):
    """A recipient: a country (ISO 3166-1), an IATI region, or a location."""
    key: str  # ledger region code it maps to
    name_en: str
    name_zh: str
    level: str
    share: float  # fraction of the activity's money it receives (percentages / 100, or even)


class Transaction(NamedTuple):
    line: int
    index: int  # 1-based position in its activity
    ref: str | None  # transaction/@ref (None when the attribute is absent)
    type: str
    year: int | None
    date: str
    value: float | None
    value_text: str
    currency: str
    provider: Org | None
    sector: tuple[str, str] | None  # (vocabulary, code) given on the transaction
    recipient: Place | None  # a recipient-country/region given on the transaction
    description: str


class Budget(NamedTuple):
    line: int
    type: str
    start: str
    end: str
    value: float | None
    currency: str


class Period(NamedTuple):
    year: int
    target: float | None
    actual: float | None  # the first actual's value
    #: every actual with its dimensions, for pairaid's own indicators only (several enterprise
    #: rows of one year are several actuals told apart by sector and reference)
    actuals: tuple[tuple[str, dict[str, str]], ...] = ()


class Indicator(NamedTuple):
    line: int
    title: str
    title_en: str
    measure: str
    baselines: tuple[tuple[int | None, float | None], ...]
    periods: tuple[Period, ...]
    reference: str = ""  # a vocabulary-99 reference code pairaid wrote ("pairaid:...")


@dataclass
class Activity:
    line: int
    identifier: str
    reporting_org: Org | None
    title_en: str
    title_zh: str
    description: str
    status: str
    dates: dict[str, str]  # IATI activity-date type -> ISO date
    funding: list[Org]
    extending: list[Org]
    other_ids: list[str]
    countries: list[Place]
    regions: list[Place]
    locations: list[Place]
    sectors: list[tuple[str, str, float | None]]  # (vocabulary, code, percentage)
    transactions: list[Transaction] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    default_currency: str = ""


def narrative(element, lang: str | None = None, default_lang: str = "en") -> str:
    """The text of an element's narratives: the one in `lang`, else the first."""
    if element is None:
        return ""
    for child in element.iterchildren("narrative"):
        text = child.text
        if text and (text := text.strip()) and (lang is None
                                               or child.get(XML_LANG, default_lang) == lang):
            return text
    return ""


def narratives(element, default_lang: str = "en") -> tuple[str, dict[str, str]]:
    """An element's first narrative and its first one per language, in one pass (what
    `narrative` gives for each language asked)."""
    first, by_lang = "", {}
    if element is None:
        return first, by_lang
    for child in element.iterchildren("narrative"):
        text = child.text
        if text and (text := text.strip()):
            first = first or text
            by_lang.setdefault(child.get(XML_LANG, default_lang), text)
    return first, by_lang


def _groups(element) -> dict[str, list]:
    """An element's children by tag, in document order (one pass instead of a `findall` per
    tag: lxml's path lookups cost about 2 µs each, and an activity has dozens)."""
    groups: dict[str, list] = {}
    for child in element:
        tag = child.tag
        if tag.__class__ is str:  # comments and processing instructions have a function as tag
            group = groups.get(tag)
            if group is None:
                groups[tag] = [child]
            else:
                group.append(child)
    return groups


def _firsts(element) -> dict[str, object]:
    """An element's first child of each tag (what `find(tag)` would give)."""
    firsts: dict[str, object] = {}
    for child in element:
        tag = child.tag
        if tag.__class__ is str and tag not in firsts:
            firsts[tag] = child
    return firsts


def open_xml(path: Path):
    """The file as a binary stream; a gzip-compressed file (as registries often serve them) is
    decompressed on the fly."""
    handle = open(path, "rb")
    if handle.read(2) == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb")
    handle.seek(0)
    return handle


def read_activities(path: Path, problems: list[Problem],
                    countries: dict[str, str]) -> Iterator[Activity]:
    """Yield each activity of an IATI file; append what is wrong to `problems`.

    Raises `NotIatiError` for a file that is not IATI 2.x XML at all (malformed XML, another
    root element, a namespace, version 1.x).
    """
    name = path.name
    with open_xml(path) as source:
        root = _root(source, name)
    default_lang = root.get(XML_LANG, "en")
    with open_xml(path) as source:
        # only activities' end events reach Python (a start/end event for every element cost
        # 40 % of the import's time)
        events = etree.iterparse(source, events=("end",), tag="iati-activity", huge_tree=True,
                                 resolve_entities=False, no_network=True)
        try:
            for _event, element in events:
                parent = element.getparent()
                if parent is None or parent.getparent() is not None:
                    continue  # an iati-activity nested somewhere else: not an activity
                yield _activity(element, name, problems, countries, default_lang)
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise NotIatiError(_syntax_problem(exc, name)) from None


def _syntax_problem(exc: etree.XMLSyntaxError, name: str) -> Problem:
    line, column = exc.position if exc.position else (exc.lineno or 0, 0)
    return Problem(name, line, f"column {column}", f"malformed XML: {exc.msg}")


def _root(source, name: str):
    """The root element, read from the file's first bytes only, checked to be IATI 2.x."""
    try:
        for _event, element in etree.iterparse(source, events=("start",), huge_tree=True,
                                               resolve_entities=False, no_network=True):
            check_root(element, name)
            return element
    except etree.XMLSyntaxError as exc:
        raise NotIatiError(_syntax_problem(exc, name)) from None
    raise NotIatiError(Problem(name, 0, "", "empty file: no XML in it"))


def check_root(root, name: str) -> None:
    tag = root.tag
    if isinstance(tag, str) and tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        raise NotIatiError(Problem(name, root.sourceline or 1, local,
                                   f"the root element is in the namespace '{namespace}'; IATI "
                                   "activity files have no namespace"))
    if tag != "iati-activities":
        raise NotIatiError(Problem(name, root.sourceline or 1, str(tag),
                                   f"the root element is <{tag}>, not <iati-activities>: not an "
                                   "IATI activity file"))
    version = (root.get("version") or "").strip()
    if version.startswith("1."):
        raise NotIatiError(Problem(name, root.sourceline or 1, "iati-activities@version",
                                   f"IATI version {version}: pairaid reads IATI 2.01–2.03 (convert "
                                   "1.x files with IATI's own upgrade tools first)"))
    if version not in SUPPORTED_VERSIONS:
        raise NotIatiError(Problem(name, root.sourceline or 1, "iati-activities@version",
                                   f"IATI version '{version}' is not one pairaid reads "
                                   f"({', '.join(SUPPORTED_VERSIONS)})"))


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _year(date: str | None) -> int | None:
    date = (date or "").strip()
    if len(date) >= 4 and date[:4].isdigit() and (len(date) == 4 or date[4] == "-"):
        return int(date[:4])
    return None


def _org(element) -> Org | None:
    if element is None:
        return None
    ref = (element.get("ref") or "").strip()
    name = narrative(element)
    if not ref and not name:
        return None
    return Org(ref, name or ref, (element.get("type") or "").strip())


def _shares(percentages: list[float | None]) -> list[float]:
    """Percentages as fractions that sum to one; even shares when none is given."""
    if not percentages:
        return []
    given = [p for p in percentages if p is not None and p > 0]
    if len(given) != len(percentages):
        return [1 / len(percentages)] * len(percentages)
    total = sum(given)
    return [p / total for p in given]


def _places(groups: dict[str, list], countries: dict[str, str]
            ) -> tuple[list[Place], list[Place], list[Place]]:
    country_elems = groups.get("recipient-country", ())
    country_codes = [(c.get("code") or "").strip().upper() for c in country_elems]
    country_pct = [_number(c.get("percentage")) for c in country_elems]
    country_places = [Place(code, countries.get(code, code), countries.get(code, code), "country", s)
                      for code, s in zip(country_codes, _shares(country_pct)) if code]
    region_elems = groups.get("recipient-region", ())
    region_places = [Place(f"IATI-REGION-{(r.get('code') or '').strip()}",
                           narrative(r) or f"IATI region {r.get('code')}",
                           narrative(r, "zh") or narrative(r) or f"IATI region {r.get('code')}",
                           "country", s)
                     for r, s in zip(region_elems, _shares([_number(r.get("percentage"))
                                                            for r in region_elems]))
                     if (r.get("code") or "").strip()]
    locations = []
    for location in groups.get("location", ()):
        # only the children read below: lxml then makes no Python object for the others
        # (point, exactness, location-class, ...)
        parts: dict[str, list] = {}
        for child in location.iterchildren("location-id", "administrative", "name"):
            parts.setdefault(child.tag, []).append(child)
        key, level = _location_code(location, parts)
        if key is None:
            continue
        first, by_lang = narratives(parts.get("name", (None,))[0])
        en = by_lang.get("en") or first or key
        locations.append(Place(key, en, by_lang.get("zh") or en, level, 0.0))
    if len(locations) < 2:
        if locations:  # one location receives everything
            locations[0] = locations[0]._replace(share=1.0)
        return country_places, region_places, locations
    # the ledger cannot tell several recipients' shares of one location list apart: AidData's own
    # convention for geocoded data is an even split across an activity's locations
    unique = list(dict.fromkeys(p.key for p in locations))
    first = {p.key: p for p in reversed(locations)}
    locations = [Place(k, first[k].name_en, first[k].name_zh, first[k].level, 1 / len(unique))
                 for k in unique]
    return country_places, region_places, locations


#: the start of the indicator reference codes (vocabulary 99) pairaid writes for personnel and
#: enterprises, so its importer can read them back
PAIRAID_REFERENCE = "pairaid:"
#: pairaid writes GB/T 2260 codes as administrative codes of vocabulary 99 (its own, declared)
OWN_GEO_VOCABULARY = "99"
_ADMIN_LEVELS = {"1": "province", "2": "prefecture", "3": "county", "4": "township", "5": "village"}


def _location_code(location, parts: dict[str, list]) -> tuple[str | None, str]:
    admins = parts.get("administrative", ())
    own = [a for a in admins if a.get("vocabulary") == OWN_GEO_VOCABULARY and a.get("code")]
    if own:
        deepest = max(own, key=lambda a: int(a.get("level") or 0))
        return deepest.get("code").strip(), _ADMIN_LEVELS.get(deepest.get("level") or "", "county")
    location_id = parts.get("location-id", (None,))[0]
    if location_id is not None and (location_id.get("code") or "").strip():
        vocabulary = (location_id.get("vocabulary") or "").strip() or "X"
        level = "county"
        levels = [a.get("level") for a in admins if a.get("level")]
        if levels:
            level = _ADMIN_LEVELS.get(max(levels), "county")
        return f"{vocabulary}-{location_id.get('code').strip()}", level
    ref = (location.get("ref") or "").strip()
    return (f"LOC-{ref}" if ref else None), "county"


def _transaction(element, index: int, default_currency: str, countries: dict[str, str]) -> Transaction:
    # one pass over the children, the first of each tag kept (what `find` gave): this runs for
    # every transaction of the file, and a dict of children per transaction cost a third of it
    type_element = value = date_element = sector = country = region = provider = None
    description = None
    for child in element:
        tag = child.tag
        if tag == "value":
            if value is None:
                value = child
        elif tag == "transaction-type":
            if type_element is None:
                type_element = child
        elif tag == "transaction-date":
            if date_element is None:
                date_element = child
        elif tag == "provider-org":
            if provider is None:
                provider = child
        elif tag == "sector":
            if sector is None:
                sector = child
        elif tag == "recipient-country":
            if country is None:
                country = child
        elif tag == "recipient-region":
            if region is None:
                region = child
        elif tag == "description":
            if description is None:
                description = child
    date = (date_element.get("iso-date") if date_element is not None else None) or \
        (value.get("value-date") if value is not None else None) or ""
    sector_pair = None
    if sector is not None and (sector.get("code") or "").strip():
        sector_pair = ((sector.get("vocabulary") or "1").strip(), sector.get("code").strip())
    recipient = None
    if country is not None and (country.get("code") or "").strip():
        code = country.get("code").strip().upper()
        recipient = Place(code, countries.get(code, code), countries.get(code, code), "country", 1.0)
    elif region is not None and (region.get("code") or "").strip():
        code = region.get("code").strip()
        recipient = Place(f"IATI-REGION-{code}", f"IATI region {code}", f"IATI region {code}",
                          "country", 1.0)
    if value is not None:
        text = (value.text or "").strip()
        currency = (value.get("currency") or default_currency).strip()
    else:
        text, currency = "", default_currency.strip()
    date = date.strip()
    return Transaction(
        element.sourceline or 0, index, element.get("ref"),
        (type_element.get("code") or "").strip() if type_element is not None else "",
        _year(date), date, _number(text), text, currency,
        None if provider is None else _org(provider), sector_pair, recipient,
        "" if description is None else (narrative(description, "en") or narrative(description)),
    )


def _date_attr(parts: dict[str, object], child: str) -> str:
    found = parts.get(child)
    return (found.get("iso-date") or "").strip() if found is not None else ""


def _budget(element, default_currency: str) -> Budget:
    parts = _firsts(element)
    value = parts.get("value")
    return Budget(element.sourceline or 0, (element.get("type") or "1").strip(),
                  _date_attr(parts, "period-start"), _date_attr(parts, "period-end"),
                  _number(value.text if value is not None else None),
                  ((value.get("currency") if value is not None else None) or default_currency).strip())


def _indicator(element) -> Indicator:
    parts = _groups(element)
    baselines = tuple((_year(b.get("year") or b.get("iso-date")), _number(b.get("value")))
                      for b in parts.get("baseline", ()))
    reference = next((r.get("code", "") for r in parts.get("reference", ())
                      if r.get("vocabulary") == "99"
                      and r.get("code", "").startswith(PAIRAID_REFERENCE)), "")
    periods = []
    for period in parts.get("period", ()):
        inside = _groups(period)
        end = inside.get("period-end", (None,))[0]
        year = _year(end.get("iso-date") if end is not None else None)
        if year is None:
            continue
        target = inside.get("target", (None,))[0]
        actual_elems = inside.get("actual", ())
        actual = actual_elems[0] if actual_elems else None
        actuals = tuple((a.get("value") or "", {d.get("name", ""): d.get("value", "")
                                                 for d in a.iterchildren("dimension")})
                        for a in actual_elems) if reference else ()
        periods.append(Period(year, _number(target.get("value")) if target is not None else None,
                              _number(actual.get("value")) if actual is not None else None,
                              actuals))
    title = parts.get("title", (None,))[0]
    return Indicator(element.sourceline or 0, narrative(title), narrative(title, "en"),
                     (element.get("measure") or "1").strip(), baselines, tuple(periods),
                     reference)


def _activity(element, name: str, problems: list[Problem], countries: dict[str, str],
              default_lang: str) -> Activity:
    line = element.sourceline or 0
    groups = _groups(element)
    get = groups.get

    def first(tag: str):
        found = get(tag)
        return found[0] if found else None

    identifier_element = first("iati-identifier")
    identifier = ((identifier_element.text or "") if identifier_element is not None else "").strip()
    if not identifier:
        problems.append(Problem(name, line, "iati-activity/iati-identifier",
                                "the activity has no iati-identifier"))
    default_currency = (element.get("default-currency") or "").strip()
    countries_, regions, locations = _places(groups, countries)
    title, titles = narratives(first("title"), default_lang)
    status = first("activity-status")
    participants = get("participating-org", ())
    activity = Activity(
        line=line, identifier=identifier, reporting_org=_org(first("reporting-org")),
        title_en=titles.get("en") or title, title_zh=titles.get("zh", ""),
        description=narrative(first("description")),
        status=(status.get("code") or "").strip() if status is not None else "",
        dates={(d.get("type") or "").strip(): (d.get("iso-date") or "").strip()
               for d in get("activity-date", ())},
        funding=[o for o in (_org(p) for p in participants if p.get("role") == "1") if o],
        extending=[o for o in (_org(p) for p in participants if p.get("role") == "3") if o],
        other_ids=[(o.get("ref") or "").strip() for o in get("other-identifier", ())],
        countries=countries_, regions=regions, locations=locations,
        sectors=[((s.get("vocabulary") or "1").strip(), (s.get("code") or "").strip(),
                  _number(s.get("percentage"))) for s in get("sector", ())],
        default_currency=default_currency,
    )
    activity.transactions = [_transaction(t, i, default_currency, countries)
                             for i, t in enumerate(get("transaction", ()), start=1)]
    activity.budgets = [_budget(b, default_currency) for b in get("budget", ())]
    activity.indicators = [_indicator(i) for r in get("result", ())
                           for i in r.iterchildren("indicator")]
    return activity
