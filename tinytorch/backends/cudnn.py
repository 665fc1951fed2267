"""`tinytorch.backends.cudnn`: PyTorch's cuDNN flags, accepted; tinytorch never calls cuDNN.

`benchmark`, `deterministic`, `enabled` and `allow_tf32` can be set as in
PyTorch scripts and change nothing: tinytorch's convolutions are matmuls
(im2col) through the backend, deterministic on every device.
Assumes: no cuDNN, so `is_available()` is False everywhere.
Production does instead: PyTorch calls cuDNN's convolution kernels on
NVIDIA GPUs, and `benchmark=True` times several of them to pick one.
"""

benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    return None
