"""The Tensor: a backend array plus the dtype, device and autograd bookkeeping around it.

What it does: holds `_data` (an array of the device's backend), its dtype
string and device, and the autograd slots (`requires_grad`, `grad`,
`grad_fn`, a version counter for in-place writes). Its operators and
methods are thin calls into `tinytorch.ops`, where each op's forward and
backward live together.

Assumes:
- Tensors own their arrays; views (reshape, slicing, detach) may share
  memory on backends that support it, so, as in PyTorch, a view shares the
  version counter of the tensor it came from: an in-place write through
  either is seen by every autograd node that saved the other.
- An in-place op that is recorded for autograd computes out of place and
  swaps in the new buffer (so the old values stay valid for the graph, as
  PyTorch's saved "original self" does); an unrecorded one, such as an
  optimizer step under `no_grad()`, writes into the existing buffer.

Production does instead: a PyTorch tensor is a C++ `TensorImpl` with a
storage, sizes, strides and an offset, so views are first-class and share
a version counter with their base; autograd metadata lives in a separate
`AutogradMeta` only for tensors that need it.
"""

from __future__ import annotations

import builtins
import math
import sys
import weakref

from . import dtypes as _dtypes
from .backends import host
from .device import cuda_device
from .engine import is_grad_enabled, run_backward
from .memory_format import check_memory_format as _check_memory_format
from .memory_format import preserve_format as _preserve_format

__all__ = ["Tensor", "Size"]


def _inplace_operator(op_name: str):
    """An augmented-assignment method (x += y) calling the op `op_name` of tinytorch.ops."""
    def method(self, other):
        return self._inplace(globals()[op_name](self, other))  # ops arrive at the module's end
    method.__name__ = f"__i{op_name}__"
    return method


class Size(tuple):
    """PyTorch's torch.Size: a tuple of ints with `numel()`. `Tensor.shape` stays a plain
    tuple (it is the backend's, and compares equal to a Size of the same ints)."""

    def __new__(cls, sizes=()):
        items = tuple(sizes) if isinstance(sizes, (tuple, list, range)) else (None,)
        for n in items:  # (a loop: this module's namespace ends up holding the op `any`)
            if isinstance(n, bool) or not hasattr(n, "__index__"):
                raise TypeError(f"Size() takes a sequence of ints, got {sizes!r}")
        return super().__new__(cls, (n.__index__() for n in items))

    def numel(self) -> int:
        return math.prod(self)

    def __repr__(self) -> str:
        return f"tinytorch.Size({list(self)})"


class Tensor:
    __slots__ = ("_data", "device", "dtype", "requires_grad", "grad", "grad_fn", "_counter",
                 "_hooks", "_post_accumulate_hooks", "__weakref__")

    __array_priority__ = 1000  # make NumPy scalars defer to Tensor's reflected operators

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        """PyTorch's legacy constructor: `Tensor(data)` copies a sequence into the default float
        dtype (not the inferred one: Tensor([1, 2]) is float32), `Tensor(*sizes)` or
        `Tensor(Size)` makes one of that shape (zero-filled here; PyTorch leaves it
        uninitialised), and `Tensor()` is empty. `tinytorch.tensor(data)` infers the dtype."""
        dtype = _dtypes.get_default_dtype() if dtype is None else dtype
        if len(args) == 1 and not isinstance(args[0], (int, Size)):
            if isinstance(args[0], (float, builtins.complex, bool)):  # (ops.complex shadows)
                raise TypeError(f"Tensor(): a single {type(args[0]).__name__} is neither data "
                                f"(a sequence) nor a size; use tinytorch.tensor({args[0]!r})")
            made = tensor(args[0], dtype=dtype, device=device, requires_grad=requires_grad)
        else:
            sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args or (0,)
            made = zeros(*sizes, dtype=dtype, device=device, requires_grad=requires_grad)
        for slot in Tensor.__slots__[:-1]:
            setattr(self, slot, getattr(made, slot))

    @staticmethod
    def _wrap(array, device) -> Tensor:
        """A new tensor around a backend array that already lives on `device` (no copy)."""
        backend = device._backend
        if array.__class__ is not backend.array_type:
            array = backend.coerce(array)
        t = _new_tensor(Tensor)
        t._data = array
        t.device = device
        t.dtype = backend.dtype_names[array.dtype]
        t.requires_grad = False
        t.grad = t.grad_fn = t._hooks = t._post_accumulate_hooks = None
        t._counter = [0]
        return t

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's buffer has seen (shared with its views)."""
        return self._counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        self._counter[0] = value

    # ---- attributes -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> _Size:
        """The number of elements (the array API's `x.size`), callable as PyTorch's `x.size(dim)`.

        `x.size == 6` and `x.size * 2` use it as an int; `x.size()` is the shape
        tuple and `x.size(0)` one dimension's length, as in PyTorch.
        """
        return _Size(self._data.shape)

    def numel(self) -> int:
        return math.prod(self._data.shape)

    nelement = numel

    def is_floating_point(self) -> bool:
        return _dtypes.is_floating_point(self.dtype)

    def dim(self) -> int:
        return self._data.ndim

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def data(self) -> Tensor:
        """The same values, detached from autograd (shares the buffer, as in PyTorch)."""
        return self.detach()

    @data.setter
    def data(self, other: Tensor) -> None:
        self._data, self.device, self.dtype = other._data, other.device, other.dtype

    @property
    def T(self) -> Tensor:  # noqa: N802
        """The transpose of a 2-D tensor; 0-D and 1-D come back as they are (as PyTorch).

        The array API allows T on matrices only, and PyTorch deprecated it on other
        ranks, so more axes raise, pointing to the explicit spellings.
        """
        if self.ndim > 2:
            raise ValueError(f"x.T needs a tensor of at most 2 axes, got shape {self.shape}. "
                             f"Use x.mT to swap the last two axes, or "
                             f"x.permute(*reversed(range(x.ndim))) to reverse them all.")
        return transpose(self, 0, 1) if self.ndim == 2 else self

    @property
    def mT(self) -> Tensor:  # noqa: N802
        return transpose(self, -2, -1)

    # ---- autograd ---------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=False, create_graph=False,
                 inputs=None) -> None:
        """Accumulate the gradient of this tensor into the `.grad` of every leaf that needs one
        (with `inputs=`: of those tensors only, leaves or not)."""
        if create_graph:
            raise RuntimeError(NO_CREATE_GRAPH)
        grad = self._initial_gradient(gradient, "element 0 of tensors")
        if inputs is None:
            run_backward(self.grad_fn or self, grad, retain_graph)
            return
        targets = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        # (a loop, not all(): this module's namespace ends up holding the op `all`)
        wrong = [t for t in targets if not (isinstance(t, Tensor) and t.requires_grad)]
        if wrong or not targets:
            raise RuntimeError("backward(inputs=...) takes a non-empty sequence of tensors that "
                               "require grad")
        captured = {id(t.grad_fn or t): None for t in targets}
        run_backward(self.grad_fn or self, grad, retain_graph, captured)
        for t in dict.fromkeys(targets):  # each tensor once, even if listed twice
            total = captured[id(t.grad_fn or t)]
            if total is not None:
                t._accumulate_grad(total)

    def _initial_gradient(self, gradient, name):
        """The array backward starts from: ones for a one-element output, else `gradient`."""
        if not self.requires_grad:
            raise RuntimeError(
                f"{name} does not require grad and does not have a grad_fn: nothing "
                "upstream was created with requires_grad=True (or it ran under no_grad()). Call "
                "x.requires_grad_() on the inputs you want gradients for.")
        data = self._data
        if gradient is None:
            if self.numel() != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs, but this output "
                    f"has shape {self.shape}. Pass backward(gradient=...) with a tensor of that "
                    f"shape, or reduce first, e.g. y.sum().backward().")
            return self.device.xp.ones(data.shape, dtype=data.dtype, device=data.device)
        if not isinstance(gradient, Tensor):
            raise TypeError(f"gradient must be a Tensor, got {type(gradient).__name__}")
        if gradient.shape != self.shape:
            raise RuntimeError(f"Mismatch in shape: gradient has shape {gradient.shape} but "
                               f"the output has shape {self.shape}. Pass a gradient of the "
                               f"output's shape.")
        if gradient.device is not self.device:
            raise RuntimeError(f"gradient is on {gradient.device} but the output is on "
                               f"{self.device}; move it with gradient.to('{self.device}').")
        # a copy (leaves' .grad must not alias `gradient`) in the output's dtype: PyTorch
        # accepts an int64 gradient for a float output; the strict backends refuse the mix
        return self.device.xp.astype(gradient._data, data.dtype, copy=True)

    def _accumulate_grad(self, grad) -> None:
        """The engine's leaf protocol: this leaf's total gradient of one backward pass."""
        for hook in self._hooks or ():
            grad = checked_hook_result(hook, hook(Tensor._wrap(grad, self.device)), grad,
                                       self.device)
        if self.grad is None:
            self.grad = Tensor._wrap(grad, self.device)
        else:
            self.grad = Tensor._wrap(self.grad._data + grad, self.device)
        for hook in self._post_accumulate_hooks or ():
            hook(self)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and not _dtypes.is_inexact(self.dtype):
            raise TypeError(
                f"only Tensors of floating point and complex dtype can require gradients, got "
                f"{self.dtype}. "
                f"Convert first, e.g. x = x.float().requires_grad_().")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. Use "
                               "y = y.detach() to get a tensor that does not require grad.")
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        out = Tensor._wrap(self._data, self.device)
        out._counter = self._counter  # same buffer: a write through it must be seen (PyTorch)
        return out

    def detach_(self) -> Tensor:
        self.grad_fn, self.requires_grad = None, False
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward (leaves keep it anyway)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed.

        A tensor returned by the hook replaces the gradient.
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            if self.grad_fn.hooks is None:
                self.grad_fn.hooks = []
            hooks = self.grad_fn.hooks
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call `hook(tensor)` right after this leaf's `.grad` is updated by a backward pass.

        As in PyTorch, the hook runs during backward, as soon as every gradient that
        reaches this leaf in the pass has arrived (before unrelated parts of the graph
        run), so a distributed trainer can start sending `.grad` early. Its return
        value is ignored. Leaves only.
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors; use register_hook() on a non-leaf instead.")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return _HookHandle(self._post_accumulate_hooks, hook)

    # ---- conversion -------------------------------------------------------------------------
    def to(self, *args, **kwargs) -> Tensor:
        """`to(device)`, `to(dtype)`, `to(device, dtype)` or `to(other_tensor)`; differentiable.

        `memory_format=` (channels_last, ...) is accepted and changes nothing: there are no
        strides to rearrange (see memory_format.py)."""
        device, dtype = _parse_to(args, kwargs)
        out = self
        if dtype is not None and dtype != self.dtype:
            out = cast(out, dtype)
        if device is not None and device is not self.device:
            out = to_device(out, device)
        return out

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device=None) -> Tensor:
        return self.to(cuda_device(device))

    def astype(self, dtype) -> Tensor:
        return self.to(dtype=dtype)

    def type(self, dtype=None):
        return self.dtype if dtype is None else self.to(dtype=dtype)

    def float(self): return self.to(dtype="float32")
    def double(self): return self.to(dtype="float64")
    def half(self): return self.to(dtype="float16")
    def long(self): return self.to(dtype="int64")
    def int(self): return self.to(dtype="int32")
    def bool(self): return self.to(dtype="bool")

    def short(self) -> Tensor:
        return self.to(dtype="int16")

    def byte(self) -> Tensor:
        return self.to(dtype="uint8")

    # ---- PyTorch's new_* factories: same dtype and device as self unless given ------------
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        return self._new(zeros, size, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        return self._new(ones, size, dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        return self._new(empty, size, dtype, device, requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None,
                 requires_grad=False) -> Tensor:
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False) -> Tensor:
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                      requires_grad=requires_grad)

    def _new(self, factory, size, dtype, device, requires_grad) -> Tensor:
        return factory(*size, dtype=dtype or self.dtype, device=device or self.device,
                       requires_grad=requires_grad)

    def numpy(self):
        """The data as a NumPy array (shares memory). CPU tensors only, as in PyTorch."""
        if self.device.type != "cpu":
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                            f"Tensor.cpu() to copy the tensor to host memory first.")
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def _host(self):
        """A host (NumPy) copy of the data, from any device."""
        return self.device._backend.to_host(self._data)

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to "
                               f"Scalar. Index one element first, e.g. x[0].item().")
        return self._host().reshape(()).item()

    def tolist(self):
        return self._host().tolist()

    def __format__(self, spec: str) -> str:
        """`f"{loss:.4f}"` formats a one-element tensor's value, as in PyTorch."""
        if spec and self.numel() == 1:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if not _dtypes.is_integral(self.dtype):
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index, got dtype {self.dtype}")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.numel()} values is "
                               f"ambiguous. Use .any() or .all() to reduce it first.")
        return bool(self.item())

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __repr__(self) -> str:
        from .backends import host
        body = host.format_array(self._host(), prefix="tensor(")
        extras = [f"dtype={self.dtype}", f"device='{self.device}'"]
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"tensor({body}, {', '.join(extras)})"

    __hash__ = object.__hash__

    def __array_namespace__(self, api_version=None):
        # The package that holds this module is loaded whenever a Tensor exists; looking it
        # up (not importing it) keeps tensor.py from importing the layers above it.
        return sys.modules[__package__]

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """Export the buffer through DLPack, without a copy where the consumer allows."""
        if self.requires_grad:
            raise RuntimeError("Can't export tensors that require gradient, use "
                               "tensor.detach() first.")
        kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version),
                                    ("dl_device", dl_device), ("copy", copy)) if v is not None}
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __array__(self, dtype=None, copy=None):
        """NumPy's view of a cpu tensor (np.asarray(t)); PyTorch's rule: cpu only, no grad."""
        array = self.numpy()
        if dtype is not None and dtype != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def __complex__(self) -> builtins.complex:
        return builtins.complex(self.item())  # the builtin: tinytorch.complex is the op

    def to_device(self, device, /, *, stream=None) -> Tensor:
        """The array API's spelling of `to(device)` (differentiable)."""
        return self.to(device)

    @property
    def real(self) -> Tensor:
        return real(self)

    @property
    def imag(self) -> Tensor:
        return imag(self)

    # ---- operators --------------------------------------------------------------------------
    def __add__(self, other): return add(self, other)
    def __radd__(self, other): return add(other, self)
    def __sub__(self, other): return sub(self, other)
    def __rsub__(self, other): return sub(other, self)
    def __mul__(self, other): return mul(self, other)
    def __rmul__(self, other): return mul(other, self)
    def __truediv__(self, other): return div(self, other)
    def __rtruediv__(self, other): return div(other, self)
    def __floordiv__(self, other): return floor_divide(self, other)
    def __rfloordiv__(self, other): return floor_divide(other, self)
    def __mod__(self, other): return remainder(self, other)
    def __rmod__(self, other): return remainder(other, self)
    def __pow__(self, other): return pow(self, other)
    def __rpow__(self, other): return pow(other, self)
    def __matmul__(self, other): return matmul(self, other)
    def __rmatmul__(self, other): return matmul(other, self)
    def __neg__(self): return neg(self)
    def __pos__(self): return self
    def __abs__(self): return abs(self)
    def __invert__(self): return bitwise_not(self)
    def __and__(self, other): return bitwise_and(self, other)
    def __rand__(self, other): return bitwise_and(other, self)
    def __or__(self, other): return bitwise_or(self, other)
    def __ror__(self, other): return bitwise_or(other, self)
    def __xor__(self, other): return bitwise_xor(self, other)
    def __rxor__(self, other): return bitwise_xor(other, self)
    def __eq__(self, other):
        other = _comparable(other)
        return eq(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __ne__(self, other):
        other = _comparable(other)
        return ne(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __lt__(self, other): return lt(self, other)
    def __le__(self, other): return le(self, other)
    def __gt__(self, other): return gt(self, other)
    def __ge__(self, other): return ge(self, other)
    def __lshift__(self, other): return bitwise_left_shift(self, other)
    def __rlshift__(self, other): return bitwise_left_shift(other, self)
    def __rshift__(self, other): return bitwise_right_shift(self, other)
    def __rrshift__(self, other): return bitwise_right_shift(other, self)
    def __getitem__(self, key): return getitem(self, key)
    def __setitem__(self, key, value): setitem(self, key, value)


    # ---- named methods: each is the tinytorch function of the same name, with self first -----
    def abs(self): return abs(self)
    def exp(self): return exp(self)
    def log(self): return log(self)
    def log1p(self): return log1p(self)
    def sqrt(self): return sqrt(self)
    def rsqrt(self): return rsqrt(self)
    def sin(self): return sin(self)
    def cos(self): return cos(self)
    def tanh(self): return tanh(self)
    def sigmoid(self): return sigmoid(self)
    def relu(self): return relu(self)
    def sign(self): return sign(self)
    def floor(self): return floor(self)
    def round(self, decimals=0): return round(self, decimals)
    def square(self): return square(self)
    def reciprocal(self): return reciprocal(self)
    def neg(self): return neg(self)
    def isnan(self): return isnan(self)
    def isinf(self): return isinf(self)
    def isfinite(self): return isfinite(self)
    def add(self, other, *, alpha=1): return add(self, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return sub(self, other, alpha=alpha)
    def mul(self, other): return mul(self, other)
    def div(self, other, *, rounding_mode=None):
        return div(self, other, rounding_mode=rounding_mode)
    def pow(self, exponent): return pow(self, exponent)
    def remainder(self, other): return remainder(self, other)
    def matmul(self, other): return matmul(self, other)
    def maximum(self, other): return maximum(self, other)
    def minimum(self, other): return minimum(self, other)
    def clamp(self, min=None, max=None): return clamp(self, min, max)  # noqa: A002
    def clip(self, min=None, max=None): return clamp(self, min, max)  # noqa: A002
    def where(self, condition, other): return where(condition, self, other)
    def masked_fill(self, mask, value): return masked_fill(self, mask, value)
    def eq(self, other): return eq(self, other)
    def ne(self, other): return ne(self, other)
    def lt(self, other): return lt(self, other)
    def le(self, other): return le(self, other)
    def gt(self, other): return gt(self, other)
    def ge(self, other): return ge(self, other)
    def logical_not(self): return logical_not(self)
    def logical_and(self, other): return logical_and(self, other)
    def logical_or(self, other): return logical_or(self, other)
    def clone(self, *, memory_format=None):
        _check_memory_format(memory_format, "clone")  # a layout hint: no strides here
        return clone(self)

    def contiguous(self, memory_format=None):
        """self: tinytorch tensors are always contiguous, in every memory format."""
        _check_memory_format(memory_format, "contiguous")
        if memory_format is _preserve_format:
            raise RuntimeError("contiguous() does not take preserve_format (as in PyTorch); "
                               "pass contiguous_format or channels_last")
        return self

    def type_as(self, other): return self.to(dtype=_tensor_other('type_as', other).dtype)

    def sum(self, *args, **kwargs): return method_sum(self, *args, **kwargs)
    def mean(self, *args, **kwargs): return mean(self, *args, **kwargs)
    def var(self, *args, **kwargs): return var(self, *args, **kwargs)
    def std(self, *args, **kwargs): return std(self, *args, **kwargs)
    def prod(self, *args, **kwargs): return method_prod(self, *args, **kwargs)
    def max(self, *args, **kwargs): return max(self, *args, **kwargs)
    def min(self, *args, **kwargs): return min(self, *args, **kwargs)
    def amax(self, *args, **kwargs): return amax(self, *args, **kwargs)
    def amin(self, *args, **kwargs): return amin(self, *args, **kwargs)
    def argmax(self, *args, **kwargs): return argmax(self, *args, **kwargs)
    def argmin(self, *args, **kwargs): return argmin(self, *args, **kwargs)
    def all(self, *args, **kwargs): return all(self, *args, **kwargs)
    def any(self, *args, **kwargs): return any(self, *args, **kwargs)
    def logsumexp(self, *args, **kwargs): return logsumexp(self, *args, **kwargs)
    def softmax(self, dim, dtype=None): return softmax(self, dim, dtype)
    def log_softmax(self, dim, dtype=None): return log_softmax(self, dim, dtype)

    def reshape(self, *shape): return reshape(self, *shape)
    def view(self, *shape): return reshape(self, *shape)
    def view_as(self, other): return reshape(self, _tensor_other('view_as', other).shape)
    def reshape_as(self, other): return reshape(self, _tensor_other('reshape_as', other).shape)
    def flatten(self, start_dim=0, end_dim=-1): return flatten(self, start_dim, end_dim)
    def permute(self, *dims): return permute(self, *dims)
    def transpose(self, dim0, dim1): return transpose(self, dim0, dim1)
    swapaxes = swapdims = transpose
    def t(self): return t(self)
    def select(self, dim, index): return select(self, dim, index)
    def movedim(self, source, destination): return movedim(self, source, destination)
    def squeeze(self, dim=None): return squeeze(self, dim=dim)
    def unsqueeze(self, dim): return unsqueeze(self, dim)
    def expand(self, *sizes): return expand(self, *sizes)
    def expand_as(self, other): return broadcast_to(self, _tensor_other('expand_as', other).shape)
    def broadcast_to(self, shape): return broadcast_to(self, shape)
    def repeat(self, *sizes):  # PyTorch's Tensor.repeat tiles (tinytorch.repeat is the standard's)
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        if len(sizes) < self.ndim:
            raise RuntimeError(f"Number of dimensions of repeat dims ({len(sizes)}) can not be "
                               f"smaller than number of dimensions of tensor ({self.ndim})")
        return tile(self, sizes)
    def repeat_interleave(self, repeats, dim=None): return repeat(self, repeats, axis=dim)
    def sort(self, dim=-1, descending=False, stable=False):  # PyTorch's: (values, indices)
        return sort(self, dim=dim, descending=descending, stable=stable)
    def argsort(self, dim=-1, descending=False, stable=False):
        return argsort(self, axis=dim, descending=descending, stable=stable)
    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
        return unique(self, sorted, return_inverse, return_counts, dim)
    def cumsum(self, dim, *, dtype=None): return cumsum(self, dim, dtype=dtype)
    def cumprod(self, dim, *, dtype=None): return cumprod(self, dim, dtype=dtype)
    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return diff(self, n=n, axis=dim, prepend=prepend, append=append)
    def conj(self): return conj(self)
    def is_complex(self): return _dtypes.is_complex(self.dtype)
    def ceil(self): return ceil(self)
    def trunc(self): return trunc(self)
    def expm1(self): return expm1(self)
    def log2(self): return log2(self)
    def log10(self): return log10(self)
    def tan(self): return tan(self)
    def sinh(self): return sinh(self)
    def cosh(self): return cosh(self)
    def count_nonzero(self, dim=None): return count_nonzero(self, axis=dim)
    def take_along_dim(self, indices, dim): return take_along_axis(self, indices, axis=dim)
    def flip(self, dims=None): return flip(self, dims)
    def split(self, split_size, dim=0): return split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return chunk(self, chunks, dim)
    def unbind(self, dim=0): return unbind(self, dim)
    def narrow(self, dim, start, length): return narrow(self, dim, start, length)
    def narrow_copy(self, dim, start, length): return narrow(self, dim, start, length).clone()
    def gather(self, dim, index): return gather(self, dim, index)
    def nonzero(self, *, as_tuple=False): return nonzero(self, as_tuple=as_tuple)
    def tril(self, diagonal=0, *, k=None): return tril(self, diagonal, k=k)
    def triu(self, diagonal=0, *, k=None): return triu(self, diagonal, k=k)
    def roll(self, shifts=None, dims=None, *, shift=None, axis=None):
        return roll(self, shift, dims, axis=axis, shifts=shifts)
    def topk(self, k, dim=-1, largest=True, sorted=True): return topk(self, k, dim, largest, sorted)  # noqa: A002,E501
    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return isclose(self, other, rtol, atol, equal_nan)
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return allclose(self, other, rtol, atol, equal_nan)
    def multinomial(self, num_samples, replacement=False, *, generator=None):
        return multinomial(self, num_samples, replacement, generator=generator)

    # x += y and friends: the out-of-place op, then its result swapped in (see _inplace)
    __iadd__, __isub__, __imul__, __itruediv__, __ifloordiv__, __imod__, __ipow__ = map(
        _inplace_operator, ("add", "sub", "mul", "div", "floor_divide", "remainder", "pow"))
    __imatmul__, __iand__, __ior__, __ixor__, __ilshift__, __irshift__ = map(
        _inplace_operator, ("matmul", "bitwise_and", "bitwise_or", "bitwise_xor",
                            "bitwise_left_shift", "bitwise_right_shift"))

    def add_(self, other, *, alpha=1): return self._inplace(add(self, other, alpha=alpha))
    def sub_(self, other, *, alpha=1): return self._inplace(sub(self, other, alpha=alpha))

    def mul_(self, other): return self._inplace(mul(self, other))
    def div_(self, other): return self._inplace(div(self, other))
    def pow_(self, other): return self._inplace(pow(self, other))
    def clamp_(self, min=None, max=None): return self._inplace(clamp(self, min, max))  # noqa: A002
    def copy_(self, src): return self._inplace(_broadcast_like(src, self))
    def fill_(self, value): return self._inplace(_broadcast_like(value, self))
    def zero_(self): return self.fill_(0)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        _numbers("uniform_", finite=True, a=a, b=b)
        if not a <= b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={a} > to={b}")
        draws = rand(self.shape, generator=generator, dtype=self.dtype, device=self.device)
        return self.copy_(draws * (b - a) + a)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        _numbers("normal_", mean=mean, std=std)
        draws = randn(self.shape, generator=generator, dtype=self.dtype, device=self.device)
        return self.copy_(draws * std + mean)

    # ---- more of PyTorch's methods (ops/scatter, matrix, stacking, special, statistics) -------
    def index_select(self, dim, index): return index_select(self, dim, index)
    def masked_select(self, mask): return masked_select(self, mask)
    def index_add(self, dim, index, source, *, alpha=1):
        return index_add(self, dim, index, source, alpha=alpha)
    def index_copy(self, dim, index, source): return index_copy(self, dim, index, source)
    def index_fill(self, dim, index, value): return index_fill(self, dim, index, value)
    def scatter(self, dim, index, src=None, value=None, *, reduce=None):
        return scatter(self, dim, index, src, value, reduce=reduce)
    def scatter_add(self, dim, index, src): return scatter_add(self, dim, index, src)
    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return scatter_reduce(self, dim, index, src, reduce, include_self=include_self)
    def masked_fill_(self, mask, value): return self._inplace(masked_fill(self, mask, value))
    def masked_scatter(self, mask, source): return masked_scatter(self, mask, source)
    def masked_scatter_(self, mask, source):
        return self._inplace(masked_scatter(self, mask, source))
    def index_put(self, indices, values, accumulate=False):
        return index_put(self, indices, values, accumulate)
    def index_put_(self, indices, values, accumulate=False):
        return self._inplace(index_put(self, indices, values, accumulate))

    # in-place changes of shape: self takes the new shape (and, under autograd, the new node)
    def t_(self): return self._take_shape(t(self))
    def transpose_(self, dim0, dim1): return self._take_shape(transpose(self, dim0, dim1))
    swapaxes_ = swapdims_ = transpose_
    def unsqueeze_(self, dim): return self._take_shape(unsqueeze(self, dim))
    def squeeze_(self, dim=None): return self._take_shape(squeeze(self, dim=dim))

    def resize_(self, *sizes):
        """Take shape `sizes`, keeping the flat elements that fit and zero-filling the rest (a
        larger size); as in PyTorch, not for a tensor that requires grad."""
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad: resize a detached "
                               "copy, or use reshape")
        shape = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        shape = Size(shape)  # ints only, or a TypeError naming them
        for n in shape:
            if n < 0:
                raise RuntimeError(f"resize_(): sizes must be non-negative, got {list(shape)}")
        flat = self.detach().reshape(-1)
        wanted = math.prod(shape)
        if wanted > flat.numel():
            flat = cat([flat, zeros(wanted - flat.numel(), dtype=self.dtype, device=self.device)])
        self._data = flat[:wanted].reshape(*shape)._data
        self._version += 1
        return self

    def apply_(self, callable):  # noqa: A002 - PyTorch's argument name
        """Replace every element x by callable(x), a Python function of one number (slow: one
        call per element, as in PyTorch, where it is CPU-only)."""
        if not builtins.callable(callable):
            raise TypeError(f"apply_() takes a function of one number, got "
                            f"{type(callable).__name__}")
        values = [callable(v) for v in self.detach().reshape(-1).tolist()]
        return self.copy_(tensor(values, dtype=self.dtype, device=self.device).reshape(self.shape))

    def is_nonzero(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.numel() or 'no'} values is "
                               f"ambiguous: is_nonzero() needs exactly one element")
        return self.item() != 0

    def _take_shape(self, result: Tensor) -> Tensor:
        if self.requires_grad and self.grad_fn is None and is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation. Reshape a non-leaf (x * 1) or use the out-of-place op.")
        self._data, self.grad_fn = result._data, result.grad_fn
        return self
    def index_fill_(self, dim, index, value):
        return self._inplace(index_fill(self, dim, index, value))
    def index_add_(self, dim, index, source, *, alpha=1):
        return self._inplace(index_add(self, dim, index, source, alpha=alpha))
    def index_copy_(self, dim, index, source):
        return self._inplace(index_copy(self, dim, index, source))
    def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
        return self._inplace(scatter(self, dim, index, src, value, reduce=reduce))
    def scatter_add_(self, dim, index, src):
        return self._inplace(scatter_add(self, dim, index, src))
    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return self._inplace(scatter_reduce(self, dim, index, src, reduce,
                                            include_self=include_self))
    def diag(self, diagonal=0): return diag(self, diagonal)
    def diagonal(self, offset=0, dim1=0, dim2=1): return diagonal(self, offset, dim1, dim2)
    def diag_embed(self, offset=0, dim1=-2, dim2=-1): return diag_embed(self, offset, dim1, dim2)
    def trace(self): return trace(self)
    def mm(self, mat2): return mm(self, mat2)
    def bmm(self, mat2): return bmm(self, mat2)
    def dot(self, other): return dot(self, other)
    def outer(self, vec2): return outer(self, vec2)
    def inner(self, other): return inner(self, other)
    def kron(self, other): return kron(self, other)
    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return addmm(self, mat1, mat2, beta=beta, alpha=alpha)
    def mv(self, vec): return mv(self, vec)
    def addmv(self, mat, vec, *, beta=1, alpha=1): return addmv(self, mat, vec, beta=beta, alpha=alpha)  # noqa: E501
    def addr(self, vec1, vec2, *, beta=1, alpha=1): return addr(self, vec1, vec2, beta=beta, alpha=alpha)  # noqa: E501
    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return self._inplace(addmv(self, mat, vec, beta=beta, alpha=alpha))
    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        return self._inplace(addr(self, vec1, vec2, beta=beta, alpha=alpha))
    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)
    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return norm(self, p, dim, keepdim, dtype)
    def dist(self, other, p=2): return dist(self, other, p)
    def tril_(self, diagonal=0): return self._inplace(tril(self, diagonal))
    def triu_(self, diagonal=0): return self._inplace(triu(self, diagonal))
    def sgn(self): return sgn(self)
    def frac(self): return frac(self)
    def fmod(self, other): return fmod(self, other)
    def clamp_min(self, min): return clamp_min(self, min)  # noqa: A002
    def clamp_max(self, max): return clamp_max(self, max)  # noqa: A002
    def clamp_min_(self, min): return self._inplace(clamp_min(self, min))  # noqa: A002
    def clamp_max_(self, max): return self._inplace(clamp_max(self, max))  # noqa: A002
    def lerp(self, end, weight): return lerp(self, end, weight)
    def lerp_(self, end, weight): return self._inplace(lerp(self, end, weight))
    def logit(self, eps=None): return logit(self, eps)
    def xlogy(self, other): return xlogy(self, other)
    def sinc(self): return sinc(self)
    def erf(self): return erf(self)
    def erfc(self): return erfc(self)
    def erfinv(self): return erfinv(self)
    def lgamma(self): return lgamma(self)
    def digamma(self): return digamma(self)
    def polygamma(self, n): return polygamma(n, self)
    def mvlgamma(self, p): return mvlgamma(self, p)
    def i0(self): return i0(self)
    def erfinv_(self): return self._inplace(erfinv(self))
    def lgamma_(self): return self._inplace(lgamma(self))
    def digamma_(self): return self._inplace(digamma(self))
    def polygamma_(self, n): return self._inplace(polygamma(n, self))
    def mvlgamma_(self, p): return self._inplace(mvlgamma(self, p))
    def i0_(self): return self._inplace(i0(self))
    def deg2rad(self): return deg2rad(self)
    def rad2deg(self): return rad2deg(self)
    def exp2(self): return exp2(self)
    def logaddexp(self, other): return logaddexp(self, other)
    def logaddexp2(self, other): return logaddexp2(self, other)
    def heaviside(self, values): return heaviside(self, values)
    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return nan_to_num(self, nan, posinf, neginf)
    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return self._inplace(nan_to_num(self, nan, posinf, neginf))
    def isneginf(self): return isneginf(self)
    def isposinf(self): return isposinf(self)
    def addcmul(self, tensor1, tensor2, *, value=1): return addcmul(self, tensor1, tensor2, value=value)  # noqa: E501
    def addcdiv(self, tensor1, tensor2, *, value=1): return addcdiv(self, tensor1, tensor2, value=value)  # noqa: E501
    def addcmul_(self, tensor1, tensor2, *, value=1):
        return self._inplace(addcmul(self, tensor1, tensor2, value=value))
    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return self._inplace(addcdiv(self, tensor1, tensor2, value=value))
    def cummax(self, dim): return cummax(self, dim)
    def cummin(self, dim): return cummin(self, dim)
    def logcumsumexp(self, dim): return logcumsumexp(self, dim)
    def nansum(self, dim=None, keepdim=False, *, dtype=None): return nansum(self, dim, keepdim, dtype=dtype)  # noqa: E501
    def nanmean(self, dim=None, keepdim=False, *, dtype=None): return nanmean(self, dim, keepdim, dtype=dtype)  # noqa: E501
    def median(self, dim=None, keepdim=False): return median(self, dim, keepdim)
    def nanmedian(self, dim=None, keepdim=False): return nanmedian(self, dim, keepdim)
    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return quantile(self, q, dim, keepdim, interpolation=interpolation)
    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return nanquantile(self, q, dim, keepdim, interpolation=interpolation)
    def bincount(self, weights=None, minlength=0): return bincount(self, weights, minlength)
    def histc(self, bins=100, min=0, max=0): return histc(self, bins, min, max)  # noqa: A002
    def kthvalue(self, k, dim=-1, keepdim=False): return kthvalue(self, k, dim, keepdim)
    def mode(self, dim=-1, keepdim=False): return mode(self, dim, keepdim)
    def cov(self, *, correction=1, fweights=None, aweights=None):
        return cov(self, correction=correction, fweights=fweights, aweights=aweights)
    def corrcoef(self): return corrcoef(self)
    def histogram(self, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
        return histogram(self, bins, range=range, weight=weight, density=density)
    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return unique_consecutive(self, return_inverse, return_counts, dim)
    def float_power(self, exponent): return float_power(self, exponent)
    def float_power_(self, exponent):
        if self.dtype not in ("float64", "complex128"):
            raise RuntimeError(f"float_power_(): the result is float64 (or complex128), which "
                               f"this {self.dtype} tensor cannot hold in place; use "
                               f"x.float_power(exponent) or x.double() first")
        return self._inplace(float_power(self, exponent))
    def angle(self): return angle(self)
    def stft(self, n_fft, hop_length=None, win_length=None, window=None, center=True,
             pad_mode="reflect", normalized=False, onesided=None, return_complex=None):
        return sys.modules[__package__].stft(self, n_fft, hop_length, win_length, window, center,
                                             pad_mode, normalized, onesided, return_complex)
    def istft(self, n_fft, hop_length=None, win_length=None, window=None, center=True,
              normalized=False, onesided=None, length=None, return_complex=False):
        return sys.modules[__package__].istft(self, n_fft, hop_length, win_length, window,
                                              center, normalized, onesided, length,
                                              return_complex)
    def tensor_split(self, indices_or_sections, dim=0):
        return tensor_split(self, indices_or_sections, dim)
    def unflatten(self, dim, sizes): return unflatten(self, dim, sizes)
    def unfold(self, dimension, size, step): return method_unfold(self, dimension, size, step)
    def rot90(self, k=1, dims=(0, 1)): return rot90(self, k, dims)
    def fliplr(self): return fliplr(self)
    def flipud(self): return flipud(self)
    def det(self): return sys.modules[__package__].det(self)  # tinytorch.linalg sits above
    def inverse(self): return sys.modules[__package__].inverse(self)
    def matrix_power(self, n): return sys.modules[__package__].matrix_power(self, n)
    def logdet(self): return sys.modules[__package__].logdet(self)
    def cholesky_solve(self, input2, upper=False):
        return sys.modules[__package__].cholesky_solve(self, input2, upper)
    def matrix_exp(self): return sys.modules[__package__].linalg.matrix_exp(self)
    def cross(self, other, dim=None): return sys.modules[__package__].cross(self, other, dim)

    # in-place versions of the math functions: the out-of-place op, then swapped in (_inplace)
    def sqrt_(self): return self._inplace(sqrt(self))
    def rsqrt_(self): return self._inplace(rsqrt(self))
    def exp_(self): return self._inplace(exp(self))
    def log_(self): return self._inplace(log(self))
    def log1p_(self): return self._inplace(log1p(self))
    def abs_(self): return self._inplace(abs(self))
    def neg_(self): return self._inplace(neg(self))
    def sin_(self): return self._inplace(sin(self))
    def cos_(self): return self._inplace(cos(self))
    def tanh_(self): return self._inplace(tanh(self))
    def sigmoid_(self): return self._inplace(sigmoid(self))
    def relu_(self): return self._inplace(relu(self))
    def floor_(self): return self._inplace(floor(self))
    def ceil_(self): return self._inplace(ceil(self))
    def trunc_(self): return self._inplace(trunc(self))
    def round_(self, decimals=0): return self._inplace(round(self, decimals))
    def sign_(self): return self._inplace(sign(self))
    def square_(self): return self._inplace(square(self))
    def reciprocal_(self): return self._inplace(reciprocal(self))
    def remainder_(self, other): return self._inplace(remainder(self, other))
    def fmod_(self, other): return self._inplace(fmod(self, other))

    # random fills, drawn from the global streams (tinytorch.manual_seed), like uniform_
    def bernoulli_(self, p=0.5, *, generator=None):
        if not isinstance(p, Tensor):
            _numbers("bernoulli_", p=p)
        draws = rand(self.shape, generator=generator, dtype="float64", device=self.device)
        probs = p.to(self.device, "float64") if isinstance(p, Tensor) else p
        return self.copy_(draws < probs)

    def random_(self, *args, generator=None, **kwargs):
        """Integers drawn uniformly from [from, to) (random_(to): from 0; random_(): from 0 to
        the largest integer the dtype holds exactly)."""
        bounds = list(args) + [kwargs.pop(k) for k in ("from", "to") if k in kwargs]
        if kwargs or len(bounds) > 2:
            raise TypeError(f"random_() takes from and to, got {len(bounds)} bounds and "
                            f"{sorted(kwargs)}")
        if len(bounds) < 2:
            top = _dtypes.iinfo(self.dtype).max + 1 if _dtypes.is_integral(self.dtype) and \
                self.dtype != "bool" else 2 if self.dtype == "bool" else \
                2 ** {"float16": 11, "float32": 24}.get(self.dtype, 53) + 1  # exact ints
            bounds = [0, bounds[0] if bounds and bounds[0] is not None else top]
        low, high = bounds
        _numbers("random_", finite=True, low=low, high=high)
        return self.copy_(randint(int(low), int(high), self.shape, generator=generator,
                                  device=self.device))

    def exponential_(self, lambd=1.0, *, generator=None):
        _numbers("exponential_", lambd=lambd)
        draws = rand(self.shape, generator=generator, dtype=self.dtype, device=self.device)
        return self.copy_(neg(log1p(neg(draws))) / lambd)

    # ---- memory layout: tinytorch tensors own plain arrays, not strided views of a storage ----
    def is_contiguous(self, memory_format=None) -> bool:
        """Always True: a tinytorch tensor is never a strided view into another's storage (its
        array may be a NumPy view, but no op depends on that), so `contiguous()` returns self."""
        return True

    def stride(self, dim=None):
        """The row-major strides (in elements) of this shape: tinytorch lays every tensor out
        as if contiguous (see is_contiguous), so these are the strides PyTorch would report
        for a contiguous tensor of the same shape."""
        strides, step = [], 1
        for n in reversed(self.shape):
            strides.append(step)
            step *= n if n > 1 else 1
        strides = tuple(reversed(strides))
        return strides if dim is None else strides[_checked_dim(dim, self.ndim)]

    def storage_offset(self) -> int:
        raise RuntimeError("tinytorch tensors have no shared storage, so no storage offset: a "
                           "tensor owns its array. Compare values instead, or use "
                           "x.is_set_to / `is` to compare tensors.")

    def data_ptr(self) -> int:
        raise RuntimeError("tinytorch tensors expose no memory address (data_ptr): the array "
                           "lives in a backend (NumPy, CuPy, array-api-strict). To share memory "
                           "use DLPack (tinytorch.from_dlpack) or x.numpy() on cpu.")

    def ndimension(self) -> int: return self.ndim
    def element_size(self) -> int:
        """Bytes per element (1 for bool): the bit count in the dtype's name, over 8."""
        digits = "".join(c for c in self.dtype if c.isdigit())
        return int(digits) // 8 if digits else 1

    @property
    def itemsize(self) -> int:
        return self.element_size()

    @property
    def nbytes(self) -> int:
        return self.element_size() * self.numel()

    def char(self) -> Tensor: return self.to(dtype="int8")
    def bfloat16(self) -> Tensor:
        raise TypeError("bfloat16 is not supported: NumPy and the array API standard have no "
                        "bfloat16 dtype. Use x.half() (float16) or x.float() (float32).")

    @property
    def H(self) -> Tensor:  # noqa: N802
        """The conjugate transpose of a matrix (a 0-d tensor comes back conjugated)."""
        if self.ndim not in (0, 2):
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors), got shape "
                               f"{list(self.shape)}. Use x.mH for batches of matrices, or "
                               f"x.conj() for vectors.")
        return conj(self.T)

    @property
    def mH(self) -> Tensor:  # noqa: N802
        """The conjugate transpose of the last two dimensions."""
        return conj(transpose(self, -2, -1))

    def pin_memory(self, device=None) -> Tensor:
        """self: host memory needs no pinning for tinytorch's copies (cpu tensors only)."""
        if self.device.type != "cpu":
            raise RuntimeError(f"cannot pin a {self.device} tensor: only cpu tensors can be "
                               f"pinned")
        return self

    def is_pinned(self, device=None) -> bool: return False

    def share_memory_(self) -> Tensor:
        """A no-op returning self: tinytorch has no shared-memory storages, so a tensor sent to
        another process is copied (pickled), not shared."""
        return self

    def is_shared(self) -> bool: return False

    def _inplace(self, result: Tensor) -> Tensor:
        """Make `result` (computed out of place from self) the new value of self."""
        if result.dtype != self.dtype:
            raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output "
                               f"type {self.dtype} of an in-place op. Use an out-of-place op "
                               f"(x = x + y), or cast first.")
        if result.shape != self.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)} of an in-place op. Use an "
                               f"out-of-place op instead.")
        node = result.grad_fn
        if node is None and self.requires_grad and is_grad_enabled():
            if self.grad_fn is None:
                raise RuntimeError(
                    "a leaf Variable that requires grad is being used in an in-place operation. "
                    "Update parameters inside `with tinytorch.no_grad():`, or use an "
                    "out-of-place op.")
            # Overwritten by a constant (fill_, copy_ of a plain tensor): record it, so that
            # no gradient flows to the old value (writing the buffer would leave the old graph).
            result = where(full(self.shape, True, device=self.device), result, self)
            node = result.grad_fn
        if node is None:
            self._data[...] = result._data
            self._version += 1
            return self
        if self.requires_grad and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation. "
                "Update parameters inside `with tinytorch.no_grad():`, or use an out-of-place op.")
        self._version += 1
        self._data, self.grad_fn, self.requires_grad = result._data, node, True
        # The node's saved copy of the old self is no longer self's buffer, while its
        # output now is; track versions accordingly.
        node.versions = [(weakref.ref(self), self._version) if ref() is result else (ref, v)
                         for ref, v in node.versions if ref() is not self]
        return self


class _Size(int):
    """The element count as an int that can also be called as PyTorch's `size(dim=None)`."""

    def __new__(cls, shape):
        self = int.__new__(cls, math.prod(shape))
        self.shape = tuple(shape)
        return self

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        ndim = len(self.shape)
        try:
            return self.shape[dim] if -ndim <= dim < ndim else self.shape[ndim]
        except (IndexError, TypeError):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {dim!r})") from None


class _HookHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


_new_tensor = object.__new__
_OPERANDS = (Tensor, int, float, complex)  # what == and != compare with (else NotImplemented)


def _comparable(other):
    """A NumPy scalar as its Python number (x == np.int64(3) compares like x == 3)."""
    number = host.python_scalar(other) if not isinstance(other, _OPERANDS) else None
    return other if number is None else number


def _parse_to(args, kwargs):
    from .device import device as as_device
    device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    kwargs.pop("copy", None)
    kwargs.pop("non_blocking", None)
    _check_memory_format(kwargs.pop("memory_format", None), "to")  # layout only: nothing to do
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            device, dtype = arg.device, arg.dtype
        elif arg in (float, int, bool) or isinstance(arg, str) and _is_dtype_name(arg):
            dtype = arg
        elif arg is not None:
            device = arg
    if isinstance(device, str) and not isinstance(device, as_device):
        device = _device_or_explain(device)
    return (None if device is None else as_device(device),
            None if dtype is None else _dtypes.canonical_dtype(dtype))


NO_CREATE_GRAPH = (
    "create_graph=True asks for a differentiable backward pass, which tinytorch does not record: "
    "backward functions compute on raw arrays (engine.py), so there are no second derivatives. "
    "For a Hessian-vector product, differentiate numerically (finite differences of "
    "torch.autograd.grad), or write the second derivative by hand.")


def checked_hook_result(hook, result, grad, device):
    """The gradient a hook hands back: `grad` if it returned None, else its tensor, which must
    keep the gradient's shape and device (as PyTorch requires)."""
    if result is None:
        return grad
    name = getattr(hook, "__name__", repr(hook))
    if not isinstance(result, Tensor):
        raise TypeError(f"expected a Tensor or None, but hook {name!r} returned "
                        f"{type(result).__name__}")
    if result.shape != tuple(grad.shape):
        raise RuntimeError(f"hook {name!r} has changed the size of the gradient: it got shape "
                           f"{tuple(grad.shape)} and returned shape {result.shape}. Return a "
                           f"tensor of the gradient's shape.")
    if result.device is not device:
        raise RuntimeError(f"hook {name!r} returned a gradient on {result.device}, but the "
                           f"gradient is on {device}; return it on {device}.")
    return result._data


def _numbers(name, *, finite=False, **values):
    """Check that each value is a real number (a finite one when `finite`), naming the bad one."""
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name}(): {key} must be a number, got {type(value).__name__}")
        if finite and not (isinstance(value, int) and -2**1023 < value < 2**1023 or
                           isinstance(value, float) and math.isfinite(value)):
            raise ValueError(f"{name}(): {key} must be a finite number within float64's range, "
                             f"got {value if isinstance(value, float) else 'a huge int'}")


def _checked_dim(dim, ndim):
    """`dim` as an index into a shape of `ndim` dimensions, or an IndexError saying the range."""
    span = ndim or 1
    if isinstance(dim, bool) or not isinstance(dim, int) or not -span <= dim < span:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-span}, "
                         f"{span - 1}], but got {dim!r})")
    return dim % span if ndim else 0


def _tensor_other(name, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' must be a Tensor, not {type(other).__name__}")
    return other
def _is_dtype_name(name: str) -> bool:
    """True for a dtype name, and for PyTorch's names tinytorch knows but can't hold (bfloat16)."""
    try:
        _dtypes.canonical_dtype(name)
    except TypeError as exc:
        return "not supported" in str(exc)
    return True


def _device_or_explain(name: str):
    """`name` as a device, or an error saying it is neither a device nor a dtype."""
    from .device import device as as_device
    try:
        return as_device(name)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise TypeError(f"to() got {name!r}, which is neither a dtype ({', '.join(_dtypes.DTYPES)}"
                        f") nor a device ({exc}). Check the spelling, e.g. x.to('float32') or "
                        f"x.to('cpu').") from None


def _broadcast_like(value, target: Tensor) -> Tensor:
    """`value` (a tensor or scalar) as a tensor of target's shape, dtype and device."""
    if not isinstance(value, Tensor):
        return full(target.shape, value, dtype=target.dtype, device=target.device)
    if value.device is not target.device:
        value = value.to(target.device)
    return broadcast_to(cast(value, target.dtype), target.shape)


# The one upward import of the layered design (docs/design.md): Tensor's methods and operators
# call the ops (creation functions included) by name, and the ops need the Tensor class defined
# above, so the ops are imported last, once the class exists.
from .ops import *  # noqa: E402,F403
from .ops import (  # noqa: E402 - creation functions, and the methods sum/prod, via ops
    empty,
    full,
    method_prod,  # Tensor.prod and Tensor.sum: PyTorch's integer dtypes (int64 for uint8)
    method_sum,
    method_unfold,  # Tensor.unfold: PyTorch has no torch.unfold, nor tinytorch
    multinomial,
    ones,
    rand,
    randint,
    randn,
    tensor,
    zeros,
)

# Methods call the unchecked op where `self` is the only tensor argument the public op checks
# (errors.tensor_arguments): self is a Tensor by construction, and the check costs about as much
# as a small op's own Python work.
for _name, _op in list(globals().items()):
    if getattr(_op, "checks_first_only", False):
        globals()[_name] = _op.__wrapped__
del _name, _op
