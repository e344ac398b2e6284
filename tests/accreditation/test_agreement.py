"""Agreement arithmetic against published worked examples and hand computations.

No statistics package is installed in the project, so the expected values come from
the publications (and the test suites of maintained packages that reproduce them),
and from small examples computed by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from accreditation.agreement import (
    MIN_PAIRABLE_ITEMS,
    Metric,
    NotComputable,
    exact_agreement,
    krippendorff_alpha,
    pair_agreement,
    quadratic_weighted_kappa,
    within_one_agreement,
)

_: None = None  # a missing value, as a blank in the published tables
ONE_TO_FOUR = range(1, 5)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers x 12 units, missing data. Rows are observers A-D as printed there.
KRIPPENDORFF_2011_OBSERVERS: list[list[int | None]] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]

# The computational example of the Wikipedia article "Krippendorff's alpha":
# 3 coders x 15 units, also the fixture of the `krippendorff` package's tests
# (test_nominal_metric_reliability_data: 0.691358, test_interval_metric: 0.810845).
WIKIPEDIA_CODERS: list[list[int | None]] = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]


def _units(coders_by_row: list[list[int | None]]) -> list[tuple[int | None, ...]]:
    """Our input is units x coders; the publications print coders x units."""
    return list(zip(*coders_by_row, strict=True))


@pytest.mark.parametrize(
    ("metric", "published", "exact"),
    [
        # Published: alpha_nominal = .743, alpha_ordinal = .815, alpha_interval = .849.
        (Metric.NOMINAL, "0.743", Fraction(113, 152)),
        (Metric.ORDINAL, "0.815", Fraction(108577, 133160)),
        (Metric.INTERVAL, "0.849", Fraction(951, 1120)),
    ],
)
def test_it_reproduces_krippendorffs_2011_example(metric, published, exact):
    result = krippendorff_alpha(
        units=_units(KRIPPENDORFF_2011_OBSERVERS), metric=metric
    )

    assert result.exact is not None
    assert round(float(result.exact), 3) == float(published)
    assert result.exact == exact
    # Unit 12 holds one value only; the paper's n = 40 pairable values in 11 units.
    assert (result.items, result.pairable_values) == (11, 40)


@pytest.mark.parametrize(
    ("metric", "published", "value"),
    [
        # Published: 0.691 nominal (exactly 56/81), 0.811 interval (0.810845).
        (Metric.NOMINAL, "0.691", Decimal("0.6914")),
        (Metric.INTERVAL, "0.811", Decimal("0.8108")),
    ],
)
def test_it_reproduces_the_three_coder_example(metric, published, value):
    result = krippendorff_alpha(units=_units(WIKIPEDIA_CODERS), metric=metric)

    assert result.exact is not None
    assert round(float(result.exact), 3) == float(published)
    assert result.value == value
    # Units 1, 2 and 14 have fewer than two values: 12 pairable units, n = 26.
    assert (result.items, result.pairable_values) == (12, 26)


def test_it_reproduces_the_scikit_learn_weighted_kappa_example():
    # scikit-learn's test_cohen_kappa, "Weighting example": y1 = 0*46 + 1*44 + 2*10,
    # y2 = 0*50 + 1*40 + 2*10, quadratic kappa 0.9541. Shifted to 1..3 here.
    # By hand: 4 pairs one point apart, weight 1 each -> observed 4; marginals
    # (46, 44, 10) x (50, 40, 10): one point apart 4880, two points apart 960,
    # chance = (4880 + 4 * 960) / 100 = 87.2; kappa = 1 - 4 / 87.2 = 104/109.
    pairs = [(1, 1)] * 46 + [(2, 1)] * 4 + [(2, 2)] * 40 + [(3, 3)] * 10

    kappa = quadratic_weighted_kappa(pairs=pairs, categories=[1, 2, 3])

    assert kappa.exact == Fraction(104, 109)
    assert kappa.value == Decimal("0.9541")
    assert kappa.items == 100


def test_it_gives_all_four_figures_for_an_assessor_pair():
    # By hand, pairs (1,1) (2,3) (3,3) (4,4) on the 1..4 scale:
    # exact 3/4; within one 4/4.
    # kappa: observed sum of (a-b)^2 = 1; rater A uses 1,2,3,4 once, rater B uses
    #   1, 3, 3, 4; sum over A x B of (a-b)^2 = 17 + 7 + 5 + 11 = 40, / 4 pairs = 10;
    #   kappa = 1 - 1/10 = 9/10.
    # alpha ordinal: n_1=2, n_2=1, n_3=3, n_4=2, n=8; o_23 = o_32 = 1 with
    #   d(2,3) = (1 + 3 - 2)^2 = 4, so sum(o*d) = 8; sum(n_c*n_k*d) over c != k
    #   = 2 * (4.5 + 73.5 + 144 + 12 + 40.5 + 37.5) = 624;
    #   alpha = 1 - 7 * 8 / 624 = 71/78.
    pairs = [(1, 1), (2, 3), (3, 3), (4, 4)]

    figures = pair_agreement(pairs=pairs, categories=ONE_TO_FOUR)

    assert figures.exact.exact == Fraction(3, 4)
    assert figures.within_one.exact == 1
    assert figures.weighted_kappa.exact == Fraction(9, 10)
    assert figures.alpha_ordinal.exact == Fraction(71, 78)
    assert figures.alpha_ordinal.value == Decimal("0.9103")
    assert {figures.exact.items, figures.weighted_kappa.items} == {4}


def test_perfect_agreement_gives_one_everywhere():
    pairs = [(1, 1), (2, 2), (3, 3), (4, 4), (2, 2)]

    figures = pair_agreement(pairs=pairs, categories=ONE_TO_FOUR)

    assert figures.exact.value == figures.within_one.value == Decimal("1.0000")
    assert figures.weighted_kappa.exact == 1
    for metric in Metric:
        assert krippendorff_alpha(units=pairs, metric=metric).exact == 1


def test_it_skips_incomplete_pairs_and_counts_the_rest():
    pairs = [(1, 1), (2, None), (None, 3), (3, 4), (None, None)]

    result = exact_agreement(pairs=pairs)

    assert (result.exact, result.items, result.pairable_values) == (
        Fraction(1, 2),
        2,
        4,
    )
    assert within_one_agreement(pairs=pairs).exact == 1


@pytest.mark.parametrize(
    "pairs", [[], [(2, 3)], [(2, 3), (4, None)], [(None, 1), (1, None)]]
)
def test_too_few_items_is_not_computable(pairs):
    assert len([p for p in pairs if None not in p]) < MIN_PAIRABLE_ITEMS
    figures = pair_agreement(pairs=pairs, categories=ONE_TO_FOUR)

    for result in vars(figures).values():
        assert (result.exact, result.value) == (None, None)
        assert result.reason is NotComputable.TOO_FEW_ITEMS
        assert not result.computable


def test_alpha_needs_two_units_with_two_values_each():
    units = [[1, 2, None], [3, None, None], [None, None, 4]]

    result = krippendorff_alpha(units=units, metric=Metric.INTERVAL)

    assert result.reason is NotComputable.TOO_FEW_ITEMS
    assert (result.items, result.pairable_values) == (1, 2)


def test_no_variation_is_not_computable():
    # Everyone scored 3 everywhere: agreement is total but chance disagreement is 0,
    # so kappa and alpha are 0 / 0; the plain shares remain defined.
    figures = pair_agreement(pairs=[(3, 3)] * 5, categories=ONE_TO_FOUR)

    assert figures.exact.exact == 1
    assert figures.weighted_kappa.reason is NotComputable.NO_VARIATION
    assert figures.alpha_ordinal.reason is NotComputable.NO_VARIATION
    assert figures.alpha_ordinal.items == 5


def test_systematic_disagreement_is_negative():
    # By hand: observed (1-2)^2 + (2-1)^2 = 2; chance (1*1*1 + 1*1*1) / 2 = 1.
    kappa = quadratic_weighted_kappa(pairs=[(1, 2), (2, 1)], categories=[1, 2])

    assert kappa.value == Decimal("-1.0000")


def test_value_rounds_half_away_from_zero():
    # 1 equal pair in 32 = 0.03125 exactly: half-up gives 0.0313 (half-even: 0.0312).
    pairs = [(1, 1)] + [(1, 2)] * 31

    assert exact_agreement(pairs=pairs).value == Decimal("0.0313")


def test_it_refuses_scores_outside_the_categories():
    with pytest.raises(ValueError, match="outside the categories"):
        quadratic_weighted_kappa(pairs=[(1, 5), (2, 2)], categories=ONE_TO_FOUR)
