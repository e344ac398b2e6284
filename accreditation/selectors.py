"""Reads of accreditation instruments."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from accreditation.models import (
    Component,
    GradeThreshold,
    Indicator,
    InstrumentVersion,
)
from accreditation.specs import ComponentSpec, GradeSpec, GradingSpec
from workflow.models import Organisation, Role
from workflow.selectors import holds_role


def instrument_administrator(user: Any) -> bool:
    """True when ``user`` is an administrator of an accreditation body (BALKS)."""
    return holds_role(
        user, roles=[Role.ADMINISTRATOR], organisation_kind=Organisation.Kind.BALKS
    )


def instrument_version_components(*, version: InstrumentVersion) -> QuerySet[Component]:
    """The version's components in order, with their indicators and levels."""
    indicators = Indicator.objects.order_by("position").prefetch_related("levels")
    return (
        Component.objects.filter(version=version)
        .order_by("position")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )


def instrument_version_thresholds(
    *, version: InstrumentVersion
) -> QuerySet[GradeThreshold]:
    """The version's grade thresholds, highest minimum first."""
    return GradeThreshold.objects.filter(version=version).order_by("-minimum")


def instrument_version_published(*, instrument_code: str) -> InstrumentVersion | None:
    """The newest published version of an instrument, if any."""
    return (
        InstrumentVersion.objects.filter(
            instrument__code=instrument_code, state=InstrumentVersion.State.PUBLISHED
        )
        .order_by("-number")
        .first()
    )


def instrument_grading_spec(*, version: InstrumentVersion) -> GradingSpec:
    """The plain data the grade computation needs from ``version`` (3 queries)."""
    indicators = Indicator.objects.order_by("position")
    components = (
        Component.objects.filter(version=version)
        .order_by("position")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )
    return GradingSpec(
        components=tuple(
            ComponentSpec(
                code=c.code,
                name=c.name,
                weight=c.weight,
                indicators=tuple(i.code for i in c.indicators.all()),
            )
            for c in components
        ),
        grades=tuple(
            GradeSpec(
                grade=t.grade,
                label=t.label,
                minimum=t.minimum,
                validity_years=t.validity_years,
            )
            for t in instrument_version_thresholds(version=version)
        ),
        total_gap=version.total_gap,
        indicator_gap=version.indicator_gap,
    )
