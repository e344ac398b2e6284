"""The registration journey through the services and the staff task pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.flows import RegistrationFlow
from cases.models import Document, Registration
from cases.services.registration import IncompleteRegistration, registration_submit
from tests.conftest import World
from tests.factories import upload_required_documents
from workflow.calendar import add_working_days

State = Registration.State
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def upload_all(registration: Registration, user: Any, round_: int = 1) -> None:
    upload_required_documents(registration=registration, actor=user, round_=round_)


def open_task(registration: Registration, node: Any) -> Task:
    return Task.objects.get(
        process__registrationprocess__registration=registration,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


URLS = {"assign": "workflow:task_claim", "execute": "workflow:task"}


def task_url(task: Task, action: str) -> str:
    args = [task.process_id, task.flow_task.name, task.pk]
    return reverse(URLS[action], args=args)


def fresh(registration: Registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def test_submit_refuses_an_incomplete_file_and_names_what_is_missing(
    world: World, registration: Registration
) -> None:
    with pytest.raises(IncompleteRegistration) as refused:
        registration_submit(actor=world.operator_bogor, registration=registration)
    assert "AD/ART" in str(refused.value)
    assert fresh(registration).state == State.DRAFT
    assert not Task.objects.exists()


def test_submit_puts_a_verify_task_with_a_due_date_in_the_office_queue(
    world: World, registration: Registration
) -> None:
    upload_all(registration, world.operator_bogor)
    registration_submit(actor=world.operator_bogor, registration=registration)
    task = open_task(registration, RegistrationFlow.verify)
    assert task.status == STATUS.NEW and task.owner_id is None
    deadline = task.deadline
    assert deadline.office == world.dinsos_bogor
    assert deadline.budget_days == 14
    assert deadline.due_date == add_working_days(deadline.started_on, 14)


def _claim(client: Client, task: Task) -> Any:
    return client.post(task_url(task, "assign"))


def _verdicts(registration: Registration, verdict: str, note: str = "") -> dict:
    data = {"action": "verdicts"}
    for document in Document.objects.filter(registration=registration):
        latest = registration.documents.filter(document_type=document.document_type)
        if document == latest.order_by("-version").first():
            data[f"verdict_{document.pk}"] = verdict
            data[f"note_{document.pk}"] = note
    return data


def test_the_whole_journey_through_the_staff_pages(
    world: World, registration: Registration, client: Client
) -> None:
    upload_all(registration, world.operator_bogor)
    registration_submit(actor=world.operator_bogor, registration=registration)

    # Another district's verifier does not even see the task.
    task = open_task(registration, RegistrationFlow.verify)
    client.force_login(world.verifier_bantul)
    assert _claim(client, task).status_code == 404
    assert open_task(registration, RegistrationFlow.verify).owner_id is None

    client.force_login(world.verifier_bogor)
    assert _claim(client, task).status_code == 302
    task.refresh_from_db()
    assert task.owner == world.verifier_bogor
    execute = task_url(task, "execute")
    assert client.get(execute).status_code == 200
    version = fresh(registration).version
    client.post(execute, {"action": "receive", "version": version})
    assert fresh(registration).state == State.IN_VERIFICATION
    assert fresh(registration).receipt_number.startswith("32.01-")

    # Mark one document "tidak sesuai", ask for revision.
    bad = registration.documents.order_by("pk").first()
    assert bad is not None
    marked = client.post(
        execute,
        {
            "action": "verdicts",
            f"verdict_{bad.pk}": "tidak_sesuai",
            f"note_{bad.pk}": "Belum ditandatangani ketua",
        },
    )
    assert marked.status_code == 302 and marked["Location"].endswith("#dokumen")
    response = client.post(
        execute,
        {
            "action": "decide",
            "decision": "request_revision",
            "reason": "AD/ART belum ditandatangani",
            "version": fresh(registration).version,
        },
    )
    assert response.status_code == 302
    assert fresh(registration).state == State.NEEDS_REVISION
    assert open_task(registration, RegistrationFlow.revise)

    # The LKS cannot resubmit until the bad document is replaced.
    with pytest.raises(IncompleteRegistration):
        registration_submit(
            actor=world.operator_bogor, registration=fresh(registration)
        )
    upload_all(fresh(registration), world.operator_bogor, round_=2)  # version 2
    registration_submit(actor=world.operator_bogor, registration=fresh(registration))
    assert fresh(registration).state == State.SUBMITTED

    # Second round: the verifier receives, checks every document, visits, verifies.
    task = open_task(registration, RegistrationFlow.verify)
    assert _claim(client, task).status_code == 302
    execute = task_url(task, "execute")
    client.post(execute, {"action": "receive", "version": fresh(registration).version})
    typed = "Semua lengkap, saya kira"
    refused = client.post(
        execute,
        {
            "action": "decide",
            "decision": "verify",
            "reason": typed,
            "version": fresh(registration).version,
        },
    )
    assert refused.status_code == 400
    assert fresh(registration).state == State.IN_VERIFICATION
    page = refused.content.decode()
    assert typed in page  # what was typed is kept
    blockers = page.count("Dokumen belum dinyatakan sesuai")
    # Each reason shows twice: in the summary and beside the decision field.
    assert blockers > 0 and blockers % 2 == 0
    assert client.post(execute, _verdicts(registration, "sesuai")).status_code == 302
    visit = client.post(
        execute,
        {
            "action": "visit",
            "visited_on": dt.date.today().isoformat(),
            "officers": "Andi Wijaya, Rina Marlina",
            "findings": "Sarana sesuai berkas; 25 anak asuh.",
            "outcome": "sesuai",
        },
    )
    assert visit.status_code == 302
    client.post(
        execute,
        {
            "action": "decide",
            "decision": "verify",
            "reason": "Lengkap",
            "version": fresh(registration).version,
        },
    )
    assert fresh(registration).state == State.VERIFIED
    sign_task = open_task(registration, RegistrationFlow.sign)
    case = reverse("cases:case_detail", args=[registration.reference])
    assert client.get(case).status_code == 200

    # The verifier sees the sign task but cannot claim it; the Kepala Dinas can.
    assert _claim(client, sign_task).status_code == 403
    client.force_login(world.kadis_bogor)
    assert _claim(client, sign_task).status_code == 302
    sign = task_url(sign_task, "execute")
    client.post(
        sign,
        {
            "action": "decide",
            "decision": "approve",
            "reason": "",
            "version": fresh(registration).version,
        },
    )
    assert fresh(registration).state == State.APPROVED
    unconfirmed = client.post(
        sign, {"action": "sign", "version": fresh(registration).version}
    )
    assert unconfirmed.status_code == 400
    assert fresh(registration).state == State.APPROVED
    response = client.post(
        sign,
        {"action": "sign", "confirm": "on", "version": fresh(registration).version},
    )
    assert response.status_code == 302
    assert fresh(registration).state == State.CERTIFICATE_ISSUED
    number = fresh(registration).certificate.number
    assert number.endswith(f"/{dt.date.today().year}")
    assert number in client.get(case).content.decode()
