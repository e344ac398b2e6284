"""Uploaded documents, opened by those who may view the case (never from /media/)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from cases.models import Document
from cases.selectors import registration_for_user
from workflow.files import private_file_response
from workflow.models import User


@login_required
@require_safe
def document_file(request: HttpRequest, reference: UUID, pk: int) -> FileResponse:
    """One uploaded version, shown in the browser (a PDF in its viewer)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    # The same 404 for a case out of scope, another case's document or none.
    registration = registration_for_user(user=user, reference=str(reference))
    if registration is None:
        raise Http404
    document = Document.objects.filter(registration=registration, pk=pk).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return private_file_response(
        file=handle,
        filename=document.original_name,
        content_type=document.content_type,
    )


urlpatterns: list[URLPattern] = [
    path(
        "kasus/<uuid:reference>/dokumen/<int:pk>/berkas/",
        document_file,
        name="document_file",
    ),
]
