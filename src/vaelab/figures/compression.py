"""Figure compression: test images and their reconstructions from a code of about `target_latent`
numbers by each model and by PCA, with the rate in bits; and the rate-distortion curve, test MSE
against latent size, from the models' metrics.json (mean over seeds, and each seed's) and
baselines.json (PCA and the mean image)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.compression import LABEL_BITS, bits_ratio, compression_ratio, nearest_latent, pca_curve
from vaelab.analysis.reconstruction import first_of_each_class, pca_reconstruct, reconstruct
from vaelab.figures.result import LatentKey, SeedKey
from vaelab.publish.plotting import seed_mean
from vaelab.runs import mean_nested, models_and_latents, nested

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
