"""PAdES signing and offline verification of issued PDFs, whatever their kind.

Today each issuing organisation (a Dinas Sosial, later BALKS) signs with its
own embedded Ed25519 key and a self-signed X.509 certificate
(``EmbeddedKeySigner``). Later, a certified signature from the national CA
(BSrE) is meant to replace it: anything that satisfies ``CertificateSigner``
can be swapped in without touching callers, and ``verify_pdf`` only needs the
matching trust root.

No Django imports: the module must be importable (and testable) without
settings. Both signing and verification are synchronous wrappers around
pyHanko's asyncio code, so call them from sync code (or via
``asgiref.sync.sync_to_async`` from async views).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = [
    "CertificateSigner",
    "EmbeddedKeySigner",
    "SigningKeyMaterial",
    "VerificationReason",
    "VerificationResult",
    "generate_signing_keypair",
    "verify_pdf",
]

logger = logging.getLogger(__name__)

# RFC 8419 recommends SHA-512 as the CMS message digest alongside Ed25519.
DIGEST_ALGORITHM = "sha512"

# Our certificates assert both usages: pyHanko's PDF validation demands
# non-repudiation by default, generic CMS tooling expects digital signature.
# Verification accepts either one, so a BSrE certificate with just one passes.
SIGNER_KEY_USAGE = frozenset({"digital_signature", "non_repudiation"})

# Revisions appended after signing that may still count as "unmodified":
# only PAdES long-term-validation material (DSS, document timestamps). This
# keeps the door open for BSrE LTV augmentation while rejecting any change
# to the visible content, annotations or form fields.
ALLOWED_MODIFICATIONS = frozenset(
    {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES}
)

# Clock skew tolerance so a certificate made now is valid on a verifier
# whose clock runs slightly behind.
CERT_BACKDATE = dt.timedelta(minutes=5)


class VerificationReason(StrEnum):
    """Short, stable machine reasons; safe to log, map to UI text elsewhere."""

    OK = "ok"
    NOT_PDF = "not_pdf"
    NO_SIGNATURE = "no_signature"
    MODIFIED = "modified"
    BAD_SIGNATURE = "bad_signature"
    UNTRUSTED = "untrusted"
    ERROR = "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKeyMaterial:
    """A per-organisation signing key and its self-signed certificate, both PEM.

    The private key PEM is unencrypted PKCS#8: encrypt it at rest (e.g. a
    secrets manager or an encrypted model field) before storing it.
    """

    private_key_pem: bytes
    certificate_pem: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationResult:
    """Outcome of ``verify_pdf``.

    ``valid`` is the only bottom line. ``intact`` means the signed bytes hash
    correctly and nothing but LTV material was appended afterwards.
    ``signer_subject`` (RFC 4514) and ``signer_name`` (the certificate's
    common name) are what the signature *claims*; trust them only when
    ``valid`` is true. ``signed_at`` is the signer-reported signing time.
    """

    valid: bool
    intact: bool
    signer_subject: str | None
    signed_at: dt.datetime | None
    reason: str
    signer_name: str | None = None


@runtime_checkable
class CertificateSigner(Protocol):
    """Anything that can put a PAdES signature on a PDF.

    Implementations: ``EmbeddedKeySigner`` now; a BSrE remote signer later.
    """

    @property
    def certificate_pem(self) -> bytes:
        """PEM of the signing certificate (the leaf, not the chain)."""
        ...

    @property
    def signer_subject(self) -> str:
        """RFC 4514 subject of the signing certificate."""
        ...

    def sign_pdf(
        self, pdf: bytes, *, field_name: str, reason: str, location: str
    ) -> bytes:
        """Return ``pdf`` with an incremental-update PAdES signature added."""
        ...


class EmbeddedKeySigner:
    """Signs with an organisation's own Ed25519 key held in process memory."""

    def __init__(
        self, *, private_key: Ed25519PrivateKey, certificate: x509.Certificate
    ) -> None:
        if private_key.public_key() != certificate.public_key():
            raise ValueError("Private key does not match the certificate.")
        self._certificate = certificate
        self._signer = _simple_signer(private_key=private_key, certificate=certificate)

    @classmethod
    def from_pem(
        cls, private_key_pem: bytes, certificate_pem: bytes
    ) -> EmbeddedKeySigner:
        """Build a signer from ``SigningKeyMaterial``-style PEM bytes."""
        private_key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise ValueError("Signing keys must be Ed25519.")
        certificate = x509.load_pem_x509_certificate(certificate_pem)
        return cls(private_key=private_key, certificate=certificate)

    @property
    def certificate_pem(self) -> bytes:
        return self._certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def signer_subject(self) -> str:
        return self._certificate.subject.rfc4514_string()

    def sign_pdf(
        self, pdf: bytes, *, field_name: str, reason: str, location: str
    ) -> bytes:
        # Incremental update: the original bytes stay untouched in front of
        # the signature revision, as PAdES requires.
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=reason,
            location=location,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm=DIGEST_ALGORITHM,
            signer_key_usage=set(SIGNER_KEY_USAGE),
        )
        output = signers.sign_pdf(writer, metadata, signer=self._signer)
        return output.getvalue()


def generate_signing_keypair(
    organisation_name: str, *, valid_years: int = 10
) -> SigningKeyMaterial:
    """Create an Ed25519 key and a self-signed certificate for one organisation.

    ``organisation_name`` becomes the certificate's common name, e.g.
    ``"Dinas Sosial Kabupaten Bogor"``; the country is always ``ID``.
    """
    if not organisation_name.strip():
        raise ValueError("organisation_name must not be blank.")
    if valid_years < 1:
        raise ValueError("valid_years must be at least 1.")
    private_key = Ed25519PrivateKey.generate()
    certificate = _self_signed_certificate(
        private_key=private_key,
        organisation_name=organisation_name,
        valid_years=valid_years,
    )
    return SigningKeyMaterial(
        private_key_pem=private_key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        ),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
    )


def verify_pdf(pdf: bytes, *, trusted_certificate_pem: bytes) -> VerificationResult:
    """Check every signature in ``pdf`` against the given trust root(s).

    Works fully offline: no OCSP, CRL or timestamp-server traffic. Never
    raises for bad input documents (garbage, unsigned, tampered, foreign
    key); those come back with ``valid=False`` and a machine ``reason``.
    ``trusted_certificate_pem`` may hold several PEM certificates (e.g. a
    BSrE root plus an organisation certificate); malformed trust material is a
    configuration error and does raise ``ValueError``.
    """
    _ensure_no_running_event_loop()
    trust_roots = _load_trust_roots(trusted_certificate_pem)
    try:
        return _verify(pdf, trust_roots=trust_roots)
    except Exception:  # public verification must fail closed
        # A crafted or corrupted upload can trip any parser error type;
        # each one means "not a valid signed certificate", never a 500.
        logger.warning("PDF signature verification failed unexpectedly", exc_info=True)
        return _failure(VerificationReason.ERROR)


def _simple_signer(
    *, private_key: Ed25519PrivateKey, certificate: x509.Certificate
) -> signers.SimpleSigner:
    asn1_certificate = translate_pyca_cryptography_cert_to_asn1(certificate)
    return signers.SimpleSigner(
        signing_cert=asn1_certificate,
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate]),
    )


def _self_signed_certificate(
    *, private_key: Ed25519PrivateKey, organisation_name: str, valid_years: int
) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name),
            x509.NameAttribute(NameOID.COMMON_NAME, organisation_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    public_key = private_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CERT_BACKDATE)
        .not_valid_after(now + dt.timedelta(days=round(365.25 * valid_years)))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    )
    # Ed25519 signs the message itself; cryptography requires algorithm=None.
    return builder.sign(private_key, algorithm=None)


def _key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # a.k.a. non-repudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _ensure_no_running_event_loop() -> None:
    # pyHanko's sync API calls asyncio.run(); inside a running loop that is a
    # programming error, which must not be disguised as an invalid document.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError("verify_pdf is synchronous; wrap it with sync_to_async.")


def _load_trust_roots(pem: bytes) -> list[x509.Certificate]:
    try:
        roots = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise ValueError("trusted_certificate_pem is not valid PEM.") from exc
    if not roots:
        raise ValueError("trusted_certificate_pem contains no certificate.")
    return roots


def _verify(pdf: bytes, *, trust_roots: list[x509.Certificate]) -> VerificationResult:
    reader = _read_pdf(pdf)
    if reader is None:
        return _failure(VerificationReason.NOT_PDF)
    signatures = list(reader.embedded_regular_signatures)
    if not signatures:
        return _failure(VerificationReason.NO_SIGNATURE)
    # Every signature must hold: otherwise an attacker could append their own
    # trusted-looking revision on top of an altered document.
    result = _failure(VerificationReason.NO_SIGNATURE)
    for embedded in signatures:
        result = _verify_one(embedded, trust_roots=trust_roots)
        if not result.valid:
            return result
    return result


def _read_pdf(pdf: bytes) -> PdfFileReader | None:
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        return None
    try:
        return PdfFileReader(io.BytesIO(pdf))
    except Exception:  # any parse failure means "not a PDF"
        logger.info("Uploaded bytes could not be parsed as PDF", exc_info=True)
        return None


def _verify_one(
    embedded: EmbeddedPdfSignature, *, trust_roots: list[x509.Certificate]
) -> VerificationResult:
    # A fresh context per signature: the validation context caches paths
    # and revocation state, and it must never reach the network.
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(c) for c in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    status = validate_pdf_signature(
        embedded,
        signer_validation_context=context,
        key_usage_settings=KeyUsageConstraints(key_usage=set(SIGNER_KEY_USAGE)),
    )
    return _result_from_status(status)


def _result_from_status(status: PdfSignatureStatus) -> VerificationResult:
    unmodified = status.modification_level in ALLOWED_MODIFICATIONS
    intact = bool(status.intact) and unmodified
    reason = _reason(status, intact=intact)
    certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    return VerificationResult(
        valid=reason is VerificationReason.OK,
        intact=intact,
        signer_subject=certificate.subject.rfc4514_string(),
        signer_name=_common_name(certificate),
        signed_at=status.signer_reported_dt,
        reason=reason,
    )


def _reason(status: PdfSignatureStatus, *, intact: bool) -> VerificationReason:
    if not intact:
        return VerificationReason.MODIFIED
    if not status.valid:
        return VerificationReason.BAD_SIGNATURE
    if not status.trusted:
        return VerificationReason.UNTRUSTED
    # bottom_line also covers DocMDP, seed values and timestamp checks.
    if not status.bottom_line:
        return VerificationReason.BAD_SIGNATURE
    return VerificationReason.OK


def _common_name(certificate: x509.Certificate) -> str | None:
    attributes = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not attributes:
        return None
    value = attributes[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _failure(reason: VerificationReason) -> VerificationResult:
    return VerificationResult(
        valid=False, intact=False, signer_subject=None, signed_at=None, reason=reason
    )
