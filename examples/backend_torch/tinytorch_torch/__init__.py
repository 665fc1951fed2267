"""The "torch" device type for tinytorch: PyTorch tensors through array-api-compat.

An example of a backend that tinytorch does not ship. Installing this package is enough:
its entry point (group "tinytorch.backends", name "torch") points at `BACKEND`, and tinytorch
loads it the first time a "torch" device is used. "torch:0" is PyTorch's CPU; "torch:1",
"torch:2", ... are its CUDA devices cuda:0, cuda:1, ... where PyTorch sees any.

Assumes: array-api-compat's `torch` namespace, which adapts PyTorch to the array API standard.
Where PyTorch still falls short of what tinytorch's front end needs, the fix lives here, in the
record, and docs/conformance.md lists each one.
Production does instead: PyTorch itself is the front end there; a new device joins it as a
C++ "PrivateUse1" backend with kernels registered per op.
"""

from __future__ import annotations

import types

import array_api_compat.torch as compat
import numpy as np
import torch

from tinytorch.backends import Backend

# PyTorch has uint16, uint32 and uint64 tensors but almost no kernels for them ("add_stub" not
# implemented for 'UInt32'), so this backend does not offer them: tinytorch then refuses those
# dtypes on "torch" devices with a TypeError, as it refuses float16 on array-api-strict.
_UNSUPPORTED_DTYPES = ("uint16", "uint32", "uint64")


def _namespace():
    xp = types.ModuleType("tinytorch_torch.namespace", compat.__doc__)
    xp.__dict__.update({k: v for k, v in vars(compat).items()
                        if not k.startswith("__") and k not in _UNSUPPORTED_DTYPES})
    return xp


def _device_count() -> int:
    return 1 + (torch.cuda.device_count() if torch.cuda.is_available() else 0)


def _native_device(index: int):
    return torch.device("cpu") if index == 0 else torch.device("cuda", index - 1)


def _from_host(host, device):
    # torch.tensor copies, so the tensor never shares (possibly read-only) NumPy memory.
    return torch.tensor(np.asarray(host), device=device)


def _to_host(array):
    return array.detach().cpu().numpy()


def _index_add(xp, zeros, axis, index, values):
    return zeros.index_add(axis, index, values)


# The conformance properties PyTorch's tensors fail through this backend, and why; tinytorch's
# front end does not paper over them. check_report.py fails CI on any failure not listed here.
KNOWN_GAPS = {
    "test_op_values.py::test_op_matches_numpy[getitem_negative_step]":
        "PyTorch tensors refuse negative slice steps (ValueError: step must be greater than "
        "zero), which the array API standard requires; there is no hook for indexing in the "
        "Backend record to route around it",
    "test_op_gradients.py::test_gradcheck_float64[getitem_negative_step]":
        "negative slice steps, as above",
    "test_op_gradients.py::test_float32_gradients_match_float64_on_cpu[getitem_negative_step]":
        "negative slice steps, as above",
    "test_rules.py::test_index_keys_match_numpy":
        "when the drawn keys include a negative slice step: negative steps, as above",
    "test_op_values.py::test_op_matches_numpy[linalg_cholesky]":
        "when the drawn matrix holds nan: PyTorch's cholesky raises (not positive-definite) "
        "where NumPy, the reference, returns nan; the standard leaves the result of a "
        "factorization that fails unspecified",
    "test_op_values.py::test_op_matches_numpy[searchsorted]":
        "when the drawn sorted sequence holds nan (not every run): PyTorch's searchsorted puts "
        "a number after a nan (searchsorted([nan], 0.) is 1); NumPy, the reference, and the "
        "standard's sort order put nan last, so the answer is 0",
    "test_device_placement.py::test_every_op_returns_tensors_on_its_inputs_device":
        "this one property runs every op, getitem_negative_step included (as above)",
    **dict.fromkeys(
        [f"test_op_values.py::test_op_matches_numpy[{op}]"
         for op in ("complex", "polar", "view_as_real", "view_as_complex")],
        "when the drawn imaginary part is nan or inf (not every run): tinytorch builds "
        "complex(real, imag) by adding the imaginary part to the real one (the standard has no "
        "constructor from parts), and PyTorch's complex addition turns 0 + nan*1j into nan + "
        "nan*1j, so the real part reads nan where NumPy keeps it"),
    "test_op_values.py::test_op_matches_numpy[pow]":
        "when the special values drawn include pow(-inf, 0.5) (not every run): the standard "
        "says +inf; NumPy (the suite's reference) gives nan for a 0-d base where PyTorch "
        "gives +inf (each library turns some x ** 0.5 into a square root, on different paths)",
}

BACKEND = Backend(
    name="torch",
    load=_namespace,
    device_count=_device_count,
    native_device=_native_device,
    from_host=_from_host,
    to_host=_to_host,
    index_add=_index_add,
    array_type=torch.Tensor,
)
