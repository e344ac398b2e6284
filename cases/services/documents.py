"""Uploads of a case's documents: checked by workflow.uploads, hashed, versioned."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from cases.checklist import required_document_types
from cases.models import Document, DocumentType, Registration
from cases.policy import office_policy
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.models import User
from workflow.permissions import has_object_permission
from workflow.uploads import MEGABYTE, upload_check

SUBMIT = "cases.submit_registration"
UPLOAD_STATES = {Registration.State.DRAFT, Registration.State.NEEDS_REVISION}


@transaction.atomic
def document_upload(
    *,
    actor: User,
    registration: Registration,
    document_type: DocumentType,
    uploaded_file: UploadedFile,
    expected_version: int | None = None,
) -> Document:
    """Store a new version of one document; earlier versions stay untouched."""
    # Lock first: two uploads of the same type must not get the same version.
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    _authorise(actor, locked, expected_version)
    _check_type_applies(locked, document_type)
    checked = upload_check(uploaded_file, max_bytes=_limit_bytes(locked))
    versions = Document.objects.filter(registration=locked, document_type=document_type)
    latest = versions.order_by("-version").first()
    if latest is not None and latest.sha256 == checked.sha256:
        return latest  # The same bytes again (a double submit): one version.
    top = versions.aggregate(top=Max("version"))["top"] or 0
    document = Document(
        registration=locked,
        document_type=document_type,
        version=top + 1,
        original_name=checked.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    _store(document, uploaded_file)
    return document


def _authorise(
    actor: User, registration: Registration, expected_version: int | None
) -> None:
    if not has_object_permission(actor, SUBMIT, registration):
        raise NotPermitted()
    if expected_version is not None and registration.version != expected_version:
        raise StaleRecord()
    if registration.state not in UPLOAD_STATES:
        raise TransitionNotAllowed(
            _(
                "Documents can only be uploaded while the case is a draft "
                "or needs revision."
            )
        )


def _check_type_applies(
    registration: Registration, document_type: DocumentType
) -> None:
    if document_type.office_id is not None and (
        document_type.office_id == registration.office_id
    ):
        return
    if (
        required_document_types(registration=registration)
        .filter(pk=document_type.pk)
        .exists()
    ):
        return
    raise InvalidInput(
        _("“%(type)s” is not on the checklist of this case.")
        % {"type": document_type.name}
    )


def _limit_bytes(registration: Registration) -> int:
    megabytes = office_policy(office_id=registration.office_id).max_upload_mb
    return megabytes * MEGABYTE


def _store(document: Document, uploaded_file: UploadedFile) -> None:
    uploaded_file.seek(0)
    # upload_to names the file at random: this never replaces an earlier version.
    document.file.save(document.original_name, uploaded_file, save=False)
    try:
        document.save()
    except Exception:
        # No row, no file: an orphan on disk would be invisible to everyone.
        document.file.storage.delete(document.file.name or "")
        raise
