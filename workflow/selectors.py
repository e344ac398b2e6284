"""Reads of the workflow engine."""

from __future__ import annotations

from django.db.models import QuerySet

from workflow.models import Membership, User


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships in active organisations, with their regions."""
    return (
        Membership.objects.filter(
            user=user, is_active=True, organisation_role__organisation__is_active=True
        )
        .select_related(
            "organisation_role__organisation__region__parent",
        )
        .order_by("organisation_role__organisation__name", "organisation_role__role")
    )
