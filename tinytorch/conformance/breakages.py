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


BREAKAGES = {"neg_backward": _neg_backward, "sigmoid_backward_strict": _sigmoid_backward_strict,
             "dtype_table": _dtype_table, "strict_leak": _strict_leak}


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
