"""Hostile uploads through the portal's upload form: each is refused with a
message the operator reads in Bahasa Indonesia, and nothing is stored."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Document, DocumentType, Registration
from tests.conftest import World
from tests.workflow import upload_samples as samples


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _post(client: Client, case: Registration, name: str, data: bytes) -> str:
    akta = DocumentType.objects.get(office=None, code="akta_notaris")
    payload = {
        "document_type": akta.pk,
        "version": case.version,
        "file": SimpleUploadedFile(name, data),
    }
    url = reverse("cases:portal_document_upload", args=[case.reference])
    response = client.post(url, payload, follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _stored(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param(
            "peta.png",
            samples.png_bomb(20000),
            "“peta.png” memiliki terlalu banyak piksel (lebih dari 40 megapiksel).",
            id="png-20000x20000",
        ),
        pytest.param(
            "surat.pdf",
            samples.pdf_open_action_javascript(),
            "“surat.pdf” memuat skrip atau tindakan otomatis (/JS, /JavaScript, "
            "/OpenAction) yang tidak diizinkan.",
            id="pdf-openaction-javascript",
        ),
        pytest.param(
            "surat.pdf",
            samples.pdf_hidden_javascript(),
            "“surat.pdf” memuat skrip atau tindakan otomatis (/JS, /JavaScript, "
            "/OpenAction) yang tidak diizinkan.",
            id="pdf-javascript-in-object-stream",
        ),
        pytest.param(
            "logo.svg",
            samples.SVG,
            "“logo.svg” adalah gambar SVG, bukan berkas PDF, JPEG, atau PNG.",
            id="svg",
        ),
        pytest.param(
            "foto.png",
            samples.HTML,
            "“foto.png” adalah halaman web (HTML), bukan berkas PDF, JPEG, atau PNG.",
            id="html-named-png",
        ),
        pytest.param(
            "akta.pdf",
            samples.EXE,
            "“akta.pdf” adalah program Windows, bukan berkas PDF, JPEG, atau PNG.",
            id="exe-named-pdf",
        ),
    ],
)
def test_a_hostile_upload_is_refused_and_nothing_is_stored(
    client: Client,
    world: World,
    registration: Registration,
    media: Path,
    name: str,
    data: bytes,
    message: str,
) -> None:
    client.force_login(world.operator_bogor)
    page = _post(client, registration, name, data)
    assert message in page
    assert not Document.objects.exists()
    assert _stored(media) == []


def test_a_good_upload_through_the_same_form_is_stored(
    client: Client, world: World, registration: Registration, media: Path
) -> None:
    # The control: the form and the storage work, so the refusals above are
    # the check's doing.
    client.force_login(world.operator_bogor)
    _post(client, registration, "akta.pdf", samples.real_pdf())
    assert Document.objects.get().original_name == "akta.pdf"
    assert len(_stored(media)) == 1
