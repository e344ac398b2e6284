"""Reads of the workflow engine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from workflow.models import Membership, User
from workflow.permissions import is_acting_user


def active_memberships() -> QuerySet[Membership]:
    """Memberships that count: active, in an active organisation."""
    return Membership.objects.filter(
        is_active=True, organisation_role__organisation__is_active=True
    )


def holds_role(
    user: Any,
    *,
    roles: Iterable[str],
    organisation_id: int | None = None,
    organisation_kind: str | None = None,
) -> bool:
    """True when an active ``user`` holds one of ``roles`` through a membership
    that counts (in the given organisation, or in one of the given kind, when
    one is given)."""
    if not is_acting_user(user):
        return False
    found = active_memberships().filter(user=user, organisation_role__role__in=roles)
    if organisation_id is not None:
        found = found.filter(organisation_role__organisation_id=organisation_id)
    if organisation_kind is not None:
        found = found.filter(organisation_role__organisation__kind=organisation_kind)
    return found.exists()


def office_roles(*, user: Any) -> list[tuple[int, str]]:
    """The (organisation id, role) pairs the user's memberships give today."""
    if not is_acting_user(user):
        return []
    pairs = active_memberships().filter(user=user)
    return list(
        pairs.values_list(
            "organisation_role__organisation_id", "organisation_role__role"
        )
    )


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships in active organisations, with their regions."""
    return (
        active_memberships()
        .filter(user=user)
        .select_related(
            "organisation_role__organisation__region__parent",
        )
        .order_by("organisation_role__organisation__name", "organisation_role__role")
    )
