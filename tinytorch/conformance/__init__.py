"""tinytorch's conformance suite: properties that must hold on every device (see
docs/conformance.md). Run it with `python -m tinytorch.conformance [--device DEVICE]
[--profile thorough] [--report r.json]`, or `pytest tinytorch/conformance` in a clone.

It is installed with tinytorch, under tinytorch's name (a top-level `conformance` package would
collide with other projects'), so that anyone can certify their device or their own backend
(docs/backends.md). It is a package so that its test modules never clash by name with those
under tests/. Importing it imports nothing else; pytest and hypothesis (the "test" extra) are
needed only to run it.

Assumes: tinytorch's test extra is installed where the suite runs.
Production does instead: PyTorch's device tests (OpInfo, `instantiate_device_type_tests`) live in
its source tree and are not installed with the wheel.
"""
