"""What the two publications the study follows state (SOURCE_CLAIMS), in the report's words and
checked on this run's numbers, each with its source named."""

from __future__ import annotations

from vaelab.publish.claims.core import (
    Claim,
    ClaimInputs,
    NotEvaluated,
    figure_numbers,
    model_order,
    require_models,
    require_outside,
    series,
    trained_models,
    vae_larger_than,
)
from vaelab.publish.formatting import fmt_percent
from vaelab.publish.numbers import NumbersError

# the publications the study follows, as SOURCE_CLAIMS name them
AE_VAE_CVAE_STUDY = "the AE/VAE/CVAE study of MNIST the study follows"
VAE_APPLICATIONS = "the VAE applications publication the study follows"


def vae_worse_past(inputs: ClaimInputs, latent: int, nearly_all: int):
    runs = {z: m["per_class_mse"] for (name, z), m in inputs.metrics.items() if name == "vae"}
    largest = vae_larger_than(latent, runs)
    worse = [d for d in range(10) if runs[largest][d] > runs[latent][d]]
    evidence = (
        f"VAE test MSE at z={largest} above z={latent} for {len(worse)} of 10 digits"
        + (f" ({', '.join(map(str, worse))})" if worse else "")
        + f"; need at least {nearly_all}"
    )
    return len(worse) >= nearly_all, evidence, {"digits_worse": worse, "largest": largest}


def vae_picks_latent(inputs: ClaimInputs, latent: int):
    from vaelab.analysis.selection import choose_latent

    vae = series(inputs, "vae", "val_mse")
    if not vae:
        raise NotEvaluated("the VAE was not trained")
    if inputs.tolerance is None or inputs.chosen_latent is None:
        raise NotEvaluated("no latent size was chosen")
    if latent not in vae:
        raise NotEvaluated(
            f"the VAE was not trained at latent size {latent} (sizes: {', '.join(map(str, sorted(vae)))})"
        )
    alone = choose_latent({"vae": vae}, inputs.tolerance)
    evidence = (
        f"the selection rule (all models, seeds averaged) picks z={inputs.chosen_latent}; "
        f"on this seed's VAE validation MSE alone it picks z={alone}"
    )
    return alone == latent, evidence, {"chosen_latent": inputs.chosen_latent, "vae_alone": alone}


def _letter_ranks(inputs: ClaimInputs, letter: str) -> dict[str, tuple[int, int]]:
    """{model: (rank of `letter` by mean error, highest first; number of letters)}."""
    require_outside(inputs, "emnist-letters")
    per_letter = figure_numbers(inputs, "anomaly_detection").mean_error_per_outside_class
    require_models(per_letter, "anomaly_detection", "mean_error_per_outside_class", trained_models(inputs))
    ranks = {}
    for model in sorted(per_letter, key=model_order):
        errors = {str(k).lower(): float(v) for k, v in per_letter[model].items()}
        if letter not in errors:
            raise NotEvaluated(f"letter {letter.upper()} was not measured")
        order = sorted(errors, key=errors.get, reverse=True)
        ranks[model] = (order.index(letter) + 1, len(order))
    if not ranks:
        raise NotEvaluated("no model was trained")
    return ranks


def letter_hardest(inputs: ClaimInputs, letter: str):
    ranks = _letter_ranks(inputs, letter)
    evidence = f"{letter.upper()} by mean reconstruction error, highest first: " + ", ".join(
        f"{m.upper()} #{r} of {n}" for m, (r, n) in ranks.items()
    )
    return (
        all(r == 1 for r, _ in ranks.values()),
        evidence,
        {"rank_highest_first": {m: r for m, (r, _) in ranks.items()}},
    )


def letter_easiest(inputs: ClaimInputs, letter: str, digit: int):
    ranks = _letter_ranks(inputs, letter)
    lowest = {m: n + 1 - r for m, (r, n) in ranks.items()}
    evidence = f"{letter.upper()} by mean reconstruction error, lowest first: " + ", ".join(
        f"{m.upper()} #{lowest[m]} of {n}" for m, (_, n) in ranks.items()
    )
    read_as = {
        m: by_letter[letter]
        for m, by_letter in sorted(
            figure_numbers(inputs, "anomaly_detection").outside_class_read_as.items(),
            key=lambda kv: model_order(kv[0]),
        )
        if letter in by_letter
    }
    if read_as:
        evidence += "; the digit classifier reads its reconstructions as " + ", ".join(
            f"{m.upper()} {r.label} ({fmt_percent(r.share)})" for m, r in read_as.items()
        )
    if set(read_as) != set(lowest):
        raise NumbersError(
            f"anomaly_detection.json numbers: 'outside_class_read_as' lacks letter '{letter}' of some model"
        )
    return (
        all(r == 1 for r in lowest.values()) and all(r.label == digit for r in read_as.values()),
        evidence,
        {"rank_lowest_first": lowest, "read_as": {m: r.label for m, r in read_as.items()}},
    )


def letter_not_shipped(inputs: ClaimInputs, letter: str):
    raise NotEvaluated(f"the shipped EMNIST letters are a–m: there is no {letter.upper()}")


SOURCE_CLAIMS = (
    Claim(
        "k",
        "Past a latent size of {latent}, the VAE's reconstruction error gets slightly worse for nearly all digits.",
        "VAE per-digit test MSE at the largest trained latent size above that at z={latent} for at least "
        "{nearly_all} of the 10 digits.",
        ("metrics", "per_class_mse"),
        vae_worse_past,
        {"latent": 20, "nearly_all": 8},
        AE_VAE_CVAE_STUDY,
        ("mnist",),
    ),
    Claim(
        "l",
        "The VAE's validation errors lead to a latent size of {latent}.",
        "The selection rule (config model_selection) applied to the VAE's validation MSE alone picks z={latent}; "
        "the evidence also gives what the rule picks over every model.",
        ("metrics", "model_selection"),
        vae_picks_latent,
        {"latent": 20},
        AE_VAE_CVAE_STUDY,
        ("mnist",),
    ),
    Claim(
        "m",
        "The letter {letter} is the most distorted: it has the highest reconstruction error.",
        "Mean reconstruction error per letter (a–m) at the chosen latent size: {letter} is the highest for every model.",
        ("anomaly_detection",),
        letter_hardest,
        {"letter": "m"},
        VAE_APPLICATIONS,
        ("mnist",),
    ),
    Claim(
        "n",
        "The letter {letter} is reconstructed to resemble a digit {digit} and has the lowest error among the letters.",
        "Mean reconstruction error per letter (a–m) at the chosen latent size: {letter} is the lowest for every "
        "model, and the digit classifier reads most of its reconstructions as {digit} for every model.",
        ("anomaly_detection",),
        letter_easiest,
        {"letter": "h", "digit": 8},
        VAE_APPLICATIONS,
        ("mnist",),
    ),
    Claim(
        "o",
        "The letter {letter} is reconstructed relatively well.",
        "Not checkable here: the shipped letters are a–m.",
        ("anomaly_detection",),
        letter_not_shipped,
        {"letter": "z"},
        VAE_APPLICATIONS,
        ("mnist",),
    ),
)
