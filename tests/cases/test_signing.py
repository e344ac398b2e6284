"""Tests for Tanda Registrasi rendering, PAdES signing and offline verification.

Pure-Python: no database and no Django settings are needed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import random
import re

import pytest
import segno
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

from cases.certificate_pdf import (
    QR_BORDER_MODULES,
    QR_ERROR_LEVEL,
    CertificateData,
    CertificateLayoutError,
    format_indonesian_date,
    render_certificate_pdf,
)
from cases.signing import (
    CertificateSigner,
    EmbeddedKeySigner,
    OfficeKeyMaterial,
    VerificationReason,
    generate_office_keypair,
    verify_pdf,
)

OFFICE = "Dinas Sosial Kabupaten Bogor"
FIELD = "TandaTanganDinas"
VERIFICATION_URL = "https://pilar.example.go.id/verifikasi/0b8f3c2a-1d2e-4f5a-9b7c"


def _certificate_data(**overrides: object) -> CertificateData:
    values: dict[str, object] = {
        "number": "0012/TD-LKS/32.01/V/2026",
        "lks_name": "Yayasan Panti Asuhan Kasih Bunda",
        "legal_form": "Yayasan",
        "akta_number": "Akta Notaris No. 15 tanggal 3 Maret 2020",
        "sk_kemenkumham_number": "AHU-0012345.AH.01.04.Tahun 2020",
        "npwp": "01.234.567.8-901.000",
        "address": "Jl. Raya Cibinong No. 123, Kecamatan Cibinong, Kabupaten Bogor",
        "region_code": "32.01",
        "chair_name": "Hj. Siti Aminah, S.Sos.",
        "service_types": ["Pelayanan anak terlantar", "Pelayanan lanjut usia"],
        "scope_label": "Kabupaten/Kota",
        "issued_on": dt.date(2026, 11, 26),
        "valid_until": dt.date(2031, 11, 26),
        "office_name": OFFICE,
        "signer_name": "Drs. H. Ahmad Fauzi, M.Si.",
        "signer_nip": "19700101 199503 1 001",
        "signer_title": "Kepala Dinas Sosial Kabupaten Bogor",
        "verification_url": VERIFICATION_URL,
    }
    values.update(overrides)
    return CertificateData(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def office_keys() -> OfficeKeyMaterial:
    return generate_office_keypair(OFFICE)


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return render_certificate_pdf(_certificate_data())


@pytest.fixture(scope="module")
def signed_pdf(office_keys: OfficeKeyMaterial, unsigned_pdf: bytes) -> bytes:
    return _sign(unsigned_pdf, keys=office_keys)


def _sign(pdf: bytes, *, keys: OfficeKeyMaterial) -> bytes:
    signer = EmbeddedKeySigner.from_pem(keys.private_key_pem, keys.certificate_pem)
    return signer.sign_pdf(
        pdf,
        field_name=FIELD,
        reason="Penerbitan Tanda Registrasi LKS",
        location="Kabupaten Bogor",
    )


def _first_page(pdf: bytes) -> generic.DictionaryObject:
    reader = PdfFileReader(io.BytesIO(pdf))
    return reader.root["/Pages"]["/Kids"][0]


def _page_text(pdf: bytes) -> str:
    """Text of the first page, from the literal strings shown with ``Tj``.

    pypdf is not a pyHanko dependency, so this reads the decoded content
    stream with pyHanko's own reader; enough for ReportLab's simple output.
    """
    contents = _first_page(pdf)["/Contents"]
    streams = contents if isinstance(contents, generic.ArrayObject) else [contents]
    data = b"".join(stream.get_object().data for stream in streams)
    literals = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data)
    return "\n".join(_unescape(literal) for literal in literals)


def _unescape(literal: bytes) -> str:
    unescaped = re.sub(rb"\\([()\\])", rb"\1", literal)
    return unescaped.decode("cp1252")


def _embedded_qr_matrix(pdf: bytes) -> list[list[bool]]:
    """Dark/light modules of the QR image embedded in the page, quiet zone included."""
    xobjects = _first_page(pdf)["/Resources"]["/XObject"]
    images = [
        xobject.get_object()
        for xobject in xobjects.values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1
    image = images[0]
    width, height = int(image["/Width"]), int(image["/Height"])
    assert width == height
    assert image["/ColorSpace"] == "/DeviceRGB"
    pixels = image.data
    size = len(segno.make_qr(VERIFICATION_URL, error=QR_ERROR_LEVEL).matrix)
    modules = size + 2 * QR_BORDER_MODULES
    scale = width // modules
    assert scale * modules == width

    def is_dark(row: int, col: int) -> bool:
        y, x = row * scale + scale // 2, col * scale + scale // 2
        return pixels[(y * width + x) * 3] < 128

    return [[is_dark(row, col) for col in range(modules)] for row in range(modules)]


def _flip_byte(pdf: bytes, *, marker: bytes) -> bytes:
    index = pdf.index(marker)
    flipped = bytes([pdf[index] ^ 0x01])
    return pdf[:index] + flipped + pdf[index + 1 :]


# --- rendering -------------------------------------------------------------


def test_format_indonesian_date() -> None:
    assert format_indonesian_date(dt.date(2026, 11, 26)) == "26 November 2026"
    assert format_indonesian_date(dt.date(2027, 1, 5)) == "5 Januari 2027"
    assert format_indonesian_date(dt.date(2026, 8, 17)) == "17 Agustus 2026"


def test_rendered_pdf_contains_certificate_text(unsigned_pdf: bytes) -> None:
    text = _page_text(unsigned_pdf)

    assert "TANDA REGISTRASI LEMBAGA KESEJAHTERAAN SOSIAL" in text
    assert "Nomor: 0012/TD-LKS/32.01/V/2026" in text
    assert "Yayasan Panti Asuhan Kasih Bunda" in text
    assert "Berlaku sampai" in text
    assert "26 November 2031" in text
    assert "1. Pelayanan anak terlantar" in text
    assert "NIP. 19700101 199503 1 001" in text
    assert VERIFICATION_URL in text


def test_rendered_pdf_is_one_a4_portrait_page(unsigned_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(unsigned_pdf))
    pages = reader.root["/Pages"]

    assert int(pages["/Count"]) == 1
    media_box = [float(value) for value in _first_page(unsigned_pdf)["/MediaBox"]]
    assert media_box == pytest.approx([0, 0, 595.2756, 841.8898], abs=0.01)


def test_rendering_is_deterministic() -> None:
    assert render_certificate_pdf(_certificate_data()) == render_certificate_pdf(
        _certificate_data()
    )


def test_qr_code_encodes_verification_url(unsigned_pdf: bytes) -> None:
    # Decoding a QR needs a native reader (zbar/zxing); comparing modules with
    # segno's encoding of the URL proves the same thing without one.
    expected = segno.make_qr(VERIFICATION_URL, error=QR_ERROR_LEVEL)
    expected_matrix = [
        [bool(module) for module in row]
        for row in expected.matrix_iter(border=QR_BORDER_MODULES)
    ]

    assert _embedded_qr_matrix(unsigned_pdf) == expected_matrix


def test_overlong_content_is_rejected_instead_of_spilling() -> None:
    data = _certificate_data(service_types=[f"Layanan {i}" for i in range(60)])

    with pytest.raises(CertificateLayoutError):
        render_certificate_pdf(data)


# --- key material ----------------------------------------------------------


def test_generated_certificate_is_self_signed_ed25519(
    office_keys: OfficeKeyMaterial,
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


def test_embedded_signer_satisfies_protocol(office_keys: OfficeKeyMaterial) -> None:
    signer = EmbeddedKeySigner.from_pem(
        office_keys.private_key_pem, office_keys.certificate_pem
    )

    assert isinstance(signer, CertificateSigner)
    assert signer.certificate_pem == office_keys.certificate_pem
    assert "CN=Dinas Sosial Kabupaten Bogor" in signer.signer_subject


def test_signer_rejects_key_of_another_certificate(
    office_keys: OfficeKeyMaterial,
) -> None:
    other = generate_office_keypair(OFFICE)

    with pytest.raises(ValueError, match="does not match"):
        EmbeddedKeySigner.from_pem(other.private_key_pem, office_keys.certificate_pem)


def test_signer_rejects_non_ed25519_key(office_keys: OfficeKeyMaterial) -> None:
    ec_key_pem = generate_private_key(SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )

    with pytest.raises(ValueError, match="Ed25519"):
        EmbeddedKeySigner.from_pem(ec_key_pem, office_keys.certificate_pem)


# --- verification ----------------------------------------------------------


def test_signed_pdf_verifies(
    signed_pdf: bytes, unsigned_pdf: bytes, office_keys: OfficeKeyMaterial
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
    signed_pdf: bytes, office_keys: OfficeKeyMaterial
) -> None:
    bundle = generate_office_keypair("Dinas Sosial Kota Bandung").certificate_pem
    bundle += office_keys.certificate_pem

    assert verify_pdf(signed_pdf, trusted_certificate_pem=bundle).valid is True


def test_flipped_byte_in_signed_content_is_detected(
    signed_pdf: bytes, office_keys: OfficeKeyMaterial
) -> None:
    # The document title lives in the signed byte range; flipping one bit
    # keeps the file parseable but breaks the signed digest.
    tampered = _flip_byte(signed_pdf, marker=b"TANDA REGISTRASI")

    result = verify_pdf(tampered, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.intact is False
    assert result.reason == VerificationReason.MODIFIED


def test_incremental_update_changing_content_is_detected(
    signed_pdf: bytes, office_keys: OfficeKeyMaterial
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
    signed_pdf: bytes, office_keys: OfficeKeyMaterial
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
    unsigned_pdf: bytes, office_keys: OfficeKeyMaterial
) -> None:
    # Same office name, different key: only the trusted certificate counts,
    # not what the subject claims to be.
    impostor = generate_office_keypair(OFFICE)
    forged = _sign(unsigned_pdf, keys=impostor)

    result = verify_pdf(forged, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.intact is True
    assert result.reason == VerificationReason.UNTRUSTED


def test_unsigned_pdf_is_not_valid(
    unsigned_pdf: bytes, office_keys: OfficeKeyMaterial
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
def test_garbage_is_not_valid(payload: bytes, office_keys: OfficeKeyMaterial) -> None:
    result = verify_pdf(payload, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False
    assert result.reason == VerificationReason.NOT_PDF


def test_truncated_signed_pdf_is_not_valid(
    signed_pdf: bytes, office_keys: OfficeKeyMaterial
) -> None:
    truncated = signed_pdf[: len(signed_pdf) - 200]

    result = verify_pdf(truncated, trusted_certificate_pem=office_keys.certificate_pem)

    assert result.valid is False


def test_malformed_trust_material_raises(signed_pdf: bytes) -> None:
    with pytest.raises(ValueError):
        verify_pdf(signed_pdf, trusted_certificate_pem=b"not a certificate")


def test_verify_refuses_to_run_inside_event_loop(
    signed_pdf: bytes, office_keys: OfficeKeyMaterial
) -> None:
    async def call_from_async_code() -> None:
        verify_pdf(signed_pdf, trusted_certificate_pem=office_keys.certificate_pem)

    with pytest.raises(RuntimeError, match="sync_to_async"):
        asyncio.run(call_from_async_code())
