"""Figure anomaly_detection: how well each score separates the test images from an outside set
(config `outside`) by AUROC, per model and latent size (mean over seeds): the models' per-image
reconstruction error, the VAE's and CVAE's -ELBO, and the baselines without a model (PCA's error,
the distance to the nearest training image). At the chosen latent size: the mean error per
outside label, the labels most like the study's classes, which class a classifier sees in the
reconstructions of each outside label, and the test images reconstructed worst. From the
anomaly_scores.npz of each model (evaluate), anomaly_baselines.npz, the models at the chosen
latent size and the classifier."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vaelab.data.classes import outside_label_name
from vaelab.figures.result import LatentKey, SeedKey
from vaelab.publish.plotting import (
    annotated_heatmap,
    grouped_bar_seeds,
    image_rows,
    mean_sd_text,
    seed_mean,
    tile_corner_texts,
)
from vaelab.runs import MODEL_COLORS, model_label, models_and_latents

MOST_LIKE_INSIDE = 3  # outside labels named as the most like the study's classes, per model

Scores = dict[str, np.ndarray]  # one run's per-image scores: "inside", "outside" (, "inside_neg_elbo", ...)


@dataclass
class TopErrors:
    """The test images a model reconstructs worst, worst first."""

    test_index: list[int]
    label: list[int]
    mse: list[float]


@dataclass
class ReadAs:
    label: int  # the class the classifier most often sees in the reconstructions of one outside label
    share: float  # the share of those reconstructions it sees as that class


@dataclass
class Outside:
    name: str  # what the figure calls the outside set
    dataset: str  # which known set it is (vaelab.data.datasets.OUTSIDE_FILES)


@dataclass
class SeedNumbers:
    auroc: dict[str, dict[LatentKey, float]]  # {model: {latent: AUROC of the reconstruction error}}
    auroc_neg_elbo: dict[str, dict[LatentKey, float]]  # the same for -ELBO (variational models)
    mean_error_per_outside_class: dict[str, dict[str, float]]  # {model: {outside label: mean error}}
    outside_class_read_as: dict[str, dict[str, ReadAs]]  # {model: {outside label: ReadAs}}


@dataclass
class Numbers:
    auroc: dict[str, dict[LatentKey, float]]
    auroc_neg_elbo: dict[str, dict[LatentKey, float]]
    auroc_pca: dict[LatentKey, float]  # PCA with as many components as the latent size
    auroc_nearest_image: float
    chosen_latent: int
    mean_error_inside: dict[str, float]  # {model: mean error of the test images}, at the chosen latent size
    mean_error_outside: dict[str, float]
    mean_error_per_outside_class: dict[str, dict[str, float]]
    outside_classes_most_like_inside: dict[str, list[str]]  # {model: the labels of lowest mean error}
    top_error_inside: dict[str, TopErrors]  # of the first seed's models
    example_outside_indices: list[int]  # the first outside image of each label: the examples shown
    n_inside: int
    n_outside: int
    conditional_score: str
    outside: Outside
    outside_class_read_as: dict[str, dict[str, ReadAs]]  # of the first seed's models
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def outside_subset(n_images: int, n_outside: int | None, seed: int) -> np.ndarray:
    """Indices of the outside images scored: all of them (n_outside None), or a seeded subset of
    n_outside in ascending order."""
    keep = np.arange(n_images)
    if n_outside is not None and n_outside < n_images:
        keep = np.sort(np.random.default_rng(seed).choice(n_images, n_outside, replace=False))
    return keep


def load_scores(path: str | Path, keep: np.ndarray, y_test: np.ndarray, y_out: np.ndarray) -> Scores:
    """The per-image scores of an anomaly_scores.npz or anomaly_baselines.npz, those of outside
    images restricted to `keep`; checked to be of these test images and outside images."""
    with np.load(path) as s:
        if not (np.array_equal(s["inside_labels"], y_test) and np.array_equal(s["outside_labels"][keep], y_out)):
            raise ValueError(f"{path} scored other images")
        return {k: s[k][keep] if "outside" in k.split("_") else s[k] for k in s.files if not k.endswith("_labels")}


def mean_per_outside_class(errors: np.ndarray, labels: np.ndarray, outside_dataset: str) -> dict[str, float]:
    """{'a': mean error of the a's, ...} for the labels of the outside set present (named as
    vaelab.data.classes.outside_label_name names them), in label order."""
    return {outside_label_name(outside_dataset, int(c)): float(errors[labels == c].mean()) for c in np.unique(labels)}


def most_like_inside(per_label: dict[str, float], k: int) -> list[str]:
    """The k outside labels with the lowest mean error: the ones the model reconstructs as if
    they were of the dataset it was trained on."""
    return sorted(per_label, key=per_label.get)[:k]


def highest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, largest first (ties: the lower index first)."""
    order = np.argsort(-np.asarray(values), kind="stable")
    return order[:k]


def read_as_classes(proba: np.ndarray, labels: np.ndarray, outside_dataset: str) -> dict[str, ReadAs]:
    """{'a': ReadAs(the class a classifier most often sees in the reconstructed a's, the share of
    them it sees as that class), ...} from its class probabilities of the outside images'
    reconstructions: which class a model turns each outside label into."""
    predicted = np.asarray(proba).argmax(axis=1)
    out = {}
    for c in np.unique(labels):
        counts = np.bincount(predicted[labels == c], minlength=proba.shape[1])
        out[outside_label_name(outside_dataset, int(c))] = ReadAs(
            label=int(counts.argmax()), share=float(counts.max() / counts.sum())
        )
    return out


def compute(
    scores_by_seed: dict[int, dict[tuple[str, int], Scores]],
    baselines: Scores,
    models_by_seed: dict[int, dict[str, object]],
    classifier,
    y_test: np.ndarray,
    x_out: np.ndarray,
    y_out: np.ndarray,
    chosen_latent: int,
    n_top: int,
    outside_name: str,
    outside_dataset: str,
    class_noun: str,
) -> Numbers:
    """`scores_by_seed`: {seed: {(model, latent): load_scores(its anomaly_scores.npz)}}, seeds in
    the config's order; `baselines`: load_scores(anomaly_baselines.npz); `models_by_seed`: {seed:
    {model: the model at the chosen latent size}}; x_out, y_out: the outside images scored."""
    # here, not at the top: check_numbers imports this module for its Numbers (claims, report), without torch
    from vaelab.analysis.anomaly import auroc, reconstruct_best_label
    from vaelab.models.classifier import predict_proba

    seeds = list(scores_by_seed)
    first = scores_by_seed[seeds[0]]  # the first seed's runs: their worst test images are shown
    model_names, latents = models_and_latents(first)
    elbo_models = [m for m in model_names if "inside_neg_elbo" in first[(m, chosen_latent)]]

    def aurocs(runs: dict[tuple[str, int], Scores], score: str, models: list[str]) -> dict[str, dict[str, float]]:
        return {
            m: {str(z): auroc(runs[(m, z)][f"inside{score}"], runs[(m, z)][f"outside{score}"]) for z in latents}
            for m in models
        }

    by_seed = {}
    for s, runs in scores_by_seed.items():
        at_chosen = {m: runs[(m, chosen_latent)] for m in model_names}
        # which class the classifier sees in each model's reconstructions of the outside images
        recon = {m: reconstruct_best_label(models_by_seed[s][m], x_out)[0] for m in model_names}
        by_seed[str(s)] = SeedNumbers(
            auroc=aurocs(runs, "", model_names),
            auroc_neg_elbo=aurocs(runs, "_neg_elbo", elbo_models),
            mean_error_per_outside_class={
                m: mean_per_outside_class(at_chosen[m]["outside"], y_out, outside_dataset) for m in model_names
            },
            outside_class_read_as={
                m: read_as_classes(predict_proba(classifier, recon[m]), y_out, outside_dataset) for m in model_names
            },
        )
    of_seeds = list(by_seed.values())

    def mean(values) -> float:  # over seeds
        return float(seed_mean(list(values)))

    def mean_error(part: str) -> dict[str, float]:
        return {m: mean(runs[(m, chosen_latent)][part].mean() for runs in scores_by_seed.values()) for m in model_names}

    per_outside_class = {
        m: {
            c: mean(n.mean_error_per_outside_class[m][c] for n in of_seeds)
            for c in of_seeds[0].mean_error_per_outside_class[m]
        }
        for m in model_names
    }
    top = {m: highest(first[(m, chosen_latent)]["inside"], n_top) for m in model_names}
    return Numbers(
        auroc={m: {str(z): mean(n.auroc[m][str(z)] for n in of_seeds) for z in latents} for m in model_names},
        auroc_neg_elbo={
            m: {str(z): mean(n.auroc_neg_elbo[m][str(z)] for n in of_seeds) for z in latents} for m in elbo_models
        },
        auroc_pca={str(z): auroc(baselines[f"pca_inside_z{z}"], baselines[f"pca_outside_z{z}"]) for z in latents},
        auroc_nearest_image=auroc(baselines["nn_inside"], baselines["nn_outside"]),
        chosen_latent=int(chosen_latent),
        mean_error_inside=mean_error("inside"),
        mean_error_outside=mean_error("outside"),
        mean_error_per_outside_class=per_outside_class,
        outside_classes_most_like_inside={
            m: most_like_inside(per_outside_class[m], MOST_LIKE_INSIDE) for m in model_names
        },
        top_error_inside={
            m: TopErrors(
                test_index=top[m].tolist(),
                label=y_test[top[m]].tolist(),
                mse=first[(m, chosen_latent)]["inside"][top[m]].tolist(),
            )
            for m in model_names
        },
        example_outside_indices=[int(np.flatnonzero(y_out == c)[0]) for c in np.unique(y_out)],
        n_inside=int(len(y_test)),
        n_outside=int(len(y_out)),
        conditional_score=f"CVAE: smallest error over the ten {class_noun} labels",
        outside=Outside(name=outside_name, dataset=outside_dataset),
        outside_class_read_as=of_seeds[0].outside_class_read_as,
        seeds=seeds,
        by_seed=by_seed,
    )


# --- drawing: what the figure shows besides its numbers, and its panels


def shown_reconstructions(models: dict[str, object], images: np.ndarray) -> dict[str, np.ndarray]:
    """{model: its reconstructions of `images`}, the CVAE's with the label that reconstructs each best."""
    from vaelab.analysis.anomaly import reconstruct_best_label

    return {m: reconstruct_best_label(net, images)[0] for m, net in models.items()}


def auroc_table(numbers: Numbers) -> tuple[list[str], np.ndarray, list[list[str]]]:
    """The AUROC of every score at every latent size: (row labels, values, cell texts). The
    models' rows first (mean ± sd over seeds), then PCA's and the nearest training image's."""
    latents = list(numbers.auroc_pca)
    score_rows = [(model_label(m) + ", MSE", m, "auroc") for m in numbers.auroc]
    score_rows += [(model_label(m) + ", −ELBO", m, "auroc_neg_elbo") for m in numbers.auroc_neg_elbo]
    values = np.array(
        [[getattr(numbers, key)[m][z] for z in latents] for _, m, key in score_rows]
        + [[numbers.auroc_pca[z] for z in latents], [numbers.auroc_nearest_image] * len(latents)]
    )
    texts = [
        [
            mean_sd_text([getattr(n, key)[m][z] for n in numbers.by_seed.values()], ".3f").replace(" ± ", "\n± ")
            for z in latents
        ]
        for _, m, key in score_rows
    ]
    texts += [[f"{v:.3f}" for v in row] for row in values[len(score_rows) :]]
    return [label for label, _, _ in score_rows] + ["PCA, MSE", "nearest training image"], values, texts


def draw_error_histograms(axes, first_seed_scores: dict[tuple[str, int], Scores], numbers: Numbers, class_noun: str):
    """Per model, one axes: histograms of the first seed's per-image errors of the test and the
    outside images at the chosen latent size, on bins shared by all models."""
    chosen, first = numbers.chosen_latent, numbers.seeds[0]
    at_chosen = {m: first_seed_scores[(m, chosen)] for m in numbers.auroc}
    upper = np.quantile(np.concatenate([s[k] for s in at_chosen.values() for k in ("inside", "outside")]), 0.995)
    bins = np.linspace(0, upper, 60)
    for ax, (m, scores) in zip(axes, at_chosen.items()):
        inside_label = f"test {class_noun}s (n={numbers.n_inside:,})"
        ax.hist(scores["inside"], bins=bins, density=True, alpha=0.6, color="C7", label=inside_label)
        outside_label = f"{numbers.outside.name} (n={numbers.n_outside:,})"
        ax.hist(scores["outside"], bins=bins, density=True, alpha=0.6, color="C3", label=outside_label)
        first_auroc = numbers.by_seed[str(first)].auroc[m][str(chosen)]
        ax.set_title(f"{model_label(m)}, latent size {chosen}, seed {first}: AUROC {first_auroc:.3f}")
        ax.set_xlabel("per-image reconstruction MSE")
        ax.set_ylabel("density")
        ax.legend(fontsize=9)


def draw_worst_test_images(ax, numbers: Numbers, x_test: np.ndarray, class_names: list, class_noun: str) -> None:
    """The test images each model reconstructs worst, a row per model, each with its label."""
    top, models = numbers.top_error_inside, list(numbers.auroc)
    n_top = len(top[models[0]].test_index)
    image_rows(
        ax,
        [x_test[top[m].test_index] for m in models],
        [model_label(m) for m in models],
        [str(c + 1) for c in range(n_top)],
    )
    # long class names: small enough for a tile
    fontsize = 10 if max(map(len, class_names)) <= 2 else 6
    tile_corner_texts(ax, [[str(class_names[y]) for y in top[m].label] for m in models], fontsize)
    ax.set_xlabel(f"rank by reconstruction error (1 = highest); yellow: the {class_noun}'s label")
    ax.set_title(f"The {n_top} test {class_noun}s with the highest error, per model")


def draw_outside_examples(ax, numbers: Numbers, examples: np.ndarray, reconstructions: dict[str, np.ndarray]) -> None:
    """One outside image of each label, and below it each model's reconstruction of it."""
    models = list(numbers.auroc)
    rows = [examples, *[reconstructions[m] for m in models]]
    labels = list(numbers.mean_error_per_outside_class[models[0]])  # the outside labels, in order
    image_rows(ax, rows, ["image", *[model_label(m) for m in models]], labels, col_label_size=11)
    ax.set_title(
        f"{numbers.outside.name}: one of each label and its reconstructions (latent size {numbers.chosen_latent})"
    )


def draw_auroc_table(ax, numbers: Numbers, class_noun: str) -> None:
    """The AUROC of every score at every latent size as an annotated heatmap, with its colour bar."""
    row_labels, values, texts = auroc_table(numbers)
    # the colour scale spans the values shown, so that differences of a few hundredths are visible
    low, high = np.floor(np.nanmin(values) * 50) / 50, np.ceil(np.nanmax(values) * 50) / 50
    latents = list(numbers.auroc_pca)
    im = annotated_heatmap(
        ax, values, texts, row_labels, latents, cmap="magma", vmin=low, vmax=max(high, low + 0.02), aspect="auto"
    )
    ax.axhline(len(row_labels) - 2.5, color="white", lw=2)  # models above, baselines below
    ax.set_xlabel("latent size (PCA: components; nearest image: none)")
    ax.set_title(f"AUROC, test {class_noun}s vs {numbers.outside.name}, by score\n(models: mean ± sd over seeds)")
    ax.figure.colorbar(im, ax=ax, label="AUROC (0.5 = chance, 1 = perfect)", fraction=0.06, pad=0.03)


def draw_outside_class_errors(ax, numbers: Numbers, class_noun: str) -> None:
    """Bars of the mean error per outside label and model, the labels most like the study's
    classes hatched, and each model's mean error on the test images as a dashed line."""
    from matplotlib.patches import Patch

    models, outside_name = list(numbers.auroc), numbers.outside.name
    outside_classes = list(numbers.mean_error_per_outside_class[models[0]])
    values = {
        m: [[n.mean_error_per_outside_class[m][c] for c in outside_classes] for n in numbers.by_seed.values()]
        for m in models
    }
    labels = {m: f"{model_label(m)} (dashed: mean over test {class_noun}s)" for m in models}
    bars = grouped_bar_seeds(ax, values, MODEL_COLORS, labels)
    for m in models:
        for bar, c in zip(bars[m], outside_classes):
            if c in numbers.outside_classes_most_like_inside[m]:
                bar.set_hatch("///")
                bar.set_edgecolor("black")
        ax.axhline(numbers.mean_error_inside[m], color=MODEL_COLORS[m], ls="--", lw=1.5)
    ax.set_xticks(range(len(outside_classes)), outside_classes, fontsize=12)
    ax.set_xlabel(f"label of {outside_name}")
    ax.set_ylabel("mean reconstruction MSE")
    ax.set_title(
        f"Mean error per label of {outside_name} (latent size {numbers.chosen_latent}); lowest error = most like "
        f"the {class_noun}s\nbars: mean over seeds {', '.join(map(str, numbers.seeds))}"
        + ("; black dots: each seed" if len(numbers.seeds) > 1 else "")
    )
    handles, _ = ax.get_legend_handles_labels()
    hatched = f"hatched: the model's {MOST_LIKE_INSIDE} labels most like the {class_noun}s"
    handles.append(Patch(facecolor="white", edgecolor="black", hatch="///", label=hatched))
    ax.legend(handles=handles, fontsize=9, ncols=2, loc="upper left")
    highest_bar = max(
        max(d.values()) for n in numbers.by_seed.values() for d in n.mean_error_per_outside_class.values()
    )
    ax.set_ylim(0, highest_bar * 1.25)
