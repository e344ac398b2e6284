"""Case pages for staff and operators: the case list, the case file with its
timeline, the LKS page, and the provincial supervisor's overview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cases.models import Registration
from cases.selectors import (
    lks_list_for_user,
    lks_timeline,
    registration_case_file,
    registration_for_user,
    registration_list_for_user,
    registration_timeline,
)
from cases.selectors_overview import (
    CaseFilters,
    case_list,
    province_overview,
    registration_rows,
    supervised_provinces,
)
from workflow.models import Organisation
from workflow.pagination import page_of_keys
from workflow.permissions import has_object_permission
from workflow.registry import staff_tasks_open

OPERATE = "cases.operate_lks"

PERIODS = [
    (30, _("the last 30 days")),
    (90, _("the last 90 days")),
    (365, _("the last year")),
]


def _visible_case(request: HttpRequest, reference: str) -> Registration:
    registration = registration_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if registration is None:
        raise Http404
    return registration


def _is_operator(request: HttpRequest, registration: Registration) -> bool:
    return has_object_permission(request.user, OPERATE, registration.lks)


@login_required
@require_safe
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    registration = _visible_case(request, reference)
    case = registration_case_file(registration_pk=registration.pk)
    operator = _is_operator(request, registration)
    tasks = [] if operator else list(staff_tasks_open(record=registration))
    context = {
        "case": case,
        "registration": case.registration,
        "certificate": getattr(case.registration, "certificate", None),
        "timeline": registration_timeline(
            registrations=[case.registration], include_internal=not operator
        ),
        "tasks": tasks,
        "operator": operator,
    }
    return render(request, "cases/staff/case_detail.html", context)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Organisation.objects.none(), required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    decided_since = forms.DateField(
        label=_("Decided since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = [("", _("All")), ("open", _("Open")), *Registration.State.choices]
        self.fields["status"].choices = states  # type: ignore[attr-defined]
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.fields["office"].empty_label = _("All")  # type: ignore[attr-defined]

    def filters(self) -> CaseFilters:
        if not self.is_valid():
            return CaseFilters()
        data = self.cleaned_data
        office = data["office"]
        return CaseFilters(
            state=data["status"],
            office_id=office.pk if office else None,
            overdue=data["overdue"],
            decided_since=data["decided_since"],
        )


@login_required
@require_safe
def case_list_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    visible = registration_list_for_user(user=user)
    offices = Organisation.objects.filter(
        pk__in=visible.order_by().values("office")
    ).order_by("name")
    form = CaseFilterForm(request.GET or None, offices=offices)
    cases = case_list(user=user, filters=form.filters(), today=timezone.localdate())
    if form.is_bound and not form.is_valid():
        cases = cases.none()
    page = page_of_keys(cases, request.GET.get("page"), rows=registration_rows)
    context = {"page": page, "filters": form}
    return render(request, "cases/staff/case_list.html", context)


@login_required
@require_safe
def lks_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lks = lks_list_for_user(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if lks is None:
        raise Http404
    registrations = list(
        registration_list_for_user(user=request.user).filter(lks=lks)  # type: ignore[arg-type]
    )
    operator = has_object_permission(request.user, OPERATE, lks)
    context = {
        "lks": lks,
        "registrations": registrations,
        "timeline": lks_timeline(
            lks=lks, registrations=registrations, include_internal=not operator
        ),
        "operator": operator,
    }
    return render(request, "cases/staff/lks_detail.html", context)


@login_required
@require_safe
def province(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not supervised_provinces(user=user).exists():
        raise PermissionDenied
    period = _period(request)
    today = timezone.localdate()
    since = today - dt.timedelta(days=period)
    context = {
        "rows": province_overview(user=user, today=today, since=since),
        "since": since,
        "period": period,
        "periods": PERIODS,
        "provinces": supervised_provinces(user=user),
    }
    return render(request, "cases/staff/province.html", context)


def _period(request: HttpRequest) -> int:
    raw = request.GET.get("period", "")
    return int(raw) if raw in {str(days) for days, _label in PERIODS} else 30


urlpatterns: list[URLPattern] = [
    path("kasus/", case_list_view, name="case_list"),
    path("kasus/<uuid:reference>/", case_detail, name="case_detail"),
    path("lembaga/<int:pk>/", lks_detail, name="lks_detail"),
    path("staf/provinsi/", province, name="province"),
]
