"""The Kepala Dinas sees the Tanda Registrasi as it will be issued, before signing:
unsigned, marked as a preview, with no number taken and nothing written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from cases.models import Registration, RegistrationCertificate
from cases.services.certificates import certificate_issue, certificate_preview_pdf
from tests.cases.test_certificates import approve, issue, pdf_bytes
from tests.conftest import PASSWORD, World
from tests.workflow.pdf_samples import page_text
from workflow.exceptions import NotPermitted
from workflow.issuance.models import NumberSeries, SigningKey
from workflow.issuance.pdf import PREVIEW_NUMBER, PREVIEW_WATERMARK
from workflow.models import User
from workflow.services import transition_run

State = Registration.State


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def verified(world: World, registration: Registration) -> Registration:
    record = transition_run(
        actor=world.operator_bogor, record=registration, transition="submit"
    )
    record = transition_run(
        actor=world.verifier_bogor,
        record=record,
        transition="start_verification",
        data={"receipt_number": "R-0001"},
    )
    return transition_run(
        actor=world.verifier_bogor, record=record, transition="verify"
    )


def preview_url(registration: Registration) -> str:
    return reverse("cases:certificate_preview", args=[registration.reference])


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def nothing_written() -> bool:
    return not (
        NumberSeries.objects.exists()
        or SigningKey.objects.exists()
        or RegistrationCertificate.objects.exists()
    )


# --- the service ---------------------------------------------------------------


def test_the_preview_is_marked_unsigned_and_takes_no_number(
    world: World, registration: Registration
) -> None:
    approved = approve(world, registration)
    history = approved.history.count()

    pdf = certificate_preview_pdf(actor=world.kadis_bogor, registration=approved)

    text = page_text(pdf)
    assert PREVIEW_WATERMARK in text
    assert f"Nomor: {PREVIEW_NUMBER}" in text
    assert "TD-LKS" not in text
    assert list(PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures) == []
    assert nothing_written()
    fresh = Registration.objects.get(pk=approved.pk)
    assert (fresh.state, fresh.version) == (State.APPROVED, approved.version)
    assert fresh.history.count() == history


def test_the_preview_shows_what_signing_then_issues(
    world: World, registration: Registration
) -> None:
    approved = approve(world, registration)
    preview = page_text(
        certificate_preview_pdf(actor=world.kadis_bogor, registration=approved)
    )

    certificate = certificate_issue(
        actor=world.kadis_bogor, registration=Registration.objects.get(pk=approved.pk)
    )

    issued = page_text(pdf_bytes(certificate))
    only_in_preview = set(preview.splitlines()) - set(issued.splitlines())
    only_issued = set(issued.splitlines()) - set(preview.splitlines())
    assert only_in_preview == {
        f"Nomor: {PREVIEW_NUMBER}",
        "Kode QR diberikan saat ditandatangani.",
        PREVIEW_WATERMARK,
    }
    assert f"Nomor: {certificate.number}" in only_issued
    assert len(only_issued) == 3  # the number, the QR caption and its URL


def test_a_verified_case_can_be_previewed_before_approval(
    world: World, registration: Registration
) -> None:
    case = verified(world, registration)

    pdf = certificate_preview_pdf(actor=world.kadis_bogor, registration=case)

    assert PREVIEW_WATERMARK in page_text(pdf)
    assert nothing_written()


@pytest.mark.parametrize("persona", ["verifier_bogor", "verifier_bantul", "outsider"])
def test_who_may_not_sign_may_not_preview(
    world: World, registration: Registration, persona: str
) -> None:
    approved = approve(world, registration)

    with pytest.raises(NotPermitted):
        certificate_preview_pdf(actor=getattr(world, persona), registration=approved)


def test_a_case_not_yet_verified_or_already_signed_has_no_preview(
    world: World, registration: Registration
) -> None:
    with pytest.raises(NotPermitted):
        certificate_preview_pdf(actor=world.kadis_bogor, registration=registration)

    issue(world, registration)
    signed = Registration.objects.get(pk=registration.pk)
    with pytest.raises(NotPermitted):
        certificate_preview_pdf(actor=world.kadis_bogor, registration=signed)


# --- the view ------------------------------------------------------------------


def test_the_signer_gets_the_preview_inline(
    world: World, registration: Registration
) -> None:
    approved = approve(world, registration)

    response = logged_in(world.kadis_bogor).get(preview_url(approved))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert PREVIEW_WATERMARK in page_text(body)
    assert nothing_written()


def test_who_sees_the_case_but_may_not_sign_gets_403(
    world: World, registration: Registration
) -> None:
    approved = approve(world, registration)

    response = logged_in(world.verifier_bogor).get(preview_url(approved))

    assert response.status_code == 403


def test_the_signer_gets_403_before_verification(
    world: World, registration: Registration
) -> None:
    response = logged_in(world.kadis_bogor).get(preview_url(registration))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "persona", ["verifier_bantul", "operator_other_lks", "outsider"]
)
def test_who_cannot_see_the_case_gets_404(
    world: World, registration: Registration, persona: str
) -> None:
    approved = approve(world, registration)

    response = logged_in(getattr(world, persona)).get(preview_url(approved))

    assert response.status_code == 404


def test_an_unknown_case_is_404(world: World) -> None:
    url = reverse(
        "cases:certificate_preview", args=["00000000-0000-4000-8000-000000000000"]
    )

    assert logged_in(world.kadis_bogor).get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(
    client: Client, world: World, registration: Registration
) -> None:
    response = client.get(preview_url(approve(world, registration)))

    assert response.status_code == 302


def test_the_preview_is_read_only(world: World, registration: Registration) -> None:
    approved = approve(world, registration)

    response = logged_in(world.kadis_bogor).post(preview_url(approved))

    assert response.status_code == 405
    assert nothing_written()
