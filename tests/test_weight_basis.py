"""`--weight-basis raw`: published entropy and CRITIC worked examples reproduce from the CLI
(issue 12). The numbers are in tests/reference/measure/ with their papers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app

REFERENCE = Path(__file__).parent / "reference" / "measure"


def _cases(method):
    return json.loads((REFERENCE / f"{method}.json").read_text(encoding="utf-8"))["cases"]


def _weights(tmp_path, matrix, method, basis, directions=None):
    matrix = np.asarray(matrix, dtype=float)
    codes = [f"c{j + 1}" for j in range(matrix.shape[1])]
    frame = pd.DataFrame(matrix, columns=codes)
    frame.insert(0, "alt", [f"A{i + 1}" for i in range(len(frame))])
    path = tmp_path / "matrix.csv"
    frame.to_csv(path, index=False)
    directions = directions or ["+"] * len(codes)
    spec = ",".join(f"{c}:{d}" for c, d in zip(codes, directions))
    args = ["index", "build", "--data", str(path), "--unit", "alt", "--indicators", spec,
            "--weights", method, "--json"] + (["--weight-basis", basis] if basis else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    weights = json.loads(result.stdout)["weights"]
    return np.array([weights[c] for c in codes])


@pytest.mark.parametrize("case", _cases("entropy"), ids=lambda c: c["name"])
def test_published_entropy_weights_reproduce_from_the_cli_on_the_raw_basis(tmp_path, case):
    got = _weights(tmp_path, case["matrix"], "entropy", "raw")
    np.testing.assert_allclose(np.round(got, case["decimals"]), case["weights"],
                               atol=1.01 * 10.0 ** -case["decimals"])


def test_the_normalised_basis_gives_other_entropy_weights(tmp_path):
    case = _cases("entropy")[0]  # Xu (2004): 0.4630, 0.3992, 0.1378, 0.0000
    normalised = _weights(tmp_path, case["matrix"], "entropy", None)
    assert abs(normalised[3] - case["weights"][3]) > 0.1  # the near-constant c4 gets weight


def test_published_critic_weights_reproduce_from_the_cli_with_a_cost_criterion(tmp_path):
    case = _cases("critic")[0]  # Tuş & Aytaç Adalı (2019); price (c1) is a cost criterion
    directions = ["-", "+", "+", "+", "+", "+"]
    raw = _weights(tmp_path, case["matrix"], "critic", "raw", directions)
    np.testing.assert_allclose(np.round(raw, case["decimals"]), case["weights"], atol=1.01e-3)
    aligned = _weights(tmp_path, case["matrix"], "critic", "normalised", directions)
    assert np.max(np.abs(aligned - case["weights"])) > 0.01


def test_an_unknown_basis_is_one_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["index", "build", "--indicators", "a:+", "--data",
                                      str(tmp_path / "x.csv"), "--weight-basis", "log"])
    assert result.exit_code == 2 and "normalised or raw" in result.output
