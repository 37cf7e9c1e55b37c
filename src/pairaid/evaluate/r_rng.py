"""R's default random numbers (Mersenne-Twister, Inversion), re-implemented so that draws R code
makes can be made here: the data of fixest's IV example (``set.seed(2); rnorm(150, sd = 0.5)``)
and HonestDiD's least-favourable critical value (``set.seed(0); mvtnorm::rmvnorm(1000, sigma)``,
`rmvnorm` below), whose simulated quantile decides grid points at the edge of the interval.

Follows R's src/main/RNG.c (Randomize: 50 LCG scrambles of the seed, then 625 LCG draws fill
the Mersenne-Twister state with mti = 624) and snorm.c (INVERSION with BIG = 2^27, qnorm).
Checked against R's own printout of set.seed(2); rnorm(5) in tests/test_iv.py.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_N, _M = 624, 397
_MASK = 0xFFFFFFFF


class RRandom:
    def __init__(self, seed: int) -> None:
        s = seed & _MASK
        for _ in range(50):
            s = (69069 * s + 1) & _MASK
        state = []
        for _ in range(_N + 1):
            s = (69069 * s + 1) & _MASK
            state.append(s)
        self.mt = state[1:]
        self.mti = _N  # R's FixupSeeds sets dummy[0] = 624 after set.seed

    def _genrand(self) -> float:
        mt = self.mt
        if self.mti >= _N:
            for k in range(_N):
                y = (mt[k] & 0x80000000) | (mt[(k + 1) % _N] & 0x7FFFFFFF)
                mt[k] = mt[(k + _M) % _N] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.mti = 0
        y = mt[self.mti]
        self.mti += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y * 2.3283064365386963e-10

    def unif(self) -> float:
        value = self._genrand()
        if value <= 0.0:
            return 0.5 * 2.328306437080797e-10
        if 1.0 - value <= 0.0:
            return 1.0 - 0.5 * 2.328306437080797e-10
        return value

    def rnorm(self, n: int, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
        big = 134217728
        out = np.empty(n)
        for i in range(n):
            u = self.unif()
            out[i] = (int(big * u) + self.unif()) / big
        # qnorm of all at once: special.ndtri is what norm.ppf evaluates, without its
        # per-call overhead (8,000 scalar calls were 1.5 s of an `event-study --honest`)
        return mean + sd * special.ndtri(out)


def rmvnorm(n: int, sigma: np.ndarray, seed: int) -> np.ndarray:
    """``set.seed(seed); mvtnorm::rmvnorm(n, sigma = sigma)`` (method "eigen"): an n × p matrix
    of R's normals filled by row, times the symmetric square root of sigma (unique, so LAPACK's
    eigenvector signs do not matter)."""
    sigma = np.asarray(sigma, dtype=float)
    values, vectors = np.linalg.eigh(sigma)
    root = (vectors * np.sqrt(np.maximum(values, 0.0))) @ vectors.T
    return standard_normals(seed, n, sigma.shape[0]) @ root


_NORMALS: dict[tuple[int, int, int], np.ndarray] = {}


def standard_normals(seed: int, n: int, p: int) -> np.ndarray:
    """``set.seed(seed); matrix(rnorm(n * p), nrow = n, byrow = TRUE)``, cached (HonestDiD
    re-seeds before each critical value, so the same draws recur)."""
    key = (seed, n, p)
    if key not in _NORMALS:
        _NORMALS[key] = RRandom(seed).rnorm(n * p).reshape(n, p)
    return _NORMALS[key]
