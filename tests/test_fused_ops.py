"""Each fused op equals the composition of simpler ops that its docstring names.

Fused ops (one Function where a composition of core ops would do) are kept only where the
benchmarks show they matter; this checks that each computes what its composition computes,
values and gradients, so the fusion is an optimisation and never a second definition.
"""

import math

import pytest

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close


def _erf_composed(x):
    # erf as a Taylor series in core ops, good to float64 precision for |x| <= 3
    total, term = x, x
    for k in range(1, 60):
        term = term * (-(x * x)) / k
        total = total + term / (2 * k + 1)
    return total * (2 / math.sqrt(math.pi))


def _layer_norm_composed(x):
    mean = x.mean(-1, keepdim=True)
    return (x - mean) / ((x - mean).square().mean(-1, keepdim=True) + 1e-5).sqrt()


def _cross_entropy_composed(x, target):
    logp = x - x.logsumexp(-1, keepdim=True)
    return -logp.gather(1, target.reshape(-1, 1)).mean()


FUSED = {  # name: (fused, its composition, the fused node's class name)
    "softmax": (lambda x: x.softmax(-1), lambda x: (x - x.logsumexp(-1, keepdim=True)).exp(),
                "SoftmaxBackward"),
    "log_softmax": (lambda x: F.log_softmax(x, -1), lambda x: x - x.logsumexp(-1, keepdim=True),
                    "LogSoftmaxBackward"),
    "gelu": (F.gelu, lambda x: x * 0.5 * (1 + _erf_composed(x / math.sqrt(2))), "GeluBackward"),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + (math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)).tanh()),
                  "GeluTanhBackward"),
    "layer_norm": (lambda x: F.layer_norm(x, x.shape[-1:]), _layer_norm_composed,
                   "NormalizeBackward"),
    "cross_entropy": (lambda x: F.cross_entropy(x, tt.tensor([0, 2, 1, 2])),
                      lambda x: _cross_entropy_composed(x, tt.tensor([0, 2, 1, 2])),
                      "NllLossBackward"),
    "linear": (lambda x: F.linear(x, x[:2].T @ x[:2], x[0]),
               lambda x: x @ (x[:2].T @ x[:2]).T + x[0], "LinearBackward"),
}


@pytest.mark.parametrize("name", FUSED)
def test_fused_op_equals_its_composition(name):
    fused, composed, node = FUSED[name]
    values = tt.linspace(-2.5, 2.5, 12, dtype="float64").reshape(4, 3)
    a, b = values.clone().requires_grad_(), values.clone().requires_grad_()
    out_a, out_b = fused(a), composed(b)
    assert out_a.grad_fn.name() == node  # really the fused node, not a composition
    assert_close(out_a, out_b, rtol=1e-10, atol=1e-12)
    weights = tt.linspace(-1, 1, out_a.numel(), dtype="float64").reshape(out_a.shape)
    (out_a * weights).sum().backward()
    (out_b * weights).sum().backward()
    assert_close(a.grad, b.grad, rtol=1e-9, atol=1e-12)
