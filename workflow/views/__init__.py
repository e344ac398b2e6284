"""Pages of the workflow engine: the signed-in home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from workflow.selectors import membership_list_for_user


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    memberships = membership_list_for_user(user=request.user)  # type: ignore[arg-type]
    context = {"memberships": memberships}
    return render(request, "workflow/home.html", context)
