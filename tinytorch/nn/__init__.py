"""tinytorch.nn: layers, losses and the Module system for building and training networks.

Start with `Module` (module.py): a model is a Module whose attributes are
Parameters and other Modules. The layers (Linear, Conv2d, BatchNorm2d,
MultiheadAttention, ...) are Modules whose forward calls
`tinytorch.nn.functional`, which in turn runs the Functions in nn/ops (each
with its hand-written backward). `tinytorch.nn.init` fills weights,
`tinytorch.nn.utils` clips gradients.

Every layer uses PyTorch's parameter names, shapes and default
initialisation, so a PyTorch model's state_dict, converted to NumPy arrays,
loads into the matching tinytorch model with `load_state_dict`.

Assumes: everything runs through tinytorch ops or Functions over the
device's array-API namespace, so any layer works on every device (cpu,
cuda, strict).
Production does instead: torch.nn has the same architecture over C++/CUDA
kernels, plus hooks, lazy modules, quantisation and many more layers.
"""

from . import functional, init, parallel, utils
from .activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .attention import MultiheadAttention
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv2d
from .dropout import Dropout
from .embedding import Embedding, EmbeddingBag
from .flatten import Flatten, Unflatten
from .linear import Identity, Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelSoftMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .parameter import Parameter
from .pooling import AvgPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

__all__ = [
    "functional", "init", "utils", "Module", "Parameter", "Sequential", "ModuleList",
    "ModuleDict", "Identity", "Linear", "Flatten", "Unflatten", "Conv2d", "MaxPool2d",
    "AvgPool2d", "Dropout", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding",
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "ReLU", "LeakyReLU",
    "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "MSELoss", "L1Loss",
    "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "BCELoss",
    "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "Transformer",
    "TransformerDecoder", "TransformerDecoderLayer",
]
__all__ += ["parallel"]
__all__ += ["ReLU6", "Hardtanh", "Threshold", "ELU", "SELU", "CELU", "Softplus", "LogSigmoid",
            "Hardsigmoid", "Hardswish", "Mish", "Softsign", "Tanhshrink", "Softshrink",
            "Hardshrink", "GLU", "Softmin", "PReLU"]
__all__ += ["KLDivLoss", "SmoothL1Loss", "HuberLoss", "SoftMarginLoss", "MarginRankingLoss",
            "HingeEmbeddingLoss", "CosineEmbeddingLoss", "TripletMarginLoss",
            "MultiLabelSoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss"]
__all__ += ["EmbeddingBag", "ParameterList", "ParameterDict"]
