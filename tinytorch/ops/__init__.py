"""Every op of tinytorch, each a Function with its forward and backward side by side.

The modules split the ops by kind: elementwise (arithmetic, math,
comparisons, casts), reduce, shape, index and linalg. `tinytorch` re-exports
all of them, and `Tensor` methods call them by name.
"""

from .elementwise import *  # noqa: F403
from .elementwise import __all__ as _elementwise
from .index import *  # noqa: F403
from .index import __all__ as _index
from .linalg import *  # noqa: F403
from .linalg import __all__ as _linalg
from .reduce import *  # noqa: F403
from .reduce import __all__ as _reduce
from .shape import *  # noqa: F403
from .shape import __all__ as _shape

__all__ = [*_elementwise, *_reduce, *_shape, *_index, *_linalg]
