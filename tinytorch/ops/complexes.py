"""Complex numbers from real parts and back: complex, polar, view_as_real, view_as_complex;
and float_power, the power computed in double precision.

What it does: `complex(real, imag)` is one Function (`Complex`); the others
are compositions of it with real, imag, cos, sin, stack and indexing, so
their gradients follow from those. Gradients use PyTorch's convention for
complex numbers (the conjugate Wirtinger derivative, docs/autograd.md): the
gradient reaching `complex(a, b)` is g = dL/dRe + i dL/dIm, so `a` receives
Re(g) and `b` receives Im(g).

Assumes: view_as_real and view_as_complex return copies, not views (tinytorch
tensors own their arrays, docs/design.md): writing into the result does not
change the input. A zero part keeps its sign except an imaginary -0.0, which
becomes +0.0 (the array API has no constructor from parts; the result is
real + imag * 1j computed exactly, with an infinite or nan imaginary part
placed without the nan that inf * 0 would give in the real part).
Production does instead: PyTorch's view_as_real/view_as_complex reinterpret
the same storage (complex numbers are pairs of floats in memory), so they
cost nothing and share writes.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .convert import cast
from .elementwise import mul, pow
from .index import getitem
from .manipulation import broadcast_shapes
from .math import imag, real
from .plumbing import check_broadcast, check_same_device
from .shape import broadcast_to, stack
from .unary import cos, sin

__all__ = ["complex", "polar", "view_as_real", "view_as_complex", "float_power"]

_complex_type = complex  # the builtin, before `complex` below shadows it in this module
_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


class Complex(Function):
    """real + i imag, elementwise (both parts of one float dtype and one shape)."""

    def forward(self, a, b, complex_dtype):
        xp = self.xp
        full = lambda value: xp.full(b.shape, value, dtype=complex_dtype,  # noqa: E731
                                     device=b.device)
        finite = xp.isfinite(b)
        unit = xp.asarray(1j, dtype=complex_dtype, device=b.device)
        tame = xp.where(finite, b, xp.zeros_like(b))
        out = xp.astype(a, complex_dtype) + xp.astype(tame, complex_dtype) * unit
        # an infinite or nan imaginary part, added on its own: (inf + 0j) * 1j has a nan real
        wild = xp.where(xp.isnan(b), full(_complex_type(0.0, float("nan"))),
                        xp.where(b > 0, full(_complex_type(0.0, float("inf"))),
                                 full(_complex_type(0.0, -float("inf")))))
        return xp.where(finite, out, out + wild)

    def backward(self, grad):
        xp = self.xp
        return xp.real(grad), xp.imag(grad), None


def _parts(name, first, second, labels):
    for label, value in zip(labels, (first, second)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): {label} must be a Tensor, got {type(value).__name__}")
    check_same_device(name, first.device, second.device)
    if first.dtype != second.dtype:
        raise RuntimeError(f"{name}(): {labels[0]} and {labels[1]} must have the same dtype, "
                           f"got {first.dtype} and {second.dtype}; convert one, e.g. "
                           f"b.to(a.dtype)")
    if first.dtype not in _COMPLEX_OF:
        raise TypeError(f"{name}(): expected float32 or float64 tensors, got {first.dtype} (a "
                        f"complex result needs a float pair: float32 -> complex64, float64 -> "
                        f"complex128; NumPy has no complex32 for float16)")
    check_broadcast(first.shape, second.shape)
    shape = broadcast_shapes(first.shape, second.shape)
    return broadcast_to(first, shape), broadcast_to(second, shape)


def complex(real, imag):  # noqa: A001 - PyTorch's name
    """The complex tensor real + i imag (float32 -> complex64, float64 -> complex128)."""
    a, b = _parts("complex", real, imag, ("real", "imag"))
    return Complex.apply(a, b, a.device._backend.dtype(_COMPLEX_OF[a.dtype]))


def polar(abs, angle):  # noqa: A002 - PyTorch's names
    """The complex tensor abs * (cos(angle) + i sin(angle))."""
    r, theta = _parts("polar", abs, angle, ("abs", "angle"))
    return complex(mul(r, cos(theta)), mul(r, sin(theta)))


def view_as_real(input):  # noqa: A002
    """A complex tensor as a real one with a last dimension of 2 (real, imaginary); a copy
    here, not a view of the same memory."""
    if not _dt.is_complex(input.dtype):
        raise RuntimeError(f"view_as_real is only supported for complex tensors, got "
                           f"{input.dtype}")
    return stack([real(input), imag(input)], -1)


def view_as_complex(input):  # noqa: A002
    """A real tensor whose last dimension is 2 (real, imaginary) as a complex one; a copy here,
    not a view of the same memory."""
    if input.ndim == 0:
        raise RuntimeError("view_as_complex: input tensor must have one or more dimensions")
    if input.dtype not in _COMPLEX_OF:
        raise RuntimeError(f"view_as_complex is only supported for float32 and float64 "
                           f"tensors, got {input.dtype}")
    if input.shape[-1] != 2:
        raise RuntimeError(f"view_as_complex: the last dimension must have size 2 (real, "
                           f"imaginary), got shape {list(input.shape)}")
    return complex(getitem(input, (Ellipsis, 0)), getitem(input, (Ellipsis, 1)))


def float_power(input, exponent):  # noqa: A002
    """input ** exponent in double precision: float64, or complex128 if either is complex."""
    operands = [v for v in (input, exponent) if isinstance(v, Tensor)]
    for value in (input, exponent):
        if not isinstance(value, (Tensor, int, float, _complex_type)):
            raise TypeError(f"float_power(): expected tensors or numbers, got "
                            f"{type(value).__name__}")
    if len(operands) == 2:
        check_same_device("float_power", input.device, exponent.device)
    wide = "complex128" if any(_dt.is_complex(v.dtype) for v in operands) or any(
        isinstance(v, _complex_type) for v in (input, exponent)) else "float64"
    base, power = (cast(v, wide) if isinstance(v, Tensor) else v for v in (input, exponent))
    return pow(base, power)

