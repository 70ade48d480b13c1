import numpy as np
import pytest
import torch

from vaelab.models.classifier import (
    ClassifierConfig,
    DigitCNN,
    accuracy,
    load_classifier,
    predict_proba,
    save_classifier,
    train_classifier,
)


def two_class_images(n, seed=0):
    """Class 0: a bright bar in the top half; class 1: in the bottom half; plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.uniform(0, 0.2, (n, 28, 28)).astype(np.float32)
    for i, label in enumerate(y):
        rows = slice(4, 10) if label == 0 else slice(18, 24)
        x[i, rows, 6:22] = 1.0
    return x.reshape(n, 784), y.astype(np.int64)


def test_shapes_and_probabilities():
    torch.manual_seed(0)
    model = DigitCNN(channels=(4, 8), dense=16)
    x = np.random.default_rng(0).uniform(size=(7, 784)).astype(np.float32)
    proba = predict_proba(model, x)
    assert proba.shape == (7, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    # (n, 1, 28, 28) tensors are accepted too and give the same answer
    np.testing.assert_allclose(predict_proba(model, torch.from_numpy(x).view(7, 1, 28, 28)), proba, rtol=1e-6)


def test_learns_two_trivially_different_classes():
    x, y = two_class_images(256)
    x_test, y_test = two_class_images(100, seed=1)
    torch.manual_seed(0)
    model = DigitCNN(channels=(4, 8), dense=16)
    before = accuracy(model, x_test, y_test)
    losses = train_classifier(
        model,
        torch.from_numpy(x),
        torch.from_numpy(y),
        ClassifierConfig(epochs=3, batch_size=32, lr=1e-2, weight_decay=0.01, seed=0),
        progress=False,
    )
    assert losses[-1] < losses[0]
    assert accuracy(model, x_test, y_test) == 1.0
    assert before < 1.0
    assert not model.training


def test_training_is_seeded():
    x, y = two_class_images(64)
    weights = []
    for _ in range(2):
        torch.manual_seed(0)
        model = DigitCNN(channels=(4, 8), dense=16)
        train_classifier(
            model,
            torch.from_numpy(x),
            torch.from_numpy(y),
            ClassifierConfig(epochs=1, batch_size=16, lr=1e-3, weight_decay=0.01, seed=0),
            progress=False,
        )
        weights.append(model.head[-1].weight.detach().clone())
    assert torch.equal(weights[0], weights[1])


def test_load_classifier_round_trips(tmp_path):
    torch.manual_seed(0)
    model = DigitCNN(channels=(4, 8), dense=16)
    x, _ = two_class_images(5)
    path = tmp_path / "clf.pt"
    save_classifier(model, path, extra={"test_accuracy": 0.5})
    loaded = load_classifier(path)
    assert loaded.config == {"channels": [4, 8], "dense": 16}
    assert not loaded.training
    np.testing.assert_array_equal(predict_proba(loaded, x), predict_proba(model, x))
    assert torch.load(path, weights_only=True)["test_accuracy"] == 0.5


def test_train_classifier_command_writes_model_and_metrics(tmp_path):
    x, y = two_class_images(120)
    split = tmp_path / "split.npz"
    np.savez(split, x_train=x[:80], y_train=y[:80], x_val=x[80:100], y_val=y[80:100], x_test=x[100:], y_test=y[100:])
    from vaelab.cli import main

    main(
        [
            "train-classifier",
            "--split",
            str(split),
            "--epochs",
            "4",
            "--batch-size",
            "16",
            "--lr",
            "1e-2",
            "--weight-decay",
            "0.01",
            "--seed",
            "0",
            "--channels",
            "4",
            "8",
            "--dense",
            "16",
            "--device",
            "cpu",
            "--out-model",
            str(tmp_path / "m.pt"),
            "--out-metrics",
            str(tmp_path / "m.json"),
        ]
    )
    import json

    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["epochs"] == 4
    assert metrics["test_accuracy"] == pytest.approx(1.0)
    assert metrics["n_train"] == 80
    assert "seconds" not in metrics  # no wall-clock time in a result file: same seed, same bytes
    assert load_classifier(tmp_path / "m.pt").config["channels"] == [4, 8]


def test_pooling_before_relu_computes_what_relu_then_pooling_does():
    torch.manual_seed(0)
    model = DigitCNN(channels=(4, 8), dense=16).double()
    conv1, conv2 = (m for m in model.features if isinstance(m, torch.nn.Conv2d))
    reference = torch.nn.Sequential(  # the textbook order, same weights
        conv1,
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        conv2,
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        model.head,
    )
    x = torch.randn(6, 784, dtype=torch.float64)
    grads = []
    for net in (model, lambda v: reference(v.reshape(-1, 1, 28, 28))):
        model.zero_grad()
        out = net(x)
        out.square().sum().backward()
        grads.append((out.detach(), [p.grad.clone() for p in model.parameters()]))
    (out_a, g_a), (out_b, g_b) = grads
    assert torch.equal(out_a, out_b)
    assert all(torch.allclose(a, b, rtol=1e-12, atol=1e-14) for a, b in zip(g_a, g_b))
    assert any(a.abs().sum() > 0 for a in g_a)
