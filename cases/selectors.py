"""Reads of the cases app, each scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from cases.checklist import required_document_types
from cases.models import (
    Document,
    DocumentReview,
    DocumentType,
    FieldVisit,
    Lks,
    Registration,
    RegistrationCertificate,
)
from workflow.models import Organisation, Region, User
from workflow.permissions import filter_for_user


def responsible_office(*, lks: Lks) -> Organisation | None:
    """The office that registers ``lks``, chosen by its scope (DOMAIN.md §2)."""
    offices = Organisation.objects.filter(is_active=True)
    if lks.scope == Lks.Scope.REGENCY:
        return offices.filter(
            kind=Organisation.Kind.DINSOS_REGENCY, region_id=lks.region_id
        ).first()
    if lks.scope == Lks.Scope.PROVINCE:
        if lks.region.parent_id is None:
            return None
        return offices.filter(
            kind=Organisation.Kind.DINSOS_PROVINCE, region_id=lks.region.parent_id
        ).first()
    return offices.filter(kind=Organisation.Kind.KEMENSOS).first()


def province_office(*, region: Region) -> Organisation | None:
    province_id = region.parent_id if region.parent_id else region.pk
    return Organisation.objects.filter(
        kind=Organisation.Kind.DINSOS_PROVINCE, region_id=province_id, is_active=True
    ).first()


def registration_list_for_user(
    *, user: User, state: str | None = None
) -> QuerySet[Registration]:
    """Registration cases ``user`` may view, newest first."""
    qs = Registration.objects.select_related("lks", "office", "lks__region")
    qs = filter_for_user(user, "cases.view_registration", qs)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")


@dataclass(frozen=True)
class ChecklistRow:
    document_type: DocumentType
    versions: list[Document]

    @property
    def latest(self) -> Document | None:
        return self.versions[0] if self.versions else None

    @property
    def latest_review(self) -> DocumentReview | None:
        latest = self.latest
        reviews = list(latest.reviews.all()) if latest else []
        return reviews[0] if reviews else None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    transition: str
    source: str
    target: str
    reason: str
    subject: str


@dataclass(frozen=True)
class CaseFile:
    registration: Registration
    checklist: list[ChecklistRow]
    field_visits: list[FieldVisit]
    timeline: list[TimelineEntry]


def registration_case_file(*, registration_pk: int) -> CaseFile:
    """Everything a case page shows, in a fixed number of queries."""
    registration = Registration.objects.select_related(
        "lks__region__parent", "office__region"
    ).get(pk=registration_pk)
    documents = (
        Document.objects.filter(registration=registration)
        .select_related("uploaded_by")
        .prefetch_related("reviews__reviewer")
        .order_by("document_type_id", "-version")
    )
    by_type: dict[int, list[Document]] = {}
    for document in documents:
        by_type.setdefault(document.document_type_id, []).append(document)
    checklist = [
        ChecklistRow(document_type=t, versions=by_type.get(t.pk, []))
        for t in required_document_types(registration=registration)
    ]
    visits = list(registration.field_visits.select_related("recorded_by"))
    return CaseFile(
        registration=registration,
        checklist=checklist,
        field_visits=visits,
        timeline=registration_timeline(registrations=[registration]),
    )


def registration_timeline(*, registrations: list[Registration]) -> list[TimelineEntry]:
    """Every change of the given cases and of their certificates, oldest first."""
    rows = Registration.history.filter(
        id__in=[r.pk for r in registrations]
    ).select_related("history_user")
    certificates = RegistrationCertificate.history.filter(
        registration_id__in=[r.pk for r in registrations]
    ).select_related("history_user")
    labels = dict(Registration.State.choices) | dict(
        RegistrationCertificate.State.choices
    )
    entries = [
        _entry(row, labels, subject=str(_("Registration case"))) for row in rows
    ] + [
        _entry(row, labels, subject=str(_("Tanda Registrasi"))) for row in certificates
    ]
    return sorted(entries + _task_owner_changes(registrations), key=lambda e: e.at)


def _task_owner_changes(registrations: list[Registration]) -> list[TimelineEntry]:
    """Who claimed, released or was handed each staff task of the cases."""
    rows = (
        Task.history.filter(
            process__registrationprocess__registration__in=registrations
        )
        .select_related("history_user", "owner")
        .order_by("id", "history_id")
    )
    queue = str(_("Queue"))
    entries: list[TimelineEntry] = []
    holder: dict[int, tuple[int | None, str]] = {}
    for row in rows:
        before_id, before_name = holder.get(row.id, (None, queue))
        name = str(row.owner) if row.owner_id else queue
        holder[row.id] = (row.owner_id, name)
        if row.owner_id == before_id:
            continue
        title = getattr(row.flow_task, "task_title", "") or str(row.flow_task)
        entries.append(
            TimelineEntry(
                at=row.history_date,
                actor=str(row.history_user) if row.history_user else str(_("System")),
                transition="owner",
                source=before_name,
                target=name,
                reason="",
                subject=str(_("Task: %(title)s") % {"title": title}),
            )
        )
    return entries


def _entry(row: Any, labels: dict[str, Any], *, subject: str) -> TimelineEntry:
    return TimelineEntry(
        at=row.history_date,
        actor=str(row.history_user) if row.history_user else str(_("System")),
        transition=row.transition or ("created" if row.history_type == "+" else ""),
        source=str(labels.get(row.source_state, row.source_state)),
        target=str(labels.get(row.target_state or row.state, row.state)),
        reason=row.history_change_reason or "",
        subject=subject,
    )


def lks_list_for_user(*, user: User) -> QuerySet[Lks]:
    """LKS whose cases ``user`` may view."""
    visible = registration_list_for_user(user=user).values("lks_id")
    return Lks.objects.filter(pk__in=visible).select_related("region")


def registration_for_user(*, user: User, reference: str) -> Registration | None:
    """The case with this public reference, if ``user`` may view it."""
    try:
        return registration_list_for_user(user=user).get(reference=reference)
    except (Registration.DoesNotExist, ValidationError, ValueError):
        return None
