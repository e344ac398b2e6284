"""The Tanda Registrasi on the engine's public page and PDF check, and the
signed download. The views' own behaviour (rate limits, 429, oversized or
foreign uploads) is tested with a second kind in tests/workflow."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Lks, RegistrationCertificate
from cases.services.certificates import certificate_expire_due
from tests.cases.test_certificates import issue, pdf_bytes
from tests.conftest import PASSWORD, World
from workflow.models import User
from workflow.services import transition_run

State = RegistrationCertificate.State


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    cache.clear()


@pytest.fixture
def certificate(world: World, registration: Any) -> RegistrationCertificate:
    Lks.objects.filter(pk=world.lks_bogor.pk).update(
        npwp="0123456789012345", address="Jl. Rahasia No. 7"
    )
    return issue(world, registration)


def public_url(certificate: RegistrationCertificate) -> str:
    return reverse("workflow:certificate_public", kwargs={"token": certificate.token})


def check(client: Client, pdf: bytes, ip: str = "10.0.0.1") -> Any:
    upload = SimpleUploadedFile("sertifikat.pdf", pdf, content_type="application/pdf")
    return client.post(
        reverse("workflow:certificate_check"), {"pdf": upload}, REMOTE_ADDR=ip
    )


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def flip_byte(pdf: bytes, *, marker: bytes) -> bytes:
    index = pdf.index(marker)
    return pdf[:index] + bytes([pdf[index] ^ 0x01]) + pdf[index + 1 :]


# --- the public page -----------------------------------------------------------


def test_it_shows_the_public_facts_and_a_valid_signature(
    client: Client, certificate: RegistrationCertificate
) -> None:
    response = client.get(public_url(certificate))

    assert response.status_code == 200
    facts = response.context["facts"]
    assert facts.state == State.ACTIVE
    assert facts.signature_valid is True
    assert facts.in_force is True
    content = response.content.decode()
    for shown in (
        "Verifikasi Tanda Registrasi",
        "Nama LKS",
        certificate.number,
        "Panti Asuhan Kasih Bogor",
        "Dinas Sosial",
        "Aktif",
    ):
        assert shown in content
    assert "tidak berlaku" not in content


def test_it_shows_no_private_data(
    client: Client, certificate: RegistrationCertificate
) -> None:
    content = client.get(public_url(certificate)).content.decode()

    for private in ("0123456789012345", "12.345.678.9-012.345", "Jl. Rahasia"):
        assert private not in content


def test_an_unknown_token_is_404(client: Client, certificate: Any) -> None:
    response = client.get(reverse("workflow:certificate_public", args=["tidak-ada"]))

    assert response.status_code == 404


def test_the_page_is_read_only(
    client: Client, certificate: RegistrationCertificate
) -> None:
    assert client.post(public_url(certificate)).status_code == 405


def test_an_expired_certificate_shows_as_expired(
    client: Client, certificate: RegistrationCertificate
) -> None:
    certificate_expire_due(today=certificate.valid_until + dt.timedelta(days=1))

    response = client.get(public_url(certificate))

    assert response.context["facts"].state == State.EXPIRED
    assert response.context["facts"].in_force is False
    assert "Tanda Registrasi ini tidak berlaku" in response.content.decode()


def test_a_certificate_past_its_date_shows_expired_before_the_job_runs(
    client: Client, certificate: RegistrationCertificate
) -> None:
    past = certificate.issued_on - dt.timedelta(days=1)
    RegistrationCertificate.objects.filter(pk=certificate.pk).update(valid_until=past)

    response = client.get(public_url(certificate))

    assert response.context["facts"].state == State.EXPIRED
    fresh = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert fresh.state == State.ACTIVE


def test_a_suspended_certificate_shows_as_suspended(
    client: Client, world: World, certificate: RegistrationCertificate
) -> None:
    transition_run(
        actor=world.kadis_bogor,
        record=certificate,
        transition="suspend",
        reason="Temuan kritis monev",
    )

    response = client.get(public_url(certificate))

    assert response.context["facts"].state == State.SUSPENDED


def test_a_stored_pdf_altered_behind_the_apps_back_fails_the_signature_check(
    client: Client, certificate: RegistrationCertificate
) -> None:
    original = pdf_bytes(certificate)
    Path(certificate.pdf.path).write_bytes(flip_byte(original, marker=b"TANDA"))

    response = client.get(public_url(certificate))

    assert response.context["facts"].signature_valid is False


def test_the_signature_verdict_is_cached(
    client: Client, certificate: RegistrationCertificate
) -> None:
    client.get(public_url(certificate))
    # Altered after the first check: the cached verdict still answers.
    Path(certificate.pdf.path).write_bytes(b"gone")

    response = client.get(public_url(certificate))

    assert response.context["facts"].signature_valid is True


# --- the upload check ------------------------------------------------------------


def test_the_genuine_pdf_is_confirmed_genuine(
    client: Client, certificate: RegistrationCertificate
) -> None:
    response = check(client, pdf_bytes(certificate))

    assert response.status_code == 200
    assert response.context["check"].genuine is True
    assert response.context["facts"].number == certificate.number


def test_a_tampered_pdf_is_not_genuine(
    client: Client, certificate: RegistrationCertificate
) -> None:
    tampered = flip_byte(pdf_bytes(certificate), marker=b"TANDA REGISTRASI")

    response = check(client, tampered)

    assert response.status_code == 200
    assert response.context["check"].genuine is False
    assert response.context["facts"] is None


# --- the download ------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["operator_bogor", "verifier_bogor", "kadis_bogor", "supervisor_jabar"]
)
def test_who_may_view_the_certificate_downloads_the_signed_pdf(
    world: World, certificate: RegistrationCertificate, persona: str
) -> None:
    client = logged_in(getattr(world, persona))

    response = client.get(
        reverse("cases:certificate_download", args=[certificate.token])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256


@pytest.mark.parametrize(
    "persona",
    ["operator_other_lks", "verifier_bantul", "opd_bintan_officer", "outsider"],
)
def test_the_download_is_404_outside_ones_scope(
    world: World, certificate: RegistrationCertificate, persona: str
) -> None:
    client = logged_in(getattr(world, persona))

    response = client.get(
        reverse("cases:certificate_download", args=[certificate.token])
    )

    assert response.status_code == 404


def test_the_download_asks_an_anonymous_visitor_to_sign_in(
    client: Client, certificate: RegistrationCertificate
) -> None:
    response = client.get(
        reverse("cases:certificate_download", args=[certificate.token])
    )

    assert response.status_code == 302
