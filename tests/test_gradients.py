"""Gradient facts the conformance suite does not prove; the op table's gradients are its job.

The conformance suite (conformance/test_op_gradients.py) runs gradcheck in float64, compares
float32 with float64 gradients and checks that every Function has an op-table entry, on every
device; this file does not repeat that. It keeps:
- test_issue_example: the example from the autograd issue, checked against hand-computed values.
- test_drawn_shapes_include_broadcasting_and_empty_dimensions: the op table's strategy really
  draws the shapes the suite relies on.
- test_nondifferentiable_outputs_have_no_grad_fn: comparisons, argmax, integer casts...

Examples per op and device default to a handful so the suite stays fast; set
TINYTORCH_GRAD_EXAMPLES (e.g. 100) and TINYTORCH_GRAD_MAX_SIDE (e.g. 4) for a thorough run.
"""

import os

import pytest
from hypothesis import HealthCheck, find, given, settings

import tinytorch as tt
from tinytorch.testing.opspecs import OPS, arguments

EXAMPLES = int(os.environ.get("TINYTORCH_GRAD_EXAMPLES", "5"))
MAX_SIDE = int(os.environ.get("TINYTORCH_GRAD_MAX_SIDE", "3"))
MAX_DIMS = 3

NONDIFFERENTIABLE = [spec for spec in OPS if not spec.differentiable
                     and any(d.startswith("float") for d in spec.dtypes)]

SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def test_issue_example(device):
    x = tt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, device=device)
    (x @ x).relu().sum().backward()
    # d/dX sum(X X) = 1 X^T + X^T 1: row sums [3, 7] across, plus column sums [4, 6] down.
    assert x.grad.tolist() == [[7.0, 11.0], [9.0, 13.0]]
    assert x.grad.device == x.device and x.grad.dtype == "float32"


@pytest.mark.parametrize("kind, wanted", [
    ("broadcast", lambda s: len(set(s)) > 1),       # arguments of different shapes
    ("broadcast", lambda s: any(1 in x and 3 in y for x in s for y in s)),  # size 1 stretched
    ("broadcast", lambda s: any(0 in x for x in s)),  # an empty dimension
    ("matmul", lambda s: len(s[0]) != len(s[1])),     # batch axes broadcast
])
def test_drawn_shapes_include_broadcasting_and_empty_dimensions(kind, wanted):
    spec = next(s for s in OPS if s.shapes == kind and s.arity == 2)
    found = find(arguments(spec, "float64", max_dims=MAX_DIMS, max_side=MAX_SIDE),
                 lambda arrays: wanted([a.shape for a in arrays]),
                 settings=settings(max_examples=500, database=None))
    assert wanted([a.shape for a in found])


@pytest.mark.parametrize("spec", NONDIFFERENTIABLE, ids=lambda s: s.name)
def test_nondifferentiable_outputs_have_no_grad_fn(spec, device):
    @SETTINGS
    @given(arguments(spec, "float32", max_dims=MAX_DIMS, max_side=MAX_SIDE))
    def check(arrays):
        inputs = [tt.tensor(a, device=device).requires_grad_() for a in arrays]
        for out in _tuple(spec.fn(*inputs)):
            assert out.grad_fn is None and not out.requires_grad

    check()
