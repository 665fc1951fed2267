"""Errors name the shapes, dtypes and devices involved and say how to fix the problem; they are
TypeError, ValueError, RuntimeError or IndexError (never AssertionError or a backend's own
exception), and read the same on every device."""

import numpy as np
import pytest

import tinytorch as tt

ALLOWED = (TypeError, ValueError, RuntimeError, IndexError)


def _cases(d):
    """name -> (call, exception type, words the message must contain)."""
    ones = lambda *shape, **kw: tt.ones(*shape, device=d, **kw)  # noqa: E731
    ints = tt.tensor([1, 2], device=d)
    return {
        "broadcast add": (lambda: ones(2, 3) + ones(3, 2), RuntimeError,
                          ["(2, 3)", "(3, 2)", "unsqueeze"]),
        "broadcast compare": (lambda: ones(2, 3) < ones(4), RuntimeError, ["(2, 3)", "(4,)"]),
        "broadcast where": (lambda: tt.where(ones(2, 3) > 0, ones(3, 2), 0.0), RuntimeError,
                            ["(2, 3)", "(3, 2)"]),
        "broadcast maximum": (lambda: tt.maximum(ones(2), ones(3)), RuntimeError,
                              ["(2,)", "(3,)"]),
        "broadcast bitwise": (lambda: (ones(2) > 0) & (ones(5) > 0), RuntimeError,
                              ["(2,)", "(5,)"]),
        "matmul inner": (lambda: ones(2, 3) @ ones(2, 3), RuntimeError, ["2x3", "axis"]),
        "matmul vector": (lambda: ones(3) @ ones(4), RuntimeError, ["3", "4"]),
        "matmul batch": (lambda: ones(4, 2, 3) @ ones(5, 3, 2), RuntimeError,
                         ["4x2x3", "5x3x2", "batch"]),
        "matmul 0-d": (lambda: ones(()) @ ones(2), RuntimeError, ["0D", "*"]),
        "matmul bool": (lambda: (ones(2) > 0) @ (ones(2) > 0), TypeError, ["bool", "float()"]),
        "reshape": (lambda: ones(2, 3).reshape(4), RuntimeError, ["[4]", "6", "-1"]),
        "reshape two -1": (lambda: ones(2, 3).reshape(-1, -1), RuntimeError, ["-1"]),
        "reshape float": (lambda: ones(4).reshape(2.5), TypeError, ["2.5", "integer"]),
        "zeros float": (lambda: tt.zeros(2, 3.0, device=d), TypeError, ["3.0", "integer"]),
        "negative size": (lambda: tt.zeros(2, -1, device=d), RuntimeError, ["-1", "negative"]),
        "expand": (lambda: ones(2, 3).expand(3, 3), RuntimeError, ["[3, 3]", "[2, 3]"]),
        "permute": (lambda: ones(2, 3).permute(0, 0), RuntimeError, ["(0, 0)", "(2, 3)"]),
        "repeat": (lambda: ones(2, 3).repeat(2), RuntimeError, ["repeat", "(1)", "(2)"]),
        "cat shapes": (lambda: tt.cat([ones(2, 3), ones(3, 2)]), RuntimeError,
                       ["(2, 3)", "(3, 2)"]),
        "cat empty": (lambda: tt.cat([]), ValueError, ["non-empty"]),
        "stack shapes": (lambda: tt.stack([ones(2), ones(3)]), RuntimeError, ["(2,)", "(3,)"]),
        "split sizes": (lambda: ones(5).split([2, 2]), ValueError, ["[2, 2]", "5"]),
        "split zero": (lambda: ones(5).split(0), ValueError, ["positive"]),
        "dim out of range": (lambda: ones(2, 3).sum(dim=3), IndexError, ["3", "[-2, 1]"]),
        "dim twice": (lambda: ones(2, 3).sum(dim=(1, -1)), ValueError, ["more than once"]),
        "dim float": (lambda: ones(2, 3).sum(dim=1.5), TypeError, ["1.5", "int"]),
        "dim and axis": (lambda: ones(2).sum(dim=0, axis=0), TypeError, ["dim", "axis"]),
        "argmax tuple": (lambda: ones(2, 3).argmax(dim=(0, 1)), TypeError,
                         ["(0, 1)", "flatten"]),
        "unsqueeze": (lambda: ones(2).unsqueeze(5), IndexError, ["5", "[-2, 1]"]),
        "empty max": (lambda: tt.zeros(0, device=d).max(), IndexError, ["(0,)", "non-empty"]),
        "empty argmax": (lambda: tt.zeros(2, 0, device=d).argmax(dim=1), IndexError,
                         ["(2, 0)"]),
        "item": (lambda: ones(3).item(), RuntimeError, ["3 elements", "x[0].item()"]),
        "bool": (lambda: bool(ones(3)), RuntimeError, ["3 values", ".any()", ".all()"]),
        "mean int": (lambda: ints.mean(), TypeError, ["int64", "x.float()"]),
        "logsumexp int": (lambda: ints.logsumexp(dim=0), TypeError, ["int64", "float"]),
        "requires_grad int": (lambda: tt.ones(2, dtype="int32", device=d, requires_grad=True),
                              TypeError, ["int32", "float"]),
        "backward non-scalar": (lambda: (ones(2, requires_grad=True) * 2).backward(),
                                RuntimeError, ["(2,)", "sum()"]),
        "backward no grad": (lambda: ones(2).sum().backward(), RuntimeError,
                             ["requires_grad"]),
        "backward gradient shape": (
            lambda: (ones(2, requires_grad=True) * 2).backward(ones(3)), RuntimeError,
            ["(3,)", "(2,)"]),
        "inplace dtype": (lambda: ints.__iadd__(0.5), RuntimeError,
                          ["float32", "int64", "x = x + y"]),
        "inplace shape": (lambda: ones(3).__iadd__(ones(2, 3)), RuntimeError, ["[3]", "[2, 3]"]),
        "inplace leaf": (lambda: ones(2, requires_grad=True).add_(1), RuntimeError,
                         ["leaf", "no_grad"]),
        "bitwise float": (lambda: ones(2) & ones(2), TypeError, ["float32", "x > 0"]),
        "invert float": (lambda: ~ones(2), TypeError, ["float32"]),
        "negate bool": (lambda: -(ones(2) > 0), TypeError, ["bool", "~"]),
        "subtract bool": (lambda: (ones(2) > 0) - (ones(2) > 0), TypeError, ["bool", "Cast"]),
        "int negative power": (lambda: ints ** -1, ValueError, ["-1", "float"]),
        "operand str": (lambda: ones(2) + "a", TypeError, ["str", "tinytorch.tensor"]),
        "operand list": (lambda: ones(2) * [1, 2], TypeError, ["list", "tinytorch.tensor"]),
        "operand ndarray": (lambda: ones(2) + np.ones(2), TypeError,
                            ["ndarray", "tinytorch.tensor"]),
        "operand None": (lambda: ones(2) - None, TypeError, ["NoneType"]),
        "signed with uint64": (lambda: ints + tt.tensor([1], dtype="uint64", device=d),
                               TypeError, ["int64", "uint64", "Cast"]),
        "unknown dtype": (lambda: tt.zeros(2, dtype="float128", device=d), TypeError,
                          ["float128", "float32", "bool"]),
        "unknown dtype to": (lambda: ones(2).to(dtype="half_float"), TypeError,
                             ["half_float", "float16"]),
        "default dtype int": (lambda: tt.set_default_dtype("int64"), TypeError,
                              ["int64", "float32"]),
        "clamp no bounds": (lambda: ones(2).clamp(), ValueError, ["min", "max"]),
        "where int condition": (lambda: tt.where(ints, ints, ints), TypeError,
                                ["int64", "bool", "x > 0"]),
        "div rounding": (lambda: ones(2).div(ones(2), rounding_mode="up"), ValueError,
                         ["'up'", "floor"]),
        "arange step": (lambda: tt.arange(0, 3, 0, device=d), ValueError, ["step"]),
        "rand int": (lambda: tt.rand(2, dtype="int64", device=d), TypeError,
                     ["int64", "randint"]),
        "randint bounds": (lambda: tt.randint(3, 1, (2,), device=d), ValueError,
                           ["low=3", "high=1"]),
        "full overflow": (lambda: tt.full((2,), 300, dtype="uint8", device=d), RuntimeError,
                          ["300", "uint8", "wider"]),
        "tensor overflow": (lambda: tt.tensor([1, -5], dtype="uint8", device=d), RuntimeError,
                            ["-5", "uint8"]),
        "ragged": (lambda: tt.tensor([[1, 2], [3]], device=d), ValueError, ["rectangular"]),
        "object data": (lambda: tt.tensor(object(), device=d), TypeError,
                        ["object", "float32"]),
        "setitem shape": (lambda: ones(2, 3).__setitem__(0, ones(2)), RuntimeError,
                          ["[2]", "[3]"]),
        "index out of range": (lambda: ones(2, 3)[2], IndexError, ["2", "size 2"]),
        "index tensor out of range": (lambda: ones(3)[tt.tensor([3], device=d)], IndexError,
                                      ["3", "size 3"]),
        "index float": (lambda: ones(3)[1.0], IndexError, ["float"]),
        "mask shape": (lambda: ones(3)[tt.tensor([True, False], device=d)], IndexError,
                       ["[2]", "[3]"]),
        "too many indices": (lambda: ones(3)[0, 0], IndexError, ["too many", "1"]),
        "gather dims": (lambda: ones(2, 3).gather(1, tt.tensor([0], device=d)), RuntimeError,
                        ["1", "2"]),
        "len 0-d": (lambda: len(ones(())), TypeError, ["0-d"]),
        "to kwargs": (lambda: ones(2).to(colour="red"), TypeError, ["colour"]),
        "device string": (lambda: tt.zeros(1, device="tpu"), RuntimeError,
                          ["tpu", "cpu", "strict", "register"]),
        "device index": (lambda: tt.zeros(1, device="strict:9"), RuntimeError,
                         ["strict:9", "strict:0", "strict:1"]),
    }


NAMES = sorted(_cases("cpu"))


@pytest.mark.parametrize("name", NAMES)
def test_error_type_and_message(device, name):
    call, kind, words = _cases(device)[name]
    with pytest.raises(ALLOWED) as info:
        call()
    assert isinstance(info.value, kind), f"{name}: {type(info.value).__name__}: {info.value}"
    assert not isinstance(info.value, AssertionError)
    message = str(info.value)
    for word in words:
        assert word in message, f"{name}: {word!r} not in {message!r}"


def test_error_messages_read_the_same_on_every_device():
    """Errors come from tinytorch, not the backend, so each one reads alike on cpu and strict."""
    for name in NAMES:
        raw, generic = [], []
        for device in ("cpu", "strict:0"):
            call, kind, _ = _cases(device)[name]
            with pytest.raises(kind) as info:
                call()
            raw.append(str(info.value))
            generic.append(str(info.value).replace(device, "<device>"))
        assert raw[0] == raw[1] or generic[0] == generic[1], (name, raw)


def test_no_assert_statements_in_the_library():
    """Errors are raised explicitly: `python -O` strips asserts, so they cannot be checks."""
    import ast
    import pathlib

    root = pathlib.Path(tt.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        if "testing" in path.relative_to(root).parts:
            continue  # assert_close's AssertionError is its purpose
        if "conformance" in path.relative_to(root).parts:
            continue  # a test suite: pytest's asserts are how it reports
        tree = ast.parse(path.read_text(), filename=str(path))
        found += [f"{path.relative_to(root)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Assert)]
    assert not found, f"assert statements in tinytorch: {found}"
