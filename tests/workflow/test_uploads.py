"""The one upload check (workflow.uploads), called as every app calls it."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.workflow import upload_samples as samples
from workflow.exceptions import InvalidInput
from workflow.uploads import MAX_IMAGE_PIXELS, CheckedUpload, upload_check

LIMIT = 10 * 1024 * 1024


def _check(name: str, data: bytes, max_bytes: int = LIMIT) -> CheckedUpload:
    return upload_check(SimpleUploadedFile(name, data), max_bytes=max_bytes)


def _refusal(name: str, data: bytes, max_bytes: int = LIMIT) -> str:
    with pytest.raises(InvalidInput) as refused:
        _check(name, data, max_bytes)
    return str(refused.value.message)


# --- accepted ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type", "extension"),
    [
        ("akta pendirian.pdf", samples.real_pdf(), "application/pdf", ".pdf"),
        ("foto.JPG", samples.jpeg(), "image/jpeg", ".jpg"),
        ("foto.jpeg", samples.jpeg(), "image/jpeg", ".jpeg"),
        ("papan nama.png", samples.png(), "image/png", ".png"),
    ],
)
def test_it_accepts_a_real_pdf_jpeg_and_png(
    name: str, data: bytes, content_type: str, extension: str
) -> None:
    upload = SimpleUploadedFile(name, data)
    checked = upload_check(upload, max_bytes=LIMIT)
    assert checked == CheckedUpload(
        name=name,
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    assert upload.tell() == 0  # rewound for whoever stores it


def test_it_accepts_a_pdf_that_opens_on_a_page() -> None:
    # A destination array, or a GoTo action, only turns to a page.
    for open_action in (b"[3 0 R /Fit]", b"<</S/GoTo/D[3 0 R/Fit]>>"):
        catalog = b"<</Type/Catalog/Pages 2 0 R/OpenAction %s>>" % open_action
        assert _check("akta.pdf", samples.pdf(catalog)).content_type == (
            "application/pdf"
        )


def test_a_marker_split_across_two_chunks_is_still_found() -> None:
    # The raw scan reads chunk by chunk, keeping the tail of the last one.
    data = samples.pdf(
        samples.CATALOG, b"<</Length 12>>\nstream\n/JavaScript\nendstream"
    )
    cut = data.index(b"/JavaScript") + 5

    class Chunked(SimpleUploadedFile):
        def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
            yield data[:cut]
            yield data[cut:]

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        upload_check(Chunked("a.pdf", data), max_bytes=LIMIT)
    assert "/JavaScript" in str(refused.value.message)


# --- size --------------------------------------------------------------------


def test_it_refuses_a_file_over_the_limit() -> None:
    data = samples.real_pdf()
    message = _refusal("besar.pdf", data, max_bytes=len(data) - 1)
    assert message == "“besar.pdf” melebihi batas ukuran 2 KB."
    assert _check("pas.pdf", data, max_bytes=len(data)).size == len(data)


def test_it_counts_the_bytes_when_the_declared_size_lies() -> None:
    upload = SimpleUploadedFile("besar.pdf", samples.real_pdf())
    upload.size = 10
    with pytest.raises(InvalidInput) as refused:
        upload_check(upload, max_bytes=1024)
    assert str(refused.value.message) == "“besar.pdf” melebihi batas ukuran 1 KB."


def test_it_states_a_limit_in_megabytes() -> None:
    data = samples.real_pdf() + b"%" * (1024 * 1024)
    assert _refusal("besar.pdf", data, max_bytes=1024 * 1024) == (
        "“besar.pdf” melebihi batas ukuran 1 MB."
    )


def test_it_refuses_an_empty_file() -> None:
    assert _refusal("kosong.pdf", b"") == "“kosong.pdf” kosong (0 bita)."


# --- type by content ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "foto.png",
            samples.HTML,
            "“foto.png” adalah halaman web (HTML), bukan berkas PDF, JPEG, atau PNG.",
        ),
        (
            "logo.svg",
            samples.SVG,
            "“logo.svg” adalah gambar SVG, bukan berkas PDF, JPEG, atau PNG.",
        ),
        (
            "akta.pdf",
            samples.EXE,
            "“akta.pdf” adalah program Windows, bukan berkas PDF, JPEG, atau PNG.",
        ),
        (
            "surat.pdf",
            b"PK\x03\x04" + b"\x00" * 100,
            "“surat.pdf” adalah berkas ZIP, bukan berkas PDF, JPEG, atau PNG.",
        ),
        (
            "catatan.pdf",
            b"hanya teks biasa",
            "“catatan.pdf” bukan berkas PDF, JPEG, atau PNG: isinya berjenis lain.",
        ),
    ],
)
def test_it_refuses_other_content_saying_what_it_is(
    name: str, data: bytes, message: str
) -> None:
    assert _refusal(name, data) == message


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("akta.png", samples.real_pdf(), "PDF"),
        ("akta", samples.real_pdf(), "PDF"),
        ("foto.pdf", samples.png(), "PNG"),
        ("foto.png", samples.jpeg(), "JPG"),
    ],
)
def test_it_refuses_a_name_that_disagrees_with_the_content(
    name: str, data: bytes, kind: str
) -> None:
    assert _refusal(name, data) == (
        f"Nama “{name}” tidak sesuai dengan jenis isinya ({kind})."
    )


# --- images ------------------------------------------------------------------


@pytest.mark.parametrize("side", [7000, 10000, 20000])
def test_it_refuses_a_decompression_bomb_from_its_header(side: int) -> None:
    # 49 MP passes Pillow's own limit, 100 MP makes it warn, 400 MP raise:
    # each is refused by ours before a pixel is decoded.
    assert side * side > MAX_IMAGE_PIXELS
    assert _refusal("peta.png", samples.png_bomb(side)) == (
        "“peta.png” memiliki terlalu banyak piksel (lebih dari 40 megapiksel). "
        "Perkecil resolusinya lalu unggah lagi."
    )


def test_it_refuses_an_image_pillow_cannot_read() -> None:
    truncated = samples.png()[:30]
    assert _refusal("foto.png", truncated) == (
        "“foto.png” tidak dapat dibaca sebagai gambar: berkasnya rusak."
    )


def test_it_refuses_a_png_whose_data_is_corrupt() -> None:
    data = bytearray(samples.png())
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    data[idat + 4 + length - 1] ^= 0xFF  # the checksum no longer matches
    assert "tidak dapat dibaca sebagai gambar" in _refusal("foto.png", bytes(data))


def test_it_refuses_a_jpeg_without_a_frame() -> None:
    header_only = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    )
    assert "tidak dapat dibaca sebagai gambar" in _refusal("foto.jpg", header_only)


# --- PDFs --------------------------------------------------------------------


def _active(name: str, data: bytes) -> str:
    message = _refusal(name, data)
    assert message.startswith(f"“{name}” memuat skrip atau tindakan otomatis (")
    assert message.endswith(
        ") yang tidak diizinkan. Cetak ulang menjadi PDF baru lalu unggah berkas itu."
    )
    return message


def test_it_refuses_an_open_action_javascript() -> None:
    message = _active("surat.pdf", samples.pdf_open_action_javascript())
    assert "/OpenAction" in message
    assert "/JavaScript" in message


def test_it_finds_javascript_hidden_in_a_compressed_object_stream() -> None:
    data = samples.pdf_hidden_javascript()
    assert b"/JavaScript" not in data  # invisible to a scan of the bytes
    message = _active("surat.pdf", data)
    assert "/OpenAction" in message
    assert "/JS" in message


def test_it_reads_names_written_with_escapes() -> None:
    # /J#61vaScript is /JavaScript to every reader, not to a byte search.
    data = samples.pdf(
        samples.CATALOG.replace(b">>", b"/OpenAction 4 0 R>>"),
        b"<</S/J#61vaScript/J#53(app.alert(1))>>",
    )
    assert b"/JavaScript" not in data
    assert "/JavaScript" in _active("surat.pdf", data)


def _page_with(extra: bytes) -> bytes:
    return samples.PAGE.replace(b">>", extra + b">>")


def test_it_refuses_a_launch_action() -> None:
    link = b"<</Type/Annot/Subtype/Link/Rect[0 0 99 99]/A<</S/Launch/F(cmd.exe)>>>>"
    data = samples.pdf(samples.CATALOG, link, page=_page_with(b"/Annots[4 0 R]"))
    assert "/Launch" in _active("surat.pdf", data)


def test_it_refuses_additional_actions() -> None:
    page = _page_with(b"/AA<</O<</S/URI/URI(https://contoh.id)>>>>")
    data = samples.pdf(samples.CATALOG, page=page)
    assert "/AA" in _active("surat.pdf", data)


@pytest.mark.parametrize("action", [b"/ImportData", b"/SubmitForm"])
def test_it_refuses_actions_that_read_or_send_data(action: bytes) -> None:
    button = b"<</Type/Annot/Subtype/Widget/Rect[0 0 9 9]/A<</S%s/F(x)>>>>" % action
    data = samples.pdf(samples.CATALOG, button, page=_page_with(b"/Annots[4 0 R]"))
    assert action.decode() in _active("surat.pdf", data)


def test_it_refuses_a_javascript_name_tree() -> None:
    data = samples.pdf(
        b"<</Type/Catalog/Pages 2 0 R/Names<</JavaScript 4 0 R>>>>",
        b"<</Names[(mulai) 5 0 R]>>",
        b"<</S/JavaScript/JS(app.alert(1))>>",
    )
    assert "/JavaScript" in _active("surat.pdf", data)


def test_it_refuses_a_launch_name_the_parser_cannot_reach() -> None:
    # Unreferenced text a repairing viewer might still read: the raw scan.
    data = samples.pdf(samples.CATALOG, b"<</Length 7>>\nstream\n/Launch\nendstream")
    assert "/Launch" in _active("surat.pdf", data)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
        samples.real_pdf()[:400],
    ],
    ids=["no-cross-reference", "noise", "truncated"],
)
def test_it_refuses_a_pdf_it_cannot_parse(data: bytes) -> None:
    assert _refusal("akta.pdf", data) == (
        "“akta.pdf” tidak dapat dibaca sebagai PDF: berkasnya rusak."
    )


def test_it_refuses_a_pdf_locked_by_a_password() -> None:
    assert _refusal("akta.pdf", samples.pdf_locked()) == (
        "“akta.pdf” dilindungi kata sandi. Unggah berkas tanpa kata sandi."
    )


def test_messages_follow_the_language_of_the_request() -> None:
    with translation.override("en"):
        message = _refusal("akta.pdf", samples.EXE)
    assert message == "“akta.pdf” is a Windows program, not a PDF, JPEG or PNG file."
