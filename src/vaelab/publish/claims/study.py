"""The study's own claims (CLAIMS): each a sentence of the write-up, the exact rule that decides
whether it holds, and its thresholds (`params`); the checks are in study_checks."""

from vaelab.publish.claims.core import Claim
from vaelab.publish.claims.study_checks import (
    ae_beats_pca,
    ae_mse_falls,
    class_difficulty,
    cvae_obeys_label,
    denoising_helps,
    digit_difficulty,
    digit_like_letters,
    masked_vae_imputes,
    outside_are_anomalies,
    prior_samples_recognised,
    vae_plateau,
)

CLAIMS = (
    Claim(
        "a",
        "The AE's test error falls as the latent space grows.",
        "AE test MSE strictly decreases from each trained latent size to the next.",
        ("metrics",),
        ae_mse_falls,
    ),
    Claim(
        "b",
        "Past a latent size of {latent}, more latent dimensions do not lower the VAE's test error by "
        "{threshold:.0%} or more.",
        "Relative change in VAE test MSE from z={latent} to the largest trained size: a fall below "
        "{threshold:.0%}, or a rise. The evidence also names the sizes where PCA does better.",
        ("metrics",),
        vae_plateau,
        {"latent": 20, "threshold": 0.10},
    ),
    Claim(
        "c",
        "Digits {easy} are the easiest to reconstruct; {hard} are among the hardest.",
        "Per-digit test MSE averaged over every model and latent size: {easy} are both among the "
        "{easiest} lowest, {hard} both among the {hardest} highest.",
        ("metrics", "per_class_mse"),
        digit_difficulty,
        {"easy": (1, 7), "hard": (2, 8), "easiest": 3, "hardest": 4},
        applies_to=("mnist",),
        finding=class_difficulty,
    ),
    Claim(
        "d",
        "The AE beats PCA with the same number of dimensions.",
        "AE test MSE < PCA test MSE (baselines.json) at every latent size trained for both.",
        ("metrics", "baselines"),
        ae_beats_pca,
    ),
    Claim(
        "e",
        "Samples of the VAE and CVAE from their prior N(0, I) are more often recognised as {nouns} than "
        "the AE's samples from a Gaussian or a Gaussian mixture fitted to its own training codes.",
        "Share of samples the {noun} classifier labels confidently: the 95% Wilson interval of the VAE and "
        "of the CVAE each lies above the intervals of the AE decoding z from a Gaussian and from a "
        "Gaussian mixture fitted to its training codes (the AE's fair baseline; N(0, I) was never its prior).",
        ("generation",),
        prior_samples_recognised,
    ),
    Claim(
        "f",
        "The CVAE draws the {noun} it is asked for.",
        "Classifier accuracy on CVAE samples against the requested {noun} at the chosen latent size: "
        "the lower end of its 95% Wilson interval is at least {threshold:.0%}.",
        ("generation",),
        cvae_obeys_label,
        {"threshold": 0.8},
    ),
    Claim(
        "g",
        "Letters have higher reconstruction error than digits.",
        "AUROC of reconstruction error separating EMNIST letters from MNIST test digits is above {chance} "
        "for every model at the chosen latent size (the evidence gives the baselines' AUROC beside it).",
        ("anomaly_detection",),
        outside_are_anomalies,
        {"chance": 0.5, "outside": "emnist-letters"},
        applies_to=("mnist",),
    ),
    Claim(
        "h",
        "Letters that resemble digits ({resembles}) have the lowest errors among letters.",
        "Mean reconstruction error per letter, averaged over models: every digit-like letter measured is "
        "among the {lowest} lowest.",
        ("anomaly_detection",),
        digit_like_letters,
        {"resembles": {"1": ("i", "l"), "6": ("b",), "9": ("g",)}, "lowest": 5},
        applies_to=("mnist",),
    ),
    Claim(
        "i",
        "The masked VAE imputes missing pixels better than the mean image, the plain VAE and k-nearest-"
        "neighbour imputation over the whole training set.",
        "Per test image, the masked VAE's MSE on the missing pixels minus each other method's: the 95% "
        "interval of the mean difference lies below 0 for every mask kind and every method measured "
        "(passes chosen on validation images). The evidence says against which it holds.",
        ("imputation",),
        masked_vae_imputes,
    ),
    Claim(
        "j",
        "Wherever the noise costs more than a model's own reconstruction error, its denoised images are "
        "closer to the clean ones than the noisy inputs are.",
        "MSE to the clean image: denoised below noisy, for every model, noise kind and level at which the "
        "noisy input's MSE exceeds the model's MSE on clean inputs (σ = 0); the other levels are listed, "
        "not judged.",
        ("denoising",),
        denoising_helps,
    ),
    Claim(
        "p",
        "Reconstruction error separates MNIST digits from Fashion-MNIST items (AUROC > {chance}).",
        "AUROC of reconstruction error separating the MNIST digits (the outside set: MNIST's test split) from "
        "Fashion-MNIST's test items is above {chance} for every model at the chosen latent size (the evidence gives the "
        "baselines' AUROC beside it).",
        ("anomaly_detection",),
        outside_are_anomalies,
        {"chance": 0.5, "outside": "mnist"},
        applies_to=("fashion-mnist",),
    ),
)
