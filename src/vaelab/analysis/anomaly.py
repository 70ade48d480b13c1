"""Anomaly detection: letters a-m are out-of-distribution for models trained on digits.

The score of an image is its reconstruction error (per-image MSE, z = mu). A conditional
model needs a label it cannot know for a letter, so it is scored with its best label: the
smallest error over the ten digit labels, for digits and letters alike.
"""

from __future__ import annotations

import numpy as np
import torch

from vaelab.analysis.metrics import encode_decode, per_image_mse
from vaelab.models.autoencoders import N_CLASSES


def letter_name(label: int) -> str:
    """EMNIST letter label 1..26 -> 'a'..'z'."""
    if not 1 <= label <= 26:
        raise ValueError(f"EMNIST letter labels run from 1 to 26, got {label}")
    return chr(ord("a") + label - 1)


@torch.no_grad()
def reconstruct_best_label(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reconstructions, per-image MSE) of x; a conditional model uses, per image, the digit
    label that reconstructs it best."""
    xt = torch.from_numpy(np.asarray(x, np.float32))
    labels = range(N_CLASSES) if model.conditional else [0]
    best_err = best_rec = None
    for c in labels:
        rec, _, _ = encode_decode(model, xt, torch.full((len(xt),), c, dtype=torch.long))
        err = per_image_mse(rec, xt)
        if best_err is None:
            best_err, best_rec = err, rec
        else:
            better = err < best_err
            best_err = torch.where(better, err, best_err)
            best_rec[better] = rec[better]
    return best_rec.numpy(), best_err.numpy()


def auroc(negative_scores: np.ndarray, positive_scores: np.ndarray) -> float:
    """Area under the ROC curve separating positives (anomalies) from negatives by score,
    higher score = more anomalous. 1: every positive scores above every negative; 0.5: chance."""
    from sklearn.metrics import roc_auc_score  # here: every evaluate job imports this module, few need scikit-learn

    scores = np.concatenate([negative_scores, positive_scores])
    truth = np.concatenate([np.zeros(len(negative_scores)), np.ones(len(positive_scores))])
    return float(roc_auc_score(truth, scores))


def mean_per_letter(errors: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """{'a': mean error of the a's, ...} for the letters present, in alphabetical order."""
    return {letter_name(int(c)): float(errors[labels == c].mean()) for c in np.unique(labels)}


def most_like_digits(per_letter: dict[str, float], k: int = 3) -> list[str]:
    """The k letters with the lowest mean error: the ones the model reconstructs as if digits."""
    return sorted(per_letter, key=per_letter.get)[:k]


def highest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, largest first (ties: the lower index first)."""
    order = np.argsort(-np.asarray(values), kind="stable")
    return order[:k]


def read_as_digits(proba: np.ndarray, labels: np.ndarray) -> dict[str, dict]:
    """{'a': {'digit': the digit a classifier most often sees in the reconstructed a's, 'share':
    the share of them it sees as that digit}, ...} from its class probabilities of the letters'
    reconstructions: which digit a model turns each letter into."""
    predicted = np.asarray(proba).argmax(axis=1)
    out = {}
    for c in np.unique(labels):
        counts = np.bincount(predicted[labels == c], minlength=proba.shape[1])
        out[letter_name(int(c))] = {"digit": int(counts.argmax()), "share": float(counts.max() / counts.sum())}
    return out
