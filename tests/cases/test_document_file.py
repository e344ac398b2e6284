"""Opening an uploaded document: only for those who may view the case, with
headers that keep the file inert in the browser."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Document, DocumentType, Registration
from cases.services.documents import document_upload
from cases.services.registration import (
    registration_create,
    registration_receive,
    registration_submit,
)
from tests.conftest import World
from tests.factories import upload_required_documents
from tests.workflow import upload_samples as samples
from workflow.files import UPLOADED_FILE_CSP

READERS = ["operator_bogor", "verifier_bogor", "kadis_bogor", "supervisor_jabar"]
OUTSIDERS = [
    "operator_other_lks",
    "verifier_bantul",
    "opd_bintan_officer",
    "monev_bogor",
    "outsider",
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case(world: World, registration: Registration) -> Registration:
    """A case with the verifier: its required documents, the deed also as a
    photo (a second version)."""
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    document_upload(
        actor=world.operator_bogor,
        registration=registration,
        document_type=DocumentType.objects.get(office=None, code="akta_notaris"),
        uploaded_file=SimpleUploadedFile("akta “Kasih”.png", samples.png()),
    )
    submitted = registration_submit(
        actor=world.operator_bogor, registration=registration
    )
    return registration_receive(actor=world.verifier_bogor, registration=submitted)


def _url(case: Registration, document: Document) -> str:
    return reverse("cases:document_file", args=[case.reference, document.pk])


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_verifier_opens_a_pdf_with_exactly_the_uploaded_bytes(
    client: Client, world: World, case: Registration
) -> None:
    document = case.documents.filter(content_type="application/pdf").first()
    assert document is not None
    client.force_login(world.verifier_bogor)
    response = client.get(_url(case, document))
    assert response.status_code == 200
    assert hashlib.sha256(_body(response)).hexdigest() == document.sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(document.size)
    assert response["Content-Disposition"] == (
        f'inline; filename="{document.original_name}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_file_carries_its_own_sandboxing_policy_not_the_site_one(
    client: Client, world: World, case: Registration
) -> None:
    document = case.documents.first()
    assert document is not None
    client.force_login(world.verifier_bogor)
    response = client.get(_url(case, document))
    policy = response["Content-Security-Policy"]
    assert policy == UPLOADED_FILE_CSP
    assert policy.startswith("sandbox;")
    # WSGI servers refuse a header name that is not exactly a str.
    assert {type(name) for name in response.headers} == {str}
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    # Every other page carries the site's policy, which the middleware adds.
    page = client.get(reverse("cases:case_detail", args=[case.reference]))
    assert page["Content-Security-Policy"] != policy


def test_an_image_opens_inline_under_a_name_safe_for_the_header(
    client: Client, world: World, case: Registration
) -> None:
    document = case.documents.get(content_type="image/png")
    client.force_login(world.verifier_bogor)
    response = client.get(_url(case, document))
    assert response.status_code == 200
    assert hashlib.sha256(_body(response)).hexdigest() == document.sha256
    assert response["Content-Type"] == "image/png"
    # Non-ASCII names are encoded (RFC 6266), never sent raw in the header.
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''akta%20%E2%80%9CKasih%E2%80%9D.png"
    )


@pytest.mark.parametrize("persona", READERS)
def test_everyone_who_may_view_the_case_opens_its_documents(
    client: Client, world: World, case: Registration, persona: str
) -> None:
    document = case.documents.first()
    assert document is not None
    client.force_login(getattr(world, persona))
    response = client.get(_url(case, document))
    assert response.status_code == 200
    assert hashlib.sha256(_body(response)).hexdigest() == document.sha256


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_others_get_404_and_never_the_file(
    client: Client, world: World, case: Registration, persona: str
) -> None:
    document = case.documents.first()
    assert document is not None
    client.force_login(getattr(world, persona))
    response = client.get(_url(case, document))
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_anonymous_is_sent_to_sign_in(client: Client, case: Registration) -> None:
    document = case.documents.first()
    assert document is not None
    response = client.get(_url(case, document))
    assert response.status_code == 302
    assert "Content-Disposition" not in response


def test_only_get_and_head_are_allowed(
    client: Client, world: World, case: Registration
) -> None:
    document = case.documents.first()
    assert document is not None
    client.force_login(world.verifier_bogor)
    assert client.post(_url(case, document)).status_code == 405
    head = client.head(_url(case, document))
    assert head.status_code == 200
    assert head["Content-Length"] == str(document.size)


def test_a_document_of_another_case_under_this_reference_is_404(
    client: Client, world: World, case: Registration
) -> None:
    other = registration_create(
        actor=world.operator_other_lks,
        lks=world.lks_bogor_other,
        kind=Registration.Kind.FIRST,
    )
    upload_required_documents(registration=other, actor=world.operator_other_lks)
    foreign = other.documents.first()
    assert foreign is not None
    # The verifier may view both cases: the pair itself must match.
    client.force_login(world.verifier_bogor)
    assert client.get(_url(other, foreign)).status_code == 200
    assert client.get(_url(case, foreign)).status_code == 404


def test_a_missing_document_is_404(
    client: Client, world: World, case: Registration
) -> None:
    client.force_login(world.verifier_bogor)
    url = reverse("cases:document_file", args=[case.reference, 999_999])
    assert client.get(url).status_code == 404


def test_a_document_whose_file_is_gone_is_404(
    client: Client, world: World, case: Registration
) -> None:
    document = case.documents.first()
    assert document is not None
    Path(document.file.path).unlink()
    client.force_login(world.verifier_bogor)
    assert client.get(_url(case, document)).status_code == 404
