"""The signer of each issuing organisation, and its key kept encrypted at rest.

``organisation_signer`` is the one seam for signatures: today it returns the
organisation's embedded Ed25519 key (made on first use); a certified BSrE
signer can be returned from it later without touching any caller.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from workflow.issuance.models import SigningKey
from workflow.issuance.signing import (
    CertificateSigner,
    EmbeddedKeySigner,
    generate_signing_keypair,
)
from workflow.models import Organisation

__all__ = ["organisation_signer", "organisation_trust_pem"]

# Unchanged since the keys were the Dinas Sosial's alone: keys stored then
# must still open.
_KEY_INFO = b"pilar:office-signing-key:v1"


def organisation_signer(*, organisation: Organisation) -> CertificateSigner:
    """The signer of ``organisation``: its embedded key today, BSrE later."""
    stored = _stored_key(organisation=organisation)
    private_key = serialization.load_pem_private_key(
        bytes(stored.private_key_pem), password=_key_passphrase()
    )
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured(
            f"Signing key of organisation {organisation.pk} is not Ed25519."
        )
    certificate = x509.load_pem_x509_certificate(bytes(stored.certificate_pem))
    return EmbeddedKeySigner(private_key=private_key, certificate=certificate)


def organisation_trust_pem(*, organisation_id: int) -> bytes | None:
    """The certificate that documents of this organisation must verify against."""
    keys = SigningKey.objects.filter(organisation_id=organisation_id)
    found = keys.values_list("certificate_pem", flat=True).first()
    return bytes(found) if found is not None else None


def _stored_key(*, organisation: Organisation) -> SigningKey:
    found = SigningKey.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    material = generate_signing_keypair(organisation.name)
    private_key = serialization.load_pem_private_key(
        material.private_key_pem, password=None
    )
    encrypted = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(_key_passphrase()),
    )
    # Two first signatures at once: the loser reads the winner's key.
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                organisation=organisation,
                private_key_pem=encrypted,
                certificate_pem=material.certificate_pem,
            )
    except IntegrityError:
        return SigningKey.objects.get(organisation=organisation)


def _key_passphrase() -> bytes:
    configured: str = settings.PILAR_SIGNING_KEY_PASSPHRASE
    if configured:
        return configured.encode()
    # Derived rather than SECRET_KEY itself: a key used for one purpose only.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO)
    return derived.derive(settings.SECRET_KEY.encode()).hex().encode()
