"""Reads of the cases app, each scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Lks, Registration
from workflow.models import Organisation, Region, User
from workflow.permissions import filter_for_user


def responsible_office(*, lks: Lks) -> Organisation | None:
    """The office that registers ``lks``, chosen by its scope (DOMAIN.md §2)."""
    offices = Organisation.objects.filter(is_active=True)
    if lks.scope == Lks.Scope.REGENCY:
        return offices.filter(
            kind=Organisation.Kind.DINSOS_REGENCY, region_id=lks.region_id
        ).first()
    if lks.scope == Lks.Scope.PROVINCE:
        if lks.region.parent_id is None:
            return None
        return offices.filter(
            kind=Organisation.Kind.DINSOS_PROVINCE, region_id=lks.region.parent_id
        ).first()
    return offices.filter(kind=Organisation.Kind.KEMENSOS).first()


def province_office(*, region: Region) -> Organisation | None:
    province_id = region.parent_id if region.parent_id else region.pk
    return Organisation.objects.filter(
        kind=Organisation.Kind.DINSOS_PROVINCE, region_id=province_id, is_active=True
    ).first()


def registration_list_for_user(
    *, user: User, state: str | None = None
) -> QuerySet[Registration]:
    """Registration cases ``user`` may view, newest first."""
    qs = Registration.objects.select_related("lks", "office", "lks__region")
    qs = filter_for_user(user, "cases.view_registration", qs)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")
