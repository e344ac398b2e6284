"""Request handling of our own: Bahasa Indonesia first."""

from __future__ import annotations

from collections.abc import Callable

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
