"""A sample document for the renderer and signer tests, and a way to read a
rendered page back without pypdf (not a pyHanko dependency)."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from workflow.issuance.pdf import DocumentContent, Signatory

OFFICE = "Dinas Sosial Kabupaten Bogor"
VERIFICATION_URL = "https://pilar.example.go.id/verifikasi/0b8f3c2a-1d2e-4f5a-9b7c"

SAMPLE = DocumentContent(
    title="TANDA REGISTRASI LEMBAGA KESEJAHTERAAN SOSIAL",
    intro="Dengan ini menerangkan bahwa lembaga berikut telah terdaftar:",
    rows=[
        ("Nama Lembaga", ["Yayasan Panti Asuhan Kasih Bunda"]),
        ("Bentuk Badan Hukum", ["Yayasan"]),
        ("NPWP", ["01.234.567.8-901.000"]),
        (
            "Alamat",
            ["Jl. Raya Cibinong No. 123", "Kelurahan Pondok Rajeg, Kecamatan Cibinong"],
        ),
        ("Jenis Pelayanan", ["1. Pelayanan anak terlantar", "2. Lanjut usia"]),
        ("Berlaku sampai", ["26 November 2031"]),
    ],
    number="0012/TD-LKS/32.01/V/2026",
    issuer_name=OFFICE,
    holder_name="Yayasan Panti Asuhan Kasih Bunda",
    issued_on=dt.date(2026, 11, 26),
    signatory=Signatory(
        title="Kepala Dinas Sosial Kabupaten Bogor",
        name="Drs. H. Ahmad Fauzi, M.Si.",
        nip="19700101 199503 1 001",
    ),
    verification_url=VERIFICATION_URL,
)


def sample(**overrides: Any) -> DocumentContent:
    return replace(SAMPLE, **overrides)


def first_page(pdf: bytes) -> generic.DictionaryObject:
    reader = PdfFileReader(io.BytesIO(pdf))
    page: generic.DictionaryObject = reader.root["/Pages"]["/Kids"][0]
    return page


def page_text(pdf: bytes) -> str:
    """Text of the first page, from the literal strings shown with ``Tj``.

    pyHanko's reader decodes the compressed content stream; enough for
    ReportLab's simple output.
    """
    contents = first_page(pdf)["/Contents"]
    streams = contents if isinstance(contents, generic.ArrayObject) else [contents]
    data = b"".join(stream.get_object().data for stream in streams)
    literals = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data)
    return "\n".join(_unescape(literal) for literal in literals)


def _unescape(literal: bytes) -> str:
    # ReportLab escapes parentheses and backslashes, and writes bytes outside
    # ASCII (the em dash of the preview mark) as octal escapes.
    def one(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        return bytes([int(escaped, 8)]) if escaped[:1].isdigit() else escaped

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal).decode("cp1252")


def flip_byte(pdf: bytes, *, marker: bytes) -> bytes:
    index = pdf.index(marker)
    return pdf[:index] + bytes([pdf[index] ^ 0x01]) + pdf[index + 1 :]
