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
from .bilinear import Bilinear
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import Dropout
from .embedding import Embedding, EmbeddingBag
from .flatten import Flatten, Unflatten
from .fold import Fold, Unfold
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
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LayerNorm,
    LocalResponseNorm,
    RMSNorm,
)
from .padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .parameter import Parameter
from .pixelshuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

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
# normalisation, padding and shuffle layers, Bilinear and the distance layers
__all__ += ["GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm",
            "LocalResponseNorm", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d",
            "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d",
            "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
            "CircularPad1d", "CircularPad2d", "CircularPad3d", "PixelShuffle", "PixelUnshuffle",
            "ChannelShuffle", "Bilinear", "CosineSimilarity", "PairwiseDistance"]
__all__ += ["Conv1d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d", "AvgPool1d",
            "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
            "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "Unfold", "Fold"]
