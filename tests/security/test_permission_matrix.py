"""Every page and action of the registration journey, tried by everyone who
must not: the operator of another LKS, the verifier of another kabupaten, a
member of the same Dinas without the role, an OPD partner, and an anonymous
visitor. Each gets 403 or 404 (or, anonymous, the sign-in page), never the
data, and nothing changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task

from cases.models import Registration
from cases.services.registration import (
    registration_decide,
    registration_receive,
    registration_submit,
)
from cases.services.verification import document_review, field_visit_record
from tests.conftest import World
from tests.factories import upload_required_documents
from workflow.models import User
from workflow.nodes import human_task_claim, human_task_complete
from workflow.registry import open_task

INTRUDERS = [
    "operator_other_lks",
    "verifier_bantul",
    "monev_bogor",
    "opd_bintan_officer",
    "anonymous",
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def claimed(world: World, registration: Registration) -> tuple[Registration, Task]:
    """A case in verification whose verify task verifier_bogor has claimed."""
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    submitted = registration_submit(
        actor=world.operator_bogor, registration=registration
    )
    task = open_task(record=submitted, step="verify")
    assert task is not None
    human_task_claim(actor=world.verifier_bogor, task=task)
    received = registration_receive(actor=world.verifier_bogor, registration=submitted)
    return received, task


URLS = {
    "detail": "workflow:task",
    "execute": "workflow:task",
    "assign": "workflow:task_claim",
    "unassign": "workflow:task_release",
    "reassign": "workflow:task_reassign",
}


def _task(task: Task, action: str) -> str:
    args = [task.process_id, task.flow_task.name, task.pk]
    return reverse(URLS[action], args=args)


def _requests(case: Registration, task: Task) -> list[tuple[str, str, dict[str, Any]]]:
    document = case.documents.first()
    assert document is not None
    reference = case.reference
    return [
        ("get", _task(task, "detail"), {}),
        (
            "post",
            _task(task, "execute"),
            {"action": "decide", "decision": "verify", "version": case.version},
        ),
        ("post", _task(task, "unassign"), {}),
        ("post", _task(task, "reassign"), {"owner": 1}),
        ("get", reverse("cases:case_detail", args=[reference]), {}),
        ("get", reverse("cases:portal_documents", args=[reference]), {}),
        ("get", reverse("cases:portal_profile", args=[case.lks_id]), {}),
        ("get", reverse("cases:portal_board", args=[case.lks_id]), {}),
        (
            "post",
            reverse("cases:portal_submit", args=[reference]),
            {"version": case.version},
        ),
        (
            "post",
            _task(task, "execute"),
            {"action": "verdicts", f"verdict_{document.pk}": "sesuai"},
        ),
        ("get", reverse("cases:document_file", args=[reference, document.pk]), {}),
    ]


def _login(client: Client, world: World, persona: str) -> None:
    if persona != "anonymous":
        user: User = getattr(world, persona)
        client.force_login(user)


@pytest.mark.parametrize("persona", INTRUDERS)
def test_no_intruder_reads_or_changes_anything(
    client: Client, world: World, claimed: tuple[Registration, Task], persona: str
) -> None:
    case, task = claimed
    _login(client, world, persona)
    for method, url, data in _requests(case, task):
        response = getattr(client, method)(url, data)
        if response.status_code == 302:
            assert persona == "anonymous", (method, url)
            assert "/masuk/" in response["Location"], (method, url)
            continue
        assert response.status_code == 404, (
            persona,
            method,
            url,
            response.status_code,
        )
        assert case.lks.name not in response.content.decode(), (method, url)
    fresh = Registration.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (case.state, case.version)
    task.refresh_from_db()
    assert task.owner == world.verifier_bogor
    assert not case.documents.filter(reviews__isnull=False).exists()


@pytest.mark.parametrize("persona", ["verifier_bantul", "operator_other_lks"])
def test_lists_show_intruders_nothing_of_the_case(
    client: Client, world: World, claimed: tuple[Registration, Task], persona: str
) -> None:
    case = claimed[0]
    _login(client, world, persona)
    for name in ["cases:case_list", "cases:portal_dashboard"]:
        assert case.lks.name not in client.get(reverse(name)).content.decode()
    for name in ["workflow:queue", "workflow:inbox", "workflow:archive"]:
        response = client.get(reverse(name))
        assert response.status_code in {200, 403}
        assert case.lks.name not in response.content.decode()


def test_a_double_clicked_decision_moves_the_case_once(
    client: Client, world: World, claimed: tuple[Registration, Task]
) -> None:
    case, task = claimed
    client.force_login(world.verifier_bogor)
    form = {
        "action": "decide",
        "decision": "request_revision",
        "reason": "Lengkapi AD/ART",
        "version": case.version,
    }
    first = client.post(_task(task, "execute"), form)
    second = client.post(_task(task, "execute"), form)
    assert first.status_code == 302
    assert second.status_code == 403  # the task is done: nothing left to do
    assert Registration.objects.get(pk=case.pk).state == "needs_revision"
    assert case.history.filter(transition="request_revision").count() == 1


def test_a_double_clicked_approval_is_one_transition(
    client: Client, world: World, claimed: tuple[Registration, Task]
) -> None:
    case, task = claimed
    for document in case.documents.all():
        document_review(actor=world.verifier_bogor, document=document, verdict="sesuai")
    field_visit_record(
        actor=world.verifier_bogor,
        registration=case,
        visited_on=dt.date.today(),
        officers="Tim verifikasi",
        findings="Sesuai",
        outcome="sesuai",
    )
    human_task_complete(
        actor=world.verifier_bogor,
        task=task,
        action=lambda: registration_decide(
            actor=world.verifier_bogor,
            registration=Registration.objects.get(pk=case.pk),
            decision="verify",
            reason="Sesuai",
        ),
    )
    sign = open_task(record=case, step="sign")
    assert sign is not None
    client.force_login(world.kadis_bogor)
    assert client.post(_task(sign, "assign")).status_code == 302
    url = _task(sign, "execute")
    version = Registration.objects.get(pk=case.pk).version
    form = {"action": "decide", "decision": "approve", "reason": "", "version": version}
    assert client.post(url, form).status_code == 302
    # The page now offers signing, not deciding: the stale form is refused.
    assert client.post(url, form).status_code == 302
    assert Registration.objects.get(pk=case.pk).state == "approved"
    assert case.history.filter(transition="approve").count() == 1
