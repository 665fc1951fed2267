"""PyTorch as the oracle for kthvalue, mode, float_power, cov, corrcoef, histogram,
histogramdd, unique_consecutive, batched searchsorted, the complex helpers, the windows, stft
and istft: the same call on the same data gives torch's values, dtypes and shapes, and, where
torch differentiates, torch's gradients."""

# ruff: noqa: B023 - each case's call is bound by the lambda it is made in

import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the optional oracle of these tests; "
                                            "install torch to run them")

import tinytorch as tt  # noqa: E402

rng = np.random.default_rng(3)
A = rng.standard_normal((3, 6))
Z = A[:2] + 1j * A[1:]
SHORT = np.array([[3.0, 1, 2, 1, 3, 5, 3, 1], [2, 2, 0, 0, 4, 4, 4, 0]])
SIGNAL = rng.standard_normal((2, 40))
SORTED = np.sort(rng.standard_normal((2, 3, 6)), axis=-1)
PROBES = rng.standard_normal((2, 3, 4))


def _window(m, n, kind="hann"):
    return getattr(m, f"{kind}_window")(n, dtype=m.float64)


CASES = [
    ("kthvalue", lambda m, a: tuple(m.kthvalue(a, 2, 1)), (A,)),
    ("kthvalue keepdim dim 0", lambda m, a: tuple(a.kthvalue(3, 0, True)), (A,)),
    ("kthvalue 0-d", lambda m, a: tuple(m.kthvalue(a[0, 0], 1)), (A,)),
    ("kthvalue nan", lambda m, a: tuple(m.kthvalue(a, 4)), (np.array([3.0, math.nan, 2, 1]),)),
    ("mode short rows", lambda m, a: tuple(m.mode(a)), (SHORT,)),
    ("mode keepdim", lambda m, a: tuple(a.mode(1, keepdim=True)), (SHORT,)),
    ("mode ints", lambda m, a: tuple(m.mode(a.long(), 0)), (SHORT,)),
    ("float_power", lambda m, a, b: m.float_power(a.float(), b), (np.abs(A) + 0.5, A)),
    ("float_power scalar", lambda m, a: a.float().float_power(-2), (A,)),
    ("float_power complex", lambda m, a: m.float_power(a, 0.5 + 1j), (np.abs(A),)),
    ("cov", lambda m, a: m.cov(a), (A,)),
    ("cov weights", lambda m, a, f, w: m.cov(a, correction=2, fweights=f.long(), aweights=w),
     (A, np.array([1, 2, 0, 3, 1, 2]), np.abs(A[0]) + 0.1)),
    ("cov 1-d", lambda m, a: a[0].cov(correction=0), (A,)),
    ("cov int", lambda m, a: m.cov(a.long()), (SHORT,)),
    ("cov complex", lambda m, z: m.cov(z), (Z,)),
    ("corrcoef", lambda m, a: a.corrcoef(), (A,)),
    ("corrcoef complex", lambda m, z: m.corrcoef(z), (Z,)),
    ("corrcoef int", lambda m, a: m.corrcoef(a.long()), (SHORT,)),
    ("histogram", lambda m, a: tuple(m.histogram(a, 5)), (A,)),
    ("histogram float32", lambda m, a: tuple(a.float().histogram(4, range=(-1.0, 1.0))), (A,)),
    ("histogram weight density", lambda m, a, w: tuple(m.histogram(
        a, 6, range=(-2.0, 2.0), weight=w, density=True)), (A, np.abs(A) + 0.5)),
    ("histogram edges", lambda m, a: tuple(m.histogram(a, m.tensor([-1.0, 0.0, 0.5, 2.0],
                                                                     dtype=m.float64))), (A,)),
    ("histogram equal values", lambda m, a: tuple(m.histogram(a * 0 + 1, 3)), (A,)),
    ("histogramdd", lambda m, a: (lambda h: (h.hist, *h.bin_edges))(m.histogramdd(a, [2, 3])),
     (A.T[:, :2],)),
    ("histogramdd density range", lambda m, a, w: (lambda h: (h.hist, *h.bin_edges))(
        m.histogramdd(a, 3, range=[-1.0, 1.0, -2.0, 2.0, 0.0, 1.0], weight=w, density=True)),
     (A.T, np.abs(A[0]) + 1)),
    ("unique_consecutive", lambda m, a: m.unique_consecutive(a, return_inverse=True,
                                                             return_counts=True), (SHORT,)),
    ("unique_consecutive dim", lambda m, a: a.unique_consecutive(True, True, dim=1),
     (np.array([[1, 1, 2, 2, 1], [0, 0, 1, 1, 0]]),)),
    ("unique_consecutive 0-d", lambda m, a: m.unique_consecutive(a[0, 0], return_inverse=True),
     (SHORT,)),
    *[(f"searchsorted {side}", (lambda s: lambda m, a, v: m.searchsorted(a, v, side=s))(side),
       (SORTED, PROBES)) for side in ("left", "right")],
    ("searchsorted right int32", lambda m, a, v: m.searchsorted(a, v, right=True,
                                                                 out_int32=True),
     (SORTED, PROBES)),
    ("searchsorted sorter", lambda m, a, v: m.searchsorted(a.flip(-1), v, sorter=m.arange(
        5, -1, -1).expand(2, 3, 6).contiguous()), (SORTED, PROBES)),
    ("searchsorted scalar", lambda m, a: m.searchsorted(a[0, 0], 0.1), (SORTED,)),
    ("complex", lambda m, a, b: m.complex(a, b), (A, A * 2)),
    ("complex float32", lambda m, a, b: m.complex(a.float(), b.float()), (A, A * 2)),
    ("complex inf", lambda m, a, b: m.view_as_real(m.complex(a, b)),
     (np.array([1.0, -2.0, 3.0]), np.array([math.inf, -math.inf, math.nan]))),
    ("polar", lambda m, a, b: m.polar(a, b), (np.abs(A), A)),
    ("view_as_real", lambda m, z: m.view_as_real(z), (Z,)),
    ("view_as_complex", lambda m, a: m.view_as_complex(a.reshape(3, 3, 2)), (A,)),
    ("angle", lambda m, z: (z.angle(), m.angle(z), z.abs(), z.conj(), z.real, z.imag), (Z,)),
    *[(f"{kind} window {n} {p}", (lambda k, n, p: lambda m: getattr(m, f"{k}_window")(
        n, p, dtype=m.float64))(kind, n, p), ())
      for kind in ("hann", "hamming", "blackman", "bartlett", "kaiser")
      for n in (0, 1, 5, 12) for p in (True, False)],
    ("hamming window options", lambda m: m.hamming_window(7, False, 0.6, 0.4), ()),
    ("kaiser window beta", lambda m: m.kaiser_window(9, True, 3.5, dtype=m.float64), ()),
    ("stft", lambda m, x: m.stft(x, 8, window=_window(m, 8), return_complex=True), (SIGNAL,)),
    ("stft method 1-d", lambda m, x: x[0].stft(16, 5, 12, _window(m, 12, "hamming"),
                                               return_complex=True), (SIGNAL,)),
    ("stft options", lambda m, x: m.stft(x, 10, 3, center=True, pad_mode="constant",
                                         normalized=True, onesided=False,
                                         window=m.ones(10, dtype=m.float64),
                                         return_complex=True), (SIGNAL,)),
    ("stft no center", lambda m, x: m.stft(x, 9, 4, center=False, return_complex=True,
                                           window=_window(m, 9)), (SIGNAL,)),
    ("stft real output", lambda m, x: m.stft(x, 8, 2, window=_window(m, 8),
                                             return_complex=False), (SIGNAL,)),
    ("stft complex input", lambda m, x: m.stft(m.complex(x, x.flip(-1)), 8, 3,
                                               window=_window(m, 8), return_complex=True),
     (SIGNAL,)),
    *[(f"stft pad {mode}", (lambda mode: lambda m, x: m.stft(
        x, 12, 4, window=_window(m, 12), pad_mode=mode, return_complex=True))(mode), (SIGNAL,))
      for mode in ("replicate", "circular")],
]

# istft of a spectrum that no signal has (random phases): the least-squares inverse, not a
# round trip, so every step of torch's algorithm is compared
SPEC = rng.standard_normal((2, 5, 17)) + 1j * rng.standard_normal((2, 5, 17))
SPEC_FULL = rng.standard_normal((2, 8, 17)) + 1j * rng.standard_normal((2, 8, 17))
CASES += [
    ("istft", lambda m, s: m.istft(s, 8, 2, window=_window(m, 8)), (SPEC,)),
    ("istft length", lambda m, s: m.istft(s, 8, 2, window=_window(m, 8), length=30), (SPEC,)),
    ("istft long", lambda m, s: m.istft(s, 8, 2, window=_window(m, 8), length=45), (SPEC,)),
    ("istft odd n_fft", lambda m, s: m.istft(s, 9, 3, window=_window(m, 9)), (SPEC,)),
    ("istft normalized no center", lambda m, s: s[0].istft(
        8, 2, window=_window(m, 8, "hamming"), center=False, normalized=True), (SPEC,)),
    ("istft win_length", lambda m, s: m.istft(s, 8, 2, 6, window=_window(m, 6)), (SPEC,)),
    ("istft two-sided", lambda m, s: m.istft(s, 8, 2, window=_window(m, 8)), (SPEC_FULL,)),
    ("istft complex", lambda m, s: m.istft(s, 8, 2, window=_window(m, 8), onesided=False,
                                           return_complex=True), (SPEC_FULL,)),
]


def _mine(value):
    return tuple(_mine(v) for v in value) if isinstance(value, tuple) else value


def _array(t):
    if isinstance(t, tt.Tensor):
        return np.asarray(t.tolist()) if t.numel() else np.zeros(t.shape)
    return t.detach().resolve_conj().numpy()


def _compare(mine, theirs, label):
    mine, theirs = (mine, theirs) if isinstance(theirs, tuple) else ((mine,), (theirs,))
    assert len(mine) == len(theirs), label
    for m, t in zip(mine, theirs):
        assert tuple(m.shape) == tuple(t.shape), f"{label}: {m.shape} vs {tuple(t.shape)}"
        assert m.dtype == str(t.dtype).replace("torch.", ""), f"{label}: {m.dtype} vs {t.dtype}"
        tolerance = 1e-5 if m.dtype in ("float32", "complex64") else 1e-9
        np.testing.assert_allclose(_array(m), _array(t), rtol=tolerance, atol=tolerance,
                                   equal_nan=True, err_msg=label)


@pytest.mark.parametrize("label, call, arrays", CASES, ids=[c[0] for c in CASES])
def test_values_match_torch(label, call, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's notes on windows and deprecated forms
        theirs = call(torch, *[torch.tensor(a) for a in arrays])
    mine = call(tt, *[tt.tensor(a) for a in arrays])
    _compare(mine, theirs, label)


def test_mode_of_long_rows_picks_a_true_occurrence():
    data = rng.integers(0, 4, size=(5, 40))
    values, indices = tt.mode(tt.tensor(data), 1)
    theirs = torch.mode(torch.tensor(data), 1)
    assert values.tolist() == theirs.values.tolist()  # torch's index among ties varies
    assert all(row[i] == v for row, i, v in zip(data, indices.tolist(), values.tolist()))


GRADIENTS = [
    ("kthvalue", lambda m, a: m.kthvalue(a, 2, 1).values, (A,)),
    ("mode", lambda m, a: m.mode(a).values, (SHORT,)),
    ("float_power", lambda m, a, b: m.float_power(a, b), (np.abs(A) + 0.5, A)),
    ("cov aweights", lambda m, a, w: m.cov(a, aweights=w), (A, np.abs(A[0]) + 0.1)),
    ("cov complex", lambda m, z: m.cov(z), (Z,)),
    ("corrcoef", lambda m, a: m.corrcoef(a), (A,)),
    ("complex", lambda m, a, b: m.complex(a, b), (A, A * 2)),
    ("polar", lambda m, a, b: m.polar(a, b), (np.abs(A) + 0.1, A)),
    ("view_as_real", lambda m, z: m.view_as_real(z), (Z,)),
    ("view_as_complex", lambda m, a: m.view_as_complex(a.reshape(3, 3, 2)), (A,)),
    ("angle", lambda m, z: m.angle(z), (Z,)),
    ("stft", lambda m, x, w: m.stft(x, 8, 3, window=w, return_complex=True),
     (SIGNAL, np.hanning(10)[1:9])),
    ("stft two-sided normalized", lambda m, x: m.stft(x, 6, 2, normalized=True, onesided=False,
                                                      window=m.ones(6, dtype=m.float64),
                                                      return_complex=True), (SIGNAL,)),
    ("istft", lambda m, s, w: m.istft(s, 8, 2, window=w), (SPEC, np.hanning(10)[1:9])),
    ("istft two-sided", lambda m, s: m.istft(s, 8, 3, window=_window(m, 8)), (SPEC_FULL,)),
    ("istft complex", lambda m, s: m.istft(s, 8, 2, window=_window(m, 8), onesided=False,
                                           return_complex=True), (SPEC_FULL,)),
]


@pytest.mark.parametrize("label, call, arrays", GRADIENTS, ids=[c[0] for c in GRADIENTS])
def test_gradients_match_torch(label, call, arrays):
    mine = [tt.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_theirs = call(torch, *theirs)
    weights = rng.standard_normal(tuple(out_theirs.shape))
    if out_theirs.is_complex():
        weights = weights + 1j * rng.standard_normal(weights.shape)
    torch.real(out_theirs * torch.tensor(weights).conj()).sum().backward()
    tt.real(call(tt, *mine) * tt.tensor(weights).conj()).sum().backward()
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(np.asarray(m.grad.tolist()), t.grad.numpy(), rtol=1e-7,
                                   atol=1e-9, err_msg=label)
