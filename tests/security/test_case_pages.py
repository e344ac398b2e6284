"""Permission matrix of the case pages: who reads, who acts, who sees nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Document, FieldVisit, Registration
from cases.services.registration import registration_receive, registration_submit
from tests.conftest import World
from tests.factories import upload_required_documents

OUTSIDERS = ["operator_other_lks", "verifier_bantul", "opd_bintan_officer", "outsider"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def in_verification(world: World, registration: Registration) -> Registration:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    submitted = registration_submit(
        actor=world.operator_bogor, registration=registration
    )
    return registration_receive(actor=world.verifier_bogor, registration=submitted)


def _pages(case: Registration) -> dict[str, str]:
    return {
        "detail": reverse("cases:case_detail", args=[case.reference]),
        "lks": reverse("cases:lks_detail", args=[case.lks_id]),
    }


def _writes(case: Registration) -> dict[str, tuple[str, dict[str, str]]]:
    document = case.documents.first()
    assert document is not None
    return {
        "review": (
            reverse("cases:document_review", args=[case.reference, document.pk]),
            {"verdict": "sesuai", "note": ""},
        ),
        "visit": (
            reverse("cases:field_visit", args=[case.reference]),
            {
                "visited_on": dt.date.today().isoformat(),
                "officers": "X",
                "findings": "Y",
                "outcome": "sesuai",
            },
        ),
    }


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_for_every_page_and_action(
    client: Client, world: World, in_verification: Registration, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    for url in _pages(in_verification).values():
        assert client.get(url).status_code == 404, url
    for url, data in _writes(in_verification).values():
        assert client.post(url, data).status_code == 404, url
    assert not FieldVisit.objects.exists()
    assert not Document.objects.filter(reviews__isnull=False).exists()
    assert (
        in_verification.lks.name
        not in client.get(reverse("cases:case_list")).content.decode()
    )


@pytest.mark.parametrize(
    "persona", ["operator_bogor", "supervisor_jabar", "kadis_bogor"]
)
def test_readers_who_may_not_verify_get_403_for_actions(
    client: Client, world: World, in_verification: Registration, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    for url in _pages(in_verification).values():
        assert client.get(url).status_code == 200, url
    for url, data in _writes(in_verification).values():
        assert client.post(url, data).status_code == 403, url
    assert not FieldVisit.objects.exists()


def test_anonymous_is_sent_to_sign_in(
    client: Client, in_verification: Registration
) -> None:
    for url in _pages(in_verification).values():
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"]
    for url, data in _writes(in_verification).values():
        assert client.post(url, data).status_code == 302
    assert not FieldVisit.objects.exists()


def test_the_verifier_of_the_district_acts_and_get_is_refused(
    client: Client, world: World, in_verification: Registration
) -> None:
    client.force_login(world.verifier_bogor)
    writes = _writes(in_verification)
    for url, _data in writes.values():
        assert client.get(url).status_code == 405
    for url, data in writes.values():
        assert client.post(url, data).status_code == 302
    assert FieldVisit.objects.filter(recorded_by=world.verifier_bogor).count() == 1
    assert in_verification.documents.filter(reviews__verdict="sesuai").count() == 1


def test_a_case_not_in_verification_refuses_reviews(
    client: Client, world: World, registration: Registration
) -> None:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    client.force_login(world.verifier_bogor)
    url, data = _writes(registration)["visit"]
    client.post(url, data)
    assert not FieldVisit.objects.exists()
