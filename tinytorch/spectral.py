"""Short-time Fourier transforms and the windows they use: hann_window, hamming_window,
blackman_window, bartlett_window, kaiser_window, stft and istft (PyTorch's top-level names).

What it does: `stft` pads the signal (center=True), cuts it into frames
n_fft long and hop_length apart, multiplies each by the window and takes
tinytorch.fft.fft of each. The frames are read with slices, not copied
element by element: the signal is cut into blocks of hop_length, and frame
t is blocks t, t+1, ..., t+r-1 (r = ceil(n_fft / hop_length)) joined and
cut to n_fft, so building them costs r slices. `istft` inverts that: an
inverse FFT of each frame (a one-sided spectrum is first completed with the
conjugates it implies), the window applied again, the frames overlap-added
(the same blocks, summed r at a time), and the sum divided by the
overlap-added squared window. Every step is a differentiable tinytorch op,
so gradients flow to the signal, the spectrum and the window.

The windows are computed in float64 and cast to the requested dtype;
kaiser_window's Bessel function I0 is its power series, summed until the
terms no longer matter for the given beta.

Assumes: a one-sided istft ignores the imaginary parts of the zero (and, for
even n_fft, the Nyquist) bin, as an inverse real FFT does. `return_complex`
defaults to True for stft (PyTorch insists on it being given for real
inputs); return_complex=False returns view_as_real of the result, a copy.
Production does instead: PyTorch frames the signal with a strided view (no
copy at all) and uses real-to-complex FFTs (rfft/irfft) for one-sided
spectra, which halve the work.
"""

from __future__ import annotations

import math

from . import dtypes as _dt
from . import fft as _fft
from .autograd import no_grad
from .creation import arange, full, ones, zeros
from .errors import tensor_arguments
from .ops import (
    cast,
    cat,
    clamp,
    conj,
    cos,
    div,
    flip,
    getitem,
    i0,
    mul,
    narrow,
    real,
    reshape,
    sqrt,
    sub,
    transpose,
    view_as_real,
)
from .tensor import Tensor

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window", "stft", "istft"]


# ---- windows -----------------------------------------------------------------------------------

def _window(name, window_length, periodic, dtype, device, requires_grad, shape):
    """A window of `window_length` points: shape(k, m) for k = 0, 1, ..., in float64, where m
    is the length of the symmetric window it comes from less 1 (window_length when periodic:
    the periodic window is the symmetric one of window_length + 1 points, its last dropped)."""
    if isinstance(window_length, bool) or not isinstance(window_length, int):
        raise TypeError(f"{name}(): window_length must be an int, got "
                        f"{type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires a non-negative window_length, got "
                           f"window_length={window_length}")
    if window_length > 2**31 - 1:
        raise RuntimeError(f"{name}(): window_length must be below 2**31, got {window_length}")
    if not isinstance(periodic, bool):
        raise TypeError(f"{name}(): periodic must be a bool, got {type(periodic).__name__}")
    dtype = _dt.canonical_dtype(dtype if dtype is not None else _dt.get_default_dtype())
    if not _dt.is_floating_point(dtype):
        raise TypeError(f"{name} expects a floating point dtype, got {dtype}")
    if window_length <= 1:
        out = ones(window_length, dtype=dtype, device=device)
    else:
        with no_grad():
            k = arange(window_length, dtype="float64", device=device)
            out = cast(shape(k, window_length if periodic else window_length - 1), dtype)
    return out.requires_grad_(True) if requires_grad else out


def _number(name, label, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not -2**1023 < value < 2**1023 or not math.isfinite(value):
        raise TypeError(f"{name}(): {label} must be a finite number, got {value!r}")
    return float(value)


def _cosines(*coefficients):
    """The window sum_j (-1)^j c_j cos(2 pi j k / m) (the generalised cosine windows)."""
    def shape(k, m):
        out = full(k.shape, coefficients[0], dtype="float64", device=k.device)
        for j, c in enumerate(coefficients[1:], start=1):
            term = mul(cos(mul(k, 2 * math.pi * j / m)), c)
            out = sub(out, term) if j % 2 else out + term
        return out
    return shape


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    """0.5 - 0.5 cos(2 pi k / m): the raised cosine, 0 at both ends of the symmetric window."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _cosines(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    """alpha - beta cos(2 pi k / m)."""
    alpha = _number("hamming_window", "alpha", alpha)
    beta = _number("hamming_window", "beta", beta)
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosines(alpha, beta))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """0.42 - 0.5 cos(2 pi k / m) + 0.08 cos(4 pi k / m)."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _cosines(0.42, 0.5, 0.08))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """The triangle 1 - |2k / m - 1|."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, m: sub(1.0, (mul(k, 2.0 / m) - 1.0).abs()))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    """I0(beta sqrt(1 - (2k / m - 1)^2)) / I0(beta), I0 the modified Bessel function of the
    first kind of order 0 (tinytorch.i0)."""
    beta = _number("kaiser_window", "beta", beta)
    if beta < 0:
        raise RuntimeError(f"kaiser_window(): beta must be non-negative, got {beta}")

    def shape(k, m):
        ratio = mul(k, 2.0 / m) - 1.0
        argument = mul(sqrt(clamp(sub(1.0, mul(ratio, ratio)), min=0.0)), beta)
        scale = i0(full((), beta, dtype="float64", device=k.device))
        return div(i0(argument), scale)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   shape)


# ---- framing and overlap-add -------------------------------------------------------------------

def _frames(x, n_fft, hop):
    """(B, T, n_fft): frame t of each row of x (B, L) is x[:, t*hop : t*hop + n_fft]."""
    batch, length = x.shape
    count = 1 + (length - n_fft) // hop
    r = -(-n_fft // hop)  # blocks per frame
    need = (count + r - 1) * hop
    if need > length:
        x = cat([x, zeros((batch, need - length), dtype=x.dtype, device=x.device)], -1)
    blocks = reshape(narrow(x, 1, 0, need), (batch, count + r - 1, hop))
    joined = cat([narrow(blocks, 1, j, count) for j in range(r)], -1)  # (B, T, r * hop)
    return narrow(joined, 2, 0, n_fft)


def _overlap_add(frames, hop):
    """The inverse of _frames' layout: (B, T, n) frames summed into (B, n + hop (T - 1)),
    frame t starting at t * hop."""
    batch, count, n = frames.shape
    r = -(-n // hop)
    if r * hop > n:
        frames = cat([frames, zeros((batch, count, r * hop - n), dtype=frames.dtype,
                                    device=frames.device)], -1)
    chunks = reshape(frames, (batch, count, r, hop))
    total = None
    for j in range(r):  # chunk j of frame t lands in block t + j
        part = getitem(chunks, (slice(None), slice(None), j))
        pieces = [zeros((batch, j, hop), dtype=part.dtype, device=part.device)] if j else []
        pieces.append(part)
        if r - 1 - j:
            pieces.append(zeros((batch, r - 1 - j, hop), dtype=part.dtype, device=part.device))
        shifted = cat(pieces, 1) if len(pieces) > 1 else part
        total = shifted if total is None else total + shifted
    return narrow(reshape(total, (batch, (count + r - 1) * hop)), 1, 0, n + hop * (count - 1))


def _pad(x, amount, mode):
    """x (B, L) padded by `amount` on both ends of its last dimension."""
    length = x.shape[-1]
    if mode == "constant":
        edge = zeros((x.shape[0], amount), dtype=x.dtype, device=x.device)
        return cat([edge, x, edge], -1)
    if mode == "reflect":
        if amount >= length:
            raise RuntimeError(f"stft(): reflect padding of {amount} (n_fft // 2) needs a signal "
                               f"longer than {amount}, got length {length}; use a longer "
                               f"signal, a smaller n_fft, or pad_mode='constant'")
        left = flip(narrow(x, 1, 1, amount), -1)
        right = flip(narrow(x, 1, length - 1 - amount, amount), -1)
    elif mode == "replicate":
        if length == 0:
            raise RuntimeError("stft(): replicate padding needs a non-empty signal")
        left = narrow(x, 1, 0, 1).expand(x.shape[0], amount)
        right = narrow(x, 1, length - 1, 1).expand(x.shape[0], amount)
    elif mode == "circular":
        if amount > length:
            raise RuntimeError(f"stft(): circular padding of {amount} (n_fft // 2) wraps around "
                               f"a signal of length {length} more than once; use a longer "
                               f"signal or another pad_mode")
        left, right = narrow(x, 1, length - amount, amount), narrow(x, 1, 0, amount)
    else:
        raise ValueError(f"stft(): pad_mode must be 'constant', 'reflect', 'replicate' or "
                         f"'circular', got {mode!r}")
    return cat([left, x, right], -1)


def _positive(name, label, value, default):
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}(): {label} must be an int, got {type(value).__name__}")
    return value


def _window_of(name, window, win_length, n_fft, like):
    """The window (a given 1-d tensor of win_length, or ones) zero-padded to n_fft, centred."""
    if window is None:
        window = ones(win_length, dtype=_real_of(like.dtype), device=like.device)
    elif not isinstance(window, Tensor):
        raise TypeError(f"{name}(): window must be a Tensor or None, got "
                        f"{type(window).__name__}")
    elif window.ndim != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"{name}(): expected a 1-d window of size win_length={win_length}, "
                           f"got shape {list(window.shape)}")
    elif not _dt.is_inexact(window.dtype):
        raise TypeError(f"{name}(): window must be floating point or complex, got "
                        f"{window.dtype}")
    left = (n_fft - win_length) // 2
    if left or n_fft - win_length - left:
        pieces = [zeros(left, dtype=window.dtype, device=window.device), window,
                  zeros(n_fft - win_length - left, dtype=window.dtype, device=window.device)]
        window = cat(pieces)
    return window


def _real_of(dtype):
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def _lengths(name, n_fft, hop_length, win_length):
    n_fft = _positive(name, "n_fft", n_fft, None)
    if n_fft <= 0:
        raise RuntimeError(f"{name}(): expected n_fft > 0, got n_fft={n_fft}")
    hop = _positive(name, "hop_length", hop_length, n_fft // 4)
    win = _positive(name, "win_length", win_length, n_fft)
    if hop <= 0:
        raise RuntimeError(f"{name}(): expected hop_length > 0, got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{name}(): expected 0 < win_length <= n_fft, got win_length={win} "
                           f"and n_fft={n_fft}")
    return n_fft, hop, win


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,  # noqa: A002
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None):
    """The short-time Fourier transform of a signal (L,) or batch (B, L): (B?, F, T) complex,
    F = n_fft // 2 + 1 (one-sided, the default for real signal and window) or n_fft, T = the
    number of frames hop_length (default n_fft // 4) apart. center=True pads n_fft // 2 on
    both ends (pad_mode), so frame t is centred on sample t * hop_length; normalized=True
    scales by 1 / sqrt(n_fft)."""
    n_fft, hop, win = _lengths("stft", n_fft, hop_length, win_length)
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft(): expected a 1-d (L,) or 2-d (B, L) signal, got shape "
                           f"{list(input.shape)}")
    if not _dt.is_inexact(input.dtype):
        raise TypeError(f"stft(): expected a floating point or complex signal, got "
                        f"{input.dtype}; convert first, e.g. x.float()")
    window = _window_of("stft", window, win, n_fft, input)
    if window.device is not input.device:
        raise RuntimeError(f"stft(): the signal is on {input.device} but the window on "
                           f"{window.device}; move one with .to(...)")
    is_complex = _dt.is_complex(input.dtype) or _dt.is_complex(window.dtype)
    if onesided is None:
        onesided = not is_complex
    elif onesided and is_complex:
        raise RuntimeError("stft(): cannot have a one-sided output when the signal or the "
                           "window is complex; pass onesided=False")
    x = reshape(input, (1, -1)) if input.ndim == 1 else input
    if center:
        x = _pad(x, n_fft // 2, pad_mode)
    if not 0 < n_fft <= x.shape[-1]:
        raise RuntimeError(f"stft(): expected 0 < n_fft <= {x.shape[-1]} (the padded signal's "
                           f"length), got n_fft={n_fft}")
    frames = mul(_frames(x, n_fft, hop), window)
    spectrum = _fft.fft(frames, dim=-1, norm="ortho" if normalized else "backward")
    if onesided:
        spectrum = narrow(spectrum, -1, 0, n_fft // 2 + 1)
    spectrum = transpose(spectrum, -1, -2)
    if input.ndim == 1:
        spectrum = reshape(spectrum, spectrum.shape[1:])
    return spectrum if return_complex is None or return_complex else view_as_real(spectrum)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,  # noqa: A002
          normalized=False, onesided=None, length=None, return_complex=False):
    """The inverse of stft: the signal (B?, L) whose stft (same parameters) is `input` (B?, F,
    T), by inverse FFTs, the window, overlap-add and division by the overlap-added squared
    window (which must not vanish where the signal is kept). `length` cuts or zero-pads the
    result; return_complex=True keeps a complex signal (two-sided input only)."""
    n_fft, hop, win = _lengths("istft", n_fft, hop_length, win_length)
    if not _dt.is_complex(input.dtype):
        raise RuntimeError(f"istft() requires a complex input (stft's output with "
                           f"return_complex=True), got {input.dtype}; for a real (..., 2) "
                           f"tensor use view_as_complex first")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"istft(): expected a 2-d (F, T) or 3-d (B, F, T) spectrum, got "
                           f"shape {list(input.shape)}")
    spectrum = reshape(input, (1, *input.shape)) if input.ndim == 2 else input
    bins, count = spectrum.shape[1], spectrum.shape[2]
    if count == 0 or bins == 0:
        raise RuntimeError(f"istft(): the spectrum must not be empty, got shape "
                           f"{list(input.shape)}")
    if onesided is None:
        onesided = bins != n_fft
    want = n_fft // 2 + 1 if onesided else n_fft
    if bins != want:
        sided = "one" if onesided else "two"
        raise RuntimeError(f"istft(): expected {want} frequency bins ({sided}-sided, "
                           f"n_fft={n_fft}), got {bins}")
    if length is not None and (isinstance(length, bool) or not isinstance(length, int)
                               or length < 0):
        raise TypeError(f"istft(): length must be a non-negative int or None, got {length!r}")
    window = _window_of("istft", window, win, n_fft, spectrum)
    if window.device is not input.device:
        raise RuntimeError(f"istft(): the spectrum is on {input.device} but the window on "
                           f"{window.device}; move one with .to(...)")
    norm = "ortho" if normalized else "backward"
    frames = transpose(spectrum, 1, 2)  # (B, T, F)
    if return_complex:
        if onesided:
            raise RuntimeError("istft(): return_complex=True needs a two-sided spectrum "
                               "(onesided=False): a one-sided one describes a real signal")
        signal = _fft.ifft(frames, dim=-1, norm=norm)
    else:
        if _dt.is_complex(window.dtype):
            raise RuntimeError("istft(): a complex window needs return_complex=True")
        half = narrow(frames, -1, 0, n_fft // 2 + 1)
        # the two-sided spectrum of a real signal: X[n - k] = conj(X[k])
        mirrored = conj(flip(narrow(half, -1, 1, n_fft - n_fft // 2 - 1), -1))
        signal = real(_fft.ifft(cat([half, mirrored], -1), dim=-1, norm=norm))
    total = n_fft + hop * (count - 1)
    summed = _overlap_add(mul(signal, window), hop)
    squared = mul(window, window)
    envelope = _overlap_add(reshape(squared, (1, 1, n_fft)).expand(1, count, n_fft), hop)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else total - (n_fft // 2 if center else 0)
    stop = min(end, total)
    summed = narrow(summed, 1, start, max(stop - start, 0))
    envelope = narrow(envelope, 1, start, max(stop - start, 0))
    if envelope.numel():
        lowest = float(envelope.detach().abs().min().item())
        if lowest < 1e-11:
            raise RuntimeError(f"istft(): the overlap-added squared window falls to {lowest:g} "
                               f"inside the signal, so it cannot be divided out (the window "
                               f"fails the NOLA condition); use a window and hop_length whose "
                               f"frames overlap everywhere, or center=True")
    out = div(summed, envelope)
    if end > total:
        out = cat([out, zeros((out.shape[0], end - max(total, start)), dtype=out.dtype,
                              device=out.device)], -1)
    return reshape(out, out.shape[1:]) if input.ndim == 2 else out


tensor_arguments(globals(), __all__, Tensor)
