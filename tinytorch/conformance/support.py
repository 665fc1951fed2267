"""Helpers shared by the conformance tests: moving NumPy data onto devices, reading results
back, the documented tolerances, and running an `OpSpec` entry in the shapes the tests need.

References always come from NumPy on the host; nothing here asks tinytorch what the answer
should be.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing.compare import placement_problem

# Documented value tolerances per result dtype: |actual - expected| <= atol * scale +
# rtol * |expected|, where `scale` grows with the size of the inputs and with the number of
# terms an op sums (see `scale_for`). Integer and bool results must match exactly.
VALUE_TOLERANCES = {"float16": (2e-3, 1e-3), "float32": (1e-5, 1e-5), "float64": (1e-10, 1e-10)}

# float32 gradients on a device against float64 gradients on cpu.
GRAD32_TOLERANCE = (1e-4, 1e-5)

# Values and gradients of random programs, device against cpu and against NumPy.
PROGRAM_TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-10)}

SPECIAL_VALUES = (math.nan, math.inf, -math.inf, -0.0)


def host(t) -> np.ndarray:
    """The values of tensor `t` as a NumPy array, copied by its own backend's `to_host`."""
    return np.asarray(t.device.backend.to_host(t._data))


def to_device(array, device, requires_grad=False):
    """A tensor on `device` holding NumPy `array` (same dtype), built the way users build one."""
    t = tt.tensor(np.asarray(array), device=device)
    return t.requires_grad_() if requires_grad else t


def supported(device, dtypes) -> list[str]:
    """The dtypes among `dtypes` that `device`'s backend holds (strict has no float16)."""
    backend = tt.device(device).backend
    backend.xp  # noqa: B018 - builds its dtype table
    return [d for d in dtypes if d in backend.dtypes]


def outputs(result) -> tuple:
    """An op's result as a tuple of tensors (split, unbind and max(dim) return several)."""
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def reference_outputs(result) -> tuple:
    return tuple(np.asarray(r) for r in result) if isinstance(result, (tuple, list)) else (
        np.asarray(result),)


def is_float(dtype) -> bool:
    return str(dtype).startswith("float")


def magnitude(arrays) -> float:
    """The largest finite |value| among float arrays, at least 1."""
    top = 1.0
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind == "f" and a.size:
            finite = np.abs(a[np.isfinite(a)])
            if finite.size:
                top = max(top, float(finite.max()))
    return top


def scale_for(inputs, output) -> float:
    """How much an absolute error may grow: with the inputs' magnitude and the number of terms
    summed into each output element (a reduction or matmul over n elements sums n terms)."""
    largest = max((np.asarray(a).size for a in inputs), default=1)
    terms = max(1, largest // max(1, np.asarray(output).size))
    return magnitude(inputs) * terms


def mismatch(actual, expected, dtype, *, rtol=None, atol=None, scale=1.0) -> str | None:
    """None if `actual` (NumPy) agrees with `expected` for a result of `dtype`, else why not."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    if not is_float(dtype):
        # exact, compared by value (a float reference is never truncated to the integer dtype)
        bad = (actual.astype(np.float64) != expected) if expected.dtype.kind == "f" else (
            actual != expected)
        tol = "exactly"
    else:
        default_rtol, default_atol = VALUE_TOLERANCES[str(dtype)]
        rtol = default_rtol if rtol is None else rtol
        atol = (default_atol if atol is None else atol) * scale
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        with np.errstate(all="ignore"):
            close = np.abs(a - e) <= atol + rtol * np.abs(e)
        same = (a == e) | (np.isnan(a) & np.isnan(e))  # inf == inf, nan "==" nan
        bad = ~(close | same)
        tol = f"within rtol={rtol:g}, atol={atol:g}"
    if not np.any(bad):
        return None
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"{int(np.sum(bad))} of {actual.size} elements differ ({tol}); first at index "
            f"{where}: got {actual[where]!r}, expected {expected[where]!r}")


def check_placement(tensors, device, what="result"):
    for i, t in enumerate(tensors):
        problem = placement_problem(t, device)
        if problem:
            raise AssertionError(f"{what} {i}: {problem}")


def skip_unless_dtypes(device, dtypes, spec_name):
    """The dtypes of `dtypes` that `device` holds; skip (with the reason) if there are none."""
    found = supported(device, dtypes)
    if not found:
        pytest.skip(f"{device} holds none of {spec_name}'s dtypes {dtypes}")
    return found


# ---- gradient cases: the shapes a differentiable op is checked in ------------------------------

def variants(spec, args) -> list[str]:
    """The ways `spec` can be wrapped for a gradient check with these NumPy arguments.

    "plain": the op itself. "transposed": every argument of 2+ dims is passed as a
    transposed (non-contiguous) view of a leaf. "twice": one leaf feeds every argument
    (binary ops) or the op is applied twice to the same leaf (unary ops), so gradients
    accumulate at the leaf. "shared": the op's output y feeds y * y + y, so gradients
    accumulate at an inner node.
    """
    from tinytorch.testing.opspecs import admissible
    found = ["plain", "shared"]
    if any(np.ndim(a) >= 2 for a in args):
        found.append("transposed")
    if spec.arity == 1:
        found.append("twice")
    elif spec.shapes in ("same", "broadcast", "dot") and admissible(spec, *[args[0]] * spec.arity):
        found.append("twice")
    return found


def leaves_for(args, variant, device, dtype):
    """Leaf tensors (requiring grad) for `args` in `variant`, and how to turn them into the
    op's arguments."""
    if variant == "twice" and len(args) > 1:
        leaf = to_device(np.asarray(args[0], dtype=dtype), device, requires_grad=True)
        return [leaf], lambda leaves: [leaves[0]] * len(args)
    if variant == "transposed":
        flags = [np.ndim(a) >= 2 for a in args]
        leaves = [to_device(np.ascontiguousarray(np.swapaxes(np.asarray(a, dtype=dtype), -1, -2))
                            if f else np.asarray(a, dtype=dtype), device, requires_grad=True)
                  for a, f in zip(args, flags)]
        return leaves, lambda ls: [x.mT if f else x for x, f in zip(ls, flags)]
    leaves = [to_device(np.asarray(a, dtype=dtype), device, requires_grad=True) for a in args]
    return leaves, list


def wrapped(spec, variant, arguments_of):
    """A function of the leaves computing `spec` in `variant` (see `variants`)."""

    def shared(result):
        outs = outputs(result)
        mixed = tuple(y * y + y if is_float(y.dtype) else y for y in outs)
        return mixed if isinstance(result, (tuple, list)) else mixed[0]

    def twice(first, second):
        pairs = tuple(a + b if is_float(a.dtype) else a
                      for a, b in zip(outputs(first), outputs(second)))
        return pairs if isinstance(first, (tuple, list)) else pairs[0]

    def fn(*leaves):
        args = arguments_of(list(leaves))
        if variant == "shared":
            return shared(spec.fn(*args))
        if variant == "twice" and spec.arity == 1:
            return twice(spec.fn(*args), spec.fn(*args))
        return spec.fn(*args)

    return fn


def weights_like(t, salt=0):
    """Fixed, distinct, non-zero weights of t's shape, dtype and device, so that sum(w * out)
    catches gradients sent to the wrong element."""
    n = t.numel()
    values = 1.0 + 0.5 * np.sin(0.7 * np.arange(n) + salt)
    return to_device(values.reshape(t.shape).astype(t.dtype), t.device)


def gradients(fn, leaves):
    """The gradient of sum_i sum(w_i * output_i) with respect to each leaf (None where none)."""
    total = None
    for i, out in enumerate(outputs(fn(*leaves))):
        if not out.requires_grad:
            continue
        term = (out * weights_like(out, i)).sum()
        total = term if total is None else total + term.to(total.dtype)
    if total is not None:
        total.backward()
    return [leaf.grad for leaf in leaves]


# ---- one fixed, small example per op (for the device sweeps) ------------------------------------

_GOLDEN = (math.sqrt(5) - 1) / 2


def _example_shapes(spec):
    ndim = max(spec.min_dims, 2)
    base = (2, 3, 2, 2)[:ndim]
    kind = spec.shapes
    if kind == "single":
        return [base]
    if kind == "same":
        return [base] * spec.arity
    if kind == "broadcast":
        return [base] + [(1,) * (ndim - 1) + base[-1:]] * (spec.arity - 1)
    return {"matmul": [(2, 3), (3, 2)], "matvec": [(2, 3), (3,)], "vecmat": [(3,), (3, 2)],
            "mm": [(2, 3), (3, 2)], "bmm": [(2, 2, 3), (2, 3, 2)],
            "dot": [(3,), (3,)], "image": [(2, 2, 5, 5), (2, 2, 3, 3)][:spec.arity]}[kind]


def small_example(spec, dtype):
    """Deterministic, admissible NumPy arguments of `dtype` for `spec`: small shapes of 2 and 3,
    values spread over [low, high] by the golden ratio (distinct, away from simple kinks)."""
    from tinytorch.testing.opspecs import admissible
    shapes = _example_shapes(spec)
    count = sum(math.prod(s) for s in shapes)
    for attempt in range(100):
        fractions = ((np.arange(count) + 1 + attempt * count) * _GOLDEN) % 1.0
        values = spec.low + (spec.high - spec.low) * fractions
        if dtype == "bool":
            flat = values > (spec.low + spec.high) / 2
        elif dtype.startswith("float"):
            flat = values.astype(dtype)
        else:
            info = np.iinfo(dtype)
            flat = np.clip(np.round(values), info.min, info.max).astype(dtype)
        args, start = [], 0
        for shape in shapes:
            size = math.prod(shape)
            args.append(flat[start:start + size].reshape(shape))
            start += size
        if admissible(spec, *args):
            return tuple(args)
    raise AssertionError(f"found no admissible example for {spec.name} in 100 tries")


_ARGUMENTS: dict = {}


def op_arguments(spec, dtype, *, allow_empty=True):
    """`opspecs.arguments(spec, dtype)`, built once per op, dtype and emptiness (building a
    strategy costs more than drawing from it)."""
    from tinytorch.testing.opspecs import arguments
    key = (spec.name, dtype, allow_empty)
    if key not in _ARGUMENTS:
        _ARGUMENTS[key] = arguments(spec, dtype, allow_empty=allow_empty)
    return _ARGUMENTS[key]
