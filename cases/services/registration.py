"""Every write of the cases app."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import Lks, Registration
from cases.selectors import province_office, responsible_office
from workflow.exceptions import InvalidInput, NotPermitted
from workflow.models import Membership, Role, User
from workflow.services import object_permission_grant

VIEW = "cases.view_registration"

# Which organisation-role gets which permission on a new registration case.
_OFFICE_GRANTS = {
    Role.VERIFIER: [VIEW, "cases.verify_registration", "cases.reject_registration"],
    Role.SIGNER: [
        VIEW,
        "cases.approve_registration",
        "cases.sign_registration",
        "cases.reject_registration",
    ],
    Role.SUPERVISOR: [VIEW],
}
_LKS_GRANTS = {Role.OPERATOR: [VIEW, "cases.submit_registration"]}


def _is_operator_of(user: User, lks: Lks) -> bool:
    return Membership.objects.filter(
        user=user,
        is_active=True,
        organisation_role__organisation_id=lks.organisation_id,
        organisation_role__role=Role.OPERATOR,
    ).exists()


@transaction.atomic
def registration_create(*, actor: User, lks: Lks, kind: str) -> Registration:
    """Open a draft case, routed to the competent office, with its grants made."""
    if not (actor.is_active and _is_operator_of(actor, lks)):
        raise NotPermitted()
    office = responsible_office(lks=lks)
    if office is None:
        raise InvalidInput(_("No Dinas Sosial office is registered for this region."))
    registration = Registration(lks=lks, kind=kind, office=office)
    registration._history_user = actor  # type: ignore[attr-defined]
    registration._change_reason = "registration_create"  # type: ignore[attr-defined]
    registration.full_clean(exclude=["state"])
    registration.save()
    _grant(registration)
    return registration


def _grant(registration: Registration) -> None:
    for role, perms in _OFFICE_GRANTS.items():
        object_permission_grant(
            obj=registration, organisation=registration.office, role=role, perms=perms
        )
    for role, perms in _LKS_GRANTS.items():
        object_permission_grant(
            obj=registration,
            organisation=registration.lks.organisation,
            role=role,
            perms=perms,
        )
    # The provinsi supervises its kabupaten/kota: read access to every case.
    province = province_office(region=registration.lks.region)
    if province is not None and province.pk != registration.office_id:
        object_permission_grant(
            obj=registration, organisation=province, role=Role.SUPERVISOR, perms=[VIEW]
        )
