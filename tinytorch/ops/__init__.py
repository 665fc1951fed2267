"""Every op of tinytorch, each a Function with its forward and backward side by side.

The modules split the ops by kind: elementwise (arithmetic and the dtype
plumbing every op shares), unary (math functions), select (maximum,
minimum, clamp, where), logic (comparisons, bitwise ops), convert (casts,
device moves, clone), reduce, shape, index, linalg and positional (tril,
triu, roll, topk); math, sorting and manipulation complete the array API
standard's functions; erf, gamma and bessel compute special functions the
standard lacks; plumbing.py holds what they share. The creation
functions (creation.py, a layer below) are
imported here too (not in `__all__`: they are not Functions), so that
`tinytorch.ops` is the one namespace that Tensor's methods call by name
(tensor.py's one upward import). `tinytorch` re-exports all of them.
"""

from ..creation import *  # noqa: F403 - in this namespace for Tensor's methods; not in __all__
from .bessel import *  # noqa: F403
from .bessel import __all__ as _bessel
from .convert import *  # noqa: F403
from .convert import __all__ as _convert
from .elementwise import *  # noqa: F403
from .elementwise import __all__ as _elementwise
from .erf import *  # noqa: F403
from .erf import __all__ as _erf
from .gamma import *  # noqa: F403
from .gamma import __all__ as _gamma
from .index import *  # noqa: F403
from .index import __all__ as _index
from .linalg import *  # noqa: F403
from .linalg import __all__ as _linalg
from .logic import *  # noqa: F403
from .logic import __all__ as _logic
from .manipulation import *  # noqa: F403
from .manipulation import __all__ as _manipulation
from .math import *  # noqa: F403
from .math import __all__ as _math
from .positional import *  # noqa: F403
from .positional import __all__ as _positional
from .reduce import *  # noqa: F403
from .reduce import __all__ as _reduce
from .reduce import method_prod, method_sum  # noqa: F401 - Tensor.sum, Tensor.prod (PyTorch's)
from .select import *  # noqa: F403
from .select import __all__ as _select
from .shape import *  # noqa: F403
from .shape import __all__ as _shape
from .sorting import *  # noqa: F403
from .sorting import __all__ as _sorting
from .unary import *  # noqa: F403
from .unary import __all__ as _unary

__all__ = [*_elementwise, *_unary, *_select, *_logic, *_convert, *_reduce, *_shape, *_index,
           *_linalg, *_positional, *_math, *_sorting, *_manipulation, *_erf, *_gamma,
           *_bessel]

# PyTorch's top-level ops beyond the array API, one module per concept: index and scatter
# writes, matrix-shaped ops and einsum, NumPy-style stacking, extra elementwise functions,
# statistics and distances, complex numbers from their parts.
from .complexes import *  # noqa: E402,F403
from .complexes import __all__ as _complexes  # noqa: E402
from .matrix import *  # noqa: E402,F403
from .matrix import __all__ as _matrix  # noqa: E402
from .scatter import *  # noqa: E402,F403
from .scatter import __all__ as _scatter  # noqa: E402
from .special import *  # noqa: E402,F403
from .special import __all__ as _special  # noqa: E402
from .stacking import *  # noqa: E402,F403
from .stacking import __all__ as _stacking  # noqa: E402
from .stacking import method_unfold  # noqa: E402,F401 - Tensor.unfold (no torch.unfold)
from .statistics import *  # noqa: E402,F403
from .statistics import __all__ as _statistics  # noqa: E402

__all__ += [*_scatter, *_matrix, *_stacking, *_special, *_statistics, *_complexes]

# Every public op checks that its tensor parameters hold tensors (errors.tensor_arguments).
from ..errors import tensor_arguments  # noqa: E402
from ..tensor import Tensor  # noqa: E402

tensor_arguments(globals(), __all__, Tensor)
