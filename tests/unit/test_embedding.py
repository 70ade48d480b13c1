"""vaelab.analysis.embedding: the t-SNE takes every setting from its caller (the config's `tsne`)."""

import numpy as np
import pytest

from vaelab.analysis.embedding import tsne, tsne_2d

SETTINGS = dict(perplexity=10.0, angle=0.3, iterations=300, pca_dims=4)


def _points():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 60)
    return (rng.standard_normal((60, 8)) + 6 * np.eye(8)[labels]).astype(np.float32)


def test_tsne_runs_with_the_settings_it_is_given():
    model = tsne(_points(), seed=0, **SETTINGS)
    assert (model.perplexity, model.angle, model.max_iter) == (10.0, 0.3, 300)
    assert model.embedding_.shape == (60, 2)
    assert np.array_equal(tsne_2d(_points(), seed=0, **SETTINGS), model.embedding_)  # seeded: the same map


def test_tsne_has_no_settings_of_its_own():
    for missing in SETTINGS:
        with pytest.raises(TypeError, match=missing):
            tsne(_points(), seed=0, **{k: v for k, v in SETTINGS.items() if k != missing})
