"""`tinytorch.utils.data` is `tinytorch.data` under PyTorch's name (`torch.utils.data`).

`import tinytorch.utils.data`, `from tinytorch.utils.data import DataLoader`
and `tinytorch.utils.data.DataLoader` all reach the same objects as
`tinytorch.data`, so `isinstance` checks and monkey-patching agree.
Assumes: nothing beyond tinytorch.data (see its docstring).
Production does instead: torch.utils.data is where PyTorch keeps them.
"""

import sys

from .. import data as _data

sys.modules[__name__] = _data
