"""Instrument versions: drafting, validating, publishing, copying.

A published version is frozen: every edit below locks its version row and is
refused unless the version is still a draft, so that an application scored
on a version always computes with what was published.
"""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accreditation.models import (
    MANAGE_INSTRUMENT,
    Component,
    GradeThreshold,
    Indicator,
    IndicatorLevel,
    Instrument,
    InstrumentVersion,
)
from accreditation.selectors import (
    instrument_administrator,
    instrument_version_components,
    instrument_version_thresholds,
)
from workflow.audit import audited_delete, audited_save
from workflow.exceptions import InvalidInput, NotPermitted, TransitionNotAllowed
from workflow.models import Organisation, Role, User
from workflow.services import object_permission_grant, transition_run

if TYPE_CHECKING:
    from collections.abc import Sequence

State = InstrumentVersion.State
TOTAL_WEIGHT = Decimal(100)


class InstrumentFrozen(TransitionNotAllowed):
    default_message = _(
        "A published instrument version cannot be changed; create a new version."
    )


class InvalidInstrument(InvalidInput):
    """Publication refused: ``faults`` names every fault of the version."""

    def __init__(self, faults: Sequence[str]) -> None:
        self.faults = list(faults)
        super().__init__(
            _("The instrument version is not valid: %(faults)s")
            % {"faults": " ".join(self.faults)}
        )


# --- authorisation and locking ---------------------------------------------


def _authorise(actor: User) -> None:
    if not instrument_administrator(actor):
        raise NotPermitted()


def _draft_locked(actor: User, version: InstrumentVersion) -> InstrumentVersion:
    """Lock ``version`` (edits and publication queue up here), check the actor
    and that the version is still a draft."""
    locked = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    _authorise(actor)
    if locked.state != State.DRAFT:
        raise InstrumentFrozen()
    return locked


def _grant(version: InstrumentVersion) -> None:
    # The accreditation bodies' administrators draft and publish every version.
    for body in Organisation.objects.filter(
        kind=Organisation.Kind.BALKS, is_active=True
    ):
        object_permission_grant(
            obj=version,
            organisation=body,
            role=Role.ADMINISTRATOR,
            perms=[MANAGE_INSTRUMENT],
        )


# --- versions -----------------------------------------------------------------


@transaction.atomic
def instrument_create(*, actor: User, code: str, name: str) -> InstrumentVersion:
    """Create an instrument with its first, empty draft version."""
    _authorise(actor)
    instrument = Instrument(code=code, name=name)
    audited_save(record=instrument, actor=actor, action="instrument_create")
    version = InstrumentVersion(instrument=instrument, number=1)
    audited_save(
        record=version,
        actor=actor,
        action="instrument_version_create",
        target_state=version.state,
    )
    _grant(version)
    return version


@transaction.atomic
def instrument_update(*, actor: User, instrument: Instrument, name: str) -> Instrument:
    """Rename an instrument (its versions keep their contents)."""
    _authorise(actor)
    locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
    locked.name = name
    return audited_save(
        record=locked, actor=actor, action="instrument_update", fields=["name"]
    )


@transaction.atomic
def instrument_version_update(
    *, actor: User, version: InstrumentVersion, total_gap: Decimal, indicator_gap: int
) -> InstrumentVersion:
    """Set a draft's reconciliation gaps (total and per indicator)."""
    locked = _draft_locked(actor, version)
    locked.total_gap = total_gap
    locked.indicator_gap = indicator_gap
    return audited_save(
        record=locked,
        actor=actor,
        action="instrument_version_update",
        fields=["total_gap", "indicator_gap"],
    )


def instrument_version_validate(*, version: InstrumentVersion) -> list[str]:
    """Every fault that keeps ``version`` from being published, in Indonesian."""
    components = list(instrument_version_components(version=version))
    return [
        *_weight_faults(components),
        *_threshold_faults(list(instrument_version_thresholds(version=version))),
        *_indicator_faults(components),
    ]


def _weight_faults(components: list[Component]) -> list[str]:
    total = sum((c.weight for c in components), Decimal(0))
    if total == TOTAL_WEIGHT:
        return []
    return [_msg(_("The component weights add up to %(total)s, not 100."), total=total)]


def _threshold_faults(thresholds: list[GradeThreshold]) -> list[str]:
    by_grade = {t.grade: t for t in thresholds}
    grades = [g.value for g in GradeThreshold.Grade]
    faults = [
        _msg(_("Grade %(grade)s has no threshold."), grade=g)
        for g in grades
        if g not in by_grade
    ]
    present = [by_grade[g] for g in grades if g in by_grade]
    for higher, lower in itertools.pairwise(present):
        if higher.minimum <= lower.minimum:
            faults.append(
                _msg(
                    _(
                        "The minimum of grade %(higher)s (%(high)s) must be above "
                        "that of grade %(lower)s (%(low)s)."
                    ),
                    higher=higher.grade,
                    high=higher.minimum,
                    lower=lower.grade,
                    low=lower.minimum,
                )
            )
    return faults


def _indicator_faults(components: list[Component]) -> list[str]:
    faults: list[str] = []
    codes: Counter[str] = Counter()
    for component in components:
        indicators = list(component.indicators.all())
        if not indicators:
            faults.append(
                _msg(
                    _("Component %(component)s has no indicators."),
                    component=component.name,
                )
            )
        for indicator in indicators:
            codes[indicator.code] += 1
            faults += _level_faults(component, indicator)
    faults += [
        _msg(_("Indicator code %(code)s is used more than once."), code=code)
        for code, count in codes.items()
        if count > 1
    ]
    return faults


def _level_faults(component: Component, indicator: Indicator) -> list[str]:
    present = {level.score for level in indicator.levels.all()}
    missing = [str(s) for s in IndicatorLevel.SCORES if s not in present]
    if not missing:
        return []
    return [
        _msg(
            _(
                "Indicator %(indicator)s of component %(component)s has no "
                "guidance for level %(levels)s."
            ),
            indicator=indicator.code,
            component=component.name,
            levels=", ".join(missing),
        )
    ]


def _msg(message: Promise, **values: object) -> str:
    return str(message) % values


@transaction.atomic
def instrument_version_publish(
    *, actor: User, version: InstrumentVersion, reason: str = ""
) -> InstrumentVersion:
    """Publish a valid draft; from then on the version is frozen."""
    locked = _draft_locked(actor, version)
    faults = instrument_version_validate(version=locked)
    if faults:
        raise InvalidInstrument(faults)
    return transition_run(
        actor=actor, record=locked, transition="publish", reason=reason
    )


@transaction.atomic
def instrument_version_new(
    *, actor: User, previous: InstrumentVersion
) -> InstrumentVersion:
    """A new draft of the same instrument, a full copy of ``previous``."""
    _authorise(actor)
    instrument = Instrument.objects.select_for_update().get(pk=previous.instrument_id)
    newest = instrument.versions.aggregate(n=Max("number"))["n"] or 0
    version = InstrumentVersion(
        instrument=instrument,
        number=newest + 1,
        total_gap=previous.total_gap,
        indicator_gap=previous.indicator_gap,
    )
    audited_save(
        record=version,
        actor=actor,
        action="instrument_version_create",
        reason=str(previous.number),
        target_state=version.state,
    )
    _copy_contents(actor, previous, version)
    _grant(version)
    return version


def _copy_contents(
    actor: User, previous: InstrumentVersion, version: InstrumentVersion
) -> None:
    for component in instrument_version_components(version=previous):
        copy = _copied(actor, component, version=version)
        for indicator in component.indicators.all():
            indicator_copy = _copied(actor, indicator, component=copy)
            for level in indicator.levels.all():
                _copied(actor, level, indicator=indicator_copy)
    for threshold in instrument_version_thresholds(version=previous):
        _copied(actor, threshold, version=version)


def _copied[M: (Component, Indicator, IndicatorLevel, GradeThreshold)](
    actor: User, record: M, **parent: object
) -> M:
    record.pk = None
    record._state.adding = True
    for name, value in parent.items():
        setattr(record, name, value)
    return audited_save(record=record, actor=actor, action="instrument_version_copy")


# --- components -------------------------------------------------------------


@transaction.atomic
def component_create(
    *,
    actor: User,
    version: InstrumentVersion,
    code: str,
    name: str,
    weight: Decimal,
    position: int,
) -> Component:
    """Add a weighted component to a draft version."""
    locked = _draft_locked(actor, version)
    component = Component(
        version=locked, code=code, name=name, weight=weight, position=position
    )
    return audited_save(record=component, actor=actor, action="component_create")


@transaction.atomic
def component_update(
    *, actor: User, component: Component, name: str, weight: Decimal, position: int
) -> Component:
    """Rename, reweigh or move a component of a draft version."""
    _draft_locked(actor, component.version)
    component.name, component.weight, component.position = name, weight, position
    return audited_save(
        record=component,
        actor=actor,
        action="component_update",
        fields=["name", "weight", "position"],
    )


@transaction.atomic
def component_delete(*, actor: User, component: Component) -> None:
    """Remove a component of a draft version, with its indicators."""
    _draft_locked(actor, component.version)
    for indicator in component.indicators.all():
        _indicator_remove(actor, indicator)
    audited_delete(record=component, actor=actor, action="component_delete")


# --- indicators and their levels --------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    component: Component,
    code: str,
    text: str,
    position: int,
    guidance: Sequence[str] = (),
) -> Indicator:
    """Add an indicator to a draft's component, with guidance for levels 1.. in
    the order given."""
    _draft_locked(actor, component.version)
    indicator = Indicator(component=component, code=code, text=text, position=position)
    audited_save(record=indicator, actor=actor, action="indicator_create")
    for score, text_of_level in zip(IndicatorLevel.SCORES, guidance, strict=False):
        level = IndicatorLevel(indicator=indicator, score=score, guidance=text_of_level)
        audited_save(record=level, actor=actor, action="indicator_level_set")
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: User, indicator: Indicator, text: str, position: int
) -> Indicator:
    """Reword or move an indicator of a draft version."""
    _draft_locked(actor, indicator.component.version)
    indicator.text, indicator.position = text, position
    return audited_save(
        record=indicator,
        actor=actor,
        action="indicator_update",
        fields=["text", "position"],
    )


@transaction.atomic
def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    """Remove an indicator of a draft version, with its levels."""
    _draft_locked(actor, indicator.component.version)
    _indicator_remove(actor, indicator)


def _indicator_remove(actor: User, indicator: Indicator) -> None:
    for level in indicator.levels.all():
        audited_delete(record=level, actor=actor, action="indicator_level_delete")
    audited_delete(record=indicator, actor=actor, action="indicator_delete")


@transaction.atomic
def indicator_level_set(
    *, actor: User, indicator: Indicator, score: int, guidance: str
) -> IndicatorLevel:
    """Write the guidance of one level (1 to 4) of a draft's indicator."""
    _draft_locked(actor, indicator.component.version)
    level = IndicatorLevel.objects.filter(indicator=indicator, score=score).first()
    if level is None:
        level = IndicatorLevel(indicator=indicator, score=score)
    level.guidance = guidance
    return audited_save(record=level, actor=actor, action="indicator_level_set")


@transaction.atomic
def indicator_level_delete(*, actor: User, level: IndicatorLevel) -> None:
    """Remove the guidance of one level of a draft's indicator."""
    _draft_locked(actor, level.indicator.component.version)
    audited_delete(record=level, actor=actor, action="indicator_level_delete")


# --- grade thresholds ---------------------------------------------------------


@transaction.atomic
def threshold_set(
    *,
    actor: User,
    version: InstrumentVersion,
    grade: str,
    label: str,
    minimum: Decimal,
    validity_years: int,
) -> GradeThreshold:
    """Create or change the threshold of one grade of a draft version."""
    locked = _draft_locked(actor, version)
    threshold = GradeThreshold.objects.filter(version=locked, grade=grade).first()
    if threshold is None:
        threshold = GradeThreshold(version=locked, grade=grade)
    threshold.label = label
    threshold.minimum = minimum
    threshold.validity_years = validity_years
    return audited_save(record=threshold, actor=actor, action="threshold_set")


@transaction.atomic
def threshold_delete(*, actor: User, threshold: GradeThreshold) -> None:
    """Remove the threshold of one grade of a draft version."""
    _draft_locked(actor, threshold.version)
    audited_delete(record=threshold, actor=actor, action="threshold_delete")
