"""Permission matrix of the case pages: who reads, who acts, who sees nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Document, FieldVisit, Registration
from cases.services.registration import registration_receive, registration_submit
from tests.conftest import World
from tests.factories import upload_required_documents
from workflow.nodes import human_task_claim
from workflow.registry import open_task
from workflow.views.tasks import task_url

OUTSIDERS = [
    "operator_other_lks",
    "verifier_bantul",
    "monev_bogor",
    "opd_bintan_officer",
    "outsider",
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def in_verification(world: World, registration: Registration) -> Registration:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    submitted = registration_submit(
        actor=world.operator_bogor, registration=registration
    )
    task = open_task(record=submitted, step="verify")
    assert task is not None
    human_task_claim(actor=world.verifier_bogor, task=task)
    return registration_receive(actor=world.verifier_bogor, registration=submitted)


def _task_url(case: Registration) -> str:
    task = open_task(record=case, step="verify")
    assert task is not None
    return task_url(task)


def _pages(case: Registration) -> dict[str, str]:
    return {
        "detail": reverse("cases:case_detail", args=[case.reference]),
        "lks": reverse("cases:lks_detail", args=[case.lks_id]),
    }


def _writes(case: Registration) -> dict[str, dict[str, str]]:
    document = case.documents.first()
    assert document is not None
    return {
        "verdicts": {"action": "verdicts", f"verdict_{document.pk}": "sesuai"},
        "visit": {
            "action": "visit",
            "visited_on": dt.date.today().isoformat(),
            "officers": "X",
            "findings": "Y",
            "outcome": "sesuai",
        },
    }


def _nothing_recorded() -> None:
    assert not FieldVisit.objects.exists()
    assert not Document.objects.filter(reviews__isnull=False).exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_for_every_page_and_action(
    client: Client, world: World, in_verification: Registration, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    for url in _pages(in_verification).values():
        assert client.get(url).status_code == 404, url
    task = _task_url(in_verification)
    assert client.get(task).status_code == 404
    for data in _writes(in_verification).values():
        assert client.post(task, data).status_code == 404
    _nothing_recorded()
    assert (
        in_verification.lks.name
        not in client.get(reverse("cases:case_list")).content.decode()
    )


@pytest.mark.parametrize("persona", ["supervisor_jabar", "kadis_bogor"])
def test_staff_who_may_not_verify_read_the_task_but_get_403_for_actions(
    client: Client, world: World, in_verification: Registration, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    for url in _pages(in_verification).values():
        assert client.get(url).status_code == 200, url
    task = _task_url(in_verification)
    page = client.get(task)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()  # no form to work it
    for data in _writes(in_verification).values():
        assert client.post(task, data).status_code == 403
    _nothing_recorded()


def test_the_operator_reads_the_case_but_never_the_office_task(
    client: Client, world: World, in_verification: Registration
) -> None:
    client.force_login(world.operator_bogor)
    for url in _pages(in_verification).values():
        assert client.get(url).status_code == 200, url
    task = _task_url(in_verification)
    assert client.get(task).status_code == 404
    for data in _writes(in_verification).values():
        assert client.post(task, data).status_code == 404
    _nothing_recorded()


def test_anonymous_is_sent_to_sign_in(
    client: Client, in_verification: Registration
) -> None:
    task = _task_url(in_verification)
    for url in [*_pages(in_verification).values(), task]:
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"]
    for data in _writes(in_verification).values():
        assert client.post(task, data).status_code == 302
    _nothing_recorded()


def test_the_verifier_of_the_district_records_verdicts_and_the_visit(
    client: Client, world: World, in_verification: Registration
) -> None:
    client.force_login(world.verifier_bogor)
    task = _task_url(in_verification)
    assert client.get(task).status_code == 200
    for data in _writes(in_verification).values():
        assert client.post(task, data).status_code == 302
    assert FieldVisit.objects.filter(recorded_by=world.verifier_bogor).count() == 1
    assert in_verification.documents.filter(reviews__verdict="sesuai").count() == 1
    assert client.put(task).status_code == 405


def test_a_case_not_yet_received_offers_no_verdicts(
    client: Client, world: World, registration: Registration
) -> None:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    submitted = registration_submit(
        actor=world.operator_bogor, registration=registration
    )
    task = open_task(record=submitted, step="verify")
    assert task is not None
    human_task_claim(actor=world.verifier_bogor, task=task)
    client.force_login(world.verifier_bogor)
    for data in _writes(submitted).values():
        response = client.post(task_url(task), data)
        assert response.status_code == 302  # back to the page: not offered now
    _nothing_recorded()


def test_a_verdict_without_a_note_is_refused_beside_its_row(
    client: Client, world: World, in_verification: Registration
) -> None:
    client.force_login(world.verifier_bogor)
    document = in_verification.documents.first()
    assert document is not None
    response = client.post(
        _task_url(in_verification),
        {"action": "verdicts", f"verdict_{document.pk}": "tidak_sesuai"},
    )
    assert response.status_code == 400
    form = response.context["forms"]["verdicts"]
    assert form.errors[f"note_{document.pk}"]
    page = response.content.decode()
    kept = rf'name="verdict_{document.pk}" value="tidak_sesuai"[^>]*checked'
    assert re.search(kept, page)  # the choice typed is kept
    _nothing_recorded()
