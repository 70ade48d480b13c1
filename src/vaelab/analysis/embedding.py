"""2D embeddings for plots: PCA and t-SNE (scikit-learn)."""

from __future__ import annotations

import numpy as np


def pca(x: np.ndarray, n_components: int, seed: int = 0):
    """Fitted scikit-learn PCA of x with at most min(n, d) components."""
    from sklearn.decomposition import PCA

    k = min(n_components, x.shape[0], x.shape[1])
    return PCA(n_components=k, random_state=seed).fit(x)


def tsne(x: np.ndarray, *, seed: int, perplexity: float, angle: float, iterations: int, pca_dims: int):
    """The fitted scikit-learn TSNE of x to 2D (map in `.embedding_`, final KL divergence in
    `.kl_divergence_`), PCA-initialised. Inputs wider than `pca_dims` are first reduced by PCA,
    the usual practice for pixels (van der Maaten & Hinton 2008) that also makes it several
    times faster. `perplexity` is capped at a third of the points (at least 5) so that small
    inputs still run. The settings are the config's `tsne` (config/config.yaml says why each)."""
    from sklearn.manifold import TSNE

    x = np.asarray(x, dtype=np.float32)
    if x.shape[1] > pca_dims:
        x = pca(x, pca_dims, seed).transform(x).astype(np.float32)
    perplexity = min(perplexity, max(5.0, (len(x) - 1) / 3))
    model = TSNE(
        n_components=2,
        perplexity=perplexity,
        init="pca",
        angle=angle,
        max_iter=iterations,
        random_state=seed,
        n_jobs=1,
    )
    model.fit(x)
    return model


def tsne_2d(x: np.ndarray, *, seed: int, perplexity: float, angle: float, iterations: int, pca_dims: int) -> np.ndarray:
    """The (n, 2) t-SNE map of x; see `tsne`."""
    return tsne(x, seed=seed, perplexity=perplexity, angle=angle, iterations=iterations, pca_dims=pca_dims).embedding_
