"""The public verification page and PDF check, one of each for every kind.

The QR code on every issued document leads to ``verifikasi/<token>/``: public
facts only plus whether the signature checks. Anyone may upload a PDF to
``verifikasi/periksa/`` and learn whether it is a genuine, unaltered document.
Both are rate limited per IP. The paths are printed on paper: never change them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from workflow.issuance.forms import IssuedPdfCheckForm
from workflow.issuance.verification import (
    issued_document_by_token,
    issued_pdf_check,
    public_facts,
)

READ_RATE = "30/m"
UPLOAD_RATE = "10/m"
SAFE = ["GET", "HEAD"]


def _too_many(request: HttpRequest) -> HttpResponse:
    message = _(
        "You have made too many checks in a short time. Please wait a minute and try again."
    )
    return render(request, "429.html", {"message": message}, status=429)


@require_safe
@ratelimit(key="ip", rate=READ_RATE, method=SAFE, block=False)
def certificate_public(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many(request)
    found = issued_document_by_token(token=token, today=timezone.localdate())
    if found is None:
        raise Http404
    context = {"facts": public_facts(found=found), "form": IssuedPdfCheckForm()}
    return render(request, "workflow/public/document.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=READ_RATE, method=SAFE, block=False)
@ratelimit(key="ip", rate=UPLOAD_RATE, method="POST", block=False)
def certificate_check(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many(request)
    template = "workflow/public/check.html"
    if request.method != "POST":
        return render(request, template, {"form": IssuedPdfCheckForm()})
    form = IssuedPdfCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    check = issued_pdf_check(pdf=form.cleaned_data["pdf"], today=timezone.localdate())
    facts = public_facts(found=check.found) if check.found is not None else None
    context = {"form": IssuedPdfCheckForm(), "check": check, "facts": facts}
    return render(request, template, context)


urlpatterns: list[URLPattern] = [
    # Before the token pattern: "periksa" would otherwise be taken for a token.
    path("verifikasi/periksa/", certificate_check, name="certificate_check"),
    path("verifikasi/<str:token>/", certificate_public, name="certificate_public"),
]
