"""Render the Tanda Registrasi LKS certificate as a one-page A4 PDF.

Framework-light on purpose: no Django imports, so the renderer can be used
from management commands, background jobs and plain unit tests alike. All
text the reader sees is in Bahasa Indonesia; identifiers stay in English.

The output is deterministic for equal input (ReportLab's ``invariant`` mode
drops creation timestamps and random document IDs), which keeps tests and
content hashes stable. Signing happens afterwards, in ``cases.signing``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "CertificateData",
    "CertificateLayoutError",
    "format_indonesian_date",
    "qr_png",
    "render_certificate_pdf",
]

TITLE = "TANDA REGISTRASI LEMBAGA KESEJAHTERAAN SOSIAL"

INDONESIAN_MONTHS: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# QR settings shared with tests: error level M survives a crease or a stamp
# on a printed certificate; the 4-module quiet zone is what scanners require.
QR_ERROR_LEVEL = "m"
QR_BORDER_MODULES = 4
QR_PNG_SCALE = 8

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 55 * mm
VALUE_X = MARGIN + LABEL_WIDTH + 4 * mm
VALUE_WIDTH = PAGE_WIDTH - MARGIN - VALUE_X
LINE_HEIGHT = 5.2 * mm
BODY_FONT = "Helvetica"
BOLD_FONT = "Helvetica-Bold"
BODY_SIZE = 10.5
QR_SIZE = 32 * mm
# Everything below this line belongs to the signature/QR block; the data table
# must end above it or the certificate would spill onto a second page.
FOOTER_TOP = MARGIN + 62 * mm


class CertificateLayoutError(ValueError):
    """The data does not fit on one page (e.g. an absurdly long address)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateData:
    """Everything printed on a Tanda Registrasi; plain values, no ORM objects."""

    number: str
    lks_name: str
    legal_form: str
    akta_number: str
    sk_kemenkumham_number: str
    npwp: str
    address: str
    region_code: str
    chair_name: str
    service_types: list[str] = field(default_factory=list)
    scope_label: str
    issued_on: date
    valid_until: date
    office_name: str
    signer_name: str
    signer_nip: str
    signer_title: str
    verification_url: str


def format_indonesian_date(value: date) -> str:
    """Format ``date(2026, 11, 26)`` as ``"26 November 2026"``.

    Done by hand rather than via locale so the output never depends on which
    locales the server happens to have installed.
    """
    return f"{value.day} {INDONESIAN_MONTHS[value.month - 1]} {value.year}"


def qr_png(url: str) -> bytes:
    """Return the verification QR code for ``url`` as PNG bytes."""
    qr = segno.make_qr(url, error=QR_ERROR_LEVEL)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=QR_PNG_SCALE, border=QR_BORDER_MODULES)
    return buffer.getvalue()


def render_certificate_pdf(data: CertificateData) -> bytes:
    """Render ``data`` as an unsigned, one-page A4 portrait PDF."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(f"{TITLE} {data.number}")
    canvas.setAuthor(data.office_name)
    canvas.setSubject(data.lks_name)

    y = _draw_header(canvas, data=data, top=PAGE_HEIGHT - MARGIN)
    y = _draw_table(canvas, rows=_table_rows(data), top=y)
    if y < FOOTER_TOP:
        raise CertificateLayoutError(
            f"Certificate {data.number!r} does not fit on one A4 page."
        )
    _draw_signature_block(canvas, data=data)
    _draw_qr_block(canvas, url=data.verification_url)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_header(canvas: Canvas, *, data: CertificateData, top: float) -> float:
    """Draw office name, rule, title and number; return the next free y."""
    centre = PAGE_WIDTH / 2
    y = top - 6 * mm
    canvas.setFont(BOLD_FONT, 13)
    canvas.drawCentredString(centre, y, data.office_name.upper())

    # Double rule: the customary letterhead separator on Indonesian
    # government documents (kop surat).
    y -= 4 * mm
    canvas.setLineWidth(1.6)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 1.2 * mm, PAGE_WIDTH - MARGIN, y - 1.2 * mm)

    y -= 14 * mm
    canvas.setFont(BOLD_FONT, 14)
    canvas.drawCentredString(centre, y, TITLE)
    y -= 7 * mm
    canvas.setFont(BODY_FONT, 11)
    canvas.drawCentredString(centre, y, f"Nomor: {data.number}")

    y -= 12 * mm
    canvas.setFont(BODY_FONT, BODY_SIZE)
    intro = (
        "Berdasarkan hasil verifikasi atas dokumen persyaratan registrasi, "
        "dengan ini menerangkan bahwa lembaga berikut telah terdaftar sebagai "
        "Lembaga Kesejahteraan Sosial (LKS):"
    )
    return _draw_wrapped(canvas, text=intro, x=MARGIN, top=y, width=CONTENT_WIDTH)


def _table_rows(data: CertificateData) -> list[tuple[str, list[str]]]:
    """Label/value pairs of the data table; a value may span several items."""
    services = [f"{i}. {name}" for i, name in enumerate(data.service_types, 1)]
    return [
        ("Nama Lembaga", [data.lks_name]),
        ("Bentuk Badan Hukum", [data.legal_form]),
        ("Nomor Akta Pendirian", [data.akta_number]),
        ("Nomor SK Kemenkumham", [data.sk_kemenkumham_number]),
        ("NPWP", [data.npwp]),
        ("Alamat", [data.address]),
        ("Kode Wilayah", [data.region_code]),
        ("Nama Ketua", [data.chair_name]),
        ("Jenis Pelayanan", services or ["-"]),
        ("Lingkup Wilayah Kerja", [data.scope_label]),
        ("Tanggal Terbit", [format_indonesian_date(data.issued_on)]),
        ("Berlaku sampai", [format_indonesian_date(data.valid_until)]),
    ]


def _draw_table(
    canvas: Canvas, *, rows: list[tuple[str, list[str]]], top: float
) -> float:
    """Draw ``label : value`` rows, wrapping long values; return next free y."""
    y = top - 4 * mm
    for label, items in rows:
        canvas.setFont(BODY_FONT, BODY_SIZE)
        canvas.drawString(MARGIN, y, label)
        canvas.drawString(MARGIN + LABEL_WIDTH, y, ":")
        for item in items:
            y = _draw_wrapped(canvas, text=item, x=VALUE_X, top=y, width=VALUE_WIDTH)
        y -= 1 * mm
    return y


def _draw_wrapped(
    canvas: Canvas,
    *,
    text: str,
    x: float,
    top: float,
    width: float,
    font: str = BODY_FONT,
    size: float = BODY_SIZE,
) -> float:
    """Draw ``text`` wrapped to ``width`` with its first baseline at ``top``."""
    canvas.setFont(font, size)
    y = top
    for line in _wrap(text, font=font, size=size, width=width):
        canvas.drawString(x, y, line)
        y -= LINE_HEIGHT
    return y


def _wrap(text: str, *, font: str, size: float, width: float) -> Iterator[str]:
    # simpleSplit returns [] for an empty string; keep one (empty) line so
    # rows stay aligned even when an optional value is blank.
    yield from simpleSplit(text, font, size, width) or [""]


def _draw_signature_block(canvas: Canvas, *, data: CertificateData) -> None:
    """Right-hand signature block: title, e-signature note, name, NIP."""
    x = PAGE_WIDTH - MARGIN - 75 * mm
    width = 75 * mm
    y = FOOTER_TOP - 4 * mm
    y = _draw_wrapped(
        canvas,
        text=f"Diterbitkan tanggal {format_indonesian_date(data.issued_on)}",
        x=x,
        top=y,
        width=width,
    )
    y = _draw_wrapped(canvas, text=f"{data.signer_title},", x=x, top=y, width=width)
    y -= 2 * mm
    y = _draw_wrapped(
        canvas,
        text="Ditandatangani secara elektronik",
        x=x,
        top=y,
        width=width,
        font="Helvetica-Oblique",
        size=8.5,
    )
    y -= 8 * mm
    y = _draw_wrapped(
        canvas, text=data.signer_name, x=x, top=y, width=width, font=BOLD_FONT
    )
    _draw_wrapped(canvas, text=f"NIP. {data.signer_nip}", x=x, top=y, width=width)


def _draw_qr_block(canvas: Canvas, *, url: str) -> None:
    """Left-hand QR code plus the URL in text for people who cannot scan."""
    bottom = MARGIN + 12 * mm
    canvas.drawImage(
        ImageReader(io.BytesIO(qr_png(url))),
        MARGIN,
        bottom,
        width=QR_SIZE,
        height=QR_SIZE,
    )
    caption_x = MARGIN
    y = bottom - 4 * mm
    _draw_wrapped(
        canvas,
        text="Pindai kode QR untuk memeriksa keaslian dokumen ini.",
        x=caption_x,
        top=y,
        width=CONTENT_WIDTH,
        size=8,
    )
    _draw_wrapped(
        canvas,
        text=url,
        x=caption_x,
        top=y - 4 * mm,
        width=CONTENT_WIDTH,
        font="Courier",
        size=7.5,
    )
