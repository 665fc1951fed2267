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
from .ops.plumbing import to_float
from .tensor import Tensor

__all__ = ["fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
           "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_ADJOINT = {"fft": "ifft", "ifft": "fft", "fftn": "ifftn", "ifftn": "fftn"}
_SWAP_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


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


def _c2c(name, one_axis):
    if one_axis:
        def transform(x, /, *, n=None, axis=-1, norm="backward", dim=None):
            axis = dim if dim is not None else axis
            x = _complex(x)
            if n is not None:
                x = _fit(x, axis, n)
            return Transform.apply(x, name, {"axis": axis, "norm": norm})
    else:
        def transform(x, /, *, s=None, axes=None, norm="backward", dim=None):
            axes = dim if dim is not None else axes
            x = _complex(x)
            if axes is None:
                axes = tuple(range(-len(s), 0)) if s is not None else tuple(range(x.ndim))
            if s is not None:
                for axis, n in zip(axes, s):
                    x = _fit(x, axis, n)
            return Transform.apply(x, name, {"axes": tuple(axes), "norm": norm})
    transform.__name__ = name
    return transform


fft, ifft = _c2c("fft", True), _c2c("ifft", True)
fftn, ifftn = _c2c("fftn", False), _c2c("ifftn", False)


def _real(name, one_axis, real_input):
    if one_axis:
        def transform(x, /, *, n=None, axis=-1, norm="backward", dim=None):
            return _real_apply(x, name, real_input, {"n": n, "axis": axis if dim is None else dim,
                                                     "norm": norm})
    else:
        def transform(x, /, *, s=None, axes=None, norm="backward", dim=None):
            return _real_apply(x, name, real_input, {"s": s, "axes": axes if dim is None else dim,
                                                     "norm": norm})
    transform.__name__ = name
    return transform


def _real_apply(x, name, real_input, kwargs):
    x = to_float(x) if real_input else _complex(x)
    return RealTransform.apply(x, name, {k: v for k, v in kwargs.items() if v is not None})


rfft, ihfft = _real("rfft", True, True), _real("ihfft", True, True)
irfft, hfft = _real("irfft", True, False), _real("hfft", True, False)
rfftn, irfftn = _real("rfftn", False, True), _real("irfftn", False, False)


def _frequencies(name):
    def frequencies(n, /, *, d=1.0, dtype=None, device=None):
        from .creation import _device
        dev = _device(device)
        from .dtypes import get_default_dtype
        kwargs = {"d": d, "device": dev.native,
                  "dtype": dev._backend.dtype(dtype or get_default_dtype())}
        return Tensor._wrap(getattr(dev.xp.fft, name)(n, **kwargs), dev)
    frequencies.__name__ = name
    return frequencies


fftfreq, rfftfreq = _frequencies("fftfreq"), _frequencies("rfftfreq")


def fftshift(x, /, *, axes=None):
    """Move the zero frequency to the centre (a roll by half of each axis; differentiable)."""
    return _shift(x, axes, lambda n: n // 2)


def ifftshift(x, /, *, axes=None):
    return _shift(x, axes, lambda n: -(n // 2))


def _shift(x, axes, amount):
    from .ops.index import getitem
    from .ops.shape import cat
    axes = range(x.ndim) if axes is None else (axes,) if isinstance(axes, int) else axes
    for axis in axes:
        axis %= x.ndim
        k = amount(x.shape[axis]) % x.shape[axis] if x.shape[axis] else 0
        if k:
            lead = (slice(None),) * axis
            x = cat([getitem(x, lead + (slice(-k, None),)), getitem(x, lead + (slice(None, -k),))],
                    dim=axis)
    return x
