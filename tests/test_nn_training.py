"""End to end: small networks built from tinytorch.nn learn the 8x8 digits."""

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.data import load_digits, train_test_split


def _train(model, images, labels, epochs, lr):
    for _ in range(epochs):
        model.train()
        order = tt.randperm(images.shape[0])
        for start in range(0, images.shape[0], 64):
            batch = order[start:start + 64]
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            model.zero_grad()
            loss.backward()
            with tt.no_grad():
                for p in model.parameters():
                    p.sub_(p.grad * lr)
    return loss.item()


def _accuracy(model, images, labels):
    model.eval()
    with tt.no_grad():
        predictions = model(images).argmax(1)
    return (predictions == labels).float().mean().item()


def test_cnn_and_mlp_learn_digits():
    tt.manual_seed(0)
    images, labels = load_digits()
    (train_x, train_y), (test_x, test_y) = train_test_split(images, labels, test_fraction=0.2,
                                                            seed=0)
    cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.1), nn.Linear(128, 10))
    before = _accuracy(cnn, test_x, test_y)
    _train(cnn, train_x, train_y, epochs=4, lr=0.1)
    assert before < 0.3 and _accuracy(cnn, test_x, test_y) > 0.9
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.GELU(), nn.LayerNorm(128),
                        nn.Linear(128, 10))
    _train(mlp, train_x, train_y, epochs=4, lr=0.1)
    assert _accuracy(mlp, test_x, test_y) > 0.9
