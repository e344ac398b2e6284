"""The transition service: permission, state, staleness and the audit entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Registration
from tests.conftest import World
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.models import Organisation
from workflow.services import membership_deactivate, transition_run

State = Registration.State


def _history_count(registration: Registration) -> int:
    return registration.history.count()


def _submit(world: World, registration: Registration) -> Registration:
    return transition_run(
        actor=world.operator_bogor, record=registration, transition="submit"
    )


def test_it_runs_a_permitted_transition_and_records_one_audit_entry(
    world: World, registration: Registration
) -> None:
    before = _history_count(registration)

    result = transition_run(
        actor=world.operator_bogor,
        record=registration,
        transition="submit",
        reason="Berkas lengkap",
    )

    fresh = Registration.objects.get(pk=registration.pk)
    assert fresh.state == State.SUBMITTED
    assert fresh.version == registration.version + 1 == result.version
    # What the transition method set, and the auto_now stamp, are saved too.
    assert fresh.submitted_at == result.submitted_at is not None
    assert fresh.updated_at == result.updated_at > registration.updated_at
    assert _history_count(registration) == before + 1
    entry = registration.history.order_by("-history_id").first()
    assert entry is not None
    assert entry.history_user == world.operator_bogor
    assert entry.history_change_reason == "Berkas lengkap"
    assert (entry.transition, entry.source_state, entry.target_state) == (
        "submit",
        State.DRAFT,
        State.SUBMITTED,
    )
    assert fresh.audit_head == entry.entry_hash != ""


def test_it_refuses_a_user_without_the_object_permission(
    world: World, registration: Registration
) -> None:
    submitted = _submit(world, registration)
    with pytest.raises(NotPermitted):
        transition_run(
            actor=world.operator_bogor,
            record=submitted,
            transition="start_verification",
        )
    assert Registration.objects.get(pk=registration.pk).state == State.SUBMITTED


@pytest.mark.parametrize(
    "persona", ["verifier_bantul", "monev_bogor", "opd_bintan_officer", "outsider"]
)
def test_it_refuses_verifier_of_another_district_and_other_roles(
    world: World, registration: Registration, persona: str
) -> None:
    submitted = _submit(world, registration)
    entries = _history_count(registration)
    with pytest.raises(NotPermitted):
        transition_run(
            actor=getattr(world, persona),
            record=submitted,
            transition="start_verification",
        )
    assert Registration.objects.get(pk=registration.pk).state == State.SUBMITTED
    assert _history_count(registration) == entries


def test_provincial_supervisor_reads_but_cannot_act(
    world: World, registration: Registration
) -> None:
    from cases.selectors import registration_list_for_user

    submitted = _submit(world, registration)
    assert list(registration_list_for_user(user=world.supervisor_jabar)) == [
        registration
    ]
    with pytest.raises(NotPermitted):
        transition_run(
            actor=world.supervisor_jabar,
            record=submitted,
            transition="start_verification",
        )


def test_it_refuses_a_deactivated_user(
    world: World, registration: Registration
) -> None:
    submitted = _submit(world, registration)
    world.verifier_bogor.is_active = False
    world.verifier_bogor.save(update_fields=["is_active"])
    with pytest.raises(NotPermitted):
        transition_run(
            actor=world.verifier_bogor,
            record=submitted,
            transition="start_verification",
        )


def test_it_refuses_after_the_membership_is_deactivated(
    world: World, registration: Registration
) -> None:
    submitted = _submit(world, registration)
    membership = world.verifier_bogor.memberships.get()
    membership_deactivate(actor=world.root, membership=membership, reason="Mutasi")
    with pytest.raises(NotPermitted):
        transition_run(
            actor=world.verifier_bogor,
            record=submitted,
            transition="start_verification",
        )
    assert not world.verifier_bogor.has_perm("cases.verify_registration", submitted)


def test_it_refuses_once_the_office_is_deactivated(
    world: World, registration: Registration
) -> None:
    from cases.selectors import registration_list_for_user

    submitted = _submit(world, registration)
    # As the admin's change form saves it.
    Organisation.objects.filter(pk=world.dinsos_bogor.pk).update(is_active=False)
    with pytest.raises(NotPermitted):
        transition_run(
            actor=world.verifier_bogor,
            record=submitted,
            transition="start_verification",
        )
    assert not registration_list_for_user(user=world.verifier_bogor).exists()
    assert list(registration_list_for_user(user=world.operator_bogor)) == [submitted]


def test_it_refuses_a_transition_from_the_wrong_state(
    world: World, registration: Registration
) -> None:
    entries = _history_count(registration)
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_run(
            actor=world.verifier_bogor, record=registration, transition="verify"
        )
    assert Registration.objects.get(pk=registration.pk).state == State.DRAFT
    assert _history_count(registration) == entries
    assert (
        str(refused.value) == "Tindakan ini tidak diizinkan pada status data saat ini."
    )


def test_it_refuses_an_unknown_transition_name(
    world: World, registration: Registration
) -> None:
    with pytest.raises(TransitionNotAllowed):
        transition_run(actor=world.root, record=registration, transition="delete")


def test_it_refuses_a_stale_record(world: World, registration: Registration) -> None:
    seen_by_operator = Registration.objects.get(pk=registration.pk)
    _submit(world, registration)
    with pytest.raises(StaleRecord) as refused:
        transition_run(
            actor=world.operator_bogor, record=seen_by_operator, transition="withdraw"
        )
    assert Registration.objects.get(pk=registration.pk).state == State.SUBMITTED
    assert "lebih dulu" in str(refused.value)


def test_a_rejection_needs_a_reason_and_a_known_ground(
    world: World, registration: Registration
) -> None:
    submitted = _submit(world, registration)
    reject: dict[str, Any] = {"actor": world.verifier_bogor, "transition": "reject"}
    with pytest.raises(InvalidInput):
        transition_run(**reject, record=submitted, data={"ground": "incomplete"})
    with pytest.raises(InvalidInput):
        transition_run(
            **reject, record=submitted, reason="Tidak jelas", data={"ground": "nope"}
        )
    with pytest.raises(InvalidInput):
        transition_run(**reject, record=submitted, reason="Tanpa dasar")
    assert Registration.objects.get(pk=registration.pk).state == State.SUBMITTED

    rejected = transition_run(
        **reject,
        record=submitted,
        reason="AD/ART tidak dilampirkan",
        data={"ground": Registration.RejectionGround.INCOMPLETE},
    )
    assert Registration.objects.get(pk=rejected.pk).rejection_ground == "incomplete"


def test_the_whole_happy_path_leaves_one_entry_per_transition(
    world: World, registration: Registration
) -> None:
    steps = [
        ("operator_bogor", "submit"),
        ("verifier_bogor", "start_verification"),
        ("verifier_bogor", "request_revision"),
        ("operator_bogor", "submit"),
        ("verifier_bogor", "start_verification"),
        ("verifier_bogor", "verify"),
        ("kadis_bogor", "approve"),
        ("kadis_bogor", "issue_certificate"),
    ]
    record = registration
    for persona, name in steps:
        record = transition_run(
            actor=getattr(world, persona),
            record=record,
            transition=name,
            reason=f"alasan {name}",
        )
    assert record.state == State.CERTIFICATE_ISSUED
    # The first row is the case being opened (action "registration_create").
    transitions = registration.history.filter(history_type="~").order_by("history_id")
    assert [(h.transition, h.history_user.username) for h in transitions] == [
        (name, persona) for persona, name in steps
    ]


def test_one_transition_costs_seven_statements_on_postgresql_eight_on_sqlite(
    world: World, registration: Registration
) -> None:
    submitted = _submit(world, registration)
    # The first check of a permission reads its id once for the process.
    received = transition_run(
        actor=world.verifier_bogor, record=submitted, transition="start_verification"
    )

    with CaptureQueriesContext(connection) as queries:
        transition_run(
            actor=world.verifier_bogor,
            record=received,
            transition="request_revision",
            reason="Lampiran kurang",
        )

    # Its savepoint and release (here inside the test's transaction), the row
    # lock, the grant check, the record's UPDATE; then the audit (counted as
    # workflow.audit writes it): the history INSERT carrying its hash (the
    # previous one is the record's audit_head, read with the lock), the head
    # upsert and the record's audit_head, one statement on PostgreSQL.
    statements = [str(q["sql"]) for q in queries.captured_queries]
    expected = 7 if connection.vendor == "postgresql" else 8
    assert len(statements) == expected, "\n".join(statements)
