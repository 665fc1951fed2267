"""tinytorch.special: PyTorch's torch.special namespace, for the functions whose maths tinytorch
has.

What it does: most names are tinytorch's top-level ops under torch.special's spelling, and are
the same function objects (`special.expit is tinytorch.sigmoid`, `special.gammaln is
tinytorch.lgamma`, `special.erf is tinytorch.erf`), so they give exactly the top-level
results and gradients. A few are defined here, each a line or two over existing ops, so their
gradients come from those ops: `xlog1py` (x * log1p(y), 0 where x is 0, like xlogy), `entr`
(-x log x), `ndtr` (the standard normal CDF), `ndtri` (its inverse, from
distributions/normal.py) and `spherical_bessel_j0` (sin x / x).

Assumes: `ndtr` is erfc(-x / sqrt 2) / 2, which keeps its digits in the lower tail (1 - erf
would round to 0 there) and is as accurate as tinytorch's erfc. `entr` is constant at x <= 0
(0 at 0, -inf below), so its gradient there is 0 where PyTorch gives inf at 0 and nan below.
The other Bessel functions (i0e, i1e, bessel_*, modified_bessel_k*), the *_polynomial_*
families, zeta, gammainc, gammaincc, airy_ai, and the functions that need an asymptotic
expansion in a tail (log_ndtr, erfcx) are left out: asking for one raises an AttributeError
that says so.
Production does instead: PyTorch has a fused kernel per function (with its derivative in
derivatives.yaml) and implements the whole family, with series and asymptotic expansions
chosen per range of the argument.
"""

from __future__ import annotations

import math

from .creation import full
from .distributions.normal import standard_normal_icdf
from .errors import tensor_arguments
from .ops import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    i0,
    log1p,
    log_softmax,
    logit,
    logsumexp,
    polygamma,
    round,
    sinc,
    softmax,
    xlogy,
)
from .ops import digamma as psi
from .ops import lgamma as gammaln
from .ops import mvlgamma as multigammaln
from .ops import sigmoid as expit
from .ops.bessel import i1
from .ops.elementwise import div, mul, neg
from .ops.logic import bitwise_and, bitwise_or, eq, isinf, isnan, le, logical_not, lt
from .ops.plumbing import float_pair, real_only, to_float
from .ops.select import where
from .ops.unary import log
from .tensor import Tensor

__all__ = ["erf", "erfc", "erfinv", "expit", "logit", "xlogy", "xlog1py", "expm1", "exp2",
           "log1p", "sinc", "round", "softmax", "log_softmax", "logsumexp", "entr", "ndtr",
           "ndtri", "spherical_bessel_j0", "gammaln", "digamma", "psi", "polygamma",
           "multigammaln", "i0", "i1"]

_SQRT_HALF = math.sqrt(0.5)

# torch.special names tinytorch does not have, and what is missing for each (see the docstring)
_MISSING = {
    **dict.fromkeys(("gammainc", "gammaincc", "zeta"), "incomplete gamma and zeta series"),
    **dict.fromkeys(("i0e", "i1e", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
                     "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
                     "modified_bessel_k1", "scaled_modified_bessel_k0",
                     "scaled_modified_bessel_k1", "airy_ai"), "more Bessel-function series"),
    **dict.fromkeys(("log_ndtr", "erfcx"), "an asymptotic expansion for the tail, where the "
                    "direct formula underflows or overflows"),
}


def __getattr__(name):
    # module-level __getattr__ runs only for names the module lacks: say why this one is missing
    if name in _MISSING or "_polynomial_" in name:
        need = _MISSING.get(name, "orthogonal polynomial recurrences")
        raise AttributeError(f"tinytorch.special has no {name}: it needs {need}, which "
                             f"tinytorch does not implement. Compute it with torch or scipy on "
                             f"x.numpy() and wrap the result with tinytorch.tensor(...).")
    raise AttributeError(f"module 'tinytorch.special' has no attribute {name!r}")


def xlog1py(input, other):  # noqa: A002
    """input * log1p(other), and 0 where input is 0 (unless other is nan)."""
    x, y = float_pair(input, other)
    real_only("xlog1py", x, y)
    ref = x if isinstance(x, Tensor) else y
    x, y = (v if isinstance(v, Tensor) else full((), v, dtype=ref.dtype, device=ref.device)
            for v in (x, y))
    # where x is 0, log1p(y) is replaced by log1p(0) = 0 where it is not finite (y <= -1 or
    # inf), so that 0 * -inf makes no nan; elsewhere x's gradient stays log1p(y), as PyTorch's
    bad = bitwise_and(bitwise_and(eq(x, 0), logical_not(isnan(y))),
                      bitwise_or(le(y, -1), isinf(y)))
    return mul(x, log1p(where(bad, 0.0, y)))


def entr(input):  # noqa: A002
    """-x * log(x) for x > 0, 0 at 0 and -inf for x < 0 (nan stays nan)."""
    real_only("entr", input)
    x = to_float(input)
    # 1 stands in where x <= 0 (a nan stays), so that no nan or inf reaches the gradient
    safe = where(le(x, 0), 1.0, x)
    inner = neg(mul(safe, log(safe)))
    return where(eq(x, 0), 0.0, where(lt(x, 0), -math.inf, inner))


def ndtr(input):  # noqa: A002
    """The standard normal CDF, erfc(-x / sqrt 2) / 2."""
    real_only("ndtr", input)
    return mul(erfc(mul(to_float(input), -_SQRT_HALF)), 0.5)


def ndtri(input):  # noqa: A002
    """The standard normal quantile: z with ndtr(z) = input (accurate in both tails)."""
    real_only("ndtri", input)
    return standard_normal_icdf(to_float(input))


def spherical_bessel_j0(input):  # noqa: A002
    """sin(x) / x, and 1 at 0: sinc(x / pi)."""
    real_only("spherical_bessel_j0", input)
    return sinc(div(to_float(input), math.pi))


# the functions defined here, and the two taken from modules that do not check their arguments
tensor_arguments(globals(), ["xlog1py", "entr", "ndtr", "ndtri", "spherical_bessel_j0", "i1"],
                 Tensor)
