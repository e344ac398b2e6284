"""Reads about the Tanda Registrasi: an LKS's standing, public facts, signatures.

DESIGN.md §3: the standing of an LKS (registered or not) is derived from its
current certificate and never stored twice; an active certificate past its
``valid_until`` shows as expired even before the nightly job marks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.functional import Promise

from cases.models import Lks, OfficePolicy, OfficeSigningKey, RegistrationCertificate
from cases.signing import verify_pdf
from workflow.models import User
from workflow.permissions import filter_for_user

State = RegistrationCertificate.State
VIEW = "cases.view_registrationcertificate"
# A signed PDF never changes, so its verdict only goes stale if the office's
# key is replaced; a day bounds that.
SIGNATURE_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True, kw_only=True)
class LksStanding:
    """Whether an LKS is registered today, and by which certificate."""

    certificate: RegistrationCertificate | None
    state: str
    registered: bool


@dataclass(frozen=True, kw_only=True)
class CertificatePublicFacts:
    """Everything the public page may show about one certificate, and no more."""

    lks_name: str
    number: str
    state: str
    state_label: str | Promise
    valid_until: dt.date
    office_name: str
    signature_valid: bool


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def certificate_effective_state(
    *, certificate: RegistrationCertificate, today: dt.date
) -> str:
    """The status to show: an active certificate past its last day is expired."""
    if certificate.state == State.ACTIVE and today > certificate.valid_until:
        return State.EXPIRED
    return str(certificate.state)


def certificate_current(*, lks: Lks) -> RegistrationCertificate | None:
    """The LKS's newest certificate that no renewal has replaced."""
    certificates = RegistrationCertificate.objects.filter(lks=lks)
    current = certificates.exclude(state=State.SUPERSEDED)
    return current.order_by("-issued_on", "-pk").first()


def lks_standing(*, lks: Lks, today: dt.date) -> LksStanding:
    """Registered means: the current certificate is active and not past its date."""
    certificate = certificate_current(lks=lks)
    if certificate is None:
        return LksStanding(certificate=None, state="", registered=False)
    state = certificate_effective_state(certificate=certificate, today=today)
    return LksStanding(
        certificate=certificate, state=state, registered=state == State.ACTIVE
    )


DEFAULT_RENEWAL_WINDOW_DAYS = 90


def renewal_opens_on(*, certificate: RegistrationCertificate) -> dt.date:
    """The first day the LKS may open its renewal (daftar ulang) case."""
    policy = OfficePolicy.objects.filter(office_id=certificate.office_id).first()
    window = policy.renewal_window_days if policy else DEFAULT_RENEWAL_WINDOW_DAYS
    return certificate.valid_until - dt.timedelta(days=window)


def certificate_by_token(*, token: str) -> RegistrationCertificate | None:
    """The certificate a public QR link points at, if any."""
    found = RegistrationCertificate.objects.select_related("lks", "office")
    return found.filter(token=token).first()


def certificate_for_pdf(*, pdf_bytes: bytes) -> RegistrationCertificate | None:
    """The issued certificate whose PDF has exactly these bytes, if any."""
    found = RegistrationCertificate.objects.select_related("lks", "office")
    return found.filter(pdf_sha256=sha256_hex(pdf_bytes)).first()


def certificate_for_download(
    *, user: User, token: str
) -> RegistrationCertificate | None:
    """The certificate behind ``token`` when ``user`` may view it; else None."""
    found = RegistrationCertificate.objects.filter(token=token)
    return filter_for_user(user, VIEW, found).first()


def certificate_public_facts(
    *, certificate: RegistrationCertificate, today: dt.date
) -> CertificatePublicFacts:
    state = certificate_effective_state(certificate=certificate, today=today)
    return CertificatePublicFacts(
        lks_name=certificate.lks.name,
        number=certificate.number,
        state=state,
        state_label=State(state).label,
        valid_until=certificate.valid_until,
        office_name=certificate.office.name,
        signature_valid=certificate_signature_valid(certificate=certificate),
    )


def certificate_signature_valid(*, certificate: RegistrationCertificate) -> bool:
    """The stored PDF is the one issued and its signature validates (cached)."""
    return _cached(certificate, lambda: _stored_pdf_valid(certificate))


def pdf_signature_valid(*, certificate: RegistrationCertificate, pdf: bytes) -> bool:
    """``pdf`` is byte for byte the issued PDF and its signature validates."""
    if sha256_hex(pdf) != certificate.pdf_sha256:
        return False
    # Same bytes as the issued PDF, so the stored PDF's cached verdict applies.
    return _cached(certificate, lambda: _signature_valid(certificate, pdf))


def _cached(certificate: RegistrationCertificate, check: Callable[[], bool]) -> bool:
    key = f"cases:certificate-signature:{certificate.pk}:{certificate.pdf_sha256}"
    verdict = cache.get(key)
    if verdict is None:
        verdict = check()
        cache.set(key, verdict, SIGNATURE_CACHE_SECONDS)
    return bool(verdict)


def _stored_pdf_valid(certificate: RegistrationCertificate) -> bool:
    try:
        with certificate.pdf.open("rb") as stored:
            pdf = stored.read()
    except OSError:
        return False
    if sha256_hex(pdf) != certificate.pdf_sha256:
        return False
    return _signature_valid(certificate, pdf)


def _signature_valid(certificate: RegistrationCertificate, pdf: bytes) -> bool:
    keys = OfficeSigningKey.objects.filter(office_id=certificate.office_id)
    trusted = keys.values_list("certificate_pem", flat=True).first()
    if trusted is None:
        return False
    return verify_pdf(pdf, trusted_certificate_pem=bytes(trusted)).valid
