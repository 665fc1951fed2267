"""lgamma, digamma, polygamma, mvlgamma, erfinv and i0 (and torch.special's i1): accuracy
against SciPy over wide ranges and against a 60-digit Decimal reference where SciPy itself
is inaccurate (near zeros and poles), special values, dtypes, gradients, errors, and PyTorch
as an oracle.

The accuracy figures in the modules' docstrings (ops/gamma.py, erf.py, bessel.py) are the
bounds asserted here.
"""

from __future__ import annotations

import math
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.ops.bessel import i1
from tinytorch.testing import gradcheck

special = pytest.importorskip("scipy.special")


def _rng(seed=1234):
    return np.random.default_rng(seed)


def _values(t):
    return np.asarray(t.tolist(), dtype=np.float64)


def _run(fn, x, device, dtype="float64"):
    return _values(fn(tt.tensor(np.asarray(x, dtype=dtype), device=device)))


def _relative(got, want, floor=1e-300):
    with np.errstate(all="ignore"):
        return np.abs(got - want) / np.maximum(np.abs(want), floor)


def _wide_range(n=3000):
    """Non-integer points over [-60, 60], [-3, 3], 1e-300..1e300 and -10..-1e-300."""
    rng = _rng()
    x = np.concatenate([rng.uniform(-60, 60, n), rng.uniform(-3, 3, n),
                        10.0 ** rng.uniform(-300, 300, n // 3),
                        -(10.0 ** rng.uniform(-300, 1, n // 3))])
    return x[x != np.round(x)]


def _left_of(x, limit=-0.5):
    """The points below `limit` at least 1e-3 from a pole: there SciPy reduces pi * x itself,
    which costs it about 1e-16 / (distance to the pole) of relative accuracy."""
    return (x < limit) & (np.abs(x - np.round(x)) > 1e-3)


# ---- a 60-digit reference (Decimal), independent of the code under test: plain recurrence
# up to x + 80, then Stirling's series or the Euler-Maclaurin tail with 25 Bernoulli numbers ----

getcontext().prec = 60


def _bernoulli(count):
    row, found = [], []
    for m in range(2 * count + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        if m >= 2 and m % 2 == 0:
            found.append(Decimal(row[0].numerator) / Decimal(row[0].denominator))
    return found


_B = _bernoulli(25)
_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494")


def _lgamma_hp(x, n=80):
    x = Decimal(x)
    y = x + n
    out = (y - Decimal("0.5")) * y.ln() - y + (2 * _PI).ln() / 2
    for k, b in enumerate(_B, start=1):
        out += b / (2 * k * (2 * k - 1)) / y ** (2 * k - 1)
    return float(out - sum(abs(x + k).ln() for k in range(n)))


def _digamma_hp(x, n=80):
    x = Decimal(x)
    y = x + n
    out = y.ln() - 1 / (2 * y)
    for k, b in enumerate(_B, start=1):
        out -= b / (2 * k) / y ** (2 * k)
    return float(out - sum(1 / (x + k) for k in range(n)))


def _polygamma_hp(order, x, n=100):
    x, s = Decimal(x), order + 1
    head = sum((x + k) ** -s for k in range(n))
    a = x + n
    tail, rising = a ** (1 - s) / (s - 1) + a ** -s / 2, Decimal(s)
    for j, b in enumerate(_B[:20], start=1):
        tail += b / math.factorial(2 * j) * rising * a ** (-s - 2 * j + 1)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
    return float((-1) ** (order + 1) * math.factorial(order) * (head + tail))


# ---- accuracy in float64 -------------------------------------------------------------------

def test_lgamma_matches_scipy_over_wide_ranges(device):
    x = _wide_range()
    got, want = _run(tt.lgamma, x, device), special.gammaln(x)
    # SciPy's own error near lgamma's zeros (1, 2, and between the negative poles) is
    # absolute, about 1e-16 times the size of its terms: hence the small absolute part
    right = x >= -0.5
    assert np.all(np.abs(got - want)[right] <= 5e-15 * np.abs(want[right]) + 1e-15)
    left = _left_of(x)
    assert np.all(np.abs(got - want)[left] <= 1e-13 * np.abs(want[left]) + 1e-13)


def test_digamma_matches_scipy_over_wide_ranges(device):
    x = _wide_range()
    got, want = _run(tt.digamma, x, device), special.psi(x)
    right = x >= -0.5
    assert np.max(_relative(got, want)[right]) < 2e-14
    left = _left_of(x)
    assert np.all(np.abs(got - want)[left] <= 1e-12 * np.abs(want[left]) + 1e-13)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 10])
def test_polygamma_matches_scipy_for_positive_x(device, n):
    x = _wide_range()
    x = x[(x > 0) & (x < 1e100)]
    got, want = _run(lambda t: tt.polygamma(n, t), x, device), special.polygamma(n, x)
    finite = np.isfinite(want) & (want != 0)
    assert np.max(_relative(got, want)[finite]) < 5e-15


def test_near_zeros_and_poles_against_60_digits():
    """Where SciPy's error is larger than tinytorch's: lgamma near its zeros 1 and 2, digamma
    near its root 1.4616..., polygamma at negative half-integers, next to poles."""
    points = {
        "lgamma": [1.0 + 1e-9, 2.0 - 1.2e-5, 0.9999, 2.0001, 1.5, 0.25, 7.9, 8.1, -0.4999],
        "digamma": [1.4616321449683623, 1.46163214496, 1.42, 1.51, -1.9999977486371434,
                    -0.5, -2.75, 1e-5, 7.999, 8.001],
        "polygamma2": [-13.500001819092866, -3.5000001, -0.25, 0.1, 30.5],
    }
    for x in points["lgamma"]:
        got = tt.lgamma(tt.tensor(x, dtype="float64")).item()
        assert abs(got - _lgamma_hp(x)) <= 4e-16 * abs(_lgamma_hp(x)) + 1e-300, x
    for x in points["digamma"]:
        got = tt.digamma(tt.tensor(x, dtype="float64")).item()
        assert abs(got - _digamma_hp(x)) <= 4e-15 * abs(_digamma_hp(x)), x
    for x in points["polygamma2"]:
        got = tt.polygamma(2, tt.tensor(x, dtype="float64")).item()
        assert abs(got - _polygamma_hp(2, x)) <= 4e-15 * abs(_polygamma_hp(2, x)), x
    # next to a zero of psi'' below 0 the reflection's two terms (about 0.5 each) cancel:
    # the error stays absolute, a few 1e-16, as the module notes say
    x = -0.4957166501683803
    got = tt.polygamma(2, tt.tensor(x, dtype="float64")).item()
    assert abs(got - _polygamma_hp(2, x)) <= 3e-16


def test_negative_arguments_against_60_digits():
    x = _rng().uniform(-30, -0.5, 60)
    t = tt.tensor(x, dtype="float64")
    # relative accuracy fades near the zeros between the poles (the reflection cancels)
    for fn, reference, bound in [(tt.lgamma, _lgamma_hp, 1e-14), (tt.digamma, _digamma_hp, 3e-14),
                                 (lambda v: tt.polygamma(1, v), lambda v: _polygamma_hp(1, v),
                                  2e-15),
                                 (lambda v: tt.polygamma(3, v), lambda v: _polygamma_hp(3, v),
                                  3e-15)]:
        got = _values(fn(t))
        want = np.array([reference(v) for v in x])
        assert np.max(_relative(got, want)) < bound


def test_erfinv_matches_scipy(device):
    rng = _rng()
    x = np.concatenate([rng.uniform(-1, 1, 4000), 1 - 10.0 ** rng.uniform(-16, 0, 1000),
                        10.0 ** rng.uniform(-300, 0, 1000), [1 - 2.0**-53, 2.0**-1074, 0.5]])
    got, want = _run(tt.erfinv, x, device), special.erfinv(x)
    # erf's own absolute error (1e-15) sets the limit where erf's slope is small (|y| ~ 2)
    assert np.max(_relative(got, want)) < 2e-14
    assert np.median(_relative(got, want)) < 3e-16


def test_erfinv_inverts_erf():
    y = np.linspace(-5.5, 5.5, 201)
    x = tt.erf(tt.tensor(y, dtype="float64"))
    back = _values(tt.erfinv(x))
    want = special.erfinv(_values(x))     # the erf value is rounded; compare with its inverse
    assert np.allclose(back, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("fn, reference", [(tt.i0, special.i0), (i1, special.i1)])
def test_i0_i1_match_scipy(device, fn, reference):
    rng = _rng()
    x = np.concatenate([rng.uniform(-700, 700, 3000), rng.uniform(-25, 25, 3000),
                        10.0 ** rng.uniform(-300, 2.85, 1000), [-709.0, 19.999, 20.0]])
    got, want = _run(fn, x, device), reference(x)
    assert np.max(_relative(got, want, floor=1e-308)) < 3e-15


def test_i0_stays_finite_until_its_value_overflows():
    """e^x overflows at 709.78, I0(x) only at 713.98: compare logarithms, with SciPy's
    exponentially scaled i0e(x) = e^-x I0(x) as the reference."""
    x = np.array([710.0, 712.5, 713.9])
    got = _values(tt.i0(tt.tensor(x, dtype="float64")))
    assert np.allclose(np.log(got), np.log(special.i0e(x)) + x, rtol=1e-15, atol=0)
    assert math.isinf(tt.i0(tt.tensor(714.0, dtype="float64")).item())


def test_mvlgamma_is_the_sum_of_lgammas():
    x = _rng().uniform(2.0, 50.0, 100)
    p = 4
    want = p * (p - 1) / 4 * math.log(math.pi) + sum(special.gammaln(x - j / 2) for j in range(p))
    got = _values(tt.mvlgamma(tt.tensor(x, dtype="float64"), p))
    assert np.allclose(got, want, rtol=1e-14, atol=0)
    assert np.allclose(_values(tt.tensor(x, dtype="float64").mvlgamma(1)), special.gammaln(x),
                       rtol=1e-15, atol=0)


# ---- float32 and integer inputs -------------------------------------------------------------

@pytest.mark.parametrize("name", ["lgamma", "digamma", "erfinv", "i0"])
def test_float32_results_are_the_rounded_float64_ones(device, name):
    low, high = (-0.999, 0.999) if name == "erfinv" else (-20.0, 80.0)
    x = _rng().uniform(low, high, 2000).astype(np.float32)
    x = x[x != np.round(x)]
    out = getattr(tt, name)(tt.tensor(x, device=device))
    assert out.dtype == "float32"
    reference = {"lgamma": special.gammaln, "digamma": special.psi, "erfinv": special.erfinv,
                 "i0": special.i0}[name]
    want = reference(x.astype(np.float64)).astype(np.float32).astype(np.float64)
    # one float32 rounding each (2^-24), plus SciPy's float64 error near lgamma's zeros
    assert np.all(np.abs(_values(out) - want) <= 1.2e-7 * np.abs(want) + 1e-12)


def test_integer_and_bool_inputs_give_the_default_float_dtype():
    assert tt.lgamma(tt.tensor([1, 2, 3])).dtype == "float32"
    assert tt.polygamma(1, tt.tensor([1, 2], dtype="int32")).dtype == "float32"
    assert tt.i0(tt.tensor([True, False])).dtype == "float32"
    tt.set_default_dtype("float64")
    assert tt.digamma(tt.tensor([1, 2])).dtype == "float64"
    assert tt.lgamma(tt.tensor([3])).item() == pytest.approx(math.log(2.0), rel=1e-15)


# ---- special values -------------------------------------------------------------------------

def _same(got, want):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    numbers = ~np.isnan(want)     # a nan's sign bit means nothing
    return np.array_equal(got, want, equal_nan=True) and np.array_equal(
        np.signbit(got[numbers]), np.signbit(want[numbers]))


def test_special_values_follow_pytorch(device):
    inf, nan = math.inf, math.nan
    x = tt.tensor([0.0, -0.0, -1.0, -2.0, inf, -inf, nan], dtype="float64", device=device)
    assert _same(_values(tt.lgamma(x)), [inf, inf, inf, inf, inf, inf, nan])
    assert _same(_values(tt.digamma(x)), [-inf, inf, nan, nan, inf, nan, nan])
    # at poles (-1)^(n+1) inf; the limit 0 at +inf (-0.0 for even n), nan at -inf
    assert _same(_values(tt.polygamma(1, x)), [inf, inf, inf, inf, 0.0, nan, nan])
    assert _same(_values(tt.polygamma(2, x)), [-inf, -inf, -inf, -inf, -0.0, nan, nan])
    e = tt.tensor([1.0, -1.0, 1.5, -0.0, 0.0, nan, inf], dtype="float64", device=device)
    assert _same(_values(tt.erfinv(e)), [inf, -inf, nan, -0.0, 0.0, nan, nan])
    # I0 and I1 at +-inf: the limits (PyTorch, NumPy and SciPy give nan)
    assert _same(_values(tt.i0(x))[[0, 1, 4, 5, 6]], [1.0, 1.0, inf, inf, nan])
    assert _same(_values(i1(x))[[0, 1, 4, 5, 6]], [0.0, -0.0, inf, -inf, nan])


def test_overflow_where_the_true_value_overflows():
    big = tt.tensor([1e306, 2e305], dtype="float64")
    assert math.isinf(tt.lgamma(big)[0].item())
    assert tt.lgamma(big)[1].item() == pytest.approx(special.gammaln(2e305), rel=1e-15)
    # float32: I0(89) = 1.9e37 is finite (PyTorch's float32 e^89 overflows to inf first);
    # I0(100) = 1.07e42 is beyond float32
    assert tt.i0(tt.tensor([89.0])).item() == pytest.approx(special.i0(89.0), rel=1e-7)
    assert math.isinf(tt.i0(tt.tensor([100.0])).item())


# ---- gradients ------------------------------------------------------------------------------

def _leaf(values, device="cpu"):
    return tt.tensor(values, dtype="float64", device=device, requires_grad=True)


def test_gradients_pass_gradcheck(device):
    x = _leaf([-2.5, -0.7, 0.3, 1.4616, 2.0, 7.5, 12.0], device)
    assert gradcheck(tt.lgamma, (x,))
    assert gradcheck(tt.digamma, (x,))
    assert gradcheck(lambda v: tt.polygamma(2, v), (x,))
    assert gradcheck(lambda v: tt.mvlgamma(v, 2), (_leaf([1.2, 3.0, 9.5], device),))
    assert gradcheck(tt.erfinv, (_leaf([-0.95, -0.3, 0.0, 0.5, 0.99], device),))
    # moderate |x| only: beyond, I0's size (1e9 at 25) swamps the finite differences; the
    # asymptotic branch's gradient is checked against SciPy's I1 below
    assert gradcheck(tt.i0, (_leaf([-9.0, -3.0, 0.0, 0.5, 8.0], device),))
    assert gradcheck(i1, (_leaf([-9.0, -3.0, 0.0, 0.5, 8.0], device),))


def test_gradients_are_the_next_functions():
    """lgamma' = digamma, digamma' = polygamma(1), polygamma(3)' = polygamma(4), against the
    60-digit reference (SciPy's polygamma loses digits below 0)."""
    x = np.array([-2.5, -0.7, 0.3, 1.5, 4.0, 30.0])
    for fn, order in [(tt.lgamma, 0), (tt.digamma, 1), (lambda v: tt.polygamma(3, v), 4)]:
        leaf = _leaf(x)
        fn(leaf).sum().backward()
        want = [_polygamma_hp(order, v) if order else _digamma_hp(v) for v in x]
        assert np.allclose(_values(leaf.grad), want, rtol=1e-14, atol=0)
    y = np.array([-0.9, 0.0, 0.4, 0.999])
    leaf = _leaf(y)
    tt.erfinv(leaf).sum().backward()
    want = math.sqrt(math.pi) / 2 * np.exp(special.erfinv(y) ** 2)
    assert np.allclose(_values(leaf.grad), want, rtol=1e-13, atol=0)
    x = np.array([-30.0, -0.7, 0.0, 1.5, 4.0, 25.0])
    leaf = _leaf(x)
    tt.i0(leaf).sum().backward()
    assert np.allclose(_values(leaf.grad), special.i1(x), rtol=1e-14, atol=0)
    leaf = _leaf(x)
    i1(leaf).sum().backward()   # I1' = I0 - I1 / x, and 1/2 at 0
    with np.errstate(all="ignore"):
        want = np.where(x == 0, 0.5, special.i0(x) - special.i1(x) / x)
    assert np.allclose(_values(leaf.grad), want, rtol=1e-14, atol=0)


# ---- errors ---------------------------------------------------------------------------------

def test_errors_name_the_argument():
    x = tt.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="n must be at least 0"):
        tt.polygamma(-1, x)
    with pytest.raises(TypeError, match="n must be an int"):
        tt.polygamma(1.5, x)
    with pytest.raises(ValueError, match="largest order"):
        tt.polygamma(101, x)
    with pytest.raises(RuntimeError, match=r"greater than \(p-1\)/2 = 1.0"):
        tt.mvlgamma(tt.tensor([0.5, 3.0]), 3)
    with pytest.raises(RuntimeError, match="p must be at least 1"):
        tt.mvlgamma(x, 0)
    for fn in (tt.lgamma, tt.digamma, tt.erfinv, tt.i0):
        with pytest.raises(TypeError, match="complex"):
            fn(tt.tensor([1 + 1j]))


# ---- PyTorch as the oracle ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_and_gradients_match_pytorch(dtype):
    """Same dtypes as PyTorch, and the same values and gradients. In float32 the reference is
    PyTorch's float64 result on the same (float32) inputs, rounded: tinytorch computes in
    float64 and rounds once, where PyTorch's float32 kernels lose a few digits more."""
    torch = pytest.importorskip("torch")
    rng = _rng()
    x = np.concatenate([rng.uniform(-8, 8, 400), rng.uniform(0.01, 40, 200)])
    x = x[np.abs(x - np.round(x)) > 1e-3].astype(dtype)
    e = rng.uniform(-0.99, 0.99, 300).astype(dtype)
    cases = [("lgamma", x, tt.lgamma, torch.lgamma), ("digamma", x, tt.digamma, torch.digamma),
             ("polygamma", x, lambda v: tt.polygamma(2, v), lambda v: torch.polygamma(2, v)),
             ("erfinv", e, tt.erfinv, torch.erfinv), ("i0", x, tt.i0, torch.i0),
             ("mvlgamma", np.abs(x) + 1.6, lambda v: tt.mvlgamma(v, 3),
              lambda v: torch.mvlgamma(v, 3))]
    rtol = 3e-7 if dtype == "float32" else 1e-10
    # PyTorch's float64 trigamma (digamma's gradient) is good to about 5e-10 relative only
    grad_rtol = 3e-7 if dtype == "float32" else 2e-9
    for name, values, ours, theirs in cases:
        mine = tt.tensor(values, requires_grad=True)
        ref = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        out, want = ours(mine), theirs(ref)
        assert out.dtype == str(theirs(torch.tensor(values)).dtype).removeprefix("torch."), name
        assert np.allclose(_values(out), want.detach().numpy(), rtol=rtol, atol=rtol), name
        out.sum().backward()
        want.sum().backward()
        assert np.allclose(_values(mine.grad), ref.grad.numpy(), rtol=grad_rtol,
                           atol=grad_rtol), name
