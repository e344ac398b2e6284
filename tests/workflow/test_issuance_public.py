"""One public page and one PDF check for every kind: a second kind, registered
here as accreditation will be, is numbered, shown and checked by the same views.
The rate limits and the 429 page are the engine's too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.workflow.pdf_samples import flip_byte, page_text
from tests.workflow.second_kind import (
    CODE,
    Accreditation,
    accredit,
    balks_office,
    register_second_kind,
)
from workflow.issuance.forms import MAX_UPLOAD_BYTES
from workflow.issuance.kinds import IssuedKind, kind_register
from workflow.issuance.models import NumberSeries
from workflow.issuance.verification import verification_url
from workflow.models import Organisation

pytestmark = [pytest.mark.usefixtures("second_kind"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _cache(settings: Any, tmp_path: Path) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    cache.clear()


@pytest.fixture
def second_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[IssuedKind]:
    yield from register_second_kind(monkeypatch)


@pytest.fixture
def balks(db: None) -> Organisation:
    return balks_office()


@pytest.fixture
def accreditation(balks: Organisation) -> Accreditation:
    return accredit(balks, holder="Panti Werdha Mulia", grade="B")


def public_url(token: str) -> str:
    return reverse("workflow:certificate_public", kwargs={"token": token})


def check(client: Client, pdf: bytes, ip: str = "10.0.0.1") -> Any:
    upload = SimpleUploadedFile("sertifikat.pdf", pdf, content_type="application/pdf")
    return client.post(
        reverse("workflow:certificate_check"), {"pdf": upload}, REMOTE_ADDR=ip
    )


def test_the_printed_paths_never_change() -> None:
    assert public_url("abc") == "/verifikasi/abc/"
    assert reverse("workflow:certificate_check") == "/verifikasi/periksa/"


def test_a_second_kind_is_numbered_in_its_own_series(
    balks: Organisation, accreditation: Accreditation
) -> None:
    second = accredit(balks)

    assert (accreditation.number, second.number) == (
        "001/AKR/32/2026",
        "002/AKR/32/2026",
    )
    assert NumberSeries.objects.get(organisation=balks).kind == CODE
    text = page_text(accreditation.pdf)
    assert "Nomor: 001/AKR/32/2026" in text
    assert verification_url(token=accreditation.token) in text


def test_its_public_page_shows_its_facts_through_the_same_view(
    client: Client, accreditation: Accreditation
) -> None:
    response = client.get(public_url(accreditation.token))

    assert response.status_code == 200
    facts = response.context["facts"]
    assert (facts.kind_label, facts.holder_name) == (
        "Sertifikat Akreditasi",
        "Panti Werdha Mulia",
    )
    assert (facts.number, facts.state, facts.in_force) == (
        "001/AKR/32/2026",
        "active",
        True,
    )
    assert facts.issuer_name == "BALKS Provinsi Jawa Barat"
    assert facts.signature_valid is True
    content = response.content.decode()
    for shown in ("Verifikasi Sertifikat Akreditasi", "Nama lembaga", "Terakreditasi"):
        assert shown in content
    assert "tidak berlaku" not in content


def test_a_document_not_in_force_says_so(
    client: Client, accreditation: Accreditation
) -> None:
    accreditation.revoked = True

    response = client.get(public_url(accreditation.token))

    assert response.context["facts"].in_force is False
    assert "Sertifikat Akreditasi ini tidak berlaku: Dicabut." in (
        response.content.decode()
    )


def test_its_pdf_is_checked_genuine_and_a_tampered_copy_is_not(
    client: Client, accreditation: Accreditation
) -> None:
    genuine = check(client, accreditation.pdf)
    tampered = check(client, flip_byte(accreditation.pdf, marker=b"SERTIFIKAT"))

    assert genuine.status_code == 200
    assert genuine.context["check"].genuine is True
    assert genuine.context["facts"].number == accreditation.number
    assert "PDF ini adalah Sertifikat Akreditasi" in genuine.content.decode()
    assert tampered.status_code == 200
    assert tampered.context["check"].genuine is False
    assert tampered.context["facts"] is None


def test_a_document_signed_by_another_key_is_not_genuine(
    client: Client, balks: Organisation, accreditation: Accreditation
) -> None:
    # The issuing organisation's key was replaced: the old signature no longer holds.
    balks.signing_key.delete()

    response = check(client, accreditation.pdf)

    assert response.context["check"].genuine is False
    assert response.context["check"].reason == "signature"


def test_an_unknown_token_is_404(client: Client, accreditation: Any) -> None:
    assert client.get(public_url("tidak-ada")).status_code == 404


def test_the_page_is_read_only(client: Client, accreditation: Accreditation) -> None:
    assert client.post(public_url(accreditation.token)).status_code == 405


@pytest.mark.parametrize(
    "payload", [b"bukan pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"]
)
def test_anything_else_is_not_genuine(client: Client, payload: bytes) -> None:
    response = check(client, payload)

    assert response.status_code == 200
    assert response.context["check"].genuine is False
    assert response.context["check"].reason == "unknown"


def test_an_oversized_upload_is_refused(client: Client) -> None:
    response = check(client, b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)

    assert response.status_code == 400
    assert "check" not in response.context


def test_the_check_page_shows_its_form(client: Client) -> None:
    response = client.get(reverse("workflow:certificate_check"))

    assert response.status_code == 200
    assert "form" in response.context


def test_a_kind_cannot_be_registered_twice(second_kind: IssuedKind) -> None:
    other = replace(second_kind, label="Lain")

    assert kind_register(second_kind) is second_kind
    with pytest.raises(ValueError, match=CODE):
        kind_register(other)


# --- rate limits -------------------------------------------------------------------


def test_reading_the_public_page_is_rate_limited_per_ip(
    client: Client, accreditation: Accreditation
) -> None:
    url = public_url(accreditation.token)
    codes = [client.get(url, REMOTE_ADDR="10.9.9.9").status_code for _ in range(31)]

    assert codes[:30] == [200] * 30
    assert codes[30] == 429
    assert client.get(url, REMOTE_ADDR="10.9.9.10").status_code == 200


def test_uploads_are_rate_limited_per_ip(client: Client) -> None:
    codes = [check(client, b"x", ip="10.8.8.8").status_code for _ in range(11)]

    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    limited = check(client, b"x", ip="10.8.8.8")
    assert "Terlalu banyak permintaan" in limited.content.decode()
