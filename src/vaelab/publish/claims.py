"""The study's claims, each checked against this run's numbers.

A claim is a sentence the write-up makes and a rule that decides, from the numbers of
this run, whether it holds. The report shows every claim with its verdict and the numbers
beside it: a claim that does not hold is reported, never hidden; a claim whose numbers
are missing (a model or figure not built) is "not evaluated", with the reason.

`evaluate(ClaimInputs(...))` -> list of plain dicts (JSON-ready), one per claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

HOLDS = "holds"
FAILS = "does not hold"
NOT_EVALUATED = "not evaluated"

# Letters that look like a digit: (letter, digit it resembles).
DIGIT_LIKE_LETTERS = (("i", "1"), ("l", "1"), ("b", "6"), ("g", "9"))


class NotEvaluated(Exception):
    """The numbers a claim needs are not in this run."""


@dataclass
class ClaimInputs:
    metrics: dict[tuple[str, int], dict] = field(default_factory=dict)  # (model, latent) -> metrics.json
    baselines: dict | None = None  # baselines.json
    chosen_latent: int | None = None  # selected_latent.json's chosen_latent
    figures: dict[str, dict] = field(default_factory=dict)  # figure name -> its JSON's "numbers"


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    rule: str  # the exact check, in words
    sources: tuple[str, ...]  # figure names (or files) the numbers come from
    check: Callable[[ClaimInputs], tuple[bool, str, dict]]


# --- reading numbers -------------------------------------------------------------------
def _figure(inputs: ClaimInputs, name: str, *keys: str):
    """inputs.figures[name][key0][key1]..., or NotEvaluated naming what is missing."""
    if name not in inputs.figures:
        raise NotEvaluated(f"figure {name} is not in this run")
    value = inputs.figures[name]
    path = f"{name}.json numbers"
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise NotEvaluated(f"{path} has no '{key}'")
        value, path = value[key], f"{path}.{key}"
    return value


def _series(inputs: ClaimInputs, model: str, key: str = "test_mse") -> dict[int, float]:
    """{latent: metrics[key]} of one model, sorted by latent size."""
    return {z: float(m[key]) for (name, z), m in sorted(inputs.metrics.items()) if name == model}


def _by_latent(value, chosen: int | None) -> dict[int, float]:
    """{latent: x} from either {latent: x} or a single number (taken to be at the chosen latent)."""
    if value is None:
        raise NotEvaluated("the value is null (the model was not in this run)")
    if isinstance(value, dict):
        return {int(z): float(v) for z, v in value.items()}
    if chosen is None:
        raise NotEvaluated("a single value is given but no latent size was chosen")
    return {chosen: float(value)}


def _model_order(name: str) -> tuple[int, str]:
    """ae, vae, cvae first, in the study's order; anything else after, alphabetically."""
    order = ("ae", "vae", "cvae")
    return (order.index(name) if name in order else len(order), name)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


# --- the claims ----------------------------------------------------------------------
def ae_mse_falls(inputs: ClaimInputs):
    mse = _series(inputs, "ae")
    if len(mse) < 2:
        raise NotEvaluated(f"the AE was trained at {len(mse)} latent size(s); need at least 2")
    zs = list(mse)
    rises = [(a, b) for a, b in zip(zs, zs[1:]) if mse[b] >= mse[a]]
    chain = " → ".join(f"z={z}: {_fmt(mse[z])}" for z in zs)
    verdict = "falls at every step" if not rises else (
        f"{len(rises)} of {len(zs) - 1} steps do not fall ("
        + ", ".join(f"z={a}→{b}" for a, b in rises) + ")")
    return not rises, f"{chain}; {verdict}", {"test_mse": {str(z): v for z, v in mse.items()}, "steps_not_falling": len(rises)}


def vae_plateau_after_20(inputs: ClaimInputs, threshold: float = 0.10):
    mse = _series(inputs, "vae")
    if 20 not in mse:
        raise NotEvaluated(f"the VAE was not trained at latent size 20 (sizes: {sorted(mse) or 'none'})")
    largest = max(mse)
    if largest <= 20:
        raise NotEvaluated("no VAE larger than latent size 20 was trained")
    gain = (mse[20] - mse[largest]) / mse[20]
    evidence = (f"test MSE z=20: {_fmt(mse[20])}, z={largest}: {_fmt(mse[largest])}; "
                f"relative improvement {_pct(gain)} (threshold {_pct(threshold)})")
    return gain < threshold, evidence, {"mse_20": mse[20], "mse_largest": mse[largest], "largest": largest,
                                         "relative_improvement": gain}


def digit_difficulty(inputs: ClaimInputs):
    rows = [m["per_digit_mse"] for m in inputs.metrics.values() if m.get("per_digit_mse")]
    if not rows:
        raise NotEvaluated("no metrics.json with per_digit_mse")
    if any(len(r) != 10 for r in rows):
        raise NotEvaluated("per_digit_mse does not have 10 entries")
    mean = [sum(r[d] for r in rows) / len(rows) for d in range(10)]
    order = sorted(range(10), key=lambda d: mean[d])  # easiest first
    easiest, hardest = order[:3], order[-4:]
    holds = {1, 7} <= set(easiest) and {2, 8} <= set(hardest)
    evidence = (f"mean MSE over {len(rows)} models, easiest to hardest: "
                + ", ".join(f"{d} ({_fmt(mean[d])})" for d in order))
    return holds, evidence, {"mean_per_digit_mse": mean, "order_easiest_first": order}


def ae_beats_pca(inputs: ClaimInputs):
    if not inputs.baselines or "pca" not in inputs.baselines:
        raise NotEvaluated("baselines.json has no PCA baseline")
    ae = _series(inputs, "ae")
    pca = {int(k): float(v["test_mse"]) for k, v in inputs.baselines["pca"].items()}
    both = [z for z in ae if z in pca]
    if not both:
        raise NotEvaluated("no latent size has both an AE and a PCA baseline")
    wins = [z for z in both if ae[z] < pca[z]]
    evidence = f"AE better at {len(wins)} of {len(both)} sizes; " + ", ".join(
        f"z={z}: AE {_fmt(ae[z])} vs PCA {_fmt(pca[z])}" for z in both)
    return len(wins) == len(both), evidence, {"ae": {str(z): ae[z] for z in both},
                                              "pca": {str(z): pca[z] for z in both}, "wins": len(wins)}


def noise_decodes_to_digits(inputs: ClaimInputs):
    share = _figure(inputs, "generation", "share_confident")
    if "ae" not in share:
        raise NotEvaluated("generation.json has no AE share")
    others = {m: float(share[m]) for m in ("vae", "cvae") if m in share}
    if not others:
        raise NotEvaluated("generation.json has neither a VAE nor a CVAE share")
    ae = float(share["ae"])
    evidence = f"AE {_pct(ae)}; " + ", ".join(f"{m.upper()} {_pct(v)}" for m, v in others.items())
    return all(v > ae for v in others.values()), evidence, {"share_confident": {"ae": ae, **others}}


def cvae_obeys_label(inputs: ClaimInputs, threshold: float = 0.8):
    acc = _by_latent(_figure(inputs, "generation", "cvae_conditional_accuracy"), inputs.chosen_latent)
    z = inputs.chosen_latent if inputs.chosen_latent in acc else max(acc)
    evidence = f"classifier agrees with the requested digit for {_pct(acc[z])} of CVAE samples at z={z} (threshold {_pct(threshold)})"
    if len(acc) > 1:
        evidence += f"; range over latent sizes {_pct(min(acc.values()))}–{_pct(max(acc.values()))}"
    return acc[z] >= threshold, evidence, {"accuracy": acc[z], "latent": z}


def letters_are_anomalies(inputs: ClaimInputs):
    auroc = _figure(inputs, "anomaly_detection", "auroc")
    if not isinstance(auroc, dict) or not auroc:
        raise NotEvaluated("anomaly_detection.json auroc is not a {model: {latent: AUROC}} table")
    table = {m: _by_latent(auroc[m], inputs.chosen_latent) for m in sorted(auroc, key=_model_order)}
    z = inputs.chosen_latent
    at_z = {m: t[z] for m, t in table.items() if z in t}
    if not at_z:
        raise NotEvaluated(f"no AUROC at the chosen latent size {z}")
    everything = [v for t in table.values() for v in t.values()]
    evidence = (f"AUROC at z={z}: " + ", ".join(f"{m.upper()} {v:.3f}" for m, v in at_z.items())
                + f"; all {len(everything)} runs: {min(everything):.3f}–{max(everything):.3f}"
                + f", {sum(v > 0.5 for v in everything)} above 0.5")
    return all(v > 0.5 for v in at_z.values()), evidence, {"auroc_at_chosen": at_z, "latent": z,
                                                           "min": min(everything), "max": max(everything)}


def digit_like_letters(inputs: ClaimInputs, lowest: int = 5):
    per_letter = _figure(inputs, "anomaly_detection", "mean_error_per_letter")
    if per_letter and all(not isinstance(v, dict) for v in per_letter.values()):
        per_letter = {"model": per_letter}  # a single model's {letter: error}
    tables = [{str(k).lower(): float(v) for k, v in t.items()} for t in per_letter.values()]
    letters = sorted(set.intersection(*(set(t) for t in tables))) if tables else []
    if len(letters) <= lowest:
        raise NotEvaluated(f"{len(letters)} letters measured; need more than {lowest}")
    mean = {c: sum(t[c] for t in tables) / len(tables) for c in letters}
    order = sorted(letters, key=mean.get)
    present = [(c, d) for c, d in DIGIT_LIKE_LETTERS if c in mean]
    if not present:
        raise NotEvaluated("none of the digit-like letters " + ", ".join(c for c, _ in DIGIT_LIKE_LETTERS) + " was measured")
    rank = {c: order.index(c) + 1 for c, _ in present}
    evidence = (", ".join(f"{c} (like {d}) is #{rank[c]}" for c, d in present)
                + f" of {len(order)} letters, lowest error first; lowest {lowest}: "
                + ", ".join(f"{c} ({_fmt(mean[c])})" for c in order[:lowest]))
    return all(r <= lowest for r in rank.values()), evidence, {"rank": rank, "order_lowest_first": order,
                                                                "mean_error": mean}


def masked_vae_imputes(inputs: ClaimInputs):
    mse = _figure(inputs, "imputation", "mse_missing")
    kinds = [k for k, v in mse.items() if "masked_vae" in v and "mean_image" in v]
    if not kinds:
        raise NotEvaluated("imputation.json has no mask kind with both masked_vae and mean_image")
    wins = [k for k in kinds if mse[k]["masked_vae"] < mse[k]["mean_image"]]
    evidence = f"better at {len(wins)} of {len(kinds)} mask kinds; " + ", ".join(
        f"{k}: {_fmt(mse[k]['masked_vae'])} vs {_fmt(mse[k]['mean_image'])}" for k in kinds)
    return len(wins) == len(kinds), evidence, {"wins": len(wins), "mask_kinds": len(kinds)}


def denoising_helps(inputs: ClaimInputs):
    noisy = _figure(inputs, "denoising", "mse_noisy")
    denoised = _figure(inputs, "denoising", "mse_denoised")
    strength = inputs.figures["denoising"].get("noise", {})  # {kind: [level values]}, when given
    cases, wins, skipped = 0, 0, 0
    worst = {}
    for model, by_kind in denoised.items():
        for kind, levels in by_kind.items():
            if kind not in noisy:
                continue
            for level, (before, after) in enumerate(zip(noisy[kind], levels)):
                if before <= 0:  # no noise at this level: nothing to remove
                    skipped += 1
                    continue
                cases += 1
                wins += after < before
                if after >= before:
                    names = strength.get(kind) if isinstance(strength, dict) else None
                    label = names[level] if isinstance(names, list) and level < len(names) else f"#{level}"
                    worst.setdefault(f"{model}/{kind}", []).append(str(label))
    if not cases:
        raise NotEvaluated("denoising.json has no noisy level with a denoised counterpart")
    evidence = f"denoised closer to clean in {wins} of {cases} (model, noise, level) cases"
    if worst:
        evidence += "; not at " + "; ".join(f"{k} {', '.join(v)}" for k, v in worst.items())
    if skipped:
        evidence += f"; {skipped} noise-free case(s) skipped"
    return wins == cases, evidence, {"wins": wins, "cases": cases}


CLAIMS = (
    Claim("a", "The AE's test error falls as the latent space grows.",
          "AE test MSE strictly decreases from each trained latent size to the next.",
          ("metrics",), ae_mse_falls),
    Claim("b", "The VAE's test error barely improves past a latent size of 20.",
          "Relative drop in VAE test MSE from z=20 to the largest trained size is below 10%.",
          ("metrics",), vae_plateau_after_20),
    Claim("c", "Digits 1 and 7 are the easiest to reconstruct; 2 and 8 are among the hardest.",
          "Per-digit test MSE averaged over every model and latent size: 1 and 7 are both among the "
          "3 lowest, 2 and 8 both among the 4 highest.",
          ("metrics", "per_digit_mse"), digit_difficulty),
    Claim("d", "The AE beats PCA with the same number of dimensions.",
          "AE test MSE < PCA test MSE (baselines.json) at every latent size trained for both.",
          ("metrics", "baselines"), ae_beats_pca),
    Claim("e", "Decoded noise from the VAE and CVAE is more often recognised as a digit than from the AE.",
          "Share of decoded N(0, I) samples the digit classifier labels confidently: VAE and CVAE both above the AE.",
          ("generation",), noise_decodes_to_digits),
    Claim("f", "The CVAE draws the digit it is asked for.",
          "Classifier accuracy on CVAE samples against the requested digit is at least 80% at the chosen latent size.",
          ("generation",), cvae_obeys_label),
    Claim("g", "Letters have higher reconstruction error than digits.",
          "AUROC of reconstruction error separating EMNIST letters from MNIST test digits is above 0.5 "
          "for every model at the chosen latent size.",
          ("anomaly_detection",), letters_are_anomalies),
    Claim("h", "Letters that resemble digits (i and l like 1, b like 6, g like 9) have the lowest errors among letters.",
          "Mean reconstruction error per letter, averaged over models: every digit-like letter measured is "
          "among the 5 lowest.",
          ("anomaly_detection",), digit_like_letters),
    Claim("i", "The masked VAE imputes missing pixels better than the mean image.",
          "MSE on the missing pixels: masked VAE below the mean image for every mask kind.",
          ("imputation",), masked_vae_imputes),
    Claim("j", "Denoised images are closer to the clean ones than the noisy inputs are.",
          "MSE to the clean image: denoised below noisy for every model, noise kind and noise level (noise-free levels skipped).",
          ("denoising",), denoising_helps),
)


def evaluate(inputs: ClaimInputs, claims: tuple[Claim, ...] = CLAIMS) -> list[dict]:
    """Every claim with its verdict. Never raises for missing or oddly shaped numbers:
    those claims come back "not evaluated" with the reason."""
    out = []
    for claim in claims:
        row = {"id": claim.id, "statement": claim.statement, "rule": claim.rule, "sources": list(claim.sources)}
        try:
            holds, evidence, numbers = claim.check(inputs)
            row.update(status=HOLDS if holds else FAILS, evidence=evidence, numbers=numbers)
        except NotEvaluated as e:
            row.update(status=NOT_EVALUATED, evidence=f"not evaluated: {e}", numbers={})
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            row.update(status=NOT_EVALUATED, evidence=f"not evaluated: unexpected input format ({type(e).__name__}: {e})",
                       numbers={})
        out.append(row)
    return out


def summary(rows: list[dict]) -> dict[str, int]:
    return {status: sum(r["status"] == status for r in rows) for status in (HOLDS, FAILS, NOT_EVALUATED)}
