"""Figure compression: test images and their reconstructions from a code of about `target_latent`
numbers by each model and by PCA, with the rate in bits; and the rate-distortion curve, test MSE
against latent size, from the models' metrics.json (mean over seeds, and each seed's) and
baselines.json (PCA and the mean image)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.compression import (
    CODE_BITS,
    LABEL_BITS,
    PIXEL_BITS,
    bits_ratio,
    compression_ratio,
    nats_to_bits,
    nearest_latent,
    pca_curve,
)
from vaelab.analysis.reconstruction import first_of_each_class, pca_reconstruct, reconstruct
from vaelab.constants import IMAGE_SIZE
from vaelab.figures.result import LatentKey, SeedKey
from vaelab.publish.plotting import plot_seeds, seed_mean
from vaelab.runs import MODEL_COLORS, mean_nested, model_label, models_and_latents, nested

Runs = dict[tuple[str, int], dict]  # {(model, latent): metrics} of one seed


@dataclass
class SeedNumbers:
    test_mse: dict[str, dict[LatentKey, float]]  # {model: {latent: test MSE}}


@dataclass
class Numbers:
    latent_used: int  # the trained latent size nearest the target: the one the images show
    compression_ratio: float  # pixels per code number
    compression_ratio_bits: float  # 8-bit pixels against float32 code numbers
    compression_ratio_bits_cvae: float  # the same, the CVAE's label counted in its code
    kl_nats: dict[str, float]  # {model: test KL to the prior at latent_used}, models that have one
    vae_worse_than_pca_at: list[int]  # latent sizes where the VAE's test MSE is above PCA's
    test_indices: list[int]  # the test images shown: the first of each class
    labels: list[int]
    test_mse: dict[str, dict[LatentKey, float]]  # {model: {latent: test MSE}}, mean over seeds
    pca_test_mse: dict[LatentKey, float]
    mean_image_test_mse: float
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def compute(runs_by_seed: dict[int, Runs], baselines: dict, y_test: np.ndarray, target_latent: int) -> Numbers:
    """`runs_by_seed`: {seed: {(model, latent): metrics}} (vaelab.publish.figures.load_metrics_by_seed);
    `baselines`: baselines.json; `y_test`: the test labels."""
    models, latents = models_and_latents(next(iter(runs_by_seed.values())))
    latent = nearest_latent(latents, target_latent)
    idx = first_of_each_class(y_test)
    test_mse_by_seed = {s: nested(runs, "test_mse") for s, runs in runs_by_seed.items()}
    test_mse = mean_nested(list(test_mse_by_seed.values()))
    # the VAE's natural rate is its KL term (nats per image); a model without one has no entry
    first = next(iter(runs_by_seed.values()))
    kl_nats = {
        m: float(seed_mean([runs[(m, latent)]["test_kl"] for runs in runs_by_seed.values()]))
        for m in models
        if first[(m, latent)].get("test_kl") is not None
    }
    pca_test = pca_curve(baselines, "test", latents)
    return Numbers(
        latent_used=latent,
        compression_ratio=compression_ratio(latent),
        compression_ratio_bits=bits_ratio(latent),
        compression_ratio_bits_cvae=bits_ratio(latent, LABEL_BITS),  # its decoder also needs the label
        kl_nats=kl_nats,
        vae_worse_than_pca_at=[
            int(z) for z in test_mse.get("vae", {}) if z in pca_test and test_mse["vae"][z] > pca_test[z]
        ],
        test_indices=idx.tolist(),
        labels=np.asarray(y_test)[idx].tolist(),
        test_mse=test_mse,
        pca_test_mse=pca_test,
        mean_image_test_mse=float(baselines["mean_image"]["test_mse"]),
        seeds=list(runs_by_seed),
        by_seed={str(s): SeedNumbers(test_mse=t) for s, t in test_mse_by_seed.items()},
    )


def reconstructions(
    models: dict[str, object], x_train: np.ndarray, x: np.ndarray, y: np.ndarray, latent: int, seed: int
) -> dict[str, np.ndarray]:
    """The images drawn: {model: its reconstructions of x (labels y)} in the order of `models`,
    then {"pca": x from its first `latent` principal components, fitted on x_train}."""
    shown = {m: reconstruct(net, x, y)[0] for m, net in models.items()}
    shown["pca"] = pca_reconstruct(x_train, x, latent, seed)
    return shown


def rate_text(numbers: Numbers) -> str:
    """The rate of the code the images show, in bits, and as each model's KL to the prior."""
    latent = numbers.latent_used
    text = (
        f"a code of {latent} float32 numbers ({CODE_BITS * latent} bits) for {IMAGE_SIZE} 8-bit pixels "
        f"({IMAGE_SIZE * PIXEL_BITS} bits)\n{numbers.compression_ratio_bits:.1f}× fewer bits "
        f"(CVAE, with its label: {numbers.compression_ratio_bits_cvae:.1f}×)"
    )
    if numbers.kl_nats:
        text += "\nrate as KL to the prior: " + ", ".join(
            f"{model_label(m)} {v:.1f} nats ({nats_to_bits(v):.1f} bits)" for m, v in numbers.kl_nats.items()
        )
    return text


def _bits_ratio_axis(k):
    """Latent size <-> compression ratio in bits, both ways; clipped so that 0 never divides."""
    return IMAGE_SIZE * PIXEL_BITS / CODE_BITS / np.clip(np.asarray(k, float), 1e-9, None)


def draw_rate_distortion(ax, numbers: Numbers, latents: list[int]) -> None:
    """Draw test MSE against latent size: each model's mean over seeds (each seed's as hollow
    markers), PCA, the mean image, the latent size the images show; ratios in bits on top."""
    from matplotlib.ticker import FuncFormatter

    test_mse = numbers.test_mse
    for m in test_mse:
        plot_seeds(
            ax,
            [int(z) for z in test_mse[m]],
            [[of_seed.test_mse[m][z] for z in test_mse[m]] for of_seed in numbers.by_seed.values()],
            lw=2,
            color=MODEL_COLORS.get(m),
            label=model_label(m),
        )
    pca_test = numbers.pca_test_mse
    ax.plot([int(z) for z in pca_test], list(pca_test.values()), "^--", lw=1.5, color="black", label="PCA")
    ax.axhline(numbers.mean_image_test_mse, color="0.5", ls="-.", lw=1.2, label="mean image")
    ax.axvline(numbers.latent_used, color="0.3", ls=":", lw=1.2)
    ax.set_xscale("log")
    ax.set_xticks(latents, [str(z) for z in latents])
    ax.minorticks_off()
    ax.set_xlabel("latent size = numbers kept per image (log scale)")
    ax.set_ylabel("test MSE per pixel (log scale)")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    # past its plateau the VAE does worse than the linear baseline: say so on the plot
    if numbers.vae_worse_than_pca_at:
        worse = numbers.vae_worse_than_pca_at
        mse = [test_mse["vae"][str(z)] for z in worse]
        ax.plot(worse, mse, "o", ms=13, mfc="none", mec="red", mew=1.5, label="VAE worse than PCA")
    top = ax.secondary_xaxis("top", functions=(_bits_ratio_axis, _bits_ratio_axis))
    top.set_xticks([bits_ratio(z) for z in latents], [f"{bits_ratio(z):.3g}×" for z in latents])
    top.minorticks_off()
    top.set_xlabel("compression ratio in bits (float32 code against 8-bit pixels)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False, fontsize=9)
