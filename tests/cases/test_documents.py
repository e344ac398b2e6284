"""Uploads of a case's documents: checked by their bytes, hashed, versioned."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cases.models import (
    Document,
    DocumentReview,
    DocumentType,
    OfficePolicy,
    Registration,
)
from cases.services.documents import document_upload
from cases.services.portal import lks_access_grant
from tests.conftest import World
from tests.workflow import upload_samples as samples
from workflow.exceptions import InvalidInput, NotPermitted, TransitionNotAllowed
from workflow.models import User
from workflow.services import transition_run

PDF = samples.real_pdf()
EXE = samples.EXE
HTML = samples.HTML


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(world: World, registration: Registration, media: Path) -> Registration:
    lks_access_grant(lks=world.lks_bogor)
    lks_access_grant(lks=world.lks_bogor_other)
    return registration


@pytest.fixture
def akta() -> DocumentType:
    return DocumentType.objects.get(office=None, code="akta_notaris")


def _upload(
    actor: User, case: Registration, document_type: DocumentType, name: str, data: bytes
) -> Document:
    return document_upload(
        actor=actor,
        registration=case,
        document_type=document_type,
        uploaded_file=SimpleUploadedFile(name, data),
    )


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


# --- the service -------------------------------------------------------------


def test_a_pdf_is_stored_with_its_hash(
    world: World, case: Registration, akta: DocumentType, media: Path
) -> None:
    document = _upload(world.operator_bogor, case, akta, "akta pendirian.pdf", PDF)
    document.refresh_from_db()
    assert document.version == 1
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (document.size, document.content_type) == (len(PDF), "application/pdf")
    assert document.original_name == "akta pendirian.pdf"
    assert document.uploaded_by == world.operator_bogor
    assert Path(document.file.path).read_bytes() == PDF
    assert "akta" not in str(document.file.name)  # stored under a random name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("foto.png", samples.png()),
        ("foto.JPG", samples.jpeg()),
        ("foto.jpeg", samples.jpeg()),
    ],
)
def test_images_are_accepted(
    world: World, case: Registration, akta: DocumentType, name: str, data: bytes
) -> None:
    document = _upload(world.operator_bogor, case, akta, name, data)
    assert document.content_type in {"image/png", "image/jpeg"}


def test_a_second_upload_is_a_new_version_and_the_first_stays(
    world: World, case: Registration, akta: DocumentType
) -> None:
    first = _upload(world.operator_bogor, case, akta, "akta.pdf", PDF)
    second = _upload(world.operator_bogor, case, akta, "akta.png", samples.png())
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    first.refresh_from_db()
    assert Path(first.file.path).read_bytes() == PDF
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert Document.objects.filter(registration=case, document_type=akta).count() == 2


def test_the_same_bytes_twice_make_one_version(
    world: World, case: Registration, akta: DocumentType, media: Path
) -> None:
    first = _upload(world.operator_bogor, case, akta, "akta.pdf", PDF)
    again = _upload(world.operator_bogor, case, akta, "akta.pdf", PDF)
    assert again.pk == first.pk
    assert len(_stored_files(media)) == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("akta.pdf", EXE, "is a Windows program, not a PDF, JPEG or PNG"),
        ("foto.png", HTML, "is a web page (HTML), not a PDF, JPEG or PNG"),
        ("peta.png", samples.png_bomb(), "has too many pixels"),
        ("surat.pdf", samples.pdf_open_action_javascript(), "/OpenAction"),
        ("akta.pdf", b"", "is empty"),
        ("akta.pdf", samples.png(), "is named as another type"),
        ("akta", PDF, "is named as another type"),
    ],
)
def test_it_refuses_files_whose_bytes_are_not_what_we_accept(
    world: World,
    case: Registration,
    akta: DocumentType,
    media: Path,
    name: str,
    data: bytes,
    reason: str,
) -> None:
    # English on purpose: the reason is checked, not its translation.
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        _upload(world.operator_bogor, case, akta, name, data)
    assert name in str(refused.value.message)
    assert reason in str(refused.value.message)
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_it_refuses_a_file_over_the_office_limit(
    world: World, case: Registration, akta: DocumentType, media: Path
) -> None:
    OfficePolicy.objects.create(office=world.dinsos_bogor, max_upload_mb=1)
    big = _pdf_of_size(1024 * 1024 + 1)
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        _upload(world.operator_bogor, case, akta, "besar.pdf", big)
    assert "limit of 1 MB" in str(refused.value.message)
    assert not Document.objects.exists()
    just_fits = _pdf_of_size(1024 * 1024)
    assert _upload(world.operator_bogor, case, akta, "pas.pdf", just_fits).version == 1


def _pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes, padded inside a stream."""
    padding = size
    while True:
        body = b"<</Length %d>>\nstream\n%s\nendstream" % (padding, b"0" * padding)
        data = samples.pdf(samples.CATALOG, body)
        if len(data) == size:
            return data
        padding -= len(data) - size


def test_without_a_policy_the_limit_is_ten_megabytes(
    world: World, case: Registration, akta: DocumentType
) -> None:
    big = _pdf_of_size(10 * 1024 * 1024 + 1)
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        _upload(world.operator_bogor, case, akta, "besar.pdf", big)
    assert "limit of 10 MB" in str(refused.value.message)
    assert not Document.objects.exists()


def test_it_refuses_a_type_outside_the_case_checklist(
    world: World, case: Registration, media: Path
) -> None:
    nota = DocumentType.objects.get(office=None, code="nota_pendirian")
    foreign = DocumentType.objects.create(
        office=world.dinsos_bantul, code="khusus", name="Dokumen khusus Bantul"
    )
    for document_type in (nota, foreign):
        with pytest.raises(InvalidInput):
            _upload(world.operator_bogor, case, document_type, "x.pdf", PDF)
    assert not Document.objects.exists()


def test_an_office_own_type_is_accepted(world: World, case: Registration) -> None:
    own = DocumentType.objects.create(
        office=world.dinsos_bogor, code="foto", name="Foto papan nama", required=False
    )
    assert _upload(world.operator_bogor, case, own, "papan.pdf", PDF).version == 1


@pytest.mark.parametrize(
    "who", ["operator_other_lks", "verifier_bogor", "kadis_bogor", "outsider"]
)
def test_only_the_lks_operators_upload(
    world: World, case: Registration, akta: DocumentType, who: str
) -> None:
    with pytest.raises(NotPermitted):
        _upload(getattr(world, who), case, akta, "akta.pdf", PDF)
    assert not Document.objects.exists()


def test_no_upload_once_the_case_is_submitted(
    world: World, case: Registration, akta: DocumentType, media: Path
) -> None:
    transition_run(actor=world.operator_bogor, record=case, transition="submit")
    with pytest.raises(TransitionNotAllowed):
        _upload(world.operator_bogor, case, akta, "akta.pdf", PDF)
    assert _stored_files(media) == []


# --- the page ----------------------------------------------------------------


def _page(case: Registration) -> str:
    return reverse("cases:portal_documents", args=[case.reference])


def _upload_url(case: Registration) -> str:
    return reverse("cases:portal_document_upload", args=[case.reference])


def _post(
    client: Client, case: Registration, akta: DocumentType, name: str, data: bytes
) -> Any:
    payload = {
        "document_type": akta.pk,
        "version": case.version,
        "file": SimpleUploadedFile(name, data),
    }
    return client.post(_upload_url(case), payload, follow=True)


def test_the_page_uploads_and_lists_versions_with_reviews(
    client: Client, world: World, case: Registration, akta: DocumentType
) -> None:
    client.force_login(world.operator_bogor)
    response = _post(client, case, akta, "akta.pdf", PDF)
    assert response.status_code == 200
    document = Document.objects.get()
    DocumentReview.objects.create(
        document=document,
        verdict=DocumentReview.Verdict.DOES_NOT_CONFORM,
        note="Halaman pengesahan tidak terbaca",
        reviewer=world.verifier_bogor,
    )
    body = client.get(_page(case)).content.decode()
    assert document.sha256[:12] in body
    assert "akta.pdf" in body
    assert "Halaman pengesahan tidak terbaca" in body


def test_the_page_refuses_a_renamed_program(
    client: Client, world: World, case: Registration, akta: DocumentType
) -> None:
    client.force_login(world.operator_bogor)
    response = _post(client, case, akta, "setup.pdf", EXE)
    assert any("setup.pdf" in str(m) for m in response.context["messages"])
    assert not Document.objects.exists()


def test_upload_needs_post_and_sign_in(
    client: Client, world: World, case: Registration, akta: DocumentType
) -> None:
    assert client.post(_upload_url(case)).status_code == 302
    client.force_login(world.operator_bogor)
    assert client.get(_upload_url(case)).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"), [("operator_other_lks", 404), ("verifier_bogor", 403)]
)
def test_the_page_keeps_others_out(
    client: Client,
    world: World,
    case: Registration,
    akta: DocumentType,
    who: str,
    status: int,
) -> None:
    client.force_login(getattr(world, who))
    assert client.get(_page(case)).status_code == status
    payload = {"document_type": akta.pk, "file": SimpleUploadedFile("a.pdf", PDF)}
    assert client.post(_upload_url(case), payload).status_code == status
    assert not Document.objects.exists()
