"""Benchmark 5: vaelab's t-SNE against scikit-learn's defaults on the same points."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench_tsne(n_points: int, latents: Path, settings: dict, threads: int = 1) -> dict:
    """vaelab's t-SNE (with `settings`, the config's `tsne`) against scikit-learn's defaults on the same points: time, final KL
    divergence and 5-NN digit accuracy on the 2-D map (vaelab.analysis.latent.knn_accuracy, as the
    latent_tsne figure measures it), so a speed-up that costs quality shows.

    Both run on `threads` OpenMP threads (scikit-learn's Barnes-Hut gradient uses as many as
    OpenMP allows, whatever n_jobs says): pass the pipeline's, so the time is a tsne job's."""
    import numpy as np
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    from vaelab.analysis.embedding import tsne
    from vaelab.analysis.latent import knn_accuracy

    if latents.exists():
        data = np.load(latents)
        x, labels = data["mu"][:n_points].astype(np.float32), data["labels"][:n_points]
        source = str(latents.relative_to(ROOT))
    else:
        rng = np.random.default_rng(0)
        labels = rng.integers(0, 10, n_points)
        x = (rng.standard_normal((n_points, 20)) + 8 * np.eye(20)[labels]).astype(np.float32)
        source = f"10 random normal clusters ({latents.relative_to(ROOT)} not present)"
    with threadpool_limits(limits=threads):
        warm = x[:100]  # first calls pay for imports and thread pools; keep that out of both timings
        tsne(warm, seed=0, **settings)
        TSNE(perplexity=10).fit_transform(warm)
        t0 = time.perf_counter()
        ours = tsne(x, seed=0, **settings)
        vaelab_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        reference = TSNE().fit(x)
        sklearn_s = time.perf_counter() - t0
    return {
        "points": len(x),
        "dims": int(x.shape[1]),
        "source": source,
        "threads": threads,
        "vaelab_tsne_2d_seconds": vaelab_s,
        "sklearn_default_seconds": sklearn_s,
        "vaelab_settings": f"angle {settings['angle']}, {settings['iterations']} iterations",
        "vaelab_kl": float(ours.kl_divergence_),
        "sklearn_kl": float(reference.kl_divergence_),
        "vaelab_knn5": knn_accuracy(ours.embedding_, labels, k=5),
        "sklearn_knn5": knn_accuracy(reference.embedding_, labels, k=5),
    }
