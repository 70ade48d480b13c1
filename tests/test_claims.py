"""Claims on synthetic numbers: each can hold, fail, or be not evaluated, and none raises."""

import pytest

from vaelab.publish.claims import CLAIMS, FAILS, HOLDS, NOT_EVALUATED, ClaimInputs, evaluate, summary


def metrics(mse: dict[tuple[str, int], float], per_digit=None) -> dict:
    per_digit = per_digit or [0.05, 0.01, 0.09, 0.05, 0.04, 0.06, 0.05, 0.02, 0.08, 0.03]
    return {k: {"test_mse": v, "per_digit_mse": per_digit} for k, v in mse.items()}


def verdicts(inputs: ClaimInputs) -> dict[str, dict]:
    return {row["id"]: row for row in evaluate(inputs)}


GOOD = ClaimInputs(
    metrics=metrics({("ae", 2): 0.05, ("ae", 10): 0.03, ("ae", 20): 0.02, ("ae", 50): 0.015,
                     ("vae", 2): 0.05, ("vae", 20): 0.030, ("vae", 50): 0.029,
                     ("cvae", 2): 0.045, ("cvae", 20): 0.03}),
    baselines={"mean_image": {"test_mse": 0.07},
               "pca": {"2": {"test_mse": 0.055}, "10": {"test_mse": 0.034}, "20": {"test_mse": 0.025}, "50": {"test_mse": 0.016}}},
    chosen_latent=20,
    figures={
        "generation": {"share_confident": {"ae": 0.4, "vae": 0.7, "cvae": 0.8}, "cvae_conditional_accuracy": 0.93},
        "anomaly_detection": {
            "auroc": {"ae": {"2": 0.7, "20": 0.9}, "vae": {"2": 0.6, "20": 0.85}},
            "mean_error_per_letter": {
                "ae": {c: 0.05 + 0.01 * i for i, c in enumerate("lbgiacdefhjkm")},
                "vae": {c: 0.06 + 0.01 * i for i, c in enumerate("lgbiacdefhjkm")},
            },
        },
        "imputation": {"mse_missing": {"half": {"masked_vae": 0.04, "mean_image": 0.08, "knn": 0.05, "vae": 0.06},
                                       "square": {"masked_vae": 0.03, "mean_image": 0.07, "knn": 0.04, "vae": 0.05}}},
        "denoising": {"mse_noisy": {"gaussian": [0.0, 0.1, 0.2]},
                      "mse_denoised": {"ae": {"gaussian": [0.02, 0.03, 0.05]}, "vae": {"gaussian": [0.03, 0.04, 0.06]}},
                      "noise": {"gaussian": [0.0, 0.3, 0.5]}},
    },
)


def test_every_claim_holds_on_numbers_made_to_hold():
    rows = verdicts(GOOD)
    assert {k: r["status"] for k, r in rows.items()} == {c.id: HOLDS for c in CLAIMS}
    assert rows["a"]["numbers"]["steps_not_falling"] == 0
    assert rows["b"]["numbers"]["relative_improvement"] == pytest.approx(1 / 30)
    assert rows["c"]["numbers"]["order_easiest_first"][:3] == [1, 7, 9]
    assert rows["d"]["numbers"]["wins"] == 4
    assert rows["h"]["numbers"]["rank"]["l"] == 1 and set(rows["h"]["numbers"]["rank"].values()) == {1, 2, 3, 4}
    assert rows["j"]["numbers"] == {"wins": 4, "cases": 4}  # the noise-free level is skipped
    assert "2 noise-free case(s) skipped" in rows["j"]["evidence"]
    assert summary(list(rows.values())) == {HOLDS: 10, FAILS: 0, NOT_EVALUATED: 0}


def test_ae_beats_pca_counts_every_shared_size():
    rows = verdicts(GOOD)
    # AE at 2, 10, 20, 50; PCA at 2, 10, 20, 50: all four shared
    assert rows["d"]["evidence"].startswith("AE better at 4 of 4 sizes")


def test_claims_that_do_not_hold_are_reported_with_numbers():
    bad = ClaimInputs(
        metrics=metrics({("ae", 2): 0.05, ("ae", 10): 0.06, ("ae", 20): 0.04, ("vae", 20): 0.04, ("vae", 50): 0.03},
                        per_digit=[0.01, 0.09, 0.02, 0.05, 0.04, 0.06, 0.05, 0.08, 0.03, 0.07]),
        baselines={"pca": {"2": {"test_mse": 0.04}, "10": {"test_mse": 0.07}}},
        chosen_latent=20,
        figures={
            "generation": {"share_confident": {"ae": 0.6, "vae": 0.7, "cvae": 0.5}, "cvae_conditional_accuracy": 0.5},
            "anomaly_detection": {"auroc": {"ae": {"20": 0.45}, "vae": {"20": 0.8}},
                                  "mean_error_per_letter": {"ae": {c: 0.01 * i for i, c in enumerate("iacdefhjklbgm")}}},
            "imputation": {"mse_missing": {"half": {"masked_vae": 0.09, "mean_image": 0.08}}},
            "denoising": {"mse_noisy": {"gaussian": [0.01, 0.1]}, "mse_denoised": {"ae": {"gaussian": [0.03, 0.05]}},
                          "noise": {"gaussian": [0.1, 0.5]}},
        },
    )
    rows = verdicts(bad)
    assert {k: r["status"] for k, r in rows.items()} == {c.id: FAILS for c in CLAIMS}
    assert rows["a"]["numbers"]["steps_not_falling"] == 1
    assert "1 of 2 steps do not fall (z=2→10)" in rows["a"]["evidence"]
    assert rows["b"]["numbers"]["relative_improvement"] == pytest.approx(0.25)
    assert rows["d"]["numbers"]["wins"] == 1
    assert rows["g"]["numbers"]["auroc_at_chosen"] == {"ae": 0.45, "vae": 0.8}
    assert rows["h"]["numbers"]["rank"] == {"i": 1, "l": 10, "b": 11, "g": 12}
    assert rows["j"]["numbers"] == {"wins": 1, "cases": 2}
    assert "ae/gaussian 0.1" in rows["j"]["evidence"]


def test_missing_inputs_are_not_evaluated_with_a_reason():
    rows = verdicts(ClaimInputs(metrics=metrics({("ae", 2): 0.05, ("vae", 2): 0.05, ("vae", 10): 0.04})))
    assert {r["status"] for k, r in rows.items() if k != "c"} == {NOT_EVALUATED}
    assert rows["c"]["status"] in (HOLDS, FAILS)  # per-digit errors are there
    assert "at 1 latent size" in rows["a"]["evidence"]
    assert "not trained at latent size 20" in rows["b"]["evidence"]
    assert "no PCA baseline" in rows["d"]["evidence"]
    assert "figure generation is not in this run" in rows["e"]["evidence"]
    assert "figure denoising is not in this run" in rows["j"]["evidence"]


def test_missing_keys_and_odd_shapes_are_not_evaluated_not_raised():
    inputs = ClaimInputs(figures={
        "generation": {"share_confident": {"vae": 0.5}},  # no AE
        "anomaly_detection": {"auroc": "high"},  # not a table
        "imputation": {"mse_missing": {"half": {"knn": 0.1}}},  # no masked VAE
        "denoising": {"mse_noisy": {"gaussian": [0.1]}},  # no denoised
    })
    rows = verdicts(inputs)
    assert all(r["status"] == NOT_EVALUATED for r in rows.values())
    assert "no AE share" in rows["e"]["evidence"]
    assert "no 'cvae_conditional_accuracy'" in rows["f"]["evidence"]
    assert "no 'mse_denoised'" in rows["j"]["evidence"]
    assert "masked_vae and mean_image" in rows["i"]["evidence"]


def test_vae_plateau_needs_a_size_above_20():
    rows = verdicts(ClaimInputs(metrics=metrics({("vae", 10): 0.05, ("vae", 20): 0.04})))
    assert rows["b"]["status"] == NOT_EVALUATED
    assert "no VAE larger than latent size 20" in rows["b"]["evidence"]


def test_null_accuracy_is_not_evaluated():
    row = verdicts(ClaimInputs(chosen_latent=10, figures={"generation": {"cvae_conditional_accuracy": None}}))["f"]
    assert row["status"] == NOT_EVALUATED and "null" in row["evidence"]


def test_single_number_accuracy_is_taken_at_the_chosen_latent():
    inputs = ClaimInputs(chosen_latent=10, figures={"generation": {"cvae_conditional_accuracy": {"2": 0.5, "10": 0.85}}})
    row = verdicts(inputs)["f"]
    assert row["status"] == HOLDS and row["numbers"] == {"accuracy": 0.85, "latent": 10}
    assert "range over latent sizes 50.0%–85.0%" in row["evidence"]
