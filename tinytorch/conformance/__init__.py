"""tinytorch's conformance suite: properties that must hold on every device (see
docs/conformance.md). Run it with `pytest conformance [--device DEVICE] [--profile thorough]`.

It is a package so that its test modules never clash by name with those under tests/.
"""
