"""Hypothesis strategies for tinytorch: dtypes, shapes, broadcastable shapes and tensors.

Use them to property-test your own code on any device::

    from hypothesis import given
    from tinytorch.testing import strategies as tts

    @given(tts.tensors(dtype="float32", shape=tts.shapes(max_dims=3), device="strict:1"))
    def test_double_negation(x):
        assert (-(-x) == x).all()

Values are drawn as Python numbers and built with `tinytorch.tensor`, so a
tensor lands on its device the way user data does. Float elements default
to a bounded range without nan or inf; pass `elements=` to change that.

Assumes: small tensors (values are drawn one by one as Python numbers).
Production does instead: PyTorch's own tests use hand-written OpInfo
sample inputs per op and dtype; hypothesis.extra.array_api draws whole
arrays through a namespace, which is faster for large shapes.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from .. import dtypes as _dt
from ..creation import tensor

__all__ = ["dtypes", "shapes", "broadcastable_shapes", "tensors", "elements", "FLOAT_DTYPES",
           "INTEGER_DTYPES", "ALL_DTYPES", "mutually_broadcastable_shapes", "devices",
           "device_dtypes"]

FLOAT_DTYPES = ("float32", "float64")
INTEGER_DTYPES = _dt.SIGNED + _dt.UNSIGNED
ALL_DTYPES = tuple(d for d in _dt.DTYPES if not _dt.is_complex(d))  # elements() draws reals

def dtypes(kinds=("bool", "int", "uint", "float")):
    """A dtype string of the given kinds ("bool", "int", "uint", "float")."""
    chosen = []
    for d in _dt.DTYPES:
        kind = "bool" if d == "bool" else "uint" if d.startswith("u") else d.rstrip("0123456789")
        if kind in kinds:
            chosen.append(d)
    return st.sampled_from(chosen)


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """A shape tuple; allow empty dimensions with min_side=0."""
    return st.lists(st.integers(min_side, max_side), min_size=min_dims,
                    max_size=max_dims).map(tuple)


@st.composite
def broadcastable_shapes(draw, shape, min_dims=0, max_dims=None, min_side=1, max_side=4):
    """A shape that broadcasts with `shape`: some axes set to 1, leading axes added or dropped."""
    max_dims = len(shape) + 1 if max_dims is None else max_dims
    ndim = draw(st.integers(min_dims, max(min_dims, max_dims)))
    result = []
    for i in range(ndim):
        j = len(shape) - ndim + i
        if j < 0:
            result.append(draw(st.integers(min_side, max_side)))
        elif draw(st.booleans()):
            result.append(1)
        else:
            result.append(shape[j])
    return tuple(result)


def elements(dtype, min_value=None, max_value=None, allow_nan=False, allow_infinity=False):
    """Python numbers that fit `dtype`."""
    if dtype == "bool":
        return st.booleans()
    if _dt.is_integral(dtype):
        low, high = _dt.int_range(dtype)
        low = low if min_value is None else max(low, int(min_value))
        high = high if max_value is None else min(high, int(max_value))
        return st.integers(low, high)
    width = {"float16": 16, "float32": 32, "float64": 64}[dtype]
    finite = st.floats(min_value=-1e3 if min_value is None else min_value,
                       max_value=1e3 if max_value is None else max_value,
                       allow_nan=False, allow_infinity=False, width=width)
    # hypothesis refuses nan or inf next to bounds, so the special values are mixed in instead
    specials = [float("nan")] * allow_nan + [float("inf"), float("-inf")] * allow_infinity
    return st.one_of(finite, st.sampled_from(specials)) if specials else finite


@st.composite
def tensors(draw, dtype=None, shape=None, device="cpu", elements=None, requires_grad=False,
            min_value=None, max_value=None):
    """A tinytorch tensor; `dtype`, `shape` and `device` may be values or strategies."""
    dtype = _resolve(draw, dtype if dtype is not None else dtypes())
    shape = _resolve(draw, shape if shape is not None else shapes())
    device = _resolve(draw, device)
    source = elements if elements is not None else globals()["elements"](dtype, min_value,
                                                                        max_value)
    count = math.prod(shape)
    values = draw(st.lists(source, min_size=count, max_size=count))
    out = tensor(values, dtype=dtype, device=device).reshape(shape)
    return out.requires_grad_() if requires_grad else out


def _resolve(draw, value):
    return draw(value) if isinstance(value, st.SearchStrategy) else value


def mutually_broadcastable_shapes(num_shapes, *, min_dims=0, max_dims=3, min_side=1,
                                  max_side=4):
    """`num_shapes` shapes that broadcast together, as (input_shapes, result_shape).

    Built on hypothesis.extra.array_api (through tinytorch's own array-API
    namespace), so shapes shrink the way hypothesis shrinks array shapes.
    """
    return _array_api_strategies().mutually_broadcastable_shapes(
        num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def devices(types=None):
    """A device string available on this machine (optionally only of the given types)."""
    from .compare import available_devices
    found = [d for d in available_devices() if types is None or d.partition(":")[0] in types]
    if not found:
        raise ValueError(f"no available device of type {types}")
    return st.sampled_from(found)


def device_dtypes(device, kinds=("bool", "int", "uint", "float")):
    """A dtype of the given kinds that `device`'s backend holds (strict has no float16)."""
    from ..device import device as as_device
    backend = as_device(device).backend
    backend.xp  # noqa: B018 - builds the backend's dtype table
    return st.sampled_from([d for d in _dt.DTYPES if d in backend.dtypes and _kind(d) in kinds])


def _kind(d):
    return "bool" if d == "bool" else "uint" if d.startswith("u") else d.rstrip("0123456789")


_namespace = None


def _array_api_strategies():
    global _namespace
    if _namespace is None:
        from hypothesis.extra import array_api

        import tinytorch
        _namespace = array_api.make_strategies_namespace(tinytorch)
    return _namespace
