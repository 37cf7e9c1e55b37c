"""scripts/mutation_sample.py: the seeded stratified sample of mutants, the report's intervals."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sampler():
    spec = importlib.util.spec_from_file_location("mutation_sample",
                                                  ROOT / "scripts" / "mutation_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("killed,n", [(9, 10), (38, 40), (40, 40), (0, 25), (17, 30)])
def test_wilson_interval_matches_statsmodels(sampler, killed, n):
    # reference: statsmodels' proportion_confint(method="wilson"), a library the script does not use
    from statsmodels.stats.proportion import proportion_confint

    assert sampler.wilson(killed, n) == pytest.approx(
        proportion_confint(killed, n, alpha=0.05, method="wilson"), abs=1e-9)


def test_wilson_interval_by_hand(sampler):
    # 9 of 10, z = 1.96: centre (0.9 + 0.19208)/1.38416 = 0.78895, half-width
    # 1.96·sqrt(0.009 + 0.009604)/1.38416 = 0.19311 (Wilson 1927)
    low, high = sampler.wilson(9, 10)
    assert low == pytest.approx(0.59585, abs=2e-5) and high == pytest.approx(0.98212, abs=2e-5)


def _fake_mutants(root: Path, sizes: dict[str, int]) -> None:
    """A pyproject.toml with one only_mutate pattern per file and mutmut .meta files."""
    patterns = [f"src/pkg/{name}.py" for name in sizes]
    (root / "pyproject.toml").write_text(
        "[tool.mutmut]\nonly_mutate = [" + ", ".join(f'"{p}"' for p in patterns) + "]\n")
    for name, size in sizes.items():
        meta = root / "mutants" / "src" / "pkg" / f"{name}.py.meta"
        meta.parent.mkdir(parents=True, exist_ok=True)
        codes = {f"pkg.{name}.x_f__mutmut_{i}": (1 if i % 4 else 0) for i in range(1, size + 1)}
        meta.write_text(json.dumps({"exit_code_by_key": codes}))


def test_sample_is_stratified_seeded_and_without_replacement(sampler, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _fake_mutants(tmp_path, {"big": 500, "small": 7})
    first = sampler.sample(20, seed=3)
    assert first == sampler.sample(20, seed=3)  # same seed, same sample
    assert first != sampler.sample(20, seed=4)
    big = [m for m in first if m.startswith("pkg.big.")]
    small = [m for m in first if m.startswith("pkg.small.")]
    assert len(big) == 20 and len(set(big)) == 20  # without replacement
    assert len(small) == 7  # a stratum smaller than the sample is taken whole
    assert len(sampler.sample(0, seed=3)) == 507  # 0: every mutant


def test_report_counts_killed_equivalent_and_surviving(sampler, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _fake_mutants(tmp_path, {"big": 400, "small": 100})
    # numbers 1..8 of each: 4 and 8 survived (exit code 0), the rest were killed
    names = [f"pkg.{m}.x_f__mutmut_{i}" for m in ("big", "small") for i in range(1, 9)]
    table, open_names = sampler.report(names, equivalent={"pkg.big.x_f__mutmut_4"})
    assert open_names == ["pkg.big.x_f__mutmut_8", "pkg.small.x_f__mutmut_4",
                          "pkg.small.x_f__mutmut_8"]
    rows = table.splitlines()
    assert "| `src/pkg/big.py` | 400 | 8 | 6 | 1 | 1 | 0 | 87.5% |" in rows[2]
    assert "| `src/pkg/small.py` | 100 | 8 | 6 | 0 | 2 | 0 | 75.0% |" in rows[3]
    # weighted by mutants: 0.8·7/8 + 0.2·6/8 = 0.85
    assert "| 85.0% |" in rows[4]
