"""Claims on synthetic numbers: each can hold or fail; "not evaluated" only where the config left
out what it needs; numbers of the wrong shape raise, naming the figure and the key."""

import dataclasses

import pytest

from vaelab.data.classes import KNOWN_CLASSES
from vaelab.publish.claims import (
    ALL_CLAIMS,
    CLAIMS,
    FAILS,
    HOLDS,
    NOT_APPLICABLE,
    NOT_EVALUATED,
    SOURCE_CLAIMS,
    UNSTABLE,
    ClaimInputs,
    evaluate,
    evaluate_seeds,
    overall,
    seed_inputs,
    summary,
)
from vaelab.publish.numbers import NumbersError

MNIST = {"dataset": "mnist", "classes": KNOWN_CLASSES["mnist"]}

# The keys no claim reads, filled in so that each figure has its declared shape; one seed's
# numbers at the top level (claims judged on several seeds read `by_seed`: see test_seed_*).
ONE_SEED = {"seeds": [0], "by_seed": {}}
FILLER = {
    "generation": {
        "chosen_latent": 20,
        "classifier_test_accuracy": 0.99,
        "n_samples": 1000,
        "n_per_class": 100,
        "mixture_components": 10,
        "sources": {},
        "mean_confidence": {},
        "cvae_conditional_pooled": None,
        "cvae_accuracy_per_class": None,
        "cvae_accuracy_per_class_pooled": None,
        **ONE_SEED,
    },
    "anomaly_detection": {
        "chosen_latent": 20,
        "mean_error_inside": {},
        "mean_error_outside": {},
        "outside_classes_most_like_inside": {},
        "top_error_inside": {},
        "example_outside_indices": [],
        "n_inside": 10,
        "n_outside": 13,
        "conditional_score": "smallest error over labels",
        "outside": {"name": "EMNIST letters a-m", "dataset": "emnist-letters"},
        "outside_class_read_as": {},
        "auroc_neg_elbo": {},
        "auroc_pca": {"20": 0.7},
        "auroc_nearest_image": 0.75,
        **ONE_SEED,
    },
    "imputation": {
        "mse_missing": {},
        "mse_missing_interval": {},
        "passes": {},
        "val_mse_per_pass": {},
        "test_mse_per_pass": {},
        "max_passes": 3,
        "n_eval": 10,
        "n_val": 10,
        "n_knn_reference": 10,
        "n_neighbors": 5,
        "latent": 20,
        "missing_share": {},
        "example_labels": [],
        **ONE_SEED,
    },
    "denoising": {
        "psnr_noisy": {},
        "psnr_denoised": {},
        "chosen_latent": 20,
        "models": [],
        "median_size": 3,
        "psnr_clean": {},
        "n_test": 10,
        "psnr_definition": "10*log10(1 / MSE)",
        "example_indices": [],
        "example_labels": [],
        **ONE_SEED,
    },
}


def fig(name: str, **numbers) -> dict:
    return {**FILLER[name], **numbers}


def generation(share: dict, accuracy: float | None, half_width: float = 0.03) -> dict:
    """The generation figure's numbers: shares recognised, each with an interval of +- half_width."""
    pooled = {
        k: {"share": v, "low": max(0.0, v - half_width), "high": min(1.0, v + half_width), "n": 1000}
        for k, v in share.items()
    }
    return fig("generation", share_confident=share, share_confident_pooled=pooled, cvae_conditional_accuracy=accuracy)


def imputation(**difference_by_kind) -> dict:
    """The imputation figure's numbers from {mask kind: {method: mean difference (masked VAE minus it)}};
    each difference gets an interval of +- 0.002."""
    return fig(
        "imputation",
        masked_vae_minus={
            kind: {m: {"mean": d, "low": d - 0.002, "high": d + 0.002, "n": 500} for m, d in by_method.items()}
            for kind, by_method in difference_by_kind.items()
        },
    )


def denoising(noisy: list, denoised: list, noise: list, clean: float) -> dict:
    """Gaussian noise only; every model the same."""
    return fig(
        "denoising",
        mse_noisy={"gaussian": noisy},
        mse_denoised={m: {"gaussian": denoised} for m in ("ae", "vae", "cvae")},
        mse_clean={m: clean for m in ("ae", "vae", "cvae")},
        noise={"gaussian": noise},
    )


def metrics(mse: dict[tuple[str, int], float], per_class=None) -> dict:
    per_class = per_class or [0.05, 0.01, 0.09, 0.05, 0.04, 0.06, 0.05, 0.02, 0.08, 0.03]
    return {k: {"test_mse": v, "per_class_mse": per_class} for k, v in mse.items()}


def verdicts(inputs: ClaimInputs, claims=CLAIMS) -> dict[str, dict]:
    return {row["id"]: row for row in evaluate(inputs, claims)}


def good_inputs() -> ClaimInputs:
    return ClaimInputs(
        metrics=metrics(
            {
                ("ae", 2): 0.05,
                ("ae", 10): 0.03,
                ("ae", 20): 0.02,
                ("ae", 50): 0.015,
                ("vae", 2): 0.05,
                ("vae", 20): 0.030,
                ("vae", 50): 0.029,
                ("cvae", 2): 0.045,
                ("cvae", 20): 0.03,
            }
        ),
        baselines={
            "mean_image": {"test_mse": 0.07},
            "pca": {
                "2": {"test_mse": 0.055},
                "10": {"test_mse": 0.034},
                "20": {"test_mse": 0.025},
                "50": {"test_mse": 0.016},
            },
        },
        chosen_latent=20,
        figures={
            "generation": generation(
                {"ae": 0.1, "ae_gaussian": 0.4, "ae_mixture": 0.5, "vae": 0.7, "cvae": 0.8}, accuracy=0.93
            ),
            "anomaly_detection": fig(
                "anomaly_detection",
                auroc={"ae": {"2": 0.7, "20": 0.9}, "vae": {"2": 0.6, "20": 0.85}, "cvae": {"2": 0.6, "20": 0.8}},
                mean_error_per_outside_class={
                    "ae": {c: 0.05 + 0.01 * i for i, c in enumerate("lbgiacdefhjkm")},
                    "vae": {c: 0.06 + 0.01 * i for i, c in enumerate("lgbiacdefhjkm")},
                    "cvae": {c: 0.06 + 0.01 * i for i, c in enumerate("lgbiacdefhjkm")},
                },
            ),
            "imputation": imputation(
                half={"mean_image": -0.04, "vae": -0.01, "knn": -0.005},
                square={"mean_image": -0.04, "vae": -0.01, "knn": -0.005},
            ),
            "denoising": denoising([0.0, 0.1, 0.2], [0.02, 0.03, 0.05], [0.0, 0.3, 0.5], clean=0.01),
        },
    )


def test_every_claim_holds_on_numbers_made_to_hold():
    rows = verdicts(good_inputs())
    assert {k: r["status"] for k, r in rows.items()} == {
        c.id: HOLDS if c.applies("mnist") else NOT_APPLICABLE for c in CLAIMS
    }
    assert rows["p"]["evidence"] == "not applicable: a claim about fashion-mnist, and this run's dataset is mnist"
    assert rows["a"]["numbers"]["steps_not_falling"] == 0
    assert rows["b"]["numbers"]["relative_improvement"] == pytest.approx(1 / 30)
    assert rows["c"]["numbers"]["order_easiest_first"][:3] == [1, 7, 9]
    assert rows["d"]["numbers"]["wins"] == 4
    assert rows["f"]["numbers"]["accuracy"] == 0.93 and 0.91 < rows["f"]["numbers"]["low"] < 0.93
    assert rows["h"]["numbers"]["rank"]["l"] == 1 and set(rows["h"]["numbers"]["rank"].values()) == {1, 2, 3, 4}
    # at sigma 0 the noisy input (0) is below each model's clean-input error (0.01): not judged
    assert rows["j"]["numbers"] == {"wins": 6, "cases": 6, "not_judged": 3}
    assert "not judged: ae/gaussian 0 (noisy 0 ≤ clean-input error 0.01)" in rows["j"]["evidence"]
    assert rows["e"]["numbers"]["fair_baseline_upper"] == pytest.approx(0.53)
    assert "AE from a Gaussian mixture fitted to its codes 50.0% [47.0%, 53.0%]" in rows["e"]["evidence"]
    assert rows["i"]["numbers"]["better_at"] == {m: ["half", "square"] for m in ("mean_image", "vae", "knn")}
    assert "nearest training image 0.750" in rows["g"]["evidence"] and "PCA 0.700" in rows["g"]["evidence"]
    assert summary(list(rows.values())) == {HOLDS: 10, UNSTABLE: 0, FAILS: 0, NOT_EVALUATED: 0, NOT_APPLICABLE: 1}


def test_ae_beats_pca_counts_every_shared_size():
    rows = verdicts(good_inputs())
    # AE at 2, 10, 20, 50; PCA at 2, 10, 20, 50: all four shared
    assert rows["d"]["evidence"].startswith("AE better at 4 of 4 sizes")


def test_claims_that_do_not_hold_are_reported_with_numbers():
    per_letter = {c: 0.01 * i for i, c in enumerate("iacdefhjklbgm")}
    bad = ClaimInputs(
        metrics=metrics(
            {
                ("ae", 2): 0.05,
                ("ae", 10): 0.06,
                ("ae", 20): 0.04,
                ("vae", 20): 0.04,
                ("vae", 50): 0.03,
                ("cvae", 20): 0.04,
            },
            per_class=[0.01, 0.09, 0.02, 0.05, 0.04, 0.06, 0.05, 0.08, 0.03, 0.07],
        ),
        baselines={"pca": {"2": {"test_mse": 0.04}, "10": {"test_mse": 0.07}}},
        chosen_latent=20,
        figures={
            "generation": generation(
                {"ae": 0.1, "ae_gaussian": 0.6, "ae_mixture": 0.68, "vae": 0.7, "cvae": 0.5}, accuracy=0.81
            ),
            "anomaly_detection": fig(
                "anomaly_detection",
                auroc={"ae": {"20": 0.45}, "vae": {"20": 0.8}, "cvae": {"20": 0.7}},
                mean_error_per_outside_class={m: per_letter for m in ("ae", "vae", "cvae")},
            ),
            "imputation": imputation(half={"mean_image": -0.04, "vae": 0.001, "knn": 0.01}),
            "denoising": denoising([0.01, 0.1], [0.03, 0.05], [0.1, 0.5], clean=0.005),
        },
    )
    rows = verdicts(bad)
    assert {k: r["status"] for k, r in rows.items()} == {
        c.id: FAILS if c.applies("mnist") else NOT_APPLICABLE for c in CLAIMS
    }
    assert rows["a"]["numbers"]["steps_not_falling"] == 1
    assert "1 of 2 steps do not fall (z=2→10)" in rows["a"]["evidence"]
    assert rows["b"]["numbers"]["relative_improvement"] == pytest.approx(0.25)
    assert rows["d"]["numbers"]["wins"] == 1
    assert rows["g"]["numbers"]["auroc_at_chosen"] == {"ae": 0.45, "vae": 0.8, "cvae": 0.7}
    assert rows["h"]["numbers"]["rank"] == {"i": 1, "l": 10, "b": 11, "g": 12}
    assert rows["j"]["numbers"] == {"wins": 3, "cases": 6, "not_judged": 0}
    assert "not at ae/gaussian 0.1" in rows["j"]["evidence"]
    # the VAE's interval (0.67-0.73) overlaps the AE mixture's (0.65-0.71): not above the fair baseline
    assert rows["f"]["numbers"]["low"] < 0.8 < 0.81  # 81% measured, its interval reaches below 80%
    assert rows["i"]["numbers"]["better_at"] == {"mean_image": ["half"], "vae": [], "knn": []}
    assert "than k-NN at 0 of 1 mask kinds (worse at half)" in rows["i"]["evidence"]
    assert "it rises" not in rows["b"]["evidence"] and "worse than PCA" not in rows["b"]["evidence"]


def test_what_the_config_did_not_ask_for_is_not_evaluated_with_a_reason():
    rows = verdicts(ClaimInputs(metrics=metrics({("ae", 2): 0.05, ("vae", 2): 0.05, ("vae", 10): 0.04})))
    assert {r["status"] for k, r in rows.items() if k not in ("c", "p")} == {NOT_EVALUATED}
    assert rows["c"]["status"] in (HOLDS, FAILS)  # per-digit errors are there
    assert "at 1 latent size" in rows["a"]["evidence"]
    assert "not trained at latent size 20" in rows["b"]["evidence"]
    assert "baselines.json is not in this run" in rows["d"]["evidence"]
    assert "figure generation is not in this run" in rows["e"]["evidence"]
    assert "figure denoising is not in this run" in rows["j"]["evidence"]


def test_a_model_not_trained_is_not_evaluated_with_its_reason():
    inputs = good_inputs()
    inputs.metrics = {k: v for k, v in inputs.metrics.items() if k[0] != "cvae"}  # config.models: [ae, vae]
    inputs.figures["generation"] = generation({"ae": 0.1, "ae_gaussian": 0.4, "ae_mixture": 0.5, "vae": 0.7}, None)
    rows = verdicts(inputs)
    assert rows["f"]["status"] == NOT_EVALUATED and rows["f"]["evidence"] == "not evaluated: the CVAE was not trained"
    assert rows["e"]["status"] == HOLDS and set(rows["e"]["numbers"]["share_confident"]) == {
        "ae",
        "ae_gaussian",
        "ae_mixture",
        "vae",
    }

    inputs.metrics = {k: v for k, v in inputs.metrics.items() if k[0] != "ae"}  # config.models: [vae]
    rows = verdicts(inputs)
    assert rows["e"]["evidence"] == "not evaluated: the AE was not trained"
    assert rows["d"]["evidence"] == "not evaluated: the AE was not trained"


def test_vae_plateau_needs_a_size_above_20():
    rows = verdicts(ClaimInputs(metrics=metrics({("vae", 10): 0.05, ("vae", 20): 0.04})))
    assert rows["b"]["status"] == NOT_EVALUATED
    assert "no VAE larger than latent size 20" in rows["b"]["evidence"]


@pytest.mark.parametrize(
    "figure, key, change, message",
    [
        ("generation", "share_confident", None, r"generation\.json numbers: the top level lacks 'share_confident'"),
        (
            "generation",
            "share_confident",
            [0.4, 0.7],
            r"'share_confident' must be \{sample source: number\}, got list",
        ),
        (
            "generation",
            "cvae_conditional_accuracy",
            "high",
            r"'cvae_conditional_accuracy' must be number or null, got str",
        ),
        (
            "anomaly_detection",
            "auroc",
            {"ae": {"20": 0.9}, "vae": {"20": 0.8}},
            r"'auroc' lacks 'cvae' though this run trained",
        ),
        (
            "anomaly_detection",
            "auroc",
            {m: {"2": 0.7} for m in ("ae", "vae", "cvae")},
            r"'auroc\.ae' lacks '20', the chosen",
        ),
        (
            "imputation",
            "mse_missing",
            {"half": {"mean_image": 0.1, "vae": None, "knn": 0.1}},
            r"imputation\.json numbers: 'mse_missing\.half' lacks 'masked_vae'",
        ),
        (
            "imputation",
            "masked_vae_minus",
            {"half": {"knn": {"mean": 0.1, "low": 0.0}}},
            r"'masked_vae_minus\.half\.knn' lacks 'high', 'n'",
        ),
        (
            "denoising",
            "mse_denoised",
            {m: {"gaussian": [0.1, 0.2]} for m in ("ae", "vae", "cvae")},
            r"'mse_denoised\.ae\.gaussian' has 2 levels",
        ),
        (
            "denoising",
            "mse_noisy",
            {"gaussian": [0.0, "0.1", 0.2]},
            r"'mse_noisy\.gaussian\[1\]' must be number, got str",
        ),
    ],
)
def test_numbers_of_the_wrong_shape_raise_naming_the_figure_and_key(figure, key, change, message):
    inputs = good_inputs()
    if change is None:
        del inputs.figures[figure][key]
    else:
        inputs.figures[figure][key] = change
    with pytest.raises(NumbersError, match=message):
        evaluate(inputs)


def test_null_accuracy_with_a_trained_cvae_raises():
    inputs = good_inputs()
    inputs.figures["generation"]["cvae_conditional_accuracy"] = None
    with pytest.raises(NumbersError, match="'cvae_conditional_accuracy' is null though this run trained a CVAE"):
        evaluate(inputs)


def test_metrics_and_baselines_of_the_wrong_shape_raise():
    inputs = good_inputs()
    del inputs.metrics[("ae", 2)]["per_class_mse"]
    with pytest.raises(NumbersError, match="metrics.json of ae_z2: the top level lacks 'per_class_mse'"):
        evaluate(inputs)
    inputs = good_inputs()
    inputs.baselines["pca"]["2"] = {"val_mse": 0.05}
    with pytest.raises(NumbersError, match=r"baselines\.json: 'pca\.2' lacks 'test_mse'"):
        evaluate(inputs)


def test_every_numeric_parameter_feeds_the_text_and_the_check():
    """Change each threshold and the claim's text changes with it: no number is written twice."""
    for claim in ALL_CLAIMS:
        for name, value in claim.params.items():
            if isinstance(value, (int, float)):
                changed = dataclasses.replace(claim, params={**claim.params, name: value * 3})
                assert (changed.statement, changed.rule) != (claim.statement, claim.rule), (claim.id, name)


def test_a_threshold_changes_text_and_verdict_together():
    by_id = {c.id: c for c in CLAIMS}
    strict = dataclasses.replace(by_id["b"], params={**by_id["b"].params, "threshold": 0.02})
    row = verdicts(good_inputs(), (strict,))["b"]
    assert "a fall below 2%" in row["rule"] and "(a fall of 2.0% or more would refute" in row["evidence"]
    assert row["status"] == FAILS  # the VAE gains 3.3% from z=20 to z=50
    fewer = dataclasses.replace(by_id["h"], params={**by_id["h"].params, "lowest": 3})
    row = verdicts(good_inputs(), (fewer,))["h"]
    assert row["rule"].endswith("among the 3 lowest.") and row["status"] == FAILS  # i is #4
    assert by_id["h"].statement.startswith("Letters that resemble digits (i and l like 1, b like 6, g like 9)")


# --- replicates: every claim judged on each seed ---------------------------------------------------
def test_the_overall_verdict_over_seeds():
    assert overall([HOLDS, HOLDS, HOLDS]) == HOLDS
    assert overall([HOLDS, FAILS, HOLDS]) == UNSTABLE
    assert overall([FAILS, FAILS]) == FAILS
    assert overall([HOLDS, NOT_EVALUATED]) == HOLDS  # judged on the seeds that have its numbers
    assert overall([NOT_EVALUATED, NOT_EVALUATED]) == NOT_EVALUATED


def _seeded_figures(share_confident_by_seed: dict[int, dict], masked_vae_by_seed: dict[int, float]) -> dict:
    """good_inputs()'s figures for several seeds: the top level is seed 0's, `by_seed` each seed's."""
    good = good_inputs()
    figures = {name: dict(numbers, seeds=list(share_confident_by_seed)) for name, numbers in good.figures.items()}
    figures["generation"]["by_seed"] = {
        str(s): {
            "mean_confidence": {},
            "share_confident": share,
            "share_confident_interval": {k: [v - 0.03, v + 0.03] for k, v in share.items()},
            "cvae_conditional_accuracy": 0.93,
            "cvae_accuracy_per_class": None,
        }
        for s, share in share_confident_by_seed.items()
    }
    figures["imputation"]["by_seed"] = {
        str(s): {
            "mse_missing": {"half": {"masked_vae": 0.04, "vae": None, "mean_image": 0.08, "knn": 0.05}},
            "masked_vae_minus": imputation(half={"mean_image": v})["masked_vae_minus"],
        }
        for s, v in masked_vae_by_seed.items()
    }
    for name in ("anomaly_detection", "denoising"):  # the same numbers on every seed
        figures[name]["by_seed"] = {str(s): {} for s in share_confident_by_seed}
    figures["anomaly_detection"]["by_seed"] = {
        str(s): {
            "auroc": figures["anomaly_detection"]["auroc"],
            "auroc_neg_elbo": {},
            "mean_error_per_outside_class": figures["anomaly_detection"]["mean_error_per_outside_class"],
            "outside_class_read_as": {},
        }
        for s in share_confident_by_seed
    }
    figures["denoising"]["by_seed"] = {
        str(s): {key: figures["denoising"][key] for key in ("mse_denoised", "psnr_denoised", "mse_clean")}
        for s in share_confident_by_seed
    }
    return figures


def _seeded(share_confident_by_seed: dict[int, dict], masked_vae_by_seed: dict[int, float]) -> dict:
    good = good_inputs()
    metrics_by_seed = {s: good.metrics for s in share_confident_by_seed}
    figures = _seeded_figures(share_confident_by_seed, masked_vae_by_seed)
    return seed_inputs(metrics_by_seed, good.baselines, {"chosen_latent": 20, "tolerance": 0.15}, figures, **MNIST)


def test_seed_verdicts_hold_unstable_or_do_not_hold():
    fair = {"ae": 0.1, "ae_mixture": 0.3}
    inputs = _seeded(
        {
            0: {**fair, "ae_gaussian": 0.4, "vae": 0.7, "cvae": 0.8},
            1: {**fair, "ae_gaussian": 0.75, "vae": 0.7, "cvae": 0.8},
            2: {**fair, "ae_gaussian": 0.1, "vae": 0.7, "cvae": 0.8},
        },
        {0: 0.01, 1: 0.02, 2: 0.03},  # the masked VAE worse than the mean image on every seed
    )
    assert list(inputs) == [0, 1, 2]
    assert inputs[1].figures["generation"].share_confident["ae_gaussian"] == 0.75  # each seed reads its own
    rows = {r["id"]: r for r in evaluate_seeds(inputs, CLAIMS)}
    e = rows["e"]
    assert e["status"] == UNSTABLE and e["evidence"] == "holds in 2 of 3 seeds"
    assert (e["holds_in"], e["seeds_judged"]) == (2, 3)
    assert {s: r["status"] for s, r in e["by_seed"].items()} == {"0": HOLDS, "1": FAILS, "2": HOLDS}
    assert "AE from a Gaussian fitted to its codes 75.0% [72.0%, 78.0%]" in e["by_seed"]["1"]["evidence"]
    assert rows["i"]["status"] == FAILS and rows["i"]["evidence"] == "holds in 0 of 3 seeds"
    assert rows["f"]["status"] == HOLDS and rows["f"]["evidence"] == "holds in 3 of 3 seeds"
    counts = summary(list(rows.values()))
    assert counts == {HOLDS: 8, UNSTABLE: 1, FAILS: 1, NOT_EVALUATED: 0, NOT_APPLICABLE: 1}


def test_a_figure_without_numbers_per_seed_is_judged_on_the_first_seed_only():
    same = {"ae": 0.1, "ae_gaussian": 0.4, "ae_mixture": 0.5, "vae": 0.7, "cvae": 0.8}
    figures = _seeded_figures({0: same, 1: same}, {0: -0.04, 1: -0.04})
    metrics_by_seed = {0: good_inputs().metrics, 1: good_inputs().metrics}
    figures["denoising"] = denoising([0.1], [0.05], [0.3], clean=0.01)
    del figures["denoising"]["by_seed"]
    with pytest.raises(NumbersError, match="denoising.json numbers: the top level lacks 'by_seed'"):
        seed_inputs(metrics_by_seed, None, None, figures, **MNIST)
    figures["denoising"]["by_seed"] = {
        "0": {key: figures["denoising"][key] for key in ("mse_denoised", "psnr_denoised", "mse_clean")}
    }
    split = seed_inputs(metrics_by_seed, None, None, figures, **MNIST)
    assert "denoising" in split[0].figures and "denoising" not in split[1].figures
    row = {r["id"]: r for r in evaluate_seeds(split, CLAIMS)}["j"]
    assert row["status"] == HOLDS and row["evidence"] == "holds in 1 of 1 seeds (1 not evaluated)"
    assert "has no numbers of this seed" in row["by_seed"]["1"]["evidence"]


# --- what the source publications state -------------------------------------------------------
def _source_inputs(vae_per_class_20, vae_per_class_50, vae_val, letters, read_as_digit=8) -> ClaimInputs:
    vae = {
        ("vae", 20): {"test_mse": 0.03, "val_mse": vae_val[20], "per_class_mse": vae_per_class_20},
        ("vae", 50): {"test_mse": 0.03, "val_mse": vae_val[50], "per_class_mse": vae_per_class_50},
        ("vae", 10): {"test_mse": 0.04, "val_mse": vae_val[10], "per_class_mse": vae_per_class_20},
    }
    per_letter = {c: 0.05 + 0.01 * i for i, c in enumerate(letters)}  # the first is the lowest
    return ClaimInputs(
        metrics=vae,
        chosen_latent=10,
        tolerance=0.15,
        figures={
            "anomaly_detection": fig(
                "anomaly_detection",
                auroc={"vae": {"10": 0.9}},
                mean_error_per_outside_class={"vae": per_letter},
                outside_class_read_as={"vae": {"h": {"label": read_as_digit, "share": 0.6}}},
            )
        },
    )


def test_the_source_publications_claims_hold_or_not_on_our_numbers():
    base = [0.02] * 10
    holds = _source_inputs(base, [0.021] * 9 + [0.019], {10: 0.05, 20: 0.03, 50: 0.029}, "hbcdefgijklam")
    rows = verdicts(holds, SOURCE_CLAIMS)
    assert rows["k"]["status"] == HOLDS and "above z=20 for 9 of 10 digits" in rows["k"]["evidence"]
    assert rows["l"]["status"] == HOLDS and rows["l"]["numbers"] == {"chosen_latent": 10, "vae_alone": 20}
    assert rows["m"]["status"] == HOLDS and "VAE #1 of 13" in rows["m"]["evidence"]
    assert rows["n"]["status"] == HOLDS and "reads its reconstructions as VAE 8 (60.0%)" in rows["n"]["evidence"]
    assert rows["o"]["status"] == NOT_EVALUATED and "a–m: there is no Z" in rows["o"]["evidence"]
    assert all(r["source"] for r in rows.values())

    fails = _source_inputs(base, [0.019] * 10, {10: 0.031, 20: 0.03, 50: 0.029}, "bchdefgijklma", read_as_digit=4)
    rows = verdicts(fails, SOURCE_CLAIMS)
    assert {k: r["status"] for k, r in rows.items()} == {
        "k": FAILS,
        "l": FAILS,
        "m": FAILS,
        "n": FAILS,
        "o": NOT_EVALUATED,
    }
    assert rows["l"]["numbers"]["vae_alone"] == 10
    assert "VAE #2 of 13" in rows["m"]["evidence"] and "VAE #3 of 13" in rows["n"]["evidence"]
    # H is the lowest, but the classifier does not read it as an 8
    rows = verdicts(_source_inputs(base, base, {10: 0.05, 20: 0.03, 50: 0.029}, "hbcdefgijklam", 4), SOURCE_CLAIMS)
    assert rows["n"]["status"] == FAILS and rows["n"]["numbers"]["rank_lowest_first"] == {"vae": 1}


def _fashion(inputs: ClaimInputs, outside: str = "mnist") -> ClaimInputs:
    """The same numbers, as if measured on Fashion-MNIST with `outside` as the outside set."""
    inputs = dataclasses.replace(inputs, dataset="fashion-mnist", classes=KNOWN_CLASSES["fashion-mnist"])
    anomaly = dict(inputs.figures["anomaly_detection"])
    anomaly["outside"] = {"name": "MNIST digits", "dataset": outside}
    inputs.figures = {**inputs.figures, "anomaly_detection": anomaly}
    return inputs


MNIST_ONLY = {"c", "g", "h", "k", "l", "m", "n", "o"}


def test_claims_about_mnist_are_not_applicable_on_another_dataset_never_judged():
    rows = {r["id"]: r for r in evaluate(_fashion(good_inputs()), ALL_CLAIMS)}
    for claim in ALL_CLAIMS:
        assert (rows[claim.id]["status"] == NOT_APPLICABLE) == (claim.id in MNIST_ONLY), claim.id
    assert rows["c"]["evidence"] == "not applicable: a claim about mnist, and this run's dataset is fashion-mnist"
    assert rows["c"]["numbers"] == {} and rows["c"]["applies_to"] == ["mnist"] and rows["a"]["applies_to"] == "all"
    assert rows["p"]["status"] == HOLDS and rows["p"]["numbers"]["auroc_at_chosen"]["vae"] > 0.5
    # the claims that apply everywhere speak of this dataset's classes
    assert "recognised as items" in rows["e"]["statement"] and "item classifier" in rows["e"]["rule"]
    assert rows["f"]["statement"] == "The CVAE draws the item it is asked for."
    assert "requested item" in rows["f"]["evidence"]
    for claim_id in set(rows) - MNIST_ONLY:  # "MNIST digits": the outside set's name
        text = rows[claim_id]["statement"] + rows[claim_id]["rule"] + rows[claim_id]["evidence"]
        assert "digit" not in text.replace("MNIST digits", ""), claim_id


def test_the_mnist_outside_claim_needs_mnist_as_the_outside_set():
    rows = verdicts(_fashion(good_inputs(), outside="emnist-letters"))
    assert rows["p"]["status"] == NOT_EVALUATED and "about mnist as the outside set" in rows["p"]["evidence"]


def _with_outside(inputs: ClaimInputs, name: str, dataset: str) -> ClaimInputs:
    anomaly = {**inputs.figures["anomaly_detection"], "outside": {"name": name, "dataset": dataset}}
    return dataclasses.replace(inputs, figures={**inputs.figures, "anomaly_detection": anomaly})


def test_the_letter_claims_need_emnist_letters_as_the_outside_set():
    base = [0.02] * 10
    source = _source_inputs(base, [0.021] * 9 + [0.019], {10: 0.05, 20: 0.03, 50: 0.029}, "hbcdefgijklam")
    for inputs, claims in ((good_inputs(), CLAIMS), (source, SOURCE_CLAIMS)):
        letter_claims = set("ghmn") & {c.id for c in claims}
        assert {verdicts(inputs, claims)[c]["status"] for c in letter_claims} == {HOLDS}
        rows = verdicts(_with_outside(inputs, "MNIST digits", "mnist"), claims)
        for claim_id in letter_claims:
            assert rows[claim_id]["status"] == NOT_EVALUATED, claim_id
            assert "about emnist-letters as the outside set; this run's is MNIST digits" in rows[claim_id]["evidence"]


def test_a_claim_with_a_counterpart_states_what_the_dataset_shows_instead():
    inputs = _fashion(good_inputs())
    rows = {r["id"]: r for r in evaluate_seeds({0: inputs, 1: inputs})}
    c = rows["c"]
    assert c["status"] == NOT_APPLICABLE and c["holds_in"] == 0 and c["seeds_judged"] == 0
    assert {r["status"] for r in c["by_seed"].values()} == {NOT_APPLICABLE}
    # good_inputs' per-class errors: easiest 1, 7, hardest 8, 2 -> Fashion-MNIST's names
    assert c["finding"]["text"].startswith("easiest: Trouser, Sneaker; hardest: Pullover, Bag")
    assert c["finding"]["numbers"]["order_easiest_first"][:2] == [1, 7]
    assert "finding" not in rows["g"]  # not applicable, and no counterpart
    counts = summary(list(rows.values()))
    assert counts[NOT_APPLICABLE] == len(MNIST_ONLY) and sum(counts.values()) == len(ALL_CLAIMS)


def test_overall_verdict_of_a_claim_that_applies_nowhere_here():
    assert overall([NOT_APPLICABLE, NOT_APPLICABLE]) == NOT_APPLICABLE
    assert overall([HOLDS, NOT_APPLICABLE]) == HOLDS
