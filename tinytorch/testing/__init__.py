"""Tools for testing code written with tinytorch: `gradcheck`, `assert_close` and hypothesis
strategies (in `tinytorch.testing.strategies`, imported lazily so hypothesis stays optional).
"""

from .compare import assert_close, available_devices, to_numpy
from .gradcheck import GradcheckError, gradcheck

__all__ = ["gradcheck", "GradcheckError", "assert_close", "available_devices", "to_numpy"]
