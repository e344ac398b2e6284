"""The accreditation grade: computed from the scores and the pinned instrument
version, never typed.

The rule (DOMAIN.md section 5; the weights, thresholds and validity are the
instrument version's data):

1. every indicator has one score from 1 to 4 (after reconciliation);
2. a component's score is the mean of its indicators' scores / 4 x 100;
3. the total is the sum of each component's score x its weight / 100 (the
   weights of a valid version sum to exactly 100);
4. all of this is exact (fractions), and only the total is rounded: half up,
   to two decimals. That rounded total is compared with the thresholds,
   highest first; the first one it reaches (total >= minimum) is the grade,
   and none means "not accredited".

The component figures in the explanation are rounded the same way, for
reading only; they never feed the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from accreditation.specs import SCORES, ComponentSpec, GradeSpec
from workflow.exceptions import InvalidInput

SCALE_MIN, SCALE_MAX = SCORES[0], SCORES[-1]
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ComponentLine:
    """One row of the explanation table."""

    code: str
    name: str
    weight: Decimal
    mean: Decimal  # mean indicator score, 1..4
    score: Decimal  # mean / 4 x 100
    weighted: Decimal  # score x weight / 100


@dataclass(frozen=True)
class GradeResult:
    lines: tuple[ComponentLine, ...]
    total: Decimal  # rounded half up to two decimals
    grade: GradeSpec | None  # None: not accredited
    threshold: Decimal | None  # the minimum that decided the grade


def rounded(value: Fraction) -> Decimal:
    """``value`` rounded half up to two decimals (the stated rule)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    # Decimal's default context keeps 28 digits: far more than a 0..100 score
    # with four-decimal weights needs before the rounding below.
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def _mean(component: ComponentSpec, scores: Mapping[str, int]) -> Fraction:
    values = [scores[code] for code in component.indicators]
    return Fraction(sum(values), len(values))


def _check(components: Sequence[ComponentSpec], scores: Mapping[str, int]) -> None:
    expected = [code for c in components for code in c.indicators]
    missing = [code for code in expected if code not in scores]
    if missing:
        raise InvalidInput(
            _("Scores are missing for: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    wrong = [
        code
        for code in expected
        if isinstance(scores[code], bool)
        or not isinstance(scores[code], int)
        or not SCALE_MIN <= scores[code] <= SCALE_MAX
    ]
    if wrong:
        raise InvalidInput(
            _("A score must be a whole number from 1 to 4: %(codes)s.")
            % {"codes": ", ".join(wrong)}
        )


def grade_compute(
    *,
    components: Sequence[ComponentSpec],
    thresholds: Sequence[GradeSpec],
    scores: Mapping[str, int],
) -> GradeResult:
    """The grade of ``scores`` (indicator code -> 1..4) on one instrument
    version, with the table that explains it."""
    _check(components, scores)
    lines, total = [], Fraction(0)
    for component in components:
        mean = _mean(component, scores)
        score = mean / SCALE_MAX * 100
        weighted = score * Fraction(component.weight) / 100
        total += weighted
        lines.append(
            ComponentLine(
                code=component.code,
                name=component.name,
                weight=component.weight,
                mean=rounded(mean),
                score=rounded(score),
                weighted=rounded(weighted),
            )
        )
    final = rounded(total)
    for threshold in sorted(thresholds, key=lambda t: t.minimum, reverse=True):
        if final >= threshold.minimum:
            return GradeResult(tuple(lines), final, threshold, threshold.minimum)
    return GradeResult(tuple(lines), final, None, None)
