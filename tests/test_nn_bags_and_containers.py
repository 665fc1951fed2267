"""EmbeddingBag / F.embedding_bag, ParameterList / ParameterDict, nn.utils.parameters_to_vector /
vector_to_parameters and nn.utils.rnn.pad_sequence: NumPy references written from the
definitions, gradcheck, every device, the errors, and PyTorch as the oracle."""

from collections import OrderedDict

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.nn.utils.rnn import pad_sequence
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(5)
TABLE = RNG.standard_normal((7, 3))
IDS = np.array([1, 2, 4, 4, 0, 6, 3, 2])
OFFSETS = np.array([0, 3, 3, 5])            # bags IDS[0:3], (empty), IDS[3:5], IDS[5:]


def np_bags(table, bags, mode, padding_idx=None, scales=None):
    """The reduction of each bag (a list of ids), written from embedding_bag's definition."""
    out = []
    for b, bag in enumerate(bags):
        rows = [table[i] * (1.0 if scales is None else scales[b][k])
                for k, i in enumerate(bag) if i != padding_idx]
        if not rows:
            out.append(np.zeros(table.shape[1]))
        else:
            out.append({"sum": np.sum, "mean": np.mean, "max": np.max}[mode](rows, axis=0))
    return np.stack(out)


def split(ids, offsets):
    ends = list(offsets[1:]) + [len(ids)]
    return [list(ids[s:e]) for s, e in zip(offsets, ends)]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_the_definition(mode):
    table = tt.tensor(TABLE)
    bags = split(IDS, OFFSETS)
    got = F.embedding_bag(tt.tensor(IDS), table, tt.tensor(OFFSETS), mode=mode)
    assert_close(got, np_bags(TABLE, bags, mode))
    # padding ids count as absent: a bag of padding only is zeros, like an empty one
    got = F.embedding_bag(tt.tensor(IDS), table, tt.tensor(OFFSETS), mode=mode, padding_idx=4)
    assert_close(got, np_bags(TABLE, bags, mode, padding_idx=4))
    # a 2-D input is one bag per row
    got = F.embedding_bag(tt.tensor(IDS.reshape(2, 4)), table, mode=mode)
    assert_close(got, np_bags(TABLE, IDS.reshape(2, 4).tolist(), mode))
    # include_last_offset: one more offset (the input's length), one bag fewer than offsets
    got = F.embedding_bag(tt.tensor(IDS), table, tt.tensor([0, 3, 3, 5, 8]), mode=mode,
                          include_last_offset=True)
    assert_close(got, np_bags(TABLE, bags, mode))


def test_embedding_bag_per_sample_weights_and_gradients():
    scales = RNG.random(len(IDS))
    bags = split(IDS, OFFSETS)
    bag_scales = split(scales, OFFSETS)
    got = F.embedding_bag(tt.tensor(IDS), tt.tensor(TABLE), tt.tensor(OFFSETS), mode="sum",
                          per_sample_weights=tt.tensor(scales))
    assert_close(got, np_bags(TABLE, bags, "sum", scales=bag_scales))
    table = tt.tensor(TABLE, requires_grad=True)
    weights = tt.tensor(scales, requires_grad=True)
    assert gradcheck(lambda t, w: F.embedding_bag(tt.tensor(IDS), t, tt.tensor(OFFSETS),
                                                  mode="sum", per_sample_weights=w),
                     (table, weights))
    for mode in ("mean", "max"):
        assert gradcheck(lambda t, mode=mode: F.embedding_bag(
            tt.tensor(IDS), t, tt.tensor(OFFSETS), mode=mode, padding_idx=2), (table,))
    # the padding row receives nothing; each mean bag gives 1/len(bag) to each member
    table.grad = None
    F.embedding_bag(tt.tensor(IDS), table, tt.tensor(OFFSETS), padding_idx=2).sum().backward()
    expected = np.zeros_like(TABLE)
    for bag in bags:
        kept = [i for i in bag if i != 2]
        for i in kept:
            expected[i] += 1.0 / len(kept)
    assert_close(table.grad, expected)


def test_embedding_bag_module_on_every_device(device):
    bag = nn.EmbeddingBag(7, 3, mode="max", padding_idx=0).to(device)
    assert bag.weight.device == device
    assert bag.weight.detach().cpu().numpy()[0].tolist() == [0.0] * 3
    out = bag(tt.tensor(IDS, device=device), tt.tensor(OFFSETS, device=device))
    assert out.device == device and out.shape == (4, 3)
    expected = np_bags(bag.weight.detach().cpu().numpy(), split(IDS, OFFSETS), "max", 0)
    assert_close(out, expected.astype(np.float32))
    out.sum().backward()
    assert bag.weight.grad.device == device
    frozen = nn.EmbeddingBag.from_pretrained(tt.tensor(TABLE, device=device), mode="sum")
    assert not frozen.weight.requires_grad and "mode='sum'" in repr(frozen)
    assert_close(frozen(tt.tensor(IDS.reshape(4, 2), device=device)),
                 np_bags(TABLE, IDS.reshape(4, 2).tolist(), "sum"))


def test_embedding_bag_errors():
    table = tt.tensor(TABLE)
    with pytest.raises(ValueError, match="needs offsets"):
        F.embedding_bag(tt.tensor(IDS), table)
    with pytest.raises(ValueError, match="offsets must be None"):
        F.embedding_bag(tt.tensor(IDS.reshape(2, 4)), table, tt.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="start at 0"):
        F.embedding_bag(tt.tensor(IDS), table, tt.tensor([1, 3]))
    with pytest.raises(RuntimeError, match="never decrease"):
        F.embedding_bag(tt.tensor(IDS), table, tt.tensor([0, 5, 3]))
    with pytest.raises(RuntimeError, match="length 8"):
        F.embedding_bag(tt.tensor(IDS), table, tt.tensor([0, 9]))
    with pytest.raises(ValueError, match="only supported for mode='sum'"):
        F.embedding_bag(tt.tensor(IDS), table, tt.tensor([0]), per_sample_weights=tt.ones(8))
    with pytest.raises(ValueError, match="mode must be"):
        nn.EmbeddingBag(3, 2, mode="min")
    with pytest.raises(IndexError, match="index out of range"):
        F.embedding_bag(tt.tensor([0, 9]), table, tt.tensor([0]))
    with pytest.raises(TypeError, match="integer indices"):
        F.embedding_bag(tt.tensor([0.0, 1.0]), table, tt.tensor([0]))


def test_parameter_list_and_dict_register_their_parameters():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = nn.ParameterList([tt.ones(2), nn.Parameter(tt.zeros(3))])
            self.gains = nn.ParameterDict({"b": tt.ones(4), "a": tt.zeros(1)})

    model = Model()
    # plain tensors became Parameters; a plain dict is read in sorted key order
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    assert list(model.state_dict()) == ["scales.0", "scales.1", "gains.a", "gains.b"]
    model.scales.append(tt.full((2,), 3.0))
    model.gains["c"] = nn.Parameter(tt.ones(1), requires_grad=False)
    assert len(model.scales) == 3 and len(model.gains) == 3 and "c" in model.gains
    assert model.scales[-1].tolist() == [3.0, 3.0] and list(model.scales[1:])[0].shape == (3,)
    assert len(list(model.parameters())) == 6
    copy = Model()
    copy.scales.append(tt.zeros(2))
    copy.gains["c"] = tt.zeros(1)
    copy.load_state_dict(model.state_dict())
    assert copy.scales[2].tolist() == [3.0, 3.0]
    ordered = nn.ParameterDict(OrderedDict([("z", tt.ones(1)), ("y", tt.ones(1))]))
    assert list(ordered) == ["z", "y"]
    assert ordered.pop("z").shape == (1,) and list(ordered.keys()) == ["y"]
    assert "ParameterList(" in repr(model) and "size 3" in repr(model)
    with pytest.raises(TypeError, match="holds tensors"):
        model.scales.append("not a tensor")
    with pytest.raises(IndexError, match="3 parameters"):
        model.scales[3]


def test_parameter_containers_move_with_the_model(device):
    params = nn.ParameterList([tt.ones(2)])
    named = nn.ParameterDict({"w": tt.ones(2)})
    holder = nn.Module()
    holder.params, holder.named = params, named
    holder.to(device)
    assert params[0].device == device and named["w"].device == device
    loss = (params[0] * named["w"]).sum()
    loss.backward()
    assert params[0].grad.device == device and params[0].grad.tolist() == [1.0, 1.0]


def test_parameters_to_vector_and_back():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vector = nn.utils.parameters_to_vector(model.parameters())
    pieces = [p.detach().numpy().reshape(-1) for p in model.parameters()]
    assert_close(vector, np.concatenate(pieces))
    # differentiable: the gradient of sum(v * c) reaches each parameter as its slice of c
    weights = tt.arange(float(vector.numel()))
    (vector * weights).sum().backward()
    assert_close(model[0].weight.grad, np.arange(6.0, dtype=np.float32).reshape(2, 3))
    new = tt.arange(float(vector.numel())) * -1.0
    nn.utils.vector_to_parameters(new, model.parameters())
    assert_close(nn.utils.parameters_to_vector(model.parameters()), new.numpy())
    assert model[1].bias.tolist() == [-10.0] and isinstance(model[1].bias, nn.Parameter)
    with pytest.raises(TypeError, match="Tensor"):
        nn.utils.vector_to_parameters([1.0], model.parameters())
    with pytest.raises(ValueError, match="need 11"):
        nn.utils.vector_to_parameters(tt.zeros(5), model.parameters())


def test_pad_sequence(device):
    seqs = [RNG.standard_normal((n, 2)) for n in (3, 1, 4)]
    tensors = [tt.tensor(s, device=device, requires_grad=True) for s in seqs]
    out = pad_sequence(tensors, batch_first=True, padding_value=-1.0)
    expected = np.full((3, 4, 2), -1.0)
    for i, s in enumerate(seqs):
        expected[i, :len(s)] = s
    assert out.device == device
    assert_close(out, expected)
    zeros_padded = np.where(expected == -1.0, 0.0, expected).transpose(1, 0, 2)
    assert_close(pad_sequence(tensors), zeros_padded)                  # (T, B, *) by default
    left = pad_sequence(tensors, batch_first=True, padding_side="left")
    assert_close(left[1], np.concatenate([np.zeros((3, 2)), seqs[1]]))
    out.sum().backward()
    assert [t.grad.tolist() for t in tensors] == [np.ones_like(s).tolist() for s in seqs]
    with pytest.raises(RuntimeError, match="empty list"):
        pad_sequence([])
    with pytest.raises(RuntimeError, match="trailing shape"):
        pad_sequence([tt.zeros(2, 3), tt.zeros(2, 4)])
    with pytest.raises(ValueError, match="padding_side"):
        pad_sequence(tensors, padding_side="middle")


# ---- PyTorch as the oracle -----------------------------------------------------------------

@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_torch(mode):
    torch = pytest.importorskip("torch")
    layouts = [dict(input=IDS, offsets=OFFSETS), dict(input=IDS, offsets=OFFSETS, padding_idx=4),
               dict(input=IDS.reshape(4, 2)), dict(input=IDS.reshape(2, 4), padding_idx=2),
               dict(input=IDS, offsets=np.array([0, 2, 2, 8]), include_last_offset=True),
               dict(input=np.zeros(0, np.int64), offsets=np.array([0, 0]))]
    for layout in layouts:
        layout = dict(layout)
        ids, offsets = layout.pop("input"), layout.pop("offsets", None)
        theirs, ours = torch.tensor(TABLE, requires_grad=True), tt.tensor(TABLE,
                                                                          requires_grad=True)
        expected = torch.nn.functional.embedding_bag(
            torch.tensor(ids), theirs, None if offsets is None else torch.tensor(offsets),
            mode=mode, **layout)
        got = F.embedding_bag(tt.tensor(ids), ours,
                              None if offsets is None else tt.tensor(offsets), mode=mode,
                              **layout)
        assert_close(got, expected.detach().numpy())
        upstream = RNG.standard_normal(tuple(expected.shape))
        (expected * torch.tensor(upstream)).sum().backward()
        (got * tt.tensor(upstream)).sum().backward()
        assert_close(ours.grad, theirs.grad.numpy())


def test_containers_and_utils_match_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.ParameterDict({"b": torch.nn.Parameter(torch.ones(2)),
                                     "a": torch.nn.Parameter(torch.zeros(1))})
    ours = nn.ParameterDict({"b": tt.ones(2), "a": tt.zeros(1)})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    plist = torch.nn.ParameterList([torch.ones(2), torch.zeros(3)])
    assert list(nn.ParameterList([tt.ones(2), tt.zeros(3)]).state_dict()) == list(
        plist.state_dict())
    seqs = [RNG.standard_normal((n, 3)) for n in (2, 5, 1)]
    for batch_first in (False, True):
        for side in ("right", "left"):
            expected = torch.nn.utils.rnn.pad_sequence(
                [torch.tensor(s) for s in seqs], batch_first=batch_first, padding_value=7.0,
                padding_side=side)
            got = pad_sequence([tt.tensor(s) for s in seqs], batch_first=batch_first,
                               padding_value=7.0, padding_side=side)
            assert_close(got, expected.numpy())
    layer = torch.nn.Linear(4, 3)
    mine = nn.Linear(4, 3)
    mine.load_state_dict({k: v.detach().numpy() for k, v in layer.state_dict().items()})
    assert_close(nn.utils.parameters_to_vector(mine.parameters()),
                 torch.nn.utils.parameters_to_vector(layer.parameters()).detach().numpy())
