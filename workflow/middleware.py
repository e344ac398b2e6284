"""Request handling of our own: language first, then who may reach the staff pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


class IndonesianFirstMiddleware:
    """Ignore the browser's Accept-Language header.

    Many phones in Indonesia run in English; Pilar still speaks Indonesian
    unless the user picks English with the language switch (a cookie), which
    Django's LocaleMiddleware, placed after this one, then honours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class StaffSignInMiddleware:
    """Send anonymous visitors of the staff frontend to the sign-in page.

    viewflow's SiteMiddleware answers them with a bare 403; someone whose
    session expired should land on /masuk/ and come back where they were.
    Placed before viewflow's middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        match = request.resolver_match
        extra = getattr(getattr(match, "url_name", None), "extra", None) or {}
        if extra.get("site") is None or request.user.is_authenticated:
            return None
        return redirect_to_login(request.get_full_path())
