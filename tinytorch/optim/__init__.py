"""Optimizers (SGD, Adam, AdamW, RMSprop, Adadelta, Adagrad, Adamax, NAdam, RAdam, LBFGS),
learning-rate schedules (`tinytorch.optim.lr_scheduler`) and weight averaging
(`tinytorch.optim.swa_utils`).

The training loop they serve::

    opt = tinytorch.optim.AdamW(model.parameters(), lr=1e-3)
    sched = tinytorch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    for epoch in range(epochs):
        for x, y in loader:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        sched.step()

Read optimizer.py first (groups, state, state dicts), then sgd.py and adam.py.
"""

from . import lr_scheduler, swa_utils
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import Adadelta, RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta", "Adagrad", "Adamax",
           "NAdam", "RAdam", "LBFGS", "lr_scheduler", "swa_utils"]
