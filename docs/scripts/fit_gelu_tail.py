"""Fit the coefficients of float32 GELU's normal tail (tinytorch/ops/erf.py: _TAIL_FIT).

The upper tail of the standard normal, Q(a) = Phi(-a) for a >= 0, is written as

    Q(a) = exp(-a^2 / 2) * t * S(t),    t = 1 / (1 + a / 4),

with S a polynomial of degree 6. Dividing out the Gaussian leaves a smooth, slowly
decaying function (about 1 / (a sqrt(2 pi)) far out), and the substitution t maps
a in [0, inf) onto t in (0, 1], so no clipping is needed for huge or infinite a.

The fit minimises the largest weighted error |S_fit - S| * t * exp(-a^2/2) * max(a, 1)
over a in [0, 9]: that is the error the fit adds to GELU(x) = x Phi(x) and to its
derivative Phi(x) + x phi(x) (absolute errors, as float32 GELU is judged). Weighted
least squares, reweighted by Lawson's rule (weights times the error, renormalised), moves
the least-squares fit towards the minimax one. Reference values come from math.erfc.

Run: python docs/scripts/fit_gelu_tail.py  (prints S's coefficients, then the tuple to
paste into erf.py, which evaluates in u = 1/(4 + a) = t/4, and the largest weighted error,
about 3e-9: far below float32's rounding.)
"""

import math

import numpy as np

DEGREE, SCALE, REACH = 6, 0.25, 9.0


def fit():
    a = np.unique(np.concatenate([np.linspace(0.0, REACH, 40001),
                                  REACH * (1 - np.cos(np.linspace(0, np.pi / 2, 40001)))]))
    tail = np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in a])
    t = 1.0 / (1.0 + SCALE * a)
    target = tail * np.exp(a * a / 2)               # t * S(t)
    weight = tail * np.maximum(a, 1.0) / target     # turns an error in t*S into GELU's error
    basis = t[:, None] * np.vander(t, DEGREE + 1, increasing=True)
    lawson = np.full(a.shape, 1.0 / a.size)
    for _ in range(400):
        row = np.sqrt(lawson) * weight
        coefficients = np.linalg.lstsq(basis * row[:, None], target * row, rcond=None)[0]
        error = weight * (basis @ coefficients - target)
        lawson = np.maximum(lawson * np.abs(error) / np.sum(lawson * np.abs(error)), 1e-14)
    return tuple(float(c) for c in coefficients), float(np.max(np.abs(error)))


if __name__ == "__main__":
    coefficients, largest = fit()
    print("S, lowest power first:", coefficients)
    # erf.py evaluates in u = 1 / (4 + a) = t / 4, which saves an array pass: t * S(t) is then
    # sum_k c_k 4^(k+1) u^(k+1)
    print("_TAIL_FIT =", tuple(c * (1 / SCALE) ** (k + 1) for k, c in enumerate(coefficients)))
    print(f"largest weighted error {largest:.2e}")
