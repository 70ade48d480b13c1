"""Bad torch files are named by the one loader; a full disk is reported as such; .npz files
written twice with the same arrays are the same bytes."""

import io
import os
import pickle
import re
import subprocess
import time

import numpy as np
import pytest
import torch

from vaelab import models
from vaelab.io import DamagedFileError, atomic_savez, atomic_torch_save, load_torch
from vaelab.models.classifier import DigitCNN, load_classifier, save_classifier


class _Payload:
    """Unpickling this would run a shell command."""

    def __reduce__(self):
        return (os.system, ("echo this should never run",))


def _model_file(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "vae_z2" / "model.pt"
    models.save(models.build("vae", latent_dim=2, hidden=[16]), path)
    return path


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _pickle_payload(path):
    with open(path, "wb") as fh:
        pickle.dump({"state_dict": _Payload()}, fh, protocol=2)


def _garbage(path):
    path.write_bytes(np.random.default_rng(0).bytes(3000))


@pytest.mark.parametrize("damage", [_truncate, _pickle_payload, _garbage])
def test_a_damaged_model_file_is_named_with_what_to_do(tmp_path, damage, monkeypatch):
    # what the workflow hands every job (workflow/rules/launch.smk)
    monkeypatch.setenv("VAELAB_LAUNCH_FLAGS", "--cores 2")
    monkeypatch.setenv("VAELAB_RUN_FLAGS", " --configfile config/smoke.yaml")
    path = _model_file(tmp_path)
    damage(path)
    with pytest.raises(DamagedFileError) as info:
        models.load(path)
    message = str(info.value)
    assert f"remake it: snakemake --cores 2 --force {path} --configfile config/smoke.yaml" in message, message
    assert "weights_only" not in message  # never the advice to turn the safe loader off
    assert info.value.__cause__ is None and info.value.__suppress_context__  # nor torch's message below it


def test_outside_a_run_the_remake_command_says_which_flags_to_add(tmp_path, monkeypatch):
    monkeypatch.delenv("VAELAB_LAUNCH_FLAGS", raising=False)
    monkeypatch.delenv("VAELAB_RUN_FLAGS", raising=False)
    path = tmp_path / "model.pt"
    with pytest.raises(DamagedFileError) as info:
        load_torch(path)
    assert f"make it: snakemake --cores 1 --force {path} (with the run's --configfile and --config flags)" in str(
        info.value
    )


def test_a_refused_pickle_payload_does_not_run(tmp_path, capfd):
    path = tmp_path / "model.pt"
    _pickle_payload(path)
    with pytest.raises(DamagedFileError, match="not a file of tensors and plain values"):
        load_torch(path)
    assert "should never run" not in capfd.readouterr().out


def test_a_damaged_classifier_is_named(tmp_path):
    path = tmp_path / "classifier" / "model.pt"
    save_classifier(DigitCNN(channels=(4, 8), dense=16), path)
    _truncate(path)
    with pytest.raises(DamagedFileError, match=re.escape(f"cannot load classifier {path}")):
        load_classifier(path)


def test_a_loadable_file_that_is_no_model_is_named(tmp_path):
    path = tmp_path / "model.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(DamagedFileError, match=re.escape(str(path)) + " is not a vaelab model"):
        models.load(path)


def test_evaluate_names_a_damaged_model(tmp_path):
    from vaelab import cli

    path = _model_file(tmp_path)
    _truncate(path)
    with pytest.raises(DamagedFileError, match=re.escape(str(path))):
        cli.main(
            [
                "evaluate",
                "--split",
                "none.npz",
                "--model-path",
                str(path),
                "--history",
                "none.csv",
                "--out-metrics",
                str(tmp_path / "m.json"),
                "--out-latents",
                str(tmp_path / "l.npz"),
                "--elbo-samples",
                "1",
                "--seed",
                "0",
            ]
        )


def test_a_good_file_loads_as_before(tmp_path):
    path = _model_file(tmp_path)
    assert load_torch(path)["name"] == "vae"
    assert models.load(path).latent_dim == 2


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs: a real full disk. Skipped, saying why, where mounting is not allowed."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a 64 KiB tmpfs to fill (needs root): {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_disk_full_while_saving_a_model_is_the_os_error_with_the_path(tiny_disk):
    path = tiny_disk / "vae_z2" / "model.pt"
    with pytest.raises(OSError, match=re.escape(f"No space left on device: '{path}'")) as info:
        atomic_torch_save({"state_dict": {"w": torch.zeros(100_000)}}, path)
    assert "iostream" not in str(info.value)
    assert not path.exists() and not list(path.parent.iterdir())  # nothing half-written left behind


def test_disk_full_while_saving_a_checkpoint_stops_training_with_the_os_error(tiny_disk):
    torch.manual_seed(0)
    x, y = torch.rand(64, 784), torch.randint(0, 10, (64,))
    model = models.build("vae", latent_dim=2, hidden=[64])  # ~0.4 MB of weights and optimizer state
    from conftest import train_config

    from vaelab.train.loop import train

    ckpt = tiny_disk / "checkpoints" / "vae_z2.pt"
    with pytest.raises(OSError, match=re.escape(f"No space left on device: '{ckpt}'")):
        train(model, x, y, x[:16], y[:16], train_config(epochs=1, batch_size=32), checkpoint_path=ckpt, progress=False)


def test_disk_full_on_a_write_names_the_file_without_a_mount(tmp_path, monkeypatch):
    """Where no tmpfs can be mounted: a write that fails as a full disk does, in the same helper."""
    import builtins

    real_open = builtins.open

    class FullFile(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            raise OSError(28, "No space left on device")

    def fake_open(file, mode="r", *args, **kwargs):
        if "w" in mode and "b" in mode and str(file).startswith(str(tmp_path)):
            return FullFile()
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    path = tmp_path / "model.pt"
    with pytest.raises(OSError, match=re.escape(f"No space left on device: '{path}'")):
        atomic_torch_save({"w": torch.zeros(10)}, path)


def test_torch_files_of_the_same_objects_are_the_same_bytes(tmp_path):
    """torch.save names the archive inside the file after the file; written to a temporary
    file with a random name, two runs of the same job wrote different model.pt bytes."""
    obj = {"name": "vae", "state_dict": {"w": torch.arange(6.0)}}
    atomic_torch_save(obj, tmp_path / "a" / "model.pt")
    atomic_torch_save(obj, tmp_path / "b" / "model.pt")
    assert (tmp_path / "a" / "model.pt").read_bytes() == (tmp_path / "b" / "model.pt").read_bytes()


def test_npz_files_of_the_same_arrays_are_the_same_bytes(tmp_path):
    arrays = {"mu": np.arange(12, dtype=np.float32).reshape(3, 4), "labels": np.arange(3)}
    atomic_savez(tmp_path / "a.npz", **arrays)
    time.sleep(2.1)  # zip timestamps have a resolution of 2 s
    atomic_savez(tmp_path / "b.npz", **arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz") as back:
        assert sorted(back.files) == ["labels", "mu"] and np.array_equal(back["mu"], arrays["mu"])
