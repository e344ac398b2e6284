"""The Tanda Registrasi for those who may see it: the signed PDF, and the
signer's preview before signing.

The public page and PDF check are the engine's (``workflow.issuance.views``).
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from cases.models import RegistrationCertificate
from cases.selectors import registration_for_user
from cases.selectors_certificates import certificate_for_download
from cases.services.certificates import certificate_preview_pdf
from workflow.exceptions import InvalidInput, NotPermitted
from workflow.files import private_file_response


@login_required
@require_safe
def certificate_download(request: HttpRequest, token: str) -> FileResponse:
    certificate = certificate_for_download(user=request.user, token=token)  # type: ignore[arg-type]
    if certificate is None:
        raise Http404
    return private_file_response(
        file=certificate.pdf.open("rb"),
        filename=_download_name(certificate),
        content_type="application/pdf",
        inline=False,
    )


def _download_name(certificate: RegistrationCertificate) -> str:
    return "tanda-registrasi-" + certificate.number.replace("/", "-") + ".pdf"


@login_required
@require_safe
def certificate_preview(request: HttpRequest, reference: str) -> HttpResponseBase:
    """404 for a case the user cannot see; 403 for one they cannot sign."""
    registration = registration_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if registration is None:
        raise Http404
    try:
        pdf = certificate_preview_pdf(actor=request.user, registration=registration)  # type: ignore[arg-type]
    except NotPermitted as exc:
        return HttpResponseForbidden(str(exc.message))
    except InvalidInput as exc:
        return HttpResponseBadRequest(str(exc.message))
    # Shown in the browser's viewer (the sign task page may frame it).
    return private_file_response(
        file=io.BytesIO(pdf),
        filename="pratinjau-tanda-registrasi.pdf",
        content_type="application/pdf",
    )


urlpatterns: list[URLPattern] = [
    path(
        "sertifikat/<str:token>/unduh/",
        certificate_download,
        name="certificate_download",
    ),
    path(
        "kasus/<uuid:reference>/pratinjau-tanda-registrasi/",
        certificate_preview,
        name="certificate_preview",
    ),
]
