"""The Django admin shows stateful records but cannot change or delete them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from simple_history.models import HistoricalChanges
from viewflow.workflow.models import Process, Task

import cases.admin
import workflow.admin
from cases.models import Lks, Registration, RegistrationCertificate
from cases.services.registration import registration_create, registration_submit
from tests.cases.test_certificates import issue
from tests.conftest import World
from tests.factories import upload_required_documents
from workflow.admin import ReadOnlyAdmin
from workflow.models import Membership, Organisation, Region, User

STATEFUL: list[type[Model]] = [
    Task,
    Process,
    Registration,
    RegistrationCertificate,
    Membership,
    Lks,
    Region,
]
# Reference data an administrator keeps up to date.
EDITABLE: set[type[Model]] = {User, Organisation, Group, EmailAddress}


def _url(model: type[Model], view: str, *args: Any) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.fixture
def records(
    world: World, registration: Registration, settings: Any, tmp_path: Path
) -> dict[type[Model], Model]:
    settings.MEDIA_ROOT = tmp_path
    certificate = issue(world, registration)
    # A case submitted through its service runs in a viewflow process.
    other = registration_create(
        actor=world.operator_other_lks,
        lks=world.lks_bogor_other,
        kind=Registration.Kind.FIRST,
    )
    upload_required_documents(registration=other, actor=world.operator_other_lks)
    registration_submit(actor=world.operator_other_lks, registration=other)
    task = Task.objects.order_by("pk").first()
    assert task is not None
    return {
        Task: task,
        Process: task.process,
        Registration: certificate.registration,
        RegistrationCertificate: certificate,
        Membership: Membership.objects.order_by("pk").first(),
        Lks: certificate.lks,
        Region: certificate.lks.region,
    }


@pytest.fixture
def superuser(client: Client, world: World) -> Client:
    client.force_login(world.root)
    return client


def _counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in STATEFUL}


@pytest.mark.parametrize("model", STATEFUL, ids=lambda m: m._meta.label)
def test_a_superuser_sees_but_cannot_change(
    superuser: Client, records: dict[type[Model], Model], model: type[Model]
) -> None:
    record = records[model]
    before = _counts()
    change = superuser.get(_url(model, "change", record.pk))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    body = change.content.decode()
    assert 'name="_save"' not in body and 'name="_continue"' not in body
    assert superuser.post(_url(model, "change", record.pk), {}).status_code == 403
    assert superuser.get(_url(model, "delete", record.pk)).status_code == 403
    assert (
        superuser.post(_url(model, "delete", record.pk), {"post": "yes"}).status_code
        == 403
    )
    assert superuser.get(_url(model, "add")).status_code == 403
    assert superuser.post(_url(model, "add"), {}).status_code == 403
    changelist = superuser.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["action_form"] is None
    assert "delete_selected" not in changelist.content.decode()
    bulk = superuser.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert _counts() == before


def test_a_task_page_in_the_admin_has_no_field_to_edit(
    superuser: Client, records: dict[type[Model], Model]
) -> None:
    task = records[Task]
    body = superuser.get(_url(Task, "change", task.pk)).content.decode()
    for field in ("owner", "owner_permission", "status", "token"):
        assert f'name="{field}"' not in body
    process = superuser.get(_url(Process, "change", records[Process].pk))
    assert process.status_code == 200
    assert 'name="task_set-0-status"' not in process.content.decode()


def test_every_stateful_or_history_admin_is_read_only() -> None:
    for model, model_admin in admin.site._registry.items():
        history = issubclass(model, HistoricalChanges)
        if history or model not in EDITABLE:
            assert isinstance(model_admin, ReadOnlyAdmin), model._meta.label
    for model in STATEFUL:
        assert isinstance(admin.site._registry[model], ReadOnlyAdmin), model
    history_models = [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    assert history_models  # the walk above would pass vacuously otherwise


def test_reference_data_stays_editable(superuser: Client, world: World) -> None:
    organisation = world.dinsos_bogor
    page = superuser.get(_url(Organisation, "change", organisation.pk))
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    user_page = superuser.get(_url(User, "change", world.verifier_bogor.pk))
    assert 'name="_save"' in user_page.content.decode()


def test_one_read_only_admin_class() -> None:
    assert cases.admin.ReadOnlyAdmin is workflow.admin.ReadOnlyAdmin
