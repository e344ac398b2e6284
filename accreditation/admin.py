"""Read-only admin views of instruments; changes go through the services."""

from __future__ import annotations

from django.contrib import admin

from accreditation.models import (
    Component,
    GradeThreshold,
    Indicator,
    IndicatorLevel,
    Instrument,
    InstrumentVersion,
)
from workflow.admin import ReadOnlyAdmin, ReadOnlyTabularInline


class ComponentInline(ReadOnlyTabularInline):
    model = Component
    fields = ["position", "code", "name", "weight"]


class GradeThresholdInline(ReadOnlyTabularInline):
    model = GradeThreshold
    fields = ["grade", "label", "minimum", "validity_years"]


class IndicatorLevelInline(ReadOnlyTabularInline):
    model = IndicatorLevel
    fields = ["score", "guidance"]


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["instrument", "number", "state", "published_at"]
    list_filter = ["state", "instrument"]
    inlines = [ComponentInline, GradeThresholdInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "component", "position"]
    list_filter = ["component__version"]
    inlines = [IndicatorLevelInline]
