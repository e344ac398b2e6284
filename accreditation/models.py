"""Accreditation: the versioned, weighted assessment instrument."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accreditation.specs import SCORES as SCALE
from workflow.audit import AuditedModel, audited_history

MANAGE_INSTRUMENT = "accreditation.manage_instrument"


class Instrument(models.Model):
    """An assessment instrument (e.g. the national BALKS instrument)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    history = audited_history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(ConcurrentTransitionMixin, AuditedModel):
    """One version of an instrument: drafted, validated, then published and frozen."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version number"))
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True
    )
    # Reconciliation is forced above these gaps (DOMAIN.md section 5 defaults).
    total_gap = models.DecimalField(
        _("gap between assessors' totals"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(15),
    )
    indicator_gap = models.PositiveSmallIntegerField(
        _("gap on one indicator"), default=1
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = audited_history()

    class Meta:
        ordering = ["instrument", "number"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        permissions = [
            ("manage_instrument", _("Draft and publish an instrument version")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"],
                name="accreditation_instrumentversion_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(total_gap__gte=0, total_gap__lte=100),
                name="accreditation_instrumentversion_total_gap_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published")
                | models.Q(published_at__isnull=False),
                name="accreditation_instrumentversion_published_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number} ({self.get_state_display()})"

    # Transitions: declarations only; transition_run checks and records them.

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.PUBLISHED,
        permission=MANAGE_INSTRUMENT,
    )
    def publish(self) -> None:
        self.published_at = timezone.now()


class InstrumentVersionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE)


class InstrumentVersionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE)


class Component(models.Model):
    """A weighted component (standard) of an instrument version."""

    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("order"))
    history = audited_history()

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("component")
        verbose_name_plural = _("components")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="accreditation_component_unique_code"
            ),
            models.UniqueConstraint(
                fields=["version", "position"],
                name="accreditation_component_unique_position",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=100),
                name="accreditation_component_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(models.Model):
    """One indicator of a component, scored 1 to 4."""

    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(_("order"))
    history = audited_history()

    class Meta:
        ordering = ["component", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["component", "code"],
                name="accreditation_indicator_unique_code",
            ),
            models.UniqueConstraint(
                fields=["component", "position"],
                name="accreditation_indicator_unique_position",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class IndicatorLevel(models.Model):
    """The guidance for one score (1 to 4) of an indicator."""

    SCORES = SCALE

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="levels",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    guidance = models.TextField(_("guidance"))
    history = audited_history()

    class Meta:
        ordering = ["indicator", "score"]
        verbose_name = _("indicator level")
        verbose_name_plural = _("indicator levels")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "score"],
                name="accreditation_indicatorlevel_unique_score",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCALE[0], score__lte=SCALE[-1]),
                name="accreditation_indicatorlevel_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} = {self.score}"


class GradeThreshold(models.Model):
    """The lowest total that earns a grade, and how long the grade is valid."""

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.CASCADE,
        related_name="thresholds",
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    label = models.CharField(_("label"), max_length=60)
    minimum = models.DecimalField(_("minimum total"), max_digits=5, decimal_places=2)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"))
    history = audited_history()

    class Meta:
        ordering = ["version", "grade"]
        verbose_name = _("grade threshold")
        verbose_name_plural = _("grade thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "grade"],
                name="accreditation_gradethreshold_unique_grade",
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=["A", "B", "C"]),
                name="accreditation_gradethreshold_grade_known",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum__gte=0, minimum__lte=100),
                name="accreditation_gradethreshold_minimum_range",
            ),
            models.CheckConstraint(
                condition=models.Q(validity_years__gte=1),
                name="accreditation_gradethreshold_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade} >= {self.minimum}"
