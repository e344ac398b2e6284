"""Case pages for staff and operators: the case file, its timeline, and the
verifier's document verdicts and field visit record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import Document, Registration
from cases.selectors import (
    lks_list_for_user,
    registration_case_file,
    registration_for_user,
    registration_list_for_user,
    registration_timeline,
)
from cases.services.verification import document_review, field_visit_record
from workflow.exceptions import WorkflowError
from workflow.permissions import has_object_permission

VERIFY = "cases.verify_registration"


def _visible_case(request: HttpRequest, reference: str) -> Registration:
    registration = registration_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if registration is None:
        raise Http404
    return registration


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    registration = _visible_case(request, reference)
    case = registration_case_file(registration_pk=registration.pk)
    can_review = (
        registration.state == Registration.State.IN_VERIFICATION
        and has_object_permission(request.user, VERIFY, registration)
    )
    context = {
        "case": case,
        "registration": case.registration,
        "timeline": case.timeline,
        "can_review": can_review,
    }
    return render(request, "cases/staff/case_detail.html", context)


def _act(request: HttpRequest, case: Registration, **call: Any) -> HttpResponse:
    if not has_object_permission(request.user, VERIFY, case):
        return HttpResponseForbidden(
            _("You are not permitted to carry out this action.")
        )
    service = call.pop("service")
    try:
        service(actor=request.user, **call)
        messages.success(request, _("Saved."))
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
    return redirect("cases:case_detail", reference=case.reference)


@login_required
@require_POST
def document_review_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    registration = _visible_case(request, reference)
    document = Document.objects.filter(registration=registration, pk=pk).first()
    if document is None:
        raise Http404
    return _act(
        request,
        registration,
        service=document_review,
        document=document,
        verdict=request.POST.get("verdict", ""),
        note=request.POST.get("note", ""),
    )


@login_required
@require_POST
def field_visit_view(request: HttpRequest, reference: str) -> HttpResponse:
    registration = _visible_case(request, reference)
    try:
        visited_on = dt.date.fromisoformat(request.POST.get("visited_on", ""))
    except ValueError:
        messages.error(request, _("Enter the visit date."))
        return redirect("cases:case_detail", reference=registration.reference)
    return _act(
        request,
        registration,
        service=field_visit_record,
        registration=registration,
        visited_on=visited_on,
        officers=request.POST.get("officers", ""),
        findings=request.POST.get("findings", ""),
        outcome=request.POST.get("outcome", ""),
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("status") or None
    cases = registration_list_for_user(user=request.user, state=state)  # type: ignore[arg-type]
    context = {
        "cases": cases[:200],
        "states": Registration.State.choices,
        "state": state,
    }
    return render(request, "cases/staff/case_list.html", context)


@login_required
@require_GET
def lks_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lks = lks_list_for_user(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if lks is None:
        raise Http404
    registrations = list(
        registration_list_for_user(user=request.user).filter(lks=lks)  # type: ignore[arg-type]
    )
    context = {
        "lks": lks,
        "registrations": registrations,
        "timeline": registration_timeline(registrations=registrations),
    }
    return render(request, "cases/staff/lks_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("kasus/", case_list, name="case_list"),
    path("kasus/<uuid:reference>/", case_detail, name="case_detail"),
    path(
        "kasus/<uuid:reference>/dokumen/<int:pk>/tinjau/",
        document_review_view,
        name="document_review",
    ),
    path("kasus/<uuid:reference>/kunjungan/", field_visit_view, name="field_visit"),
    path("lembaga/<int:pk>/", lks_detail, name="lks_detail"),
]
