"""Instrument versions through their services: validated, published, frozen, copied."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from accreditation.models import (
    Component,
    GradeThreshold,
    Indicator,
    IndicatorLevel,
    InstrumentVersion,
)
from accreditation.selectors import (
    instrument_grading_spec,
    instrument_version_published,
)
from accreditation.services.instruments import (
    InstrumentFrozen,
    InvalidInstrument,
    component_update,
    indicator_create,
    indicator_delete,
    indicator_level_delete,
    instrument_create,
    instrument_version_new,
    instrument_version_publish,
    instrument_version_validate,
    threshold_set,
)
from tests.conftest import World, _member
from tests.factories import OrganisationFactory
from workflow.audit import verify_all
from workflow.exceptions import NotPermitted
from workflow.models import Organisation, Role, User

State = InstrumentVersion.State


@dataclass
class Balks:
    administrator: User
    assessor: User


@pytest.fixture
def balks(world: World) -> Balks:
    body = OrganisationFactory.create(
        name="Badan Akreditasi LKS", kind=Organisation.Kind.BALKS
    )
    return Balks(
        administrator=_member(world.root, body, Role.ADMINISTRATOR, "admin_balks"),
        assessor=_member(world.root, body, Role.ASSESSOR, "assessor_a"),
    )


@pytest.fixture
def default() -> InstrumentVersion:
    version = instrument_version_published(instrument_code="balks")
    assert version is not None
    return version


@pytest.fixture
def draft(balks: Balks, default: InstrumentVersion) -> InstrumentVersion:
    return instrument_version_new(actor=balks.administrator, previous=default)


def _component(version: InstrumentVersion, code: str) -> Component:
    return Component.objects.get(version=version, code=code)


def _refused(balks: Balks, draft: InstrumentVersion) -> list[str]:
    with pytest.raises(InvalidInstrument) as refused:
        instrument_version_publish(actor=balks.administrator, version=draft)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    return refused.value.faults


# --- the default national instrument ------------------------------------------


@pytest.mark.django_db
def test_the_default_instrument_is_published_and_valid(
    default: InstrumentVersion,
) -> None:
    assert (default.number, default.state) == (1, State.PUBLISHED)
    assert instrument_version_validate(version=default) == []
    spec = instrument_grading_spec(version=default)
    assert [c.code for c in spec.components] == [
        "program",
        "proses",
        "manajemen",
        "sdm",
        "sarpras",
        "hasil",
    ]
    assert sum(c.weight for c in spec.components) == Decimal("100.00")
    assert [c.weight for c in spec.components] == [Decimal("16.67")] * 4 + [
        Decimal("16.66")
    ] * 2
    assert all(3 <= len(c.indicators) <= 4 for c in spec.components)
    assert [(g.grade, g.label, g.minimum, g.validity_years) for g in spec.grades] == [
        ("A", "Sangat Baik", Decimal("86.00"), 5),
        ("B", "Baik", Decimal("71.00"), 3),
        ("C", "Cukup", Decimal("56.00"), 2),
    ]
    assert (spec.total_gap, spec.indicator_gap) == (Decimal("15.00"), 1)


@pytest.mark.django_db
def test_the_default_instrument_is_in_the_audit_chain() -> None:
    assert verify_all() == []


# --- new versions -------------------------------------------------------------


def test_a_new_version_copies_everything_as_a_draft(
    balks: Balks, default: InstrumentVersion, draft: InstrumentVersion
) -> None:
    draft.refresh_from_db()
    assert (draft.number, draft.state, draft.published_at) == (2, State.DRAFT, None)
    assert instrument_grading_spec(version=draft) == instrument_grading_spec(
        version=default
    )
    levels = IndicatorLevel.objects.filter(
        indicator__component__version=draft
    ).values_list("indicator__code", "score", "guidance")
    old = IndicatorLevel.objects.filter(
        indicator__component__version=default
    ).values_list("indicator__code", "score", "guidance")
    assert sorted(levels) == sorted(old)
    assert len(levels) == 19 * 4
    entry = draft.history.get()
    assert (entry.history_user, entry.transition) == (
        balks.administrator,
        "instrument_version_create",
    )
    assert verify_all() == []


def test_a_valid_version_publishes(balks: Balks, draft: InstrumentVersion) -> None:
    instrument_version_publish(actor=balks.administrator, version=draft)

    draft.refresh_from_db()
    assert draft.state == State.PUBLISHED
    assert draft.published_at is not None
    entry = draft.history.latest("history_id")
    assert (entry.history_user, entry.transition) == (balks.administrator, "publish")
    assert (entry.source_state, entry.target_state) == ("draft", "published")
    assert draft.history.count() == 2
    assert verify_all() == []


def test_an_empty_instrument_is_refused_with_every_fault(balks: Balks) -> None:
    version = instrument_create(actor=balks.administrator, code="uji", name="Uji")

    assert _refused(balks, version) == [
        "Jumlah bobot komponen 0, bukan 100.",
        "Peringkat A belum memiliki batas nilai.",
        "Peringkat B belum memiliki batas nilai.",
        "Peringkat C belum memiliki batas nilai.",
    ]


# --- each fault refused, with its message -------------------------------------


def test_weights_of_99_99_are_refused(balks: Balks, draft: InstrumentVersion) -> None:
    sdm = _component(draft, "sdm")
    component_update(
        actor=balks.administrator,
        component=sdm,
        name=sdm.name,
        weight=Decimal("16.66"),
        position=sdm.position,
    )

    assert _refused(balks, draft) == ["Jumlah bobot komponen 99.99, bukan 100."]


def test_unordered_thresholds_are_refused(
    balks: Balks, draft: InstrumentVersion
) -> None:
    threshold_set(
        actor=balks.administrator,
        version=draft,
        grade="B",
        label="Baik",
        minimum=Decimal("86"),
        validity_years=3,
    )

    assert _refused(balks, draft) == [
        "Nilai minimum peringkat A (86.00) harus di atas nilai minimum "
        "peringkat B (86.00)."
    ]


def test_a_component_without_indicators_is_refused(
    balks: Balks, draft: InstrumentVersion
) -> None:
    for indicator in Indicator.objects.filter(component=_component(draft, "hasil")):
        indicator_delete(actor=balks.administrator, indicator=indicator)

    assert _refused(balks, draft) == [
        "Komponen Hasil pelayanan belum memiliki indikator."
    ]


def test_an_indicator_missing_a_level_is_refused(
    balks: Balks, draft: InstrumentVersion
) -> None:
    level = IndicatorLevel.objects.get(
        indicator__component__version=draft, indicator__code="program-1", score=3
    )
    indicator_level_delete(actor=balks.administrator, level=level)

    assert _refused(balks, draft) == [
        "Indikator program-1 pada komponen Program pelayanan belum memiliki "
        "panduan untuk tingkat 3."
    ]


# --- frozen once published ----------------------------------------------------


def test_editing_a_published_version_is_refused(
    balks: Balks, default: InstrumentVersion
) -> None:
    program = _component(default, "program")
    with pytest.raises(InstrumentFrozen):
        component_update(
            actor=balks.administrator,
            component=program,
            name="Diubah",
            weight=Decimal("50"),
            position=program.position,
        )
    with pytest.raises(InstrumentFrozen):
        indicator_create(
            actor=balks.administrator,
            component=program,
            code="program-9",
            text="Baru",
            position=9,
        )
    with pytest.raises(InstrumentFrozen):
        threshold_set(
            actor=balks.administrator,
            version=default,
            grade="A",
            label="Sangat Baik",
            minimum=Decimal("90"),
            validity_years=5,
        )
    with pytest.raises(InstrumentFrozen):
        instrument_version_publish(actor=balks.administrator, version=default)

    program.refresh_from_db()
    assert (program.name, program.weight) == ("Program pelayanan", Decimal("16.67"))
    assert not Indicator.objects.filter(code="program-9").exists()
    assert GradeThreshold.objects.get(version=default, grade="A").minimum == 86
    assert program.history.count() == 1


# --- who may ------------------------------------------------------------------


def test_others_than_a_balks_administrator_are_refused(
    world: World, balks: Balks, default: InstrumentVersion
) -> None:
    dinsos_admin = _member(
        world.root, world.dinsos_bogor, Role.ADMINISTRATOR, "admin_bogor"
    )
    for actor in (balks.assessor, dinsos_admin, world.verifier_bogor, world.outsider):
        with pytest.raises(NotPermitted):
            instrument_version_new(actor=actor, previous=default)
    assert InstrumentVersion.objects.filter(instrument=default.instrument).count() == 1


def test_a_non_administrator_cannot_edit_or_publish_a_draft(
    balks: Balks, draft: InstrumentVersion
) -> None:
    sdm = _component(draft, "sdm")
    with pytest.raises(NotPermitted):
        component_update(
            actor=balks.assessor,
            component=sdm,
            name="Diubah",
            weight=sdm.weight,
            position=sdm.position,
        )
    with pytest.raises(NotPermitted):
        instrument_version_publish(actor=balks.assessor, version=draft)

    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    sdm.refresh_from_db()
    assert sdm.name == "Sumber daya manusia"
