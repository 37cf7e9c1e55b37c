"""Published worked examples: entropy and CRITIC weights, TOPSIS scores, AHP priorities.

The numbers and their sources are in tests/reference/measure/ (see its README.md).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from pairaid.measure import aggregate, normalise, weight

REFERENCE = Path(__file__).parent / "reference" / "measure"


def cases(name: str) -> list[dict]:
    return json.loads((REFERENCE / f"{name}.json").read_text("utf-8"))["cases"]


def ids(name: str) -> list[str]:
    return [c["name"] for c in cases(name)]


@pytest.mark.parametrize("case", cases("entropy"), ids=ids("entropy"))
def test_entropy_weights_reproduce_published_examples(case):
    w = weight.entropy_weights(np.array(case["matrix"], dtype=float))
    assert np.round(w, case["decimals"]).tolist() == pytest.approx(case["weights"], abs=1e-12)


@pytest.mark.parametrize("case", cases("critic"), ids=ids("critic"))
def test_critic_weights_reproduce_published_example(case):
    w = weight.critic_weights(np.array(case["matrix"], dtype=float))
    assert np.round(w, case["decimals"]).tolist() == pytest.approx(case["weights"], abs=1e-12)


@pytest.mark.parametrize("case", cases("topsis"), ids=ids("topsis"))
def test_topsis_reproduces_published_scores(case):
    z = normalise.normalise(np.array(case["matrix"], dtype=float), np.array(case["directions"]),
                            case["normalisation"])
    scores = aggregate.topsis(z, np.array(case["weights"]), z.max(axis=0), z.min(axis=0))[:, 0]
    expected = np.round(case["scores"], case["decimals"])
    assert np.round(scores, case["decimals"]).tolist() == pytest.approx(expected.tolist())


@pytest.mark.parametrize("case", cases("ahp"), ids=ids("ahp"))
def test_ahp_priorities_reproduce_published_synthesis(case):
    def matrix(rows):
        return [[float(Fraction(v)) for v in row] for row in rows]

    criteria = weight.ahp_weights(matrix(case["criteria"]))
    local = np.column_stack([weight.ahp_weights(matrix(m), max_cr=None).weights
                             for m in case["alternatives"]])
    assert criteria.consistency_ratio < 0.1
    assert np.round(local @ criteria.weights, case["decimals"]).tolist() == pytest.approx(
        case["scores"])


def test_ahp_consistency_of_a_perfectly_consistent_matrix_is_zero():
    w = np.array([0.5, 0.3, 0.2])
    result = weight.ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(result.weights, w)
    assert result.lambda_max == pytest.approx(3)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-12)


def test_saaty_random_index_table():
    assert weight.RANDOM_INDEX[:10] == (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
