"""Reads of the cases app, each scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from cases.checklist import required_document_types
from cases.models import (
    BoardMember,
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
from workflow.timeline import (
    TimelineEntry,
    history_entries,
    task_owner_entries,
    timeline_merge,
)


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
class CaseFile:
    registration: Registration
    checklist: list[ChecklistRow]
    field_visits: list[FieldVisit]


def registration_case_file(*, registration_pk: int) -> CaseFile:
    """Everything a case page shows, in a fixed number of queries."""
    registration = Registration.objects.select_related(
        "lks__region__parent", "office__region"
    ).get(pk=registration_pk)
    documents = (
        Document.objects.filter(registration=registration)
        .select_related("uploaded_by", "document_type")
        .prefetch_related("reviews__reviewer")
        .order_by("document_type_id", "-version")
    )
    by_type: dict[int, list[Document]] = {}
    for document in documents:
        document.registration = registration  # links name the case: no query each
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
    )


def registration_timeline(
    *, registrations: list[Registration], include_internal: bool = True
) -> list[TimelineEntry]:
    """Every change of the given cases and of their certificates, oldest first.

    ``include_internal=False`` leaves out the office's task moves (claims,
    releases, reassignments): the timeline an LKS operator is shown.
    """
    ids = [r.pk for r in registrations]
    tasks = Task.history.filter(process__registrationprocess__registration__in=ids)
    return timeline_merge(
        history_entries(
            Registration.history.filter(id__in=ids),
            subject=_("Registration case"),
            states=Registration.State.choices,
        ),
        history_entries(
            RegistrationCertificate.history.filter(registration_id__in=ids),
            subject=_("Tanda Registrasi"),
            states=RegistrationCertificate.State.choices,
        ),
        task_owner_entries(tasks) if include_internal else [],
        include_internal=include_internal,
    )


def lks_timeline(
    *, lks: Lks, registrations: list[Registration], include_internal: bool = True
) -> list[TimelineEntry]:
    """The LKS page's timeline: its cases, its profile and its board."""
    return timeline_merge(
        registration_timeline(
            registrations=registrations, include_internal=include_internal
        ),
        history_entries(Lks.history.filter(id=lks.pk), subject=_("LKS profile")),
        history_entries(
            BoardMember.history.filter(lks_id=lks.pk),
            subject=lambda row: _("Board member: %(name)s") % {"name": row.name},
        ),
        include_internal=include_internal,
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
