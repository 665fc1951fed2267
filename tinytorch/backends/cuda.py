"""The "cuda" backend: CuPy through array-api-compat, imported only when a cuda device is used.

Assumes: CuPy and an NVIDIA GPU are present; `cuda:N` is CuPy device N.
Kernels run on CuPy's current device, so tinytorch assumes one GPU per
process in practice (cuda:0); arrays on other GPUs work only inside
`cupy.cuda.Device(N)` blocks.
Production does instead: PyTorch ships its own CUDA kernels, a caching
allocator, streams and a per-tensor device guard that switches the current
GPU for every op.
"""

from __future__ import annotations

import importlib
import importlib.util

from . import Backend, BackendUnavailableError


def _cupy():
    try:
        return importlib.import_module("cupy")
    except ImportError as exc:
        raise BackendUnavailableError(
            f"CuPy is not installed ({exc}), so tinytorch cannot use device 'cuda'. "
            'Install it with: pip install "tinytorch[cuda]" (CUDA 13 drivers; use '
            '"tinytorch[cuda12]" for a CUDA 12 driver: `nvidia-smi` shows the driver\'s CUDA '
            "version)") from exc


def _device_count() -> int:
    try:
        return _cupy().cuda.runtime.getDeviceCount()
    except Exception:  # noqa: BLE001 - no CuPy, no driver or no GPU all mean zero devices
        return 0


def wheel_advice(driver_version: int, runtime_version: int) -> str | None:
    """What to install when CuPy's CUDA is newer than the driver supports, else None.

    Versions are CUDA's integers (12040 is 12.4). A driver runs any runtime of
    its own major version or older, so only the majors are compared.
    """
    driver, runtime = driver_version // 1000, runtime_version // 1000
    if runtime <= driver:
        return None
    extra = "cuda12" if driver == 12 else "cuda13" if driver == 13 else None
    fix = (f'pip uninstall cupy-cuda{runtime}x && pip install "tinytorch[{extra}]" '
           f"(cupy-cuda{driver}x)" if extra else "update the NVIDIA driver")
    return (f"CuPy is built for CUDA {runtime}, but the NVIDIA driver supports CUDA "
            f"{driver} at most. Install the wheel for your driver: {fix}, or update the driver.")


def _check_available():
    cupy = _cupy()
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001
        try:
            advice = wheel_advice(cupy.cuda.runtime.driverGetVersion(),
                                  cupy.cuda.runtime.runtimeGetVersion())
        except Exception:  # noqa: BLE001 - no driver at all: the generic message below
            advice = None
        if advice:
            raise BackendUnavailableError(advice) from exc
        raise BackendUnavailableError(
            f"CuPy is installed but no GPU is visible ({exc}). Check the NVIDIA driver with "
            f"`nvidia-smi` and that CUDA_VISIBLE_DEVICES is not empty.") from exc
    if count == 0:
        raise BackendUnavailableError(
            "CuPy is installed but no GPU is visible. Check the NVIDIA driver with `nvidia-smi` "
            "and that CUDA_VISIBLE_DEVICES is not empty.")


def _load():
    return importlib.import_module("array_api_compat.cupy")


def _index_add(xp, zeros, axis, index, values):
    cupyx = importlib.import_module("cupyx")
    out = zeros.copy()
    cupyx.scatter_add(out, (slice(None),) * axis + (index,), values)
    return out


def _index_put(xp, flat, index, values):
    out = flat.copy()
    out[index] = values
    return out


def _from_host(host, device):
    cupy = _cupy()
    with device:
        return cupy.asarray(host)


BACKEND = Backend(
    name="cuda",
    load=_load,
    device_count=_device_count,
    native_device=lambda index: _cupy().cuda.Device(index),
    from_host=_from_host,
    to_host=lambda array: array.get(),
    check_available=_check_available,
    index_add=_index_add,
    index_put=_index_put,
)


class _MatmulFlags:
    """`torch.backends.cuda.matmul`'s flags, accepted and recorded; CuPy's matmul ignores them.

    CuPy uses TF32 only when the CUPY_TF32=1 environment variable is set, so
    `allow_tf32` reads False by default, as in PyTorch.
    """

    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built() -> bool:
    """True when CuPy is installed (tinytorch's cuda support), whether or not a GPU is present."""
    return importlib.util.find_spec("cupy") is not None


# The runtime questions tinytorch.cuda answers (each needs CuPy and a GPU; callers check first).
def current_device() -> int:
    return _cupy().cuda.runtime.getDevice()


def set_device(index: int) -> None:
    _cupy().cuda.runtime.setDevice(index)


def synchronize() -> None:
    _cupy().cuda.Device().synchronize()


def device_name(index: int) -> str:
    name = _cupy().cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def free_cached_memory() -> None:
    _cupy().get_default_memory_pool().free_all_blocks()
