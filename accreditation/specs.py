"""Plain data an instrument version gives the grade computation (grading.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Every indicator is scored on this scale (DOMAIN.md section 5: 1 not met ...
# 4 fully met with evidence); levels, constraints and the grade all read it.
SCORES = (1, 2, 3, 4)


@dataclass(frozen=True)
class ComponentSpec:
    """A weighted component and the codes of its indicators, in order."""

    code: str
    name: str
    weight: Decimal
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class GradeSpec:
    """The lowest total that earns ``grade`` and how many years it is valid."""

    grade: str
    label: str
    minimum: Decimal
    validity_years: int


@dataclass(frozen=True)
class GradingSpec:
    """Everything of one version the grade and reconciliation rules read.

    ``grades`` run from the highest minimum down.
    """

    components: tuple[ComponentSpec, ...]
    grades: tuple[GradeSpec, ...]
    total_gap: Decimal
    indicator_gap: int
