"""Inter-rater agreement over double-scored accreditation indicators.

Pure arithmetic, no Django: the caller collects the scores (per instrument version,
per assessor pair) and passes plain integers.

Figures: exact agreement, agreement within one point, quadratic-weighted Cohen's
kappa (two raters) and Krippendorff's alpha (nominal, ordinal, interval; any number
of coders, missing values allowed).

Arithmetic and rounding rule: every figure is computed exactly with
``fractions.Fraction`` and kept in ``AgreementResult.exact``. The reported
``AgreementResult.value`` is that exact figure rounded once to ``RESULT_PLACES``
decimal places, half away from zero (``decimal.ROUND_HALF_UP``): 0.03125 -> 0.0313,
-0.03125 -> -0.0313.

A figure is "not computable" (``exact`` and ``value`` are None, ``reason`` says why)
when fewer than ``MIN_PAIRABLE_ITEMS`` items can be paired, or when the scores show
no variation at all, so that the chance-expected disagreement is zero.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

# Fewer pairable items (pairs scored by both raters; for alpha, units holding at
# least two values) than this and no figure is reported.
MIN_PAIRABLE_ITEMS = 2
RESULT_PLACES = 4

ScorePair = tuple[int | None, int | None]
Unit = Sequence[int | None]
Difference = Callable[[int, int], Fraction]


class Metric(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"


class NotComputable(StrEnum):
    TOO_FEW_ITEMS = "too_few_items"
    NO_VARIATION = "no_variation"


@dataclass(frozen=True)
class AgreementResult:
    """One figure, the items behind it, and why it is missing when it is."""

    exact: Fraction | None
    items: int
    pairable_values: int
    reason: NotComputable | None = None

    @property
    def value(self) -> Decimal | None:
        """The exact figure rounded to RESULT_PLACES places, half away from zero."""
        return None if self.exact is None else round_half_up(self.exact)

    @property
    def computable(self) -> bool:
        return self.exact is not None


@dataclass(frozen=True)
class PairAgreement:
    """The four figures BALKS reports for one assessor pair."""

    exact: AgreementResult
    within_one: AgreementResult
    weighted_kappa: AgreementResult
    alpha_ordinal: AgreementResult


def round_half_up(number: Fraction, *, places: int = RESULT_PLACES) -> Decimal:
    """Round an exact fraction to `places` decimals, half away from zero."""
    scale = 10**places
    quotient, remainder = divmod(abs(number.numerator) * scale, number.denominator)
    if 2 * remainder >= number.denominator:
        quotient += 1
    sign = -1 if number < 0 else 1
    return Decimal(sign * quotient).scaleb(-places)


def exact_agreement(*, pairs: Iterable[ScorePair]) -> AgreementResult:
    """Share of complete pairs whose two scores are equal."""
    return _share_within(pairs, tolerance=0)


def within_one_agreement(*, pairs: Iterable[ScorePair]) -> AgreementResult:
    """Share of complete pairs whose two scores differ by at most one point."""
    return _share_within(pairs, tolerance=1)


def quadratic_weighted_kappa(
    *, pairs: Iterable[ScorePair], categories: Sequence[int]
) -> AgreementResult:
    """Cohen's kappa with quadratic disagreement weights, for two raters.

    Weights are (i - j)**2 on the positions of the scores in `categories`; the
    usual normalisation by (k - 1)**2 cancels in the ratio. kappa = 1 - observed
    weighted disagreement / disagreement expected from the two raters' marginals.
    """
    complete = _complete_pairs(pairs)
    position = _category_positions(categories, complete)
    items = len(complete)
    if items < MIN_PAIRABLE_ITEMS:
        return _missing(NotComputable.TOO_FEW_ITEMS, items=items)
    observed = sum((position[a] - position[b]) ** 2 for a, b in complete)
    first = Counter(position[a] for a, _ in complete)
    second = Counter(position[b] for _, b in complete)
    chance = sum(first[i] * second[j] * (i - j) ** 2 for i in first for j in second)
    if chance == 0:
        return _missing(NotComputable.NO_VARIATION, items=items)
    kappa = 1 - Fraction(observed * items, chance)
    return _result(kappa, items=items, pairable_values=2 * items)


def krippendorff_alpha(*, units: Iterable[Unit], metric: Metric) -> AgreementResult:
    """Krippendorff's alpha over a units x coders matrix; None marks a missing value.

    Units with fewer than two values are not pairable and are left out. `items` is
    the number of pairable units, `pairable_values` is Krippendorff's n.
    alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck), from the
    coincidence matrix o and the value totals n_c (Krippendorff 2011).
    """
    pairable = [values for values in map(_present, units) if len(values) >= 2]
    items, n = len(pairable), sum(len(values) for values in pairable)
    if items < MIN_PAIRABLE_ITEMS:
        return _missing(NotComputable.TOO_FEW_ITEMS, items=items, values=n)
    coincidences = _coincidences(pairable)
    totals = _value_totals(coincidences)
    difference = _difference_function(metric, totals)
    observed = sum(o * difference(c, k) for (c, k), o in coincidences.items())
    chance = sum(
        totals[c] * totals[k] * difference(c, k) for c in totals for k in totals
    )
    if chance == 0:
        return _missing(NotComputable.NO_VARIATION, items=items, values=n)
    alpha = 1 - (n - 1) * Fraction(observed) / chance
    return _result(alpha, items=items, pairable_values=n)


def pair_agreement(
    *, pairs: Sequence[ScorePair], categories: Sequence[int]
) -> PairAgreement:
    """All four figures for one assessor pair over their double-scored indicators."""
    return PairAgreement(
        exact=exact_agreement(pairs=pairs),
        within_one=within_one_agreement(pairs=pairs),
        weighted_kappa=quadratic_weighted_kappa(pairs=pairs, categories=categories),
        alpha_ordinal=krippendorff_alpha(units=pairs, metric=Metric.ORDINAL),
    )


def _share_within(pairs: Iterable[ScorePair], *, tolerance: int) -> AgreementResult:
    complete = _complete_pairs(pairs)
    items = len(complete)
    if items < MIN_PAIRABLE_ITEMS:
        return _missing(NotComputable.TOO_FEW_ITEMS, items=items)
    hits = sum(1 for a, b in complete if abs(a - b) <= tolerance)
    return _result(Fraction(hits, items), items=items, pairable_values=2 * items)


def _complete_pairs(pairs: Iterable[ScorePair]) -> list[tuple[int, int]]:
    return [(a, b) for a, b in pairs if a is not None and b is not None]


def _category_positions(
    categories: Sequence[int], pairs: Sequence[tuple[int, int]]
) -> dict[int, int]:
    position = {category: index for index, category in enumerate(categories)}
    if len(position) != len(categories) or len(position) < 2:
        raise ValueError("categories must hold at least two distinct values")
    unknown = {score for pair in pairs for score in pair} - position.keys()
    if unknown:
        raise ValueError(f"scores outside the categories: {sorted(unknown)}")
    return position


def _present(unit: Unit) -> list[int]:
    return [value for value in unit if value is not None]


def _coincidences(units: Sequence[list[int]]) -> dict[tuple[int, int], Fraction]:
    """o_ck: ordered value pairs within each unit, each unit weighted 1 / (m_u - 1)."""
    matrix: defaultdict[tuple[int, int], Fraction] = defaultdict(Fraction)
    for values in units:
        counts = Counter(values)
        weight = Fraction(1, len(values) - 1)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                matrix[(c, k)] += pairs * weight
    return matrix


def _value_totals(coincidences: Mapping[tuple[int, int], Fraction]) -> dict[int, int]:
    totals: defaultdict[int, Fraction] = defaultdict(Fraction)
    for (c, _), count in coincidences.items():
        totals[c] += count
    # Each n_c is a whole number of pairable values; the Fractions sum to integers.
    return {value: int(total) for value, total in sorted(totals.items())}


def _difference_function(metric: Metric, totals: Mapping[int, int]) -> Difference:
    if metric is Metric.NOMINAL:
        return lambda c, k: Fraction(c != k)
    if metric is Metric.INTERVAL:
        return lambda c, k: Fraction((c - k) ** 2)
    return _ordinal_difference(totals)


def _ordinal_difference(totals: Mapping[int, int]) -> Difference:
    """Krippendorff's rank metric: (sum of n_g from c to k - (n_c + n_k) / 2)**2."""
    ordered = sorted(totals)
    cumulative: dict[int, int] = {}
    running = 0
    for value in ordered:
        running += totals[value]
        cumulative[value] = running

    def difference(c: int, k: int) -> Fraction:
        low, high = min(c, k), max(c, k)
        between = cumulative[high] - cumulative[low] + totals[low]
        return (between - Fraction(totals[c] + totals[k], 2)) ** 2

    return difference


def _result(exact: Fraction, *, items: int, pairable_values: int) -> AgreementResult:
    return AgreementResult(exact=exact, items=items, pairable_values=pairable_values)


def _missing(
    reason: NotComputable, *, items: int, values: int | None = None
) -> AgreementResult:
    pairable_values = 2 * items if values is None else values
    return AgreementResult(
        exact=None, items=items, pairable_values=pairable_values, reason=reason
    )
