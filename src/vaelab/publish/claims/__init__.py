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
from vaelab.publish.claims.engine import (
    ALL_CLAIMS,
    check_inputs,
    evaluate,
    evaluate_seeds,
    overall,
    seed_inputs,
    summary,
)
from vaelab.publish.claims.sources import SOURCE_CLAIMS
from vaelab.publish.claims.study import CLAIMS

__all__ = [
    "ALL_CLAIMS",
    "CLAIMS",
    "Claim",
    "ClaimInputs",
    "FAILS",
    "HOLDS",
    "NOT_APPLICABLE",
    "NOT_EVALUATED",
    "NotEvaluated",
    "SOURCE_CLAIMS",
    "UNSTABLE",
    "check_inputs",
    "evaluate",
    "evaluate_seeds",
    "overall",
    "seed_inputs",
    "summary",
]
