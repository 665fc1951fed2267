"""tinytorch as an array-API namespace: the version claim, complex dtypes, the namespace
inspection functions, the PyTorch-vs-standard decisions of docs/array-api.md, DLPack and
__array__, and complex gradients (PyTorch's convention) on every device."""

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import gradcheck


def host(t):
    return np.asarray(t.detach().to("cpu"))


# ---- the claim -------------------------------------------------------------------------------

def test_namespace_has_every_name_of_the_version_it_claims():
    strict = pytest.importorskip("array_api_strict")
    assert tt.__array_api_version__ == "2024.12"
    strict.set_array_api_strict_flags(api_version=tt.__array_api_version__)
    try:
        names = set(strict.__all__) - {"Device", "ArrayAPIStrictFlags",
                                       "set_array_api_strict_flags",
                                       "get_array_api_strict_flags",
                                       "reset_array_api_strict_flags"}
        # tril, triu and roll come with the PyTorch-surface work (issue 11) through main
        pending = {"tril", "triu", "roll"}
        missing = sorted(n for n in names - pending if not hasattr(tt, n))
        assert not missing, f"the standard's names tinytorch lacks: {missing}"
        for extension in ("linalg", "fft"):
            wanted = getattr(strict, extension).__all__
            lacking = [n for n in wanted if not hasattr(getattr(tt, extension), n)]
            assert not lacking, f"tinytorch.{extension} lacks {lacking}"
    finally:
        strict.reset_array_api_strict_flags()


def test_constants_are_the_standards():
    assert tt.pi == math.pi and tt.e == math.e and tt.inf == math.inf
    assert math.isnan(tt.nan) and tt.newaxis is None


# ---- dtypes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    ("complex64", "float64", "complex128"), ("float32", "complex64", "complex64"),
    ("complex64", "complex128", "complex128"), ("int8", "complex64", "complex64"),
    ("bool", "complex128", "complex128"), ("float16", "complex64", "complex64")])
def test_complex_promotion(a, b, expected):
    assert tt.result_type(a, b) == expected == tt.result_type(b, a)


def test_python_complex_scalars_are_weak_within_complex_and_lift_reals():
    assert (tt.ones(2, dtype="float64") * 1j).dtype == "complex128"
    assert (tt.ones(2) + 1j).dtype == "complex64"
    assert tt.asarray([1 + 2j]).dtype == "complex64"


def test_finfo_iinfo_isdtype_can_cast():
    f = tt.finfo("complex128")
    assert f.bits == 64 and f.eps == 2.0 ** -52 and f.dtype == "float64"
    assert tt.finfo(tt.ones(1)).smallest_normal == tt.finfo("float32").tiny == 2.0 ** -126
    assert tt.iinfo("int8").min == -128 and tt.iinfo("uint16").max == 65535
    with pytest.raises(TypeError, match="iinfo"):
        tt.finfo("int32")
    assert tt.isdtype("complex64", "complex floating") and tt.isdtype("uint8", "integral")
    assert tt.isdtype("float32", ("bool", "real floating"))
    assert tt.isdtype("float32", "numeric") and not tt.isdtype("bool", "numeric")
    assert tt.can_cast("int8", "int16") and not tt.can_cast("int64", "int8")
    assert tt.can_cast(tt.ones(1, dtype="float32"), "complex64")


def test_namespace_info_reports_devices_and_dtypes():
    info = tt.__array_namespace_info__()
    assert info.default_dtypes()["complex floating"] == "complex64"
    assert str(info.default_device()) == "cpu"
    assert {"cpu", "strict:0", "strict:1"} <= {str(d) for d in info.devices()}
    assert "float16" not in info.dtypes(device="strict:0")  # the standard's dtypes only
    assert list(info.dtypes(kind="signed integer")) == ["int8", "int16", "int32", "int64"]
    assert info.capabilities()["boolean indexing"] is True


# ---- the PyTorch / array API decisions (docs/array-api.md) ------------------------------------

def test_equal_is_elementwise_and_its_truth_is_torch_equal():
    a, b = tt.tensor([1, 2, 3]), tt.tensor([1, 2, 4])
    assert host(tt.equal(a, b)).tolist() == [True, True, False]
    assert bool(tt.equal(a, a)) is True and bool(tt.equal(a, b)) is False
    assert bool(tt.equal(a, tt.tensor([1]))) is False  # shapes differ: torch.equal says False


def test_sort_function_is_the_standards_and_method_is_pytorchs():
    x = tt.tensor([3.0, 1.0, 2.0])
    assert host(tt.sort(x)).tolist() == [1.0, 2.0, 3.0]
    values, indices = x.sort(descending=True)
    assert host(values).tolist() == [3.0, 2.0, 1.0] and host(indices).tolist() == [0, 2, 1]
    values, indices = tt.sort(x, dim=0)
    assert host(indices).tolist() == [1, 2, 0]


def test_repeat_function_repeats_elements_and_method_tiles():
    x = tt.tensor([1, 2])
    assert host(tt.repeat(x, 2)).tolist() == [1, 1, 2, 2]
    assert host(x.repeat(2)).tolist() == [1, 2, 1, 2]
    with pytest.raises(TypeError, match=r"x\.repeat"):
        tt.repeat(tt.ones(2, 2), 2, 3)


def test_unique_pytorch_and_standard_spellings():
    x = tt.tensor([3, 1, 3, 2, 1])
    values, inverse, counts = tt.unique(x, return_inverse=True, return_counts=True)
    assert host(values).tolist() == [1, 2, 3] and host(counts).tolist() == [2, 1, 2]
    assert host(inverse).tolist() == [2, 0, 2, 1, 0]
    everything = tt.unique_all(x)
    assert host(everything.indices).tolist() == [1, 3, 0]
    nan_values = tt.unique_values(tt.tensor([float("nan"), 1.0, float("nan")]))
    assert np.isnan(host(nan_values)).sum() == 2  # each NaN is distinct, as the standard says


def test_std_var_default_follows_the_spelling_of_the_call():
    x = tt.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 5.0]])
    data = host(x)
    assert np.allclose(host(tt.var(x, axis=1)), data.var(axis=1))            # standard: n
    assert np.allclose(host(tt.std(x, axis=0, keepdims=True)), data.std(0, keepdims=True))
    assert np.allclose(host(x.var(dim=1)), data.var(axis=1, ddof=1))          # PyTorch: n - 1
    assert np.allclose(host(x.std()), data.std(ddof=1))
    assert np.allclose(host(tt.var(x, axis=1, correction=1)), data.var(axis=1, ddof=1))


def test_T_on_more_than_two_axes_points_to_mT():
    x = tt.ones(2, 3, 4)
    with pytest.raises(ValueError, match="mT"):
        x.T  # noqa: B018
    assert x.mT.shape == (2, 4, 3) and tt.ones(2, 3).T.shape == (3, 2)


def test_asarray_copy_keeps_the_graph_like_clone():
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = tt.asarray(x, copy=True)
    (y * y).sum().backward()
    assert host(x.grad).tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="copy=False"):
        tt.asarray(x, dtype="float64", copy=False)


# ---- DLPack and __array__ --------------------------------------------------------------------

def _address(array):
    return array.__array_interface__["data"][0]


def test_numpy_dlpack_round_trip_shares_memory_both_ways():
    t = tt.arange(6.0)
    view = np.from_dlpack(t)
    assert _address(view) == _address(t.numpy())
    view[0] = 42.0                      # a NumPy write shows in the tensor
    assert host(t)[0] == 42.0
    with tt.no_grad():
        t.add_(1.0)                     # a tensor write shows in NumPy
    assert view[1] == 2.0
    back = tt.from_dlpack(view)
    assert _address(back.numpy()) == _address(view)


def test_torch_dlpack_round_trip_shares_memory_both_ways():
    torch = pytest.importorskip("torch")
    t = tt.arange(4.0)
    theirs = torch.from_dlpack(t)
    assert theirs.data_ptr() == _address(t.numpy())
    theirs[0] = 7.0
    assert host(t)[0] == 7.0
    mine = tt.from_dlpack(torch.arange(3, dtype=torch.float64))
    assert mine.dtype == "float64" and mine.device.type == "cpu"
    source = torch.zeros(3)
    shared = tt.from_dlpack(source)
    source[1] = 5.0
    assert host(shared)[1] == 5.0 and _address(shared.numpy()) == source.data_ptr()


def test_from_dlpack_onto_a_strict_device_copies_and_copy_false_refuses():
    x = np.arange(3.0)
    t = tt.from_dlpack(x, device="strict:1")
    assert str(t.device) == "strict:1" and host(t).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(BufferError, match="copy"):
        tt.from_dlpack(x, device="strict:0", copy=False)


def test_dlpack_refuses_tensors_that_require_grad():
    with pytest.raises(RuntimeError, match="detach"):
        np.from_dlpack(tt.ones(2, requires_grad=True))


def test_np_asarray_follows_pytorchs_array_rule():
    t = tt.arange(3.0)
    a = np.asarray(t)
    assert a.dtype == np.float32 and _address(a) == _address(t.numpy())
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    with pytest.raises(RuntimeError, match="detach"):
        np.asarray(tt.ones(2, requires_grad=True))
    with pytest.raises(TypeError, match="cpu"):
        np.asarray(tt.ones(2, device="strict:0"))


# ---- new functions: values against NumPy, gradients in float64 and complex128 ---------------

def test_new_elementwise_functions_match_numpy(device):
    data = np.array([-0.7, -0.2, 0.3, 0.9])
    x = tt.tensor(data, dtype="float64", device=device)
    for name, ref in [("asin", np.arcsin), ("acos", np.arccos), ("atan", np.arctan),
                      ("asinh", np.arcsinh), ("atanh", np.arctanh), ("sinh", np.sinh),
                      ("cosh", np.cosh), ("tan", np.tan), ("expm1", np.expm1),
                      ("ceil", np.ceil), ("trunc", np.trunc), ("signbit", np.signbit)]:
        assert np.allclose(host(getattr(tt, name)(x)), ref(data)), name
    assert np.allclose(host(tt.log2(x + 1)), np.log2(data + 1))
    assert np.allclose(host(tt.hypot(x, 2.0)), np.hypot(data, 2.0))
    assert np.allclose(host(tt.logaddexp(x, x * 2)), np.logaddexp(data, data * 2))
    assert np.allclose(host(tt.copysign(x, -1.0)), np.copysign(data, -1.0))
    assert host(tt.bitwise_left_shift(tt.tensor([1, 2], device=device), 3)).tolist() == [8, 16]
    assert host(tt.tensor([16], device=device) >> 2).tolist() == [4]


def test_sorting_searching_and_scans_match_numpy(device):
    data = np.array([[3.0, -1.0, 2.0], [0.5, 0.5, -4.0]])
    x = tt.tensor(data, device=device)
    assert np.array_equal(host(tt.argsort(x, axis=1, descending=True)),
                          np.argsort(-data, axis=1, kind="stable"))
    assert np.array_equal(host(tt.searchsorted(tt.tensor([1.0, 2.0, 3.0], device=device),
                                               tt.tensor([2.0, 0.0], device=device),
                                               side="right")), [2, 0])
    assert np.allclose(host(tt.cumulative_sum(x, axis=1, include_initial=True)),
                       np.concatenate([np.zeros((2, 1)), np.cumsum(data, 1)], axis=1))
    assert np.allclose(host(tt.cumulative_prod(x, axis=0)), np.cumprod(data, axis=0))
    assert np.allclose(host(tt.diff(x, axis=1, n=2)), np.diff(data, n=2, axis=1))
    assert host(tt.count_nonzero(tt.tensor([0, 1, 2, 0], device=device))).item() == 2
    assert np.allclose(host(tt.tensordot(x, x, axes=([1], [1]))), data @ data.T)
    assert np.allclose(host(tt.vecdot(x, x)), (data * data).sum(-1))
    assert [t.shape for t in tt.meshgrid(tt.arange(3), tt.arange(2))] == [(2, 3), (2, 3)]
    assert tt.moveaxis(tt.ones(1, 2, 3), (0, 1), (2, 0)).shape == (2, 3, 1)
    picked = tt.take_along_axis(x, tt.tensor([[2], [0]], device=device), axis=1)
    assert host(picked).ravel().tolist() == [2.0, 0.5]


def test_linalg_and_fft_match_numpy(device):
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    x = tt.tensor(a, dtype="float64", device=device)
    assert np.allclose(host(tt.linalg.inv(x)), np.linalg.inv(a))
    assert np.isclose(host(tt.linalg.det(x)), np.linalg.det(a))
    assert np.allclose(host(tt.linalg.cholesky(x)), np.linalg.cholesky(a))
    assert np.allclose(host(tt.linalg.eigh(x).eigenvalues), np.linalg.eigvalsh(a))
    assert np.allclose(host(tt.linalg.solve(x, x[:, 0])), [1.0, 0.0])
    assert np.isclose(host(tt.linalg.matrix_norm(x)), np.linalg.norm(a))
    assert np.allclose(host(tt.linalg.cross(tt.tensor([1.0, 0, 0], device=device),
                                            tt.tensor([0.0, 1, 0], device=device))), [0, 0, 1])
    signal = np.array([1.0, 2.0, 0.0, -1.0])
    s = tt.tensor(signal, dtype="float64", device=device)
    assert np.allclose(host(tt.fft.fft(s)), np.fft.fft(signal))
    assert np.allclose(host(tt.fft.ifft(tt.fft.fft(s, n=6))), np.fft.ifft(np.fft.fft(signal, 6)))
    assert np.allclose(host(tt.fft.rfft(s)), np.fft.rfft(signal))
    assert np.allclose(host(tt.fft.fftshift(s)), np.fft.fftshift(signal))


def _check(fn, x):
    assert gradcheck(fn, (x,))


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_gradients_of_new_functions_real_and_complex(device, dtype):
    """gradcheck in float64 and complex128: the conjugate-Wirtinger convention of PyTorch."""
    values = [0.3, -0.4, 0.2]
    z = tt.tensor(values, dtype="float64", device=device)
    if dtype == "complex128":
        z = z + 0.25j * tt.tensor([1.0, -0.5, 0.7], dtype="float64", device=device)
    z = z.detach().requires_grad_()
    for fn in (tt.asin, tt.acos, tt.atan, tt.asinh, tt.atanh, tt.sinh, tt.cosh, tt.tan,
               tt.expm1, tt.log10, tt.exp, tt.sin, tt.sqrt, tt.log, tt.conj, tt.sigmoid,
               lambda a: a * a / (a + 2), lambda a: tt.cumulative_prod(a),
               lambda a: tt.cumulative_sum(a), lambda a: tt.sort(tt.real(a)),
               lambda a: tt.fft.fft(a), lambda a: tt.fft.ifft(a, n=5, norm="ortho"),
               lambda a: tt.vecdot(a, a * 2), lambda a: tt.diff(a)):
        _check(fn if dtype == "complex128" or fn not in (tt.log10, tt.sqrt, tt.log)
               else (lambda f: lambda a: f(a + 1))(fn), z)
    m = tt.tensor([[2.0, 0.5], [0.3, 1.5]], dtype="float64", device=device)
    if dtype == "complex128":
        m = m + 0.2j * tt.tensor([[1.0, -0.5], [0.3, 0.2]], dtype="float64", device=device)
    m = m.detach().requires_grad_()
    for fn in (tt.linalg.inv, tt.linalg.det, lambda a: tt.linalg.slogdet(a).logabsdet,
               lambda a: tt.linalg.solve(a, a[:, 0] * 2 + 1), lambda a: a @ a,
               lambda a: tt.linalg.cholesky(a @ a.mT.conj() + tt.eye(2, device=device)),
               lambda a: tt.linalg.eigh(a + a.mT.conj()).eigenvalues,
               tt.linalg.matrix_norm, tt.linalg.trace):
        _check(fn, m)


def test_real_and_imag_gradients_land_on_their_parts():
    z = tt.tensor([1.0 + 2.0j], dtype="complex128", requires_grad=True)
    (tt.real(z) * 3 + tt.imag(z) * 5).sum().backward()
    assert host(z.grad).tolist() == [3 + 5j]


def test_forward_only_linalg_says_so_in_backward():
    x = tt.eye(2, dtype="float64", requires_grad=True)
    with pytest.raises(RuntimeError, match="svd is not implemented"):
        tt.linalg.svd(x).S.sum().backward()
