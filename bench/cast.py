"""Who and what the benchmark measures on a generated nation.

The busiest office (the most cases), its verifier with the most open tasks,
its supervisor, the supervisor of its province, an operator of one of its
LKS, and its long case (the one whose timeline has about 200 entries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from viewflow.workflow.models import Task

from cases.models import Registration
from workflow.models import Organisation, Role, User
from workflow.selectors import active_memberships

WORKING = ("ASSIGNED", "STARTED")


@dataclass(frozen=True)
class Cast:
    office: Organisation
    verifier: User
    supervisor: User
    province_supervisor: User
    operator: User
    long_case: Registration
    task: Task  # an open task in the verifier's inbox


def _member(organisation_id: int, role: str) -> User:
    membership = (
        active_memberships()
        .filter(
            organisation_role__organisation_id=organisation_id,
            organisation_role__role=role,
        )
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    if membership is None:
        raise LookupError(f"nobody holds {role} in organisation {organisation_id}")
    return membership.user


def cast_find() -> Cast:
    """The cast of a nation made by ``python -m bench generate``."""
    busiest = (
        Registration.objects.values("office_id")
        .annotate(cases=Count("pk"))
        .order_by("-cases", "office_id")
        .first()
    )
    if busiest is None:
        raise LookupError("the database holds no cases: generate a nation first")
    office = Organisation.objects.select_related("region").get(pk=busiest["office_id"])
    verifier_ids = active_memberships().filter(
        organisation_role__organisation=office,
        organisation_role__role=Role.VERIFIER,
    )
    verifier = (
        User.objects.filter(pk__in=verifier_ids.values("user_id"))
        .annotate(open=Count("task", filter=Q(task__status__in=WORKING)))
        .order_by("-open", "pk")
        .first()
    )
    if verifier is None:
        raise LookupError(f"{office} has no verifier")
    province = Organisation.objects.get(
        kind=Organisation.Kind.DINSOS_PROVINCE, region=office.region.parent
    )
    longest = (
        Registration.history.filter(office_id=office.pk)
        .values("id")
        .annotate(rows=Count("history_id"))
        .order_by("-rows", "id")
        .first()
    )
    long_case = Registration.objects.get(pk=longest["id"]) if longest else None
    task = (
        Task.objects.filter(owner=verifier, status__in=WORKING).order_by("pk").first()
    )
    if long_case is None or task is None:
        raise LookupError(f"{office} has no long case or {verifier} no open task")
    return Cast(
        office=office,
        verifier=verifier,
        supervisor=_member(office.pk, Role.SUPERVISOR),
        province_supervisor=_member(province.pk, Role.SUPERVISOR),
        operator=_member(long_case.lks.organisation_id, Role.OPERATOR),
        long_case=long_case,
        task=task,
    )
