"""Registration cases: creation, submission, verification decisions, signing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.checklist import (
    missing_document_types,
    profile_gaps,
    unconfirmed_document_types,
)
from cases.models import (
    DocumentType,
    FieldVisit,
    Lks,
    Registration,
    RegistrationCertificate,
)
from cases.selectors import province_office, responsible_office
from workflow.audit import audited_save
from workflow.exceptions import InvalidField, InvalidInput, NotPermitted
from workflow.models import Role, User
from workflow.permissions import has_object_permission
from workflow.registry import process_cancel, process_start, process_step_complete
from workflow.selectors import holds_role
from workflow.services import object_permission_grant, transition_run

if TYPE_CHECKING:
    from collections.abc import Sequence

State = Registration.State
VIEW = "cases.view_registration"
DECISIONS = ("verify", "request_revision", "reject")

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


class IncompleteProfile(InvalidInput):
    """The profile lacks what a submission needs; ``missing`` names each gap."""

    def __init__(self, missing: list[str | Promise]) -> None:
        self.missing = missing
        super().__init__(
            _("The LKS profile is incomplete. Still missing: %(items)s.")
            % {"items": "; ".join(str(item) for item in missing)}
        )


class IncompleteRegistration(InvalidInput):
    """Submission refused: ``missing`` lists the required documents not in order."""

    def __init__(self, missing: Sequence[DocumentType]) -> None:
        self.missing = list(missing)
        super().__init__(
            _("The file is incomplete. Still missing or to be corrected: %(items)s.")
            % {"items": "; ".join(t.name for t in self.missing)}
        )


@transaction.atomic
def registration_create(
    *,
    actor: User,
    lks: Lks,
    kind: str,
    previous_certificate: RegistrationCertificate | None = None,
) -> Registration:
    """Open a draft case, routed to the competent office, with its grants made."""
    if not holds_role(
        actor, roles=[Role.OPERATOR], organisation_id=lks.organisation_id
    ):
        raise NotPermitted()
    office = responsible_office(lks=lks)
    if office is None:
        raise InvalidInput(_("No Dinas Sosial office is registered for this region."))
    registration = Registration(
        lks=lks, kind=kind, office=office, previous_certificate=previous_certificate
    )
    audited_save(
        record=registration,
        actor=actor,
        action="registration_create",
        target_state=registration.state,
    )
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


@transaction.atomic
def registration_submit(
    *,
    actor: User,
    registration: Registration,
    reason: str = "",
    expected_version: int | None = None,
) -> Registration:
    """Submit a complete file (profile and documents): starts verification, or
    returns a revised file to the verifiers."""
    if not has_object_permission(actor, "cases.submit_registration", registration):
        raise NotPermitted()
    gaps = profile_gaps(lks=registration.lks)
    if gaps:
        raise IncompleteProfile(gaps)
    missing = missing_document_types(registration=registration)
    if missing:
        raise IncompleteRegistration(missing)
    revising = registration.state == State.NEEDS_REVISION
    submitted = transition_run(
        actor=actor,
        record=registration,
        transition="submit",
        reason=reason,
        expected_version=expected_version,
    )
    if revising:
        process_step_complete(record=submitted, step="revise")
    else:
        process_start(record=submitted)
    return submitted


@transaction.atomic
def registration_receive(
    *, actor: User, registration: Registration, expected_version: int | None = None
) -> Registration:
    """The verifier receives the file: verification starts, a receipt number is given."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    receipt = f"{registration.office.region.code}-{stamp}-{registration.pk:06d}"
    return transition_run(
        actor=actor,
        record=registration,
        transition="start_verification",
        data={"receipt_number": receipt},
        expected_version=expected_version,
    )


def verification_blockers(*, registration: Registration) -> list[str]:
    """What still stands between this case and a "verified" decision."""
    blockers = [
        str(_("Document not yet marked as conforming: %(name)s") % {"name": t.name})
        for t in unconfirmed_document_types(registration=registration)
    ]
    visit = registration.field_visits.order_by("-visited_on", "-pk").first()
    if visit is None:
        blockers.append(str(_("No field visit has been recorded.")))
    elif visit.outcome != FieldVisit.Outcome.CONFORMS:
        blockers.append(str(_("The latest field visit does not conform to the file.")))
    return blockers


@transaction.atomic
def registration_decide(
    *,
    actor: User,
    registration: Registration,
    decision: str,
    reason: str = "",
    ground: str = "",
    expected_version: int | None = None,
) -> Registration:
    """The verifier's decision: verified, back for revision, or rejected."""
    if decision not in DECISIONS:
        raise InvalidField("decision", _("Choose a decision."))
    if decision == "verify":
        if not has_object_permission(actor, "cases.verify_registration", registration):
            raise NotPermitted()
        blockers = verification_blockers(registration=registration)
        if blockers:
            message = _("The case cannot be verified yet:")
            raise InvalidField("decision", message, details=list(blockers))
    if decision == "reject" and ground not in Registration.RejectionGround.values:
        raise InvalidField("ground", _("Choose the ground for rejection."))
    if decision != "verify" and not reason.strip():
        raise InvalidField("reason", _("A reason is required for this action."))
    return transition_run(
        actor=actor,
        record=registration,
        transition=decision,
        reason=reason,
        data={"ground": ground} if decision == "reject" else None,
        expected_version=expected_version,
    )


@transaction.atomic
def registration_approve(
    *,
    actor: User,
    registration: Registration,
    reason: str = "",
    expected_version: int | None = None,
) -> Registration:
    """The Kepala Dinas (or a delegated signer) approves a verified case."""
    return transition_run(
        actor=actor,
        record=registration,
        transition="approve",
        reason=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def registration_sign(
    *,
    actor: User,
    registration: Registration,
    reason: str = "",
    expected_version: int | None = None,
) -> RegistrationCertificate:
    """Sign an approved case: its numbered, signed Tanda Registrasi is issued."""
    from cases.services.certificates import certificate_issue

    return certificate_issue(
        actor=actor,
        registration=registration,
        reason=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def registration_withdraw(
    *,
    actor: User,
    registration: Registration,
    reason: str,
    expected_version: int | None = None,
) -> Registration:
    """The LKS withdraws its case before a decision; open tasks are cancelled."""
    withdrawn = transition_run(
        actor=actor,
        record=registration,
        transition="withdraw",
        reason=reason,
        expected_version=expected_version,
    )
    process_cancel(record=withdrawn)
    return withdrawn
