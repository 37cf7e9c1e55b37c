r"""Indicator weights: equal, entropy, CRITIC, first principal component, manual, AHP.

Every function returns non-negative weights that sum to one. The data-driven methods take a
matrix with alternatives (unit-years) in rows. In the index pipeline it is, by default
(`weighting.basis = "normalised"`), the direction-aligned min-max normalised indicators over all
scored unit-years, so the weights are fixed across years and do not change with the unit of an
indicator. With `basis = "raw"` (`pairaid index build --weight-basis raw`) it is the indicators
as recorded (after imputation), as the classic worked examples compute them — Shannon entropy on
p_ij = x_ij / Σ_i x_ij of the raw matrix (Hwang & Yoon 1981; Xu 2004; Zavadskas & Podvezko
2016), CRITIC with each raw column min-max normalised as a benefit criterion (Tuş & Aytaç Adalı
2019) — so a published example reproduces from the CLI; entropy weights on raw data do change
with an indicator's unit offset (a shift changes p_ij), which is why it is not the default.
NaN cells are ignored column by column (entropy) or pair by pair (correlations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pairaid.measure.spec import IndexDataError, IndexSpecError

#: Saaty's random consistency index RI(n), n = 1..15, as tabulated in Saaty (1980), *The Analytic
#: Hierarchy Process*, McGraw-Hill (pymcdm uses the Tummala & Ling 1998 values instead).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57,
                1.59)


def equal_weights(p: int) -> np.ndarray:
    """1/p for each of p indicators."""
    return np.full(p, 1.0 / p)


def entropy_weights(matrix: np.ndarray) -> np.ndarray:
    r"""Shannon entropy weights (Shannon 1948; Zeleny 1982; Hwang & Yoon 1981, p. 52).

    With :math:`p_{ij} = x_{ij} / \sum_i x_{ij}` over the m alternatives with a value,

    .. math:: e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij}, \qquad
              w_j = \frac{1 - e_j}{\sum_k (1 - e_k)},

    using :math:`0 \ln 0 = 0`. An indicator spread evenly (e.g. constant) has :math:`e_j = 1`
    and weight 0.

    The method needs non-negative data: negative values raise `IndexDataError` (pymcdm raises
    too; pyrepo-mcda takes absolute values and silently returns a weight, which we refuse because
    it rewards a sign error). Zeros are allowed: they contribute nothing to the entropy sum, which
    is what min-max normalised data (with its zero at the worst value) needs.
    """
    x = np.asarray(matrix, dtype=float)
    if np.any(x < 0):
        j = int(np.flatnonzero(np.any(x < 0, axis=0))[0])
        raise IndexDataError(f"entropy weights need non-negative values; column {j} has "
                             f"{int(np.sum(x[:, j] < 0))} negative values (normalise with "
                             "min-max first)")
    m = np.sum(~np.isnan(x), axis=0)
    total = np.nansum(x, axis=0)
    if np.any(total <= 0) or np.any(m < 2):
        j = int(np.flatnonzero((total <= 0) | (m < 2))[0])
        raise IndexDataError(f"entropy weights: column {j} has no positive value (or fewer than "
                             "two values)")
    share = x / total
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(share > 0, share * np.log(share), 0.0)
    entropy = -np.nansum(plogp, axis=0) / np.log(m)
    return _normalise(1.0 - entropy, "entropy")


def critic_weights(matrix: np.ndarray) -> np.ndarray:
    r"""CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, *Computers & Operations
    Research* 22(7), 763–770).

    With :math:`\sigma_j` the standard deviation of column j and :math:`r_{jk}` the Pearson
    correlation between columns j and k (pairwise complete),

    .. math:: C_j = \sigma_j \sum_k (1 - r_{jk}), \qquad w_j = C_j / \sum_k C_k .

    Diakoulaki et al. compute it on min-max normalised, direction-aligned criteria, as the index
    pipeline does; given raw data this function min-max normalises each column first (the
    standard deviation is scale-dependent, the correlations are not).
    """
    x = np.asarray(matrix, dtype=float)
    low, high = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    if np.any(~(high > low)):
        raise IndexDataError(f"CRITIC weights: column {int(np.flatnonzero(~(high > low))[0])} is "
                             "constant")
    z = (x - low) / (high - low)
    sigma = np.nanstd(z, axis=0, ddof=1)
    r = pd.DataFrame(z).corr().to_numpy()
    return _normalise(sigma * np.sum(1.0 - r, axis=0), "CRITIC")


def pca_weights(matrix: np.ndarray) -> np.ndarray:
    r"""Weights from the first principal component of the correlation matrix.

    With :math:`R = V \Lambda V^\top` and :math:`v_1` the eigenvector of the largest eigenvalue,
    :math:`w_j = v_{1j}^2` (they sum to one): each indicator's share of the component's variance,
    the one-factor case of the OECD/JRC Handbook's factor-analysis weights (section 6.1). Rows with
    a missing value are left out (listwise).
    """
    x = np.asarray(matrix, dtype=float)
    complete = x[~np.isnan(x).any(axis=1)]
    if len(complete) < 3:
        raise IndexDataError("PCA weights need at least three unit-years with every indicator")
    sd = complete.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise IndexDataError(f"PCA weights: column {int(np.flatnonzero(sd == 0)[0])} is constant")
    values, vectors = np.linalg.eigh(np.corrcoef(complete, rowvar=False))
    return _normalise(vectors[:, -1] ** 2, "PCA")


@dataclass(frozen=True)
class AHPWeights:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float


def ahp_weights(matrix, names: tuple[str, ...] | None = None, max_cr: float | None = 0.1
                ) -> AHPWeights:
    r"""Priorities from a pairwise comparison matrix (Saaty 1977, 1980).

    The weights are the principal right eigenvector of the reciprocal matrix A
    (:math:`a_{ji} = 1/a_{ij}`), scaled to sum to one. Consistency:
    :math:`CI = (\lambda_{max} - n)/(n - 1)` and :math:`CR = CI / RI(n)` with Saaty's random index
    `RANDOM_INDEX`; Saaty's rule accepts CR ≤ 0.1 (`max_cr`; None skips the check).

    Raises `IndexSpecError` for a matrix that is not square, positive, with ones on the diagonal
    and reciprocal (within 1 %, so 1/3 written as 0.333 passes), or too inconsistent.
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0] if a.ndim == 2 else 0
    names = names or tuple(str(k + 1) for k in range(n))
    if a.ndim != 2 or a.shape != (n, n) or n == 0:
        raise IndexSpecError("AHP: the pairwise comparison matrix must be square")
    if np.any(~(a > 0)):
        raise IndexSpecError("AHP: every judgement must be a positive number")
    if not np.allclose(np.diag(a), 1.0):
        raise IndexSpecError("AHP: the diagonal must be 1 (each item equals itself)")
    product = a * a.T
    bad = np.argwhere(np.abs(product - 1) > 0.01)
    if len(bad):
        i, j = bad[0]
        raise IndexSpecError(f"AHP: the matrix is not reciprocal: {names[i]} vs {names[j]} is "
                             f"{a[i, j]:g} but {names[j]} vs {names[i]} is {a[j, i]:g} (should be "
                             f"{1 / a[i, j]:.4g})")
    if n > len(RANDOM_INDEX):
        raise IndexSpecError(f"AHP: Saaty's random index is tabulated up to n = "
                             f"{len(RANDOM_INDEX)}; compare at most that many items (group "
                             "indicators into pillars)")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lambda_max = float(values.real[k])
    weights = np.abs(vectors[:, k].real)
    weights /= weights.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n - 1] if n > 2 else 0.0
    if max_cr is not None and cr > max_cr:
        raise IndexSpecError(f"AHP: consistency ratio {cr:.3f} exceeds {max_cr:g} (Saaty's "
                             "limit): revise the judgements")
    return AHPWeights(weights, lambda_max, ci, cr)


def _normalise(raw: np.ndarray, method: str) -> np.ndarray:
    # rounding leaves ±1e-16 where the exact value is 0 (a constant column's entropy is 1)
    raw = np.where(raw > 1e-12, raw, 0.0)
    total = raw.sum()
    if not total > 0:
        raise IndexDataError(f"{method} weights: every indicator got weight 0 (no indicator "
                             "varies)")
    return raw / total


@dataclass(frozen=True)
class IndexWeights:
    """Weights of one index: within pillars, of pillars, and overall (their product)."""

    within: np.ndarray          # (p,) indicator weights, summing to one within each pillar
    pillars: np.ndarray         # (P,) pillar weights, summing to one
    overall: np.ndarray         # (p,) effective weight of each indicator in the index
    derivation: str


def with_weight_basis(spec, basis: str):
    """`spec` with its data-driven weights computed on `basis` (normalised | raw)."""
    import dataclasses

    if basis not in ("normalised", "raw"):
        raise IndexSpecError(f"weight basis must be normalised or raw, not {basis!r}")
    return dataclasses.replace(spec, weighting=dataclasses.replace(spec.weighting, basis=basis))


def index_weights(spec, method: str, basis: np.ndarray, kind: str = "normalised"
                  ) -> IndexWeights:
    """Indicator and pillar weights for `spec` with weighting `method`.

    `basis` is the matrix data-driven methods are computed on (the pipeline passes min-max
    normalised, direction-aligned indicators). In a hierarchical index data-driven weights are
    computed within each pillar from its own indicators; in a flat one over all indicators, and
    pillar weights are then the sums of their indicators' weights.
    """
    pillar_index, n_pillars = spec.pillar_index, len(spec.pillars)
    hierarchical = spec.aggregation.hierarchical
    groups = [pillar_index == k for k in range(n_pillars)] if hierarchical else \
        [np.ones(len(pillar_index), dtype=bool)]
    raw = np.zeros(len(pillar_index))
    detail = ""
    if method in ("manual", "ahp", "equal"):
        if method == "manual":
            raw = np.array([i.weight for i in spec.indicators], dtype=float)
        elif method == "ahp":
            ahp = spec.weighting.ahp
            found = ahp_weights(ahp.matrix, ahp.order, ahp.max_cr)
            position = {c: k for k, c in enumerate(ahp.order)}
            raw = found.weights[[position[c] for c in spec.codes]]
            detail = (f" (λmax {found.lambda_max:.3f}, CI {found.consistency_index:.3f}, "
                      f"CR {found.consistency_ratio:.3f})")
        else:
            raw = np.ones(len(pillar_index))
        within = np.zeros_like(raw)
        for cols in groups:
            within[cols] = _normalise(raw[cols], method) if raw[cols].sum() > 0 else 0.0
    else:
        function = {"entropy": entropy_weights, "critic": critic_weights, "pca": pca_weights}
        within = np.zeros(len(pillar_index))
        for cols in groups:
            within[cols] = 1.0 if cols.sum() == 1 else function[method](basis[:, cols])
    if hierarchical:
        pillars = pillar_weights(spec)
        overall = within * pillars[pillar_index]
    else:
        overall = within
        pillars = np.array([within[pillar_index == k].sum() for k in range(n_pillars)])
    scope = "within each pillar" if hierarchical else "over all indicators"
    text = {"equal": "equal weights", "manual": "manual weights from the spec",
            "ahp": "AHP principal eigenvector", "entropy": "Shannon entropy weights",
            "critic": "CRITIC weights (Diakoulaki et al. 1995)",
            "pca": "squared loadings of the first principal component"}[method]
    basis_note = "" if method in ("equal", "manual", "ahp") else (
        " on the indicators as recorded (raw basis) pooled over all scored unit-years"
        if kind == "raw" else
        " on min-max normalised indicators pooled over all scored unit-years")
    return IndexWeights(within, pillars, overall, f"{text}{detail}{basis_note}, {scope}")


def pillar_weights(spec) -> np.ndarray:
    """Pillar weights of a hierarchical index: equal, explicit, or AHP."""
    agg, pillars = spec.aggregation, spec.pillars
    if isinstance(agg.pillar_weights, tuple):
        given = dict(agg.pillar_weights)
        return _normalise(np.array([given[p] for p in pillars], dtype=float), "pillar")
    if agg.pillar_weights == "ahp":
        found = ahp_weights(agg.pillar_ahp.matrix, agg.pillar_ahp.order, agg.pillar_ahp.max_cr)
        position = {c: k for k, c in enumerate(agg.pillar_ahp.order)}
        return found.weights[[position[p] for p in pillars]]
    return equal_weights(len(pillars))
