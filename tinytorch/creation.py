"""Making tensors: from data (`tensor`, `as_tensor`, `from_numpy`), factories (`zeros`, `ones`,
`full`, `empty`, `arange`, `linspace`, `eye` and the `*_like` forms) and random draws
(`rand`, `randn`, `randint`, `randperm`, `multinomial`; each takes `generator=`, see
generator.py, which also holds `manual_seed`).

Dtype inference follows PyTorch: Python floats give the default float dtype
(float32), Python ints give int64, bools give bool, and a NumPy array keeps
its own dtype. Factories build directly on the device through the
backend's namespace; data from Python or NumPy is assembled on the host
and copied to the device once.
Assumes: random numbers are drawn on the host and copied (see
backends/host.py), so the same seed gives the same numbers on every device.
Production does instead: PyTorch fills tensors on the device with its own
kernels and per-device generators.
"""

from __future__ import annotations

import contextlib
import math
import operator

from . import dtypes as _dt
from .backends import host
from .device import device as as_device
from .device import get_default_device
from .tensor import Tensor

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty",
           "arange", "linspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like",
           "rand", "randn", "randint", "rand_like", "randn_like", "randperm", "multinomial"]


def _device(device):
    return get_default_device() if device is None else as_device(device)


MAX_DIMS = 64  # PyTorch's (and NumPy's) limit on the number of dimensions


def parse_sizes(args, *, negative_ok=()):
    """Sizes from f(2, 3), f((2, 3)) or f([2, 3]) alike, as ints; sizes below 0 other than
    `negative_ok` (the -1 that reshape and expand infer) are refused, as are sizes past int64
    and more than MAX_DIMS dimensions. Creation functions and shape ops share it."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    try:
        sizes = tuple(operator.index(a) for a in args)
    except TypeError:
        raise TypeError(f"sizes must be integers, got {args!r}") from None
    bad = [n for n in sizes if (n < 0 and n not in negative_ok) or n >= 2**63]
    if bad:
        raise RuntimeError(f"invalid size {bad[0]} in {list(sizes)}: sizes must be non-negative"
                           + (" (or -1 to infer one)" if negative_ok else "")
                           + " and below 2**63.")
    if len(sizes) > MAX_DIMS:
        raise RuntimeError(f"{len(sizes)} dimensions were asked for, but tensors have at most "
                           f"{MAX_DIMS}. Merge axes with reshape() first.")
    return sizes


@contextlib.contextmanager
def _allocating(shape, dtype):
    """Turn the backend's MemoryError into a RuntimeError that says how much was asked for,
    and refuse up front a size no array can have (NumPy's limit: bytes must fit an int64)."""
    count = 1
    for n in shape:
        count *= n
    size = count * _dt._BITS.get(dtype, 8) // 8
    message = (f"can't allocate memory: a {dtype} tensor of shape {tuple(shape)} holds {count} "
               f"elements, {size} bytes. Ask for a smaller tensor.")
    if size >= 2**63:
        raise RuntimeError(message)
    try:
        yield
    except (MemoryError, OverflowError):
        raise RuntimeError(message) from None


def _finish(array, dev, requires_grad):
    t = Tensor._wrap(array, dev)
    return t.requires_grad_() if requires_grad else t


def _infer_dtype(host_array, from_python: bool) -> str:
    name = host.host_dtype_name(host_array)
    if name == "bool":
        return "bool"
    if from_python:
        kind = name[0]
        if kind == "f":
            return _dt.get_default_dtype()
        if kind in "iu":
            return "int64"
        if kind == "c":
            return _dt.promote_types(_dt.get_default_dtype(), "complex64")
    if name in _dt.DTYPES:
        return name
    if name == "object":
        raise TypeError("can't build a tensor from data of dtype object: it holds something "
                        "other than numbers and bools, or an integer too large for int64 (below "
                        "2**63). Pass numbers in range, or a large value as a float "
                        "(dtype='float32' or 'float64').")
    raise TypeError(f"can't convert data of dtype {name} to a tensor; supported dtypes are "
                    f"{', '.join(_dt.DTYPES)}. Convert it first, e.g. data.astype('float32').")


def tensor(data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A new tensor holding a copy of `data` (a scalar, nested lists, a NumPy array or a Tensor)."""
    if isinstance(data, Tensor):
        out = data.detach().to(device=device if device is not None else data.device,
                               dtype=dtype)
        out = Tensor._wrap(out.device.xp.asarray(out._data, copy=True), out.device)
        return out.requires_grad_() if requires_grad else out
    return as_tensor(data, dtype, device, requires_grad=requires_grad, copy=True)


def as_tensor(data, dtype=None, device=None, *, requires_grad=False, copy=None) -> Tensor:
    """Like `tensor`, but a Tensor already of that dtype and device is returned as it is."""
    dev = _device(device) if device is not None or not isinstance(data, Tensor) else None
    if isinstance(data, Tensor):
        out = data.to(device=dev, dtype=dtype)
        if copy and out is data:  # a copy that stays in the graph, as PyTorch's clone() does
            out = out.clone()
        elif copy is False and out is not data:
            raise ValueError(f"asarray(copy=False) would need a copy to give dtype {out.dtype} on "
                             f"{out.device} (the input is {data.dtype} on {data.device}). Pass "
                             f"copy=None to allow one.")
        return out
    dev = _device(device)
    from_python = not host.is_host_array(data)
    if from_python and _contains_tensor(data):
        return _stack_parts([as_tensor(d, dtype, device) for d in data])
    try:
        host_array = host.to_host(data)
    except (ValueError, TypeError):
        raise ValueError(f"can't build a tensor from this {type(data).__name__}: nested lists "
                         f"must be rectangular (every row of one length) and hold only numbers "
                         f"or bools.") from None
    inferred = _infer_dtype(host_array, from_python)  # also refuses strings, objects, ...
    dtype = inferred if dtype is None else _dt.canonical_dtype(dtype)
    if from_python and _dt.is_integral(dtype):
        for value in host.int_extremes(host_array):
            _check_fits(value, dtype)
    dev.xp  # noqa: B018 - load the backend (and check the device) before copying to it
    dev._backend.dtype(dtype)  # a clear error if this backend lacks the dtype
    host_array = host.astype(host_array, dtype)
    if copy and not from_python:  # tensor(ndarray) copies, as documented; lists are fresh anyway
        host_array = host.copy(host_array)
    array = dev._backend.from_host(host_array, dev.native)
    return _finish(array, dev, requires_grad)


def _check_fits(value: int, dtype: str) -> None:
    low, high = _dt.int_range(dtype)
    if not low <= value <= high:
        raise RuntimeError(f"value {value} cannot be converted to type {dtype} without overflow "
                           f"({dtype} holds {low} to {high}). Pick a wider dtype, e.g. int64.")


def _stack_parts(parts) -> Tensor:
    """tensor([t0, t1, ...]): equal-shaped parts stacked along a new first axis, promoted to
    one dtype. Done on arrays (not with ops.stack) because creation sits below the ops."""
    shapes = {p.shape for p in parts}
    if len(shapes) > 1:
        raise ValueError(f"can't build a tensor from tensors of different shapes "
                         f"{sorted(shapes)}; every element must have the same shape.")
    common = parts[0].dtype
    for p in parts[1:]:
        common = _dt.promote_types(common, p.dtype)
    dev = parts[0].device
    xp, dtype = dev.xp, dev._backend.dtype(common)
    arrays = [p._data if p.dtype == common else xp.astype(p._data, dtype) for p in parts]
    return Tensor._wrap(xp.stack(arrays), dev)


def _contains_tensor(data) -> bool:
    return isinstance(data, (list, tuple)) and len(data) > 0 and any(
        isinstance(d, Tensor) or _contains_tensor(d) for d in data)


def asarray(obj, /, *, dtype=None, device=None, copy=None) -> Tensor:
    """The array API standard's name for `as_tensor`."""
    return as_tensor(obj, dtype, device, copy=copy)


def from_numpy(ndarray) -> Tensor:
    """A cpu tensor sharing memory with a NumPy array (as torch.from_numpy)."""
    if not host.is_host_array(ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dev = as_device("cpu")
    dev.xp  # noqa: B018
    _infer_dtype(ndarray, from_python=False)
    return Tensor._wrap(dev._backend.from_host(ndarray, dev.native), dev)


def _factory(fill):
    # `shape` first, as the standard names it; more positional sizes make PyTorch's zeros(2, 3)
    def make(shape=None, *size, dtype=None, device=None, requires_grad=False):
        dev = _device(device)
        dtype = _dt.get_default_dtype() if dtype is None else _dt.canonical_dtype(dtype)
        sizes = (shape, *size) if shape is not None else size
        shape = parse_sizes(sizes)
        with _allocating(shape, dtype):
            array = fill(dev.xp, shape, dev._backend.dtype(dtype), dev.native)
        return _finish(array, dev, requires_grad)
    return make


zeros = _factory(lambda xp, shape, dt, dev: xp.zeros(shape, dtype=dt, device=dev))
ones = _factory(lambda xp, shape, dt, dev: xp.ones(shape, dtype=dt, device=dev))
empty = _factory(lambda xp, shape, dt, dev: xp.empty(shape, dtype=dt, device=dev))
zeros.__name__, ones.__name__, empty.__name__ = "zeros", "ones", "empty"


def full(shape=None, fill_value=None, *, dtype=None, device=None, requires_grad=False,
         size=None) -> Tensor:
    """A tensor of `shape` (PyTorch's `size=`) filled with `fill_value` (dtype from the value)."""
    size = shape if size is None else size
    if size is None or fill_value is None:
        raise TypeError("full() needs a shape and a fill value, e.g. full((2, 3), 1.0)")
    dev = _device(device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (bool, int, float, complex)):
        raise TypeError(f"full(): fill_value must be a number or a bool, got "
                        f"{type(fill_value).__name__} ({fill_value!r})")
    dtype = _dt.result_type(fill_value) if dtype is None else _dt.canonical_dtype(dtype)
    if isinstance(fill_value, complex) and not _dt.is_complex(dtype):
        raise TypeError(f"full(): a complex fill_value ({fill_value!r}) needs a complex dtype, "
                        f"got {dtype}. Pass dtype='complex64' or 'complex128'.")
    try:
        value = bool(fill_value) if dtype == "bool" else (
            int(fill_value) if _dt.is_integral(dtype) else complex(fill_value)
            if _dt.is_complex(dtype) else float(fill_value))
    except (OverflowError, ValueError):  # 2**1100 as a float; nan or inf as an int
        raise RuntimeError(f"value {fill_value!r:.40} cannot be converted to type {dtype} "
                           f"without overflow") from None
    if _dt.is_integral(dtype):
        _check_fits(value, dtype)
    shape = parse_sizes((size,) if isinstance(size, int) else (size,))
    with _allocating(shape, dtype):
        array = dev.xp.full(shape, value, dtype=dev._backend.dtype(dtype), device=dev.native)
    return _finish(array, dev, requires_grad)


def arange(start, stop=None, step=1, *, dtype=None, device=None, requires_grad=False,
           end=None) -> Tensor:
    """Values from `start` up to (not including) `stop` (PyTorch's `end=`), `step` apart."""
    end = stop if end is None else end
    if end is None:
        start, end = 0, start
    for name, value in (("start", start), ("end", end), ("step", step)):
        if isinstance(value, Tensor):
            value = value.item()
        if not isinstance(value, (int, float)) or (isinstance(value, float)
                                                    and not math.isfinite(value)):
            raise RuntimeError(f"unsupported range: arange {name} must be a finite number, got "
                               f"{value!r}")
    if step == 0:
        raise ValueError("arange step must be nonzero")
    # A step pointing away from `end` gives an empty range, as the array API standard (and
    # Python's range) say; PyTorch raises here, so only PyTorch code that expects an error
    # sees a difference (docs/array-api.md, the table of conflicts).
    if dtype is None:
        dtype = _dt.result_type(*(v for v in (start, end, step)))
    dev = _device(device)
    dtype = _dt.canonical_dtype(dtype)
    exact = all(isinstance(v, int) for v in (start, end, step))  # ints may exceed a float
    steps = -(-(end - start) // step) if exact else math.ceil((end - start) / step)
    count = parse_sizes((max(0, steps),))  # below 2**63
    with _allocating(count, dtype):
        # an empty range is made as such: not every backend's arange takes a step away from end
        array = dev.xp.arange(start, end, step, dtype=dev._backend.dtype(dtype),
                              device=dev.native) if steps > 0 else dev.xp.empty(
            (0,), dtype=dev._backend.dtype(dtype), device=dev.native)
    return _finish(array, dev, requires_grad)


def linspace(start, stop=None, num=None, *, dtype=None, device=None, requires_grad=False,
             end=None, steps=None, endpoint=True) -> Tensor:
    """`num` evenly spaced values from start to stop (PyTorch's end=, steps= work too)."""
    end = stop if end is None else end
    steps = num if steps is None else steps
    dev = _device(device)
    if dtype is None:
        dtype = _dt.result_type(_dt.get_default_dtype(), *(v for v in (start, end)
                                                           if isinstance(v, complex)))
    dtype = _dt.canonical_dtype(dtype)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise RuntimeError(f"linspace(): number of steps must be a non-negative int, got "
                           f"{steps!r}")
    cast = complex if _dt.is_complex(dtype) else float
    with _allocating((steps,), dtype):
        array = dev.xp.linspace(cast(start), cast(end), int(steps), endpoint=endpoint,
                                dtype=dev._backend.dtype(dtype), device=dev.native)
    return _finish(array, dev, requires_grad)


def eye(n, m=None, *, k=0, dtype=None, device=None, requires_grad=False) -> Tensor:
    """An n x m matrix with ones on diagonal k (PyTorch's eye(n, m), the standard's k=)."""
    dev = _device(device)
    dtype = _dt.get_default_dtype() if dtype is None else _dt.canonical_dtype(dtype)
    n, m = parse_sizes((n, n if m is None else m))  # ints >= 0, as for any size
    with _allocating((n, m), dtype):
        array = dev.xp.eye(n, m, k=k, dtype=dev._backend.dtype(dtype), device=dev.native)
    return _finish(array, dev, requires_grad)


def _like(factory):
    def make_like(input, *args, dtype=None, device=None, requires_grad=False):  # noqa: A002
        return factory(input.shape, *args, dtype=dtype or input.dtype,
                       device=device or input.device, requires_grad=requires_grad)
    make_like.__name__ = factory.__name__ + "_like"
    return make_like


def _random(draw, default_dtype=None):
    def make(*size, generator=None, dtype=None, device=None, requires_grad=False):
        dev = _device(device)
        dtype = _dt.canonical_dtype(dtype or default_dtype or _dt.get_default_dtype())
        if not _dt.is_floating_point(dtype):
            raise TypeError(f"{draw.__name__}() needs a floating dtype, got {dtype}; use "
                            f"randint() for integers.")
        shape = parse_sizes(size)
        stream = host.stream_for(generator, str(dev))
        with _allocating(shape, dtype):
            return as_tensor(draw(stream, shape), dtype=dtype, device=dev,
                             requires_grad=requires_grad)
    return make


rand = _random(host.uniform)
randn = _random(host.normal)
rand.__name__, randn.__name__ = "rand", "randn"


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers drawn uniformly from [low, high); `randint(high, size)` starts at 0."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() needs a size, e.g. randint(0, 10, (3,))")
    for name, bound in (("low", low), ("high", high)):
        if isinstance(bound, bool) or not isinstance(bound, int):
            raise TypeError(f"randint(): {name} must be an int, got {type(bound).__name__} "
                            f"({bound!r})")
    if high <= low:
        raise ValueError(f"randint needs low < high, got low={low}, high={high}")
    dev = _device(device)
    shape = parse_sizes((size,) if isinstance(size, int) else (size,))
    values = host.integers(host.stream_for(generator, str(dev)), low, high, shape)
    return as_tensor(values, dtype=dtype or "int64", device=dev, requires_grad=requires_grad)


def randperm(n, *, generator=None, dtype="int64", device=None) -> Tensor:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise RuntimeError(f"randperm(): n must be a non-negative int, got {n!r}")
    dev = _device(device)
    order = host.permutation_from(host.stream_for(generator, str(dev)), n)
    return as_tensor(order, dtype=dtype, device=dev)


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)
rand_like, randn_like = _like(rand), _like(randn)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return full(input.shape, fill_value, dtype=dtype or input.dtype,
                device=device or input.device, requires_grad=requires_grad)


def multinomial(input, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator=None) -> Tensor:
    """Draw `num_samples` category indices from each row of weights `input` (int64, same device).

    The weights need not sum to 1; they must be non-negative, finite, with a
    positive sum per row. Without replacement a category is drawn at most
    once, so `num_samples` can't exceed the number of non-zero weights.
    """
    if isinstance(num_samples, bool) or not isinstance(num_samples, int):
        raise TypeError(f"multinomial(): num_samples must be an int, got "
                        f"{type(num_samples).__name__} ({num_samples!r})")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial needs a 1-D or 2-D tensor of probabilities, got shape "
                           f"{list(input.shape)}")
    if not _dt.is_floating_point(input.dtype):
        raise RuntimeError(f"multinomial needs floating point probabilities, got {input.dtype}")
    if input.shape[-1] == 0:
        raise RuntimeError(f"multinomial needs at least one category, got shape "
                           f"{list(input.shape)}")
    weights = input.detach()._host().reshape(-1, input.shape[-1])
    rows = weights.tolist()
    for row in rows:
        if any(not (w >= 0) or w == float("inf") for w in row) or not sum(row) > 0:
            raise RuntimeError("multinomial: probabilities must be finite, non-negative and have "
                               "a positive sum in every row")
        if not replacement and num_samples > sum(w > 0 for w in row):
            raise RuntimeError(f"multinomial: can't draw {num_samples} samples without "
                               f"replacement from {sum(w > 0 for w in row)} non-zero weights; "
                               f"pass replacement=True or draw fewer")
    if num_samples < 1:
        raise RuntimeError(f"multinomial: num_samples must be positive, got {num_samples}")
    stream = host.stream_for(generator, str(input.device))
    picks = host.categorical(stream, weights, int(num_samples), bool(replacement))
    out = as_tensor(picks, dtype="int64", device=input.device)
    return out.reshape(num_samples) if input.ndim == 1 else out


# The *_like functions check that `input` is a tensor (errors.tensor_arguments).
from .errors import tensor_arguments  # noqa: E402

tensor_arguments(globals(), __all__, Tensor)
