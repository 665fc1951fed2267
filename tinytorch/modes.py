"""`inference_mode`: PyTorch's faster cousin of `no_grad`, here the same thing.

Assumes: tinytorch has no separate inference tensors, so inference_mode
only turns gradient recording off (or, with `mode=False`, leaves it alone).
Production does instead: PyTorch's inference mode also skips version
counters and view tracking, and tensors made in it can never join a graph.
"""

from __future__ import annotations

from .autograd import is_grad_enabled, no_grad

__all__ = ["inference_mode", "is_inference_mode_enabled"]

_depth = [0]


class inference_mode(no_grad):  # noqa: N801 - mirrors torch.inference_mode
    """`with tinytorch.inference_mode():` or as a decorator: no gradients are recorded."""

    def __init__(self, mode: bool = True):
        super().__init__()
        self.enabled = bool(mode)

    def __enter__(self):
        self.mode = False if self.enabled else is_grad_enabled()
        _depth[0] += self.enabled
        return super().__enter__()

    def __exit__(self, *exc):
        _depth[0] -= self.enabled
        return super().__exit__(*exc)

    def __call__(self, func=None):
        if func is None:  # @inference_mode() was written without arguments to decorate
            return self
        return super().__call__(func)

    def _fresh(self):
        return inference_mode(self.enabled)


def is_inference_mode_enabled() -> bool:
    return _depth[0] > 0
