"""Category "gradients": every differentiable op in the shared table passes gradcheck in float64
on every device, and its float32 gradients on the device agree with float64 gradients on cpu.

Each check draws one of four wirings of the op (see `support.variants`): the op alone, with
transposed (non-contiguous) inputs, with one input used for every argument (or the op applied
twice to it), and with its output reused (y * y + y). The coverage checks at the end fail when
an op or a Function has no entry in the table.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.ops
from tinytorch.testing import gradcheck
from tinytorch.testing.opspecs import OPS, by_name, uncovered_functions

from .config import examples
from .support import (
    GRAD32_TOLERANCE,
    gradients,
    host,
    leaves_for,
    mismatch,
    op_arguments,
    variants,
    wrapped,
)

pytestmark = pytest.mark.conformance("gradients")

DIFFERENTIABLE = [spec.name for spec in OPS if spec.differentiable]
BOTH_FLOATS = [spec.name for spec in OPS if spec.differentiable
               and {"float32", "float64"} <= set(spec.dtypes)]


def _float_dtype(spec, preferred):
    return preferred if preferred in spec.dtypes else next(
        d for d in spec.dtypes if d.startswith("float"))


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@examples("gradients")
@given(data=st.data())
def test_gradcheck_float64(device, name, data):
    spec = by_name(name)
    dtype = _float_dtype(spec, "float64")
    args = data.draw(op_arguments(spec, dtype, allow_empty=False), label="arguments")
    variant = data.draw(st.sampled_from(variants(spec, args)), label="variant")
    leaves, arguments_of = leaves_for(args, variant, device, dtype)
    gradcheck(wrapped(spec, variant, arguments_of), tuple(leaves),
              **spec.extra.get("gradcheck", {}))


@pytest.mark.parametrize("name", BOTH_FLOATS)
@examples("float32")
@given(data=st.data())
def test_float32_gradients_match_float64_on_cpu(device, name, data):
    spec = by_name(name)
    args = data.draw(op_arguments(spec, "float32", allow_empty=False), label="arguments")
    variant = data.draw(st.sampled_from(variants(spec, args)), label="variant")
    leaves32, of32 = leaves_for(args, variant, device, "float32")
    leaves64, of64 = leaves_for(args, variant, "cpu", "float64")
    got = gradients(wrapped(spec, variant, of32), leaves32)
    want = gradients(wrapped(spec, variant, of64), leaves64)
    rtol, atol = GRAD32_TOLERANCE
    for i, (g, w) in enumerate(zip(got, want)):
        assert (g is None) == (w is None), (
            f"leaf {i}: gradient {'missing' if g is None else 'present'} in float32 on {device} "
            f"but not in float64 on cpu")
        if g is None:
            continue
        assert g.dtype == "float32" and g.device == device, (
            f"leaf {i}: gradient is {g.dtype} on {g.device}, expected float32 on {device}")
        expected = host(w)
        problem = mismatch(host(g), expected, "float32", rtol=rtol, atol=atol,
                           scale=max(1.0, float(np.max(np.abs(expected), initial=0.0))))
        assert problem is None, f"leaf {i} of {name} ({variant}) on {device}: {problem}"


# ---- coverage -----------------------------------------------------------------------------

# Public names of tinytorch.ops that are only another spelling of a covered op; the test below
# checks that each gives exactly the result of the op it forwards to.
ALIASES = {
    "permute_dims": (lambda x: tt.permute_dims(x, (1, 0)), lambda x: tt.permute(x, 1, 0)),
    "expand_dims": (lambda x: tt.expand_dims(x, axis=1), lambda x: tt.unsqueeze(x, 1)),
    "concat": (lambda x: tt.concat([x, x], axis=1), lambda x: tt.cat([x, x], 1)),
    "concatenate": (lambda x: tt.concatenate([x, x], axis=0), lambda x: tt.cat([x, x], 0)),
    "equal": (lambda x: tt.equal(x, x * 2), lambda x: tt.eq(x, x * 2)),
    "bitwise_invert": (lambda x: tt.bitwise_invert(x > 1), lambda x: tt.bitwise_not(x > 1)),
    "msort": (lambda x: tt.msort(x), lambda x: tt.sort(x, axis=0)),
    "cumsum": (lambda x: tt.cumsum(x, 1), lambda x: tt.cumulative_sum(x, axis=1)),
    "cumprod": (lambda x: tt.cumprod(x, 0), lambda x: tt.cumulative_prod(x, axis=0)),
    "repeat_interleave": (lambda x: tt.repeat_interleave(x, 2, 1),
                          lambda x: tt.repeat(x, 2, axis=1)),
    "astype": (lambda x: tt.astype(x, "float64"), lambda x: x.to("float64")),
    "trapz": (lambda x: tt.trapz(x, dx=0.5), lambda x: tt.trapezoid(x, dx=0.5)),
}

# Public names of tinytorch.ops that are not tensor operations. Each needs a
# reason here, and docs/conformance.md lists them.
EXCLUDED: dict[str, str] = {
    "is_complex": "answers a question about the dtype with a Python bool",
    "broadcast_shapes": "works on shape tuples, not tensors",
}


def _covered_names():
    names = {spec.name for spec in OPS}
    direct = {n for n in tinytorch.ops.__all__
              if n in names or any(s.startswith(n + "_") for s in names)}
    same_object = {n for n in tinytorch.ops.__all__ for c in direct
                   if getattr(tinytorch.ops, n) is getattr(tinytorch.ops, c)}
    return direct | same_object


def test_every_function_subclass_has_an_op_entry():
    missing = uncovered_functions()
    assert not missing, (f"Function subclasses that no entry of tinytorch.testing.opspecs.OPS "
                         f"exercises (add an OpSpec listing them in `functions`): {missing}")


def test_every_public_op_has_an_op_entry():
    covered = _covered_names() | set(ALIASES) | set(EXCLUDED)
    missing = [n for n in tinytorch.ops.__all__ if n not in covered]
    assert not missing, (f"public ops with no entry in tinytorch.testing.opspecs.OPS (name the "
                         f"entry after the op, e.g. '{missing[0]}' or '{missing[0]}_dim'): "
                         f"{missing}")
    stale = [n for n in [*ALIASES, *EXCLUDED] if n not in tinytorch.ops.__all__]
    assert not stale, f"ALIASES/EXCLUDED name ops that no longer exist: {stale}"


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_aliases_forward_to_their_op(alias):
    x = tt.tensor(np.arange(6.0).reshape(2, 3))
    spelled, canonical = ALIASES[alias]
    a, b = spelled(x), canonical(x)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(host(a), host(b))


def test_op_table_entries_are_well_formed():
    import inspect
    known = {"single", "same", "broadcast", "matmul", "matvec", "vecmat", "mm", "bmm", "dot",
             "image"}
    wrong = []
    seen = set()
    for spec in OPS:
        if spec.name in seen:
            wrong.append(f"{spec.name}: duplicate name")
        seen.add(spec.name)
        if spec.shapes not in known:
            wrong.append(f"{spec.name}: shapes={spec.shapes!r} is not one the suite draws")
        if spec.reference is None:
            wrong.append(f"{spec.name}: no NumPy reference")
        params = inspect.signature(spec.fn).parameters
        if len(params) != spec.arity and not any(p.kind == p.VAR_POSITIONAL
                                                 for p in params.values()):
            wrong.append(f"{spec.name}: fn takes {len(params)} arguments, arity is {spec.arity}")
        if spec.differentiable and not any(d.startswith("float") for d in spec.dtypes):
            wrong.append(f"{spec.name}: differentiable but no float dtype")
        if not spec.low < spec.high:
            wrong.append(f"{spec.name}: low {spec.low} >= high {spec.high}")
    assert not wrong, "\n".join(wrong)
