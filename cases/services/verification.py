"""The verifier's work on a case: document verdicts and the field visit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Document, DocumentReview, FieldVisit, Registration
from workflow.exceptions import (
    InvalidField,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from workflow.models import User
from workflow.permissions import has_object_permission

VERIFY = "cases.verify_registration"


@dataclass(frozen=True)
class Verdict:
    """One row of the verdicts form: a document version, sesuai or not, why."""

    document: Document
    verdict: str
    note: str = ""


def _lock_for_verification(*, actor: User, registration: Registration) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if not has_object_permission(actor, VERIFY, locked):
        raise NotPermitted()
    if locked.state != Registration.State.IN_VERIFICATION:
        raise TransitionNotAllowed()
    return locked


@transaction.atomic
def document_review(
    *, actor: User, document: Document, verdict: str, note: str = ""
) -> DocumentReview:
    """Mark one document version sesuai / tidak sesuai (a note says why not)."""
    (review,) = document_reviews_record(
        actor=actor,
        registration=document.registration,
        verdicts=[Verdict(document=document, verdict=verdict, note=note)],
    )
    return review


@transaction.atomic
def document_reviews_record(
    *, actor: User, registration: Registration, verdicts: Sequence[Verdict]
) -> list[DocumentReview]:
    """Record the verdicts of one form at once: all of them, or none."""
    locked = _lock_for_verification(actor=actor, registration=registration)
    for row in verdicts:
        _check_verdict(locked, row)
    return [
        DocumentReview.objects.create(
            document=row.document,
            verdict=row.verdict,
            note=row.note.strip(),
            reviewer=actor,
        )
        for row in verdicts
    ]


def _check_verdict(registration: Registration, row: Verdict) -> None:
    if row.document.registration_id != registration.pk:
        raise InvalidInput()
    if row.verdict not in DocumentReview.Verdict.values:
        raise InvalidField(f"verdict_{row.document.pk}", _("Choose a verdict."))
    if row.verdict == DocumentReview.Verdict.DOES_NOT_CONFORM and not row.note.strip():
        raise InvalidField(
            f"note_{row.document.pk}",
            _("Say what does not conform, so the LKS can fix it."),
        )


@transaction.atomic
def field_visit_record(
    *,
    actor: User,
    registration: Registration,
    visited_on: dt.date,
    officers: str,
    findings: str,
    outcome: str,
) -> FieldVisit:
    """Record the field visit (verifikasi lapangan) of a case in verification."""
    locked = _lock_for_verification(actor=actor, registration=registration)
    if visited_on > timezone.localdate():
        raise InvalidField("visited_on", _("The visit date cannot be in the future."))
    if outcome not in FieldVisit.Outcome.values:
        raise InvalidField("outcome", _("Choose the outcome of the visit."))
    if not officers.strip():
        raise InvalidField("officers", _("Name the visiting officers."))
    if not findings.strip():
        raise InvalidField("findings", _("Describe the findings."))
    return FieldVisit.objects.create(
        registration=locked,
        visited_on=visited_on,
        officers=officers.strip(),
        findings=findings.strip(),
        outcome=outcome,
        recorded_by=actor,
    )
