"""Reads about the Tanda Registrasi: an LKS's standing, lookups for the engine.

DESIGN.md §3: the standing of an LKS (registered or not) is derived from its
current certificate and never stored twice; an active certificate past its
``valid_until`` shows as expired even before the nightly job marks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.models import Lks, RegistrationCertificate
from cases.policy import office_policy
from workflow.models import User
from workflow.permissions import filter_for_user

State = RegistrationCertificate.State
VIEW = "cases.view_registrationcertificate"


@dataclass(frozen=True, kw_only=True)
class LksStanding:
    """Whether an LKS is registered today, and by which certificate."""

    certificate: RegistrationCertificate | None
    state: str
    registered: bool


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


def renewal_opens_on(*, certificate: RegistrationCertificate) -> dt.date:
    """The first day the LKS may open its renewal (daftar ulang) case."""
    policy = office_policy(office_id=certificate.office_id)
    return certificate.valid_until - dt.timedelta(days=policy.renewal_window_days)


def certificate_by_token(token: str) -> RegistrationCertificate | None:
    """The certificate a public QR link points at, if any."""
    found = RegistrationCertificate.objects.select_related("lks", "office")
    return found.filter(token=token).first()


def certificate_by_pdf_sha256(sha256: str) -> RegistrationCertificate | None:
    """The issued certificate whose PDF has exactly this SHA-256, if any."""
    found = RegistrationCertificate.objects.select_related("lks", "office")
    return found.filter(pdf_sha256=sha256).first()


def certificate_for_download(
    *, user: User, token: str
) -> RegistrationCertificate | None:
    """The certificate behind ``token`` when ``user`` may view it; else None."""
    found = RegistrationCertificate.objects.filter(token=token)
    return filter_for_user(user, VIEW, found).first()
