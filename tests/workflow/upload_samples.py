"""Files for the upload check's tests: small good ones, and hostile ones built
byte by byte so that each carries exactly the danger it is named after."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from reportlab.pdfgen import canvas

PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def pdf(catalog: bytes, *objects: bytes, page: bytes = PAGE) -> bytes:
    """A PDF whose object 1 is ``catalog``, 2 a page tree of one page (3),
    then ``objects`` from number 4 on, with a correct cross-reference table."""
    bodies = [catalog, b"<</Type/Pages/Kids[3 0 R]/Count 1>>", page, *objects]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\n" % (len(bodies) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"


def real_pdf() -> bytes:
    """A one-page PDF as an office program writes it (reportlab)."""
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 720, "Akta pendirian Yayasan Kasih Bogor")
    document.showPage()
    document.save()
    return buffer.getvalue()


def pdf_open_action_javascript() -> bytes:
    return pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>",
        b"<</S/JavaScript/JS(app.alert('pilar'))>>",
    )


def pdf_hidden_javascript() -> bytes:
    """An OpenAction JavaScript packed in a compressed object stream: its
    names never appear in the file's raw bytes."""
    writer = PdfFileWriter(stream_xrefs=True)
    box = generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 200, 200)])
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=box))
    packed = writer.prepare_object_stream()
    action = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/JavaScript"),
            generic.NameObject("/JS"): generic.TextStringObject("app.alert(1)"),
        }
    )
    reference = writer.add_object(action, obj_stream=packed)
    writer.root[generic.NameObject("/OpenAction")] = reference
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_locked() -> bytes:
    """A PDF that opens only with a password."""
    writer = PdfFileWriter()
    box = generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 200, 200)])
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=box))
    writer.encrypt("pemilik", "rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(width: int = 4, height: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 110, 79)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(width: int = 4, height: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@functools.cache
def png_bomb(side: int = 20000) -> bytes:
    """A valid grey PNG of side x side pixels: a few hundred KB that decode to
    side² bytes (400 MB at 20000). Compressed row by row, never held whole."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # the filter byte, then the pixels
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )
