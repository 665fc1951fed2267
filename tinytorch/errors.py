"""tinytorch's own exception types, and the check that public functions get tensors.

`TensorIndexError` is what PyTorch raises as IndexError (a dimension or an
index out of range); it is also a ValueError, so code that catches the
standard "bad input" errors (TypeError, ValueError, RuntimeError) catches it.

`tensor_arguments(namespace, names)` wraps the public functions of a module
so that a parameter that must hold a tensor (`input`, `target`, `index`,
...) raises a TypeError naming the function, the parameter and what it got,
instead of an AttributeError from deep inside (`tt.exp([1., 2.])`). Binary
ops (with an `other` or `exponent` parameter) need one tensor of the two.

Assumes: the built-in exception types are enough everywhere else; the
parameter names say which arguments are tensors (PyTorch's names).
Production does instead: PyTorch raises IndexError itself, and defines a
few subclasses (torch.OutOfMemoryError, torch.cuda.OutOfMemoryError) for
errors callers need to tell apart.
"""

import functools
import inspect

__all__ = ["TensorIndexError", "DLPackError", "tensor_arguments"]


class TensorIndexError(IndexError, ValueError):
    """An index or dimension is out of range, or an index has the wrong type or shape."""


class DLPackError(BufferError, RuntimeError):
    """Memory could not be shared through DLPack: the BufferError the array API standard names,
    and a RuntimeError as tinytorch's other errors are."""


# Parameters that must hold a Tensor whenever they are given (None is fine where it is the
# default), and the partners of a binary op, of which one must be a Tensor.
_TENSOR_PARAMETERS = {"input", "x", "x1", "x2", "tensor", "target", "index", "mask", "condition",
                      "query", "weight", "bias", "mat2", "vec", "vec2", "A", "B"}
_ATTENTION = {"key", "value"}  # tensors next to a `query` (elsewhere an index, a fill value)
_PARTNERS = {"other", "exponent"}
_MISSING = object()


def tensor_arguments(namespace: dict, names, tensor_type) -> None:
    """Replace each function `namespace[name]` by one that checks its tensor parameters first
    (that they are `tensor_type`, passed in because this module sits below tensor.py).

    Aliases (`subtract = sub`) stay one object, so identity checks between them still hold.
    """
    done: dict[int, object] = {}
    for name in names:
        function = namespace[name]
        if id(function) not in done:
            done[id(function)] = _checked(function, tensor_type)
        namespace[name] = done[id(function)]


def _checked(function, tensor_type):
    if not inspect.isfunction(function):
        return function
    parameters = list(inspect.signature(function).parameters.values())
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = {p.name for p in parameters}
    tensors = _TENSOR_PARAMETERS | (_ATTENTION if "query" in names else set())
    # a function may take a number where the name usually means a tensor (lerp's `weight`)
    tensors -= set(getattr(function, "scalar_parameters", ()))
    checked = [(positional.index(p.name) if p.name in positional else None, p.name,
                p.default is not inspect.Parameter.empty)
               for p in parameters if p.name in tensors]
    partners = [n for n in positional if n in _PARTNERS]
    binary = bool(partners) and "input" in positional
    if binary:  # add(2, x), where(c, 1.0, x): input or other (exponent) must be the tensor
        partner = partners[0]
        at_input, at_partner = positional.index("input"), positional.index(partner)
        checked = [c for c in checked if c[1] != "input"]
    if not checked and not binary:
        return function
    label = function.__name__

    @functools.wraps(function)
    def call(*args, **kwargs):
        for position, name, optional in checked:
            value = args[position] if position is not None and position < len(args) else \
                kwargs.get(name, _MISSING)
            if value is _MISSING or (optional and value is None) or isinstance(value, tensor_type):
                continue
            raise TypeError(f"{label}(): argument '{name}' must be a Tensor, not "
                            f"{type(value).__name__}. Wrap data with tinytorch.tensor(...) first.")
        if binary:
            first = args[at_input] if at_input < len(args) else kwargs.get("input", _MISSING)
            second = args[at_partner] if at_partner < len(args) else kwargs.get(partner,
                                                                                _MISSING)
            if not (isinstance(first, tensor_type) or isinstance(second, tensor_type)):
                raise TypeError(f"{label}(): at least one of 'input' and '{partner}' must be a "
                                f"Tensor, got {type(first).__name__} and "
                                f"{type(second).__name__}. Wrap data with tinytorch.tensor(...).")
        return function(*args, **kwargs)
    # A Tensor method passes `self` as the first argument: when that is the only tensor the
    # check looks at (input, or input and its partner), the method can call `function` itself.
    first = positional[0] if positional else None
    call.checks_first_only = first in ("input", "x") and (
        [c[1] for c in checked] == [first] or (binary and not checked and at_input == 0))
    return call
