"""PyTorch's top-level utilities that sit above the ops: type checks, random state,
printing options, creation helpers, and aliases of tinytorch.linalg and nn.functional.

What it does: the legacy typed constructors (`FloatTensor([1, 2])`,
`LongTensor(3)`, `isinstance(x, BoolTensor)`); `is_tensor`, `numel`,
`detach`; `seed`, `initial_seed`, `get_rng_state` and `set_rng_state`
(the global streams of every device, saved and restored, through
generator.default_generator);
`set_printoptions` (repr's precision, threshold, edgeitems, linewidth and
sci_mode); `logspace`, `randint_like`, `bernoulli` and `normal`;
`dropout(input, p, train)`; and `cross`, `det`, `inverse`, `matrix_power`,
which call tinytorch.linalg.

Assumes: the random state is the host's (backends/host/rng.py): a uint8
tensor holding the seeds and each started device stream's PCG64 state as
JSON bytes, so the tensor round-trips through `set_rng_state` and can be
saved, but is not PyTorch's byte layout (a state from torch is refused).
set_printoptions keeps NumPy's layout (`profile="default"` restores it),
not PyTorch's four-digit default.
Production does instead: PyTorch's state is the raw Mersenne Twister (CPU)
or Philox (CUDA) engine state per device, and its printer is _tensor_str.
"""

from __future__ import annotations

import math
import operator

from . import dtypes as _dt
from . import linalg as _linalg
from .backends import host
from .creation import full, linspace, rand, randint, randn
from .errors import tensor_arguments
from .generator import default_generator
from .ops import broadcast_shapes, cast, pow
from .tensor import Tensor

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
           "CharTensor", "ByteTensor", "BoolTensor", "is_tensor", "numel", "detach", "seed",
           "initial_seed", "get_rng_state", "set_rng_state", "set_printoptions", "logspace",
           "randint_like", "bernoulli", "normal", "dropout", "cross", "det", "inverse",
           "matrix_power", "logdet", "cholesky_solve", "chain_matmul", "matrix_exp"]


# ---- PyTorch's legacy typed constructors ------------------------------------------------------

class _LegacyTensorType(type):
    """FloatTensor and friends: calling one builds a Tensor of its dtype with Tensor's legacy
    constructor rules; isinstance(x, FloatTensor) asks whether x is a float32 tensor."""

    def __call__(cls, *args, device=None):
        return Tensor(*args, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype


def _legacy_type(name, dtype):
    return _LegacyTensorType(name, (), {"dtype": dtype, "__module__": __name__})


FloatTensor, DoubleTensor, HalfTensor = (_legacy_type(n, d) for n, d in (
    ("FloatTensor", "float32"), ("DoubleTensor", "float64"), ("HalfTensor", "float16")))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _legacy_type(n, d) for n, d in (
        ("LongTensor", "int64"), ("IntTensor", "int32"), ("ShortTensor", "int16"),
        ("CharTensor", "int8"), ("ByteTensor", "uint8"), ("BoolTensor", "bool")))


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input) -> int:  # noqa: A002
    return input.numel()


def detach(input):  # noqa: A002
    return input.detach()


# ---- random state ----------------------------------------------------------------------------

def seed() -> int:
    """Reseed every device's stream from fresh entropy; return the new seed."""
    new = host.fresh_seed()
    host.manual_seed(new)
    return new


def initial_seed() -> int:
    """The seed the global streams started from (manual_seed's, or one drawn at first use)."""
    return host.initial_seed()


def get_rng_state() -> Tensor:
    """The global random state as a uint8 tensor, for set_rng_state (JSON bytes, see above)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore a state from get_rng_state(): the draws that followed it repeat."""
    default_generator.set_state(new_state)


# ---- printing --------------------------------------------------------------------------------

def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """How repr shows tensors: digits after the point, the element count above which it
    summarises, the items kept at each edge, the line width, and sci_mode (True: always
    scientific, False: never, None: NumPy's choice). profile="default" resets all of them;
    "short" is precision 2, edgeitems 2; "full" never summarises."""
    options = host.print_options
    if profile is not None:
        profiles = {"default": {}, "short": {"precision": 2, "edgeitems": 2, "threshold": 1000},
                    "full": {"threshold": 2**63 - 1}}
        if profile not in profiles:
            raise ValueError(f"set_printoptions(): profile must be 'default', 'short' or 'full', "
                             f"got {profile!r}")
        options.update(dict.fromkeys(options), **profiles[profile])
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise TypeError(f"set_printoptions(): {name} must be an int, got {value!r}")
        # NumPy's printer keeps all but threshold in C ints
        bits = 63 if name == "threshold" else 31
        value = 2**bits - 1 if value == math.inf else int(value)
        if value > 2**bits - 1:
            raise ValueError(f"set_printoptions(): {name} must be below 2**{bits}, got {value}")
        if value < (1 if name == "linewidth" else 0):
            raise ValueError(f"set_printoptions(): {name} must be non-negative, got {value}")
        options[name] = value
    if sci_mode is not None:
        if not isinstance(sci_mode, bool):
            raise TypeError(f"set_printoptions(): sci_mode must be True, False or None, got "
                            f"{sci_mode!r}")
        options["sci_mode"] = sci_mode


# ---- creation --------------------------------------------------------------------------------

def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """base ** linspace(start, end, steps): `steps` points spaced evenly on a log scale."""
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise TypeError(f"logspace(): base must be a number, got {type(base).__name__}")
    dtype = _dt.get_default_dtype() if dtype is None else _dt.canonical_dtype(dtype)
    exponents = linspace(start, end, steps, dtype="float64", device=device)
    out = cast(pow(float(base), exponents), dtype)
    return out.requires_grad_() if requires_grad else out


def randint_like(input, low=0, high=None, *, dtype=None, device=None,  # noqa: A002
                 requires_grad=False):
    """Integers drawn from [low, high) in input's shape (randint_like(x, high) starts at 0)."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad)


def bernoulli(input, p=None, *, generator=None):  # noqa: A002
    """1 with probability input (or p), else 0, in input's dtype (no gradient)."""
    if not _dt.is_floating_point(input.dtype):
        raise TypeError(f"bernoulli() needs floating point probabilities, got {input.dtype}")
    probs = input.detach() if p is None else full(input.shape, p, dtype=input.dtype,
                                                  device=input.device)
    draws = rand(input.shape, generator=generator, dtype=input.dtype, device=input.device)
    return cast(draws < probs, input.dtype)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False):
    """Draws from N(mean, std**2): each of mean and std a number or a tensor (the result takes
    their broadcast shape), or both numbers and a `size`. Like PyTorch's, the draw carries no
    gradient to mean or std: write `mean + std * randn(...)` for one."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    for name, value in (("mean", mean), ("std", std)):
        if not isinstance(value, Tensor) and (isinstance(value, bool)
                                              or not isinstance(value, (int, float))):
            raise TypeError(f"normal(): {name} must be a number or a tensor, got "
                            f"{type(value).__name__}")
    if tensors:
        if size is not None:
            raise TypeError("normal(): size= goes with a number mean and std; with a tensor "
                            "the result takes its shape")
        if any(not _dt.is_floating_point(t.dtype) for t in tensors):
            raise TypeError(f"normal(): a tensor mean or std must be floating point, got "
                            f"{[t.dtype for t in tensors]}")
        shape = broadcast_shapes(*(t.shape for t in tensors))
        dtype = _dt.result_type(*(t.dtype for t in tensors)) if dtype is None else dtype
        device = tensors[0].device if device is None else device
    else:
        if size is None:
            raise TypeError("normal() with a number mean and std needs a size, e.g. "
                            "normal(0.0, 1.0, size=(3,))")
        shape = size
    negative = bool((std < 0).any()) if isinstance(std, Tensor) else not std >= 0
    if negative:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    draw = randn(shape, generator=generator, dtype=dtype, device=device)
    out = (draw * _plain(std) + _plain(mean)).detach()
    return out.requires_grad_() if requires_grad else out


def _plain(value):
    return value.detach() if isinstance(value, Tensor) else value


def dropout(input, p=0.5, train=True):  # noqa: A002
    """PyTorch's torch.dropout(input, p, train): nn.functional.dropout with `train`."""
    from .nn.functional import dropout as _dropout
    return _dropout(input, p, training=bool(train))


# ---- tinytorch.linalg, by PyTorch's top-level names --------------------------------------------

def cross(input, other, dim=None):  # noqa: A002
    """The 3-vector cross product along `dim` (default: the first dimension of size 3)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"cross(): input and other must be Tensors, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    if dim is None:
        sizes = [n for n in (input.shape if input.ndim >= other.ndim else other.shape)]
        if 3 not in sizes:
            raise RuntimeError(f"cross(): no dimension of size 3 in shapes {list(input.shape)} "
                               f"and {list(other.shape)}")
        dim = sizes.index(3)
    try:
        dim = operator.index(dim)
    except TypeError:
        raise TypeError(f"cross(): dim must be an int, got {dim!r}") from None
    return _linalg.cross(input, other, axis=dim)


def det(input):  # noqa: A002
    return _linalg.det(input)


def inverse(input):  # noqa: A002
    return _linalg.inv(input)


def matrix_power(input, n):  # noqa: A002
    return _linalg.matrix_power(input, n)


def logdet(input):  # noqa: A002
    """log(det(A)): nan where the determinant is negative, -inf where it is 0 (complex A:
    the complex logarithm). Its gradient is slogdet's, A^-H."""
    sign, logabsdet = _linalg.slogdet(input)
    if _dt.is_complex(sign.dtype):
        from .ops import log
        return log(sign) + logabsdet
    from .ops import where
    return where(sign < 0, math.nan, logabsdet)


def matrix_exp(input):  # noqa: A002
    return _linalg.matrix_exp(input)


def cholesky_solve(input, input2, upper=False):  # noqa: A002 - PyTorch's parameter names
    """X with A X = input, where input2 is A's Cholesky factor L (A = L L^H) or, with
    upper=True, U (A = U^H U)."""
    return _linalg.cholesky_solve(input, input2, upper)


def chain_matmul(*matrices):
    """The product of 2-D matrices in the cheapest order (PyTorch's older linalg.multi_dot)."""
    for i, m in enumerate(matrices):
        if not isinstance(m, Tensor) or m.ndim != 2:
            got = f"{m.ndim}-D" if isinstance(m, Tensor) else type(m).__name__
            raise RuntimeError(f"chain_matmul(): matrix {i} must be a 2-D tensor, got {got}")
    if len(matrices) == 1:
        return matrices[0].clone()
    return _linalg.multi_dot(list(matrices))


tensor_arguments(globals(), __all__, Tensor)
