"""Conversions: cast (`.to(dtype)`), to_device (`.to(device)`) and clone.

Casting between float dtypes and moving between devices are differentiable:
the gradient flows back cast to the input's dtype (the engine does that)
or copied back to the input's device.
Assumes: moving between two backends goes through host memory (NumPy
arrays); moving within one backend uses its own `asarray(..., device=...)`.
Production does instead: PyTorch copies between devices with
cudaMemcpyAsync on streams (optionally from pinned memory, non_blocking)
and between GPUs peer to peer.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..autograd import Function

__all__ = ["cast", "to_device", "clone"]


# ---- casts and device moves ----------------------------------------------------------------

class Cast(Function):
    def forward(self, a, native_dtype):
        xp = self.xp
        if xp.isdtype(a.dtype, "complex floating") and not xp.isdtype(native_dtype,
                                                                      "complex floating"):
            a = xp.real(a)  # complex to real keeps the real part, as PyTorch (and NumPy) do
        return xp.astype(a, native_dtype)

    def backward(self, grad):
        return grad, None  # the engine casts gradients back to each input's dtype


def cast(input, dtype):  # noqa: A002
    """`input` converted to `dtype` (differentiable between float dtypes)."""
    dtype = _dt.canonical_dtype(dtype)
    if input.dtype == dtype:
        return input
    if input.requires_grad and not _dt.is_inexact(dtype):
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

class Clone(Function):
    def forward(self, a):
        return self.xp.asarray(a, copy=True)

    def backward(self, grad):
        return grad


def clone(input):  # noqa: A002
    """A copy with its own buffer; gradients flow through unchanged."""
    return Clone.apply(input)
