"""The backend registry: one record per device type, and nothing else knows a backend.

What it does: maps a device type ("cpu", "cuda", "strict", or one you
register) to a `Backend` record that says how to load its array-API
namespace, how many devices it has, how to name a device natively, and how
to copy arrays to and from host memory (NumPy arrays are the interchange
format). The built-in backends are found by convention: a module
`tinytorch.backends.<type>` that defines `BACKEND`. Installed packages add
device types through entry points in the group "tinytorch.backends" (name:
the device type, value: their `Backend` record), read the first time such a
type is asked for; docs/backends.md is the contract for backend authors.

Assumes: each backend is array-API compatible (directly or through
array-api-compat), so the front end can run every op through the namespace
`xp` and array operators. A backend is loaded lazily, the first time one of
its devices is used, so CuPy is never imported on a machine that does not
ask for "cuda".

Production does instead: PyTorch routes each op through a C++ dispatcher
keyed on (device, dtype, autograd state) to a kernel registered for that
combination; third-party devices register kernels with
`TORCH_LIBRARY_IMPL`. Here a Python dict maps the device type to a record,
and the kernels are whatever the array-API namespace provides.

Registering another backend (JAX, say) takes one call::

    import jax, jax.numpy as jnp
    from tinytorch import backends

    backends.register(backends.Backend(
        name="jax",
        load=lambda: jnp,                                  # the array-API namespace
        device_count=lambda: len(jax.devices()),
        native_device=lambda index: jax.devices()[index],
        from_host=lambda host, dev: jax.device_put(jnp.asarray(host), dev),
        to_host=lambda arr: __import__("numpy").asarray(arr),
    ))
    x = tinytorch.ones(3, device="jax:0")
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Backend", "BackendUnavailableError", "register", "get", "registered_types"]


class BackendUnavailableError(RuntimeError):
    """A device type is known but cannot be used on this machine (library or hardware missing)."""


@dataclass
class Backend:
    """How tinytorch talks to one array library.

    `load` returns the array-API namespace (imported on first use).
    `device_count` says how many devices exist (0 when the hardware is absent;
    it must not raise). `native_device(index)` returns the library's own
    device object. `from_host(numpy_array, native_device)` and
    `to_host(array)` copy across the host boundary. `check_available()`
    raises BackendUnavailableError explaining what is missing and how to fix
    it. `index_add(xp, zeros, axis, index, values)` adds `values` into
    `zeros` at `index` along `axis`, accumulating repeated indices; the
    default works on any array-API library through a one-hot matmul.
    `index_put(xp, flat, index, values)` returns a copy of the 1-D `flat` with
    `values` written at `index` (the default uses only standard functions).
    `where(xp, condition, a, b)` is the standard's `where` (the default calls it), for
    a backend that has a faster way (masked_fill and `where` go through it).
    `to_array` turns what the library's ops may return besides arrays (NumPy
    scalars) into arrays; without it such a result is reported as a leak.
    `array_type` is the library's array class, found at load if not given.
    """

    name: str
    load: Callable[[], Any]
    device_count: Callable[[], int]
    native_device: Callable[[int], Any]
    from_host: Callable[[Any, Any], Any]
    to_host: Callable[[Any], Any]
    check_available: Callable[[], None] = lambda: None
    index_add: Callable[..., Any] | None = None
    index_put: Callable[..., Any] = None
    where: Callable[..., Any] = None
    to_array: Callable[[Any], Any] | None = None
    array_type: type | None = None
    default_index: int = 0
    _xp: Any = field(default=None, repr=False)
    dtypes: dict = field(default_factory=dict, repr=False)
    dtype_names: dict = field(default_factory=dict, repr=False)

    @property
    def xp(self):
        """The array-API namespace, loaded (and its dtype tables built) on first use."""
        if self._xp is None:
            self.check_available()
            xp = self.load()
            self._build_dtype_tables(xp)
            if self.array_type is None:
                self.array_type = type(xp.empty((0,)))
            if self.index_put is None:
                self.index_put = one_hot_index_put
            if self.where is None:
                self.where = standard_where
            self._xp = xp
        return self._xp

    def _build_dtype_tables(self, xp):
        from ..dtypes import DTYPES
        self.dtypes, self.dtype_names = {}, {}
        for name in DTYPES:
            native = getattr(xp, name, None)
            if native is None:
                continue
            self.dtypes[name] = native
            # Key by what arrays report: NumPy's xp.float32 is a scalar type, but
            # arrays report np.dtype("float32"), which hashes differently.
            self.dtype_names[xp.empty((0,), dtype=native).dtype] = name
            self.dtype_names[native] = name

    def dtype(self, name: str):
        """The backend's dtype object for a tinytorch dtype string."""
        found = self.xp and self.dtypes.get(name)
        if found is None:
            raise TypeError(f"the {self.name!r} backend has no dtype {name}; it supports "
                            f"{', '.join(self.dtypes)}. Use one of those or another device.")
        return found

    def dtype_name(self, native_dtype) -> str:
        """The tinytorch dtype string of a backend dtype object."""
        name = self.dtype_names.get(native_dtype)
        if name is None:
            raise TypeError(f"the {self.name!r} backend produced dtype {native_dtype}, "
                            f"which tinytorch does not support")
        return name

    def coerce(self, array):
        """An array of this backend from what an op returned (NumPy's scalars, say)."""
        if self.to_array is None:
            raise TypeError(f"an op on the {self.name!r} backend returned a "
                            f"{type(array).__module__}.{type(array).__name__}, not a "
                            f"{self.array_type.__name__}: the op leaked a foreign array. This is "
                            f"a bug in tinytorch; please report it.")
        return self.to_array(array)

    def scatter_add(self, xp, zeros, axis: int, index, values):
        """`zeros` with `values` added at `index` along `axis` (repeats accumulate)."""
        if self.index_add is not None:
            return self.index_add(xp, zeros, axis, index, values)
        return one_hot_index_add(xp, zeros, axis, index, values)


def one_hot_index_add(xp, zeros, axis, index, values):
    """Portable scatter-add: multiply by a one-hot matrix (memory O(len(index) * n))."""
    n = zeros.shape[axis]
    moved = xp.moveaxis(values, axis, 0)
    rest = moved.shape[1:]
    width = math.prod(rest)
    flat = xp.reshape(moved, (moved.shape[0], width))  # not -1: ambiguous when a size is 0
    positions = xp.arange(n, dtype=index.dtype, device=index.device)
    one_hot = xp.astype(positions[:, None] == index[None, :], flat.dtype)
    summed = one_hot @ flat
    if xp.isdtype(flat.dtype, "real floating") and not bool(xp.all(xp.isfinite(flat))):
        summed = _nonfinite_sums(xp, one_hot, flat, summed)
    summed = xp.reshape(summed, (n, *rest))
    return zeros + xp.moveaxis(summed, 0, axis)


def _nonfinite_sums(xp, one_hot, flat, summed):
    """Redo the nan/inf entries of `one_hot @ flat`: the product spreads 0 * inf = nan to every
    row, while a scatter-add leaves them only where they were added (as inf, -inf or nan)."""
    finite = xp.isfinite(flat)
    summed = one_hot @ xp.where(finite, flat, xp.zeros_like(flat))
    count = lambda mask: one_hot @ xp.astype(mask, flat.dtype)  # noqa: E731
    nan, pos, neg = count(xp.isnan(flat)), count(flat == xp.inf), count(flat == -xp.inf)
    summed = xp.where(pos > 0, xp.full_like(summed, xp.inf), summed)
    summed = xp.where(neg > 0, xp.full_like(summed, -xp.inf), summed)
    return xp.where((nan > 0) | ((pos > 0) & (neg > 0)), xp.full_like(summed, xp.nan), summed)


def standard_where(xp, condition, a, b):
    """The array API's where(condition, a, b): the default `Backend.where`."""
    return xp.where(condition, a, b)


def one_hot_index_put(xp, flat, index, values):
    """Portable `flat[index] = values` for a 1-D array, out of place; the last write wins."""
    positions = xp.arange(flat.shape[0], dtype=index.dtype, device=index.device)
    hits = index[:, None] == positions[None, :]
    order = xp.arange(index.shape[0], dtype=index.dtype, device=index.device)
    last = xp.max(xp.where(hits, order[:, None], -1), axis=0) if index.shape[0] else None
    if last is None:
        return flat
    chosen = xp.take(values, xp.clip(last, 0, None), axis=0)
    return xp.where(last >= 0, chosen, flat)


_registry: dict[str, Backend] = {}


def register(backend: Backend) -> None:
    """Make `backend.name` usable as a device type ("name" or "name:index")."""
    if not backend.name.isidentifier():
        raise ValueError(f"a backend name must be an identifier like 'jax', got {backend.name!r}")
    _registry[backend.name] = backend


def get(device_type: str) -> Backend:
    """The backend for a device type, importing a built-in one on first use."""
    backend = _registry.get(device_type)
    if backend is None:
        if device_type in _BUILT_IN:
            module = importlib.import_module(f"{__name__}.{device_type}")
            register(module.BACKEND)
            return _registry[device_type]
        if device_type in _entry_points():
            register(_load_entry_point(device_type))
            return _registry[device_type]
        raise RuntimeError(
            f"Expected one of {', '.join(registered_types())} device type at start of device "
            f"string: {device_type}. Register a new device type with "
            f"tinytorch.backends.register(...).")
    return backend


_BUILT_IN = ("cpu", "cuda", "strict")


def registered_types() -> list[str]:
    """Every device type: built in, registered, or declared by an installed package."""
    return sorted({*_BUILT_IN, *_registry, *_entry_points()})


# ---- backends that installed packages declare -------------------------------------------------

ENTRY_POINT_GROUP = "tinytorch.backends"


def _entry_points() -> dict:
    """{device type: entry point} for the installed packages' `tinytorch.backends` entry points.

    Read anew on every call (it is only called when a device type is not registered yet), so a
    package installed while Python runs is found too. A built-in name cannot be taken over.
    """
    from importlib.metadata import entry_points
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)
            if ep.name not in _BUILT_IN}


def _load_entry_point(device_type: str) -> Backend:
    point = _entry_points()[device_type]
    where = f"the {ENTRY_POINT_GROUP!r} entry point {point.name} = {point.value!r}"
    if point.dist is not None:
        where += f" of the installed package {point.dist.name} {point.dist.version}"
    try:
        backend = point.load()
    except Exception as exc:  # noqa: BLE001 - any import failure of a plugin is reported alike
        raise BackendUnavailableError(
            f"device type {device_type!r} comes from {where}, which failed to load: "
            f"{type(exc).__name__}: {exc}. Reinstall that package or uninstall it.") from exc
    if not isinstance(backend, Backend) or backend.name != device_type:
        raise BackendUnavailableError(
            f"{where} must name a tinytorch.backends.Backend whose name is {device_type!r}, "
            f"but it gives {backend!r}. Fix the entry point in that package's metadata.")
    return backend
