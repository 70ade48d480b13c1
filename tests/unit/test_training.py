import platform
import re
import subprocess
import sys

import pytest
import torch
from conftest import TEST_TRAINING, train_config

from vaelab import models
from vaelab.train.loop import TrainConfig, evaluate_loss, pick_device, read_history, train, write_history
from vaelab.train.losses import loss_terms, reconstruction_loss


def _data(n=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 784, generator=g)
    y = torch.randint(0, 10, (n,), generator=g)
    return x, y


def _fresh(name="vae", seed=0):
    torch.manual_seed(seed)
    return models.build(name, latent_dim=4, hidden=[32])


CFG = train_config(epochs=3, batch_size=64, seed=7)


def _same_weights(a, b):
    return all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


@pytest.mark.parametrize("name", ["ae", "vae", "cvae"])
def test_same_seed_same_weights(name):
    x, y = _data()
    m1, m2 = _fresh(name), _fresh(name)
    train(m1, x, y, x[:32], y[:32], CFG, progress=False)
    train(m2, x, y, x[:32], y[:32], CFG, progress=False)
    assert _same_weights(m1, m2)
    m3 = _fresh(name)
    train(m3, x, y, x[:32], y[:32], train_config(epochs=3, batch_size=64, seed=8), progress=False)
    assert not _same_weights(m1, m3)


def test_resume_after_interruption_gives_the_uninterrupted_weights(tmp_path):
    x, y = _data()
    ckpt = tmp_path / "ckpt.pt"
    reference = _fresh()
    ref_history = train(reference, x, y, x[:32], y[:32], CFG, progress=False)

    crashed = _fresh()
    with pytest.raises(KeyboardInterrupt):
        train(crashed, x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False, stop_after_epoch=1)
    assert torch.load(ckpt, weights_only=True)["epoch"] == 1

    resumed = _fresh(seed=123)  # different init: everything must come from the checkpoint
    history = train(resumed, x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False)
    assert _same_weights(reference, resumed)
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert history[-1]["val_mse"] == pytest.approx(ref_history[-1]["val_mse"])


def test_checkpoint_for_other_settings_is_ignored(tmp_path):
    x, y = _data()
    ckpt = tmp_path / "ckpt.pt"
    with pytest.raises(KeyboardInterrupt):
        train(_fresh(), x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False, stop_after_epoch=1)
    other = train_config(epochs=3, batch_size=64, seed=7, lr=1e-2)
    history = train(_fresh(), x, y, x[:32], y[:32], other, checkpoint_path=ckpt, progress=False)
    assert len(history) == 3


def test_checkpoint_made_on_other_data_is_set_aside_not_resumed(tmp_path, capsys):
    """Crash on one split, change the split, rerun: the rerun ends with the weights of an
    uninterrupted run on the new split, and says in one line why it did not resume."""
    x_old, y_old = _data(seed=0)
    x_new, y_new = _data(seed=1)  # same shapes, other images: only the content differs
    ckpt = tmp_path / "ckpt.pt"
    with pytest.raises(KeyboardInterrupt):
        train(
            _fresh(),
            x_old,
            y_old,
            x_old[:32],
            y_old[:32],
            CFG,
            checkpoint_path=ckpt,
            progress=False,
            stop_after_epoch=2,
        )
    capsys.readouterr()
    reference = _fresh()
    train(reference, x_new, y_new, x_new[:32], y_new[:32], CFG, progress=False)

    rerun = _fresh()
    history = train(rerun, x_new, y_new, x_new[:32], y_new[:32], CFG, checkpoint_path=ckpt, progress=False)
    assert _same_weights(reference, rerun)
    assert [h["epoch"] for h in history] == [1, 2, 3]
    lines = [line for line in capsys.readouterr().err.splitlines() if str(ckpt) in line]
    assert len(lines) == 1 and "training or validation data" in lines[0] and "from scratch" in lines[0]
    assert not any(line.startswith("resuming") for line in lines)
    assert (tmp_path / "ckpt.stale.pt").exists()  # set aside, not resumed from and not lost


def test_checkpoint_made_on_other_validation_data_is_set_aside(tmp_path, capsys):
    x, y = _data()
    ckpt = tmp_path / "ckpt.pt"
    with pytest.raises(KeyboardInterrupt):
        train(_fresh(), x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False, stop_after_epoch=1)
    capsys.readouterr()
    history = train(_fresh(), x, y, x[32:64], y[32:64], CFG, checkpoint_path=ckpt, progress=False)
    assert len(history) == 3 and "from scratch" in capsys.readouterr().err


def test_checkpoint_records_the_fingerprint_of_its_training(tmp_path):
    from vaelab.train.loop import data_hash

    x, y = _data()
    ckpt = tmp_path / "ckpt.pt"
    with pytest.raises(KeyboardInterrupt):
        train(_fresh(), x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False, stop_after_epoch=1)
    fp = torch.load(ckpt, weights_only=True)["fingerprint"]
    assert fp["data"] == data_hash(x, y, x[:32], y[:32]) and fp["train_config"]["seed"] == 7
    assert fp["model"] == "vae" and fp["config"]["latent_dim"] == 4 and fp["corrupt_inputs"] is False
    assert data_hash(x, y, x[:32], y[:32]) != data_hash(x, y, x[:31], y[:31])
    x2 = x.clone()
    x2[5, 5] += 1e-6  # one pixel of one image
    assert data_hash(x2, y, x[:32], y[:32]) != fp["data"]


def _rerun_on_edited_checkpoint(tmp_path, capsys, edit) -> tuple[list[dict], str]:
    """Train one epoch and stop; `edit` the checkpoint's dict; train again from it: (its history, stderr)."""
    x, y = _data()
    ckpt = tmp_path / "ckpt.pt"
    with pytest.raises(KeyboardInterrupt):
        train(_fresh(), x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False, stop_after_epoch=1)
    saved = torch.load(ckpt, weights_only=True)
    edit(saved)
    torch.save(saved, ckpt)
    capsys.readouterr()
    history = train(_fresh(), x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False)
    return history, capsys.readouterr().err


def test_checkpoint_without_a_fingerprint_is_set_aside(tmp_path, capsys):
    """A checkpoint from before fingerprints cannot prove its data: it is not resumed."""
    _, err = _rerun_on_edited_checkpoint(tmp_path, capsys, lambda saved: saved.pop("fingerprint"))
    assert "not resuming" in err and "no fingerprint" in err


def test_checkpoint_with_other_history_columns_is_set_aside(tmp_path, capsys):
    """A checkpoint whose history lacks this vaelab's columns cannot be continued into one history."""

    def drop_a_column(saved):
        fields = saved["fingerprint"]["history_fields"]
        saved["fingerprint"]["history_fields"] = [f for f in fields if f != "val_recon_mean_z"]

    history, err = _rerun_on_edited_checkpoint(tmp_path, capsys, drop_a_column)
    assert [h["epoch"] for h in history] == [1, 2, 3] and "other history columns" in err


def test_damaged_checkpoint_is_named(tmp_path):
    from vaelab.io import DamagedFileError

    x, y = _data()
    ckpt = tmp_path / "ckpt.pt"
    ckpt.write_bytes(b"PK\x03\x04 not the rest of a zip file")
    with pytest.raises(DamagedFileError, match=re.escape(str(ckpt)) + ".*delete it"):
        train(_fresh(), x, y, x[:32], y[:32], CFG, checkpoint_path=ckpt, progress=False)


def test_training_reduces_loss_and_history_round_trips(tmp_path):
    x, y = _data(512)
    history = train(_fresh("ae"), x, y, x[:64], y[:64], train_config(epochs=5, batch_size=64), progress=False)
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    path = tmp_path / "history.csv"
    write_history(history, path)
    back = read_history(path)
    assert [r["epoch"] for r in back] == [1, 2, 3, 4, 5]
    assert back[-1]["val_mse"] == pytest.approx(history[-1]["val_mse"])


@pytest.mark.parametrize("recon_loss", ["mse", "bce"])
@pytest.mark.parametrize("name", ["ae", "vae", "cvae"])
def test_evaluate_loss_is_the_training_objective_with_sampled_z(name, recon_loss):
    # one batch: z = mu + sigma * eps with eps from a generator seeded by cfg.seed, as training
    # samples z; the z = mu terms beside it
    x, y = _data(n=300)
    model = _fresh(name).eval()
    cfg = train_config(recon_loss=recon_loss, seed=3)
    got = evaluate_loss(model, x, y, cfg, batch_size=1024)
    with torch.no_grad():
        mu, logvar = model.encode(x, y)
        z = mu
        if logvar is not None:
            z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=torch.Generator().manual_seed(3))
        want = loss_terms((model.decode(z, y), mu, logvar), x, recon_loss)
        at_mean = model.decode(mu, y)
    assert got["loss"] == pytest.approx(want["loss"].item(), rel=1e-5)
    assert got["recon"] == pytest.approx(want["recon"].item(), rel=1e-5)
    assert got["kl"] == pytest.approx(want["kl"].item(), rel=1e-5, abs=1e-7)
    assert got["recon_mean_z"] == pytest.approx(reconstruction_loss(at_mean, x, recon_loss).item(), rel=1e-5)
    assert got["mse"] == pytest.approx(((at_mean - x) ** 2).mean().item(), rel=1e-5)
    if name == "ae":  # no sampling: the objective's reconstruction term is the z = mu one
        assert got["recon"] == pytest.approx(got["recon_mean_z"], rel=1e-6)
    else:  # sampled z reconstructs worse than the mean, and another seed gives other noise
        assert got["recon"] > got["recon_mean_z"]
        assert evaluate_loss(model, x, y, train_config(recon_loss=recon_loss, seed=4))["recon"] != got["recon"]
    assert evaluate_loss(model, x, y, cfg) == got  # the same noise every call (every epoch)


@pytest.mark.parametrize("name", ["ae", "vae", "cvae"])
def test_evaluate_loss_z_mean_terms_do_not_depend_on_the_batch_size(name):
    # 300 images in batches of 64: the last batch is short, and each batch's means are weighted by its size
    x, y = _data(n=300)
    model = _fresh(name).eval()
    whole, batched = (evaluate_loss(model, x, y, CFG, batch_size=b) for b in (1024, 64))
    for key in ("kl", "recon_mean_z", "mse"):
        assert batched[key] == pytest.approx(whole[key], rel=1e-5, abs=1e-7)


def test_every_setting_is_given_none_has_a_default():
    """The study's values come from the validated config through the CLI, never from the library."""
    with pytest.raises(TypeError, match="lr"):
        TrainConfig(**{k: v for k, v in TEST_TRAINING.items() if k != "lr"})
    with pytest.raises(TypeError):
        TrainConfig()
    with pytest.raises(TypeError, match="positional"):  # by name only: no silent swap of two numbers
        TrainConfig(*TEST_TRAINING.values())


def test_a_setting_this_code_does_not_implement_is_an_error():
    with pytest.raises(ValueError, match="precision must be one of"):
        train_config(precision="float16")
    with pytest.raises(ValueError, match="recon_loss must be one of"):
        train_config(recon_loss="l1")


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_bfloat16_precision_runs_the_forward_in_bfloat16_and_keeps_float32_weights(arch):
    """precision bfloat16: products in bfloat16 during training, while the weights, the optimizer
    and the validation pass stay float32, and the model still learns."""
    x, y = _data(n=256)
    seen = {"train": set(), "eval": set()}
    layer_dtypes = lambda module, args, out: seen["train" if module.training else "eval"].add(out.dtype)  # noqa: E731
    losses = {}
    for precision in ("float32", "bfloat16"):
        seen["train"].clear(), seen["eval"].clear()
        torch.manual_seed(0)
        model = models.build("vae", latent_dim=4, arch=arch, hidden=[32])
        first = model.encoder.convs[0] if arch == "conv" else model.encoder.body[0]
        first.register_forward_hook(layer_dtypes)
        cfg = train_config(epochs=4, batch_size=64, lr=3e-3, precision=precision)
        history = train(model, x, y, x[:64], y[:64], cfg, progress=False)
        assert seen["train"] == {getattr(torch, precision)}
        assert seen["eval"] == {torch.float32}  # validation is always at full precision
        assert all(p.dtype == torch.float32 for p in model.parameters())
        assert history[-1]["train_loss"] < history[0]["train_loss"]
        losses[precision] = history[-1]["val_loss"]
    # same data, seed and steps: the two precisions end close, but not bit-identical
    assert losses["bfloat16"] == pytest.approx(losses["float32"], rel=0.05)
    assert losses["bfloat16"] != losses["float32"]


def test_as_float32_keeps_none_and_casts_bfloat16():
    from vaelab.train.loop import as_float32

    recon, mu = torch.ones(2, 3, dtype=torch.bfloat16), torch.zeros(2, 1)
    out = as_float32((recon, mu, None))
    assert out[0].dtype == torch.float32 and out[1] is mu and out[2] is None


def test_conv_models_train_in_channels_last_with_the_same_outputs():
    """train() stores conv weights as NHWC for speed; the function the model computes is unchanged."""
    x, y = _data(n=64)
    torch.manual_seed(0)
    model = models.build("vae", latent_dim=4, arch="conv", hidden=[32]).eval()
    before = model(x, y)[1]
    train(model, x, y, x[:16], y[:16], train_config(epochs=1, lr=1e-12), progress=False)
    conv = model.encoder.convs[2].weight
    assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()
    torch.testing.assert_close(model(x, y)[1], before, rtol=1e-4, atol=1e-5)


FAULTS_PROBE = """
import resource, sys, torch
from vaelab import models
from vaelab.train.losses import loss_terms, reconstruction_loss
if sys.argv[1] == "tuned":
    from vaelab.train.cpu import reuse_freed_memory
    assert reuse_freed_memory()
torch.set_num_threads(1)
model = models.build("vae", latent_dim=4, arch="conv")
x = torch.rand(256, 784)
def step():
    loss = loss_terms(model(x), x, "mse", 1.0)["loss"]
    model.zero_grad(set_to_none=True)
    loss.backward()
step(); step()
faults = []
for _ in range(15):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    step()
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
# the median step: the heap still grows now and then in the first steps (~1,200 faults once)
print(sorted(faults)[len(faults) // 2])
"""


HEAP_TOP_PROBE = """
import os, sys, torch
from vaelab.train.cpu import reuse_freed_memory
if sys.argv[1] == "tuned":
    assert reuse_freed_memory()
def resident_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
blocks = [torch.ones(5 << 20) for _ in range(12)]  # 12 x 20 MiB, each below the mmap threshold
full = resident_mib()
del blocks  # as a training step frees its activations, all at once
print(full - resident_mib())  # MiB that free() handed back to the OS
"""


DENORMAL_PROBE = """
import sys, torch
from vaelab.models.autoencoders import build
from vaelab.train.loop import TrainConfig, train
tiny = torch.tensor([1e-39])  # a float32 denormal
before = (tiny * 1.0).item()
if sys.argv[1] == "train":
    x = torch.rand(64, 784)
    y = torch.zeros(64, dtype=torch.long)
    train(build("ae", latent_dim=2, hidden=[8]), x, y, x[:8], y[:8], TrainConfig(
    epochs=1, batch_size=32, lr=1e-3, weight_decay=0.01, beta=1.0, recon_loss="mse", seed=0, precision="float32"
), progress=False)
print(before, (tiny * 1.0).item())
"""


def test_training_flushes_denormals_to_zero():
    """AdamW's moments of dead units decay into denormals, which x86 cores compute on a slow
    path (2.4x slower epochs for the AE at z=2); train() sets the CPU to flush them to zero."""

    def probe(mode):
        out = subprocess.run([sys.executable, "-c", DENORMAL_PROBE, mode], capture_output=True, text=True, check=True)
        return [float(v) for v in out.stdout.split()[-2:]]

    if not torch.set_flush_denormal(False):
        pytest.skip("this CPU has no flush-to-zero mode")
    before, untouched = probe("none")
    assert before > 0 and untouched > 0  # by default a denormal survives arithmetic
    before, after = probe("train")
    assert before > 0 and after == 0.0


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="tunes glibc's malloc only")
def test_training_steps_reuse_freed_memory_instead_of_page_faulting():
    """With glibc's defaults the conv VAE's activations are mapped afresh and faulted in on
    every step (thousands of page faults a step); reuse_freed_memory() removes nearly all."""

    def faults_per_step(mode):
        out = subprocess.run([sys.executable, "-c", FAULTS_PROBE, mode], capture_output=True, text=True, check=True)
        return float(out.stdout.split()[-1])

    default, tuned = faults_per_step("default"), faults_per_step("tuned")
    assert default > 1000, default  # the probe sees the faults it is meant to remove
    assert tuned < default / 10, (tuned, default)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="tunes glibc's malloc only")
def test_freed_activations_stay_in_the_heap_however_many_are_freed_at_once():
    """A conv step at batch 1024 frees ~140 MiB at the heap's top at once; with a finite trim
    threshold (128 MiB until 2026-12-01) glibc gave that back to the OS after every step and
    the next step faulted it in again (30,000 faults a step). reuse_freed_memory() keeps it."""

    def handed_back_mib(mode):
        out = subprocess.run([sys.executable, "-c", HEAP_TOP_PROBE, mode], capture_output=True, text=True, check=True)
        return float(out.stdout.split()[-1])

    assert handed_back_mib("default") > 200  # the probe sees memory going back: 240 MiB with the defaults
    assert handed_back_mib("tuned") < 1


NO_GPU = pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present here")


@NO_GPU
def test_auto_device_is_the_cpu_without_a_gpu():
    assert pick_device("auto") == torch.device("cpu")
    assert pick_device("cpu") == torch.device("cpu")


@NO_GPU
@pytest.mark.parametrize("command", ["train", "train-classifier"])
def test_asking_for_cuda_without_a_gpu_stops_with_what_to_change(command, tmp_path):
    """Both training commands stop before reading any data, naming the setting to change."""
    from vaelab.cli import main

    args = [
        "--split",
        str(tmp_path / "absent.npz"),
        "--device",
        "cuda",
        "--out-model",
        str(tmp_path / "m.pt"),
        "--epochs",
        "1",
        "--batch-size",
        "8",
        "--lr",
        "0.001",
        "--weight-decay",
        "0.01",
        "--seed",
        "0",
    ]
    if command == "train":
        args += [
            "--model",
            "vae",
            "--latent",
            "2",
            "--out-history",
            str(tmp_path / "h.csv"),
            "--arch",
            "mlp",
            "--hidden",
            "16",
            "--beta",
            "1",
            "--recon-loss",
            "mse",
            "--precision",
            "float32",
        ]
    else:
        args += ["--out-metrics", str(tmp_path / "m.json"), "--channels", "4", "8", "--dense", "16"]
    argv = [command, *args]
    with pytest.raises(ValueError, match=r"no usable GPU.*set device: auto .* or cpu"):
        main(argv)
    assert not list(tmp_path.iterdir())
