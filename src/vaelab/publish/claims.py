"""The study's claims, each checked against this run's numbers.

A claim is a sentence the write-up makes and a rule that decides, from the numbers of
this run, whether it holds. The report shows every claim with its verdict and the numbers
beside it: a claim that does not hold is reported, never hidden. A claim whose numbers the
config did not ask for (a model, a latent size or a figure not in this run) is "not
evaluated", with the reason. Numbers of the wrong shape are a bug in the code that wrote
them: NumbersError, naming the file and the key, fails the report.

A claim's thresholds live once, in its `params`: the check receives them as arguments and
its statement and rule are formatted from them.

Every claim is judged on each training seed (replicate) on its own: `evaluate_seeds({seed:
ClaimInputs})` gives each claim its verdict per seed and overall: *holds* on every seed judged,
*does not hold* on none, *unstable* on some. Beside the study's own claims, SOURCE_CLAIMS put
what the two publications the study follows state in the report's words, with the source named.

A claim declares the datasets it is about (`applies_to`; None: any). On another dataset it is
*not applicable*, with the reason, never judged; where it has a natural counterpart (the easiest
and hardest classes) the report states what this dataset shows instead, as a finding.

`evaluate(ClaimInputs(...))` -> list of plain dicts (JSON-ready), one per claim, for one seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vaelab.data.classes import KNOWN_CLASSES, Classes
from vaelab.publish.formatting import fmt_number, fmt_percent
from vaelab.publish.numbers import BASELINES, METRICS, NumbersError, check_numbers, check_shape
from vaelab.runs import MODEL_NAMES

HOLDS = "holds"
FAILS = "does not hold"
UNSTABLE = "unstable"  # holds on some seeds, not on others
NOT_EVALUATED = "not evaluated"
NOT_APPLICABLE = "not applicable"  # a claim about another dataset: never judged here

# the publications the study follows, as SOURCE_CLAIMS name them
AE_VAE_CVAE_STUDY = "the AE/VAE/CVAE study of MNIST the study follows"
VAE_APPLICATIONS = "the VAE applications publication the study follows"


class NotEvaluated(Exception):
    """The numbers a claim needs are not in this run because the config did not ask for them."""


@dataclass
class ClaimInputs:
    metrics: dict[tuple[str, int], dict] = field(default_factory=dict)  # (model, latent) -> metrics.json
    baselines: dict | None = None  # baselines.json
    chosen_latent: int | None = None  # selected_latent.json's chosen_latent
    figures: dict[str, dict] = field(default_factory=dict)  # figure name -> its JSON's "numbers" (of this seed)
    tolerance: float | None = None  # selected_latent.json's tolerance: the selection rule, for claim l
    dataset: str = "mnist"  # the run's dataset: which claims apply
    classes: Classes = KNOWN_CLASSES["mnist"]  # what its classes are called, for the claims' words


def _words(value):
    """A parameter as the claim's text says it: (1, 7) -> "1 and 7";
    {"1": ("i", "l"), "6": ("b",)} -> "i and l like 1, b like 6"; anything else unchanged."""
    if isinstance(value, Mapping):
        return ", ".join(f"{_words(tuple(v))} like {k}" for k, v in value.items())
    if isinstance(value, (tuple, list)):
        items = [str(v) for v in value]
        return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)
    return value


@dataclass(frozen=True)
class Claim:
    id: str
    statement_template: str  # str.format fields name entries of `params`
    rule_template: str  # the exact check, in words
    sources: tuple[str, ...]  # figure names (or files) the numbers come from
    check: Callable[..., tuple[bool, str, dict]]  # check(inputs, **params) -> (holds, evidence, numbers)
    params: Mapping[str, object] = field(default_factory=dict)  # thresholds and the like, used by check and text
    source: str | None = None  # the publication that states it (None: the study's own claim)
    applies_to: tuple[str, ...] | None = None  # the datasets it is about; None: any
    # what the dataset shows where the claim does not apply: finding(inputs of every seed) -> (text, numbers)
    finding: Callable[..., tuple[str, dict]] | None = None

    def _text(self, template: str, classes: Classes) -> str:
        words = {"noun": classes.noun, "nouns": classes.plural}
        return template.format(**words, **{k: _words(v) for k, v in self.params.items()})

    def statement_for(self, classes: Classes) -> str:
        return self._text(self.statement_template, classes)

    def rule_for(self, classes: Classes) -> str:
        return self._text(self.rule_template, classes)

    @property
    def statement(self) -> str:
        """The statement in MNIST's words (`statement_for` another dataset's)."""
        return self.statement_for(KNOWN_CLASSES["mnist"])

    @property
    def rule(self) -> str:
        return self.rule_for(KNOWN_CLASSES["mnist"])

    def applies(self, dataset: str) -> bool:
        return self.applies_to is None or dataset in self.applies_to

    def not_applicable_reason(self, dataset: str) -> str:
        return f"not applicable: a claim about {', '.join(self.applies_to)}, and this run's dataset is {dataset}"


# --- reading numbers -------------------------------------------------------------------
def _figure(inputs: ClaimInputs, name: str) -> dict:
    """A figure's numbers (already checked against its shape), or NotEvaluated when it is not in this run."""
    if name not in inputs.figures:
        raise NotEvaluated(f"figure {name} is not in this run, or has no numbers of this seed")
    return inputs.figures[name]


def _trained(inputs: ClaimInputs) -> set[str]:
    """The models this run trained (those with a metrics.json)."""
    return {name for name, _ in inputs.metrics}


def _has_models(table: dict, figure: str, key: str, models: set[str]) -> None:
    """A figure's {model: ...} table must cover every model this run trained."""
    missing = sorted(models - set(table), key=_model_order)
    if missing:
        raise NumbersError(
            f"{figure}.json numbers: '{key}' lacks "
            + ", ".join(f"'{m}'" for m in missing)
            + " though this run trained them"
        )


def _series(inputs: ClaimInputs, model: str, key: str = "test_mse") -> dict[int, float]:
    """{latent: metrics[key]} of one model, sorted by latent size."""
    return {z: float(m[key]) for (name, z), m in sorted(inputs.metrics.items()) if name == model}


def _model_order(name: str) -> tuple[int, str]:
    """The study's models first, in their order (vaelab.runs); anything else after, alphabetically."""
    return (MODEL_NAMES.index(name) if name in MODEL_NAMES else len(MODEL_NAMES), name)


# --- the claims ----------------------------------------------------------------------
def ae_mse_falls(inputs: ClaimInputs):
    mse = _series(inputs, "ae")
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


def _vae_larger_than(latent: int, sizes) -> int:
    """The largest VAE latent size, when the VAE was trained at `latent` and at a larger size."""
    if latent not in sizes:
        raise NotEvaluated(
            f"the VAE was not trained at latent size {latent} (sizes: {', '.join(map(str, sorted(sizes))) or 'none'})"
        )
    largest = max(sizes)
    if largest <= latent:
        raise NotEvaluated(f"no VAE larger than latent size {latent} was trained")
    return largest


def vae_plateau(inputs: ClaimInputs, latent: int, threshold: float):
    mse = _series(inputs, "vae")
    largest = _vae_larger_than(latent, mse)
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
    ae = _series(inputs, "ae")
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


def _share_intervals(numbers: dict) -> dict[str, tuple[float, float]]:
    """{sample source: (low, high)} of the generation figure: one seed's Wilson intervals where
    the numbers are a seed's, else those of every seed's samples pooled."""
    if "share_confident_interval" in numbers:
        return {k: tuple(v) for k, v in numbers["share_confident_interval"].items()}
    return {k: (v["low"], v["high"]) for k, v in numbers["share_confident_pooled"].items()}


AE_FAIR_PRIORS = {"ae_gaussian": "a Gaussian", "ae_mixture": "a Gaussian mixture"}


def prior_samples_recognised(inputs: ClaimInputs):
    numbers = _figure(inputs, "generation")
    share = numbers["share_confident"]
    trained = _trained(inputs)
    _has_models(share, "generation", "share_confident", trained)
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

    numbers = _figure(inputs, "generation")
    if "cvae" not in _trained(inputs):
        raise NotEvaluated("the CVAE was not trained")
    accuracy, z, n = numbers["cvae_conditional_accuracy"], numbers["chosen_latent"], numbers["n_samples"]
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
    auroc = _figure(inputs, "anomaly_detection")["auroc"]
    trained, z = _trained(inputs), inputs.chosen_latent
    if not trained:
        raise NotEvaluated("no model was trained")
    if z is None:
        raise NotEvaluated("no latent size was chosen")
    _has_models(auroc, "anomaly_detection", "auroc", trained)
    table = {m: {int(k): float(v) for k, v in auroc[m].items()} for m in sorted(auroc, key=_model_order)}
    for m in sorted(trained, key=_model_order):
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
    numbers = _figure(inputs, "anomaly_detection")
    elbo = {m: float(t[str(z)]) for m, t in numbers["auroc_neg_elbo"].items() if str(z) in t}
    evidence += (
        f"; other scores at z={z}: "
        + "".join(f"{m.upper()} −ELBO {v:.3f}, " for m, v in elbo.items())
        + (f"PCA {float(numbers['auroc_pca'][str(z)]):.3f}, " if str(z) in numbers["auroc_pca"] else "")
        + f"nearest training image {float(numbers['auroc_nearest_image']):.3f}"
    )
    return (
        all(v > chance for v in at_z.values()),
        evidence,
        {"auroc_at_chosen": at_z, "latent": z, "min": min(everything), "max": max(everything)},
    )


def _require_outside(inputs: ClaimInputs, dataset: str) -> None:
    """NotEvaluated unless this run's outside set (config `outside`) is `dataset`: the claims about
    letters, or about MNIST digits as anomalies, speak of that set only."""
    outside = _figure(inputs, "anomaly_detection")["outside"]
    if outside["dataset"] != dataset:
        raise NotEvaluated(
            f"the claim is about {dataset} as the outside set; this run's is {outside['name']} "
            f"({outside['dataset']}, config outside)"
        )


def outside_are_anomalies(inputs: ClaimInputs, chance: float, outside: str):
    _require_outside(inputs, outside)
    return letters_are_anomalies(inputs, chance)


def digit_like_letters(inputs: ClaimInputs, resembles: Mapping[str, tuple[str, ...]], lowest: int):
    _require_outside(inputs, "emnist-letters")
    per_letter = _figure(inputs, "anomaly_detection")["mean_error_per_outside_class"]
    trained = _trained(inputs)
    if not trained:
        raise NotEvaluated("no model was trained")
    _has_models(per_letter, "anomaly_detection", "mean_error_per_outside_class", trained)
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
    difference = _figure(inputs, "imputation")["masked_vae_minus"]
    if not difference:
        raise NumbersError("imputation.json numbers: 'masked_vae_minus' has no mask kind")
    kinds = list(difference)
    better, parts = {}, []
    for method, name in IMPUTATION_BASELINES.items():
        measured = [k for k in kinds if method in difference[k]]
        if not measured:  # the plain VAE of the masked VAE's latent size is not trained
            parts.append(f"{name}: not measured")
            continue
        better[method] = [k for k in measured if difference[k][method]["high"] < 0]
        worse = [k for k in measured if difference[k][method]["low"] > 0]
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
                f"vs {IMPUTATION_BASELINES[m]} {fmt_number(d['mean'])} [{fmt_number(d['low'])}, {fmt_number(d['high'])}]"
                for m, d in difference[k].items()
            )
            for k in kinds
        )
    )
    holds = all(len(b) == len(kinds) for b in better.values())
    return holds, evidence, {"better_at": better, "mask_kinds": len(kinds)}


def denoising_helps(inputs: ClaimInputs):
    numbers = _figure(inputs, "denoising")
    noisy, denoised, strength, clean = (
        numbers["mse_noisy"],
        numbers["mse_denoised"],
        numbers["noise"],
        numbers["mse_clean"],
    )
    trained = _trained(inputs)
    _has_models(denoised, "denoising", "mse_denoised", trained)
    _has_models(clean, "denoising", "mse_clean", trained)
    cases, wins = 0, 0
    worst, below_floor = {}, {}
    for model in sorted(trained, key=_model_order):
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


CLAIMS = (
    Claim(
        "a",
        "The AE's test error falls as the latent space grows.",
        "AE test MSE strictly decreases from each trained latent size to the next.",
        ("metrics",),
        ae_mse_falls,
    ),
    Claim(
        "b",
        "Past a latent size of {latent}, more latent dimensions do not lower the VAE's test error by "
        "{threshold:.0%} or more.",
        "Relative change in VAE test MSE from z={latent} to the largest trained size: a fall below "
        "{threshold:.0%}, or a rise. The evidence also names the sizes where PCA does better.",
        ("metrics",),
        vae_plateau,
        {"latent": 20, "threshold": 0.10},
    ),
    Claim(
        "c",
        "Digits {easy} are the easiest to reconstruct; {hard} are among the hardest.",
        "Per-digit test MSE averaged over every model and latent size: {easy} are both among the "
        "{easiest} lowest, {hard} both among the {hardest} highest.",
        ("metrics", "per_class_mse"),
        digit_difficulty,
        {"easy": (1, 7), "hard": (2, 8), "easiest": 3, "hardest": 4},
        applies_to=("mnist",),
        finding=class_difficulty,
    ),
    Claim(
        "d",
        "The AE beats PCA with the same number of dimensions.",
        "AE test MSE < PCA test MSE (baselines.json) at every latent size trained for both.",
        ("metrics", "baselines"),
        ae_beats_pca,
    ),
    Claim(
        "e",
        "Samples of the VAE and CVAE from their prior N(0, I) are more often recognised as {nouns} than "
        "the AE's samples from a Gaussian or a Gaussian mixture fitted to its own training codes.",
        "Share of samples the {noun} classifier labels confidently: the 95% Wilson interval of the VAE and "
        "of the CVAE each lies above the intervals of the AE decoding z from a Gaussian and from a "
        "Gaussian mixture fitted to its training codes (the AE's fair baseline; N(0, I) was never its prior).",
        ("generation",),
        prior_samples_recognised,
    ),
    Claim(
        "f",
        "The CVAE draws the {noun} it is asked for.",
        "Classifier accuracy on CVAE samples against the requested {noun} at the chosen latent size: "
        "the lower end of its 95% Wilson interval is at least {threshold:.0%}.",
        ("generation",),
        cvae_obeys_label,
        {"threshold": 0.8},
    ),
    Claim(
        "g",
        "Letters have higher reconstruction error than digits.",
        "AUROC of reconstruction error separating EMNIST letters from MNIST test digits is above {chance} "
        "for every model at the chosen latent size (the evidence gives the baselines' AUROC beside it).",
        ("anomaly_detection",),
        outside_are_anomalies,
        {"chance": 0.5, "outside": "emnist-letters"},
        applies_to=("mnist",),
    ),
    Claim(
        "h",
        "Letters that resemble digits ({resembles}) have the lowest errors among letters.",
        "Mean reconstruction error per letter, averaged over models: every digit-like letter measured is "
        "among the {lowest} lowest.",
        ("anomaly_detection",),
        digit_like_letters,
        {"resembles": {"1": ("i", "l"), "6": ("b",), "9": ("g",)}, "lowest": 5},
        applies_to=("mnist",),
    ),
    Claim(
        "i",
        "The masked VAE imputes missing pixels better than the mean image, the plain VAE and k-nearest-"
        "neighbour imputation over the whole training set.",
        "Per test image, the masked VAE's MSE on the missing pixels minus each other method's: the 95% "
        "interval of the mean difference lies below 0 for every mask kind and every method measured "
        "(passes chosen on validation images). The evidence says against which it holds.",
        ("imputation",),
        masked_vae_imputes,
    ),
    Claim(
        "j",
        "Wherever the noise costs more than a model's own reconstruction error, its denoised images are "
        "closer to the clean ones than the noisy inputs are.",
        "MSE to the clean image: denoised below noisy, for every model, noise kind and level at which the "
        "noisy input's MSE exceeds the model's MSE on clean inputs (σ = 0); the other levels are listed, "
        "not judged.",
        ("denoising",),
        denoising_helps,
    ),
    Claim(
        "p",
        "Reconstruction error separates MNIST digits from Fashion-MNIST items (AUROC > {chance}).",
        "AUROC of reconstruction error separating the MNIST digits (the outside set: MNIST's test split) from "
        "Fashion-MNIST's test items is above {chance} for every model at the chosen latent size (the evidence gives the "
        "baselines' AUROC beside it).",
        ("anomaly_detection",),
        outside_are_anomalies,
        {"chance": 0.5, "outside": "mnist"},
        applies_to=("fashion-mnist",),
    ),
)


# --- what the source publications state ------------------------------------------------
def vae_worse_past(inputs: ClaimInputs, latent: int, nearly_all: int):
    runs = {z: m["per_class_mse"] for (name, z), m in inputs.metrics.items() if name == "vae"}
    largest = _vae_larger_than(latent, runs)
    worse = [d for d in range(10) if runs[largest][d] > runs[latent][d]]
    evidence = (
        f"VAE test MSE at z={largest} above z={latent} for {len(worse)} of 10 digits"
        + (f" ({', '.join(map(str, worse))})" if worse else "")
        + f"; need at least {nearly_all}"
    )
    return len(worse) >= nearly_all, evidence, {"digits_worse": worse, "largest": largest}


def vae_picks_latent(inputs: ClaimInputs, latent: int):
    from vaelab.analysis.selection import choose_latent

    vae = _series(inputs, "vae", "val_mse")
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
    _require_outside(inputs, "emnist-letters")
    per_letter = _figure(inputs, "anomaly_detection")["mean_error_per_outside_class"]
    _has_models(per_letter, "anomaly_detection", "mean_error_per_outside_class", _trained(inputs))
    ranks = {}
    for model in sorted(per_letter, key=_model_order):
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
            _figure(inputs, "anomaly_detection")["outside_class_read_as"].items(), key=lambda kv: _model_order(kv[0])
        )
        if letter in by_letter
    }
    if read_as:
        evidence += "; the digit classifier reads its reconstructions as " + ", ".join(
            f"{m.upper()} {r['label']} ({fmt_percent(r['share'])})" for m, r in read_as.items()
        )
    if set(read_as) != set(lowest):
        raise NumbersError(
            f"anomaly_detection.json numbers: 'outside_class_read_as' lacks letter '{letter}' of some model"
        )
    return (
        all(r == 1 for r in lowest.values()) and all(r["label"] == digit for r in read_as.values()),
        evidence,
        {"rank_lowest_first": lowest, "read_as": {m: r["label"] for m, r in read_as.items()}},
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
ALL_CLAIMS = CLAIMS + SOURCE_CLAIMS


def check_inputs(inputs: ClaimInputs, sources: set[str], figures: bool = True) -> None:
    """Raise NumbersError unless every metrics.json, baselines.json and figure (unless `figures`
    is False: checked whole by `seed_inputs`) a claim reads has its declared shape."""
    for (model, latent), metrics in sorted(inputs.metrics.items()):
        check_shape(f"metrics.json of {model}_z{latent}", METRICS, metrics)
    if inputs.baselines is not None:
        check_shape("baselines.json", BASELINES, inputs.baselines)
    for name in sorted(sources & set(inputs.figures)) if figures else ():
        check_numbers(name, inputs.figures[name])


def seed_inputs(
    metrics_by_seed: Mapping[int, dict],
    baselines: dict | None,
    selection: dict | None,
    figures: Mapping[str, dict],
    claims: tuple[Claim, ...] = ALL_CLAIMS,
    *,
    dataset: str,
    classes: Classes,
) -> dict[int, ClaimInputs]:
    """{seed: its ClaimInputs}, seeds in the config's order. A figure's numbers are checked whole,
    then each seed gets the figure's shared keys with its own `by_seed` entry; a figure without
    `by_seed` (drawn from the first seed's models only) goes to the first seed only."""
    sources = {source for claim in claims for source in claim.sources}
    for name in sorted(sources & set(figures)):
        check_numbers(name, figures[name])
    selection = selection or {}
    out = {}
    for i, (seed, metrics) in enumerate(metrics_by_seed.items()):
        seen = {}
        for name, numbers in figures.items():
            if "by_seed" in numbers:
                if str(seed) in numbers["by_seed"]:
                    shared = {k: v for k, v in numbers.items() if k not in ("by_seed", "seeds")}
                    seen[name] = {**shared, **numbers["by_seed"][str(seed)]}
            elif i == 0:
                seen[name] = numbers
        out[seed] = ClaimInputs(
            metrics=metrics,
            baselines=baselines,
            chosen_latent=selection.get("chosen_latent"),
            figures=seen,
            tolerance=selection.get("tolerance"),
            dataset=dataset,
            classes=classes,
        )
    return out


def evaluate(inputs: ClaimInputs, claims: tuple[Claim, ...] = ALL_CLAIMS, check_figures: bool = True) -> list[dict]:
    """Every claim with its verdict on one seed's numbers, or "not evaluated" with the reason where
    the config left out what it needs. Numbers of the wrong shape raise NumbersError naming the file
    and the key."""
    check_inputs(inputs, {source for claim in claims for source in claim.sources}, check_figures)
    out = []
    for claim in claims:
        row = {
            "id": claim.id,
            "statement": claim.statement_for(inputs.classes),
            "rule": claim.rule_for(inputs.classes),
            "sources": list(claim.sources),
            "source": claim.source,
            "applies_to": list(claim.applies_to) if claim.applies_to is not None else "all",
        }
        if not claim.applies(inputs.dataset):
            row.update(status=NOT_APPLICABLE, evidence=claim.not_applicable_reason(inputs.dataset), numbers={})
            out.append(row)
            continue
        try:
            holds, evidence, numbers = claim.check(inputs, **claim.params)
            row.update(status=HOLDS if holds else FAILS, evidence=evidence, numbers=numbers)
        except NotEvaluated as e:
            row.update(status=NOT_EVALUATED, evidence=f"not evaluated: {e}", numbers={})
        out.append(row)
    return out


def overall(statuses: list[str]) -> str:
    """The verdict over seeds: holds on every seed judged, does not hold on none, unstable on some;
    not applicable where it applies on no seed (the dataset is the same for every seed)."""
    if statuses and all(s == NOT_APPLICABLE for s in statuses):
        return NOT_APPLICABLE
    judged = [s for s in statuses if s not in (NOT_EVALUATED, NOT_APPLICABLE)]
    if not judged:
        return NOT_EVALUATED
    held = judged.count(HOLDS)
    return HOLDS if held == len(judged) else FAILS if held == 0 else UNSTABLE


def evaluate_seeds(inputs_by_seed: Mapping[int, ClaimInputs], claims: tuple[Claim, ...] = ALL_CLAIMS) -> list[dict]:
    """Every claim judged on each seed's numbers (from `seed_inputs`, which checks the figures): its overall verdict (see `overall`), "holds in k of
    n seeds" as its evidence, and each seed's verdict, evidence and numbers under `by_seed`."""
    per_seed = {seed: evaluate(inputs, claims, check_figures=False) for seed, inputs in inputs_by_seed.items()}
    out = []
    for i in range(len(claims)):
        rows = {seed: per_seed[seed][i] for seed in per_seed}
        statuses = [r["status"] for r in rows.values()]
        judged = [s for s in statuses if s not in (NOT_EVALUATED, NOT_APPLICABLE)]
        status = overall(statuses)
        finding = None
        if status == NOT_APPLICABLE and claims[i].finding is not None:
            text, numbers = claims[i].finding(list(inputs_by_seed.values()))
            finding = {"text": text, "numbers": numbers}
        if status in (NOT_EVALUATED, NOT_APPLICABLE):
            evidence = next(iter(rows.values()))["evidence"]
        else:
            evidence = f"holds in {judged.count(HOLDS)} of {len(judged)} seeds"
            if len(judged) < len(statuses):
                evidence += f" ({len(statuses) - len(judged)} not evaluated)"
        first = next(iter(rows.values()))
        out.append(
            {
                **{k: first[k] for k in ("id", "statement", "rule", "sources", "source", "applies_to")},
                "status": status,
                **({"finding": finding} if finding is not None else {}),
                "evidence": evidence,
                "holds_in": judged.count(HOLDS),
                "seeds_judged": len(judged),
                "by_seed": {
                    str(seed): {k: r[k] for k in ("status", "evidence", "numbers")} for seed, r in rows.items()
                },
            }
        )
    return out


def summary(rows: list[dict]) -> dict[str, int]:
    return {
        status: sum(r["status"] == status for r in rows)
        for status in (HOLDS, UNSTABLE, FAILS, NOT_EVALUATED, NOT_APPLICABLE)
    }
