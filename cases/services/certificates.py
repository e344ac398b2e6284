"""The Tanda Registrasi: issuing, previewing, expiry and renewal.

Numbers, signatures and the PDF come from the engine (``workflow.issuance``):
one number series per office for the ``TD-LKS`` kind, the office's signer,
and the one renderer fed with ``cases.issuance.certificate_content``.

Expiry is done by the system, not by a person: the ``pilar-system`` user (no
usable password) is made an administrator member of every issuing office, and
each certificate grants ``expire_certificate`` to that office's administrator
group. Its transitions then go through ``transition_run`` like everyone else's
and the audit names ``pilar-system`` as the actor.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.issuance import KIND, certificate_content
from cases.models import Lks, Registration, RegistrationCertificate
from cases.policy import office_policy
from cases.selectors import province_office
from cases.selectors_certificates import certificate_current, renewal_opens_on
from cases.services.registration import registration_create
from workflow.audit import audited_save
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.issuance.numbering import number_take
from workflow.issuance.pdf import DocumentLayoutError, render_pdf
from workflow.issuance.signers import organisation_signer
from workflow.issuance.signing import CertificateSigner
from workflow.issuance.verification import sha256_hex
from workflow.models import Membership, Organisation, Role, User
from workflow.permissions import has_object_permission
from workflow.services import (
    object_permission_grant,
    organisation_role_get_or_create,
    transition_run,
)

logger = logging.getLogger(__name__)

State = RegistrationCertificate.State
VIEW = "cases.view_registrationcertificate"
SUPERSEDE = "cases.supersede_certificate"
EXPIRE = "cases.expire_certificate"
SYSTEM_USERNAME = "pilar-system"
SIGN = "cases.sign_registration"
DEFAULT_SIGNER_TITLE = "Kepala Dinas Sosial"
SIGNATURE_FIELD = "TandaTanganDinas"
SIGNATURE_REASON = "Penerbitan Tanda Registrasi LKS"

# Which organisation-role of the issuing office gets what on a new certificate.
# The signer group supersedes the certificate when it signs the LKS's renewal;
# the administrator group holds the system actor (see the module docstring).
_OFFICE_GRANTS = {
    Role.VERIFIER: [VIEW],
    Role.SIGNER: [
        VIEW,
        "cases.suspend_certificate",
        "cases.revoke_certificate",
        SUPERSEDE,
    ],
    Role.SUPERVISOR: [VIEW],
    Role.ADMINISTRATOR: [EXPIRE],
}
_OPEN_REGISTRATION_STATES = [
    Registration.State.DRAFT,
    Registration.State.SUBMITTED,
    Registration.State.IN_VERIFICATION,
    Registration.State.NEEDS_REVISION,
    Registration.State.VERIFIED,
    Registration.State.APPROVED,
]
# The signer may see the Tanda Registrasi as it will be issued from verification on.
_PREVIEW_STATES = [Registration.State.VERIFIED, Registration.State.APPROVED]


# --- issuing -------------------------------------------------------------


@transaction.atomic
def certificate_issue(
    *,
    actor: User,
    registration: Registration,
    reason: str = "",
    expected_version: int | None = None,
) -> RegistrationCertificate:
    """Sign an approved case: exactly one numbered, signed certificate, or nothing."""
    # First: locks the case and checks permission, state and version, so a
    # second click or a concurrent signer fails here before taking a number.
    issued = transition_run(
        actor=actor,
        record=registration,
        transition="issue_certificate",
        reason=reason,
        expected_version=expected_version,
    )
    previous = _supersede_previous(actor=actor, registration=issued)
    signer = organisation_signer(organisation=issued.office)
    issued_on = timezone.localdate()
    sequence, number = number_take(
        organisation=issued.office, kind=KIND, issued_on=issued_on
    )
    certificate = _new_certificate(
        registration=issued, actor=actor, issued_on=issued_on
    )
    certificate.sequence, certificate.number = sequence, number
    certificate.supersedes = previous
    pdf = _signed_pdf(certificate, signer=signer)
    certificate.pdf_sha256 = sha256_hex(pdf)
    certificate.full_clean(exclude=["state", "pdf"])
    # Stored last, so that a refusal above leaves no orphan file behind. The
    # random name reveals nothing and is never reused.
    certificate.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    audited_save(
        record=certificate,
        actor=actor,
        action="issue",
        reason=reason,
        target_state=State.ACTIVE,
    )
    _grant(certificate)
    return certificate


def _supersede_previous(
    *, actor: User, registration: Registration
) -> RegistrationCertificate | None:
    if registration.kind != Registration.Kind.RENEWAL:
        return None
    if registration.previous_certificate_id is None:
        return None
    old = RegistrationCertificate.objects.get(pk=registration.previous_certificate_id)
    return transition_run(actor=actor, record=old, transition="supersede")


def _new_certificate(
    *, registration: Registration, actor: User, issued_on: dt.date
) -> RegistrationCertificate:
    office = registration.office
    policy = office_policy(office_id=office.pk)
    return RegistrationCertificate(
        registration=registration,
        lks=registration.lks,
        office=office,
        year=issued_on.year,
        issued_on=issued_on,
        valid_until=years_later(issued_on, years=policy.certificate_validity_years),
        token=secrets.token_urlsafe(32),
        signer_name=policy.signer_name or _full_name(actor),
        signer_nip=policy.signer_nip or actor.nip,
        signer_title=policy.signer_title or DEFAULT_SIGNER_TITLE,
    )


def years_later(day: dt.date, *, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _full_name(user: User) -> str:
    return user.get_full_name() or user.username


def _signed_pdf(
    certificate: RegistrationCertificate, *, signer: CertificateSigner
) -> bytes:
    return signer.sign_pdf(
        _rendered(certificate, preview=False),
        field_name=SIGNATURE_FIELD,
        reason=SIGNATURE_REASON,
        location=certificate.office.region.name,
    )


def _rendered(certificate: RegistrationCertificate, *, preview: bool) -> bytes:
    try:
        return render_pdf(certificate_content(certificate), preview=preview)
    except DocumentLayoutError as exc:
        raise InvalidInput(
            _(
                "The certificate does not fit on one page: shorten the LKS "
                "profile (address or service types)."
            )
        ) from exc


# --- the signer's preview -----------------------------------------------------


def certificate_preview_pdf(*, actor: User, registration: Registration) -> bytes:
    """The Tanda Registrasi as signing would issue it, unsigned and marked.

    Takes no number, makes no key and writes nothing: the preview is rendered
    from the same unsaved certificate that ``certificate_issue`` would store.
    """
    if not has_object_permission(actor, SIGN, registration):
        raise NotPermitted()
    if registration.state not in _PREVIEW_STATES:
        raise NotPermitted(
            _("The Tanda Registrasi can be previewed once the case is verified.")
        )
    certificate = _new_certificate(
        registration=registration, actor=actor, issued_on=timezone.localdate()
    )
    return _rendered(certificate, preview=True)


def _grant(certificate: RegistrationCertificate) -> None:
    office = certificate.office
    for role, perms in _OFFICE_GRANTS.items():
        object_permission_grant(
            obj=certificate, organisation=office, role=role, perms=perms
        )
    object_permission_grant(
        obj=certificate,
        organisation=certificate.lks.organisation,
        role=Role.OPERATOR,
        perms=[VIEW],
    )
    # The provinsi supervises its kabupaten/kota: read access to every certificate.
    province = province_office(region=certificate.lks.region)
    if province is not None and province.pk != office.pk:
        object_permission_grant(
            obj=certificate, organisation=province, role=Role.SUPERVISOR, perms=[VIEW]
        )
    _system_membership(office=office)


# --- expiry, by the system -------------------------------------------------


def system_actor() -> User:
    """The ``pilar-system`` user that runs scheduled transitions; it cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Pilar", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _system_membership(*, office: Organisation) -> None:
    role = organisation_role_get_or_create(organisation=office, role=Role.ADMINISTRATOR)
    user = system_actor()
    found = Membership.objects.filter(user=user, organisation_role=role).first()
    membership = found or Membership(user=user, organisation_role=role)
    if found is None or not found.is_active:
        membership.is_active = True
        try:
            with transaction.atomic():  # a savepoint: the loser of a race moves on
                audited_save(record=membership, actor=user, action="membership_grant")
        except IntegrityError:
            pass  # another certificate of this office enrolled the system first
    user.groups.add(role.group)


def certificate_expire_due(*, today: dt.date) -> int:
    """Mark active certificates past ``valid_until`` expired; returns how many.

    One transaction per certificate: a record changed meanwhile is skipped and
    picked up by the next run, and never holds up the others.
    """
    actor = system_actor()
    due = RegistrationCertificate.objects.filter(
        state=State.ACTIVE, valid_until__lt=today
    )
    expired = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        expired += _expire_one(actor=actor, pk=pk)
    return expired


def _expire_one(*, actor: User, pk: int) -> int:
    certificate = RegistrationCertificate.objects.get(pk=pk)
    try:
        transition_run(
            actor=actor,
            record=certificate,
            transition="expire",
        )
    except (NotPermitted, StaleRecord, TransitionNotAllowed) as exc:
        logger.warning("Certificate %s not expired: %r", certificate.number, exc)
        return 0
    return 1


# --- renewal (daftar ulang) -------------------------------------------------


@transaction.atomic
def renewal_open(
    *, actor: User, lks: Lks, today: dt.date | None = None
) -> Registration:
    """Open the LKS's renewal case: once, and only inside the renewal window."""
    today = today or timezone.localdate()
    # Lock the LKS: two clicks on "renew" must open one case, not two.
    locked = Lks.objects.select_for_update().get(pk=lks.pk)
    if not has_object_permission(actor, "cases.operate_lks", locked):
        raise NotPermitted()
    current = certificate_current(lks=locked)
    if current is None or current.state not in (State.ACTIVE, State.EXPIRED):
        raise InvalidInput(_("This LKS has no active or expired certificate to renew."))
    opens_on = renewal_opens_on(certificate=current)
    if today < opens_on:
        raise InvalidInput(
            _("Renewal (daftar ulang) opens on %(date)s.")
            % {"date": date_format(opens_on)}
        )
    if _open_case_exists(locked):
        raise InvalidInput(_("A registration case for this LKS is already open."))
    return registration_create(
        actor=actor,
        lks=locked,
        kind=Registration.Kind.RENEWAL,
        previous_certificate=current,
    )


def _open_case_exists(lks: Lks) -> bool:
    cases = Registration.objects.filter(lks=lks, state__in=_OPEN_REGISTRATION_STATES)
    return cases.exists()
