"""Memberships: who may grant them, and that their groups follow them."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.factories import UserFactory
from workflow.exceptions import NotPermitted
from workflow.models import Membership, Role
from workflow.services import membership_deactivate, membership_grant


def test_an_organisation_administrator_adds_a_member(world: World) -> None:
    admin = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=admin,
        organisation=world.dinsos_bogor,
        role=Role.ADMINISTRATOR,
    )
    newcomer = UserFactory.create()
    membership = membership_grant(
        actor=admin, user=newcomer, organisation=world.dinsos_bogor, role=Role.VERIFIER
    )
    assert membership.is_active
    assert membership.organisation_role.group in newcomer.groups.all()


def test_a_verifier_cannot_add_members(world: World) -> None:
    with pytest.raises(NotPermitted):
        membership_grant(
            actor=world.verifier_bogor,
            user=world.outsider,
            organisation=world.dinsos_bogor,
            role=Role.SIGNER,
        )
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_an_administrator_of_another_office_cannot_deactivate(world: World) -> None:
    admin_bantul = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=admin_bantul,
        organisation=world.dinsos_bantul,
        role=Role.ADMINISTRATOR,
    )
    with pytest.raises(NotPermitted):
        membership_deactivate(
            actor=admin_bantul,
            membership=world.verifier_bogor.memberships.get(),
            reason="Bukan wewenang",
        )
    assert world.verifier_bogor.memberships.get().is_active


def test_deactivation_removes_the_group_and_is_recorded(world: World) -> None:
    membership = world.verifier_bogor.memberships.get()
    membership_deactivate(actor=world.root, membership=membership, reason="Pensiun")
    assert not world.verifier_bogor.groups.exists()
    newest = membership.history.first()
    assert newest is not None
    assert newest.is_active is False
    assert newest.history_user == world.root
    assert newest.history_change_reason == "Pensiun"


def test_each_organisation_role_has_one_group(world: World) -> None:
    other = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=other,
        organisation=world.dinsos_bogor,
        role=Role.VERIFIER,
    )
    groups = {
        m.organisation_role.group_id
        for m in Membership.objects.filter(
            organisation_role__organisation=world.dinsos_bogor,
            organisation_role__role=Role.VERIFIER,
        )
    }
    assert len(groups) == 1


def test_a_deactivated_administrator_cannot_add_members(world: World) -> None:
    admin = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=admin,
        organisation=world.dinsos_bogor,
        role=Role.ADMINISTRATOR,
    )
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    with pytest.raises(NotPermitted):
        membership_grant(
            actor=admin,
            user=world.outsider,
            organisation=world.dinsos_bogor,
            role=Role.VERIFIER,
        )


def test_an_administrator_of_a_closed_office_cannot_add_members(world: World) -> None:
    admin = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=admin,
        organisation=world.dinsos_bogor,
        role=Role.ADMINISTRATOR,
    )
    world.dinsos_bogor.is_active = False
    world.dinsos_bogor.save(update_fields=["is_active"])
    with pytest.raises(NotPermitted):
        membership_grant(
            actor=admin,
            user=world.outsider,
            organisation=world.dinsos_bogor,
            role=Role.VERIFIER,
        )
    assert not Membership.objects.filter(user=world.outsider).exists()
