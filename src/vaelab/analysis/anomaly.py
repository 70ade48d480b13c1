"""Anomaly detection: images of an outside set (config `outside`: EMNIST letters a-m beside
MNIST, MNIST digits beside Fashion-MNIST) are out-of-distribution for the study's models.

The score of an image is its reconstruction error (per-image MSE, z = mu), and for the VAE
and CVAE also its negative ELBO. A conditional model needs a label it cannot know for an
outside image, so it is scored with its best label: the smallest error over the dataset's
labels, for test and outside images alike. Baselines that need no trained model: the error of
PCA with as many components as the latent size, and the distance to the nearest training image.
"""

from __future__ import annotations

import numpy as np
import torch

from vaelab.analysis.metrics import encode_decode, negative_elbo_per_image, per_image_mse
from vaelab.data.classes import outside_label_name
from vaelab.models.autoencoders import N_CLASSES


def letter_name(label: int) -> str:
    """EMNIST letter label 1..26 -> 'a'..'z'."""
    return outside_label_name("emnist-letters", label)


@torch.no_grad()
def reconstruct_best_label(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(reconstructions, per-image MSE, label used) of x; a conditional model uses, per image,
    the digit label that reconstructs it best (an unconditional one: label 0, unread)."""
    xt = torch.from_numpy(np.asarray(x, np.float32))
    labels = range(N_CLASSES) if model.conditional else [0]
    best_err = best_rec = best_label = None
    for c in labels:
        rec, _, _ = encode_decode(model, xt, torch.full((len(xt),), c, dtype=torch.long))
        err = per_image_mse(rec, xt)
        if best_err is None:
            best_err, best_rec, best_label = err, rec, torch.full((len(xt),), c, dtype=torch.long)
        else:
            better = err < best_err
            best_err = torch.where(better, err, best_err)
            best_rec[better] = rec[better]
            best_label[better] = c
    return best_rec.numpy(), best_err.numpy(), best_label.numpy()


def anomaly_scores(model, x: np.ndarray, recon_kind: str, elbo_samples: int, seed: int) -> dict[str, np.ndarray]:
    """Per-image anomaly scores of x: 'mse', the reconstruction error with z = mu, and for a
    variational model 'neg_elbo', its -ELBO (vaelab.analysis.metrics.negative_elbo_per_image,
    `elbo_samples` draws of z from `seed`); a conditional model gets its best label for both."""
    _, mse, label = reconstruct_best_label(model, x)
    scores = {"mse": mse}
    if model.variational:
        xt, yt = torch.from_numpy(np.asarray(x, np.float32)), torch.from_numpy(label)
        scores["neg_elbo"] = negative_elbo_per_image(model, xt, yt, recon_kind, elbo_samples, seed).numpy()
    return scores


def nearest_neighbour_mse(x_reference: np.ndarray, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Per-image MSE between each image of x and its nearest image in x_reference (Euclidean
    in pixel space): the anomaly score that needs no model. Float32 matrix products, batched:
    |x|^2 - 2 x.r + |r|^2 per pair."""
    ref = np.asarray(x_reference, np.float32)
    ref_sq = (ref**2).sum(axis=1)
    out = np.empty(len(x), np.float64)
    for i in range(0, len(x), batch_size):
        xb = np.asarray(x[i : i + batch_size], np.float32)
        sq = (xb**2).sum(axis=1, keepdims=True) - 2 * xb @ ref.T + ref_sq
        out[i : i + batch_size] = np.maximum(sq.min(axis=1), 0.0)
    return out / ref.shape[1]


def auroc(negative_scores: np.ndarray, positive_scores: np.ndarray) -> float:
    """Area under the ROC curve separating positives (anomalies) from negatives by score,
    higher score = more anomalous. 1: every positive scores above every negative; 0.5: chance."""
    from sklearn.metrics import roc_auc_score  # here: every evaluate job imports this module, few need scikit-learn

    scores = np.concatenate([negative_scores, positive_scores])
    truth = np.concatenate([np.zeros(len(negative_scores)), np.ones(len(positive_scores))])
    return float(roc_auc_score(truth, scores))
