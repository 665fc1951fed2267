"""Memory formats: `contiguous_format`, `channels_last`, `channels_last_3d`, `preserve_format`.

What it does: PyTorch programs pass these to `x.to(memory_format=...)`,
`x.contiguous(memory_format=...)`, `x.clone(memory_format=...)` and
`model.to(memory_format=...)` to choose how a tensor's elements are laid out
in memory (channels_last stores NCHW images as NHWC, which GPU convolution
kernels prefer). tinytorch accepts them there and changes nothing: its
tensors own plain row-major arrays with no strides to rearrange, so the
values (all a program can observe here) are the same in every format.

Assumes: layout is a speed choice only, never a semantic one.
Production does instead: PyTorch keeps strides per tensor; a channels_last
tensor reports NHWC-ordered `stride()` and `is_contiguous(memory_format=
torch.channels_last)`, and cuDNN picks faster kernels for it.
"""

from __future__ import annotations

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d",
           "preserve_format", "check_memory_format"]


class memory_format:  # noqa: N801 - PyTorch's name, used in isinstance checks
    """One of the memory-format constants (they compare by identity)."""

    def __init__(self, name: str):
        self._name = name

    def __repr__(self) -> str:
        return f"tinytorch.{self._name}"

    def __reduce__(self):  # pickling (DataLoader workers) keeps the singletons
        return self._name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")


def check_memory_format(value, owner: str) -> None:
    """None or one of the constants; anything else is a TypeError naming them."""
    if value is not None and not isinstance(value, memory_format):
        raise TypeError(f"{owner}(): memory_format must be one of tinytorch.contiguous_format, "
                        f"channels_last, channels_last_3d or preserve_format, got {value!r}")
