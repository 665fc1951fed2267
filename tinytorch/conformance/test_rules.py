"""The rules the op table cannot state on its own, checked on every device against NumPy:

- values: every argument form of the reductions (dim as an int, a negative int, a tuple or None;
  keepdim and keepdims; var/std with unbiased= and correction=), basic and advanced index keys
  (ints, slices with negative steps and explicit stops, None, Ellipsis, lists, integer tensors,
  bool masks), and relative precision near zero for ops with f(0) = 0.
- gradients: the same reduction forms through gradcheck, the documented rules at kinks and ties
  (max/min and amax/amin share the gradient evenly among tied elements, max(dim) sends it to
  the returned index, maximum/minimum split it in half at a tie, clamp passes it at its bounds,
  relu and abs give 0 at 0), and index keys' gradients against NumPy's np.add.at.
- devices: a list index is built on the indexed tensor's device, whatever the default device.
- inplace: every in-place method bumps the version counter, gives the out-of-place value, and
  makes backward refuse a graph that saved the old value, also when written through a view or
  through detach().
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.testing import gradcheck
from tinytorch.testing.opspecs import OPS, admissible

from .config import examples
from .support import (
    VALUE_TOLERANCES,
    check_placement,
    host,
    mismatch,
    supported,
    to_device,
)

_FLOATS = ("float16", "float32", "float64")


def _floats(device):
    return supported(device, _FLOATS)


def _array(data, dtype, *, min_dims=0, max_dims=3, min_side=0, elements=None):
    shape = data.draw(st.lists(st.integers(min_side, 3), min_size=min_dims, max_size=max_dims)
                      .map(tuple), label="shape")
    values = elements if elements is not None else st.floats(-3, 3, width=16)
    flat = data.draw(st.lists(values, min_size=math.prod(shape), max_size=math.prod(shape)),
                     label="values")
    return np.asarray(flat, dtype="float64").astype(dtype).reshape(shape)


def _dim_form(data, ndim):
    """None, an int (maybe negative), or a tuple of distinct axes."""
    if ndim == 0:
        return data.draw(st.sampled_from([None, 0, -1, ()]), label="dim")
    axes = st.integers(-ndim, ndim - 1)
    return data.draw(st.one_of(st.none(), axes, st.lists(axes, max_size=ndim, unique_by=lambda
                                                         d: d % ndim).map(tuple)), label="dim")


def _np_axis(dim, ndim):
    if dim is None or ndim == 0:
        return None
    return dim if isinstance(dim, int) else tuple(dim)


def _call_reduction(name, x, dim, keep, form, extra):
    """x.name(...) in one of the spellings tinytorch accepts."""
    if form == "method":
        return getattr(x, name)(dim, keepdim=keep, **extra) if dim is not None else getattr(
            x, name)(keepdim=keep, **extra)
    if form == "keywords":
        return getattr(tt, name)(x, dim=dim, keepdim=keep, **extra)
    return getattr(tt, name)(x, axis=dim, keepdims=keep, **extra)


def _np_reduction(name, a, axis, keep, extra, form):
    if name in ("var", "std"):
        # unsaid, the correction follows the spelling: the standard's 0, PyTorch's 1
        default = 0 if form == "array-api" else 1
        ddof = extra.get("correction", default if "unbiased" not in extra else
                         int(extra["unbiased"]))
        count = a.size if axis is None else math.prod(
            a.shape[d] for d in ((axis,) if isinstance(axis, int) else axis))
        with np.errstate(all="ignore"):
            total = np.sum((a - np.mean(a, axis=axis, keepdims=True)) ** 2, axis=axis,
                           keepdims=keep)
            out = total / max(count - ddof, 0) if count - ddof > 0 else total * np.inf
        return np.sqrt(out) if name == "std" else out
    if name == "logsumexp":
        top = np.max(a, axis=axis, keepdims=True) if a.size else 0.0
        top = np.where(np.isfinite(top), top, 0.0)
        out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
        return out if keep else np.squeeze(out, axis=axis if axis is not None else
                                           tuple(range(a.ndim)))
    reference = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "amax": np.max,
                 "amin": np.min, "any": np.any, "all": np.all}[name]
    return reference(a, axis=axis, keepdims=keep)


REDUCTIONS = ["sum", "mean", "prod", "var", "std", "amax", "amin", "logsumexp", "any", "all"]


def _reduction_extra(data, name):
    if name not in ("var", "std"):
        return {}
    return data.draw(st.sampled_from([{}, {"unbiased": True}, {"unbiased": False},
                                      {"correction": 0}, {"correction": 2}]), label="extra")


@pytest.mark.conformance("values")
@pytest.mark.parametrize("name", REDUCTIONS)
@examples("values")
@given(data=st.data())
def test_reduction_argument_forms_match_numpy(device, name, data):
    dtype = data.draw(st.sampled_from(_floats(device)), label="dtype")
    a = _array(data, dtype, min_side=1 if name in ("amax", "amin") else 0)
    dim, keep = _dim_form(data, a.ndim), data.draw(st.booleans(), label="keepdim")
    form = data.draw(st.sampled_from(["method", "keywords", "array-api"]), label="form")
    extra = _reduction_extra(data, name)
    x = to_device(a, device)
    if name in ("any", "all"):
        x, a = x != 0, a != 0
    got = _call_reduction(name, x, dim, keep, form, extra)
    check_placement([got], device)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _np_reduction(name, a.astype("float64") if a.dtype.kind == "f" else a,
                                 _np_axis(dim, a.ndim), keep, extra, form)
    problem = mismatch(host(got), np.asarray(expected), got.dtype,
                       scale=max(1.0, float(np.abs(a.astype("float64")).sum())))
    assert problem is None, (f"{name}(dim={dim}, keep={keep}, {form}, {extra}) on {device}: "
                             f"{problem}")


@pytest.mark.conformance("gradients")
@pytest.mark.parametrize("name", ["sum", "mean", "prod", "var", "std", "amax", "logsumexp"])
@examples("gradients")
@given(data=st.data())
def test_reduction_forms_pass_gradcheck(device, name, data):
    a = _array(data, "float64", min_side=2, min_dims=2,
               elements=st.floats(0.5, 3.0) if name != "amax" else st.sampled_from(
                   [0.5, 1.0, 1.75, 2.5, 3.0]))
    if name == "amax":  # away from ties (their rule is checked below): distinct values
        a = a + np.arange(a.size).reshape(a.shape) * 1e-2
    dim = _dim_form(data, a.ndim)
    extra = _reduction_extra(data, name)
    if name in ("var", "std") and extra.get("correction") == 2:
        assume(a.size > 4)
    leaf = to_device(a, device, requires_grad=True)
    # Every example checks both keepdims, and the last axis as well as the drawn dim: a backward
    # that forgets to restore the reduced axes still broadcasts when the leading axis is reduced.
    for d in dict.fromkeys([dim, -1]):
        if name in ("var", "std"):  # std has a kink where a slice is constant: keep away
            spread = np.ptp(a, axis=_np_axis(d, a.ndim)) if a.size else np.array(1.0)
            assume(np.all(spread > 0.05))
        for keep in (False, True):
            gradcheck(lambda x, d=d, keep=keep: _call_reduction(name, x, d, keep, "method", extra),
                      (leaf,))


# ---- kinks and ties -------------------------------------------------------------------------

_TIED = st.sampled_from([-1.0, 0.0, 1.0, 2.0])


def _grad(fn, *arrays, device, dtype="float64"):
    leaves = [to_device(np.asarray(a, dtype=dtype), device, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    weights = 1.0 + np.arange(out.numel()).reshape(out.shape) % 3
    (out * to_device(weights.astype(dtype), device)).sum().backward()
    return [host(leaf.grad) for leaf in leaves], weights


@pytest.mark.conformance("gradients")
@pytest.mark.parametrize("op", ["amax", "amin", "max", "min"])
@examples("gradients")
@given(data=st.data())
def test_ties_share_the_gradient_of_max_and_min(device, op, data):
    a = _array(data, "float64", min_dims=1, min_side=1, elements=_TIED)
    dim = data.draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)), label="dim")
    keep = data.draw(st.booleans(), label="keepdim")
    largest = op in ("amax", "max")
    # every slice that is reduced holds a tie (the array twice along the reduced axis), so
    # each example tests the rule; drawn values alone left a device with tie-free examples
    a = np.concatenate([a, a], axis=0 if dim is None else dim)
    if op in ("max", "min") and dim is not None:
        # max(dim) sends each output's gradient to the index it returns, and nowhere else
        x = to_device(a, device, requires_grad=True)
        values, indices = getattr(x, op)(dim, keepdim=keep)
        weights = 1.0 + np.arange(values.numel()).reshape(values.shape) % 3
        (values * to_device(weights, device)).sum().backward()
        expected = np.zeros_like(a)
        idx = host(indices) if keep else np.expand_dims(host(indices), dim)
        w = weights if keep else np.expand_dims(weights, dim)
        np.put_along_axis(expected, idx, w, axis=dim)
        picked = np.take_along_axis(a, idx, axis=dim)
        best = (np.max if largest else np.min)(a, axis=dim, keepdims=True)
        assert np.array_equal(picked, best), f"{op}({dim}) returned indices of non-extreme values"
        problem = mismatch(host(x.grad), expected, "float64")
        assert problem is None, f"{op}(dim={dim}) gradient on {device}: {problem}"
        return
    call = (lambda x: getattr(x, op)()) if dim is None else (
        lambda x: getattr(x, op)(dim, keepdim=keep))
    (grad,), weights = _grad(call, a, device=device)
    axis = None if dim is None else dim
    best = (np.max if largest else np.min)(a, axis=axis, keepdims=True)
    winners = (a == best).astype("float64")
    w = np.reshape(weights, best.shape)
    expected = winners * w / np.sum(winners, axis=axis, keepdims=True)
    problem = mismatch(grad, expected, "float64")
    assert problem is None, f"{op}(dim={dim}) ties on {device}: documented even split; {problem}"


@pytest.mark.conformance("gradients")
@examples("gradients")
@given(data=st.data())
def test_kink_rules(device, data):
    a = _array(data, "float64", min_dims=1, min_side=1, elements=_TIED)
    b = np.asarray(data.draw(_TIED, label="other"))
    low, high = sorted(data.draw(st.lists(_TIED, min_size=2, max_size=2), label="bounds"))
    rules = {
        # clamp passes the gradient where low <= x <= high (bounds included), as PyTorch
        "clamp": (lambda x: x.clamp(low, high), lambda w: w * ((a >= low) & (a <= high))),
        "clamp_min": (lambda x: x.clamp(min=low), lambda w: w * (a >= low)),
        "clamp_max": (lambda x: x.clamp(max=high), lambda w: w * (a <= high)),
        "relu": (lambda x: x.relu(), lambda w: w * (a > 0)),
        "abs": (lambda x: x.abs(), lambda w: w * np.sign(a)),
    }
    for name, (fn, rule) in rules.items():
        (grad,), weights = _grad(fn, a, device=device)
        problem = mismatch(grad, rule(weights), "float64")
        assert problem is None, f"{name} at its kinks on {device} (bounds {low}, {high}): {problem}"
    # maximum/minimum: a tie splits the gradient in half between the two inputs
    other = np.broadcast_to(b, a.shape).copy()
    for name, pick in (("maximum", np.greater), ("minimum", np.less)):
        (ga, gb), weights = _grad(getattr(tt, name), a, other, device=device)
        share = np.where(a == other, 0.5, pick(a, other).astype("float64"))
        for got, want, which in ((ga, weights * share, "first"),
                                 (gb, weights * (1 - share), "second")):
            problem = mismatch(got, want, "float64")
            assert problem is None, f"{name} ({which} input) at ties on {device}: {problem}"


# ---- index keys -----------------------------------------------------------------------------

@st.composite
def _index_keys(draw, shape):
    """A key for an array of `shape`: basic parts (ints, slices, None, Ellipsis) and at most one
    advanced part (a list, an int64 array or a bool mask), kept free of ints when there is one
    (NumPy and PyTorch place the result's axes differently when ints sit beside it)."""
    parts, axis = [], 0
    advanced_at = draw(st.one_of(st.none(), st.integers(0, max(len(shape) - 1, 0))))
    if not shape:
        advanced_at = None
    ellipsis = draw(st.booleans())
    while axis < len(shape):
        n = shape[axis]
        if axis == advanced_at:
            kind = draw(st.sampled_from(["list", "array", "mask"]))
            if kind == "mask":
                parts.append(("mask", draw(st.lists(st.booleans(), min_size=n, max_size=n))))
            elif n:
                idx = draw(st.lists(st.integers(-n, n - 1), max_size=4))
                parts.append((kind, idx))
            else:
                parts.append(("slice", slice(None)))
            axis += 1
            continue
        choices = ["slice", "none"] + (["int"] if n and advanced_at is None else [])
        kind = draw(st.sampled_from(choices))
        if kind == "int":
            parts.append(("int", draw(st.integers(-n, n - 1))))
            axis += 1
        elif kind == "none":
            parts.append(("none", None))
        else:
            bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
            step = draw(st.sampled_from([None, 1, 2, -1, -2, 3]))
            parts.append(("slice", slice(draw(bound), draw(bound), step)))
            axis += 1
    if ellipsis and parts:  # replace a run of full slices at the end by "..."
        cut = draw(st.integers(0, len(parts)))
        if all(k == "slice" and v == slice(None) for k, v in parts[cut:]):
            parts = parts[:cut] + [("ellipsis", Ellipsis)]
    return parts


def _keys(parts, device):
    """The same key for NumPy and for tinytorch (arrays become tensors on `device`)."""
    np_key, tt_key = [], []
    for kind, value in parts:
        if kind == "array":
            np_key.append(np.asarray(value, dtype="int64"))
            tt_key.append(tt.tensor(value, dtype="int64", device=device))
        elif kind == "mask":
            np_key.append(np.asarray(value, dtype=bool))
            tt_key.append(tt.tensor(value, dtype="bool", device=device))
        else:
            np_key.append(value)
            tt_key.append(value)
    return tuple(np_key), tuple(tt_key)


def _other_default(device):
    """A device of another type, to be the default while `device` is indexed."""
    return "strict:0" if tt.device(device).type != "strict" else "cpu"


@pytest.mark.conformance("values")
@examples("values")
@given(data=st.data())
def test_index_keys_match_numpy(device, data):
    a = _array(data, "float64", max_dims=3)
    # several keys per array: keys are cheap, and the rare ones (a negative step running past
    # the start) need many draws to turn up
    for parts in data.draw(st.lists(_index_keys(a.shape), min_size=1, max_size=8), label="keys"):
        _check_key(a, parts, device)


def _check_key(a, parts, device):
    np_key, tt_key = _keys(parts, device)
    x = to_device(a, device, requires_grad=True)
    try:
        expected = a[np_key]
    except IndexError:
        with pytest.raises(IndexError):
            x[tt_key]
        return
    tt.set_default_device(_other_default(device))  # a key must not land on the default device
    try:
        got = x[tt_key]
    finally:
        tt.set_default_device("cpu")
    check_placement([got], device)
    problem = mismatch(host(got), expected, "float64")
    assert problem is None, f"x{np_key} on {device}: {problem}"
    weights = 1.0 + np.arange(got.numel()).reshape(got.shape) % 3
    (got * to_device(weights, device)).sum().backward()
    expected_grad = np.zeros_like(a)
    np.add.at(expected_grad, np_key, weights)
    problem = mismatch(host(x.grad), expected_grad, "float64")
    assert problem is None, f"gradient of x{np_key} on {device}: {problem}"


@pytest.mark.conformance("devices")
@examples("devices")
@given(data=st.data())
def test_list_keys_are_built_on_the_tensors_device(device, data):
    a = _array(data, "float64", min_dims=1, min_side=1, max_dims=2)
    n = a.shape[0]
    key = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4), label="key")
    x = to_device(a, device)
    tt.set_default_device(_other_default(device))
    try:
        got, written = x[key], x.clone()
        written[key] = 0.0
    finally:
        tt.set_default_device("cpu")
    check_placement([got, written], device)
    assert mismatch(host(got), a[key], "float64") is None
    expected = a.copy()
    expected[key] = 0.0
    assert mismatch(host(written), expected, "float64") is None


# ---- values near zero -----------------------------------------------------------------------

def _vanishes_at_zero(spec):
    """Unary elementwise ops with f(0) = 0 and f(tiny) != 0: their relative error near 0 must
    stay small (an absolute tolerance alone would pass log(1 + x) for log1p). Elementwise means
    each output depends on its own input alone; a running sum is left out, since its
    cancellation (0.01 + 1e-6 - 0.01 in float32) is rounding, not a bug."""
    if spec.arity != 1 or spec.shapes != "single" or "float64" not in spec.dtypes:
        return False
    probe = np.array([0.0, 1e-30, -1e-30])
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = spec.reference(probe)
            if not isinstance(out, np.ndarray) or not isinstance(spec.fn(tt.tensor(probe)),
                                                                 tt.Tensor):
                return False  # several outputs (split, unbind)
            out = out.astype("float64")
            alone = [np.asarray(spec.reference(probe[i:i + 1]), dtype="float64")
                     for i in range(probe.size)]
    except Exception:  # noqa: BLE001
        return False
    if out.shape != probe.shape:
        return False
    elementwise = all(o.shape == (1,) and o[0] == out[i] for i, o in enumerate(alone))
    return elementwise and out[0] == 0 and out[1] != 0 and np.all(np.isfinite(out))


NEAR_ZERO = [spec for spec in OPS if _vanishes_at_zero(spec)]


@pytest.mark.conformance("values")
@pytest.mark.parametrize("name", [spec.name for spec in NEAR_ZERO])
@examples("values")
@given(data=st.data())
def test_ops_vanishing_at_zero_keep_relative_precision_there(device, name, data):
    spec = next(s for s in NEAR_ZERO if s.name == name)
    dtype = data.draw(st.sampled_from([d for d in _floats(device) if d in spec.dtypes]),
                      label="dtype")
    smallest = {"float16": -4, "float32": -30, "float64": -200}[dtype]
    exponents = data.draw(st.lists(st.floats(smallest, -2), min_size=1, max_size=4),
                          label="exponents")
    signs = data.draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=len(exponents),
                               max_size=len(exponents)), label="signs")
    a = (np.asarray(signs) * 10.0 ** np.asarray(exponents)).astype(dtype)
    assume(admissible(spec, a))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.asarray(spec.reference(a.astype("float64")))
        got = host(spec.fn(to_device(a, device))).astype("float64")
    rtol = VALUE_TOLERANCES[dtype][0] * 10
    tiny = np.finfo(dtype).tiny  # results below the smallest normal lose precision by design
    problem = mismatch(got, expected, dtype, rtol=rtol, atol=float(tiny))
    assert problem is None, f"{name} near 0 in {dtype} on {device}: {problem}"


# ---- in-place writes ------------------------------------------------------------------------

INPLACE = {
    "add_": (lambda x: x.add_(1.5), lambda a: a + 1.5),
    "add_alpha": (lambda x: x.add_(x.detach(), alpha=2), lambda a: a + 2 * a),
    "sub_": (lambda x: x.sub_(0.5), lambda a: a - 0.5),
    "mul_": (lambda x: x.mul_(3.0), lambda a: a * 3.0),
    "div_": (lambda x: x.div_(4.0), lambda a: a / 4.0),
    "pow_": (lambda x: x.pow_(2), lambda a: a ** 2),
    "clamp_": (lambda x: x.clamp_(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
    "fill_": (lambda x: x.fill_(7.0), lambda a: np.full_like(a, 7.0)),
    "zero_": (lambda x: x.zero_(), np.zeros_like),
    "copy_": (lambda x: x.copy_(tt.ones(x.shape, dtype=x.dtype, device=x.device)),
              np.ones_like),
    "iadd": (lambda x: x.__iadd__(2.0), lambda a: a + 2.0),
    "imul": (lambda x: x.__imul__(-1.0), lambda a: -a),
    "setitem": (lambda x: x.__setitem__(0, 9.0), lambda a: np.concatenate([[9.0], a[1:]])),
    "setitem_list": (lambda x: x.__setitem__([0, -1], 5.0),
                     lambda a: np.where(np.isin(np.arange(a.size), [0, a.size - 1]), 5.0, a)),
}


@pytest.mark.conformance("inplace")
@pytest.mark.parametrize("name", sorted(INPLACE))
@examples("devices")
@given(data=st.data())
def test_in_place_writes_follow_the_version_rules(device, name, data):
    write, reference = INPLACE[name]
    dtype = data.draw(st.sampled_from([d for d in _floats(device) if d != "float16"]),
                      label="dtype")
    a = _array(data, dtype, min_dims=1, max_dims=1, min_side=2,
               elements=st.floats(-2, 2, width=16))
    how = data.draw(st.sampled_from(["itself", "detached", "view"]), label="written through")
    # the value: the write gives the out-of-place result, and bumps the version
    x = to_device(a, device)
    before = x._version
    write(x)
    assert x._version > before, f"{name} did not bump the version counter on {device}"
    problem = mismatch(host(x), reference(a.astype("float64")), dtype)
    assert problem is None, f"{name} on {device}: {problem}"
    # the autograd rule: a graph that saved the old value refuses to run backward
    leaf = to_device(a, device, requires_grad=True)
    y = leaf * 1.0
    z = y * y  # saves y
    with tt.no_grad():
        target = y if how == "itself" else y.detach() if how == "detached" else y[0:]
        write(target)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
