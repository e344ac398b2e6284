"""audited_save / audited_delete: one history row naming actor, action and reason."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import BoardMember, Lks, Registration
from cases.services import portal
from tests.conftest import World
from workflow.audit import (
    InvalidRecord,
    audited_delete,
    audited_save,
    head_seal,
    verify_all,
)
from workflow.models import AuditHead, Membership, OrganisationRole, Role
from workflow.services import membership_deactivate, membership_grant


def _head(history_model: type[Any], record_id: int) -> AuditHead:
    return AuditHead.objects.get(
        history_model=history_model._meta.label, record_id=str(record_id)
    )


def test_it_saves_with_one_history_row_naming_actor_action_and_reason(
    world: World,
) -> None:
    role = OrganisationRole.objects.get(
        organisation=world.dinsos_bogor, role=Role.VERIFIER
    )

    membership = audited_save(
        record=Membership(user=world.outsider, organisation_role=role),
        actor=world.root,
        action="membership_grant",
        reason="  Penugasan baru  ",
    )

    rows = list(membership.history.all())
    assert len(rows) == 1
    row = rows[0]
    assert row.history_user == world.root
    assert row.transition == "membership_grant"
    assert row.history_change_reason == "Penugasan baru"
    assert row.prev_hash == "" and len(row.entry_hash) == 64
    head = _head(Membership.history.model, membership.pk)
    assert head.head == row.entry_hash
    assert head.seal == head_seal(head.history_model, head.record_id, head.head)
    assert verify_all() == []


def test_it_refuses_an_invalid_record_and_writes_nothing(world: World) -> None:
    lks = Lks.objects.get(pk=world.lks_bogor.pk)
    rows = lks.history.count()
    lks.email = "bukan-alamat"

    with pytest.raises(InvalidRecord) as refused:
        audited_save(
            record=lks, actor=world.operator_bogor, action="lks_profile_update"
        )

    assert refused.value.field == "email"
    assert "email" in refused.value.errors
    assert lks.history.count() == rows
    assert Lks.objects.get(pk=lks.pk).email == world.lks_bogor.email


def test_fields_limit_the_update(world: World) -> None:
    lks = Lks.objects.get(pk=world.lks_bogor.pk)
    lks.phone = "0251-999999"
    lks.name = "Tidak disimpan"

    audited_save(
        record=lks,
        actor=world.operator_bogor,
        action="lks_profile_update",
        fields=["phone"],
    )

    fresh = Lks.objects.get(pk=lks.pk)
    assert (fresh.phone, fresh.name) == ("0251-999999", world.lks_bogor.name)


def test_the_stamp_is_not_reused_by_a_later_save(world: World) -> None:
    lks = Lks.objects.get(pk=world.lks_bogor.pk)
    audited_save(
        record=lks,
        actor=world.operator_bogor,
        action="lks_profile_update",
        reason="Alamat pindah",
    )
    lks.save()

    newest = lks.history.order_by("-history_id").first()
    assert newest is not None
    assert (newest.transition, newest.history_change_reason) == ("", None)
    assert newest.history_user is None


def test_a_protected_state_field_is_left_to_the_transitions(
    registration: Registration, world: World
) -> None:
    # registration_create saves through audited_save: the fsm field is not
    # re-assigned by the validation, and the row records the state it starts in.
    row = registration.history.get()
    assert (row.transition, row.target_state) == ("registration_create", "draft")
    assert row.history_user == world.operator_bogor


def test_audited_delete_leaves_a_last_row_and_a_head_that_outlives_the_record(
    world: World,
) -> None:
    member = BoardMember.objects.create(
        lks=world.lks_bogor, name="Sari", position=BoardMember.Position.MEMBER
    )
    pk = member.pk

    audited_delete(
        record=member,
        actor=world.operator_bogor,
        action="board_member_remove",
        reason="Mengundurkan diri",
    )

    assert not BoardMember.objects.filter(pk=pk).exists()
    last = BoardMember.history.filter(id=pk).order_by("-history_id").first()
    assert last is not None
    assert (last.history_type, last.transition) == ("-", "board_member_remove")
    assert last.history_user == world.operator_bogor
    assert last.history_change_reason == "Mengundurkan diri"
    assert _head(BoardMember.history.model, pk).head == last.entry_hash
    assert verify_all() == []


def test_the_portal_still_names_the_invalid_field(world: World) -> None:
    with pytest.raises(portal.InvalidField) as refused:
        portal.lks_profile_update(
            actor=world.operator_bogor, lks=world.lks_bogor, email="bukan-alamat"
        )
    assert refused.value.field == "email"


def test_membership_services_stamp_actor_action_and_reason(world: World) -> None:
    membership = membership_grant(
        actor=world.root,
        user=world.outsider,
        organisation=world.dinsos_bogor,
        role=Role.VERIFIER,
    )
    membership_deactivate(actor=world.root, membership=membership, reason="Pensiun")
    membership_grant(
        actor=world.root,
        user=world.outsider,
        organisation=world.dinsos_bogor,
        role=Role.VERIFIER,
    )

    rows = membership.history.order_by("history_id")
    assert [(r.transition, r.history_change_reason, r.history_user) for r in rows] == [
        ("membership_grant", "", world.root),
        ("membership_deactivate", "Pensiun", world.root),
        ("membership_grant", "", world.root),
    ]
    assert verify_all() == []
