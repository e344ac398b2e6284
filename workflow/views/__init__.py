"""Pages of the workflow engine: the signed-in home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workflow.nodes import is_office_staff
from workflow.selectors import membership_list_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = membership_list_for_user(user=request.user)  # type: ignore[arg-type]
    context = {"memberships": memberships, "works_tasks": is_office_staff(request.user)}
    return render(request, "workflow/home.html", context)
