"""kthvalue, mode, float_power, cov, corrcoef, histogram, histogramdd, unique_consecutive,
batched searchsorted, complex/polar/view_as_real/view_as_complex, the windows, stft and istft:
values against NumPy and SciPy (or a hand-worked count), gradients by gradcheck in float64, on
every device. tests/test_statistics_signal_torch.py checks the same against PyTorch."""

import itertools
import math
import warnings

import numpy as np
import pytest
import scipy.signal
import scipy.stats

import tinytorch as tt
from tinytorch.testing import gradcheck

rng = np.random.default_rng(7)
A = rng.standard_normal((3, 5))          # distinct values: no ties for kthvalue
INTS = rng.integers(0, 4, size=(4, 7))   # many ties for mode


def _np(t):
    return np.asarray(t.to("cpu").tolist() if t.dtype != "bool" else t.to("cpu").tolist())


def _leaf(array, device):
    return tt.tensor(array, dtype="float64", device=device, requires_grad=True)


# ---- kthvalue and mode ----------------------------------------------------------------------

@pytest.mark.parametrize("k, dim, keepdim", [(1, -1, False), (3, 1, True), (5, -1, False),
                                             (2, 0, False), (3, 0, True)])
def test_kthvalue_is_the_kth_smallest_and_where_it_was(device, k, dim, keepdim):
    values, indices = tt.kthvalue(tt.tensor(A, device=device), k, dim, keepdim)
    expected = np.take(np.sort(A, axis=dim), [k - 1], axis=dim)
    where = np.take(np.argsort(A, axis=dim), [k - 1], axis=dim)
    if not keepdim:
        expected, where = np.squeeze(expected, dim), np.squeeze(where, dim)
    assert values.shape == expected.shape and values.device == device
    np.testing.assert_array_equal(_np(values), expected)
    np.testing.assert_array_equal(_np(indices), where)
    assert indices.dtype == "int64"
    assert tt.tensor(A).kthvalue(k, dim, keepdim).values.tolist() == values.tolist()


def test_kthvalue_counts_nan_as_the_largest_and_takes_a_0d_input():
    x = tt.tensor([3.0, math.nan, 2.0, 1.0])
    assert math.isnan(tt.kthvalue(x, 4).values.item()) and tt.kthvalue(x, 4).indices.item() == 1
    assert tt.kthvalue(x, 3).values.item() == 3.0
    zero_d = tt.kthvalue(tt.tensor(2.5), 1)
    assert zero_d.values.shape == () and zero_d.values.item() == 2.5 and zero_d.indices.item() == 0


def test_mode_is_the_smallest_most_frequent_value_at_its_last_index(device):
    values, indices = tt.mode(tt.tensor(INTS, device=device), 1)
    expected = scipy.stats.mode(INTS, axis=1, keepdims=False)  # the smallest of tied modes
    np.testing.assert_array_equal(_np(values), expected.mode)
    last = [max(i for i, v in enumerate(row) if v == m) for row, m in zip(INTS, expected.mode)]
    np.testing.assert_array_equal(_np(indices), last)
    kept = tt.tensor(INTS, device=device).mode(0, keepdim=True)
    assert kept.values.shape == (1, 7)
    np.testing.assert_array_equal(_np(kept.values)[0], scipy.stats.mode(INTS, axis=0).mode)
    zero_d = tt.mode(tt.tensor(4.0))
    assert zero_d.values.item() == 4.0 and zero_d.indices.item() == 0
    assert tt.mode(tt.tensor([True, False, True])).values.item() is True


def test_mode_counts_each_nan_once():
    values, indices = tt.mode(tt.tensor([2.0, math.nan, math.nan, 1.0, 2.0]))
    assert values.item() == 2.0 and indices.item() == 4
    assert math.isnan(tt.mode(tt.tensor([math.nan, math.nan])).values.item())


def test_kthvalue_and_mode_gradients_reach_the_picked_entries(device):
    x = _leaf(A, device)
    assert gradcheck(lambda a: tt.kthvalue(a, 2, 1).values, (x,))
    # mode's ties break under a numerical derivative's nudge: check where its gradient lands
    picked = tt.tensor(INTS + 0.0, device=device, requires_grad=True)
    values, indices = picked.mode(1)
    values.sum().backward()
    expected = np.zeros(INTS.shape)
    expected[np.arange(4), _np(indices)] = 1.0
    np.testing.assert_array_equal(_np(picked.grad), expected)


# ---- float_power --------------------------------------------------------------------------------

def test_float_power_computes_in_double(device):
    base = tt.tensor([2, 3, 4], dtype="int32", device=device)
    out = tt.float_power(base, -1)
    assert out.dtype == "float64" and out.device == device
    np.testing.assert_array_equal(_np(out), np.float_power([2, 3, 4], -1))
    x = tt.tensor([1.5, 2.5], dtype="float32", device=device)
    got = x.float_power(tt.tensor([0.5, 3.0], dtype="float32", device=device))
    assert got.dtype == "float64"
    np.testing.assert_allclose(_np(got), np.float_power(np.float32([1.5, 2.5]).astype(float),
                                                        [0.5, 3.0]), rtol=1e-15)
    assert tt.float_power(2, x).dtype == "float64"
    assert tt.float_power(x, 1j).dtype == "complex128"
    assert gradcheck(lambda a, b: tt.float_power(a, b), (_leaf([1.5, 2.0], device),
                                                         _leaf([0.5, -1.5], device)))


def test_float_power_in_place_needs_a_double_tensor():
    x = tt.tensor([2.0, 3.0], dtype="float64")
    assert x.float_power_(2).tolist() == [4.0, 9.0]
    with pytest.raises(RuntimeError, match="float64"):
        tt.tensor([2.0]).float_power_(2)


# ---- cov and corrcoef ---------------------------------------------------------------------------

FW = np.array([1, 2, 0, 3, 1])
AW = np.array([0.5, 1.0, 2.0, 0.25, 1.5])


@pytest.mark.parametrize("correction, fw, aw", [(1, None, None), (0, None, None),
                                                (2, FW, None), (1, None, AW), (1, FW, AW),
                                                (0, FW, AW), (3, FW, AW)])
def test_cov_matches_numpy(device, correction, fw, aw):
    got = tt.cov(tt.tensor(A, device=device), correction=correction,
                 fweights=None if fw is None else tt.tensor(fw, device=device),
                 aweights=None if aw is None else tt.tensor(aw, dtype="float64", device=device))
    expected = np.cov(A, ddof=correction, fweights=fw, aweights=aw)
    assert got.shape == (3, 3) and got.dtype == "float64"
    np.testing.assert_allclose(_np(got), expected, rtol=1e-12)


def test_cov_of_one_variable_is_0d_and_integers_become_float():
    got = tt.cov(tt.tensor([1, 2, 4]))
    assert got.shape == () and got.dtype == "float32"
    assert got.item() == pytest.approx(np.cov([1, 2, 4]))
    complex_rows = A[:2] + 1j * A[1:]
    np.testing.assert_allclose(_np(tt.cov(tt.tensor(complex_rows))), np.cov(complex_rows),
                               rtol=1e-12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # (NumPy's 0/0 warning stays filtered)
        assert math.isnan(tt.cov(tt.tensor([1.0])).item())
    assert any("degrees of freedom" in str(w.message) for w in caught)


def test_corrcoef_matches_numpy(device):
    got = tt.tensor(A, device=device).corrcoef()
    np.testing.assert_allclose(_np(got), np.corrcoef(A), rtol=1e-12)
    rows = A[:2] + 1j * A[1:]
    np.testing.assert_allclose(_np(tt.corrcoef(tt.tensor(rows, device=device))),
                               np.corrcoef(rows), rtol=1e-12)
    assert tt.corrcoef(tt.tensor([1.0, 2.0, 5.0])).item() == 1.0


def test_cov_and_corrcoef_gradients(device):
    assert gradcheck(lambda x, w: tt.cov(x, aweights=w, correction=1),
                     (_leaf(A[:2, :4], device), _leaf(AW[:4], device)))
    assert gradcheck(lambda x: tt.cov(x, fweights=tt.tensor(FW[:4], device=device)),
                     (_leaf(A[:2, :4], device),))
    assert gradcheck(tt.corrcoef, (_leaf(A[:3, :4], device),))


def test_cov_refuses_bad_weights():
    x = tt.tensor(A)
    with pytest.raises(RuntimeError, match="integer"):
        tt.cov(x, fweights=tt.tensor(AW))
    with pytest.raises(RuntimeError, match="negative"):
        tt.cov(x, aweights=tt.tensor(-AW))
    with pytest.raises(RuntimeError, match="5 entries"):
        tt.cov(x, fweights=tt.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="two or fewer"):
        tt.cov(tt.zeros(2, 2, 2))


# ---- histograms ---------------------------------------------------------------------------------

DATA = np.concatenate([rng.standard_normal(40), [0.0, 3.5, -3.5, math.nan]])


@pytest.mark.parametrize("bins, span, weighted, density", [
    (5, None, False, False), (7, (-1.0, 2.0), False, False), (4, (-2.0, 2.0), True, False),
    (6, (-3.0, 3.0), True, True), (3, (-1.0, 1.0), False, True)])
def test_histogram_matches_numpy(device, bins, span, weighted, density):
    data = DATA[~np.isnan(DATA)] if span is None else DATA
    weights = np.abs(rng.standard_normal(data.shape)) if weighted else None
    hist, edges = tt.histogram(tt.tensor(data, device=device), bins, range=span,
                               weight=None if weights is None else tt.tensor(weights,
                                                                             device=device),
                               density=density)
    with np.errstate(invalid="ignore"):
        expected, expected_edges = np.histogram(data, bins, range=span, weights=weights,
                                                density=density)
    assert hist.dtype == edges.dtype == "float64" and hist.device == device
    np.testing.assert_allclose(_np(edges), expected_edges, rtol=1e-14)
    np.testing.assert_allclose(_np(hist), expected, rtol=1e-12)


def test_histogram_with_edges_counts_the_last_edge_in_the_last_bin():
    x = tt.tensor([0.0, 1.0, 1.5, 2.0, 4.0, 5.0, 9.0])
    hist, edges = x.histogram(tt.tensor([1.0, 2.0, 5.0]))
    assert hist.tolist() == [2.0, 3.0]  # [1, 2): 1, 1.5; [2, 5]: 2, 4, 5 (hand-counted)
    assert edges.tolist() == [1.0, 2.0, 5.0]
    same = tt.histogram(tt.tensor([2.0, 2.0]), 2)  # equal min and max: widened by 0.5
    assert same.bin_edges.tolist() == [1.5, 2.0, 2.5] and same.hist.tolist() == [0.0, 2.0]


def test_histogram_refuses_what_has_no_bins():
    with pytest.raises(TypeError, match="floating point"):
        tt.histogram(tt.tensor([1, 2]), 3)
    with pytest.raises(RuntimeError, match="not finite"):
        tt.histogram(tt.tensor([1.0, math.inf]), 3)
    with pytest.raises(RuntimeError, match="exceed"):
        tt.histogram(tt.tensor([1.0]), 3, range=(2.0, 1.0))
    with pytest.raises(TypeError, match="range"):
        tt.histogram(tt.tensor([1.0]), tt.tensor([0.0, 1.0]), range=(0.0, 1.0))
    with pytest.raises(RuntimeError, match="positive"):
        tt.histogram(tt.tensor([1.0]), 0)


@pytest.mark.parametrize("bins, span, density", [(3, None, False), ([2, 4], None, True),
                                                 ([3, 2], [-1.0, 1.0, 0.0, 2.0], False)])
def test_histogramdd_matches_numpy(device, bins, span, density):
    points = rng.standard_normal((30, 2))
    weights = np.abs(rng.standard_normal(30))
    hist, edges = tt.histogramdd(tt.tensor(points, device=device), bins, range=span,
                                 weight=tt.tensor(weights, device=device), density=density)
    pairs = None if span is None else [span[:2], span[2:]]
    expected, expected_edges = np.histogramdd(points, bins, range=pairs, weights=weights,
                                              density=density)
    np.testing.assert_allclose(_np(hist), expected, rtol=1e-12)
    assert isinstance(edges, tuple) and len(edges) == 2
    for got, want in zip(edges, expected_edges):
        np.testing.assert_allclose(_np(got), want, rtol=1e-14)
    given = [tt.tensor([-1.0, 0.0, 1.0], dtype="float64"), tt.tensor([-2.0, 2.0], dtype="float64")]
    counted = tt.histogramdd(tt.tensor(points), given).hist
    np.testing.assert_array_equal(_np(counted), np.histogramdd(points, [[-1, 0, 1], [-2, 2]])[0])


# ---- unique_consecutive ------------------------------------------------------------------------

def _runs(seq):
    groups = [(key, len(list(group))) for key, group in itertools.groupby(seq)]
    return [k for k, _ in groups], [n for _, n in groups]


def test_unique_consecutive_collapses_runs(device):
    seq = [1, 1, 2, 2, 3, 1, 1, 2]
    values, inverse, counts = tt.unique_consecutive(
        tt.tensor(seq, device=device), return_inverse=True, return_counts=True)
    keys, lengths = _runs(seq)
    assert values.tolist() == keys and counts.tolist() == lengths
    assert inverse.tolist() == [0, 0, 1, 1, 2, 3, 3, 4]
    grid = tt.tensor([[1, 1], [1, 1], [2, 1], [1, 1]], device=device)
    rows, rows_inverse, rows_counts = grid.unique_consecutive(True, True, dim=0)
    assert rows.tolist() == [[1, 1], [2, 1], [1, 1]]
    assert rows_inverse.tolist() == [0, 0, 1, 2] and rows_counts.tolist() == [2, 1, 1]
    assert tt.unique_consecutive(grid, dim=1).tolist() == [[1, 1], [1, 1], [2, 1], [1, 1]]
    nan = tt.unique_consecutive(tt.tensor([1.0, math.nan, math.nan]), return_counts=True)
    assert nan[1].tolist() == [1, 1, 1]  # nan differs from itself
    flat = tt.unique_consecutive(tt.tensor([[5, 5], [5, 6]]), return_inverse=True)
    assert flat[0].tolist() == [5, 6] and flat[1].tolist() == [[0, 0], [0, 1]]


# ---- searchsorted ------------------------------------------------------------------------------

@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_searches_each_row_of_a_batch(device, side):
    rows = np.sort(rng.integers(0, 6, size=(2, 3, 7)).astype(float), axis=-1)
    values = rng.integers(-1, 8, size=(2, 3, 4)).astype(float)
    got = tt.searchsorted(tt.tensor(rows, device=device), tt.tensor(values, device=device),
                          side=side)
    expected = np.stack([np.searchsorted(r, v, side=side) for r, v in
                         zip(rows.reshape(6, 7), values.reshape(6, 4))]).reshape(2, 3, 4)
    assert got.dtype == "int64" and got.device == device
    np.testing.assert_array_equal(_np(got), expected)
    shuffled = rng.permuted(rows, axis=-1)
    sorter = np.argsort(shuffled, axis=-1, kind="stable")
    again = tt.searchsorted(tt.tensor(shuffled, device=device), tt.tensor(values, device=device),
                            right=side == "right", out_int32=True,
                            sorter=tt.tensor(sorter, device=device))
    assert again.dtype == "int32"
    np.testing.assert_array_equal(_np(again), expected)


def test_searchsorted_puts_nan_after_the_numbers_as_numpy_does():
    rows = np.array([[0.0, 1.0, math.nan], [1.0, 2.0, 3.0]])
    values = np.array([[math.nan, 0.5, 1.0], [math.nan, 3.0, -1.0]])
    for side in ("left", "right"):
        got = tt.searchsorted(tt.tensor(rows), tt.tensor(values), side=side)
        expected = [np.searchsorted(r, v, side=side) for r, v in zip(rows, values)]
        np.testing.assert_array_equal(_np(got), expected)


def test_searchsorted_example_and_shape_checks():
    got = tt.searchsorted(tt.tensor([[1.0, 2.0], [3.0, 4.0]]), tt.tensor([[1.5], [3.5]]))
    assert got.tolist() == [[1], [1]]
    assert tt.searchsorted(tt.tensor([1.0, 2.0, 3.0]), 2.5).tolist() == 2
    with pytest.raises(RuntimeError, match="share all"):
        tt.searchsorted(tt.tensor([[1.0, 2.0], [3.0, 4.0]]), tt.tensor([1.5]))
    with pytest.raises(RuntimeError, match="opposites"):
        tt.searchsorted(tt.tensor([1.0]), tt.tensor([1.0]), side="left", right=True)


# ---- complex numbers ----------------------------------------------------------------------------

def test_complex_polar_and_views_match_numpy(device):
    re, im = A[0], A[1]
    z = tt.complex(tt.tensor(re, device=device), tt.tensor(im, device=device))
    assert z.dtype == "complex128" and z.device == device
    np.testing.assert_array_equal(_np(z), re + 1j * im)
    assert tt.complex(tt.tensor([1.0]), tt.tensor([2.0])).dtype == "complex64"
    special = tt.complex(tt.tensor([1.0, 2.0, -0.5]), tt.tensor([math.inf, -math.inf, math.nan]))
    parts = _np(tt.view_as_real(special))
    assert parts[:, 0].tolist() == [1.0, 2.0, -0.5]  # no nan from inf * 0 in the real part
    assert parts[0, 1] == math.inf and parts[1, 1] == -math.inf and math.isnan(parts[2, 1])
    p = tt.polar(tt.tensor(np.abs(re), device=device), tt.tensor(im, device=device))
    np.testing.assert_allclose(_np(p), np.abs(re) * np.exp(1j * im), rtol=1e-14)
    pairs = tt.view_as_real(z)
    assert pairs.shape == (5, 2)
    np.testing.assert_array_equal(_np(pairs), np.stack([re, im], -1))
    back = tt.view_as_complex(pairs)
    np.testing.assert_array_equal(_np(back), re + 1j * im)
    np.testing.assert_allclose(_np(z.angle()), np.angle(re + 1j * im), rtol=1e-14)
    np.testing.assert_allclose(_np(z.abs()), np.abs(re + 1j * im), rtol=1e-14)
    np.testing.assert_array_equal(_np(z.conj()), re - 1j * im)
    assert _np(z.real).tolist() == re.tolist() and _np(z.imag).tolist() == im.tolist()


def test_complex_gradients(device):
    a, b = _leaf(A[0, :3], device), _leaf(A[1, :3], device)
    assert gradcheck(lambda x, y: tt.complex(x, y), (a, b))
    assert gradcheck(lambda r, t: tt.polar(r, t), (_leaf(np.abs(A[0, :3]), device), b))
    z = tt.tensor(A[0, :3] + 1j * A[1, :3], device=device, requires_grad=True)
    assert gradcheck(tt.view_as_real, (z,))
    assert gradcheck(tt.view_as_complex, (_leaf(A[:, :2], device),))


def test_complex_helpers_refuse_the_wrong_dtypes():
    with pytest.raises(RuntimeError, match="same dtype"):
        tt.complex(tt.tensor([1.0]), tt.tensor([1.0], dtype="float64"))
    with pytest.raises(TypeError, match="float32 or float64"):
        tt.complex(tt.tensor([1]), tt.tensor([1]))
    with pytest.raises(RuntimeError, match="complex tensors"):
        tt.view_as_real(tt.tensor([1.0]))
    with pytest.raises(RuntimeError, match="size 2"):
        tt.view_as_complex(tt.tensor([1.0, 2.0, 3.0]))


# ---- windows, stft and istft -------------------------------------------------------------------

@pytest.mark.parametrize("name, scipy_window", [
    ("hann_window", "hann"), ("hamming_window", "hamming"), ("blackman_window", "blackman"),
    ("bartlett_window", "triang0"), ("kaiser_window", ("kaiser", 12.0))])
@pytest.mark.parametrize("length", [0, 1, 2, 7, 16])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_match_scipy(name, scipy_window, length, periodic):
    got = getattr(tt, name)(length, periodic, dtype="float64")
    assert got.shape == (length,) and got.dtype == "float64"
    if length <= 1:
        assert got.tolist() == [1.0] * length
        return
    n = length + 1 if periodic else length
    if scipy_window == "triang0":  # the triangle with zero ends: 1 - |2k / (n - 1) - 1|
        expected = 1 - np.abs(2 * np.arange(n) / (n - 1) - 1)
    else:
        expected = scipy.signal.get_window(scipy_window, n, fftbins=False)
    np.testing.assert_allclose(_np(got), expected[:length], atol=1e-14)


def test_window_options(device):
    w = tt.hann_window(8, device=device, requires_grad=True)
    assert w.device == device and w.dtype == "float32" and w.requires_grad
    custom = tt.hamming_window(6, False, 0.5, 0.5, dtype="float64")
    np.testing.assert_allclose(_np(custom), 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(6) / 5),
                               atol=1e-15)
    np.testing.assert_allclose(_np(tt.kaiser_window(9, False, 5.0, dtype="float64")),
                               np.kaiser(9, 5.0), rtol=1e-13)
    with pytest.raises(TypeError, match="floating point"):
        tt.hann_window(4, dtype="int64")
    with pytest.raises(RuntimeError, match="non-negative"):
        tt.blackman_window(-1)


def _frames_reference(x, n_fft, hop, window, center, pad_mode, normalized, onesided):
    """The STFT by hand with NumPy: pad, slice frames, window, FFT."""
    if center:
        x = np.pad(x, (n_fft // 2, n_fft // 2), mode={"reflect": "reflect", "constant":
                                                     "constant", "replicate": "edge",
                                                     "circular": "wrap"}[pad_mode])
    count = 1 + (len(x) - n_fft) // hop
    frames = np.stack([x[t * hop:t * hop + n_fft] * window for t in range(count)])
    spectrum = np.fft.fft(frames, axis=-1, norm="ortho" if normalized else None)
    if onesided:
        spectrum = spectrum[:, :n_fft // 2 + 1]
    return spectrum.T


@pytest.mark.parametrize("n_fft, hop, win, center, pad_mode, normalized, onesided", [
    (8, None, None, True, "reflect", False, None), (8, 3, 6, True, "constant", True, None),
    (7, 5, None, False, "reflect", False, False), (9, 2, 9, True, "replicate", False, True),
    (6, 6, 4, True, "circular", False, None), (4, 7, None, True, "reflect", False, None)])
def test_stft_matches_framing_by_hand(device, n_fft, hop, win, center, pad_mode, normalized,
                                      onesided):
    x = rng.standard_normal((2, 29))
    length = win or n_fft
    window = np.hanning(length + 1)[:length] if win else np.ones(n_fft)
    left = (n_fft - length) // 2
    padded = np.zeros(n_fft)
    padded[left:left + length] = window
    got = tt.stft(tt.tensor(x, device=device), n_fft, hop, win,
                  tt.tensor(window, device=device) if win else None, center, pad_mode,
                  normalized, onesided, return_complex=True)
    expected = np.stack([_frames_reference(row, n_fft, hop or n_fft // 4, padded, center,
                                           pad_mode, normalized, onesided is not False)
                         for row in x])
    assert got.shape == expected.shape and got.dtype == "complex128" and got.device == device
    np.testing.assert_allclose(_np(got), expected, atol=1e-12)
    single = tt.tensor(x[0], device=device).stft(n_fft, hop, win, tt.tensor(
        window, device=device) if win else None, center, pad_mode, normalized, onesided,
        return_complex=False)
    assert single.shape == expected.shape[1:] + (2,) and single.dtype == "float64"
    np.testing.assert_allclose(_np(single)[..., 0] + 1j * _np(single)[..., 1], expected[0],
                               atol=1e-12)


@pytest.mark.parametrize("n_fft, hop, center, onesided, length", [
    (8, 2, True, None, None), (8, 3, True, False, None), (9, 4, True, None, 25),
    (8, 2, False, None, None), (16, 4, True, None, 40)])
def test_istft_inverts_stft(device, n_fft, hop, center, onesided, length):
    x = rng.standard_normal((2, 30))
    window = tt.hann_window(n_fft, dtype="float64", device=device)
    if not center:  # a hann window is 0 at the first sample: use one that is not
        window = tt.hamming_window(n_fft, dtype="float64", device=device)
    spectrum = tt.stft(tt.tensor(x, device=device), n_fft, hop, window=window, center=center,
                       onesided=onesided, return_complex=True)
    back = tt.istft(spectrum, n_fft, hop, window=window, center=center, onesided=onesided,
                    length=length)
    covered = n_fft + hop * (spectrum.shape[-1] - 1) - (n_fft // 2 if center else 0)
    want = length if length is not None else covered - (n_fft // 2 if center else 0)
    assert back.shape == (2, want) and back.dtype == "float64" and back.device == device
    usable = min(want, 30)
    np.testing.assert_allclose(_np(back)[:, :usable], x[:, :usable], atol=1e-12)
    assert np.all(_np(back)[:, covered:] == 0)  # past the last frame: zeros
    single = spectrum[0].istft(n_fft, hop, window=window, center=center, onesided=onesided,
                               length=length)
    assert single.shape == (want,)
    if onesided is False:
        as_complex = tt.istft(spectrum, n_fft, hop, window=window, center=center,
                              onesided=False, length=length, return_complex=True)
        assert as_complex.dtype == "complex128"
        np.testing.assert_allclose(_np(as_complex)[:, :usable], x[:, :usable], atol=1e-12)


def test_stft_and_istft_gradients(device):
    x = _leaf(rng.standard_normal(12), device)
    window = _leaf(np.hanning(7)[1:6] + 0.1, device)
    assert gradcheck(lambda a, w: tt.stft(a, 6, 2, 5, w, return_complex=True), (x, window))
    spectrum = tt.stft(x.detach(), 6, 2, window=tt.hann_window(6, dtype="float64",
                                                                  device=device),
                       return_complex=True)
    leaf = spectrum.detach().requires_grad_()
    assert gradcheck(lambda s: tt.istft(s, 6, 2, window=tt.hann_window(
        6, dtype="float64", device=device)), (leaf,))


def test_stft_and_istft_refuse_bad_arguments():
    x = tt.arange(10.0)
    with pytest.raises(RuntimeError, match="n_fft"):
        tt.stft(x, 0)
    with pytest.raises(RuntimeError, match="hop_length"):
        tt.stft(x, 4, hop_length=0)
    with pytest.raises(RuntimeError, match="win_length"):
        tt.stft(x, 4, win_length=5)
    with pytest.raises(RuntimeError, match="window of size"):
        tt.stft(x, 4, window=tt.ones(3))
    with pytest.raises(RuntimeError, match="reflect padding"):
        tt.stft(x[:3], 8)
    with pytest.raises(ValueError, match="pad_mode"):
        tt.stft(x, 4, pad_mode="bogus")
    with pytest.raises(TypeError, match="floating point"):
        tt.stft(tt.arange(10), 4)
    with pytest.raises(RuntimeError, match="one-sided"):
        tt.stft(x.to("complex64"), 4, onesided=True)
    spectrum = tt.stft(x, 4, window=tt.hann_window(4), return_complex=True)
    with pytest.raises(RuntimeError, match="complex input"):
        tt.istft(tt.view_as_real(spectrum), 4)
    with pytest.raises(RuntimeError, match="NOLA"):
        tt.istft(spectrum, 4, window=tt.hann_window(4), center=False)
    with pytest.raises(RuntimeError, match="frequency bins"):
        tt.istft(spectrum, 4, onesided=False)
