"""Gradients of every differentiable op in the shared op table, on every available device.

- test_issue_example: the example from the autograd issue, checked against hand-computed values.
- test_every_function_is_covered: each Function subclass is named by some OpSpec, so an op
  added without an entry fails here.
- test_gradcheck: float64 central differences (tinytorch.testing.gradcheck) agree with
  backward for every differentiable entry; hypothesis draws shapes (broadcasting, size-1 and
  empty dimensions) and values away from the op's kinks.
- test_float32_matches_float64: float32 gradients computed on each device agree with float64
  gradients computed on cpu, to FLOAT32_RTOL/FLOAT32_ATOL (stated below).
- test_nondifferentiable_outputs_have_no_grad_fn: comparisons, argmax, integer casts...

Examples per op and device default to a handful so the suite stays fast; set
TINYTORCH_GRAD_EXAMPLES (e.g. 100) and TINYTORCH_GRAD_MAX_SIDE (e.g. 4) for a thorough run.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings

import tinytorch as tt
from tinytorch.testing import gradcheck
from tinytorch.testing.opspecs import OPS, arguments, uncovered_functions

EXAMPLES = int(os.environ.get("TINYTORCH_GRAD_EXAMPLES", "5"))
MAX_SIDE = int(os.environ.get("TINYTORCH_GRAD_MAX_SIDE", "3"))
MAX_DIMS = 3

# |g32 - g64| <= FLOAT32_ATOL * max(1, max|g64|) + FLOAT32_RTOL * |g64|, elementwise: float32
# carries about 7 significant digits, and these ops sum at most a few dozen terms.
FLOAT32_RTOL = 1e-4
FLOAT32_ATOL = 1e-4

DIFFERENTIABLE = [spec for spec in OPS if spec.differentiable]
NONDIFFERENTIABLE = [spec for spec in OPS if not spec.differentiable
                     and any(d.startswith("float") for d in spec.dtypes)]

SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _float_outputs(out):
    return [o for o in _tuple(out) if o.dtype.startswith("float")]


def test_issue_example(device):
    x = tt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, device=device)
    (x @ x).relu().sum().backward()
    # d/dX sum(X X) = 1 X^T + X^T 1: row sums [3, 7] across, plus column sums [4, 6] down.
    assert x.grad.tolist() == [[7.0, 11.0], [9.0, 13.0]]
    assert x.grad.device == x.device and x.grad.dtype == "float32"


def test_every_function_is_covered():
    assert uncovered_functions() == [], (
        "these Function subclasses have no entry in tinytorch/testing/opspecs.py; add one so "
        "their gradients are tested")


def test_every_entry_computes_its_reference():
    """Guard against entries whose fn and reference disagree (then gradcheck proves little)."""
    rng = np.random.default_rng(0)
    for spec in DIFFERENTIABLE:
        if spec.shapes != "single" or spec.extra.get("valid") or spec.extra.get("distinct"):
            continue
        shape = (2,) * max(spec.min_dims, 2)
        a = rng.uniform(spec.low, spec.high, shape)
        for kink in spec.extra.get("kinks", ()):  # nudge values off the kinks
            a = np.where(np.abs(a - kink) < 0.01, kink + 0.01, a)
        out = _tuple(spec.fn(tt.tensor(a)))
        expected = _tuple(spec.reference(a.copy()))
        for got, want in zip(out, expected):
            np.testing.assert_allclose(got.numpy().astype("float64"),
                                       np.asarray(want, dtype="float64"), rtol=1e-10,
                                       err_msg=spec.name)


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


@pytest.mark.parametrize("spec", DIFFERENTIABLE, ids=lambda s: s.name)
def test_gradcheck(spec, device):
    dtype = "float64" if "float64" in spec.dtypes else spec.dtypes[0]

    @SETTINGS
    @given(arguments(spec, dtype, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    def check(arrays):
        inputs = tuple(tt.tensor(a, device=device).requires_grad_() for a in arrays)
        assert gradcheck(spec.fn, inputs, **spec.extra.get("gradcheck", {}))

    check()


def _grads(spec, arrays, dtype, device, weights):
    inputs = [tt.tensor(a, dtype=dtype, device=device).requires_grad_() for a in arrays]
    outputs = _float_outputs(spec.fn(*inputs))
    loss = None
    for out, w in zip(outputs, weights):
        term = (out * tt.tensor(w, dtype=out.dtype, device=device)).sum()
        loss = term if loss is None else loss + term
    if loss is not None and loss.requires_grad:
        loss.backward()
    for x in inputs:
        if x.grad is not None:
            assert x.grad.dtype == dtype and x.grad.device == x.device and x.grad.shape == x.shape
    return [np.zeros(x.shape) if x.grad is None else x.grad._host().astype("float64")
            for x in inputs]


@pytest.mark.parametrize("spec", [s for s in DIFFERENTIABLE if "float32" in s.dtypes],
                         ids=lambda s: s.name)
def test_float32_matches_float64(spec, device):
    @SETTINGS
    @given(arguments(spec, "float32", max_dims=MAX_DIMS, max_side=MAX_SIDE))
    def check(arrays):
        arrays = [a.astype("float64") for a in arrays]  # exact: the values are float32's
        reference_outputs = _float_outputs(spec.fn(*[tt.tensor(a) for a in arrays]))
        rng = np.random.default_rng(0)
        weights = [rng.standard_normal(o.shape) for o in reference_outputs]
        expected = _grads(spec, arrays, "float64", "cpu", weights)
        got = _grads(spec, arrays, "float32", device, weights)
        for i, (g32, g64) in enumerate(zip(got, expected)):
            atol = FLOAT32_ATOL * max(1.0, float(np.max(np.abs(g64), initial=0.0)))
            np.testing.assert_allclose(g32, g64, rtol=FLOAT32_RTOL, atol=atol,
                                       err_msg=f"{spec.name}: gradient of input {i}")

    check()


@pytest.mark.parametrize("spec", NONDIFFERENTIABLE, ids=lambda s: s.name)
def test_nondifferentiable_outputs_have_no_grad_fn(spec, device):
    @SETTINGS
    @given(arguments(spec, "float32", max_dims=MAX_DIMS, max_side=MAX_SIDE))
    def check(arrays):
        inputs = [tt.tensor(a, device=device).requires_grad_() for a in arrays]
        for out in _tuple(spec.fn(*inputs)):
            assert out.grad_fn is None and not out.requires_grad

    check()
