"""Reductions: sum, mean, var, std, prod, max, min, argmax, argmin, all, any, logsumexp.

Every reduction takes PyTorch's `dim`/`keepdim` or the array API's
`axis`/`keepdims` (an int, a tuple, or None for all axes).

Dtypes (PyTorch's rules): sum and prod of bool or integer tensors give
int64, except that the functions `sum` and `prod` keep unsigned integers
unsigned (uint64), as the array API says, where the methods `x.sum()` and
`x.prod()` give PyTorch's int64 (docs/array-api.md); mean, var, std and
logsumexp need a floating input; max and min keep the dtype; argmax and
argmin give int64; all and any give bool.

Gradients: `max`/`min` over all elements (and `amax`/`amin`) split the
gradient evenly between tied maxima, as PyTorch does; `max(dim=...)`
returns (values, indices) and sends the gradient to the returned index.

Assumes: sum and prod run in the input's dtype; mean, var and std of
float16 accumulate in float32 and round once at the end, as PyTorch does
(a float16 sum of 70,000 ones would overflow). Production does instead:
PyTorch accumulates every reduced-precision reduction in float32 and uses
tree reductions (and Welford's algorithm for var/std) for accuracy.
"""

from __future__ import annotations

import math
from collections import namedtuple

from .. import dtypes as _dt
from ..autograd import Function
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast
from .elementwise import div
from .index import gather
from .plumbing import nondifferentiable, normalize_axes, normalize_dim, real_only
from .select import maximum, minimum
from .shape import squeeze

__all__ = ["sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin", "argmax",
           "argmin", "all", "any", "logsumexp", "softmax", "log_softmax"]

values_indices = namedtuple("values_indices", ["values", "indices"])


def _keep(keepdim, keepdims):
    return bool(keepdims) if keepdims is not None else bool(keepdim)


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    def forward(self, a, axes, keepdims):
        self.shape, self.axes = a.shape, axes
        # axis=None when reducing everything: NumPy's fast path, 2.5x quicker on small arrays
        # dtype=: NumPy would widen int32 to int64; the front end already chose the dtype
        return self.xp.sum(a, axis=None if len(axes) == a.ndim else axes, keepdims=keepdims,
                           dtype=a.dtype)

    def backward(self, grad):
        if grad.ndim:  # a 0-d gradient (everything was summed) broadcasts as it is
            grad = self.xp.reshape(grad, _kept_shape(self.shape, self.axes))
        # zeros + grad broadcasts like broadcast_to, but costs a third as much for small tensors
        return self.xp.zeros(self.shape, dtype=grad.dtype, device=grad.device) + grad, None, None


def integer_accumulator(x, standard: bool) -> str:
    """The dtype a sum, product or scan of a bool or integer tensor `x` gives without dtype=.

    PyTorch's rule (standard=False: the methods x.sum(), x.prod(), cumsum, cumprod) is int64
    for every one. The array API's (the functions sum, prod, cumulative_sum, cumulative_prod)
    keeps unsigned integers unsigned: uint64, where the device has it (torch devices have
    not, so int64 there, as the official suite allows), and uint64 stays uint64.
    """
    if standard and x.dtype in _dt.UNSIGNED and "uint64" in x.device._backend.dtypes:
        return "uint64"
    return "int64"


def _reduce_input(name, input, dtype, standard):  # noqa: A002
    _check_tensor(name, input)
    if dtype is not None:
        return cast(input, dtype)
    if not _dt.is_inexact(input.dtype):
        return cast(input, integer_accumulator(input, standard))
    return input


def sum(input, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):  # noqa: A001,A002,E501
    """The sum over `dim` (`axis`), or over all elements. Integers sum in int64, unsigned ones
    in uint64 as the array API says (the method x.sum() keeps PyTorch's int64 for all)."""
    input = _reduce_input("sum", input, dtype, standard=True)  # noqa: A001
    return Sum.apply(input, normalize_axes(input.ndim, dim, axis), _keep(keepdim, keepdims))


def method_sum(input, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):  # noqa: A002,E501
    """Tensor.sum: PyTorch's, whose integer sums are int64 (uint8 images included)."""
    input = _reduce_input("sum", input, dtype, standard=False)  # noqa: A001
    return Sum.apply(input, normalize_axes(input.ndim, dim, axis), _keep(keepdim, keepdims))


def _check_tensor(name, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, got {type(x).__name__}. "
                        f"Wrap data with tinytorch.tensor(...) first.")


_ACCUMULATE = {"float16": "float32"}  # reduced precision accumulates in float32


def _accumulating(x):
    return cast(x, _ACCUMULATE[x.dtype]) if x.dtype in _ACCUMULATE else x


def _float_only(name, x, complex_ok=False):
    _check_tensor(name, x)
    if not (_dt.is_inexact(x.dtype) if complex_ok else _dt.is_floating_point(x.dtype)):
        raise TypeError(f"{name}(): could not infer output dtype. Input dtype must be a floating "
                        f"point dtype, got {x.dtype}. Convert first, e.g. x.float().{name}().")


def mean(input, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):  # noqa: A002
    if dtype is not None:
        input = cast(input, dtype)
    _float_only("mean", input, complex_ok=True)
    axes = normalize_axes(input.ndim, dim, axis)
    count = math.prod(input.shape[a] for a in axes)
    total = Sum.apply(_accumulating(input), axes, _keep(keepdim, keepdims))
    return cast(div(total, count), input.dtype)


class Var(Function):
    """The variance, or with root=True the standard deviation (one node, so that its gradient
    at a constant input is 0, as PyTorch's, rather than 0 * inf from sqrt's)."""

    def forward(self, a, axes, correction, keepdims, root):
        xp = self.xp
        count = math.prod(a.shape[i] for i in axes)
        # the sum over an empty axis is 0, and 0 / 0 gives nan below, as PyTorch's var does
        mean = xp.sum(a, axis=axes, keepdims=True) / count if count else xp.sum(
            a, axis=axes, keepdims=True)
        centred = a - mean
        # PyTorch clamps the divisor at 0: too large a correction gives inf, not a negative var
        self.denominator = float(count - correction) if count > correction else 0.0
        self.axes, self.keepdims, self.root = axes, keepdims, root
        squares = xp.sum(centred * centred, axis=axes, keepdims=keepdims)
        # a zero divisor: inf for spread-out values, nan for 0 / 0 (and for an empty input)
        out = squares / self.denominator if self.denominator else squares * xp.inf
        if root:
            out = xp.sqrt(out)
        self.save_for_backward(centred, out)
        return out

    def backward(self, grad):
        xp = self.xp
        centred, out = self.saved
        if not self.keepdims:
            grad = xp.reshape(grad, _kept_shape(centred.shape, self.axes))
            out = xp.reshape(out, _kept_shape(centred.shape, self.axes))
        if self.denominator == 0:
            return grad * centred * xp.nan, None, None, None, None
        if not self.root:
            return grad * centred * (2 / self.denominator), None, None, None, None
        # d std = d var / (2 std), and 0 where std is 0 (a constant input), as in PyTorch
        safe = xp.where(out == 0, xp.ones_like(out), out)
        grad = xp.where(out == 0, xp.zeros_like(grad), grad / safe)
        return grad * centred / self.denominator, None, None, None, None


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,  # noqa: A002
        keepdims=None):
    """Variance. The default correction follows the spelling of the call: PyTorch's (dim=,
    keepdim=, or no axis at all) divides by n - 1; the array API's (axis=, keepdims=) by n,
    as the standard says. Pass `correction=` to say which you mean.
    """
    return _var_or_std("var", input, dim, unbiased, keepdim, correction, axis, keepdims, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,  # noqa: A002
        keepdims=None):
    """Standard deviation; the default correction follows the call's spelling, as var's does."""
    return _var_or_std("std", input, dim, unbiased, keepdim, correction, axis, keepdims, True)


def _var_or_std(name, input, dim, unbiased, keepdim, correction, axis, keepdims, root):  # noqa: A002
    _float_only(name, input)
    if isinstance(dim, bool):  # var(x, True): PyTorch's old positional `unbiased`
        dim, unbiased = None, dim
    if correction is None and unbiased is None:
        # the array API's spelling (axis=, keepdims=) means its default, 0; PyTorch's means 1
        correction = 0 if axis is not None or keepdims is not None else 1
    elif correction is None:
        correction = 1 if unbiased else 0
    elif unbiased is not None:
        raise TypeError(f"{name}(): pass either unbiased or correction, not both")
    if isinstance(correction, bool) or not isinstance(correction, (int, float)):
        raise TypeError(f"{name}(): correction must be a number, got {correction!r}")
    out = Var.apply(_accumulating(input), normalize_axes(input.ndim, dim, axis), correction,
                    _keep(keepdim, keepdims), root)
    return cast(out, input.dtype)


class Prod(Function):
    def forward(self, a, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims
        self.save_for_backward(a)
        return self.xp.prod(a, axis=axes, keepdims=keepdims, dtype=a.dtype)

    def backward(self, grad):
        # d/dx_i prod(x) = product of the other elements, computed without dividing by zero.
        xp = self.xp
        (a,) = self.saved
        if not self.keepdims:
            grad = xp.reshape(grad, _kept_shape(a.shape, self.axes))
        is_zero = a == 0
        nonzero = xp.where(is_zero, xp.ones_like(a), a)
        prod_nonzero = xp.prod(nonzero, axis=self.axes, keepdims=True)
        zeros = xp.sum(xp.astype(is_zero, a.dtype), axis=self.axes, keepdims=True)
        others = xp.where(zeros == 0, prod_nonzero / nonzero,
                          xp.where((zeros == 1) & is_zero, prod_nonzero, xp.zeros_like(a)))
        return grad * others, None, None


def prod(input, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):  # noqa: A002
    """The product over `dim` (`axis`), or of all elements; integer dtypes as `sum`."""
    input = _reduce_input("prod", input, dtype, standard=True)  # noqa: A001
    return Prod.apply(input, normalize_axes(input.ndim, dim, axis), _keep(keepdim, keepdims))


def method_prod(input, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):  # noqa: A002,E501
    """Tensor.prod: PyTorch's, whose integer products are int64."""
    input = _reduce_input("prod", input, dtype, standard=False)  # noqa: A001
    return Prod.apply(input, normalize_axes(input.ndim, dim, axis), _keep(keepdim, keepdims))


class Extreme(Function):
    """amax / amin: the gradient is shared evenly by the elements equal to the result."""

    def forward(self, a, axes, keepdims, largest):
        xp = self.xp
        out = (xp.max if largest else xp.min)(a, axis=axes, keepdims=True)
        self.save_for_backward(a, out)
        self.axes, self.keepdims = axes, keepdims
        return out if keepdims else xp.reshape(out, _reduced_shape(a.shape, axes))

    def backward(self, grad):
        xp = self.xp
        a, out = self.saved
        winners = xp.astype(a == out, grad.dtype)
        grad = xp.reshape(grad, out.shape)
        return grad * winners / xp.sum(winners, axis=self.axes, keepdims=True), None, None, None


def _reduced_shape(shape, axes):
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _check_nonempty(name, x, axes):
    if 0 in [x.shape[a] for a in axes]:
        raise TensorIndexError(f"{name}(): Expected reduction dim to have non-zero size, got shape "
                               f"{x.shape}. Reduce over a non-empty dimension.")


def _extreme(name, is_max):
    def extreme(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A002
        real_only(name, input)
        axes = normalize_axes(input.ndim, dim, axis)
        _check_nonempty(name, input, axes)
        if input.dtype == "bool":  # the array API has no max/min of bools: they are any/all
            return (any if is_max else all)(input, axes, _keep(keepdim, keepdims))
        return Extreme.apply(input, axes, _keep(keepdim, keepdims), is_max)
    extreme.__name__ = name
    return extreme


amax = _extreme("amax", True)
amin = _extreme("amin", False)


def _max_or_min(input, dim, keepdim, axis, keepdims, largest):  # noqa: A002
    if isinstance(dim, Tensor):  # torch.max(a, b): PyTorch's elementwise form (maximum)
        return (maximum if largest else minimum)(input, dim)
    if dim is None or not isinstance(dim, int):
        return (amax if largest else amin)(input, dim, keepdim, axis=axis, keepdims=keepdims)
    indices = (argmax if largest else argmin)(input, dim, keepdim=True)
    values = gather(input, dim, indices)
    if not _keep(keepdim, keepdims):
        values, indices = squeeze(values, dim=dim), squeeze(indices, dim=dim)
    return values_indices(values, indices)


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001,A002
    """Largest value(s). With an int `dim`, returns (values, indices) as in PyTorch; with a
    tensor in place of `dim`, the elementwise maximum of the two (torch.max(a, b))."""
    return _max_or_min(input, dim, keepdim, axis, keepdims, True)


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001,A002
    """Smallest value(s). With an int `dim`, returns (values, indices) as in PyTorch; with a
    tensor in place of `dim`, the elementwise minimum of the two (torch.min(a, b))."""
    return _max_or_min(input, dim, keepdim, axis, keepdims, False)


def _arg(name, reducer):
    def arg(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A002
        chosen = dim if dim is not None else axis
        if isinstance(chosen, (tuple, list)):
            raise TypeError(f"{name}() takes one dim (an int) or None, got {chosen!r}. To search "
                            f"several axes, flatten them first, e.g. x.flatten(0, 1).{name}(0).")
        real_only(name, input)
        keep = _keep(keepdim, keepdims)
        axes = normalize_axes(input.ndim, chosen, None)
        _check_nonempty(name, input, axes)
        if input.dtype == "bool":
            input = cast(input, "uint8")
        xp = input.device.xp
        if chosen is None:
            flat = xp.reshape(input._data, (-1,))
            out = reducer(xp)(flat, axis=0)
            if keep:
                out = xp.reshape(out, (1,) * input.ndim)
        else:
            out = reducer(xp)(input._data, axis=axes[0] if axes else None, keepdims=keep)
        return Tensor._wrap(xp.astype(out, input.device._backend.dtype("int64")), input.device)
    arg.__name__ = name
    return arg


argmax = _arg("argmax", lambda xp: xp.argmax)
argmin = _arg("argmin", lambda xp: xp.argmin)


def _logical(name, reducer):
    def logical(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A002
        axes = normalize_axes(input.ndim, dim, axis)
        xp = input.device.xp
        return nondifferentiable(
            lambda a: reducer(xp)(a if input.dtype == "bool" else a != 0, axis=axes,
                                  keepdims=_keep(keepdim, keepdims)), input)
    logical.__name__ = name
    return logical


all = _logical("all", lambda xp: xp.all)  # noqa: A001
any = _logical("any", lambda xp: xp.any)  # noqa: A001


class LogSumExp(Function):
    def forward(self, a, axes, keepdims):
        xp = self.xp
        shift = xp.max(a, axis=axes, keepdims=True) if 0 not in a.shape else xp.zeros_like(
            xp.sum(a, axis=axes, keepdims=True))
        shift = xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))  # all -inf rows
        out = xp.log(xp.sum(xp.exp(a - shift), axis=axes, keepdims=True)) + shift
        self.save_for_backward(a, out)
        self.axes = axes
        return out if keepdims else xp.reshape(out, _reduced_shape(a.shape, axes))

    def backward(self, grad):
        a, out = self.saved
        return self.xp.reshape(grad, out.shape) * self.xp.exp(a - out), None, None


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A002
    """log(sum(exp(x))) computed with the max subtracted first, so it never overflows."""
    _float_only("logsumexp", input)
    return LogSumExp.apply(input, normalize_axes(input.ndim, dim, axis), _keep(keepdim, keepdims))


# ---- reductions along one short axis: the hot path of softmax, layer norm, cross-entropy ----
# NumPy reduces along the last axis by calling its inner loop once per row, which dominates for
# rows of 64 or 128 elements: a matmul with a ones column sums every row in one BLAS call (5x
# faster on attention's (16, 4, 64, 64) scores), and argmax followed by a gather finds the row
# maxima faster than max (0.2 ms against 0.3 inside a training step; a loop timing it alone
# shows 0.06 against 0.27, its branches trained on the same data). Summing the leading axes (a
# bias's gradient) by a matmul is 3x faster too. All are array-API calls, so every backend
# takes the same path.

def _along_rows(xp, a, axis):
    """Whether `axis` of `a` is its last and BLAS can take it (float32 or float64), and `a`
    is big enough to gain (below about 8K elements NumPy's reduction is as fast)."""
    return math.prod(a.shape) >= 8192 and axis == a.ndim - 1 and a.dtype in (xp.float32, xp.float64)


def sum_along(xp, a, axis):
    """sum(a, axis=axis, keepdims=True) of a floating array; a matmul along the last axis."""
    if not _along_rows(xp, a, axis):
        return xp.sum(a, axis=axis, keepdims=True)
    return a @ xp.ones((a.shape[-1], 1), dtype=a.dtype, device=a.device)


def sum_leading(xp, a, axes):
    """sum(a, axis=axes) of a floating array; when `axes` are its leading axes (a broadcast
    bias's gradient: Linear's, layer norm's), a ones vector times `a` seen as a matrix."""
    count = len(axes)
    if math.prod(a.shape) < 32768 or not 0 < count < a.ndim or axes != tuple(range(count)) or \
            a.dtype not in (xp.float32, xp.float64):  # (smaller: the reduction is as fast)
        return xp.sum(a, axis=axes)
    rows = xp.reshape(a, (math.prod(a.shape[:count]), math.prod(a.shape[count:])))
    ones = xp.ones(rows.shape[0], dtype=a.dtype, device=a.device)
    return xp.reshape(ones @ rows, a.shape[count:])


def mean_along(xp, a, axis):
    """mean(a, axis=axis, keepdims=True) of a floating array, as sum_along divided by the count
    (float16 goes to xp.mean, which accumulates in float32)."""
    if not _along_rows(xp, a, axis) or a.shape[-1] == 0:  # (an empty row: mean's nan)
        return xp.mean(a, axis=axis, keepdims=True)
    total = sum_along(xp, a, axis)
    total /= a.shape[-1]
    return total


def max_along(xp, a, axis):
    """max(a, axis=axis, keepdims=True); the element at argmax along the last axis (a row's
    nan, if it has one, as max gives)."""
    if math.prod(a.shape) < 8192 or axis != a.ndim - 1 or a.shape[-1] == 0:  # (smaller: as fast; an
        return xp.max(a, axis=axis, keepdims=True)               # empty row: max's error)
    return xp.take_along_axis(a, xp.argmax(a, axis=-1, keepdims=True), axis=-1)


# ---- softmax and log-softmax: fused, the one home of their gradients ------------------------

def log_softmax_array(xp, x, axis):
    """log_softmax on a backend array: the maximum subtracted first, so no exp overflows (and
    x - log(sum) does not cancel: unlike softmax's, the shift here is needed for precision).
    Also used inside cross-entropy's fused node (nn/ops/loss.py)."""
    shifted = x - max_along(xp, x, axis)
    shifted -= xp.log(sum_along(xp, xp.exp(shifted), axis))
    return shifted


def _softmax_exp(xp, x, axis):
    """(e, its sums along `axis`) with e = exp(x - shift) for softmax: shift the maxima along
    `axis`, or 0 where that is as good.

    Subtracting each row's maximum keeps exp from overflowing, but finding those maxima is the
    slowest step of a NumPy softmax (0.2 of 0.5 ms on attention's scores inside a training
    step). One reduction over the whole array tells whether exp(x) can overflow at all (no
    element above log(largest float / row length)); when it cannot, and no row's sum is so
    small that its terms lost precision to underflow, the shift would change nothing but
    rounding (exp of the unshifted x is, if anything, rounded less), and is skipped.
    Otherwise (a nan included) the rows are shifted as usual.
    """
    n = x.shape[axis] if axis is not None else 0
    if n and 0 not in x.shape:
        info = xp.finfo(x.dtype)
        if float(xp.max(x)) <= math.log(float(info.max) / n):  # False for nan
            e = xp.exp(x)
            total = sum_along(xp, e, axis)
            if not bool(xp.any(total < n * float(info.smallest_normal) / float(info.eps))):
                return e, total
    e = xp.exp(x - max_along(xp, x, axis))
    return e, sum_along(xp, e, axis)


class Softmax(Function):
    """Fused; equals exp(x - logsumexp(x, dim, keepdim=True)). Backward from the saved output:
    y * (g - sum(g * y)). Fused because attention's softmax is on the hot path (benchmarks)."""

    def forward(self, x, axis):
        out, total = _softmax_exp(self.xp, x, axis)
        out /= total  # in place: out is this op's own fresh array
        self.axis = axis
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        grad_x = grad - sum_along(self.xp, grad * out, self.axis)
        grad_x *= out
        return grad_x, None


class LogSoftmax(Function):
    """Fused; equals x - logsumexp(x, dim, keepdim=True). Backward: g - exp(y) * sum(g)."""

    def forward(self, x, axis):
        out = log_softmax_array(self.xp, x, axis)
        self.axis = axis
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        xp = self.xp
        return grad - xp.exp(out) * sum_along(xp, grad, self.axis), None


def _softmax_axis(name, input, dim, dtype):  # noqa: A002
    if dim is None:
        raise TypeError(f"{name}() needs dim, the axis to normalise over (e.g. dim=-1 for the "
                        f"last axis); PyTorch's implicit choice is deprecated and not copied.")
    if dtype is not None:
        input = cast(input, _dt.canonical_dtype(dtype))
    _float_only(name, input)
    return input, (normalize_dim(dim, input.ndim) if input.ndim else None)


def softmax(input, dim=None, dtype=None):  # noqa: A002
    """exp(x) / sum(exp(x)) along `dim`, stable for any magnitude (see Softmax)."""
    input, axis = _softmax_axis("softmax", input, dim, dtype)
    return Softmax.apply(input, axis)


def log_softmax(input, dim=None, dtype=None):  # noqa: A002
    """x - logsumexp(x) along `dim`: log-probabilities, stable for any magnitude of x."""
    input, axis = _softmax_axis("log_softmax", input, dim, dtype)
    return LogSoftmax.apply(input, axis)
