"""Replicates: the seed in every model's path, model selection on the mean over seeds, and the
spread drawn only where there is more than one seed."""

import json

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab import cli  # noqa: E402
from vaelab.analysis.selection import choose_latent, mean_over_seeds  # noqa: E402
from vaelab.publish.figures import by_seed, first_seed, index_runs, load_metrics_by_seed, run_key, seed_of  # noqa: E402
from vaelab.publish.plotting import bar_seeds, mean_sd_text, plot_seeds  # noqa: E402

M = "results/mnist/models"


def test_the_seed_is_part_of_a_models_path():
    assert seed_of(f"{M}/vae_z20/seed2/metrics.json") == 2
    assert run_key(f"{M}/vae_z20/seed2/metrics.json") == ("vae", 20)
    assert seed_of("results/mnist/imputation/vae_masked_z20/seed1/model.pt") == 1
    with pytest.raises(ValueError, match="not inside a <model>_z<latent>"):
        run_key(f"{M}/seed2/metrics.json")


def test_paths_are_grouped_by_seed_in_the_configs_order():
    paths = [f"{M}/{m}_z{z}/seed{s}/model.pt" for m in ("ae", "vae") for z in (2, 10) for s in (3, 1)]
    groups = by_seed(paths)
    assert list(groups) == [3, 1]  # the order of `seeds`, not sorted
    assert first_seed(paths) == groups[3] and len(groups[3]) == 4
    assert index_runs(groups[1])[("vae", 10)] == f"{M}/vae_z10/seed1/model.pt"
    with pytest.raises(ValueError, match="same run of two seeds"):
        index_runs(paths)


def _write_metrics(tmp_path, val_mse: dict[tuple[str, int, int], float]) -> list[str]:
    paths = []
    for (model, latent, seed), v in val_mse.items():
        path = tmp_path / f"{model}_z{latent}" / f"seed{seed}" / "metrics.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"val_mse": v, "test_mse": v}))
        paths.append(str(path))
    return paths


def test_model_selection_reads_the_validation_error_averaged_over_seeds(tmp_path):
    # seed 0 alone picks z=2 (within 15% of z=10); seed 1 alone picks z=10; their mean picks z=10
    val = {("ae", 2, 0): 0.11, ("ae", 10, 0): 0.10, ("ae", 2, 1): 0.20, ("ae", 10, 1): 0.10}
    paths = _write_metrics(tmp_path, val)
    per_seed = [
        {m: {z: r["val_mse"] for (m, z), r in runs.items()} for m in ("ae",)}
        for runs in load_metrics_by_seed(paths).values()
    ]
    assert [choose_latent(v, 0.15) for v in per_seed] == [2, 10]
    assert mean_over_seeds(per_seed) == {"ae": {2: pytest.approx(0.155), 10: pytest.approx(0.10)}}

    out = tmp_path / "selected_latent.json"
    cli.main(["select-latent", "--metrics", *paths, "--tolerance", "0.15", "--out", str(out)])
    selection = json.loads(out.read_text())
    assert selection["chosen_latent"] == 10 and selection["seeds"] == [0, 1]
    assert selection["val_mse"]["ae"]["2"] == pytest.approx(0.155)
    assert selection["val_mse_by_seed"]["1"]["ae"]["2"] == 0.20
    assert "averaged over ae and over seeds 0, 1," in selection["rule"]


def test_mean_over_seeds_keeps_what_every_seed_has():
    assert mean_over_seeds([{"ae": {2: 1.0, 10: 2.0}}, {"ae": {2: 3.0}}]) == {"ae": {2: 2.0}}


def _artists(ax) -> int:
    return len(ax.lines) + len(ax.patches) + len(ax.collections)


def test_one_seed_draws_no_spread_and_two_seeds_draw_each_seeds_points():
    fig, (one, two) = plt.subplots(1, 2)
    plot_seeds(one, [2, 10], [[0.1, 0.05]], color="C0")
    plot_seeds(two, [2, 10], [[0.1, 0.05], [0.12, 0.06]], color="C0")
    assert len(one.lines) == 1  # the mean alone
    assert len(two.lines) == 3 and list(two.lines[0].get_ydata()) == pytest.approx([0.11, 0.055])
    bar_seeds(one, [0, 1], [[0.4, 0.7]], 0.4)
    bar_seeds(two, [0, 1], [[0.4, 0.7], [0.6, 0.9]], 0.4)
    assert _artists(one) == 1 + 2 and _artists(two) == 3 + 2 + 2  # lines + bars (+ a dot line per seed)
    assert [p.get_height() for p in two.patches] == pytest.approx([0.5, 0.8])
    plt.close(fig)
    assert mean_sd_text([0.5]) == "0.5000" and mean_sd_text([0.5, 0.7], ".2f") == "0.60 ± 0.14"
