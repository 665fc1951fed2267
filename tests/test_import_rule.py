"""Import rules: only tinytorch/backends/ imports array libraries; layers only point down.

Only tinytorch/backends/ may import numpy, cupy or array_api_strict.

Every other module reaches array libraries through a device's backend, which is what lets
the same code run on NumPy, CuPy and array-api-strict. The one exception is
tinytorch/testing/opspecs.py, whose NumPy import sits inside a function that only tests call.

The second half checks the layering of docs/design.md over the ast of every module: no module
imports from a layer above its own (save tensor.py's one import of the ops), and no import
cycle closes among tinytorch's modules.
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


# ---- layers that only point down -------------------------------------------------------------
# tinytorch is built in layers; a module may import from its own layer or below, never above,
# and no import cycle may close. The single exception is documented in docs/design.md:
# tensor.py ends by importing tinytorch.ops, because Tensor's methods are the ops.
# Modules not named here (new ones) count as LIBRARY, the layer of nn, optim and data.

LAYERS = [  # lowest first; the longest matching prefix decides a module's layer
    ("foundations", ["tinytorch.errors", "tinytorch.dtypes", "tinytorch.autocast_state",
                     "tinytorch.memory_format"]),
    ("backends", ["tinytorch.backends"]),
    ("devices", ["tinytorch.device", "tinytorch.cuda"]),
    ("engine", ["tinytorch.engine", "tinytorch.anomaly"]),
    ("tensor", ["tinytorch.tensor"]),
    ("function and creation", ["tinytorch.autograd", "tinytorch.function_ctx",
                               "tinytorch.creation", "tinytorch.generator"]),
    ("ops", ["tinytorch.ops"]),
    ("library", ["tinytorch.nn", "tinytorch.optim", "tinytorch.data", "tinytorch.serialization",
                 "tinytorch.distributed", "tinytorch.distributions", "tinytorch.linalg"]),
    ("package", ["tinytorch"]),
    ("testing", ["tinytorch.testing", "tinytorch.conformance"]),
]
LIBRARY = "library"
ALLOWED_UPWARD = {("tinytorch.tensor", "tinytorch.ops")}
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}


def layer_of(module: str) -> str:
    best, best_len = LIBRARY, -1
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = name, len(prefix)
    return best


def _module_name(relative: str) -> str:
    parts = relative[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["tinytorch", *parts])


def import_graph(sources: dict) -> dict:
    """{module: {imported tinytorch module: first line}} for {module name: (source, is_package)}.

    Every import counts, also those inside functions (they run too, only later). `from X
    import y` names the module X.y when that is a module, else X. Importing a submodule also
    runs its packages' __init__, so those count as imported too, except the root package and
    the importer's own packages (already running by then).
    """
    modules = set(sources)
    graph = {}
    for module, (source, is_package) in sources.items():
        package = module if is_package else module.rpartition(".")[0]
        ancestors = {module.rsplit(".", i)[0] for i in range(module.count(".") + 1)}
        edges = graph.setdefault(module, {})
        for node in ast.walk(ast.parse(source)):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            for target in targets:
                if not (target == "tinytorch" or target.startswith("tinytorch.")):
                    continue
                while target not in modules and "." in target:  # `import tinytorch.x.attr`
                    target = target.rpartition(".")[0]
                implied = {target.rsplit(".", i)[0] for i in range(target.count(".") + 1)}
                for imported in implied - ancestors - {"tinytorch"} | {target} - {module}:
                    edges.setdefault(imported, node.lineno)
    return graph


def upward_imports(graph: dict) -> list:
    return [(m, t, line) for m, edges in graph.items() for t, line in edges.items()
            if RANK[layer_of(t)] > RANK[layer_of(m)] and (m, t) not in ALLOWED_UPWARD]


def cycles(graph: dict) -> list:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    graph = {m: [t for t in edges if (m, t) not in ALLOWED_UPWARD and t in graph]
             for m, edges in graph.items()}
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _library_sources() -> dict:
    return {_module_name(path.relative_to(ROOT).as_posix()): (path.read_text(),
                                                              path.name == "__init__.py")
            for path in sorted(ROOT.rglob("*.py"))}


def test_no_module_imports_from_a_layer_above_it():
    found = upward_imports(import_graph(_library_sources()))
    assert not found, ("upward imports (module, imported, line); move the code down or the "
                       "import up, see docs/design.md: " + repr(found))


def test_no_import_cycles_besides_the_documented_tensor_ops_one():
    found = cycles(import_graph(_library_sources()))
    assert not found, f"import cycles among tinytorch modules: {found}"


def test_the_engine_imports_nothing_from_tinytorch():
    graph = import_graph(_library_sources())
    assert graph["tinytorch.engine"] == {}
    assert layer_of("tinytorch.engine") == "engine"


def test_the_documented_upward_import_is_really_there():
    # If tensor.py stops importing the ops, the exception should go too.
    graph = import_graph(_library_sources())
    for module, imported in ALLOWED_UPWARD:
        assert imported in graph[module]


def _fake(**modules) -> dict:
    return {name.replace("__", "."): (source, False) for name, source in modules.items()}


def test_the_layer_checker_finds_an_upward_import_and_a_cycle():
    graph = import_graph(_fake(
        tinytorch__tensor="from .nn import functional\n",
        tinytorch__nn="", tinytorch__nn__functional="from ..ops import x\n",
        tinytorch__ops="def f():\n    from .engine import run\n",
        tinytorch__engine="import tinytorch.ops\n"))
    assert ("tinytorch.tensor", "tinytorch.nn.functional", 1) in upward_imports(graph)
    assert ("tinytorch.engine", "tinytorch.ops", 1) in upward_imports(graph)
    assert ["tinytorch.engine", "tinytorch.ops"] in cycles(graph)
    assert upward_imports(import_graph(_fake(
        tinytorch__tensor="from .ops import *\n", tinytorch__ops=""))) == []
