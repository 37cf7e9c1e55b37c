"""The mapping file (TOML): what the automatic rules could not guess, or guessed wrong.

A dry run writes one with everything it guessed, so a user edits it and re-uses it:

    sheet = "2021年"
    header_row = 3
    amount_unit = "万元"
    [columns]              # header in the file = column of the table
    "援助单位名称" = "donor"
    [donors]               # name in the file = donor code
    "北京" = "BJ"
    [regions]
    "和田" = "653221"      # an empty code leaves the name to the automatic rules
    [values.kind]          # cell = code, per column
    "拨款" = "disbursement"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pairaid.errors import InputError

_SECTIONS = ("columns", "donors", "regions", "values")
_SETTINGS = ("sheet", "header_row", "amount_unit", "table")


@dataclass
class Mapping:
    sheet: str | None = None
    header_row: int | None = None
    amount_unit: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    donors: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: comments the writer puts beside entries (why a name was left open)
    comments: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str) -> Mapping:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise InputError(f"no mapping file {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path.name}: not valid TOML ({exc})") from None
        unknown = set(data) - set(_SECTIONS) - set(_SETTINGS)
        if unknown:
            raise InputError(f"{path.name}: unknown entries {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(_SETTINGS + _SECTIONS)})")

        def table(key: str) -> dict[str, str]:
            section = data.get(key, {})
            if not isinstance(section, dict) or not all(isinstance(v, str) for v in section.values()):
                raise InputError(f"{path.name}: [{key}] must map text to text")
            return {k: v for k, v in section.items() if v != ""}

        values = data.get("values", {})
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise InputError(f"{path.name}: [values.COLUMN] sections must map text to a code")
        header_row = data.get("header_row")
        if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
            raise InputError(f"{path.name}: header_row must be a row number (1, 2, ...)")
        return cls(sheet=data.get("sheet"), header_row=header_row,
                   amount_unit=data.get("amount_unit"), columns=table("columns"),
                   donors=table("donors"), regions=table("regions"),
                   values={c: {k: v for k, v in m.items() if v != ""} for c, m in values.items()})

    def to_toml(self, title: str) -> str:
        lines = [f"# {line}" for line in title.splitlines()]
        for key in ("sheet", "header_row", "amount_unit"):
            value = getattr(self, key)
            if value is not None:
                lines.append(f"{key} = {_value(value)}")
        for section in ("columns", "donors", "regions"):
            lines += ["", f"[{section}]"]
            lines += [self._entry(section, k, v) for k, v in getattr(self, section).items()]
        for column, entries in self.values.items():
            lines += ["", f"[values.{_key(column)}]"]
            lines += [self._entry(f"values.{column}", k, v) for k, v in entries.items()]
        return "\n".join(lines) + "\n"

    def _entry(self, section: str, key: str, value: str) -> str:
        comment = self.comments.get((section, key))
        return f"{_key(key)} = {_value(value)}" + (f"  # {comment}" if comment else "")


def _value(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return _key(str(value))


def _key(text: str) -> str:
    """A TOML basic string (always quoted: Chinese keys must be)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = "".join(c if ord(c) >= 0x20 else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'
