"""The grade arithmetic, against totals computed by hand.

Instrument of these tests: three components with weights that are not round
numbers (17.25, 24.50, 58.25: they sum to 100) and 2, 3 and 4 indicators.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from accreditation.grading import grade_compute
from accreditation.models import InstrumentVersion
from accreditation.selectors import instrument_grading_spec
from accreditation.specs import ComponentSpec, GradeSpec
from workflow.exceptions import InvalidInput

COMPONENTS = (
    ComponentSpec(
        code="P", name="Program", weight=Decimal("17.25"), indicators=("p1", "p2")
    ),
    ComponentSpec(
        code="S", name="SDM", weight=Decimal("24.50"), indicators=("s1", "s2", "s3")
    ),
    ComponentSpec(
        code="H",
        name="Hasil",
        weight=Decimal("58.25"),
        indicators=("h1", "h2", "h3", "h4"),
    ),
)
DEFAULT = (
    GradeSpec(grade="A", label="Sangat Baik", minimum=Decimal("86"), validity_years=5),
    GradeSpec(grade="B", label="Baik", minimum=Decimal("71"), validity_years=3),
    GradeSpec(grade="C", label="Cukup", minimum=Decimal("56"), validity_years=2),
)
# P: 4, 3 -> mean 3.5 -> 87.5 x 17.25% = 15.09375
# S: 2, 3, 3 -> mean 8/3 -> 66.666... x 24.5% = 16.333...
# H: 4, 4, 3, 3 -> mean 3.5 -> 87.5 x 58.25% = 50.96875
# total 82.3958333... -> 82.40 (half up)
SCORES = {"p1": 4, "p2": 3, "s1": 2, "s2": 3, "s3": 3}
SCORES |= {"h1": 4, "h2": 4, "h3": 3, "h4": 3}
TOTAL = Decimal("82.40")


def _thresholds(**minimums: str) -> tuple[GradeSpec, ...]:
    return tuple(
        GradeSpec(
            grade=g.grade,
            label=g.label,
            minimum=Decimal(minimums.get(g.grade, str(g.minimum))),
            validity_years=g.validity_years,
        )
        for g in DEFAULT
    )


def test_the_explanation_table_and_the_total_are_computed_by_the_stated_rule() -> None:
    result = grade_compute(components=COMPONENTS, thresholds=DEFAULT, scores=SCORES)

    rows = [(line.code, line.mean, line.score, line.weighted) for line in result.lines]
    assert rows == [
        ("P", Decimal("3.50"), Decimal("87.50"), Decimal("15.09")),
        ("S", Decimal("2.67"), Decimal("66.67"), Decimal("16.33")),
        ("H", Decimal("3.50"), Decimal("87.50"), Decimal("50.97")),
    ]
    # The total is exact until rounded once: not the sum of rounded rows (82.39).
    assert result.total == TOTAL
    assert result.grade is not None and result.grade.grade == "B"
    assert result.threshold == Decimal("71")


@pytest.mark.parametrize(("grade", "below"), [("A", "B"), ("B", "C"), ("C", None)])
def test_a_total_at_a_threshold_reaches_it_and_a_hundredth_below_does_not(
    grade: str, below: str | None
) -> None:
    # Thresholds moved so that this total sits exactly on the grade's minimum,
    # a hundredth above it, and a hundredth below it.
    lower = {"A": {}, "B": {"A": "99"}, "C": {"A": "99", "B": "98"}}[grade]
    at = grade_compute(
        components=COMPONENTS,
        thresholds=_thresholds(**lower, **{grade: "82.40"}),
        scores=SCORES,
    )
    above = grade_compute(
        components=COMPONENTS,
        thresholds=_thresholds(**lower, **{grade: "82.39"}),
        scores=SCORES,
    )
    under = grade_compute(
        components=COMPONENTS,
        thresholds=_thresholds(**lower, **{grade: "82.41"}),
        scores=SCORES,
    )

    assert at.grade is not None and at.grade.grade == grade
    assert above.grade is not None and above.grade.grade == grade
    if below is None:
        assert under.grade is None and under.threshold is None
    else:
        assert under.grade is not None and under.grade.grade == below


def test_the_total_is_rounded_half_up_once() -> None:
    # P 1, 1 -> 25 x 17.25% = 4.3125; S 1, 1, 1 -> 25 x 24.5% = 6.125;
    # H 1, 3, 4, 4 -> 75 x 58.25% = 43.6875; total exactly 54.125.
    scores = {"p1": 1, "p2": 1, "s1": 1, "s2": 1, "s3": 1}
    scores |= {"h1": 1, "h2": 3, "h3": 4, "h4": 4}

    result = grade_compute(components=COMPONENTS, thresholds=DEFAULT, scores=scores)

    assert result.total == Decimal("54.13")  # half even would give 54.12
    assert result.grade is None  # below C (56): not accredited


def test_all_fours_make_100_and_all_ones_make_25() -> None:
    fours = dict.fromkeys(SCORES, 4)
    ones = dict.fromkeys(SCORES, 1)

    top = grade_compute(components=COMPONENTS, thresholds=DEFAULT, scores=fours)
    bottom = grade_compute(components=COMPONENTS, thresholds=DEFAULT, scores=ones)

    assert (top.total, top.grade and top.grade.grade) == (Decimal("100.00"), "A")
    assert (bottom.total, bottom.grade) == (Decimal("25.00"), None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"h4": None}, "h4"),
        ({"s2": 5}, "s2"),
        ({"s2": 0}, "s2"),
        ({"p1": 2.5}, "p1"),
        ({"p1": True}, "p1"),
    ],
)
def test_missing_or_impossible_scores_are_refused_naming_the_indicator(
    change: dict[str, object], message: str
) -> None:
    scores: dict[str, object] = {**SCORES, **change}
    scores = {code: value for code, value in scores.items() if value is not None}

    with pytest.raises(InvalidInput) as refused:
        grade_compute(components=COMPONENTS, thresholds=DEFAULT, scores=scores)  # type: ignore[arg-type]

    assert message in str(refused.value)


@pytest.mark.django_db
def test_the_default_national_instrument_grades_through_its_own_spec() -> None:
    version = InstrumentVersion.objects.get(instrument__code="balks", number=1)
    spec = instrument_grading_spec(version=version)
    # Every indicator at 3: every component 75, and the six weights (4 x 16.67
    # + 2 x 16.66) sum to 100, so the total is 75.00: B (71 <= 75 < 86).
    threes = {code: 3 for c in spec.components for code in c.indicators}
    one_less = {**threes, spec.components[0].indicators[0]: 2}

    result = grade_compute(
        components=spec.components, thresholds=spec.grades, scores=threes
    )
    lower = grade_compute(
        components=spec.components, thresholds=spec.grades, scores=one_less
    )

    assert len(result.lines) == 6
    assert result.total == Decimal("75.00")
    assert result.grade is not None and result.grade.grade == "B"
    assert (result.grade.validity_years, result.threshold) == (3, Decimal("71"))
    assert lower.total < result.total
