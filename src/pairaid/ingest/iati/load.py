"""IATI activities → ledger rows, written in ONE transaction (all or nothing).

Mapping (docs/iati.md says it for users):
- funding participating-orgs → donors (the transaction's provider-org when it names one; several
  funders with no provider named → one joint donor, since IATI does not say their shares);
- locations → regions (several locations share the money evenly, AidData's convention for
  geocoded data); without locations, recipient countries/regions by their percentages; else the
  `default_country` given by the user; the transaction's own recipient wins over the activity's;
- transactions → flows: 2 commitment, 3 disbursement, 4 expenditure; 1 incoming funds →
  disbursement by the provider; 11 incoming commitment → investment_secured when pairaid wrote
  it so (its description says so), else commitment; other types are counted and skipped;
- sectors: the transaction's, else the activity's DAC sectors (vocabulary 1 or 2) by percentage;
  a withdrawn 5-digit code keeps its 3-digit category; no DAC sector → 99810 "sectors not
  specified", the original code kept in the flow's source;
- activities → projects (not pairaid's own pairing activities), results → project outputs,
  budgets → the project's budget (revised over original for the same period).

This module's `_Mapper` is the reading side's mapping (with `sink.Sink` and `results.Results`):
it makes ledger rows and never touches the database, so for a large file it runs in a forked
process while the writing side (`writer.LedgerWriter`, `write.py`) writes each batch it sends
(`importer.import_iati` runs both). Memory does not grow with the file, only with the number of
donor–place pairs (kept by the reading side).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from pairaid.ingest.errors import Problem
from pairaid.ingest.hygiene import _CONTROL_ANY, _CONTROL_IN_TEXT, control_character_reason
from pairaid.ingest.iati import codes as iati_codes
from pairaid.ingest.iati.read import Activity, Org, Place, Transaction
from pairaid.ingest.iati.report import IatiImportReport
from pairaid.ingest.iati.results import Results
from pairaid.ingest.iati.results import short as _short
from pairaid.ingest.iati.sink import ID_UNIT, SPAN, TITLE_MAX, Sink
from pairaid.ledger import codes
from pairaid.ledger.schema import AMOUNT_MAX, YEAR_MAX, YEAR_MIN


#: transaction types that are flows whatever their description says (11: see `flow_kind`)
_FLOW_KIND = {t: k for t, k in iati_codes._FLOW_KIND.items() if t != "11"}
#: pairaid's own activities carry their ledger keys as other-identifiers (type A1)
PAIRING_MARK = re.compile(r"^pairing:(?P<donor>[^:]+):(?P<recipient>[^:]+):(?P<round>\d{4})$")
PROJECT_MARK = re.compile(r"^project:(?P<round>\d{4}):(?P<code>.+)$")


def _code(org: Org) -> str:
    """A donor code: the organisation's IATI ref when it fits, else a readable stable slug."""
    if org.ref and len(org.ref) <= 32 and not any(ch.isspace() for ch in org.ref):
        return org.ref
    slug = re.sub(r"[^A-Za-z0-9]+", "-", org.name).strip("-").upper()[:18] or "ORG"
    return f"{slug}-{hashlib.sha1(org.key.encode()).hexdigest()[:8]}"


class _Mapper:
    """Turns activities into ledger rows (to the sink and the results) and keeps the regions
    and donors they name."""

    def __init__(self, existing: list[tuple], default_country: str | None,
                 report: IatiImportReport, problems: list[Problem],
                 send: Callable[[object], float | None], approval: str,
                 digests: bool = True) -> None:
        self.report = report
        self.default_country = default_country
        self.countries = iati_codes.country_names()
        #: every region and donor named so far, in the order first named (the sink sends the
        #: ones named since its last batch)
        self.regions: dict[str, tuple[str, str, str, str | None]] = {}
        self.donors: dict[str, tuple[str, str]] = {}
        #: flows and projects go to the sink as they are made (sent in batches while the file
        #: is read), the pairings they belong to too; outputs, personnel and enterprises to
        #: `results`, sent with the sink's batches
        self.sink = Sink(problems, existing, self, send, approval, digests)
        self.results = Results(report)
        self.sectors = codes.sectors()
        #: the index of the file being read (each result row keeps its file and XML line, so
        #: a problem found when it is written names them)
        self.file = -1
        self._codes: dict[Org, str] = {}
        self._shares: dict[tuple, list[tuple[str, float, str]]] = {}

    def begin_file(self, name: str, index: int) -> None:
        self.file = index
        self.sink.begin_file(name, index)

    # -- places and organisations -------------------------------------------------------
    def _region(self, place: Place, parent: str | None) -> str:
        if place.key not in self.regions:
            self.regions[place.key] = (place.name_zh, place.name_en, place.level,
                                       parent if parent != place.key else None)
        return place.key

    def _donor(self, org: Org) -> str:
        code = self._codes.get(org)
        if code is None:
            code = self._codes[org] = _code(org)
            self.donors.setdefault(code, (org.name, org.name))
        return code

    def _funder(self, activity: Activity, transaction: Transaction | None) -> str | None:
        if transaction is not None and transaction.provider is not None:
            return self._donor(transaction.provider)
        funders = list({o.key: o for o in activity.funding}.values())
        if len(funders) == 1:
            return self._donor(funders[0])
        if len(funders) > 1:
            members = sorted(self._donor(o) for o in funders)
            code = "JOINT-" + hashlib.sha1("|".join(members).encode()).hexdigest()[:10]
            names = " + ".join(o.name for o in funders)
            self.donors.setdefault(code, (names[:200], f"{names} (co-financed)"[:200]))
            self.report.notes["activities with several funders recorded as one joint donor "
                              "(IATI gives no shares)"] += transaction is None
            return code
        for org in (*activity.extending, activity.reporting_org):
            if org is not None:
                return self._donor(org)
        return None

    def _recipients(self, activity: Activity, transaction: Transaction | None,
                    problems: list[Problem], name: str) -> list[Place]:
        country = activity.countries[0].key if len(activity.countries) == 1 else self.default_country
        if country and country not in self.regions:
            self._region(Place(country, self.countries.get(country, country),
                               self.countries.get(country, country), "country", 1.0), None)
        if transaction is not None and transaction.recipient is not None:
            place = transaction.recipient
            self._region(place, None)
            return [place]
        if activity.locations:
            for place in activity.locations:
                self._region(place, country)
            return activity.locations
        for places in (activity.countries, activity.regions):
            if places:
                for place in places:
                    self._region(place, None)
                return places
        if self.default_country:
            self.report.notes[f"activities naming no recipient: assigned to "
                              f"{self.default_country} (--country)"] += transaction is None
            return [Place(self.default_country, "", "", "country", 1.0)]
        problems.append(Problem(name, activity.line, "iati-activity/recipient-country",
                                f"activity '{activity.identifier}' names no recipient country, "
                                "region or location (give --country CODE for such activities)"))
        return []

    def _sector_shares(self, activity: Activity, transaction: Transaction | None
                       ) -> list[tuple[str, float, str]]:
        """(ledger sector code, share, note) pairs."""
        if transaction is not None and transaction.sector is not None:
            given = [(transaction.sector[0], transaction.sector[1], 100.0)]
        else:
            # activities repeat a few sector lists: each is worked out once
            key = tuple(activity.sectors)
            found = self._shares.get(key)
            if found is None:
                if len(self._shares) > 10_000:
                    self._shares.clear()
                found = self._shares[key] = self._dac_shares(activity.sectors, None)
            return found
        return self._dac_shares(activity.sectors, given)

    def _dac_shares(self, sectors: list[tuple], given: list[tuple] | None
                    ) -> list[tuple[str, float, str]]:
        if given is None:
            given = [s for s in sectors if s[0] in ("1", "2")]
            if any(s[0] == "1" for s in given):
                given = [s for s in given if s[0] == "1"]
        dac = [(v, c, p) for v, c, p in given if v in ("1", "2")]
        if not dac:
            other = ", ".join(f"{v}:{c}" for v, c, _p in (sectors or []))
            return [("99810", 1.0, f"no DAC sector (given: {other or 'none'})")]
        total = sum(p or 0 for _v, _c, p in dac)
        shares = [(p or 0) / total if total > 0 else 1 / len(dac) for _v, _c, p in dac]
        out = []
        for (_v, code, _p), share in zip(dac, shares):
            if code in self.sectors:
                out.append((code, share, ""))
            elif code[:3] in self.sectors:
                out.append((code[:3], share, f"DAC code {code} is not current: its category"))
            else:
                out.append(("99810", share, f"DAC code {code} unknown"))
        return out

    # -- one activity --------------------------------------------------------------------
    def add(self, activity: Activity, name: str, problems: list[Problem]) -> None:
        report = self.report
        report.activities += 1
        marked = next((m for m in map(PAIRING_MARK.match, activity.other_ids) if m), None)
        own_project = next((m for m in map(PROJECT_MARK.match, activity.other_ids) if m), None)
        own = marked is not None or own_project is not None
        own_round = int((marked or own_project)["round"]) if own else None
        project = None if marked else _short(own_project["code"] if own_project
                                             else activity.identifier)
        main_donor = self._funder(activity, None)
        main_recipients = self._recipients(activity, None, problems, name)
        sink = self.sink
        if marked:  # pairaid's own pairing activity: its pairing key, span and round are exact
            sink.own_pairing(
                (marked["donor"], marked["recipient"], own_round),
                iati_codes.year(activity.dates.get("2") or activity.dates.get("1")),
                iati_codes.year(activity.dates.get("4") or activity.dates.get("3")), own_round,
                activity.line)
            self.results.pairing(activity, marked, name, self.file)
        years = []
        activity_sectors = self._sector_shares(activity, None)
        totals, identifier, notes, flows = report.totals, activity.identifier, report.notes, 0
        # what the ledger's checks would find in every flow of this activity, checked once
        project_code = project or None
        if project and _CONTROL_ANY.search(project):
            problems.append(Problem(name, activity.line, "projects.code",
                                    control_character_reason(project, False)))
        source_head = f"IATI {name}:"
        source_tail = f" {identifier}"
        if _CONTROL_IN_TEXT.search(source_tail):
            problems.append(Problem(name, activity.line, "flows.source",
                                    control_character_reason(source_tail, True)))
        # the sink's structures, bound once: the loop below runs for every flow of the file
        pairs, pairing = sink.pairs, sink.pairing
        pairs_get = pairs.get
        add_flow, add_line = sink.flows.append, sink.flow_lines.append
        currencies = sink._currencies
        report.transactions += len(activity.transactions)
        flow_kinds, id_unit = _FLOW_KIND, ID_UNIT
        # the activity's sectors without notes (the usual case) as (code, share) pairs
        plain = None if any(note for _c, _s, note in activity_sectors) else \
            [(code, share) for code, share, _n in activity_sectors]
        short_id = len(identifier) <= 48  # then "IDENTIFIER#N" needs no shortening
        for transaction in activity.transactions:
            kind = flow_kinds.get(transaction.type)
            if kind is None or transaction.type == "11":
                kind = iati_codes.flow_kind(transaction)
                if kind is None:
                    report.skipped_types[transaction.type] += 1
                    continue
            value, year, currency = transaction.value, transaction.year, transaction.currency
            line = transaction.line
            if value is None:
                problems.append(Problem(name, line, "transaction/value",
                                        f"'{transaction.value_text}' is not a number"))
                continue
            if year is None:
                problems.append(Problem(name, line, "transaction/transaction-date",
                                        f"'{transaction.date}' is not an ISO date (YYYY-MM-DD)"))
                continue
            if not currency:
                problems.append(Problem(name, line, "transaction/value@currency",
                                        "no currency: neither value@currency nor the activity's "
                                        "default-currency is given"))
                continue
            provider, recipient = transaction.provider, transaction.recipient
            donor = main_donor if provider is None else self._donor(provider)
            recipients = main_recipients if recipient is None else \
                self._recipients(activity, transaction, problems, name)
            if donor is None or not recipients:
                if donor is None:
                    problems.append(Problem(name, line, "participating-org",
                                            "no funding organisation, provider or reporting "
                                            "organisation names who gave the money"))
                continue
            # the ledger's ranges and code list (a flow's amount is a share of the value)
            iso = currencies.get(currency) or sink.currency(currency, line, "flows")
            if iso is None or not (YEAR_MIN <= year <= YEAR_MAX
                                   or sink.year_ok(year, line, "flows.year")) \
                    or not (-AMOUNT_MAX <= value <= AMOUNT_MAX
                            or sink.amount_ok(value, line, "flows.amount", -AMOUNT_MAX)):
                continue
            value += 0.0  # -0.0 → 0.0, as SQLite gives it back (the journal digests it so)
            total_key = (kind, currency)
            totals[total_key] = totals.get(total_key, 0.0) + value
            years.append(year)
            # pairaid's own transactions keep the ledger's ref (empty included); others get the
            # activity's identifier and the transaction's place in it
            if own:
                ref = transaction.ref or ""
                if _CONTROL_IN_TEXT.search(ref):
                    problems.append(Problem(name, line, "flows.ref",
                                            control_character_reason(ref, True)))
            else:
                ref = f"{identifier}#{transaction.index}" if short_id else \
                    _short(f"{identifier}#{transaction.index}", 60)
            source = f"{source_head}{line}{source_tail}"[:1000]
            sectors = plain
            if transaction.sector is not None or plain is None:
                sectors = None
                noted = (activity_sectors if transaction.sector is None else
                         self._sector_shares(activity, transaction))
            several = len(recipients) > 1
            for place in recipients:
                key = (donor, place.key, own_round)
                # the pairing's id, and its span widened to this year: inlined for a pairing
                # seen before (`Sink.pairing` does the rest)
                packed = pairs_get(key)
                if packed is None:
                    pid = pairing(key, year, line, "flows")
                    if pid is None:
                        continue
                else:
                    pid, span = divmod(packed, id_unit)
                    if not span:
                        pairs[key] = packed + year * SPAN + year
                    elif year < span // SPAN:
                        pairs[key] = packed - (span // SPAN - year) * SPAN
                    elif year > span % SPAN:
                        pairs[key] = packed + year - span % SPAN
                if several:
                    place_ref = f"{ref}@{place.key}"
                    if len(place_ref) > 64:
                        place_ref = _short(place_ref)
                else:
                    place_ref = ref if len(ref) <= 64 else _short(ref)
                money = value * place.share
                if sectors is not None:
                    for sector, share in sectors:
                        add_flow((pid, year, kind, money * share, iso, sector, project_code,
                                  source, place_ref))
                        add_line(line)
                    flows += len(sectors)
                    continue
                for sector, share, note in noted:
                    if note:
                        notes[note.split(" (")[0].split(":")[0]] += 1
                        add_flow((pid, year, kind, money * share, iso, sector, project_code,
                                  f"{source}; {note}"[:1000], place_ref))
                    else:
                        add_flow((pid, year, kind, money * share, iso, sector, project_code,
                                  source, place_ref))
                    add_line(line)
                    flows += 1
        report.flows += flows
        made = False
        if project and main_donor and main_recipients:
            made = self._project(activity, project, main_donor, main_recipients[0].key, years,
                                 problems, name, own_round, activity_sectors)
        if flows and project and not made:  # the writer checks the ledger has it
            sink.unmade.append((project, activity.line))
        sink.maybe_flush()

    def _project(self, activity: Activity, code: str, donor: str, recipient: str,
                 years: list[int], problems: list[Problem], name: str,
                 own_round: int | None, sectors: list[tuple[str, float, str]]) -> bool:
        """The activity's project (to the sink) and its outputs; False when none is made."""
        dates = activity.dates
        start = iati_codes.year(dates.get("2") or dates.get("1"))
        budget_years = [iati_codes.year(b.start) for b in activity.budgets]
        candidates = [y for y in [start, *years, *budget_years] if y is not None]
        if not candidates:
            self.report.notes["activities with no date at all: no project made"] += 1
            return False
        start = start if start is not None else min(candidates)
        end = iati_codes.year(dates.get("4") or dates.get("3"))
        end = end if end is not None and end >= start else None
        sink, line = self.sink, activity.line
        budget, currency = _budget_total(activity, problems, name)
        title = (activity.title_en or activity.description or activity.identifier)[:1000]
        if "\r" in title:  # as the office importer keeps it: one kind of line break
            title = title.replace("\r\n", "\n").replace("\r", "\n")
        ok = sink.year_ok(start, line, "projects.start_year") and \
            (end is None or sink.year_ok(end, line, "projects.end_year"))
        if len(title) > TITLE_MAX:
            ok = False
            problems.append(Problem(name, line, "projects.title",
                                    f"longer than {TITLE_MAX} characters"))
        if _CONTROL_IN_TEXT.search(title):
            ok = False
            problems.append(Problem(name, line, "projects.title",
                                    control_character_reason(title, True)))
        if budget is not None:
            ok = sink.amount_ok(budget, line, "projects.budget", 0.0) and ok
            if not currency:
                ok = False
                problems.append(Problem(name, line, "projects.currency",
                                        "budget given without its currency"))
        iso = (sink.currency(currency, line, "projects") if currency else None)
        if not ok or (currency and iso is None):
            return True  # a problem of the project, not a missing one
        key = (donor, recipient, own_round)
        pid = sink.pairing(key, start, line, "projects")
        if pid is None:
            return True
        if own_round is None and end is not None:  # pairaid's own may start before their round
            sink.pairing(key, end, line, "projects")
        sector = max(sectors, key=lambda s: s[1])[0]
        sink.projects.append((code, pid, title, sector, start, end, budget, iso,
                              iati_codes.project_status(activity.status)))
        sink.project_lines.append(line)
        self.report.projects += 1
        for indicator in activity.indicators:
            self.results.outputs_of(code, indicator, own_round is not None, self.file)
        return True


def _budget_total(activity: Activity, problems: list[Problem], name: str
                  ) -> tuple[float | None, str]:
    """Sum of the activity's budgets: a revised budget (type 2) replaces the original one
    (type 1) of the same period."""
    by_period: dict[tuple[str, str], tuple[str, float, str]] = {}
    for budget in activity.budgets:
        if budget.value is None:
            problems.append(Problem(name, budget.line, "budget/value", "not a number"))
            continue
        period = (budget.start, budget.end)
        if period not in by_period or budget.type == "2":
            by_period[period] = (budget.type, budget.value, budget.currency)
    if not by_period:
        return None, ""
    currencies = {c for _t, _v, c in by_period.values()}
    if len(currencies) != 1:
        return None, ""
    return sum(v for _t, v, _c in by_period.values()), currencies.pop()
