"""Check an IATI activity file: the official 2.03 XSD (lxml/libxml2, as IATI's own xmllint
checks do) and the rules the schema cannot express that matter for paired assistance."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from pairaid.ingest.errors import Problem
from pairaid.ingest.iati.codes import schema_path
from pairaid.ingest.iati.read import NotIatiError, check_root, open_xml


@cache
def _schema() -> etree.XMLSchema:
    with schema_path().open("rb") as handle:  # xs:import of iati-common.xsd resolves beside it
        return etree.XMLSchema(etree.parse(handle, base_url=str(schema_path())))


@dataclass(frozen=True)
class IatiValidation:
    """`errors` make the file invalid (schema, identifiers, percentages, currency);
    `warnings` are kept apart: transactions dated outside their activity's dates are common in
    real files (AidData dates a year's transactions 1 January) and do not stop an import."""
    file: str
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {"file": self.file, "valid": self.valid,
                "errors": [vars(p) for p in self.errors],
                "warnings": [vars(p) for p in self.warnings]}


def validate_iati(path: Path | str) -> IatiValidation:
    """Every problem in the file, each with its line.

    The whole file is parsed (the schema needs the tree); `import` itself streams.
    """
    problems = _problems(Path(path))
    warnings = [p for p in problems if p.column == "transaction-date"]
    errors = [p for p in problems if p.column != "transaction-date"]
    return IatiValidation(Path(path).name, errors, warnings)


def _problems(path: Path) -> list[Problem]:
    name = path.name
    parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
    try:
        with open_xml(path) as source:
            tree = etree.parse(source, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 0, 0)
        return [Problem(name, line, f"column {column}", f"malformed XML: {exc.msg}")]
    except OSError as exc:
        return [Problem(name, 0, "", f"cannot read the file: {exc}")]
    try:
        check_root(tree.getroot(), name)
    except NotIatiError as exc:
        return [exc.problem]
    schema = _schema()
    problems = []
    if not schema.validate(tree):
        problems += [Problem(name, entry.line, entry.path.rsplit("/", 1)[-1] or "schema",
                             f"schema: {entry.message}") for entry in schema.error_log]
    for activity in tree.getroot().iterfind("iati-activity"):
        problems += _rules(activity, name)
    return sorted(problems, key=lambda p: (p.row, p.column, p.reason))


def _date(element, xpath: str) -> str | None:
    found = element.find(xpath)
    return (found.get("iso-date") or "").strip() or None if found is not None else None


def _rules(activity, name: str) -> list[Problem]:
    problems = []
    line = activity.sourceline or 0
    identifier = (activity.findtext("iati-identifier") or "").strip()
    reporting = activity.find("reporting-org")
    ref = (reporting.get("ref") or "").strip() if reporting is not None else ""
    if identifier and ref and not identifier.startswith(ref + "-") and identifier != ref:
        problems.append(Problem(name, line, "iati-identifier",
                                f"'{identifier}' does not begin with the reporting-org ref "
                                f"'{ref}' (IATI identifiers are prefixed by their publisher)"))
    by_vocabulary: dict[str, list[float]] = {}
    for sector in activity.findall("sector"):
        percentage = sector.get("percentage")
        vocabulary = sector.get("vocabulary") or "1"
        try:
            by_vocabulary.setdefault(vocabulary, []).append(float(percentage) if percentage else None)
        except ValueError:
            problems.append(Problem(name, sector.sourceline or line, "sector@percentage",
                                    f"'{percentage}' is not a number"))
    for vocabulary, shares in by_vocabulary.items():
        if len(shares) > 1 or shares[0] is not None:
            total = sum(s or 0 for s in shares)
            # each percentage may be rounded to two decimals (three thirds: 33.33 × 3 = 99.99)
            if abs(total - 100) > 0.005 * len(shares) + 1e-9:
                problems.append(Problem(name, line, "sector@percentage",
                                        f"sector percentages of vocabulary {vocabulary} sum to "
                                        f"{total:g}, not 100"))
    start = _date(activity, "activity-date[@type='2']") or _date(activity, "activity-date[@type='1']")
    end = _date(activity, "activity-date[@type='4']") or _date(activity, "activity-date[@type='3']")
    default_currency = (activity.get("default-currency") or "").strip()
    for transaction in activity.findall("transaction"):
        t_line = transaction.sourceline or line
        date = _date(transaction, "transaction-date")
        if date and start and date < start:
            problems.append(Problem(name, t_line, "transaction-date",
                                    f"{date} is before the activity's start ({start})"))
        if date and end and date > end:
            problems.append(Problem(name, t_line, "transaction-date",
                                    f"{date} is after the activity's end ({end})"))
    for value in activity.iter("value"):
        if not (value.get("currency") or "").strip() and not default_currency:
            problems.append(Problem(name, value.sourceline or line, "value@currency",
                                    "no currency: give value@currency or the activity's "
                                    "default-currency"))
    return problems
