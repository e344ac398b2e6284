"""The verifier's work on a case: document verdicts and the field visit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Document, DocumentReview, FieldVisit, Registration
from workflow.exceptions import InvalidInput, NotPermitted, TransitionNotAllowed
from workflow.models import User
from workflow.permissions import has_object_permission

VERIFY = "cases.verify_registration"


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
    _lock_for_verification(actor=actor, registration=document.registration)
    if verdict not in DocumentReview.Verdict.values:
        raise InvalidInput()
    if verdict == DocumentReview.Verdict.DOES_NOT_CONFORM and not note.strip():
        raise InvalidInput(_("Say what does not conform, so the LKS can fix it."))
    return DocumentReview.objects.create(
        document=document, verdict=verdict, note=note.strip(), reviewer=actor
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
        raise InvalidInput(_("The visit date cannot be in the future."))
    if outcome not in FieldVisit.Outcome.values:
        raise InvalidInput()
    if not officers.strip() or not findings.strip():
        raise InvalidInput(_("Name the visiting officers and describe the findings."))
    return FieldVisit.objects.create(
        registration=locked,
        visited_on=visited_on,
        officers=officers.strip(),
        findings=findings.strip(),
        outcome=outcome,
        recorded_by=actor,
    )
