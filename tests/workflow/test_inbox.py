"""The staff task inbox: scoped lists, claim / release / reassign, filters, counts,
pagination, and a number of queries that does not grow with the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.flows import RegistrationFlow
from cases.models import Registration
from cases.services.registration import registration_create, registration_submit
from tests.conftest import World
from tests.factories import (
    LksFactory,
    UserFactory,
    region,
    upload_required_documents,
)
from workflow.inbox import task_list
from workflow.models import Membership, Role, TaskDeadline, User
from workflow.nodes import is_office_staff, staff_roles
from workflow.registry import processes
from workflow.services import membership_deactivate, membership_grant

QUEUE = "workflow:queue"
INBOX = "workflow:inbox"
ACTIONS = {
    "index": "workflow:task",
    "detail": "workflow:task",
    "assign": "workflow:task_claim",
    "unassign": "workflow:task_release",
    "reassign": "workflow:task_reassign",
}
VERIFY_KIND = "RegistrationFlow.verify"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _submitted_case(world: World) -> Registration:
    """A new Bogor LKS with its own operator, its file submitted."""
    lks = LksFactory.create()
    operator = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=operator,
        organisation=lks.organisation,
        role=Role.OPERATOR,
    )
    registration = registration_create(
        actor=operator, lks=lks, kind=Registration.Kind.FIRST
    )
    upload_required_documents(registration=registration, actor=operator)
    return registration_submit(actor=operator, registration=registration)


def _verify_task(registration: Registration) -> Task:
    return Task.objects.get(
        process__registrationprocess__registration=registration,
        flow_task=RegistrationFlow.verify,
    )


def _queue_tasks(world: World, count: int) -> list[Task]:
    return [_verify_task(_submitted_case(world)) for _ in range(count)]


def _url(task: Task, action: str) -> str:
    args = [task.process_id, task.flow_task.name, task.pk]
    return reverse(ACTIONS[action], args=args)


def _member(world: World, role: str, username: str) -> User:
    user = UserFactory.create(username=username)
    membership_grant(
        actor=world.root, user=user, organisation=world.dinsos_bogor, role=role
    )
    return user


def _rows(response: Any) -> list[Task]:
    return list(response.context["page"])


def _counts(response: Any) -> dict[str, int]:
    """The menu's counts, by list URL name."""
    names = {reverse(INBOX): "inbox", reverse(QUEUE): "queue"}
    names[reverse("workflow:supervised")] = "supervised"
    counts = {"inbox": 0, "queue": 0, "supervised": 0}
    for item in response.context["menu"]:
        if item.url in names:
            counts[names[item.url]] = item.count
    return counts


def _list(client: Client, user: User, name: str = QUEUE, **params: Any) -> Any:
    client.force_login(user)
    return client.get(reverse(name), params)


def _set(task: Task, **fields: object) -> None:
    """Change a task as viewflow does: through ``save()``, which the deadline's
    copy of status and owner follows."""
    for name, value in fields.items():
        setattr(task, name, value)
    task.save()


def _assign_all(tasks: list[Task], user: User) -> None:
    for task in tasks:
        _set(task, owner=user, status=STATUS.ASSIGNED)


@pytest.fixture
def task(world: World) -> Task:
    return _queue_tasks(world, 1)[0]


# Who sees what.


def test_queue_shows_the_office_task_to_its_verifiers(
    world: World, task: Task, client: Client
) -> None:
    response = _list(client, world.verifier_bogor)
    assert response.status_code == 200
    assert _rows(response) == [task]
    assert _url(task, "index") in response.content.decode()


@pytest.mark.parametrize("persona", ["verifier_bantul", "kadis_bogor"])
def test_queue_hides_the_task_from_other_districts_and_roles(
    world: World, task: Task, client: Client, persona: str
) -> None:
    response = _list(client, getattr(world, persona))
    assert response.status_code == 200
    assert _rows(response) == []


def test_queue_is_closed_to_staff_without_an_inbox_role(
    world: World, task: Task, client: Client
) -> None:
    assert _list(client, world.monev_bogor).status_code == 403
    assert not task_list(user=world.monev_bogor, which="queue").exists()


def test_queue_empties_on_the_request_after_the_membership_ends(
    world: World, task: Task, client: Client
) -> None:
    assert _rows(_list(client, world.verifier_bogor)) == [task]
    membership = Membership.objects.get(
        user=world.verifier_bogor, organisation_role__role=Role.VERIFIER
    )
    membership_deactivate(actor=world.root, membership=membership, reason="moved")
    assert client.get(reverse(QUEUE)).status_code == 403
    assert not task_list(user=world.verifier_bogor, which="queue")


def test_the_staff_home_is_the_inbox(world: World, client: Client) -> None:
    client.force_login(world.verifier_bogor)
    assert reverse(INBOX) == "/staf/"
    response = client.get("/staf/")
    assert response.status_code == 200
    assert "<title>Tugas saya · Pilar</title>" in response.content.decode()


# Claim, release, reassign.


def test_it_refuses_a_claim_by_the_verifier_of_another_district(
    world: World, task: Task, client: Client
) -> None:
    client.force_login(world.verifier_bantul)
    assert client.post(_url(task, "assign")).status_code == 404
    assert client.get(_url(task, "index")).status_code == 404
    task.refresh_from_db()
    assert task.owner_id is None and task.status == STATUS.NEW


def test_a_double_claim_leaves_one_owner(
    world: World, task: Task, client: Client
) -> None:
    second = _member(world, Role.VERIFIER, "verifier_bogor_2")
    client.force_login(world.verifier_bogor)
    assert client.post(_url(task, "assign")).status_code == 302
    # A double click lands on the task the user already holds.
    assert client.post(_url(task, "assign")).status_code == 302
    client.force_login(second)
    assert client.post(_url(task, "assign")).status_code == 403
    task.refresh_from_db()
    assert task.owner == world.verifier_bogor and task.status == STATUS.ASSIGNED


def test_the_owner_releases_the_task_to_the_queue(
    world: World, task: Task, client: Client
) -> None:
    client.force_login(world.verifier_bogor)
    client.post(_url(task, "assign"))
    assert client.post(_url(task, "unassign")).status_code == 302
    task.refresh_from_db()
    assert task.owner_id is None and task.status == STATUS.NEW
    assert _rows(client.get(reverse(QUEUE))) == [task]


def test_another_verifier_cannot_release_the_task(
    world: World, task: Task, client: Client
) -> None:
    second = _member(world, Role.VERIFIER, "verifier_bogor_2")
    client.force_login(world.verifier_bogor)
    client.post(_url(task, "assign"))
    client.force_login(second)
    assert client.post(_url(task, "unassign")).status_code == 403
    task.refresh_from_db()
    assert task.owner == world.verifier_bogor


def test_the_office_supervisor_reassigns_the_task(
    world: World, task: Task, client: Client
) -> None:
    second = _member(world, Role.VERIFIER, "verifier_bogor_2")
    supervisor = _member(world, Role.SUPERVISOR, "supervisor_bogor")
    client.force_login(world.verifier_bogor)
    client.post(_url(task, "assign"))

    client.force_login(supervisor)
    page = client.get(_url(task, "reassign"))
    assert page.status_code == 200
    choices = list(page.context["form"].fields["owner"].queryset)
    assert choices == [second]  # the office's other verifiers only
    refused = client.post(_url(task, "reassign"), {"owner": world.verifier_bantul.pk})
    assert refused.status_code == 400  # not a choice: the form is shown again
    assert client.post(_url(task, "reassign"), {"owner": second.pk}).status_code == 302
    task.refresh_from_db()
    assert task.owner == second and task.status == STATUS.ASSIGNED


def test_the_office_tasks_list_leads_the_supervisor_to_reassign(
    world: World, task: Task, client: Client
) -> None:
    supervisor = _member(world, Role.SUPERVISOR, "supervisor_bogor")
    response = _list(client, supervisor, "workflow:supervised")
    assert _rows(response) == [task]
    assert _counts(response)["supervised"] == 1
    client.force_login(world.verifier_bogor)
    client.post(_url(task, "assign"))
    client.force_login(supervisor)
    detail = client.get(_url(task, "detail")).content.decode()
    assert _url(task, "reassign") in detail


def test_the_owner_cannot_reassign_the_task(
    world: World, task: Task, client: Client
) -> None:
    second = _member(world, Role.VERIFIER, "verifier_bogor_2")
    client.force_login(world.verifier_bogor)
    client.post(_url(task, "assign"))
    assert (
        _url(task, "reassign") not in client.get(_url(task, "detail")).content.decode()
    )
    assert client.get(_url(task, "reassign")).status_code == 403
    assert client.post(_url(task, "reassign"), {"owner": second.pk}).status_code == 403
    task.refresh_from_db()
    assert task.owner == world.verifier_bogor


def test_viewflow_frontend_is_not_served(
    world: World, task: Task, client: Client
) -> None:
    for name in ("process_cancel", "process_detail", "index", "tasks_assign"):
        with pytest.raises(NoReverseMatch):
            reverse(f"registration:{name}")
    client.force_login(world.verifier_bogor)
    assert client.get(f"/staf/registration/{task.process_id}/").status_code == 404


# Lists: inbox, archive, filters, counts, pagination.


def test_the_inbox_and_the_archive_hold_the_users_own_tasks(
    world: World, client: Client
) -> None:
    mine, done, other = _queue_tasks(world, 3)
    _assign_all([mine, done], world.verifier_bogor)
    _set(done, status=STATUS.DONE, finished=timezone.now())
    assert _rows(_list(client, world.verifier_bogor, INBOX)) == [mine]
    assert _rows(_list(client, world.verifier_bogor, "workflow:archive")) == [done]
    assert _rows(_list(client, world.verifier_bogor)) == [other]
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    TaskDeadline.objects.filter(task=done).update(due_date=week_ago)
    late = _list(client, world.verifier_bogor, "workflow:archive", overdue="1")
    assert _rows(late) == [done]
    assert "Terlambat" in late.content.decode()


def test_the_menu_counts_the_inbox_and_the_queue(world: World, client: Client) -> None:
    tasks = _queue_tasks(world, 3)
    _assign_all(tasks[:1], world.verifier_bogor)
    counts = _counts(_list(client, world.verifier_bogor))
    assert counts == {"inbox": 1, "queue": 2, "supervised": 0}
    counts = _counts(_list(client, world.verifier_bantul))
    assert counts == {"inbox": 0, "queue": 0, "supervised": 0}


def test_the_queue_filters_by_kind_region_state_and_overdue(
    world: World, client: Client
) -> None:
    late, elsewhere, fresh = _queue_tasks(world, 3)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    TaskDeadline.objects.filter(task=late).update(due_date=yesterday)
    TaskDeadline.objects.filter(task=elsewhere).update(region=region("32.71"))
    user = world.verifier_bogor

    assert len(_rows(_list(client, user, kind=VERIFY_KIND))) == 3
    assert _rows(_list(client, user, kind="RegistrationFlow.sign")) == []
    assert _rows(_list(client, user, kind="nonsense")) == []
    kota_bogor = region("32.71").pk
    assert _rows(_list(client, user, region=kota_bogor)) == [elsewhere]
    assert _rows(_list(client, user, region=region("34.02").pk)) == []
    assert len(_rows(_list(client, user, state=Registration.State.SUBMITTED))) == 3
    assert _rows(_list(client, user, state=Registration.State.VERIFIED)) == []
    overdue = _list(client, user, overdue="1")
    assert _rows(overdue) == [late]
    assert "Lewat tenggat" in overdue.content.decode()
    assert late not in _rows(_list(client, user, overdue="0"))
    assert fresh in _rows(_list(client, user, overdue="0"))


def test_the_queue_pages_by_25_and_keeps_its_filters(
    world: World, client: Client
) -> None:
    _queue_tasks(world, 27)
    first = _list(client, world.verifier_bogor, kind=VERIFY_KIND)
    assert len(_rows(first)) == 25
    assert f"kind={VERIFY_KIND}&amp;page=2" in first.content.decode()
    second = _list(client, world.verifier_bogor, kind=VERIFY_KIND, page=2)
    assert len(_rows(second)) == 2


# A constant number of queries per page.


def _queries(client: Client, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(captured)


def test_list_pages_take_the_same_queries_at_5_and_at_50_tasks(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(world.verifier_bogor)
    tasks = _queue_tasks(world, 5)
    queue_at_5 = _queries(client, QUEUE)
    _assign_all(tasks, world.verifier_bogor)
    inbox_at_5 = _queries(client, INBOX)

    tasks += _queue_tasks(world, 45)
    with django_assert_num_queries(queue_at_5):
        assert len(_rows(client.get(reverse(QUEUE)))) == 25
    _assign_all(tasks, world.verifier_bogor)
    with django_assert_num_queries(inbox_at_5):
        assert len(_rows(client.get(reverse(INBOX)))) == 25
    print(f"queries per page: queue {queue_at_5}, inbox {inbox_at_5}")


def test_anonymous_visitors_of_the_staff_pages_are_sent_to_sign_in(
    client: Client, db: None
) -> None:
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=" + reverse(QUEUE)


def test_a_task_url_that_does_not_match_its_task_is_404(
    world: World, task: Task, client: Client
) -> None:
    client.force_login(world.verifier_bogor)
    assert client.get(_url(task, "index")).status_code == 200
    wrong = [
        [task.process_id + 1000, task.flow_task.name, task.pk],  # another process
        [task.process_id, "sign", task.pk],  # another step
        [task.process_id, "nonsense", task.pk],
        [task.process_id, task.flow_task.name, task.pk + 1000],  # no such task
    ]
    for args in wrong:
        assert client.get(reverse("workflow:task", args=args)).status_code == 404
        assert client.post(reverse("workflow:task_claim", args=args)).status_code == 404
    task.refresh_from_db()
    assert task.owner_id is None


def test_the_inbox_is_for_the_roles_the_flows_name(world: World) -> None:
    assert processes.acting_roles() == {Role.VERIFIER, Role.SIGNER}
    assert staff_roles() == {Role.VERIFIER, Role.SIGNER, Role.SUPERVISOR}
    assert is_office_staff(world.kadis_bogor)
    assert not is_office_staff(world.monev_bogor)
    assert not is_office_staff(world.operator_bogor)
