"""Judging claims: each claim on each seed's numbers, then its verdict over seeds."""

from __future__ import annotations

from collections.abc import Mapping

from vaelab.data.classes import Classes
from vaelab.figures.result import SeedView, from_numbers
from vaelab.publish.claims.core import (
    FAILS,
    HOLDS,
    NOT_APPLICABLE,
    NOT_EVALUATED,
    UNSTABLE,
    Claim,
    ClaimInputs,
    NotEvaluated,
)
from vaelab.publish.claims.sources import SOURCE_CLAIMS
from vaelab.publish.claims.study import CLAIMS
from vaelab.publish.numbers import BASELINES, METRICS, check_numbers, check_shape, numbers_type

ALL_CLAIMS = CLAIMS + SOURCE_CLAIMS


def check_inputs(inputs: ClaimInputs, sources: set[str], figures: bool = True) -> None:
    """Raise NumbersError unless every metrics.json, baselines.json and figure (unless `figures`
    is False: checked whole by `seed_inputs`) a claim reads has its declared shape."""
    for (model, latent), metrics in sorted(inputs.metrics.items()):
        check_shape(f"metrics.json of {model}_z{latent}", METRICS, metrics)
    if inputs.baselines is not None:
        check_shape("baselines.json", BASELINES, inputs.baselines)
    for name in sorted(sources & set(inputs.figures)) if figures else ():
        if isinstance(inputs.figures[name], dict):  # its JSON; typed numbers were read from checked JSON
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
    """{seed: its ClaimInputs}, seeds in the config's order. The numbers of each figure a claim
    reads are checked whole and read as its Numbers; each seed gets its SeedView (the figure's
    shared fields with its own `by_seed` record); a figure without `by_seed` (drawn from the
    first seed's models only) goes to the first seed only."""
    sources = {source for claim in claims for source in claim.sources}
    typed = {}
    for name in sorted(sources & set(figures)):
        check_numbers(name, figures[name])
        typed[name] = from_numbers(numbers_type(name), figures[name])
    selection = selection or {}
    out = {}
    for i, (seed, metrics) in enumerate(metrics_by_seed.items()):
        seen = {}
        for name, numbers in typed.items():
            if hasattr(numbers, "by_seed"):
                if str(seed) in numbers.by_seed:
                    seen[name] = SeedView(numbers, str(seed))
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
