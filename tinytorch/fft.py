"""tinytorch.fft: the array API's FFT extension, run by each backend's own `fft` (pocketfft
through NumPy on cpu, cuFFT through CuPy), with gradients.

Every transform is linear, so its gradient is the adjoint transform: for
y = F x with the "backward" norm, x's gradient is n * ifft(g) (PyTorch's
convention for complex inputs: the conjugate-Wirtinger gradient). One
Function covers the family by naming the adjoint: fft <-> ifft, fftn <->
ifftn, with the norm swapped so the scale comes out right. The real
transforms (rfft, irfft, hfft, ihfft) compute forward only here; backward
through them raises, saying so.

Assumes: inputs are floating or complex (integers become the default
float dtype); `n`/`s` crop or zero-pad as in the standard.
Production does instead: PyTorch plans transforms with cuFFT/MKL caches and
implements every backward, real-to-complex ones included.
"""

from __future__ import annotations

from .autograd import Function
from .ops.plumbing import normalize_dim, to_float
from .tensor import Tensor

__all__ = ["fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
           "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_ADJOINT = {"fft": "ifft", "ifft": "fft", "fftn": "ifftn", "ifftn": "fftn"}
_SWAP_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}
_LARGEST = 2**48  # a transform length past any memory (and past what NumPy's C code takes)


class Transform(Function):
    """A complex-to-complex FFT; backward is the adjoint transform (no crop or pad)."""

    def forward(self, a, name, kwargs):
        self.op, self.kwargs = name, kwargs
        return getattr(self.xp.fft, name)(a, **kwargs)

    def backward(self, grad):
        # The adjoint of the DFT with norm N is the inverse DFT with the other norm.
        kwargs = dict(self.kwargs, norm=_SWAP_NORM[self.kwargs.get("norm") or "backward"])
        return getattr(self.xp.fft, _ADJOINT[self.op])(grad, **kwargs), None, None


class RealTransform(Function):
    def forward(self, a, name, kwargs):
        self.op = name
        return getattr(self.xp.fft, name)(a, **kwargs)

    def backward(self, grad):
        raise RuntimeError(f"the gradient of fft.{self.op} is not implemented in tinytorch. Use "
                           f"fft.fft on x.to(complex dtype) (differentiable), or compute on "
                           f"x.detach().")


def _complex(x):
    from .dtypes import promote_types
    x = to_float(x)
    return x if x.dtype.startswith("complex") else x.to(promote_types(x.dtype, "complex64"))


def _fit(x, axis, n):
    """x cropped or zero-padded to length n along axis, as the standard's `n`/`s` say."""
    from .creation import zeros
    from .ops.index import getitem
    from .ops.shape import cat
    axis %= x.ndim
    size = x.shape[axis]
    if n < size:
        return getitem(x, (slice(None),) * axis + (slice(0, n),))
    if n > size:
        pad = zeros(x.shape[:axis] + (n - size,) + x.shape[axis + 1:], dtype=x.dtype,
                    device=x.device)
        return cat([x, pad], dim=axis)
    return x


def _checked(name, x, n, axis, norm):
    """(n, axis, norm) checked for a one-axis transform: axis normalised, norm None -> backward.
    The arguments come positionally in PyTorch's order (n, dim, norm) or by keyword in the
    array API's (n=, axis=, norm=); both spellings land here."""
    if x.ndim == 0:
        raise RuntimeError(f"fft.{name}() needs a tensor with at least one dimension, got a 0-d "
                           f"tensor; reshape it, e.g. x.reshape(1)")
    axis = normalize_dim(axis, x.ndim, "dim")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 0 < n < _LARGEST):
        raise RuntimeError(f"fft.{name}(): n must be a positive int below 2**48, got {n!r}")
    return n, axis, _norm(name, norm)


def _checked_axes(name, x, s, axes, norm):
    if x.ndim == 0:
        raise RuntimeError(f"fft.{name}() needs a tensor with at least one dimension, got a 0-d "
                           f"tensor")
    if s is not None:
        if not isinstance(s, (int, tuple, list)):
            raise TypeError(f"fft.{name}(): s must be an int or a sequence of ints, got {s!r}")
        s = (s,) if isinstance(s, int) else tuple(s)
        for n in s:
            if isinstance(n, bool) or not isinstance(n, int) or not 0 < n < _LARGEST:
                raise RuntimeError(f"fft.{name}(): every size in s must be a positive int below "
                                   f"2**48, got {s!r}")
    if axes is None:
        axes = tuple(range(-len(s), 0)) if s is not None else tuple(range(x.ndim))
    if not isinstance(axes, (int, tuple, list, range)):
        raise TypeError(f"fft.{name}(): dim must be an int or a sequence of ints, got {axes!r}")
    axes = tuple(normalize_dim(a, x.ndim, "dim") for a in ((axes,) if isinstance(axes, int)
                                                           else axes))
    if s is not None and len(s) != len(axes):
        raise RuntimeError(f"fft.{name}(): s has {len(s)} sizes but there are {len(axes)} dims")
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"fft.{name}(): dims {axes} repeat an axis")
    return s, axes, _norm(name, norm)


def _norm(name, norm):
    if norm is None:
        return "backward"
    if norm not in _SWAP_NORM:
        raise ValueError(f"fft.{name}(): norm must be 'backward', 'forward', 'ortho' or None, "
                         f"got {norm!r}")
    return norm


def _c2c(name, one_axis):
    if one_axis:
        def transform(x, n=None, axis=-1, norm=None, *, dim=None):
            x = _complex(x)
            n, axis, norm = _checked(name, x, n, axis if dim is None else dim, norm)
            if n is not None:
                x = _fit(x, axis, n)
            return Transform.apply(x, name, {"axis": axis, "norm": norm})
    else:
        def transform(x, s=None, axes=None, norm=None, *, dim=None):
            x = _complex(x)
            s, axes, norm = _checked_axes(name, x, s, axes if dim is None else dim, norm)
            if s is not None:
                for axis, n in zip(axes, s):
                    x = _fit(x, axis, n)
            return Transform.apply(x, name, {"axes": axes, "norm": norm})
    transform.__name__ = name
    return transform


fft, ifft = _c2c("fft", True), _c2c("ifft", True)
fftn, ifftn = _c2c("fftn", False), _c2c("ifftn", False)


def _real(name, one_axis, real_input):
    if one_axis:
        def transform(x, n=None, axis=-1, norm=None, *, dim=None):
            x = to_float(x) if real_input else _complex(x)
            n, axis, norm = _checked(name, x, n, axis if dim is None else dim, norm)
            return _real_apply(x, name, {"n": n, "axis": axis, "norm": norm})
    else:
        def transform(x, s=None, axes=None, norm=None, *, dim=None):
            x = to_float(x) if real_input else _complex(x)
            s, axes, norm = _checked_axes(name, x, s, axes if dim is None else dim, norm)
            return _real_apply(x, name, {"s": s, "axes": axes, "norm": norm})
    transform.__name__ = name
    return transform


def _real_apply(x, name, kwargs):
    return RealTransform.apply(x, name, {k: v for k, v in kwargs.items() if v is not None})


rfft, ihfft = _real("rfft", True, True), _real("ihfft", True, True)
irfft, hfft = _real("irfft", True, False), _real("hfft", True, False)
rfftn, irfftn = _real("rfftn", False, True), _real("irfftn", False, False)


def _frequencies(name):
    def frequencies(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
        from .creation import _device, zeros
        from .dtypes import canonical_dtype, get_default_dtype, is_floating_point
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < _LARGEST:
            raise RuntimeError(f"fft.{name}(): n must be a non-negative int below 2**48, got "
                               f"{n!r}")
        if isinstance(d, bool) or not isinstance(d, (int, float)) or d == 0 or d != d:
            raise ValueError(f"fft.{name}(): the sample spacing d must be a non-zero number, "
                             f"got {d!r}")
        dev = _device(device)
        dtype = canonical_dtype(dtype or get_default_dtype())
        if not is_floating_point(dtype):
            raise TypeError(f"fft.{name}(): dtype must be a real floating dtype, got {dtype}")
        if n == 0:  # PyTorch gives an empty tensor; NumPy would divide by zero
            return zeros(0, dtype=dtype, device=dev, requires_grad=requires_grad)
        kwargs = {"d": d, "device": dev.native, "dtype": dev._backend.dtype(dtype)}
        out = Tensor._wrap(getattr(dev.xp.fft, name)(n, **kwargs), dev)
        return out.requires_grad_() if requires_grad else out
    frequencies.__name__ = name
    return frequencies


fftfreq, rfftfreq = _frequencies("fftfreq"), _frequencies("rfftfreq")


def fftshift(x, axes=None, *, dim=None):
    """Move the zero frequency to the centre (a roll by half of each axis; differentiable)."""
    return _shift("fftshift", x, axes if dim is None else dim, lambda n: n // 2)


def ifftshift(x, axes=None, *, dim=None):
    return _shift("ifftshift", x, axes if dim is None else dim, lambda n: -(n // 2))


def _shift(name, x, axes, amount):
    from .ops.index import getitem
    from .ops.shape import cat
    axes = range(x.ndim) if axes is None else (axes,) if isinstance(axes, int) else axes
    if not isinstance(axes, (tuple, list, range)):
        raise TypeError(f"fft.{name}(): dim must be an int or a sequence of ints, got {axes!r}")
    for axis in axes:
        axis = normalize_dim(axis, x.ndim, "dim")
        k = amount(x.shape[axis]) % x.shape[axis] if x.shape[axis] else 0
        if k:
            lead = (slice(None),) * axis
            x = cat([getitem(x, lead + (slice(-k, None),)), getitem(x, lead + (slice(None, -k),))],
                    dim=axis)
    return x


# Each public function checks that its tensor arguments are tensors (errors.tensor_arguments).
from .errors import tensor_arguments  # noqa: E402

tensor_arguments(globals(), __all__, Tensor)
