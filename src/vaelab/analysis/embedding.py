"""2D embeddings for plots: PCA and t-SNE (scikit-learn)."""

from __future__ import annotations

import numpy as np


def pca(x: np.ndarray, n_components: int, seed: int = 0):
    """Fitted scikit-learn PCA of x with at most min(n, d) components."""
    from sklearn.decomposition import PCA

    k = min(n_components, x.shape[0], x.shape[1])
    return PCA(n_components=k, random_state=seed).fit(x)


# Barnes-Hut opening angle: the top of the range scikit-learn's docs give (0.2-0.8), nearly
# twice as fast as its default 0.5 for the same k-NN accuracy on the map (benchmarks/README.md).
TSNE_ANGLE = 0.8

# Gradient-descent iterations, the first 250 with early exaggeration: openTSNE's default
# schedule rather than scikit-learn's 1000; same k-NN accuracy on the map (benchmarks/README.md).
TSNE_ITERATIONS = 750


def tsne(x: np.ndarray, seed: int = 0, perplexity: float = 30.0, pca_dims: int = 50):
    """The fitted scikit-learn TSNE of x to 2D (map in `.embedding_`, final KL divergence in
    `.kl_divergence_`). Inputs wider than `pca_dims` are first reduced by PCA, the usual
    practice for pixels (van der Maaten & Hinton 2008) that also makes it several times faster."""
    from sklearn.manifold import TSNE

    x = np.asarray(x, dtype=np.float32)
    if x.shape[1] > pca_dims:
        x = pca(x, pca_dims, seed).transform(x).astype(np.float32)
    perplexity = min(perplexity, max(5.0, (len(x) - 1) / 3))
    model = TSNE(
        n_components=2,
        perplexity=perplexity,
        init="pca",
        angle=TSNE_ANGLE,
        max_iter=TSNE_ITERATIONS,
        random_state=seed,
        n_jobs=1,
    )
    model.fit(x)
    return model


def tsne_2d(x: np.ndarray, seed: int = 0, perplexity: float = 30.0, pca_dims: int = 50) -> np.ndarray:
    """The (n, 2) t-SNE map of x; see `tsne`."""
    return tsne(x, seed, perplexity, pca_dims).embedding_
