"""The public verification of a Tanda Registrasi, and the signed PDF download.

The QR code on every certificate leads to ``verifikasi/<token>/``: public
facts only (name, number, status, valid until, issuing office) plus whether the
signature checks. Anyone may upload a PDF to ``verifikasi/periksa/`` and learn
whether it is a genuine, unaltered certificate. Both are rate limited per IP.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from cases.forms.public import CertificateCheckForm
from cases.models import RegistrationCertificate
from cases.selectors_certificates import (
    certificate_by_token,
    certificate_for_download,
    certificate_for_pdf,
    certificate_public_facts,
)
from cases.services.certificates import certificate_verify_upload

READ_RATE = "30/m"
UPLOAD_RATE = "10/m"
SAFE = ["GET", "HEAD"]


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/public/rate_limited.html", status=429)


@require_safe
@ratelimit(key="ip", rate=READ_RATE, method=SAFE, block=False)
def certificate_public(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many(request)
    certificate = certificate_by_token(token=token)
    if certificate is None:
        raise Http404
    facts = certificate_public_facts(
        certificate=certificate, today=timezone.localdate()
    )
    context = {"facts": facts, "form": CertificateCheckForm()}
    return render(request, "cases/public/certificate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=READ_RATE, method=SAFE, block=False)
@ratelimit(key="ip", rate=UPLOAD_RATE, method="POST", block=False)
def certificate_check(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many(request)
    if request.method != "POST":
        return render(
            request, "cases/public/check.html", {"form": CertificateCheckForm()}
        )
    form = CertificateCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "cases/public/check.html", {"form": form}, status=400)
    pdf: bytes = form.cleaned_data["pdf"]
    check = certificate_verify_upload(
        certificate_or_none=certificate_for_pdf(pdf_bytes=pdf), pdf_bytes=pdf
    )
    facts = None
    if check.certificate is not None:
        facts = certificate_public_facts(
            certificate=check.certificate, today=timezone.localdate()
        )
    context = {"form": CertificateCheckForm(), "check": check, "facts": facts}
    return render(request, "cases/public/check.html", context)


@login_required
@require_safe
def certificate_download(request: HttpRequest, token: str) -> FileResponse:
    certificate = certificate_for_download(user=request.user, token=token)  # type: ignore[arg-type]
    if certificate is None:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=_download_name(certificate),
        content_type="application/pdf",
    )


def _download_name(certificate: RegistrationCertificate) -> str:
    return "tanda-registrasi-" + certificate.number.replace("/", "-") + ".pdf"


urlpatterns: list[URLPattern] = [
    # Before the token pattern: "periksa" would otherwise be taken for a token.
    path("verifikasi/periksa/", certificate_check, name="certificate_check"),
    path("verifikasi/<str:token>/", certificate_public, name="certificate_public"),
    path(
        "sertifikat/<str:token>/unduh/",
        certificate_download,
        name="certificate_download",
    ),
]
