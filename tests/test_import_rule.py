"""Only tinytorch/backends/ may import numpy, cupy or array_api_strict.

Every other module reaches array libraries through a device's backend, which is what lets
the same code run on NumPy, CuPy and array-api-strict. The one exception is
tinytorch/testing/opspecs.py, whose NumPy import sits inside a function that only tests call.
"""

import ast
import pathlib

import pytest

import tinytorch

ROOT = pathlib.Path(tinytorch.__file__).parent
FORBIDDEN = {"numpy", "cupy", "cupyx", "array_api_strict"}
# array-api-compat's wrappers import the library they wrap
FORBIDDEN_SUBMODULES = {"array_api_compat.numpy", "array_api_compat.cupy"}
LAZY_ALLOWED = {"testing/opspecs.py"}  # may import inside a function, never at module level


def _forbidden(module: str) -> bool:
    return (module.split(".")[0] in FORBIDDEN
            or any(module == m or module.startswith(m + ".") for m in FORBIDDEN_SUBMODULES))


def violations(source: str, filename: str = "<source>", lazy_allowed: bool = False) -> list:
    """(line, module) for each import of a forbidden module in `source`.

    Counts `import x`, `from x import y`, `from array_api_compat import numpy`, and calls to
    `importlib.import_module("x")` or `__import__("x")` with a literal name. With
    `lazy_allowed`, imports inside a function body are allowed.
    """
    tree = ast.parse(source, filename=filename)
    inside_function = set()
    if lazy_allowed:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inside_function.update(id(n) for n in ast.walk(node) if n is not node)
    found = []
    for node in ast.walk(tree):
        if id(node) in inside_function:
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if _forbidden(node.module) else [
                f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        found += [(node.lineno, name) for name in names if _forbidden(name)]
    return found


def _library_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("backends/"):
            continue
        if relative.startswith("conformance/"):  # a test suite: NumPy is its reference
            continue
        yield relative, path


def test_the_library_has_files_to_check():
    checked = [relative for relative, _ in _library_files()]
    assert {"tensor.py", "dtypes.py", "creation.py", "ops/elementwise.py"} <= set(checked)
    assert not [r for r in checked if r.startswith("backends/")]


@pytest.mark.parametrize("relative", [relative for relative, _ in _library_files()])
def test_no_array_library_imports_outside_backends(relative):
    path = ROOT / relative
    found = violations(path.read_text(), str(path), lazy_allowed=relative in LAZY_ALLOWED)
    assert not found, (f"tinytorch/{relative} imports {found}; only tinytorch/backends/ may "
                       f"import numpy, cupy or array_api_strict. Go through the device's "
                       f"backend (tensor.device.xp) or a helper in backends/host.py instead.")


@pytest.mark.parametrize("source, lazy, count", [
    ("import numpy as np", False, 1),
    ("import numpy.random", False, 1),
    ("from numpy import asarray", False, 1),
    ("import cupy", False, 1),
    ("from cupyx.scipy import special", False, 1),
    ("import array_api_strict as xp", False, 1),
    ("from array_api_compat import numpy", False, 1),
    ("import array_api_compat.cupy as xp", False, 1),
    ("import importlib\nxp = importlib.import_module('cupy')", False, 1),
    ("np = __import__('numpy')", False, 1),
    ("def f():\n    import numpy\n    return numpy", False, 1),
    ("def f():\n    import numpy\n    return numpy", True, 0),
    ("import numpy\ndef f():\n    import numpy", True, 1),
    ("import array_api_compat\nimport math\nfrom . import backends", False, 0),
    ("import numpyish\nfrom .numpy import x", False, 0),
    ("s = 'import numpy'", False, 0),
])
def test_the_checker_finds_what_it_should(source, lazy, count):
    assert len(violations(source, lazy_allowed=lazy)) == count
