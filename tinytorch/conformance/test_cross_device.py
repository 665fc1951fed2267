"""Category "cross-device": random programs of several ops, drawn by hypothesis, give the same
dtypes, the same values (within tolerance) and the same gradients on every device as on cpu,
and the same values as the same program run on NumPy.

A program starts from one to three inputs of broadcastable shapes and applies a few ops from
the shared table to earlier results. Before each op its operands are squashed smoothly into the
op's own input range (low + (high - low) * sigmoid(x)), so every op sees inputs it is defined
for however deep the program. Only smooth ops take part (no kinks, jumps or ties), so tiny
rounding differences between devices cannot flip a result.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.testing import strategies as tts
from tinytorch.testing.opspecs import OPS, by_name

from .config import examples
from .support import (
    PROGRAM_TOLERANCES,
    check_placement,
    host,
    magnitude,
    mismatch,
    outputs,
    reference_outputs,
    to_device,
    weights_like,
)

pytestmark = pytest.mark.conformance("cross-device")

PROGRAM_DTYPES = ("float32", "float64")
MAX_ELEMENTS = 256  # results larger than this are not added to the program

# image ops need 4-D inputs, which random programs rarely make
POOL = [spec.name for spec in OPS
        if spec.differentiable and spec.shapes != "image"
        and not {"kinks", "valid", "distinct", "zeros"} & set(spec.extra)
        and any(d in spec.dtypes for d in PROGRAM_DTYPES)]


@dataclass(frozen=True)
class Step:
    op: str
    operands: tuple  # ((node index, view), ...); view: "", "mT", "row" or "col"
    results: int = 1  # how many nodes it adds (split, unbind and the like add several)


@dataclass(frozen=True)
class Program:
    dtype: str
    inputs: tuple  # NumPy arrays
    steps: tuple

    def __repr__(self):
        lines = [f"Program({self.dtype}:"]
        for i, a in enumerate(self.inputs):
            lines.append(f"  x{i} = tensor({a.tolist()})  # shape {a.shape}")
        node = len(self.inputs)
        for step in self.steps:
            spec = by_name(step.op)
            args = ", ".join(f"squash(x{i}{_VIEW_TEXT[v]}, {spec.low}, {spec.high})"
                             for i, v in step.operands)
            lines.append(f"  x{node} = {step.op}({args})")
            node += step.results
        return "\n".join(lines) + ")"

    def _repr_pretty_(self, printer, cycle):  # how hypothesis prints a falsifying program
        printer.text(repr(self))


_VIEW_TEXT = {"": "", "mT": ".mT", "row": "[..., 0, :]", "col": "[..., :, 0]"}


def _view(x, view):
    if view == "mT":
        return x.mT if isinstance(x, tt.Tensor) else np.swapaxes(x, -1, -2)
    if view == "row":
        return x[(0,) * (x.ndim - 1)]
    if view == "col":
        return x[(0,) * (x.ndim - 2) + (slice(None), 0)]
    return x


def _squash(x, low, high):
    if isinstance(x, tt.Tensor):
        return x.sigmoid() * (high - low) + low
    return (1 / (1 + np.exp(-x))) * (high - low) + low


def _broadcasts(a, b):
    return all(m == n or m == 1 or n == 1 for m, n in zip(a[::-1], b[::-1]))


def _fits(spec, shape):
    side = max(1, spec.extra.get("min_side", 1))
    return len(shape) >= spec.min_dims and all(n >= side for n in shape)


def _operand_pools(spec, shapes):
    """The nodes each operand of `spec` may start from, or None if nothing fits now."""
    fits = [i for i, s in enumerate(shapes) if _fits(spec, s)]
    matrices = [i for i in fits if len(shapes[i]) >= 2]
    vectors = [i for i in fits if len(shapes[i]) == 1]
    first = {"single": fits, "same": fits, "broadcast": fits, "matmul": matrices,
             "matvec": matrices, "vecmat": matrices, "dot": vectors,
             "mm": [i for i in fits if len(shapes[i]) == 2],
             "bmm": [i for i in fits if len(shapes[i]) == 3]}[spec.shapes]
    return first or None


def _draw_operands(draw, spec, shapes, first_pool):
    """Operands for `spec`: ((node, view), ...), all shape-compatible."""
    kind = spec.shapes
    fits = [i for i, s in enumerate(shapes) if _fits(spec, s)]
    a = draw(st.sampled_from(first_pool))
    if kind == "single":
        return ((a, ""),)
    if kind in ("same", "broadcast"):
        chosen = [a]
        for _ in range(spec.arity - 1):
            partners = [i for i in fits if (shapes[i] == shapes[a] if kind == "same"
                        else all(_broadcasts(shapes[i], shapes[c]) for c in chosen))]
            chosen.append(draw(st.sampled_from(partners)))
        return tuple((i, "") for i in chosen)
    if kind == "dot":
        return (a, ""), (draw(st.sampled_from([i for i in fits if shapes[i] == shapes[a]])), "")
    if kind in ("mm", "bmm"):  # fixed rank: partners of a's rank and batch, or a's own mT
        partners = [(i, "") for i in fits if len(shapes[i]) == len(shapes[a])
                    and shapes[i][-2] == shapes[a][-1] and shapes[i][:-2] == shapes[a][:-2]]
        return (a, ""), draw(st.sampled_from(partners + [(a, "mT")]))
    vectors = [i for i in fits if len(shapes[i]) == 1]
    if kind == "matmul":
        partners = [(i, "") for i in fits if len(shapes[i]) >= 2
                    and shapes[i][-2] == shapes[a][-1]
                    and _broadcasts(shapes[i][:-2], shapes[a][:-2])]
        return (a, ""), draw(st.sampled_from(partners + [(a, "mT")]))
    if kind == "matvec":
        partners = [(i, "") for i in vectors if shapes[i][0] == shapes[a][-1]]
        return (a, ""), draw(st.sampled_from(partners + [(a, "row")]))
    partners = [(i, "") for i in vectors if shapes[i][0] == shapes[a][-2]]  # vecmat
    return draw(st.sampled_from(partners + [(a, "col")])), (a, "")


def _apply(step, nodes):
    spec = by_name(step.op)
    args = [_squash(_view(nodes[i], v), spec.low, spec.high) for i, v in step.operands]
    if isinstance(nodes[0], tt.Tensor):
        return outputs(spec.fn(*args))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reference_outputs(spec.reference(*args))


@st.composite
def programs(draw, max_steps=5):
    """A random program: its inputs and steps, checked to run on cpu while it is drawn."""
    dtype = draw(st.sampled_from(PROGRAM_DTYPES))
    count = draw(st.integers(1, 3))
    shapes = draw(tts.mutually_broadcastable_shapes(count, max_dims=3, max_side=3)).input_shapes
    inputs = []
    for shape in shapes:
        size = int(np.prod(shape))
        values = draw(st.lists(tts.elements(dtype, -2, 2), min_size=size, max_size=size))
        inputs.append(np.asarray(values, dtype=dtype).reshape(shape))
    nodes = [to_device(a, "cpu") for a in inputs]
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        shapes = [n.shape for n in nodes]
        pools = {name: _operand_pools(by_name(name), shapes) for name in POOL
                 if any(n.dtype in by_name(name).dtypes for n in nodes)}
        feasible = sorted(name for name, pool in pools.items() if pool is not None)
        if not feasible:
            break
        name = draw(st.sampled_from(feasible))
        step = Step(name, _draw_operands(draw, by_name(name), shapes, pools[name]))
        if any(nodes[i].dtype not in by_name(name).dtypes for i, _ in step.operands):
            continue
        with tt.no_grad():
            results = _apply(step, nodes)
        if any(r.numel() > MAX_ELEMENTS for r in results):
            continue
        steps.append(Step(name, step.operands, len(results)))
        nodes.extend(results)
    return Program(dtype, tuple(inputs), tuple(steps))


def run(program, device):
    """Every node of `program` on `device`, and the gradient of sum_i sum(w_i * node_i) with
    respect to each input."""
    leaves = [to_device(a, device, requires_grad=True) for a in program.inputs]
    nodes = list(leaves)
    for step in program.steps:
        nodes.extend(_apply(step, nodes))
    total = None
    for i, node in enumerate(nodes[len(leaves):]):
        if node.requires_grad:
            term = (node * weights_like(node, i)).sum().to("float64")
            total = term if total is None else total + term
    if total is not None:
        total.backward()
    return nodes, [leaf.grad for leaf in leaves]


def run_numpy(program):
    nodes = list(program.inputs)
    for step in program.steps:
        nodes.extend(_apply(step, nodes))
    return nodes


def _through_float32(program, nodes):
    """Per node: whether its value passed through float32 anywhere upstream (a float64 node
    computed from a float32 one, x5 = astype_float64(squash(to_float32(...))), carries float32
    rounding, so the float64 tolerance does not apply to it)."""
    flags = [node.dtype == "float32" for node in nodes[:len(program.inputs)]]
    for step in program.steps:
        upstream = any(flags[i] for i, _view in step.operands)
        for node in nodes[len(flags):len(flags) + step.results]:
            flags.append(upstream or node.dtype == "float32")
    return flags


def _close(got, expected, dtype, float32_upstream):
    """Compare at the precision of the least precise dtype the value went through."""
    loosest = "float32" if dtype == "float32" or float32_upstream else "float64"
    rtol, atol = PROGRAM_TOLERANCES[loosest]
    return mismatch(got, expected, dtype, rtol=rtol, atol=atol, scale=magnitude([expected]))


@examples("programs")
@given(data=st.data())
def test_random_programs_agree_with_cpu_and_numpy(device, data):
    program = data.draw(programs(), label="program")
    cpu_nodes, cpu_grads = run(program, "cpu")
    nodes, grads = run(program, device)
    numpy_nodes = run_numpy(program)
    assert len(nodes) == len(cpu_nodes) == len(numpy_nodes)
    check_placement(nodes, device, what="node")
    rounded = _through_float32(program, cpu_nodes)
    for i, (mine, cpu, ref) in enumerate(zip(nodes, cpu_nodes, numpy_nodes)):
        assert mine.dtype == cpu.dtype, f"x{i}: dtype {mine.dtype} on {device}, {cpu.dtype} on cpu"
        assert mine.shape == cpu.shape, f"x{i}: shape {mine.shape} on {device}, {cpu.shape} on cpu"
        problem = _close(host(mine), host(cpu), mine.dtype, rounded[i])
        assert problem is None, f"x{i} on {device} against cpu: {problem}"
        problem = _close(host(cpu), ref, cpu.dtype, rounded[i])
        assert problem is None, f"x{i} on cpu against NumPy: {problem}"
    check_placement([t for t in nodes[:len(program.inputs)]], device, what="input")
    for i, (mine, cpu) in enumerate(zip(grads, cpu_grads)):
        assert (mine is None) == (cpu is None), f"x{i}.grad: present on only one device"
        if mine is not None:
            assert mine.dtype == cpu.dtype
            # a gradient flows back through every node: float32 anywhere loosens it
            problem = _close(host(mine), host(cpu), mine.dtype, any(rounded))
            assert problem is None, f"x{i}.grad on {device} against cpu: {problem}"
