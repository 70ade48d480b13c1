"""The checks of the study's own claims (study.CLAIMS): check(inputs, **params) -> (holds,
evidence, numbers) on one seed's numbers."""

from __future__ import annotations

from collections.abc import Mapping

from vaelab.publish.claims.core import (
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
from vaelab.publish.formatting import fmt_number, fmt_percent
from vaelab.publish.numbers import NumbersError


def ae_mse_falls(inputs: ClaimInputs):
    mse = series(inputs, "ae")
    if len(mse) < 2:
        raise NotEvaluated(f"the AE was trained at {len(mse)} latent size(s); need at least 2")
    zs = list(mse)
    rises = [(a, b) for a, b in zip(zs, zs[1:]) if mse[b] >= mse[a]]
    chain = " → ".join(f"z={z}: {fmt_number(mse[z])}" for z in zs)
    verdict = (
        "falls at every step"
        if not rises
        else (f"{len(rises)} of {len(zs) - 1} steps do not fall (" + ", ".join(f"z={a}→{b}" for a, b in rises) + ")")
    )
    return (
        not rises,
        f"{chain}; {verdict}",
        {"test_mse": {str(z): v for z, v in mse.items()}, "steps_not_falling": len(rises)},
    )


def vae_plateau(inputs: ClaimInputs, latent: int, threshold: float):
    mse = series(inputs, "vae")
    largest = vae_larger_than(latent, mse)
    gain = (mse[latent] - mse[largest]) / mse[latent]
    change = f"falls by {fmt_percent(gain)}" if gain >= 0 else f"rises by {fmt_percent(-gain)}"
    evidence = (
        f"test MSE z={latent}: {fmt_number(mse[latent])}, z={largest}: {fmt_number(mse[largest])}; it {change} "
        f"(a fall of {fmt_percent(threshold)} or more would refute the claim)"
    )
    pca = {int(k): float(v["test_mse"]) for k, v in (inputs.baselines or {}).get("pca", {}).items()}
    worse = [z for z in mse if z >= latent and z in pca and mse[z] > pca[z]]
    if worse:  # said beside the verdict: past the plateau PCA may do better
        evidence += "; worse than PCA of the same size at " + ", ".join(
            f"z={z} ({fmt_number(mse[z])} vs {fmt_number(pca[z])})" for z in worse
        )
    return (
        gain < threshold,
        evidence,
        {
            f"mse_{latent}": mse[latent],
            "mse_largest": mse[largest],
            "largest": largest,
            "relative_improvement": gain,
            "worse_than_pca_at": worse,
        },
    )


def _mean_per_class(rows: list[list[float]]) -> tuple[list[float], list[int]]:
    """Per-class test MSE averaged over `rows` (one per trained model) and the classes in order,
    easiest first."""
    mean = [sum(r[d] for r in rows) / len(rows) for d in range(len(rows[0]))]
    return mean, sorted(range(len(mean)), key=lambda d: mean[d])


def digit_difficulty(inputs: ClaimInputs, easy: tuple[int, ...], hard: tuple[int, ...], easiest: int, hardest: int):
    rows = [m["per_class_mse"] for m in inputs.metrics.values()]
    if not rows:
        raise NotEvaluated("no model was trained")
    mean, order = _mean_per_class(rows)
    holds = set(easy) <= set(order[:easiest]) and set(hard) <= set(order[-hardest:])
    evidence = f"mean MSE over {len(rows)} models, easiest to hardest: " + ", ".join(
        f"{d} ({fmt_number(mean[d])})" for d in order
    )
    return holds, evidence, {"mean_per_class_mse": mean, "order_easiest_first": order}


def class_difficulty(inputs_by_seed: list[ClaimInputs], shown: int = 2) -> tuple[str, dict]:
    """What a dataset shows in place of claim c: its easiest and hardest classes by per-class test
    MSE averaged over every model, latent size and seed."""
    rows = [m["per_class_mse"] for inputs in inputs_by_seed for m in inputs.metrics.values()]
    if not rows:
        return "no model was trained", {}
    classes = inputs_by_seed[0].classes
    mean, order = _mean_per_class(rows)
    easiest, hardest = order[:shown], order[::-1][:shown]
    text = (
        f"easiest: {', '.join(classes.name(d) for d in easiest)}; hardest: {', '.join(classes.name(d) for d in hardest)} "
        f"(mean test MSE over {len(rows)} trained models, every latent size and seed; easiest to hardest: "
        + ", ".join(f"{classes.name(d)} {fmt_number(mean[d])}" for d in order)
        + ")"
    )
    return text, {"mean_per_class_mse": mean, "order_easiest_first": order}


def ae_beats_pca(inputs: ClaimInputs):
    if inputs.baselines is None:
        raise NotEvaluated("baselines.json is not in this run")
    ae = series(inputs, "ae")
    if not ae:
        raise NotEvaluated("the AE was not trained")
    pca = {int(k): float(v["test_mse"]) for k, v in inputs.baselines["pca"].items()}
    both = [z for z in ae if z in pca]
    if not both:
        raise NotEvaluated("no latent size has both an AE and a PCA baseline")
    wins = [z for z in both if ae[z] < pca[z]]
    evidence = f"AE better at {len(wins)} of {len(both)} sizes; " + ", ".join(
        f"z={z}: AE {fmt_number(ae[z])} vs PCA {fmt_number(pca[z])}" for z in both
    )
    return (
        len(wins) == len(both),
        evidence,
        {"ae": {str(z): ae[z] for z in both}, "pca": {str(z): pca[z] for z in both}, "wins": len(wins)},
    )


def _share_intervals(numbers) -> dict[str, tuple[float, float]]:
    """{sample source: (low, high)} of the generation figure: one seed's Wilson intervals where
    the numbers are a seed's, else those of every seed's samples pooled."""
    if hasattr(numbers, "share_confident_interval"):
        return {k: tuple(v) for k, v in numbers.share_confident_interval.items()}
    return {k: (v.low, v.high) for k, v in numbers.share_confident_pooled.items()}


AE_FAIR_PRIORS = {"ae_gaussian": "a Gaussian", "ae_mixture": "a Gaussian mixture"}


def prior_samples_recognised(inputs: ClaimInputs):
    numbers = figure_numbers(inputs, "generation")
    share = numbers.share_confident
    trained = trained_models(inputs)
    require_models(share, "generation", "share_confident", trained)
    if "ae" not in trained:
        raise NotEvaluated("the AE was not trained")
    missing = sorted(set(AE_FAIR_PRIORS) - set(share))
    if missing:
        raise NumbersError(f"generation.json numbers: 'share_confident' lacks {missing}, the AE's fitted priors")
    others = [m for m in ("vae", "cvae") if m in trained]
    if not others:
        raise NotEvaluated("neither a VAE nor a CVAE was trained")
    interval = _share_intervals(numbers)
    bar = max(interval[k][1] for k in AE_FAIR_PRIORS)  # the better of the AE's fair baselines
    label = {"ae": "AE from N(0, I)", "vae": "VAE", "cvae": "CVAE"}
    label |= {k: f"AE from {v} fitted to its codes" for k, v in AE_FAIR_PRIORS.items()}
    evidence = "share recognised [95% Wilson interval]: " + "; ".join(
        f"{label[k]} {fmt_percent(share[k])} [{fmt_percent(interval[k][0])}, {fmt_percent(interval[k][1])}]"
        for k in ("vae", "cvae", "ae_gaussian", "ae_mixture", "ae")
        if k in share and k in interval
    )
    return (
        all(interval[m][0] > bar for m in others),
        evidence,
        {"share_confident": {k: float(share[k]) for k in share}, "fair_baseline_upper": bar},
    )


def cvae_obeys_label(inputs: ClaimInputs, threshold: float):
    from vaelab.analysis.generation import wilson_interval

    numbers = figure_numbers(inputs, "generation")
    if "cvae" not in trained_models(inputs):
        raise NotEvaluated("the CVAE was not trained")
    accuracy, z, n = numbers.cvae_conditional_accuracy, numbers.chosen_latent, numbers.n_samples
    if accuracy is None:
        raise NumbersError(
            "generation.json numbers: 'cvae_conditional_accuracy' is null though this run trained a CVAE"
        )
    low, high = wilson_interval(round(accuracy * n), n)
    evidence = (
        f"classifier agrees with the requested {inputs.classes.noun} for {fmt_percent(accuracy)} of {n:,} CVAE samples at z={z} "
        f"(95% interval {fmt_percent(low)}–{fmt_percent(high)}; threshold {fmt_percent(threshold)})"
    )
    return low >= threshold, evidence, {"accuracy": float(accuracy), "low": low, "high": high, "latent": z}


def letters_are_anomalies(inputs: ClaimInputs, chance: float):
    auroc = figure_numbers(inputs, "anomaly_detection").auroc
    trained, z = trained_models(inputs), inputs.chosen_latent
    if not trained:
        raise NotEvaluated("no model was trained")
    if z is None:
        raise NotEvaluated("no latent size was chosen")
    require_models(auroc, "anomaly_detection", "auroc", trained)
    table = {m: {int(k): float(v) for k, v in auroc[m].items()} for m in sorted(auroc, key=model_order)}
    for m in sorted(trained, key=model_order):
        if z not in table[m]:
            raise NumbersError(f"anomaly_detection.json numbers: 'auroc.{m}' lacks '{z}', the chosen latent size")
    at_z = {m: t[z] for m, t in table.items() if z in t}
    everything = [v for t in table.values() for v in t.values()]
    evidence = (
        f"AUROC at z={z}: "
        + ", ".join(f"{m.upper()} {v:.3f}" for m, v in at_z.items())
        + f"; all {len(everything)} runs: {min(everything):.3f}–{max(everything):.3f}"
        + f", {sum(v > chance for v in everything)} above {chance}"
    )
    numbers = figure_numbers(inputs, "anomaly_detection")
    elbo = {m: float(t[str(z)]) for m, t in numbers.auroc_neg_elbo.items() if str(z) in t}
    evidence += (
        f"; other scores at z={z}: "
        + "".join(f"{m.upper()} −ELBO {v:.3f}, " for m, v in elbo.items())
        + (f"PCA {float(numbers.auroc_pca[str(z)]):.3f}, " if str(z) in numbers.auroc_pca else "")
        + f"nearest training image {float(numbers.auroc_nearest_image):.3f}"
    )
    return (
        all(v > chance for v in at_z.values()),
        evidence,
        {"auroc_at_chosen": at_z, "latent": z, "min": min(everything), "max": max(everything)},
    )


def outside_are_anomalies(inputs: ClaimInputs, chance: float, outside: str):
    require_outside(inputs, outside)
    return letters_are_anomalies(inputs, chance)


def digit_like_letters(inputs: ClaimInputs, resembles: Mapping[str, tuple[str, ...]], lowest: int):
    require_outside(inputs, "emnist-letters")
    per_letter = figure_numbers(inputs, "anomaly_detection").mean_error_per_outside_class
    trained = trained_models(inputs)
    if not trained:
        raise NotEvaluated("no model was trained")
    require_models(per_letter, "anomaly_detection", "mean_error_per_outside_class", trained)
    tables = [{str(k).lower(): float(v) for k, v in t.items()} for t in per_letter.values()]
    letters = sorted(set.intersection(*(set(t) for t in tables)))
    if len(letters) <= lowest:
        raise NotEvaluated(f"{len(letters)} letters measured; need more than {lowest}")
    mean = {c: sum(t[c] for t in tables) / len(tables) for c in letters}
    order = sorted(letters, key=mean.get)
    like = [(c, d) for d, cs in resembles.items() for c in cs]
    present = [(c, d) for c, d in like if c in mean]
    if not present:
        raise NotEvaluated("none of the digit-like letters " + ", ".join(c for c, _ in like) + " was measured")
    rank = {c: order.index(c) + 1 for c, _ in present}
    evidence = (
        ", ".join(f"{c} (like {d}) is #{rank[c]}" for c, d in present)
        + f" of {len(order)} letters, lowest error first; lowest {lowest}: "
        + ", ".join(f"{c} ({fmt_number(mean[c])})" for c in order[:lowest])
    )
    return (
        all(r <= lowest for r in rank.values()),
        evidence,
        {"rank": rank, "order_lowest_first": order, "mean_error": mean},
    )


IMPUTATION_BASELINES = {"mean_image": "the mean image", "vae": "the plain VAE", "knn": "k-NN"}


def masked_vae_imputes(inputs: ClaimInputs):
    difference = figure_numbers(inputs, "imputation").masked_vae_minus
    if not difference:
        raise NumbersError("imputation.json numbers: 'masked_vae_minus' has no mask kind")
    kinds = list(difference)
    better, parts = {}, []
    for method, name in IMPUTATION_BASELINES.items():
        measured = [k for k in kinds if method in difference[k]]
        if not measured:  # the plain VAE of the masked VAE's latent size is not trained
            parts.append(f"{name}: not measured")
            continue
        better[method] = [k for k in measured if difference[k][method].high < 0]
        worse = [k for k in measured if difference[k][method].low > 0]
        parts.append(
            f"than {name} at {len(better[method])} of {len(measured)} mask kinds"
            + (f" (worse at {', '.join(worse)})" if worse else "")
        )
    evidence = (
        "better "
        + "; ".join(parts)
        + "; "
        + "; ".join(
            f"{k}: "
            + ", ".join(
                f"vs {IMPUTATION_BASELINES[m]} {fmt_number(d.mean)} [{fmt_number(d.low)}, {fmt_number(d.high)}]"
                for m, d in difference[k].items()
            )
            for k in kinds
        )
    )
    holds = all(len(b) == len(kinds) for b in better.values())
    return holds, evidence, {"better_at": better, "mask_kinds": len(kinds)}


def denoising_helps(inputs: ClaimInputs):
    numbers = figure_numbers(inputs, "denoising")
    noisy, denoised, strength, clean = numbers.mse_noisy, numbers.mse_denoised, numbers.noise, numbers.mse_clean
    trained = trained_models(inputs)
    require_models(denoised, "denoising", "mse_denoised", trained)
    require_models(clean, "denoising", "mse_clean", trained)
    cases, wins = 0, 0
    worst, below_floor = {}, {}
    for model in sorted(trained, key=model_order):
        for kind, levels in denoised[model].items():
            if len(noisy.get(kind, ())) != len(levels) or len(strength.get(kind, ())) != len(levels):
                raise NumbersError(
                    f"denoising.json numbers: 'mse_denoised.{model}.{kind}' has {len(levels)} levels; "
                    f"'mse_noisy.{kind}' and 'noise.{kind}' must have as many"
                )
            for level, (before, after) in enumerate(zip(noisy[kind], levels)):
                if before <= clean[model]:  # the noisy input is already as close as the model gets
                    below_floor.setdefault(f"{model}/{kind}", []).append(
                        f"{strength[kind][level]:g} (noisy {fmt_number(before)} ≤ clean-input error {fmt_number(clean[model])})"
                    )
                    continue
                cases += 1
                wins += after < before
                if after >= before:
                    worst.setdefault(f"{model}/{kind}", []).append(f"{strength[kind][level]:g}")
    if not cases:
        raise NotEvaluated("at no noise level does the noise add more error than a model's own reconstruction")
    evidence = f"denoised closer to clean in {wins} of {cases} (model, noise, level) cases judged"
    if worst:
        evidence += "; not at " + "; ".join(f"{k} {', '.join(v)}" for k, v in worst.items())
    if below_floor:
        evidence += "; not judged: " + "; ".join(f"{k} {', '.join(v)}" for k, v in below_floor.items())
    return wins == cases, evidence, {"wins": wins, "cases": cases, "not_judged": sum(map(len, below_floor.values()))}
