"""A pytest plugin that breaks tinytorch on purpose, to prove the conformance suite notices.

Used by conformance/test_meta.py, which runs conformance tests in a subprocess with
`-p tinytorch.conformance.breakages` and TINYTORCH_CONFORMANCE_BREAK=<name>. Never load it
otherwise.
Each breakage is a small, realistic bug:

- neg_backward: Neg.backward forgets the minus sign (on every device).
- sigmoid_backward_strict: Sigmoid.backward has the wrong sign on the strict devices only, the
  kind of bug a backend-specific kernel has.
- dtype_table: one entry of the promotion table is wrong (int8 with uint8 gives int8).
- strict_leak: exp on the strict backend computes with NumPy and returns the NumPy array, and
  the backend silently accepts it.
- conv2d_backward: conv2d's input gradient comes back negated (an nn op's backward).
- tie_rule: amax/amin's backward sends the whole gradient to every tied element instead of
  sharing it.
- list_index_device: a list index is built on the default device, not the indexed tensor's.
- negative_step_slice: a slice running down past index 0 stops at 0 instead (x[2::-1] loses x[0]).
- version_counter: an in-place write outside autograd forgets to bump the version counter.
- log1p_near_zero: log1p computed as log(1 + x), which rounds small x away.
- logsumexp_keepdim: logsumexp's backward uses the incoming gradient as it comes, right only
  for keepdim=True (without keepdim it broadcasts along the wrong axes, or not at all).
- any_keepdim: any/all ignore keepdim=True and drop the reduced axes.
- unbiased_inverted: var/std read `unbiased=True` as the biased estimate and vice versa.
"""

from __future__ import annotations

import os
import warnings

from hypothesis import Phase, settings

ENV = "TINYTORCH_CONFORMANCE_BREAK"


def _neg_backward():
    from tinytorch.ops.elementwise import Neg
    Neg.backward = lambda self, grad: grad


def _sigmoid_backward_strict():
    from tinytorch.ops.unary import Sigmoid
    right = Sigmoid.backward

    def backward(self, grad):
        out = right(self, grad)
        return -out if self.device.type == "strict" else out
    Sigmoid.backward = backward


def _dtype_table():
    from tinytorch import dtypes
    dtypes._TABLE[("int8", "uint8")] = "int8"


def _strict_leak():
    import numpy as np

    from tinytorch import backends
    from tinytorch.ops.unary import Exp
    strict = backends.get("strict")
    strict.xp  # noqa: B018 - build its dtype tables before widening them
    strict.to_array = np.asarray  # accept foreign arrays without complaint...
    with warnings.catch_warnings():  # strict warns when its dtypes meet NumPy's
        warnings.simplefilter("ignore")
        strict.dtype_names.update({np.dtype(name): name for name in strict.dtypes})
    right = Exp.forward

    def forward(self, a):
        if self.device.type != "strict":
            return right(self, a)
        out = np.exp(strict.to_host(a))  # ...and compute on the host, returning NumPy's array
        self.save_for_backward(out)
        return out
    Exp.forward = forward


def _conv2d_backward():
    from tinytorch.nn.ops.conv import Conv2d
    original = Conv2d.backward

    def backward(self, grad):  # the input's gradient loses its sign, as a transposed kernel would
        grad_x, *rest = original(self, grad)
        return (None if grad_x is None else -grad_x, *rest)
    Conv2d.backward = backward


def _tie_rule():
    from tinytorch.ops.reduce import Extreme

    def backward(self, grad):
        xp = self.xp
        a, out = self.saved
        winners = xp.astype(a == out, grad.dtype)
        return xp.reshape(grad, out.shape) * winners, None, None, None
    Extreme.backward = backward


def _list_index_device():
    from tinytorch.ops import index
    right = index._normalise

    def normalise(x, key):
        from tinytorch import tensor
        parts = key if isinstance(key, tuple) else (key,)
        parts = tuple(tensor(list(k)) if isinstance(k, list) and k else k for k in parts)
        return right(x, parts)
    index._normalise = normalise


def _negative_step_slice():
    from tinytorch.ops import index

    def in_bounds(k, size):
        start, stop, step = k.indices(size)
        if not len(range(start, stop, step)):
            return slice(0, 0, 1)
        return slice(start, max(stop, 0), step)
    index._in_bounds = in_bounds


def _version_counter():
    from tinytorch.tensor import Tensor
    right = Tensor._inplace

    def inplace(self, result):
        before = self._version
        out = right(self, result)
        if result.grad_fn is None:
            self._version = before  # the buffer was written; the counter did not move
        return out
    Tensor._inplace = inplace


def _log1p_near_zero():
    from tinytorch.ops.unary import Log1p
    right = Log1p.forward

    def forward(self, a):
        right(self, a)  # keeps what backward saves
        return self.xp.log(1 + a)
    Log1p.forward = forward


def _logsumexp_keepdim():
    from tinytorch.ops.reduce import LogSumExp

    def backward(self, grad):
        a, out = self.saved
        return grad * self.xp.exp(a - out), None, None  # the missing reshape to out.shape
    LogSumExp.backward = backward


def _any_keepdim():
    from tinytorch.ops import reduce
    right = reduce.nondifferentiable  # any/all's only caller in the module

    def dropping(op, a, b=None):
        out = right(op, a, b)
        kept = tuple(n for n, m in zip(out.shape, a.shape) if not (n == 1 and m != 1))
        return out.reshape(kept) if out.ndim == a.ndim else out
    reduce.nondifferentiable = dropping


def _unbiased_inverted():
    from tinytorch.ops import reduce
    right = reduce._var_or_std

    def var_or_std(name, input, dim, unbiased, *rest):  # noqa: A002
        return right(name, input, dim, None if unbiased is None else not unbiased, *rest)
    reduce._var_or_std = var_or_std


BREAKAGES = {"neg_backward": _neg_backward, "sigmoid_backward_strict": _sigmoid_backward_strict,
             "dtype_table": _dtype_table, "strict_leak": _strict_leak,
             "conv2d_backward": _conv2d_backward, "tie_rule": _tie_rule,
             "list_index_device": _list_index_device,
             "negative_step_slice": _negative_step_slice, "version_counter": _version_counter,
             "log1p_near_zero": _log1p_near_zero, "logsumexp_keepdim": _logsumexp_keepdim,
             "any_keepdim": _any_keepdim, "unbiased_inverted": _unbiased_inverted}


def pytest_configure(config):
    name = os.environ.get(ENV)
    if not name:
        raise RuntimeError(f"tinytorch.conformance.breakages was loaded without {ENV} set")
    BREAKAGES[name]()
    # Fixed examples (the same failure every run) and no example database, so a broken run
    # leaves nothing behind for the real suite to replay.
    settings.register_profile("conformance-breakage", database=None, derandomize=True,
                              phases=[p for p in Phase if p is not Phase.explain])
    settings.load_profile("conformance-breakage")
