"""tinytorch: a PyTorch-like tensor, autograd and neural-network library you can read end to end.

Every tensor's data lives in an array-API backend chosen by its device
("cpu" is NumPy, "cuda" is CuPy, "strict" is array-api-strict); the front
end owns dtypes, devices and gradients, so results agree on every device.
Start with `tinytorch.tensor`, then read tensor.py, autograd.py and ops/.
"""

from . import backends, cuda, dtypes
# Tensor first: tensor.py ends by importing the ops (the one upward import), which need both
# Tensor and autograd.Function; starting from autograd would meet a half-made tensor module.
from .tensor import Size, Tensor
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import *  # noqa: F403
from .device import device, get_default_device, set_default_device
from .dtypes import (
    bool, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
    promote_types, result_type, set_default_dtype, uint8, uint16, uint32, uint64,
    can_cast, is_floating_point, dtype,
)
from .dtypes import complex64, complex128, finfo, iinfo, isdtype
from .ops import *  # noqa: F403
from .interop import __array_namespace_info__, from_dlpack
from . import data, fft, linalg, nn, optim, special, utils
from . import distributions
from . import distributed
from . import viz
from .generator import Generator, default_generator, manual_seed
from . import accelerator, amp, function_ctx
# PyTorch's probes: `torch.backends.mps.is_available()`, `torch.backends.cudnn.benchmark` and
# `torch.backends.cuda.matmul.allow_tf32` (importing backends/cuda.py does not import CuPy).
from .backends import cuda as _cuda_backend, cudnn as _cudnn, mps as _mps  # noqa: F401
from .amp import autocast
from .modes import inference_mode, is_inference_mode_enabled
from .serialization import load, save
# PyTorch's switches that only choose how fast things run (they change no value here): compile,
# the float32 matmul precision and memory formats; and anomaly mode (tinytorch.autograd).
from .compat import compile, get_float32_matmul_precision, set_float32_matmul_precision
from .memory_format import (
    channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format,
)
from .anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled

# The array API's constants (newaxis is None, as in NumPy and the standard). Defined before the
# PyTorch aliases below, which rebind the names `float` and `int` in this module.
e = 2.718281828459045
pi = 3.141592653589793
inf = float("inf")
nan = float("nan")
newaxis = None

# PyTorch's dtype aliases: tinytorch.float is "float32", tinytorch.long is "int64", and so on.
# bfloat16 exists so that code naming it gets a clear error on use.
float, double, half, long, int, short, byte, char = (  # noqa: A001
    dtypes.PYTORCH_ALIASES[name]
    for name in ("float", "double", "half", "long", "int", "short", "byte", "char"))
cfloat, cdouble, bfloat16 = "complex64", "complex128", "bfloat16"

# PyTorch's top-level utilities above the ops (random state, printing, linalg aliases, ...)
from .toplevel import *  # noqa: E402,F403
from . import random  # noqa: E402 - torch.random: manual_seed, fork_rng, ...

cuda.amp = amp  # torch.cuda.amp.autocast / GradScaler: PyTorch's older spelling

__version__ = "0.1.0"
__array_api_version__ = "2024.12"  # the newest standard implemented in full (a test holds it)
