"""Uploads of a case's documents: checked by their bytes, hashed, versioned."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from cases.checklist import required_document_types
from cases.models import Document, DocumentType, OfficePolicy, Registration
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.models import User
from workflow.permissions import has_object_permission

SUBMIT = "cases.submit_registration"
DEFAULT_MAX_UPLOAD_MB = 10
# The only types an office can rely on opening; the extension must agree with
# the bytes, so that a renamed program or web page never reaches a verifier.
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}
UPLOAD_STATES = {Registration.State.DRAFT, Registration.State.NEEDS_REVISION}
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class _Checked:
    content_type: str
    size: int
    sha256: str


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
    checked = _check_file(uploaded_file, _limit_bytes(locked))
    versions = Document.objects.filter(registration=locked, document_type=document_type)
    latest = versions.order_by("-version").first()
    if latest is not None and latest.sha256 == checked.sha256:
        return latest  # The same bytes again (a double submit): one version.
    top = versions.aggregate(top=Max("version"))["top"] or 0
    document = Document(
        registration=locked,
        document_type=document_type,
        version=top + 1,
        original_name=_display_name(uploaded_file)[:255],
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
    policy = OfficePolicy.objects.filter(office_id=registration.office_id).first()
    megabytes = policy.max_upload_mb if policy is not None else DEFAULT_MAX_UPLOAD_MB
    return megabytes * 1024 * 1024


def _display_name(uploaded_file: UploadedFile) -> str:
    return os.path.basename(uploaded_file.name or "") or "dokumen"


def _check_file(uploaded_file: UploadedFile, limit: int) -> _Checked:
    name = _display_name(uploaded_file)
    if (uploaded_file.size or 0) > limit:
        raise _too_large(name, limit)
    digest = hashlib.sha256()
    head = b""
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > limit:
            raise _too_large(name, limit)
        if len(head) < _SNIFF_BYTES:
            head += chunk[: _SNIFF_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise InvalidInput(_("“%(name)s” is empty.") % {"name": name})
    return _Checked(
        content_type=_sniff(name, head), size=size, sha256=digest.hexdigest()
    )


def _sniff(name: str, head: bytes) -> str:
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED_TYPES:
        raise InvalidInput(
            _(
                "“%(name)s” is not a PDF, JPEG or PNG file: "
                "its content is of another type."
            )
            % {"name": name}
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_TYPES[mime]:
        raise InvalidInput(
            _("“%(name)s” is named as another type than its content (%(type)s).")
            % {"name": name, "type": kind.extension.upper()}
        )
    return str(mime)


def _too_large(name: str, limit: int) -> InvalidInput:
    return InvalidInput(
        _("“%(name)s” is larger than the limit of %(limit)d MB.")
        % {"name": name, "limit": limit // (1024 * 1024)}
    )


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
