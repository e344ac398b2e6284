"""The Tanda Registrasi: signing, numbering, expiry, renewal and the upload check.

``office_signer`` is the one seam for signatures: today it returns the office's
embedded Ed25519 key; a certified BSrE signer can be returned from it later
without touching any caller.

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
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.certificate_pdf import (
    CertificateData,
    CertificateLayoutError,
    render_certificate_pdf,
)
from cases.models import (
    BoardMember,
    Lks,
    OfficePolicy,
    OfficeSigningKey,
    Registration,
    RegistrationCertificate,
    ServiceType,
)
from cases.numbering import next_certificate_number
from cases.selectors import province_office
from cases.selectors_certificates import (
    certificate_current,
    pdf_signature_valid,
    renewal_opens_on,
    sha256_hex,
)
from cases.services.registration import registration_create
from cases.signing import CertificateSigner, EmbeddedKeySigner, generate_office_keypair
from workflow.audit import TransitionRecord
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
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
DEFAULT_VALIDITY_YEARS = 3
DEFAULT_SIGNER_TITLE = "Kepala Dinas Sosial"
SIGNATURE_FIELD = "TandaTanganDinas"
SIGNATURE_REASON = "Penerbitan Tanda Registrasi LKS"
_KEY_INFO = b"pilar:office-signing-key:v1"

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


# --- the signing seam ------------------------------------------------------


def office_signer(*, office: Organisation) -> CertificateSigner:
    """The signer of ``office``: its embedded key today, a BSrE signer later."""
    stored = _office_key(office=office)
    private_key = serialization.load_pem_private_key(
        bytes(stored.private_key_pem), password=_key_passphrase()
    )
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"Signing key of office {office.pk} is not Ed25519.")
    certificate = x509.load_pem_x509_certificate(bytes(stored.certificate_pem))
    return EmbeddedKeySigner(private_key=private_key, certificate=certificate)


def _office_key(*, office: Organisation) -> OfficeSigningKey:
    found = OfficeSigningKey.objects.filter(office=office).first()
    if found is not None:
        return found
    material = generate_office_keypair(office.name)
    private_key = serialization.load_pem_private_key(
        material.private_key_pem, password=None
    )
    encrypted = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(_key_passphrase()),
    )
    # Two first signatures of one office at once: the loser reads the winner's key.
    try:
        with transaction.atomic():
            return OfficeSigningKey.objects.create(
                office=office,
                private_key_pem=encrypted,
                certificate_pem=material.certificate_pem,
            )
    except IntegrityError:
        return OfficeSigningKey.objects.get(office=office)


def _key_passphrase() -> bytes:
    configured: str = settings.PILAR_SIGNING_KEY_PASSPHRASE
    if configured:
        return configured.encode()
    # Derived rather than SECRET_KEY itself: a key used for one purpose only.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO)
    return derived.derive(settings.SECRET_KEY.encode()).hex().encode()


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
    signer = office_signer(office=issued.office)
    issued_on = timezone.localdate()
    sequence, number = next_certificate_number(
        office=issued.office, issued_on=issued_on
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
    certificate._history_user = actor  # type: ignore[attr-defined]
    certificate._change_reason = reason.strip() or "certificate_issue"  # type: ignore[attr-defined]
    certificate._audit_transition = TransitionRecord(  # type: ignore[attr-defined]
        name="issue", source="", target=State.ACTIVE
    )
    certificate.save()
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
    return transition_run(
        actor=actor, record=old, transition="supersede", reason="certificate_renewed"
    )


def _new_certificate(
    *, registration: Registration, actor: User, issued_on: dt.date
) -> RegistrationCertificate:
    office = registration.office
    policy = OfficePolicy.objects.filter(office=office).first()
    years = policy.certificate_validity_years if policy else DEFAULT_VALIDITY_YEARS
    return RegistrationCertificate(
        registration=registration,
        lks=registration.lks,
        office=office,
        year=issued_on.year,
        issued_on=issued_on,
        valid_until=years_later(issued_on, years=years),
        token=secrets.token_urlsafe(32),
        signer_name=(policy.signer_name if policy else "") or _full_name(actor),
        signer_nip=(policy.signer_nip if policy else "") or actor.nip,
        signer_title=(policy.signer_title if policy else "") or DEFAULT_SIGNER_TITLE,
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
    try:
        unsigned = render_certificate_pdf(_certificate_data(certificate))
    except CertificateLayoutError as exc:
        raise InvalidInput(
            _(
                "The certificate does not fit on one page: shorten the LKS "
                "profile (address or service types)."
            )
        ) from exc
    return signer.sign_pdf(
        unsigned,
        field_name=SIGNATURE_FIELD,
        reason=SIGNATURE_REASON,
        location=certificate.office.region.name,
    )


def _certificate_data(certificate: RegistrationCertificate) -> CertificateData:
    lks = certificate.lks
    # The certificate itself is always in Bahasa Indonesia, whoever signs it.
    with translation.override("id"):
        return CertificateData(
            number=certificate.number,
            lks_name=lks.name,
            legal_form=str(lks.get_legal_form_display()),
            akta_number=lks.deed_number or "-",
            sk_kemenkumham_number=lks.sk_kemenkumham or "-",
            npwp=lks.npwp or "-",
            address=lks.address or "-",
            region_code=lks.region.code,
            chair_name=_chair_name(lks),
            service_types=_service_labels(lks),
            scope_label=str(lks.get_scope_display()),
            issued_on=certificate.issued_on,
            valid_until=certificate.valid_until,
            office_name=certificate.office.name,
            signer_name=certificate.signer_name,
            signer_nip=certificate.signer_nip or "-",
            signer_title=certificate.signer_title,
            verification_url=verification_url(token=certificate.token),
        )


def verification_url(*, token: str) -> str:
    """The absolute public address printed in the certificate's QR code."""
    path = reverse("cases:certificate_public", kwargs={"token": token})
    return settings.PILAR_PUBLIC_BASE_URL.rstrip("/") + path


def _chair_name(lks: Lks) -> str:
    chair = lks.board.filter(position=BoardMember.Position.CHAIR).first()
    return chair.name if chair else "-"


def _service_labels(lks: Lks) -> list[str]:
    known = dict(ServiceType.choices)
    return [str(known.get(value, value)) for value in lks.service_types]


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
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation_role=role
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
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
            reason="certificate_expire_due",
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


# --- the public upload check -------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UploadCheck:
    """Verdict on an uploaded PDF: ``genuine`` is the only bottom line."""

    genuine: bool
    certificate: RegistrationCertificate | None
    reason: str  # "ok", "unknown" (no issued PDF has these bytes), "signature"


def certificate_verify_upload(
    *, certificate_or_none: RegistrationCertificate | None, pdf_bytes: bytes
) -> UploadCheck:
    """Genuine only if the bytes are the issued PDF's and its signature holds."""
    if certificate_or_none is None:
        return UploadCheck(genuine=False, certificate=None, reason="unknown")
    if sha256_hex(pdf_bytes) != certificate_or_none.pdf_sha256:
        return UploadCheck(genuine=False, certificate=None, reason="unknown")
    valid = pdf_signature_valid(certificate=certificate_or_none, pdf=pdf_bytes)
    return UploadCheck(
        genuine=valid,
        certificate=certificate_or_none if valid else None,
        reason="ok" if valid else "signature",
    )
