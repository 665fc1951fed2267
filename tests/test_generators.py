"""generator= everywhere PyTorch takes it: a tinytorch.Generator is a stream of its own, the
global streams are tinytorch.default_generator, and both can be saved and restored."""

import pytest

import tinytorch as tt
from tinytorch.utils.data import RandomSampler, random_split


def _draws(generator):
    """One draw from every sampling function that takes generator=, as plain lists."""
    probs = tt.tensor([0.1, 0.2, 0.3, 0.4])
    w = tt.empty(4, 3)
    tt.nn.init.kaiming_uniform_(w, generator=generator)
    return [
        tt.rand(3, generator=generator).tolist(),
        tt.randn(2, 2, generator=generator).tolist(),
        tt.randint(0, 100, (4,), generator=generator).tolist(),
        tt.randperm(6, generator=generator).tolist(),
        tt.normal(tt.zeros(3), tt.ones(3), generator=generator).tolist(),
        tt.normal(1.0, 2.0, size=(2,), generator=generator).tolist(),
        tt.bernoulli(tt.full((5,), 0.5), generator=generator).tolist(),
        tt.multinomial(probs, 3, replacement=True, generator=generator).tolist(),
        tt.empty(3).uniform_(-1, 1, generator=generator).tolist(),
        tt.empty(3).normal_(generator=generator).tolist(),
        tt.empty(3).exponential_(generator=generator).tolist(),
        tt.empty(4).bernoulli_(0.5, generator=generator).tolist(),
        tt.empty(3, dtype="int64").random_(0, 50, generator=generator).tolist(),
        tt.nn.init.normal_(tt.empty(3), generator=generator).tolist(),
        w.tolist(),
    ]


def test_the_same_seed_gives_the_same_draws_from_every_sampler():
    first = _draws(tt.Generator().manual_seed(2147483647))
    again = _draws(tt.Generator().manual_seed(2147483647))
    other = _draws(tt.Generator().manual_seed(1))
    assert first == again
    differing = [a != b for a, b in zip(first, other)]
    assert sum(differing) >= len(first) - 2  # a seed changes (nearly) every draw


def test_a_generator_leaves_the_global_streams_alone():
    tt.manual_seed(0)
    expected = tt.rand(5).tolist()
    tt.manual_seed(0)
    _draws(tt.Generator().manual_seed(7))  # draws from its own stream only
    assert tt.rand(5).tolist() == expected


def test_manual_seed_returns_the_default_generator_which_is_the_global_stream():
    g = tt.manual_seed(5)
    assert g is tt.default_generator and g.initial_seed() == 5
    a = tt.rand(4).tolist()
    tt.default_generator.manual_seed(5)
    b = tt.rand(4, generator=tt.default_generator).tolist()
    assert a == b
    assert tt.random.manual_seed is tt.manual_seed


def test_generator_state_round_trips_and_repeats_the_draws_after_it():
    g = tt.Generator().manual_seed(3)
    tt.rand(10, generator=g)
    state = g.get_state()
    assert state.dtype == "uint8" and state.ndim == 1
    after = tt.randn(6, generator=g).tolist()
    assert tt.randn(6, generator=g).tolist() != after
    g.set_state(state)
    assert tt.randn(6, generator=g).tolist() == after
    with pytest.raises(TypeError, match="uint8"):
        g.set_state([1, 2, 3])
    with pytest.raises(RuntimeError, match="not a state"):
        g.set_state(tt.tensor([1, 2, 3], dtype="uint8"))


def test_fork_rng_puts_the_global_state_back():
    tt.manual_seed(11)
    expected = tt.rand(3).tolist()
    tt.manual_seed(11)
    with tt.random.fork_rng():
        inside = tt.rand(3).tolist()
        tt.rand(100)
    assert inside == expected and tt.rand(3).tolist() == expected
    with tt.random.fork_rng(enabled=False):
        tt.rand(1)
    assert tt.rand(3).tolist() != expected


def test_data_splits_and_samplers_follow_their_generator():
    split = [s.indices for s in random_split(range(20), [10, 10],
                                             generator=tt.Generator().manual_seed(42))]
    again = [s.indices for s in random_split(range(20), [10, 10],
                                             generator=tt.Generator().manual_seed(42))]
    assert split == again and sorted(split[0] + split[1]) == list(range(20))
    a = list(RandomSampler(range(10), generator=tt.Generator().manual_seed(1)))
    b = list(RandomSampler(range(10), generator=tt.Generator().manual_seed(1)))
    assert a == b and sorted(a) == list(range(10))


def test_normal_has_the_asked_mean_std_and_shape():
    g = tt.Generator().manual_seed(0)
    x = tt.normal(tt.full((2, 1), 3.0), tt.full((1, 50000), 0.5), generator=g)
    assert x.shape == (2, 50000) and x.dtype == "float32"
    assert abs(x.mean().item() - 3.0) < 0.01 and abs(x.std().item() - 0.5) < 0.01
    y = tt.normal(-1.0, 2.0, size=(40000,), generator=g, dtype="float64")
    assert y.dtype == "float64"
    assert abs(y.mean().item() + 1.0) < 0.05 and abs(y.std().item() - 2.0) < 0.05
    mean = tt.zeros(3, requires_grad=True)
    assert not tt.normal(mean, 1.0).requires_grad  # PyTorch's draw carries no gradient


@pytest.mark.parametrize("call, error, words", [
    (lambda: tt.rand(2, generator=0), TypeError, "tinytorch.Generator"),
    (lambda: tt.randint(0, 3, (2,), generator="g"), TypeError, "tinytorch.Generator"),
    (lambda: tt.empty(2).normal_(generator=1), TypeError, "tinytorch.Generator"),
    (lambda: random_split(range(4), [2, 2], generator=3), TypeError, "tinytorch.Generator"),
    (lambda: tt.normal(0.0, 1.0), TypeError, "needs a size"),
    (lambda: tt.normal(tt.zeros(2), 1.0, size=(2,)), TypeError, "size="),
    (lambda: tt.normal(0.0, -1.0, size=(2,)), RuntimeError, "std >= 0"),
    (lambda: tt.normal(tt.zeros(2), tt.tensor([1.0, -1.0])), RuntimeError, "std >= 0"),
    (lambda: tt.normal(tt.zeros(2, dtype="int64"), 1.0), TypeError, "floating point"),
    (lambda: tt.Generator().manual_seed(2**64), RuntimeError, "2\\*\\*64"),
])
def test_bad_random_arguments_say_what_to_pass(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_char_level_bigram_model_samples_reproducibly_the_makemore_way():
    """A bigram sampler written the way PyTorch tutorials write it, with an explicit Generator."""
    import tinytorch as torch

    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "ella"]
    chars = sorted(set("".join(words)))
    stoi = {c: i + 1 for i, c in enumerate(chars)}
    stoi["."] = 0
    itos = {i: c for c, i in stoi.items()}
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    for w in words:
        for a, b in zip("." + w, w + "."):
            N[stoi[a], stoi[b]] += 1
    P = (N + 1).float()
    P /= P.sum(1, keepdim=True)

    def sample(seed):
        g = torch.Generator().manual_seed(seed)
        out = []
        for _ in range(5):
            ix, name = 0, ""
            while True:
                ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=g).item()
                if ix == 0:
                    break
                name += itos[ix]
            out.append(name)
        return out

    names = sample(2147483647)
    assert names == sample(2147483647) and names != sample(1)
    assert all(set(n) <= set(chars) for n in names)
