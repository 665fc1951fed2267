"""The PyTorch surface that real programs touch: names, argument forms and the errors that say
what to do instead. PyTorch-oracle comparisons live in test_pytorch_oracle.py."""

import os
import random

import pytest

import tinytorch as tt
import tinytorch.utils.data
from tinytorch.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    get_worker_info,
    random_split,
)

# ---- dtypes ---------------------------------------------------------------------------------


def test_dtype_aliases_name_pytorch_dtypes():
    assert (tt.float, tt.double, tt.half, tt.long, tt.int, tt.short, tt.bool) == (
        "float32", "float64", "float16", "int64", "int32", "int16", "bool")
    assert tt.zeros(2, dtype=tt.long).dtype == "int64"
    assert tt.ones(2).to(tt.double).dtype == "float64"
    assert tt.ones(2).to("half").dtype == "float16"


def test_dtype_is_usable_as_a_type():
    assert isinstance(tt.ones(1).dtype, tt.dtype)
    assert isinstance(tt.float, tt.dtype)
    assert not isinstance("float", tt.dtype)  # an alias, not a canonical dtype
    assert not isinstance(3, tt.dtype)
    assert tt.dtype("long") == "int64"
    with pytest.raises(TypeError, match="float32"):
        tt.dtype("flaot")


def test_bfloat16_is_refused_saying_what_to_use():
    with pytest.raises(TypeError, match="not supported") as info:
        tt.zeros(2, dtype=tt.bfloat16)
    assert "float32" in str(info.value)


@pytest.mark.parametrize("name, canonical", [("cfloat", "complex64"), ("cdouble", "complex128")])
def test_pytorch_complex_aliases_name_the_complex_dtypes(name, canonical):
    assert tt.zeros(2, dtype=getattr(tt, name)).dtype == canonical


def test_to_with_a_misspelt_dtype_names_dtypes_and_devices():
    with pytest.raises(TypeError) as info:
        tt.ones(2).to("flaot32")
    message = str(info.value)
    assert "flaot32" in message and "float32" in message and "device" in message


# ---- size() and friends ---------------------------------------------------------------------


def test_size_is_an_int_and_a_method():
    x = tt.zeros(2, 3)
    assert x.size == 6 and x.size + 1 == 7 and isinstance(x.size, int)
    assert x.size() == (2, 3)
    assert x.size(0) == 2 and x.size(-1) == 3 and x.size(dim=1) == 3
    assert tt.zeros(()).size() == () and tt.zeros(()).size == 1
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.size(2)


def test_format_of_a_one_element_tensor_formats_its_value():
    loss = tt.tensor(0.123456)
    assert f"{loss:.3f}" == "0.123"
    assert f"{tt.tensor([2]):d}" == "2"
    assert f"{tt.ones(2)}" == repr(tt.ones(2))


def test_new_factories_keep_dtype_and_device(device):
    x = tt.ones(2, dtype="float64", device=device)
    for made in (x.new_zeros(3), x.new_ones((3,)), x.new_empty(3), x.new_full((3,), 7.0),
                 x.new_tensor([1, 2, 3])):
        assert made.shape == (3,) and made.dtype == "float64" and made.device == x.device
    assert x.new_full((2,), 7.0).tolist() == [7.0, 7.0]
    assert x.new_zeros(2, dtype="int32").dtype == "int32"


def test_is_floating_point_method_and_allclose():
    assert tt.ones(2).is_floating_point() and not tt.ones(2, dtype="int64").is_floating_point()
    x = tt.tensor([1.0, 2.0])
    assert tt.allclose(x, x * (1 + 1e-7)) is True
    assert tt.allclose(x, x + 1e-3) is False
    assert x.allclose(tt.tensor([1.0, 2.0 + 1e-4]), atol=1e-3)
    nan = tt.tensor([float("nan")])
    assert not tt.allclose(nan, nan) and tt.allclose(nan, nan, equal_nan=True)
    assert tt.isclose(x, tt.tensor([1.0, 3.0])).tolist() == [True, False]


# ---- positional ops -------------------------------------------------------------------------


def test_tril_triu_keep_the_right_triangle(device):
    x = tt.arange(1.0, 10.0, device=device).reshape(3, 3)
    assert tt.tril(x).tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert tt.triu(x, 1).tolist() == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    assert x.tril(-1).tolist() == [[0, 0, 0], [4, 0, 0], [7, 8, 0]]
    batch = tt.ones(2, 2, 3, device=device)
    assert tt.tril(batch).sum().item() == 2 * 3  # each 2x3 lower triangle holds 1 + 2 ones
    with pytest.raises(RuntimeError, match="at least 2"):
        tt.tril(tt.ones(3))


def test_tril_gradient_is_the_mask():
    x = tt.ones(3, 3, requires_grad=True)
    tt.tril(x).sum().backward()
    assert x.grad.tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]


def test_roll(device):
    x = tt.arange(6, device=device).reshape(2, 3)
    assert tt.roll(x, 1, 1).tolist() == [[2, 0, 1], [5, 3, 4]]
    assert tt.roll(x, -1, 0).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert tt.roll(x, 2).tolist() == [[4, 5, 0], [1, 2, 3]]
    assert x.roll((1, 1), (0, 1)).tolist() == [[5, 3, 4], [2, 0, 1]]
    assert tt.roll(x, 3, 1).tolist() == x.tolist()


def test_topk_values_indices_and_gradient(device):
    x = tt.tensor([[1.0, 5.0, 3.0, 5.0], [0.0, -1.0, 2.0, 1.0]], device=device,
                  requires_grad=True)
    values, indices = tt.topk(x, 2)
    assert values.tolist() == [[5.0, 5.0], [2.0, 1.0]]
    assert indices.tolist() == [[1, 3], [2, 3]]  # ties: the lower index first
    low = x.topk(1, dim=1, largest=False)
    assert low.values.tolist() == [[1.0], [-1.0]] and low.indices.tolist() == [[0], [1]]
    values.sum().backward()
    assert x.grad.tolist() == [[0, 1, 0, 1], [0, 0, 1, 1]]
    with pytest.raises(RuntimeError, match="out of range"):
        tt.topk(x, 5)


def test_multinomial_follows_the_weights():
    tt.manual_seed(0)
    draws = tt.multinomial(tt.tensor([1.0, 0.0, 3.0]), 4000, replacement=True)
    assert draws.dtype == "int64" and draws.shape == (4000,)
    counts = [(draws == k).sum().item() for k in range(3)]
    assert counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03
    rows = tt.multinomial(tt.tensor([[0.2, 0.3, 0.5], [1.0, 1.0, 0.0]]), 2)
    assert rows.shape == (2, 2) and sorted(rows[1].tolist()) == [0, 1]
    assert len(set(rows[0].tolist())) == 2  # without replacement: distinct
    with pytest.raises(RuntimeError, match="replacement"):
        tt.multinomial(tt.tensor([1.0, 0.0]), 2)
    with pytest.raises(RuntimeError, match="non-negative"):
        tt.multinomial(tt.tensor([1.0, -1.0]), 1)


def test_multinomial_repeats_with_the_seed_and_a_generator():
    probs = tt.tensor([0.1, 0.2, 0.3, 0.4])
    tt.manual_seed(3)
    a = tt.multinomial(probs, 10, True).tolist()
    tt.manual_seed(3)
    assert tt.multinomial(probs, 10, True).tolist() == a
    g1, g2 = tt.Generator().manual_seed(5), tt.Generator().manual_seed(5)
    assert (tt.multinomial(probs, 10, True, generator=g1).tolist()
            == tt.multinomial(probs, 10, True, generator=g2).tolist())


# ---- grad modes, probes, amp ----------------------------------------------------------------


def test_inference_mode_turns_recording_off():
    x = tt.ones(2, requires_grad=True)
    with tt.inference_mode():
        assert not (x * 2).requires_grad and tt.is_inference_mode_enabled()
    with tt.inference_mode(False):
        assert (x * 2).requires_grad

    @tt.inference_mode()
    def predict(t):
        return t * 2
    assert not predict(x).requires_grad and (x * 2).requires_grad


def test_device_probes_answer_truthfully():
    has_gpu = tt.cuda.is_available()
    assert tt.accelerator.is_available() == has_gpu
    assert (tt.accelerator.current_accelerator() is None) == (not has_gpu)
    assert tt.backends.mps.is_available() is False and tt.backends.mps.is_built() is False
    assert tt.backends.cudnn.is_available() is False
    tt.backends.cudnn.benchmark = True  # accepted, as in PyTorch scripts
    assert tt.backends.cuda.matmul.allow_tf32 is False
    tt.cuda.manual_seed_all(0)
    tt.cuda.manual_seed(0)
    tt.cuda.synchronize()
    if not has_gpu:
        with pytest.raises(RuntimeError, match="is_available"):
            tt.cuda.get_device_name()


def test_cuda_manual_seed_leaves_the_cpu_stream_alone():
    tt.manual_seed(1)
    first = tt.rand(3).tolist()
    tt.manual_seed(1)
    tt.cuda.manual_seed_all(99)
    assert tt.rand(3).tolist() == first


def test_autocast_lowers_matmuls_and_returns_float32():
    tt.manual_seed(0)
    layer = tt.nn.Linear(8, 4)
    x = tt.randn(5, 8)
    exact = layer(x)
    with tt.autocast("cpu", dtype=tt.float16):
        low = layer(x)
        product = x @ x.T
    assert low.dtype == "float32" and product.dtype == "float32"
    difference = (low - exact).abs().max().item()
    assert 0 < difference < 1e-2  # float16 rounding happened, and only that
    with tt.amp.autocast("cpu"):  # bfloat16 default on cpu: documented float32 fallback
        assert (layer(x) - exact).abs().max().item() == 0
    with tt.autocast("cpu", dtype=tt.float16):
        layer(x).sum().backward()
    assert layer.weight.grad.dtype == "float32"
    assert tt.cuda.amp.autocast is tt.amp.autocast


def test_grad_scaler_scales_and_skips_overflowing_steps():
    w = tt.nn.Parameter(tt.tensor([1.0, 2.0]))
    opt = tt.optim.SGD([w], lr=0.1)
    scaler = tt.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    loss = (w * w).sum()
    scaled = scaler.scale(loss)
    assert scaled.item() == pytest.approx(8 * loss.item())
    scaled.backward()
    scaler.step(opt)  # unscaled gradient 2w, so w -> w - 0.2 w
    scaler.update()
    assert w.tolist() == pytest.approx([0.8, 1.6])
    opt.zero_grad()
    scaler.scale((w * float("inf")).sum()).backward()
    before = w.tolist()
    scaler.step(opt)
    scaler.update()
    assert w.tolist() == before and scaler.get_scale() == 4.0  # skipped, backed off
    for _ in range(2):
        opt.zero_grad()
        scaler.scale(w.sum()).backward()
        scaler.step(opt)
        scaler.update()
    assert scaler.get_scale() == 8.0  # grew after growth_interval clean steps


def test_grad_scaler_for_cuda_without_a_gpu_disables_itself():
    if tt.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        scaler = tt.cuda.amp.GradScaler()
    assert not scaler.is_enabled() and scaler.scale(tt.ones(1)).item() == 1.0


# ---- custom Functions -----------------------------------------------------------------------


class Cube(tt.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return grad_output * 3 * x ** 2 * ctx.scale, None


def test_pytorch_style_function_gives_its_gradient():
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.tolist() == [2.0, 16.0] and "CubeBackward" in repr(y.grad_fn)
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]


def test_pytorch_style_function_with_two_outputs_and_a_non_differentiable_one():
    class SplitSign(tt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            sign = x.sign()
            ctx.mark_non_differentiable(sign)
            return x * 2, x * 5, sign

        @staticmethod
        def backward(ctx, da, db, dsign):
            return da * 2 + db * 5

    x = tt.tensor([1.0, -3.0], requires_grad=True)
    a, b, sign = SplitSign.apply(x)
    assert not sign.requires_grad
    (a.sum() + b.sum()).backward()
    assert x.grad.tolist() == [7.0, 7.0]


def test_pytorch_style_function_catches_in_place_changes_and_wrong_arity():
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    saved = x * 1
    y = Cube.apply(saved, 1.0)
    saved.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace"):
        y.sum().backward()

    class Bad(tt.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x, x).sum().backward()


def test_tinytorch_style_functions_are_unchanged():
    class Double(tt.autograd.Function):
        def forward(self, a):
            return a * 2

        def backward(self, grad):
            return grad * 2

    x = tt.ones(2, requires_grad=True)
    Double.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


# ---- optimizers, checkpoints ----------------------------------------------------------------


def test_optimizer_given_a_module_says_pass_parameters():
    with pytest.raises(TypeError, match=r"model\.parameters\(\)"):
        tt.optim.SGD(tt.nn.Linear(2, 2), lr=0.1)


@pytest.mark.parametrize("name", ["RMSprop", "Adadelta"])
def test_new_optimizers_minimise_a_quadratic(name):
    w = tt.nn.Parameter(tt.tensor([3.0, -2.0]))
    opt = getattr(tt.optim, name)([w], lr=0.05 if name == "RMSprop" else 1.0)
    for _ in range(200):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    # Adadelta's steps start tiny (sqrt(eps) scale) and grow: slower, as in PyTorch.
    assert (w * w).sum().item() < (0.05 if name == "RMSprop" else 0.6 * 13.0)
    assert "square_avg" in opt.state_dict()["state"][0]


def test_save_refuses_whole_modules_and_load_takes_pytorch_arguments(tmp_path):
    model = tt.nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"state_dict\(\)"):
        tt.save(model, tmp_path / "m.pt")
    tt.save(model.state_dict(), tmp_path / "w.pt")
    loaded = tt.load(tmp_path / "w.pt", map_location="cpu", weights_only=True)
    assert loaded["weight"].tolist() == model.weight.tolist()
    with pytest.raises(TypeError, match="unpickle"):
        tt.load(tmp_path / "w.pt", weights_only=False)


# ---- torch.utils.data ----------------------------------------------------------------------


def test_utils_data_is_tinytorch_data():
    assert tt.utils.data is tt.data and tinytorch.utils.data.DataLoader is tt.data.DataLoader


def rows(n):
    return TensorDataset(tt.arange(n, dtype="float32").reshape(n, 1), tt.arange(n))


def ids(loader):
    return [y.tolist() for _, y in loader]


def test_random_split_with_fractions_and_a_generator():
    ds = rows(10)
    a, b = random_split(ds, [0.7, 0.3], generator=tt.Generator().manual_seed(1))
    c, d = random_split(ds, [0.7, 0.3], generator=tt.Generator().manual_seed(1))
    assert len(a) == 7 and len(b) == 3 and a.indices == c.indices
    assert sorted(a.indices + b.indices) == list(range(10))


def test_samplers():
    ds = rows(6)
    assert list(SequentialSampler(ds)) == list(range(6))
    tt.manual_seed(0)
    order = list(RandomSampler(ds))
    assert sorted(order) == list(range(6))
    assert len(list(RandomSampler(ds, replacement=True, num_samples=20))) == 20
    assert sorted(SubsetRandomSampler([4, 1, 3])) == [1, 3, 4]
    assert set(WeightedRandomSampler([0.0, 1.0, 0.0], 5)) == {1}
    batches = list(BatchSampler(SequentialSampler(ds), 4, drop_last=False))
    assert batches == [[0, 1, 2, 3], [4, 5]]
    assert len(BatchSampler(range(6), 4, drop_last=True)) == 1


def test_dataloader_argument_forms():
    ds = rows(5)
    assert ids(DataLoader(ds, batch_size=2, sampler=[4, 3, 2, 1, 0])) == [[4, 3], [2, 1], [0]]
    assert ids(DataLoader(ds, batch_sampler=[[0, 4], [2]])) == [[0, 4], [2]]
    single = list(DataLoader(ds, batch_size=None))
    assert len(single) == 5 and single[2][1].item() == 2
    g = tt.Generator().manual_seed(7)
    first = ids(DataLoader(ds, batch_size=5, shuffle=True, generator=g))
    again = ids(DataLoader(ds, batch_size=5, shuffle=True,
                           generator=tt.Generator().manual_seed(7)))
    assert first == again and sorted(first[0]) == list(range(5))
    custom = DataLoader(ds, batch_size=2, collate_fn=lambda batch: len(batch), pin_memory=True)
    assert list(custom) == [2, 2, 1]
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=-1)


class Squares(Dataset):
    """Sample i is (i, i*i, the id of the worker that loaded it, a random draw)."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        info = get_worker_info()
        return (tt.tensor(i), tt.tensor(i * i), -1 if info is None else info.id,
                random.random())


class Broken(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise KeyError(f"sample {i} is missing")
        return tt.tensor(i)


def _record_init(worker_id):
    os.environ["TT_WORKER_INIT"] = str(worker_id)


def test_dataloader_workers_keep_order_and_seed_each_worker():
    tt.manual_seed(0)
    batches = list(DataLoader(Squares(), batch_size=3, num_workers=2,
                              worker_init_fn=_record_init))
    assert [b[0].tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert [b[1].tolist() for b in batches][1] == [9, 16, 25]
    workers = [w for b in batches for w in b[2].tolist()]
    assert set(workers) == {0, 1}  # batches were really loaded by two worker processes
    draws = [b[3].tolist() for b in batches]
    assert draws[0] != draws[1]  # each worker has its own seed
    tt.manual_seed(0)
    again = list(DataLoader(Squares(), batch_size=3, num_workers=2))
    assert [b[3].tolist() for b in again] == draws  # manual_seed makes worker seeds repeat


def test_dataloader_worker_errors_reach_the_main_process():
    with pytest.raises(RuntimeError, match="KeyError") as info:
        list(DataLoader(Broken(), batch_size=1, num_workers=2))
    assert "sample 2 is missing" in str(info.value)


def test_dataloader_workers_shut_down_when_the_loop_stops_early():
    import multiprocessing
    loader = DataLoader(Squares(), batch_size=1, num_workers=2)
    for _ in loader:
        break
    import gc
    gc.collect()
    for child in multiprocessing.active_children():
        child.join(timeout=5)
    assert not [c for c in multiprocessing.active_children() if c.is_alive()]


def test_dataloader_workers_with_a_tensor_dataset_match_in_process_loading():
    ds = rows(7)
    assert ids(DataLoader(ds, batch_size=3, num_workers=2)) == ids(DataLoader(ds, batch_size=3))
