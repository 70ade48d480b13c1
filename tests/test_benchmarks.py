"""The benchmark harness's pure helpers: FLOP counting, Snakemake benchmark files, targets."""

import sys
from pathlib import Path

import pytest
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ sits beside src/, outside the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.flops import (  # noqa: E402
    compute_floor_seconds, flops_per_sample, forward_flops_per_sample, training_flops, training_jobs,
)
from benchmarks.report import md_table, parse_seconds, verdict  # noqa: E402
from benchmarks.workflow import parse_dry_run, read_benchmark_tsv, summarize_benchmarks  # noqa: E402
from vaelab.models import build  # noqa: E402

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def test_tiny_mlp_by_hand():
    mlp = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    # 2 * (4*3 + 3*2) = 36 forward; x3 for a training step
    assert forward_flops_per_sample(mlp, (torch.rand(5, 4),)) == 36
    assert flops_per_sample(mlp, (torch.rand(5, 4),)) == 108


def test_conv_and_transposed_conv_by_hand():
    conv = nn.Conv2d(1, 2, 3, stride=2, padding=1)  # 1x8x8 -> 2x4x4: 2 * 1*2*9 * 16 = 576
    assert forward_flops_per_sample(conv, (torch.rand(3, 1, 8, 8),)) == 576
    # 2x4x4 -> 1x8x8: each of the 2*16 input values meets 9 weights of 1 output channel: 2 * 2*1*9 * 16
    deconv = nn.ConvTranspose2d(2, 1, 3, stride=2, padding=1, output_padding=1)
    assert forward_flops_per_sample(deconv, (torch.rand(3, 2, 4, 4),)) == 576


def test_vaelab_mlp_vae_by_hand():
    # 784 -> 400 -> (mu, logvar) 20 each; 20 -> 400 -> 784
    macs = 784 * 400 + 2 * 400 * 20 + 20 * 400 + 400 * 784
    assert flops_per_sample(build("vae", latent_dim=20, hidden=[400])) == 3 * 2 * macs
    # the AE has no logvar head; the CVAE sees 10 more inputs in the encoder and decoder
    assert flops_per_sample(build("ae", latent_dim=20, hidden=[400])) == 3 * 2 * (macs - 400 * 20)
    assert flops_per_sample(build("cvae", latent_dim=20, hidden=[400])) == 3 * 2 * (macs + 10 * 400 + 10 * 400)


def test_vaelab_conv_vae_by_hand():
    enc = 1 * 32 * 9 * 14 * 14 + 32 * 64 * 9 * 7 * 7 + 3136 * 400 + 2 * 400 * 20
    dec = 20 * 400 + 400 * 3136 + 64 * 32 * 9 * 7 * 7 + 32 * 1 * 9 * 14 * 14
    assert flops_per_sample(build("vae", latent_dim=20, arch="conv", hidden=[400])) == 3 * 2 * (enc + dec)


def test_counting_leaves_the_model_as_it_was():
    model = build("vae", latent_dim=2, hidden=[8]).train()
    flops_per_sample(model)
    assert model.training
    assert not model._forward_hooks and not model.encoder.body[0]._forward_hooks


def test_training_jobs_of_a_config():
    config = {"models": ["ae", "vae"], "latent_sizes": [2, 20],
              "training": {"arch": "mlp", "hidden": [8], "epochs": 3}, "overrides": {"vae": {"epochs": 5}}}
    jobs = training_jobs(config, n_train=100)
    assert [j["job"] for j in jobs] == ["ae_z2", "ae_z20", "vae_z2", "vae_z20", "imputation_vae_z20", "train_classifier"]
    assert [j["epochs"] for j in jobs] == [3, 3, 5, 5, 5, 4]
    rows = training_flops(jobs[:1])
    assert rows[0]["flops"] == 3 * 100 * flops_per_sample(build("ae", latent_dim=2, hidden=[8]))
    # without latent 20 the masked VAE takes the largest latent size
    assert training_jobs({**config, "latent_sizes": [2, 10]}, 100)[-2]["job"] == "imputation_vae_z10"


def test_compute_floor():
    assert compute_floor_seconds(3e12, 100.0) == pytest.approx(30.0)
    with pytest.raises(ValueError):
        compute_floor_seconds(1e9, 0.0)


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(rows))


def test_read_benchmark_tsv_with_na(tmp_path):
    _write(tmp_path / "a.tsv", ["66.22\t0:01:06\t950.38\t3537.53\tNA\tNA\t0.05\t0.01\t21.83\t14.60\n"])
    (row,) = read_benchmark_tsv(tmp_path / "a.tsv")
    assert row["s"] == 66.22 and row["max_rss"] == 950.38 and row["h:m:s"] == "0:01:06"
    assert row["max_uss"] is None and row["cpu_time"] == 14.60


def test_read_benchmark_tsv_rejects_other_files(tmp_path):
    (tmp_path / "x.tsv").write_text("a\tb\n1\t2\n")
    with pytest.raises(ValueError, match="not a Snakemake benchmark"):
        read_benchmark_tsv(tmp_path / "x.tsv")


def test_summarize_sorts_by_time_and_flags_memory(tmp_path):
    _write(tmp_path / "prepare_data.tsv", ["4.2\t0:00:04\t750\t3201\t656\t666\t0\t0.03\t70\t3.45\n"])
    _write(tmp_path / "train" / "vae_z2.tsv", ["60\t0:01:00\t5000\t9000\t4000\t4100\t0\t0\t90\t55\n",
                                                "80\t0:01:20\t4000\t9000\t3900\t4000\t0\t0\t90\t75\n"])
    _write(tmp_path / "figures" / "tsne.tsv", ["10.5\t0:00:10\t1200\t3000\t900\t950\t0\t0\t80\t9\n"])
    rows = summarize_benchmarks(tmp_path)
    assert [r["job"] for r in rows] == ["train/vae_z2", "figures/tsne", "prepare_data"]
    top = rows[0]
    assert top["seconds"] == pytest.approx(70.0) and top["cpu_time"] == pytest.approx(65.0)
    assert top["max_rss_mib"] == 5000 and top["repeats"] == 2 and top["over_limit"]
    assert not rows[1]["over_limit"] and not rows[2]["over_limit"]


def test_parse_dry_run():
    assert parse_dry_run("Building DAG of jobs...\nNothing to be done (all requested files are present and up to date).\n") == 0
    out = "Job stats:\njob      count\n-----  -------\nall          1\ntrain        6\ntotal        7\n\nReasons:\n"
    assert parse_dry_run(out) == 7
    with pytest.raises(ValueError):
        parse_dry_run("something else")


@pytest.mark.parametrize("target, value, expected", [
    ("trainer_speedup", 2.0, "met"), ("trainer_speedup", 1.9, "missed"),
    ("noop_dry_run_s", 4.9, "met"), ("noop_dry_run_s", 5.0, "missed"),
    ("max_rss_gib", 4.0, "met"), ("max_rss_gib", 4.01, "missed"),
    ("full_run_over_floor", None, "n/a"),
])
def test_verdict(target, value, expected):
    assert verdict(target, value) == expected


def test_parse_seconds(tmp_path):
    assert parse_seconds("2400") == 2400.0
    assert parse_seconds("40:00") == 2400.0
    assert parse_seconds("1:02:03.5") == 3723.5
    (tmp_path / "t.txt").write_text("3600.25\n")
    assert parse_seconds(str(tmp_path / "t.txt")) == 3600.25
    with pytest.raises(ValueError):
        parse_seconds("1:2:3:4")


def test_md_table():
    text = md_table(["a", "b"], [["x", 1234.5], [None, 0.01234]])
    assert text.splitlines() == ["| a | b |", "|---|---|", "| x | 1,234 |", "| - | 0.0123 |"]
