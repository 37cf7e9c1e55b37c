"""Results of IATI activities as ledger rows: project outputs (a project's result indicators)
and, from pairaid's own pairing activities, personnel and enterprises. The reading side
gathers them (`Results`) and sends them with each batch; the writing side spools them
(`spools`) and writes them through the ledger's validator once the files are read
(`write.py`)."""

from __future__ import annotations

import hashlib
import re

from pairaid.ingest.iati import codes as iati_codes
from pairaid.ingest.iati.read import Activity
from pairaid.ingest.iati.spool import NUMBER, TEXT, WHOLE, Spool

_OUTPUT_COLUMNS = (("project", TEXT), ("indicator", TEXT), ("unit", TEXT), ("year", WHOLE),
                   ("baseline", NUMBER), ("target", NUMBER), ("actual", NUMBER))
#: personnel and enterprise values stay text as the file gave them: the validator says which
#: is not a number
_PERSONNEL_COLUMNS = (("donor", TEXT), ("recipient", TEXT), ("year", WHOLE), ("category", TEXT),
                      ("headcount", TEXT), ("person_months", TEXT), ("source", TEXT),
                      ("round", TEXT))
_ENTERPRISE_COLUMNS = (("origin", TEXT), ("destination", TEXT), ("year", WHOLE),
                       ("sector", TEXT), ("count", TEXT), ("investment", TEXT),
                       ("currency", TEXT), ("jobs", TEXT), ("source", TEXT), ("ref", TEXT))
#: a project output's English title as pairaid writes it: "indicator (unit)"
OUTPUT_TITLE = re.compile(r"^(?P<indicator>.+) \((?P<unit>[^()]+)\)$")


def short(text: str, limit: int = 64) -> str:
    """`text` if it fits in `limit` characters, else its head and a hash of the whole (codes
    and refs have a length limit; the hash keeps two long ones apart)."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:12]
    return f"{text[:limit - 13]}~{digest}"


def spools(folder: str) -> tuple[Spool, Spool, Spool]:
    """The writing side's spools of outputs, personnel and enterprises."""
    return (Spool(folder, "outputs", _OUTPUT_COLUMNS),
            Spool(folder, "personnel", _PERSONNEL_COLUMNS),
            Spool(folder, "enterprises", _ENTERPRISE_COLUMNS))


class _Rows(list):
    """Rows gathered until the next batch takes them (`add`, as a `Spool` has)."""
    add = list.append


class Results:
    """The outputs, personnel and enterprise rows made since the last batch."""

    def __init__(self, report) -> None:
        self.report = report
        self.outputs, self.personnel, self.enterprises = _Rows(), _Rows(), _Rows()

    def take(self) -> tuple[list, list, list]:
        """The rows gathered since the last call (and none kept)."""
        taken = (self.outputs, self.personnel, self.enterprises)
        self.outputs, self.personnel, self.enterprises = _Rows(), _Rows(), _Rows()
        return taken

    def pairing(self, activity: Activity, marked, name: str, file: int) -> None:
        """Personnel and enterprises from the indicators pairaid wrote on its pairing activity
        (each named by a vocabulary-99 reference `pairaid:personnel:MEASURE:CATEGORY` or
        `pairaid:enterprises:MEASURE`)."""
        donor, recipient, round_ = marked["donor"], marked["recipient"], marked["round"]
        source = f"IATI {name}:{activity.line} {activity.identifier}"
        staff: dict[tuple[str, int], dict[str, str]] = {}
        firms: dict[tuple[int, str, str], dict[str, str]] = {}
        for indicator in activity.indicators:
            parts = indicator.reference.split(":")
            if parts[:2] == ["pairaid", "personnel"] and len(parts) == 4:
                column = {"headcount": "headcount", "person-months": "person_months"}.get(parts[2])
                for period in indicator.periods:
                    if column and period.actuals:
                        staff.setdefault((parts[3], period.year), {})[column] = period.actuals[0][0]
            elif parts[:2] == ["pairaid", "enterprises"] and len(parts) == 3 and \
                    parts[2] in ("count", "investment", "jobs"):
                for period in indicator.periods:
                    for value, dimensions in period.actuals:
                        key = (period.year, dimensions.get("sector", ""), dimensions.get("ref", ""))
                        firm = firms.setdefault(key, {})
                        firm[parts[2]] = value
                        if "currency" in dimensions:
                            firm["currency"] = dimensions["currency"]
            else:
                self.report.notes["indicators of pairaid pairing activities without a pairaid "
                                  "reference: not read back"] += 1
        for (category, year), values in staff.items():
            self.personnel.add((donor, recipient, year, category, values.get("headcount", ""),
                                values.get("person_months", ""), source, round_, file,
                                activity.line))
            self.report.personnel += 1
        for (year, sector, ref), values in firms.items():
            self.enterprises.add((donor, recipient, year, sector, values.get("count", ""),
                                  values.get("investment", ""), values.get("currency", ""),
                                  values.get("jobs", ""), source, ref, file, activity.line))
            self.report.enterprises += 1

    def outputs_of(self, project: str, indicator, own: bool, file: int) -> None:
        """A project's outputs: one row per period of one of its result indicators."""
        label = short(re.sub(r"\s+", " ", indicator.title).strip() or "indicator")
        unit = iati_codes.measure_unit(indicator.measure)
        named = OUTPUT_TITLE.match(indicator.title_en) if own else None
        if named:
            label, unit = named["indicator"], named["unit"]
        baseline = dict(indicator.baselines)
        default_baseline = indicator.baselines[0][1] if len(indicator.baselines) == 1 else None
        for period in indicator.periods:
            base = baseline.get(period.year, default_baseline)
            self.outputs.add((project, label, unit, period.year, base, period.target,
                              period.actual, file, indicator.line))
            self.report.outputs += 1
