"""What a claim is and what it reads: its verdicts, its inputs, and the helpers that take the
numbers a claim needs from them (NotEvaluated where the config did not ask for them,
NumbersError where they have the wrong shape)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vaelab.data.classes import KNOWN_CLASSES, Classes
from vaelab.figures.result import from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers, numbers_type
from vaelab.runs import MODEL_NAMES

HOLDS = "holds"
FAILS = "does not hold"
UNSTABLE = "unstable"  # holds on some seeds, not on others
NOT_EVALUATED = "not evaluated"
NOT_APPLICABLE = "not applicable"  # a claim about another dataset: never judged here


class NotEvaluated(Exception):
    """The numbers a claim needs are not in this run because the config did not ask for them."""


@dataclass
class ClaimInputs:
    metrics: dict[tuple[str, int], dict] = field(default_factory=dict)  # (model, latent) -> metrics.json
    baselines: dict | None = None  # baselines.json
    chosen_latent: int | None = None  # selected_latent.json's chosen_latent
    # figure name -> its numbers: its Numbers, or one seed's SeedView (a JSON dict is read as its Numbers)
    figures: dict[str, object] = field(default_factory=dict)
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
def figure_numbers(inputs: ClaimInputs, name: str):
    """A figure's numbers as their type (vaelab.figures.<name>.Numbers, or one seed's SeedView of
    it), or NotEvaluated when the figure is not in this run."""
    if name not in inputs.figures:
        raise NotEvaluated(f"figure {name} is not in this run, or has no numbers of this seed")
    numbers = inputs.figures[name]
    if isinstance(numbers, dict):  # its JSON
        check_numbers(name, numbers)
        numbers = from_numbers(numbers_type(name), numbers)
    return numbers


def trained_models(inputs: ClaimInputs) -> set[str]:
    """The models this run trained (those with a metrics.json)."""
    return {name for name, _ in inputs.metrics}


def require_models(table: dict, figure: str, key: str, models: set[str]) -> None:
    """A figure's {model: ...} table must cover every model this run trained."""
    missing = sorted(models - set(table), key=model_order)
    if missing:
        raise NumbersError(
            f"{figure}.json numbers: '{key}' lacks "
            + ", ".join(f"'{m}'" for m in missing)
            + " though this run trained them"
        )


def series(inputs: ClaimInputs, model: str, key: str = "test_mse") -> dict[int, float]:
    """{latent: metrics[key]} of one model, sorted by latent size."""
    return {z: float(m[key]) for (name, z), m in sorted(inputs.metrics.items()) if name == model}


def model_order(name: str) -> tuple[int, str]:
    """The study's models first, in their order (vaelab.runs); anything else after, alphabetically."""
    return (MODEL_NAMES.index(name) if name in MODEL_NAMES else len(MODEL_NAMES), name)


def vae_larger_than(latent: int, sizes) -> int:
    """The largest VAE latent size, when the VAE was trained at `latent` and at a larger size."""
    if latent not in sizes:
        raise NotEvaluated(
            f"the VAE was not trained at latent size {latent} (sizes: {', '.join(map(str, sorted(sizes))) or 'none'})"
        )
    largest = max(sizes)
    if largest <= latent:
        raise NotEvaluated(f"no VAE larger than latent size {latent} was trained")
    return largest


def require_outside(inputs: ClaimInputs, dataset: str) -> None:
    """NotEvaluated unless this run's outside set (config `outside`) is `dataset`: the claims about
    letters, or about MNIST digits as anomalies, speak of that set only."""
    outside = figure_numbers(inputs, "anomaly_detection").outside
    if outside.dataset != dataset:
        raise NotEvaluated(
            f"the claim is about {dataset} as the outside set; this run's is {outside.name} "
            f"({outside.dataset}, config outside)"
        )
