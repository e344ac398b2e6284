"""Claims, releases and reassignments leave a trace: who, to whom, when."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task

from cases.models import Registration
from cases.services.registration import registration_submit
from tests.conftest import World
from tests.factories import upload_required_documents
from workflow.registry import open_task


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_claim_and_release_are_recorded_with_the_acting_user(
    client: Client, world: World, registration: Registration
) -> None:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    registration_submit(actor=world.operator_bogor, registration=registration)
    task = open_task(record=registration, step="verify")
    assert task is not None
    args = [task.process_id, "verify", task.pk]

    client.force_login(world.verifier_bogor)
    assert client.post(reverse("workflow:task_claim", args=args)).status_code == 302
    claimed = Task.objects.get(pk=task.pk)
    assert claimed.owner == world.verifier_bogor and claimed.assigned is not None
    assert client.post(reverse("workflow:task_release", args=args)).status_code == 302

    rows = list(Task.history.filter(id=task.pk).order_by("history_id"))
    owners = [(row.owner_id, row.status) for row in rows]
    assert (world.verifier_bogor.pk, "ASSIGNED") in owners
    assert owners[-1] == (None, "NEW")
    assert rows[-1].history_user == world.verifier_bogor


def test_the_case_timeline_shows_who_took_the_task(
    client: Client, world: World, registration: Registration
) -> None:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    registration_submit(actor=world.operator_bogor, registration=registration)
    task = open_task(record=registration, step="verify")
    assert task is not None
    client.force_login(world.verifier_bogor)
    args = [task.process_id, "verify", task.pk]
    assert client.post(reverse("workflow:task_claim", args=args)).status_code == 302
    page = client.get(reverse("cases:case_detail", args=[registration.reference]))
    body = page.content.decode()
    assert "Tugas: Verifikasi pendaftaran" in body
    assert f"Antrean → {world.verifier_bogor}" in body
