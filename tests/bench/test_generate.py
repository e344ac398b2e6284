"""The synthetic nation of ``make bench``: generated in bulk, yet the same rows
the services write (the audit chain verifies, queues and grants work)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task

from bench.nation import CASES_PER_LKS, LKS_FULL, Report, nation_generate
from cases.models import Lks, Registration
from cases.selectors import registration_list_for_user
from workflow.inbox import task_list
from workflow.models import Membership, Organisation, Role, User

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="bulk COPY needs PostgreSQL"
    ),
]

# 100 LKS, 400 cases, about 2,000 tasks and 10,000 history rows.
SCALE = 0.002
LKS = round(LKS_FULL * SCALE)
CASES = LKS * CASES_PER_LKS


@pytest.fixture
def nation(transactional_db: None) -> Report:
    return nation_generate(scale=SCALE)


def _member(organisation: Organisation, role: str) -> User:
    membership = (
        Membership.objects.filter(
            organisation_role__organisation=organisation,
            organisation_role__role=role,
        )
        .select_related("user")
        .first()
    )
    assert membership is not None
    return membership.user


def _office_with_queue() -> Organisation:
    """An office with unclaimed verification tasks."""
    task = (
        Task.objects.filter(status="NEW", deadline__role=Role.VERIFIER)
        .select_related("deadline__office")
        .first()
    )
    assert task is not None
    return task.deadline.office


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_follow_the_scale(nation: Report) -> None:
    rows = nation.rows
    offices = Organisation.objects.filter(kind=Organisation.Kind.DINSOS_REGENCY)
    assert offices.count() == 514
    assert rows["cases_lks"] == LKS
    assert rows["cases_registration"] == CASES
    assert rows["viewflow_process"] == CASES
    assert rows["cases_registrationprocess"] == CASES
    # Eleven grants per case, six per LKS (as registration_create and
    # lks_access_grant make them).
    assert rows["cases_registrationgroupobjectpermission"] == 11 * CASES
    assert rows["cases_lksgroupobjectpermission"] == 6 * LKS
    tasks = rows["viewflow_task"]
    assert 4.5 * CASES < tasks < 6 * CASES
    open_tasks = Task.objects.filter(status__in=["NEW", "ASSIGNED"]).count()
    assert 0.02 * tasks < open_tasks < 0.08 * tasks
    human = Task.objects.filter(flow_task_type="HUMAN").count()
    assert rows["workflow_taskdeadline"] == human
    # Each deadline's copy of its task's status and owner is true.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM workflow_taskdeadline d"
            " JOIN viewflow_task t ON t.id = d.task_id"
            " WHERE d.status <> t.status OR d.owner_id IS DISTINCT FROM t.owner_id"
        )
        assert cursor.fetchone() == (0,)
    histories = [n for table, n in rows.items() if "_historical" in table]
    assert sum(histories) > 15 * CASES
    issued = Registration.objects.filter(state="certificate_issued").count()
    assert issued > CASES / 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_verify_audit_passes_on_the_generated_history(nation: Report) -> None:
    out = StringIO()

    call_command("verify_audit", stdout=out, stderr=StringIO())

    assert "Audit trail intact." in out.getvalue()
    assert (
        f"cases.HistoricalRegistration: {nation.rows['cases_historicalregistration']}"
        in out.getvalue()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_verifier_queues_exactly_their_office_s_unclaimed_tasks(
    nation: Report, client: Client
) -> None:
    office = _office_with_queue()
    verifier = _member(office, Role.VERIFIER)
    expected = set(
        Task.objects.filter(
            status="NEW",
            owner__isnull=True,
            deadline__office=office,
            deadline__role=Role.VERIFIER,
        ).values_list("pk", flat=True)
    )

    queue = set(task_list(user=verifier, which="queue").values_list("pk", flat=True))

    assert queue == expected
    assert expected
    client.force_login(verifier)
    assert client.get(reverse("workflow:queue")).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_verifier_of_another_office_does_not_see_that_queue(
    nation: Report,
) -> None:
    office = _office_with_queue()
    other = Organisation.objects.filter(kind=Organisation.Kind.DINSOS_REGENCY).exclude(
        pk=office.pk
    )
    stranger = _member(other.order_by("pk").first(), Role.VERIFIER)  # type: ignore[arg-type]

    queue = task_list(user=stranger, which="queue")

    assert not queue.filter(office=office).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_operator_sees_their_lks_cases_and_no_others(nation: Report) -> None:
    lks = Lks.objects.order_by("pk").first()
    assert lks is not None
    operator = _member(lks.organisation, Role.OPERATOR)

    visible = registration_list_for_user(user=operator)

    expected = set(Registration.objects.filter(lks=lks).values_list("pk", flat=True))
    assert set(visible.values_list("pk", flat=True)) == expected
    assert len(expected) == CASES_PER_LKS
