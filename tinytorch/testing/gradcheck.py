"""gradcheck: compare autograd's gradients with central finite differences in float64.

How: inputs that require grad are copied to float64 on their device. One
backward pass of the output weighted by a random vector v gives J^T v; for
each input element i, two forward passes give ((f(x + eps e_i) - f(x - eps
e_i)) . v) / (2 eps), the same quantity numerically. Any mismatch names the
input and the element. A random v catches a wrong Jacobian entry with
probability one, while costing one backward pass instead of one per output.
Complex inputs and outputs follow PyTorch's convention: the loss is
real(sum(out * conj(v))) for a complex random v, and an input's gradient is
dL/dx + i dL/dy, each part measured by stepping the real and the imaginary
part of the element.
Assumes: `fn` is deterministic and smooth near the inputs.
Production does instead: torch.autograd.gradcheck builds the full Jacobian
(one backward per output element) and also offers a fast mode with random
projections like this one, plus checks for complex inputs and batched grads.
"""

from __future__ import annotations

from .. import creation, no_grad
from ..generator import Generator
from ..tensor import Tensor

__all__ = ["gradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """The analytical and numerical gradients disagree."""


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0) -> bool:
    """Check `fn`'s gradients with respect to every input that requires grad.

    `inputs` is a tensor or a tuple of tensors and other values passed to
    `fn` positionally. Returns True, or raises GradcheckError (or returns
    False with raise_exception=False) naming the first disagreeing element.
    """
    inputs = tuple(
        x.detach().to(dtype=_wide(x)).requires_grad_() if isinstance(x, Tensor) and x.requires_grad
        else x for x in _as_tuple(inputs))
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck expects at least one input tensor with requires_grad=True")

    # the outputs that carry a gradient, by position, so the finite differences below weigh
    # the same outputs (a float output without one, lu's permutation P, is left out of both)
    results = _as_tuple(fn(*inputs))
    picked = [k for k, o in enumerate(results) if isinstance(o, Tensor) and o.requires_grad]
    outputs = [results[k] for k in picked]
    # A stream of its own, so checking a gradient leaves the program's random state alone.
    stream = Generator().manual_seed(seed)

    def draw(shape, device):
        return creation.randn(shape, generator=stream, dtype="float64", device=device)
    weights = [draw(o.shape, o.device) if not _is_complex(o)
               else draw(o.shape, o.device) + 1j * draw(o.shape, o.device) for o in outputs]

    def weighted(outs):
        from ..ops import conj, real
        total = 0.0
        for o, w in zip(outs, weights):
            total = total + real(o.to(dtype=_wide(o)) * conj(w)).sum()
        return total

    if outputs:
        weighted(outputs).backward()
    analytical = [inputs[i].grad for i in checked]
    for i, got in zip(checked, analytical):  # a gradient mirrors its input's shape, dtype, device
        x = inputs[i]
        if got is not None and (got.shape, got.dtype, got.device) != (x.shape, x.dtype, x.device):
            message = (f"the gradient of input {i} has shape {got.shape}, dtype {got.dtype} and "
                       f"device {got.device}, but the input has shape {x.shape}, dtype "
                       f"{x.dtype} and device {x.device}.")
            if raise_exception:
                raise GradcheckError(message)
            return False

    for position, i in enumerate(checked):
        x = inputs[i]
        flat = x.detach().reshape(-1)
        got = analytical[position]
        got_flat = None if got is None else got.reshape(-1).tolist()
        for element in range(flat.numel()):
            numerical = _numerical(fn, inputs, i, flat, element, eps, weighted, picked)
            value = 0.0 if got_flat is None else got_flat[element]
            if abs(value - numerical) > atol + rtol * abs(numerical):
                index = _unravel(element, x.shape)
                message = (f"Jacobian mismatch for output 0 with respect to input {i} (shape "
                           f"{x.shape}, device {x.device}) at element {index}: analytical "
                           f"{value!r}, numerical {numerical!r} (atol={atol}, rtol={rtol}).")
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


def _numerical(fn, inputs, i, flat, element, eps, weighted, picked):
    directions = (1, 1j) if _is_complex(flat) else (1,)
    slopes = []
    for direction in directions:
        results = []
        with no_grad():
            for step in (eps, -eps):
                moved = flat.clone()
                moved[element] = moved[element] + step * direction
                args = list(inputs)
                args[i] = moved.reshape(inputs[i].shape)
                found = _as_tuple(fn(*args))
                outs = [found[k] for k in picked]
                results.append(float(weighted(outs)) if outs else 0.0)
        slopes.append((results[0] - results[1]) / (2 * eps))
    return slopes[0] if len(slopes) == 1 else complex(slopes[0], slopes[1])


def _is_complex(t):
    return t.dtype.startswith("complex")


def _wide(t):
    return "complex128" if _is_complex(t) else "float64"


def _unravel(flat_index, shape):
    index = []
    for size in reversed(shape):
        index.append(flat_index % size)
        flat_index //= size
    return tuple(reversed(index))
