"""Render an issued document (any kind) as a one-page A4 PDF.

The kind supplies the words (``DocumentContent``: title, intro, label/value
rows, signatory); the renderer draws the letterhead, the table, the signature
block and the QR code leading to the public verification page. Framework-light
on purpose: no Django imports. What the reader sees is in Bahasa Indonesia.

The output is deterministic for equal input (ReportLab's ``invariant`` mode
drops creation timestamps and random document IDs), which keeps tests and
content hashes stable. Signing happens afterwards (``signing``).

A preview (``preview=True``) is what the signer sees before signing: the same
page, unsigned, with no number yet, no QR code, and a diagonal watermark so
that it can never pass for the issued document.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "PREVIEW_NUMBER",
    "PREVIEW_WATERMARK",
    "DocumentContent",
    "DocumentLayoutError",
    "Signatory",
    "format_indonesian_date",
    "qr_png",
    "render_pdf",
]

PREVIEW_WATERMARK = "PRATINJAU — BUKAN DOKUMEN RESMI"
PREVIEW_NUMBER = "(diberikan saat ditandatangani)"
PREVIEW_QR_NOTE = "Kode QR diberikan saat ditandatangani."

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
# must end above it or the document would spill onto a second page.
FOOTER_TOP = MARGIN + 62 * mm


class DocumentLayoutError(ValueError):
    """The content does not fit on one page (e.g. an absurdly long address)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Signatory:
    """Who signs, as printed under the signature: title, name and NIP."""

    title: str
    name: str
    nip: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentContent:
    """Everything printed on one document; plain values, no ORM objects.

    ``rows`` are label/value pairs; a value may span several lines (items).
    ``holder_name`` only goes into the PDF's metadata.
    """

    title: str
    intro: str
    rows: Sequence[tuple[str, Sequence[str]]]
    number: str
    issuer_name: str
    holder_name: str
    issued_on: date
    signatory: Signatory
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


def render_pdf(content: DocumentContent, *, preview: bool = False) -> bytes:
    """Render ``content`` as an unsigned, one-page A4 portrait PDF."""
    number = PREVIEW_NUMBER if preview else content.number
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    prefix = f"{PREVIEW_WATERMARK}: " if preview else ""
    canvas.setTitle(f"{prefix}{content.title} {number}")
    canvas.setAuthor(content.issuer_name)
    canvas.setSubject(content.holder_name)

    y = _draw_header(canvas, content=content, number=number, top=PAGE_HEIGHT - MARGIN)
    y = _draw_table(canvas, rows=content.rows, top=y)
    if y < FOOTER_TOP:
        raise DocumentLayoutError(f"Document {number!r} does not fit on one A4 page.")
    _draw_signature_block(canvas, content=content)
    if preview:
        _draw_qr_placeholder(canvas)
        _draw_watermark(canvas)
    else:
        _draw_qr_block(canvas, url=content.verification_url)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_header(
    canvas: Canvas, *, content: DocumentContent, number: str, top: float
) -> float:
    """Draw issuer name, rule, title, number and intro; return the next free y."""
    centre = PAGE_WIDTH / 2
    y = top - 6 * mm
    canvas.setFont(BOLD_FONT, 13)
    canvas.drawCentredString(centre, y, content.issuer_name.upper())

    # Double rule: the customary letterhead separator on Indonesian
    # government documents (kop surat).
    y -= 4 * mm
    canvas.setLineWidth(1.6)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 1.2 * mm, PAGE_WIDTH - MARGIN, y - 1.2 * mm)

    y -= 14 * mm
    canvas.setFont(BOLD_FONT, 14)
    canvas.drawCentredString(centre, y, content.title)
    y -= 7 * mm
    canvas.setFont(BODY_FONT, 11)
    canvas.drawCentredString(centre, y, f"Nomor: {number}")

    y -= 12 * mm
    return _draw_wrapped(
        canvas, text=content.intro, x=MARGIN, top=y, width=CONTENT_WIDTH
    )


def _draw_table(
    canvas: Canvas, *, rows: Sequence[tuple[str, Sequence[str]]], top: float
) -> float:
    """Draw ``label : value`` rows, wrapping long values; return next free y."""
    y = top - 4 * mm
    for label, items in rows:
        canvas.setFont(BODY_FONT, BODY_SIZE)
        canvas.drawString(MARGIN, y, label)
        canvas.drawString(MARGIN + LABEL_WIDTH, y, ":")
        for item in items or ["-"]:
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


def _draw_signature_block(canvas: Canvas, *, content: DocumentContent) -> None:
    """Right-hand signature block: date, title, e-signature note, name, NIP."""
    signatory = content.signatory
    x = PAGE_WIDTH - MARGIN - 75 * mm
    width = 75 * mm
    y = FOOTER_TOP - 4 * mm
    y = _draw_wrapped(
        canvas,
        text=f"Diterbitkan tanggal {format_indonesian_date(content.issued_on)}",
        x=x,
        top=y,
        width=width,
    )
    y = _draw_wrapped(canvas, text=f"{signatory.title},", x=x, top=y, width=width)
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
        canvas, text=signatory.name, x=x, top=y, width=width, font=BOLD_FONT
    )
    _draw_wrapped(canvas, text=f"NIP. {signatory.nip}", x=x, top=y, width=width)


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
    y = bottom - 4 * mm
    _draw_wrapped(
        canvas,
        text="Pindai kode QR untuk memeriksa keaslian dokumen ini.",
        x=MARGIN,
        top=y,
        width=CONTENT_WIDTH,
        size=8,
    )
    _draw_wrapped(
        canvas,
        text=url,
        x=MARGIN,
        top=y - 4 * mm,
        width=CONTENT_WIDTH,
        font="Courier",
        size=7.5,
    )


def _draw_qr_placeholder(canvas: Canvas) -> None:
    """A dashed box where the QR code will be: a preview has no public page yet."""
    bottom = MARGIN + 12 * mm
    canvas.saveState()
    canvas.setDash(3, 3)
    canvas.rect(MARGIN, bottom, QR_SIZE, QR_SIZE)
    canvas.restoreState()
    _draw_wrapped(
        canvas,
        text=PREVIEW_QR_NOTE,
        x=MARGIN,
        top=bottom - 4 * mm,
        width=CONTENT_WIDTH,
        size=8,
    )


def _draw_watermark(canvas: Canvas) -> None:
    """Diagonal, translucent, over everything: it cannot be cropped or hidden."""
    canvas.saveState()
    canvas.setFillColorRGB(0.75, 0.1, 0.1)
    canvas.setFillAlpha(0.3)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(55)
    canvas.setFont(BOLD_FONT, 34)
    canvas.drawCentredString(0, 0, PREVIEW_WATERMARK)
    canvas.restoreState()
