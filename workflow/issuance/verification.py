"""Reads behind the public page and the PDF check, for every registered kind.

The public page shows only what is public (holder, number, status, validity,
issuer) plus whether the stored PDF's signature holds; the check says whether
uploaded bytes are exactly an issued PDF with a valid signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import Promise

from workflow.issuance.kinds import IssuedDocument, IssuedKind, kinds_all
from workflow.issuance.signers import organisation_trust_pem
from workflow.issuance.signing import verify_pdf

__all__ = [
    "PdfCheck",
    "PublicFacts",
    "issued_document_by_token",
    "issued_pdf_check",
    "public_facts",
    "sha256_hex",
    "verification_url",
]

# A signed PDF never changes, so its verdict only goes stale if the
# organisation's key is replaced; a day bounds that.
SIGNATURE_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True, kw_only=True)
class Found:
    """A document of a registered kind, as of one day."""

    kind: IssuedKind
    document: IssuedDocument


@dataclass(frozen=True, kw_only=True)
class PublicFacts:
    """Everything the public page may show about one document, and no more."""

    kind_label: str | Promise
    holder_label: str | Promise
    holder_name: str
    number: str
    state: str
    state_label: str | Promise
    in_force: bool
    valid_until: dt.date
    issuer_name: str
    signature_valid: bool


@dataclass(frozen=True, kw_only=True)
class PdfCheck:
    """Verdict on an uploaded PDF: ``genuine`` is the only bottom line."""

    genuine: bool
    found: Found | None
    reason: str  # "ok", "unknown" (no issued PDF has these bytes), "signature"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verification_url(*, token: str) -> str:
    """The absolute public address printed in a document's QR code."""
    path = reverse("workflow:certificate_public", kwargs={"token": token})
    return settings.PILAR_PUBLIC_BASE_URL.rstrip("/") + path


def issued_document_by_token(*, token: str, today: dt.date) -> Found | None:
    """The document a public QR link points at, of whichever kind."""
    for kind in kinds_all():
        record = kind.by_token(token)
        if record is not None:
            return Found(kind=kind, document=kind.describe(record, today))
    return None


def public_facts(*, found: Found) -> PublicFacts:
    document = found.document
    return PublicFacts(
        kind_label=found.kind.label,
        holder_label=found.kind.holder_label,
        holder_name=document.holder_name,
        number=document.number,
        state=document.state,
        state_label=document.state_label,
        in_force=document.in_force,
        valid_until=document.valid_until,
        issuer_name=document.issuer_name,
        signature_valid=stored_signature_valid(found=found),
    )


def issued_pdf_check(*, pdf: bytes, today: dt.date) -> PdfCheck:
    """Genuine only if the bytes are an issued PDF's and its signature holds."""
    found = _by_pdf(sha256=sha256_hex(pdf), today=today)
    if found is None:
        return PdfCheck(genuine=False, found=None, reason="unknown")
    # Same bytes as the issued PDF, so the stored PDF's cached verdict applies.
    valid = _cached(found, lambda: _signature_valid(found, pdf))
    return PdfCheck(
        genuine=valid,
        found=found if valid else None,
        reason="ok" if valid else "signature",
    )


def stored_signature_valid(*, found: Found) -> bool:
    """The stored PDF is the one issued and its signature validates (cached)."""
    return _cached(found, lambda: _stored_pdf_valid(found))


def _by_pdf(*, sha256: str, today: dt.date) -> Found | None:
    for kind in kinds_all():
        record = kind.by_pdf_sha256(sha256)
        if record is not None:
            return Found(kind=kind, document=kind.describe(record, today))
    return None


def _cached(found: Found, check: Callable[[], bool]) -> bool:
    document = found.document
    key = (
        f"workflow:issued-signature:{found.kind.code}:{document.key}:"
        f"{document.pdf_sha256}"
    )
    verdict = cache.get(key)
    if verdict is None:
        verdict = check()
        cache.set(key, verdict, SIGNATURE_CACHE_SECONDS)
    return bool(verdict)


def _stored_pdf_valid(found: Found) -> bool:
    try:
        pdf = found.document.read_pdf()
    except OSError:
        return False
    return _signature_valid(found, pdf)


def _signature_valid(found: Found, pdf: bytes) -> bool:
    document = found.document
    if sha256_hex(pdf) != document.pdf_sha256:
        return False
    trusted = organisation_trust_pem(organisation_id=document.issuer_id)
    if trusted is None:
        return False
    return verify_pdf(pdf, trusted_certificate_pem=trusted).valid
