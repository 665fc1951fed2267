"""`tinytorch.backends.mps`: PyTorch's Apple-GPU probe, answered truthfully: no MPS here.

Assumes: tinytorch has no Metal backend, so MPS is never available or built.
Production does instead: PyTorch's MPS backend runs ops on Apple GPUs
through Metal Performance Shaders.
"""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
