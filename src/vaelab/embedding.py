"""2D embeddings for plots: PCA and t-SNE (scikit-learn)."""

from __future__ import annotations

import numpy as np


def pca(x: np.ndarray, n_components: int, seed: int = 0):
    """Fitted scikit-learn PCA of x with at most min(n, d) components."""
    from sklearn.decomposition import PCA

    k = min(n_components, x.shape[0], x.shape[1])
    return PCA(n_components=k, random_state=seed).fit(x)


def tsne_2d(x: np.ndarray, seed: int = 0, perplexity: float = 30.0, pca_dims: int = 50) -> np.ndarray:
    """t-SNE of x to 2D. Inputs wider than `pca_dims` are first reduced by PCA, the usual
    practice for pixels (van der Maaten & Hinton 2008) that also makes it several times faster."""
    from sklearn.manifold import TSNE

    x = np.asarray(x, dtype=np.float32)
    if x.shape[1] > pca_dims:
        x = pca(x, pca_dims, seed).transform(x).astype(np.float32)
    perplexity = min(perplexity, max(5.0, (len(x) - 1) / 3))
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed, n_jobs=1).fit_transform(x)
