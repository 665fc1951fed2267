"""Elementwise ops: arithmetic, math functions, comparisons, logic, where, clamp and casts.

Each differentiable op is a Function whose backward sits under its forward.
Front-end functions (`add`, `exp`, ...) apply tinytorch's dtype rules first
(see dtypes.py), so the backend only ever sees operands of one dtype (or a
Python scalar of a compatible kind), and every backend gives the same
result dtype.

Assumes: gradients of non-smooth points follow PyTorch: relu'(0) = 0,
|x|'(0) = 0, floor/round/sign have zero gradient, clamp passes the gradient
where min <= x <= max, and maximum/minimum split it evenly on ties.
Production does instead: PyTorch fuses dtype promotion into its
TensorIterator kernels (computing in the wider type without materialising
casts) and generates these backward formulas from derivatives.yaml.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor

__all__ = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "pow", "neg", "negative", "abs", "exp", "log", "log1p", "sqrt", "sin", "cos",
    "tanh", "sigmoid", "relu", "sign", "floor", "round", "maximum", "minimum", "clamp", "clip",
    "where", "eq", "ne", "lt", "le", "gt", "ge", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "logical_and", "logical_or", "logical_not", "logical_xor", "cast", "to_device", "isnan",
    "isinf", "isfinite", "square", "reciprocal", "rsqrt", "clone",
]

_SCALARS = (int, float, bool)


# ---- dtype plumbing ------------------------------------------------------------------------

def _check_operand(x):
    if not isinstance(x, (Tensor, *_SCALARS)):
        raise TypeError(f"unsupported operand type {type(x).__name__}; expected a Tensor or a "
                        f"Python scalar. Wrap data with tinytorch.tensor(...) first.")


def _check_broadcast(a_shape, b_shape):
    """Raise a RuntimeError naming both shapes unless they broadcast together."""
    for i in range(1, min(len(a_shape), len(b_shape)) + 1):
        m, n = a_shape[-i], b_shape[-i]
        if m != n and m != 1 and n != 1:
            raise RuntimeError(
                f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                f"non-singleton dimension {max(len(a_shape), len(b_shape)) - i}: shapes "
                f"{tuple(a_shape)} and {tuple(b_shape)} do not broadcast. Make each axis equal "
                f"or 1, e.g. with unsqueeze() or reshape().")


def _promote(a, b, broadcast=True):
    """Return (a, b) converted to their common dtype, with Python scalars left as scalars.

    Two tensors must also broadcast together (matmul, which does not, passes broadcast=False).
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if broadcast and a._data.shape != b._data.shape:
                _check_broadcast(a._data.shape, b._data.shape)
            if a.dtype is b.dtype:
                return a, b
            common = _dt.promote_types(a.dtype, b.dtype)
            return (a if a.dtype == common else cast(a, common),
                    b if b.dtype == common else cast(b, common))
        _check_operand(b)
        common = _dt.promote_with_scalar(a.dtype, b)
        return (a if a.dtype == common else cast(a, common)), _scalar_for(b, common)
    _check_operand(a)
    _check_operand(b)
    common = _dt.promote_with_scalar(b.dtype, a)
    return _scalar_for(a, common), (b if b.dtype == common else cast(b, common))


def _scalar_for(value, dtype):
    """A Python scalar of the kind the array API allows next to an array of `dtype`."""
    if dtype == "bool":
        return bool(value)
    if _dt.is_integral(dtype):  # wrapped into range, as PyTorch casts it: 300 is 44 in uint8
        bits = _dt._BITS[dtype]
        value = int(value) % (1 << bits)
        return value - (1 << bits) if dtype in _dt.SIGNED and value >> (bits - 1) else value
    return float(value)


def _to_float(x):
    """Integer and bool inputs of float-only math become the default float dtype (as PyTorch)."""
    return x if _dt.is_floating_point(x.dtype) else cast(x, _dt.get_default_dtype())


def _float_pair(a, b):
    a, b = _promote(a, b)
    dtype = a.dtype if isinstance(a, Tensor) else b.dtype
    if _dt.is_floating_point(dtype):
        return a, b
    target = _dt.get_default_dtype()
    return (cast(a, target) if isinstance(a, Tensor) else float(a),
            cast(b, target) if isinstance(b, Tensor) else float(b))


def _bool_pair(a, b):
    """Whether promoted operands (a tensor and a tensor or scalar) are both bool."""
    return (a if isinstance(a, Tensor) else b).dtype == "bool"


def _no_bool(name, *operands):
    for x in operands:
        if isinstance(x, Tensor) and x.dtype == "bool":
            raise TypeError(f"{name} is not supported for bool tensors. Cast first, e.g. "
                            f"x.to('int64') or x.float().")


# ---- arithmetic ----------------------------------------------------------------------------

class Add(Function):
    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        return grad, -grad


class Mul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, grad):
        a, b = self.saved
        return grad * b, grad * a


class Div(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, grad):
        a, b = self.saved
        return grad / b, -grad * a / (b * b)


class Pow(Function):
    def forward(self, a, b):
        out = a ** b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        a, b, out = self.saved
        grad_a = grad * b * a ** (b - 1) if self.needs_grad(0) else None
        grad_b = None
        if self.needs_grad(1):
            log_a = self.xp.log(a) if not isinstance(a, _SCALARS) else math.log(a)
            grad_b = grad * out * log_a
        return grad_a, grad_b


class Neg(Function):
    def forward(self, a):
        return -a

    def backward(self, grad):
        return -grad


class Abs(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.xp.abs(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * self.xp.sign(a)


def add(input, other, *, alpha=1):  # noqa: A002 - PyTorch's parameter name
    if alpha != 1:
        other = mul(other, alpha)
    a, b = _promote(input, other)
    if _bool_pair(a, b):
        return bitwise_or(a, b)  # bool + bool is logical or, as in PyTorch (and on every backend)
    return Add.apply(a, b)


def sub(input, other, *, alpha=1):  # noqa: A002
    if alpha != 1:
        other = mul(other, alpha)
    a, b = _promote(input, other)
    _no_bool("Subtraction, the `-` operator,", a, b)
    return Sub.apply(a, b)


def mul(input, other):  # noqa: A002
    a, b = _promote(input, other)
    if _bool_pair(a, b):
        return bitwise_and(a, b)  # bool * bool is logical and, as in PyTorch
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None):  # noqa: A002
    """True division; integer inputs give the default float dtype, as in PyTorch."""
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode is not None:
        raise ValueError(f"div expected rounding_mode to be None or 'floor', got "
                         f"{rounding_mode!r}")
    a, b = _float_pair(input, other)
    return Div.apply(a, b)


def floor_divide(input, other):  # noqa: A002
    """Floor division; its gradient is zero almost everywhere, so it records none."""
    a, b = _promote(input, other)
    _no_bool("floor_divide", a, b)
    return _nondifferentiable(lambda x, y: x // y, a, b)


def remainder(input, other):  # noqa: A002
    """Python-style modulo (the result has the sign of the divisor); d/da = 1."""
    a, b = _promote(input, other)
    _no_bool("remainder", a, b)
    return Remainder.apply(a, b)


class Remainder(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a % b

    def backward(self, grad):
        a, b = self.saved
        grad_b = -grad * self.xp.floor(a / b) if self.needs_grad(1) else None
        return grad, grad_b


def pow(input, exponent):  # noqa: A001,A002 - mirrors torch.pow
    a, b = _promote(input, exponent)
    _no_bool("pow", a, b)
    if isinstance(b, int) and b < 0 and _dt.is_integral(a.dtype):
        raise ValueError(f"Integers to negative integer powers are not allowed ({a.dtype} tensor "
                         f"** {b}). Use a float base, e.g. x.float() ** {b}.")
    return Pow.apply(a, b)


def neg(input):  # noqa: A002
    if input.dtype == "bool":
        raise TypeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                        "are trying to invert a mask, use the `~` or `logical_not()` operator "
                        "instead.")
    return Neg.apply(input)


def abs(input):  # noqa: A001,A002
    if input.dtype == "bool":
        return input
    return Abs.apply(input)


subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg


# ---- math functions ------------------------------------------------------------------------

class Exp(Function):
    def forward(self, a):
        out = self.xp.exp(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * out


class Log(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.xp.log(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad / a


class Log1p(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.xp.log1p(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad / (1 + a)


class Sqrt(Function):
    def forward(self, a):
        out = self.xp.sqrt(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad / (2 * out)


class Sin(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.xp.sin(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * self.xp.cos(a)


class Cos(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.xp.cos(a)

    def backward(self, grad):
        (a,) = self.saved
        return -grad * self.xp.sin(a)


class Tanh(Function):
    def forward(self, a):
        out = self.xp.tanh(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * (1 - out * out)


class Sigmoid(Function):
    def forward(self, a):
        # exp of a negative argument only, so large |a| never overflows
        xp = self.xp
        e = xp.exp(-xp.abs(a))
        out = xp.where(a >= 0, 1 / (1 + e), e / (1 + e))
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * out * (1 - out)


class Relu(Function):
    def forward(self, a):
        self.save_for_backward(a)
        # maximum, not where: NumPy's where branches per element and is ~6x slower on random
        # signs; a 0-d zero of a's own dtype keeps integer dtypes and propagates nan as PyTorch
        return self.xp.maximum(a, self.xp.zeros((), dtype=a.dtype, device=a.device))

    def backward(self, grad):
        (a,) = self.saved
        return grad * self.xp.astype(a > 0, grad.dtype)


class ZeroGrad(Function):
    """Piecewise-constant functions (floor, round, sign): the gradient is zero."""

    def forward(self, a, op):
        return op(a)

    def backward(self, grad):
        return self.xp.zeros_like(grad), None


def exp(input): return Exp.apply(_to_float(input))  # noqa: A002,E704
def log(input): return Log.apply(_to_float(input))  # noqa: A002,E704
def log1p(input): return Log1p.apply(_to_float(input))  # noqa: A002,E704
def sqrt(input): return Sqrt.apply(_to_float(input))  # noqa: A002,E704
def sin(input): return Sin.apply(_to_float(input))  # noqa: A002,E704
def cos(input): return Cos.apply(_to_float(input))  # noqa: A002,E704
def tanh(input): return Tanh.apply(_to_float(input))  # noqa: A002,E704
def sigmoid(input): return Sigmoid.apply(_to_float(input))  # noqa: A002,E704
def square(input): return mul(input, input)  # noqa: A002,E704
def reciprocal(input): return div(1, input)  # noqa: A002,E704
def rsqrt(input): return div(1, sqrt(input))  # noqa: A002,E704


def relu(input):  # noqa: A002
    _no_bool("relu", input)
    return Relu.apply(input)


def sign(input):  # noqa: A002
    _no_bool("sign", input)
    return ZeroGrad.apply(input, input.device.xp.sign)


def floor(input):  # noqa: A002
    if not _dt.is_floating_point(input.dtype):
        return input
    return ZeroGrad.apply(input, input.device.xp.floor)


def round(input, decimals=0):  # noqa: A001,A002
    """Round half to even, as PyTorch and NumPy do."""
    if not _dt.is_floating_point(input.dtype):
        return input
    if decimals:
        scale = 10.0 ** decimals
        return div(round(mul(input, scale)), scale)
    return ZeroGrad.apply(input, input.device.xp.round)


# ---- maximum, minimum, clamp, where --------------------------------------------------------

class Maximum(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.maximum(a, b)

    def backward(self, grad):
        a, b = self.saved
        xp = self.xp
        # 1 where a wins, 1/2 on ties, 0 where b wins (no bool * float: the array API forbids it)
        share = xp.astype(a > b, grad.dtype) + xp.astype(a == b, grad.dtype) / 2
        return grad * share, grad * (1 - share)


def maximum(input, other):  # noqa: A002
    a, b = _promote(input, other)
    _no_bool("maximum", a, b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        return clamp(a, min=b) if isinstance(a, Tensor) else clamp(b, min=a)
    return Maximum.apply(a, b)


def minimum(input, other):  # noqa: A002
    a, b = _promote(input, other)
    _no_bool("minimum", a, b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        return clamp(a, max=b) if isinstance(a, Tensor) else clamp(b, max=a)
    return neg(Maximum.apply(neg(a), neg(b)))


class Clamp(Function):
    def forward(self, a, low, high):
        self.save_for_backward(a)
        self.low, self.high = low, high
        return self.xp.clip(a, low, high)

    def backward(self, grad):
        (a,) = self.saved
        xp = self.xp
        if self.low is not None:
            grad = xp.where(a >= self.low, grad, 0.0)
        if self.high is not None:
            grad = xp.where(a <= self.high, grad, 0.0)
        return grad, None, None


def clamp(input, min=None, max=None):  # noqa: A001,A002
    """Limit values to [min, max]; bounds may be Python scalars or tensors."""
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max, e.g. x.clamp(min=0)")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input if min is None else maximum(input, min)
        return out if max is None else minimum(out, max)
    dtype = _dt.result_type(input, *(v for v in (min, max) if v is not None))
    x = input if input.dtype == dtype else cast(input, dtype)
    _no_bool("clamp", x)  # a bool tensor with an int or float bound is clamped in that dtype
    low = None if min is None else _scalar_for(min, dtype)
    high = None if max is None else _scalar_for(max, dtype)
    return Clamp.apply(x, low, high)


def clip(x, /, min=None, max=None):  # noqa: A001,A002 - the array API standard's name
    return clamp(x, min, max)


class Where(Function):
    def forward(self, condition, a, b):
        self.save_for_backward(condition)
        return self.xp.where(condition, a, b)

    def backward(self, grad):
        (condition,) = self.saved
        return None, self.xp.where(condition, grad, 0.0), self.xp.where(condition, 0.0, grad)


def where(condition, input, other):  # noqa: A002
    """Elements of `input` where `condition` holds, else of `other` (both may be scalars)."""
    if not isinstance(condition, Tensor) or condition.dtype != "bool":
        got = condition.dtype if isinstance(condition, Tensor) else type(condition).__name__
        raise TypeError(f"where expected condition to be a bool tensor, got {got}. Build it with "
                        f"a comparison, e.g. where(x > 0, x, 0).")
    a, b = _promote(input, other)
    for x in (a, b):
        if isinstance(x, Tensor):
            _check_broadcast(condition.shape, x.shape)
    ref = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    if ref is None:
        dtype = _dt.result_type(a, b)
        a = _full_like_shape(condition, a, dtype)
        ref = a
    if not isinstance(a, Tensor):
        a = _full_like_shape(ref, a, ref.dtype, shape=())
    if not isinstance(b, Tensor):
        b = _full_like_shape(ref, b, ref.dtype, shape=())
    return Where.apply(condition, a, b)


def _full_like_shape(ref, value, dtype, shape=None):
    xp = ref.device.xp
    shape = ref.shape if shape is None else shape
    array = xp.full(shape, value, dtype=ref.device._backend.dtype(dtype), device=ref.device.native)
    return Tensor._wrap(array, ref.device)


# ---- comparisons and logic (no gradients) --------------------------------------------------

def _nondifferentiable(op, a, b=None):
    """Apply `op` to arrays of tensors (and scalars) that share a device; record no graph."""
    device = a.device if isinstance(a, Tensor) else b.device
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.device is not b.device:
        from ..autograd import _raise_device_mismatch
        _raise_device_mismatch(type("comparison", (), {}), a.device, b.device)
    arrays = [x._data if isinstance(x, Tensor) else x for x in (a, b)]
    return Tensor._wrap(op(*arrays) if b is not None else op(arrays[0]), device)


def _comparison(op):
    def compare(input, other):  # noqa: A002
        a, b = _promote(input, other)
        if _bool_pair(a, b):  # the array API orders numbers only; False < True as uint8
            a, b = (cast(x, "uint8") if isinstance(x, Tensor) else int(x) for x in (a, b))
        return _nondifferentiable(op, a, b)
    return compare


eq = equal = _comparison(lambda a, b: a == b)
ne = not_equal = _comparison(lambda a, b: a != b)
lt = less = _comparison(lambda a, b: a < b)
le = less_equal = _comparison(lambda a, b: a <= b)
gt = greater = _comparison(lambda a, b: a > b)
ge = greater_equal = _comparison(lambda a, b: a >= b)


def _bitwise(name, op):
    def bitwise(input, other):  # noqa: A002
        a, b = _promote(input, other)
        dtype = a.dtype if isinstance(a, Tensor) else b.dtype
        if _dt.is_floating_point(dtype):
            raise TypeError(f"{name} is only supported for integer and bool tensors, got "
                            f"{dtype}. Compare first (x > 0) to get a bool mask.")
        return _nondifferentiable(op, a, b)
    bitwise.__name__ = name
    return bitwise


bitwise_and = _bitwise("bitwise_and", lambda a, b: a & b)
bitwise_or = _bitwise("bitwise_or", lambda a, b: a | b)
bitwise_xor = _bitwise("bitwise_xor", lambda a, b: a ^ b)


def bitwise_not(input):  # noqa: A002
    if _dt.is_floating_point(input.dtype):
        raise TypeError(f"bitwise_not (~) is only supported for integer and bool tensors, got "
                        f"{input.dtype}.")
    return _nondifferentiable(lambda a: ~a, input)


def _as_bool(x):
    return x if not isinstance(x, Tensor) or x.dtype == "bool" else ne(x, 0)


def logical_and(input, other): return bitwise_and(_as_bool(input), _as_bool(other))  # noqa: A002,E704,E501
def logical_or(input, other): return bitwise_or(_as_bool(input), _as_bool(other))  # noqa: A002,E704,E501
def logical_xor(input, other): return bitwise_xor(_as_bool(input), _as_bool(other))  # noqa: A002,E704,E501
def logical_not(input): return bitwise_not(_as_bool(input))  # noqa: A002,E704


def _numeric(x):
    """Bool as uint8 for the array API's numeric-only functions (isnan & co. on strict)."""
    return cast(x, "uint8") if x.dtype == "bool" else x


def isnan(input): return _nondifferentiable(input.device.xp.isnan, _numeric(input))  # noqa: A002,E704,E501
def isinf(input): return _nondifferentiable(input.device.xp.isinf, _numeric(input))  # noqa: A002,E704,E501
def isfinite(input): return _nondifferentiable(input.device.xp.isfinite, _numeric(input))  # noqa: A002,E704,E501


class Clone(Function):
    def forward(self, a):
        return self.xp.asarray(a, copy=True)

    def backward(self, grad):
        return grad


def clone(input):  # noqa: A002
    """A copy with its own buffer; gradients flow through unchanged."""
    return Clone.apply(input)


# ---- casts and device moves ----------------------------------------------------------------

class Cast(Function):
    def forward(self, a, native_dtype):
        return self.xp.astype(a, native_dtype)

    def backward(self, grad):
        return grad, None  # the engine casts gradients back to each input's dtype


def cast(input, dtype):  # noqa: A002
    """`input` converted to `dtype` (differentiable between float dtypes)."""
    dtype = _dt.canonical_dtype(dtype)
    if input.dtype == dtype:
        return input
    if input.requires_grad and not _dt.is_floating_point(dtype):
        return cast(input.detach(), dtype)
    return Cast.apply(input, input.device._backend.dtype(dtype))


class ToDevice(Function):
    def forward(self, a, source, target):
        self.source, self.target = source, target
        self.out_device = target
        return _move(a, source, target)

    def backward(self, grad):
        return _move(grad, self.target, self.source), None, None


def _move(array, source, target):
    if source.type == target.type:
        return target.xp.asarray(array, device=target.native, copy=True)
    host = source._backend.to_host(array)
    return target._backend.from_host(host, target.native)


def to_device(input, device):  # noqa: A002
    """A copy of `input` on `device`; gradients flow back to the source device."""
    from ..device import device as as_device
    target = as_device(device)
    if target is input.device:
        return input
    target.xp  # noqa: B018 - fail early, with the backend's own message, if unavailable
    return ToDevice.apply(input, input.device, target)
