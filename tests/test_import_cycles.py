"""No import circles among the analysis packages' modules (issue 10 untied
`distribution/results.py` ↔ `inequality.py` and `environment.py` ↔ `dependence_results.py`).
Imports inside functions count too: a lazy import hides a circle, it does not remove it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pairaid

ROOT = Path(pairaid.__file__).parent


def _graph(package: str) -> dict[str, set[str]]:
    modules = {f"pairaid.{package}.{p.stem}": p for p in (ROOT / package).glob("*.py")
               if p.stem != "__init__"}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                       [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


@pytest.mark.parametrize("package", ["distribution", "findings"])
def test_no_import_cycle(package):
    assert _cycle(_graph(package)) is None


def test_the_checker_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": set()}) is None
