"""Transforms: invertible elementwise maps y = f(x) with log|df/dx|, the pieces a
TransformedDistribution pushes a base distribution through.

What it does: a transform is called on x (`t(x)`), inverted with `t.inv(y)`,
and gives `log_abs_det_jacobian(x, y)` elementwise; `sign` is +1 or -1 for a
monotone map (what cdf needs). Provided: ExpTransform (LogNormal),
AffineTransform(loc, scale), SigmoidTransform and TanhTransform (the
squashed Gaussian policy of soft actor-critic). With `cache_size=1` a
transform remembers its last (x, y) pair, so `inv` of a y it just produced
returns the exact x instead of recomputing it: atanh(tanh(x)) overflows to
inf once tanh(x) rounds to 1, and SAC's log_prob(rsample()) relies on the
cache.

Assumes: every transform here acts elementwise (event_dim 0), so the
Jacobian is diagonal and its log-determinant a sum the distribution takes
over its event dimensions.
Production does instead: torch.distributions.transforms has many more
(ComposeTransform, PowerTransform, SoftmaxTransform, StickBreakingTransform,
LowerCholeskyTransform, ...), transforms with event dimensions, and the
`biject_to` registry from constraints to transforms.
"""

from __future__ import annotations

import math

from ..creation import full_like
from ..ops import broadcast_shapes, log, log1p
from ..tensor import Tensor
from . import constraints
from .utils import clamp_probs, softplus

__all__ = ["Transform", "ExpTransform", "AffineTransform", "SigmoidTransform", "TanhTransform"]


class Transform:
    """An invertible map; subclasses define _call, _inverse and log_abs_det_jacobian."""

    domain = constraints.real
    codomain = constraints.real
    sign = 1
    event_dim = 0

    def __init__(self, cache_size=0):
        if cache_size not in (0, 1):
            raise ValueError(f"{type(self).__name__}: cache_size must be 0 or 1, got "
                             f"{cache_size!r}")
        self._cache_size = cache_size
        self._cached = (None, None)

    def __call__(self, x):
        if not isinstance(x, Tensor):
            raise TypeError(f"{type(self).__name__} is applied to a Tensor, got "
                            f"{type(x).__name__}")
        if self._cache_size and x is self._cached[0]:
            return self._cached[1]
        y = self._call(x)
        if self._cache_size:
            self._cached = (x, y)
        return y

    @property
    def inv(self):
        """The inverse map, as a callable: `t.inv(y)` is x."""
        return self._apply_inverse

    def _apply_inverse(self, y):
        if not isinstance(y, Tensor):
            raise TypeError(f"{type(self).__name__}.inv is applied to a Tensor, got "
                            f"{type(y).__name__}")
        if self._cache_size and y is self._cached[1]:
            return self._cached[0]
        x = self._inverse(y)
        if self._cache_size:
            self._cached = (x, y)
        return x

    def _call(self, x):
        raise NotImplementedError(f"{type(self).__name__} does not define its map")

    def _inverse(self, y):
        raise NotImplementedError(f"{type(self).__name__} does not define its inverse")

    def log_abs_det_jacobian(self, x, y):
        raise NotImplementedError(f"{type(self).__name__} does not define its Jacobian")

    def __repr__(self):
        return f"{type(self).__name__}()"


class ExpTransform(Transform):
    codomain = constraints.positive

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class AffineTransform(Transform):
    """y = loc + scale * x, with loc and scale numbers or tensors that broadcast with x."""

    def __init__(self, loc, scale, event_dim=0, cache_size=0):
        super().__init__(cache_size)
        if event_dim != 0:
            raise ValueError(f"AffineTransform here is elementwise: event_dim must be 0, got "
                             f"{event_dim!r}; wrap the distribution in Independent instead")
        for name, value in (("loc", loc), ("scale", scale)):
            if not isinstance(value, (Tensor, int, float)) or isinstance(value, bool):
                raise TypeError(f"AffineTransform: {name} must be a Tensor or a number, got "
                                f"{type(value).__name__}")
        self.loc, self.scale = loc, scale

    @property
    def sign(self):
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        return 1 if self.scale > 0 else -1 if self.scale < 0 else 0

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        if isinstance(self.scale, Tensor):
            scale = self.scale.abs().log()
            return scale.expand(broadcast_shapes(x.shape, scale.shape))
        return full_like(x, math.log(abs(self.scale)) if self.scale else -math.inf)


class SigmoidTransform(Transform):
    codomain = constraints.unit_interval

    def _call(self, x):
        return x.sigmoid()

    def _inverse(self, y):
        y = clamp_probs(y)
        return log(y) - log1p(-y)

    def log_abs_det_jacobian(self, x, y):
        return -softplus(-x) - softplus(x)


class TanhTransform(Transform):
    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x):
        return x.tanh()

    def _inverse(self, y):
        return 0.5 * (log1p(y) - log1p(-y))

    def log_abs_det_jacobian(self, x, y):
        # log(1 - tanh(x)^2) written so that it stays finite for large |x|
        return 2.0 * (math.log(2.0) - x - softplus(-2.0 * x))


