"""One table of tinytorch's ops, for tests: how to call each op, what to compare it with, and
which inputs keep it differentiable.

The unit tests (tests/test_gradients.py) and the conformance suite
(conformance/) both read `OPS`. `uncovered_functions()` lists every
`Function` subclass that no entry exercises, so a new op without a test
fails the coverage checks.

An entry's `fn` takes tinytorch tensors, `reference` takes NumPy arrays
(it runs in the tests, never in tinytorch), `arity` is the number of tensor
arguments, and `low`/`high` bound the drawn values (chosen away from points
where the op is not differentiable). `shapes` says how argument shapes
relate: "broadcast" (mutually broadcastable), "same", "matmul", or "single".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["OpSpec", "OPS", "uncovered_functions", "by_name"]

FLOATS = ("float32", "float64")
NUMERIC = ("int8", "int16", "int32", "int64", "uint8", "float32", "float64")


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: Callable[..., Any]
    reference: Callable[..., Any] | None
    arity: int = 1
    dtypes: tuple = FLOATS
    low: float = -3.0
    high: float = 3.0
    shapes: str = "broadcast"
    differentiable: bool = True
    functions: tuple = ()          # names of the Function subclasses this entry exercises
    min_dims: int = 0
    extra: dict = field(default_factory=dict)


def _np():
    import numpy  # tests only: this module is never imported by tinytorch itself
    return numpy


OPS: list[OpSpec] = [
    OpSpec("add", lambda a, b: a + b, lambda a, b: a + b, arity=2, dtypes=NUMERIC,
           functions=("Add",)),
    OpSpec("mul", lambda a, b: a * b, lambda a, b: a * b, arity=2, dtypes=NUMERIC,
           functions=("Mul",)),
    OpSpec("exp", lambda a: a.exp(), lambda a: _np().exp(a), functions=("Exp",)),
    OpSpec("matmul", lambda a, b: a @ b, lambda a, b: a @ b, arity=2, shapes="matmul",
           dtypes=NUMERIC, functions=("Matmul",)),
]


def by_name(name: str) -> OpSpec:
    for spec in OPS:
        if spec.name == name:
            return spec
    raise KeyError(f"no op spec named {name!r}")


def uncovered_functions() -> list[str]:
    """Names of Function subclasses in tinytorch.ops that no OpSpec lists in `functions`."""
    import tinytorch.ops  # noqa: F401 - defines every Function subclass
    from ..autograd import Function

    found, stack = set(), list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("tinytorch.ops"):
            found.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    covered = {name for spec in OPS for name in spec.functions}
    return sorted(found - covered)
