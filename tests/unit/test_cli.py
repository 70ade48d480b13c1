"""`python -m vaelab <command>` on small files: the commands rules run."""

import json

import numpy as np
import pytest
import yaml
from conftest import ROOT

from vaelab import cli
from vaelab.io import write_json

# the publication's t-SNE settings, as the tsne rules pass them
TSNE = yaml.safe_load((ROOT / "config/config.yaml").read_text())["tsne"]
TSNE_FLAGS = [
    *("--perplexity", str(TSNE["perplexity"]), "--angle", str(TSNE["angle"])),
    *("--iterations", str(TSNE["iterations"]), "--pca-dims", str(TSNE["pca_dims"])),
]


def _latents(tmp_path, model, latent, n=90, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), n // 3)
    mu = (rng.normal(size=(n, latent)) + 6 * labels[:, None]).astype("float32")  # three far-apart clusters
    path = tmp_path / f"{model}_z{latent}" / "latents.npz"
    path.parent.mkdir()
    np.savez(path, mu=mu, labels=labels)
    return path


def test_tsne_embeds_the_chosen_latent_size(tmp_path):
    paths = [_latents(tmp_path, "vae", k) for k in (2, 5)]
    write_json(tmp_path / "selected.json", {"chosen_latent": 5})
    out = tmp_path / "tsne_vae.npz"
    cli.main(
        [
            "tsne",
            "--latents",
            *map(str, paths),
            "--selection",
            str(tmp_path / "selected.json"),
            "--seed",
            "0",
            *TSNE_FLAGS,
            "--out",
            str(out),
        ]
    )
    e = np.load(out)
    assert int(e["latent"]) == 5 and e["xy"].shape == (90, 2) and "seconds" not in e.files
    # the clusters stay apart in the map: each point's nearest neighbour has its label
    d = np.linalg.norm(e["xy"][:, None] - e["xy"][None], axis=2) + np.eye(90) * 1e9
    assert (e["labels"][d.argmin(axis=1)] == e["labels"]).mean() > 0.95


def test_tsne_without_the_chosen_latent_size_is_an_error(tmp_path):
    path = _latents(tmp_path, "vae", 2)
    write_json(tmp_path / "selected.json", {"chosen_latent": 20})
    with pytest.raises(SystemExit, match="chosen latent size 20"):
        cli.main(
            [
                "tsne",
                "--latents",
                str(path),
                "--selection",
                str(tmp_path / "selected.json"),
                "--seed",
                "0",
                *TSNE_FLAGS,
                "--out",
                str(tmp_path / "out.npz"),
            ]
        )
    assert not (tmp_path / "out.npz").exists()


def _in_fresh_python(code: str) -> str:
    import os
    import subprocess
    import sys

    env = {
        k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()


def test_set_threads_caps_torch_whether_imported_before_or_after():
    # after: the torch-free commands (tsne, notebook) must not import it (1.1-1.3 s a job)
    after = _in_fresh_python(
        "import sys; from vaelab.cli import set_threads; set_threads(1); print('torch' in sys.modules);"
        " import torch; print(torch.get_num_threads())"
    )
    before = _in_fresh_python(
        "import torch; from vaelab.cli import set_threads; set_threads(1); print(torch.get_num_threads())"
    )
    assert after == ["False", "1"] and before == ["1"]


def test_main_sizes_thread_pools_before_the_command_imports_numpy():
    # a probe command that reports the BLAS and torch thread counts it finds
    out = _in_fresh_python(
        "import argparse\n"
        "from vaelab import cli\n"
        "def probe(args):\n"
        "    import numpy, torch\n"
        "    from threadpoolctl import threadpool_info\n"
        "    print(max(i['num_threads'] for i in threadpool_info()), torch.get_num_threads())\n"
        "parser = cli.parser\n"
        "def with_probe():\n"
        "    ap = parser()\n"
        "    sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))\n"
        "    p = sub.add_parser('probe'); p.add_argument('--threads', type=int); p.set_defaults(func=probe)\n"
        "    return ap\n"
        "cli.parser = with_probe\n"
        "cli.main(['probe', '--threads', '1'])\n"
    )
    assert out == ["1", "1"]


def test_tsne_images_embeds_the_raw_test_images(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 30)
    centres = rng.random((3, 784))
    x_test = np.clip(centres[labels] + 0.05 * rng.normal(size=(90, 784)), 0, 1).astype("float32")
    split = tmp_path / "split.npz"
    np.savez(split, x_test=x_test, y_test=labels)
    out = tmp_path / "tsne_test_images.npz"
    cli.main(["tsne-images", "--split", str(split), "--seed", "0", *TSNE_FLAGS, "--out", str(out)])
    e = np.load(out)
    assert e["xy"].shape == (90, 2) and np.array_equal(e["labels"], labels) and "seconds" not in e.files
    d = np.linalg.norm(e["xy"][:, None] - e["xy"][None], axis=2) + np.eye(90) * 1e9
    assert (labels[d.argmin(axis=1)] == labels).mean() > 0.95


def test_evaluate_writes_the_anomaly_scores_of_digits_and_letters(tmp_path):
    import torch

    from vaelab import models
    from vaelab.analysis.anomaly import reconstruct_best_label
    from vaelab.data.datasets import load_letters
    from vaelab.train.history import HISTORY_FIELDS, write_history

    torch.manual_seed(0)
    model = models.build("cvae", latent_dim=2, hidden=[16])
    models.save(model, tmp_path / "cvae_z2" / "model.pt", extra={"train_config": {"recon_loss": "mse"}})
    write_history([dict.fromkeys(HISTORY_FIELDS, 0.1) | {"epoch": 1}], tmp_path / "history.csv")
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "split.npz", x_test=rng.random((40, 784), dtype=np.float32), y_test=np.arange(40) % 10)
    out = tmp_path / "cvae_z2" / "anomaly_scores.npz"
    cli.main(
        [
            "evaluate",
            "--split",
            str(tmp_path / "split.npz"),
            "--model-path",
            str(tmp_path / "cvae_z2" / "model.pt"),
            "--history",
            str(tmp_path / "history.csv"),
            "--elbo-samples",
            "2",
            "--seed",
            "0",
            "--outside-dir",
            "data/emnist-letters",
            "--outside-dataset",
            "emnist-letters",
            "--out-metrics",
            str(tmp_path / "metrics.json"),
            "--out-latents",
            str(tmp_path / "latents.npz"),
            "--out-anomaly-scores",
            str(out),
        ]
    )
    s = np.load(out)
    x_letters, y_letters = load_letters("data/emnist-letters")
    assert np.array_equal(s["outside_labels"], y_letters) and np.array_equal(s["inside_labels"], np.arange(40) % 10)
    assert np.allclose(
        s["outside"], reconstruct_best_label(models.load(tmp_path / "cvae_z2" / "model.pt"), x_letters)[1]
    )
    assert s["inside"].shape == (40,) and (s["inside"] > 0).all()
    assert s["inside_neg_elbo"].shape == (40,) and s["outside_neg_elbo"].shape == s["outside"].shape
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["neg_elbo_z_samples"] == 2 and metrics["test_neg_elbo"] > 0


def test_anomaly_baselines_scores_digits_and_letters_by_pca_and_nearest_image(tmp_path):
    from vaelab.analysis.anomaly import nearest_neighbour_mse
    from vaelab.analysis.selection import pca_errors
    from vaelab.data.datasets import load_letters

    rng = np.random.default_rng(0)
    x_train = rng.random((120, 784), dtype=np.float32)
    x_test = np.concatenate([x_train[:5], rng.random((15, 784), dtype=np.float32)])
    np.savez(
        tmp_path / "split.npz", x_train=x_train, y_train=np.arange(120) % 10, x_test=x_test, y_test=np.arange(20) % 10
    )
    out = tmp_path / "anomaly_baselines.npz"
    cli.main(
        ["anomaly-baselines", "--split", str(tmp_path / "split.npz"), "--outside-dir", "data/emnist-letters"]
        + ["--outside-dataset", "emnist-letters"]
        + ["--latent-sizes", "2", "10", "--out", str(out)]
    )
    s = np.load(out)
    x_letters, y_letters = load_letters("data/emnist-letters")
    assert np.array_equal(s["outside_labels"], y_letters) and s["latent_sizes"].tolist() == [2, 10]
    assert np.allclose(s["nn_inside"][:5], 0, atol=1e-6) and (s["nn_inside"][5:] > 0).all()
    np.testing.assert_allclose(s["nn_outside"][:50], nearest_neighbour_mse(x_train, x_letters[:50]), rtol=1e-6)
    pca = pca_errors(x_train, {"outside": x_letters[:50]}, [2, 10])
    np.testing.assert_allclose(s["pca_outside_z10"][:50], pca[10]["outside"], rtol=1e-5)
    assert s["pca_inside_z2"].shape == (20,) and s["pca_inside_z2"].mean() > s["pca_inside_z10"].mean()


def test_tsne_settings_are_required_flags(tmp_path, capsys):
    """No defaults in the CLI: the study's t-SNE settings come from the config through the rule."""
    with pytest.raises(SystemExit):
        cli.main(["tsne-images", "--split", "s.npz", "--seed", "0", "--out", str(tmp_path / "o.npz")])
    said = capsys.readouterr().err
    assert all(flag in said for flag in ("--perplexity", "--angle", "--iterations", "--pca-dims")), said
