"""Which dtype, if any, autocast lowers matmuls to: the state ops read (see tinytorch.amp).

Kept in a module that imports nothing, so the ops at the bottom of the
layers can ask "is autocast on for this device?" with one attribute read.
Assumes: one autocast state per thread, per device type.
Production does instead: PyTorch keeps the state in C++ thread-locals and
its dispatcher routes every op through an autocast kernel first.
"""

import threading


class _State(threading.local):
    def __init__(self):
        self.dtypes = {}  # device type -> the dtype matmuls run in inside autocast


state = _State()
active = [0]  # blocks entered with a lowering dtype, all threads: the cheap "is it off?" test


def lowering_dtype(device_type: str):
    """The dtype matmul-like ops on `device_type` run in now, or None (autocast off)."""
    return state.dtypes.get(device_type) if active[0] else None
