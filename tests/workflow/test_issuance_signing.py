"""PAdES signing and offline verification of issued PDFs.

Pure Python: no database is needed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import random

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.workflow.pdf_samples import OFFICE, SAMPLE, flip_byte
from workflow.issuance.pdf import render_pdf
from workflow.issuance.signing import (
    CertificateSigner,
    EmbeddedKeySigner,
    SigningKeyMaterial,
    VerificationReason,
    generate_signing_keypair,
    verify_pdf,
)

FIELD = "TandaTanganDinas"


@pytest.fixture(scope="module")
def office_keys() -> SigningKeyMaterial:
    return generate_signing_keypair(OFFICE)


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return render_pdf(SAMPLE)


@pytest.fixture(scope="module")
def signed_pdf(office_keys: SigningKeyMaterial, unsigned_pdf: bytes) -> bytes:
    return _sign(unsigned_pdf, keys=office_keys)


def _sign(pdf: bytes, *, keys: SigningKeyMaterial) -> bytes:
    signer = EmbeddedKeySigner.from_pem(keys.private_key_pem, keys.certificate_pem)
    return signer.sign_pdf(
        pdf,
        field_name=FIELD,
        reason="Penerbitan Tanda Registrasi LKS",
        location="Kabupaten Bogor",
    )


def test_blank_organisation_name_is_refused() -> None:
    with pytest.raises(ValueError, match="blank"):
        generate_signing_keypair("  ")


# --- key material ----------------------------------------------------------


def test_generated_certificate_is_self_signed_ed25519(
    office_keys: SigningKeyMaterial,
) -> None:
    certificate = x509.load_pem_x509_certificate(office_keys.certificate_pem)
    subject = certificate.subject

    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == OFFICE
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "ID"
    assert certificate.issuer == subject
    assert isinstance(certificate.public_key(), Ed25519PublicKey)
    certificate.verify_directly_issued_by(certificate)
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert dt.timedelta(days=3650) <= lifetime <= dt.timedelta(days=3660)


def test_embedded_signer_satisfies_protocol(office_keys: SigningKeyMaterial) -> None:
    signer = EmbeddedKeySigner.from_pem(
        office_keys.private_key_pem, office_keys.certificate_pem
    )

    assert isinstance(signer, CertificateSigner)
    assert signer.certificate_pem == office_keys.certificate_pem
    assert "CN=Dinas Sosial Kabupaten Bogor" in signer.signer_subject


def test_signer_rejects_key_of_another_certificate(
    office_keys: SigningKeyMaterial,
) -> None:
    other = generate_signing_keypair(OFFICE)

    with pytest.raises(ValueError, match="does not match"):
        EmbeddedKeySigner.from_pem(other.private_key_pem, office_keys.certificate_pem)


def test_signer_rejects_non_ed25519_key(office_keys: SigningKeyMaterial) -> None:
    ec_key_pem = generate_private_key(SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )

    with pytest.raises(ValueError, match="Ed25519"):
        EmbeddedKeySigner.from_pem(ec_key_pem, office_keys.certificate_pem)


# --- verification ----------------------------------------------------------


def test_signed_pdf_verifies(
    signed_pdf: bytes, unsigned_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    result = verify_pdf(signed_pdf, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is True
    assert result.intact is True
    assert result.reason == VerificationReason.OK == "ok"
    assert result.signer_name == OFFICE
    assert result.signer_subject is not None
    assert "C=ID" in result.signer_subject
    assert result.signed_at is not None
    assert abs(dt.datetime.now(dt.UTC) - result.signed_at) < dt.timedelta(minutes=5)
    # Incremental update: the unsigned bytes survive unchanged in front.
    assert signed_pdf.startswith(unsigned_pdf)


def test_signature_is_pades_with_named_field(signed_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    (signature,) = reader.embedded_regular_signatures

    assert signature.field_name == FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Penerbitan Tanda Registrasi LKS"
    signer_info = signature.signer_info
    assert signer_info["signature_algorithm"]["algorithm"].native == "ed25519"
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha512"


def test_trust_bundle_with_several_roots_is_accepted(
    signed_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    bundle = generate_signing_keypair("Dinas Sosial Kota Bandung").certificate_pem
    bundle += office_keys.certificate_pem

    assert verify_pdf(signed_pdf, trusted_certificate_pem=bundle).valid is True


def test_flipped_byte_in_signed_content_is_detected(
    signed_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    # The document title lives in the signed byte range; flipping one bit
    # keeps the file parseable but breaks the signed digest.
    tampered = flip_byte(signed_pdf, marker=b"TANDA REGISTRASI")

    result = verify_pdf(tampered, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.intact is False
    assert result.reason == VerificationReason.MODIFIED


def test_incremental_update_changing_content_is_detected(
    signed_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    overlay = generic.StreamObject(
        stream_data=b"BT /F1 40 Tf 100 400 Td (DIBATALKAN) Tj ET"
    )
    writer.add_stream_to_page(0, writer.add_object(overlay))
    output = io.BytesIO()
    writer.write(output)

    result = verify_pdf(
        output.getvalue(), trusted_certificate_pem=office_keys.certificate_pem
    )

    assert result.valid is False
    assert result.intact is False
    assert result.reason == VerificationReason.MODIFIED


def test_tampered_signature_value_is_rejected(
    signed_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    # Ed25519 signature bytes are the last non-zero bytes of the CMS blob in
    # /Contents; corrupt one of them without touching the signed range.
    contents_start = signed_pdf.index(b"/Contents <") + len(b"/Contents <")
    contents_end = signed_pdf.index(b">", contents_start)
    hex_blob = signed_pdf[contents_start:contents_end].rstrip(b"0")
    index = contents_start + len(hex_blob) - 4
    replacement = b"0" if signed_pdf[index : index + 1] != b"0" else b"1"
    tampered = signed_pdf[:index] + replacement + signed_pdf[index + 1 :]

    result = verify_pdf(tampered, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.intact is True
    assert result.reason == VerificationReason.BAD_SIGNATURE


def test_pdf_signed_by_another_office_is_untrusted(
    unsigned_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    # Same office name, different key: only the trusted certificate counts,
    # not what the subject claims to be.
    impostor = generate_signing_keypair(OFFICE)
    forged = _sign(unsigned_pdf, keys=impostor)

    result = verify_pdf(forged, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.intact is True
    assert result.reason == VerificationReason.UNTRUSTED


def test_unsigned_pdf_is_not_valid(
    unsigned_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    result = verify_pdf(
        unsigned_pdf, trusted_certificate_pem=office_keys.certificate_pem
    )

    assert result.valid is False
    assert result.reason == VerificationReason.NO_SIGNATURE
    assert result.signer_subject is None


# Seeded so a failing case can be reproduced byte for byte.
_NOISE = random.Random(20261126)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(_NOISE.randbytes(4096), id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(b"%PDF-1.7\n" + _NOISE.randbytes(2048), id="header-noise"),
    ],
)
def test_garbage_is_not_valid(payload: bytes, office_keys: SigningKeyMaterial) -> None:
    result = verify_pdf(payload, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.reason == VerificationReason.NOT_PDF


def test_truncated_signed_pdf_is_not_valid(
    signed_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    truncated = signed_pdf[: len(signed_pdf) - 200]

    result = verify_pdf(truncated, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False


def test_malformed_trust_material_raises(signed_pdf: bytes) -> None:
    with pytest.raises(ValueError):
        verify_pdf(signed_pdf, trusted_certificate_pem=b"not a certificate")


def test_verify_refuses_to_run_inside_event_loop(
    signed_pdf: bytes, office_keys: SigningKeyMaterial
) -> None:
    async def call_from_async_code() -> None:
        verify_pdf(signed_pdf, trusted_certificate_pem=office_keys.certificate_pem)

    with pytest.raises(RuntimeError, match="sync_to_async"):
        asyncio.run(call_from_async_code())
