"""The allauth pages Pilar uses, under /akun/ (config/urls.py).

Only these: sign-up, email confirmation, password reset, and the pages those
flows send people to. Signing in is at /masuk/ (workflow:login); e-mail
management, password change, reauthentication and the rest of allauth's pages
are not routed. The names are allauth's, which its flows reverse.
"""

from __future__ import annotations

from allauth.account import views
from django.urls import path, re_path
from django.views.generic import RedirectView

urlpatterns = [
    # allauth sends people here (e.g. an expired login stage): one sign-in page.
    path(
        "login/",
        RedirectView.as_view(pattern_name="workflow:login", query_string=True),
        name="account_login",
    ),
    path("signup/", views.signup, name="account_signup"),
    path("inactive/", views.account_inactive, name="account_inactive"),
    path(
        "confirm-email/",
        views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        views.confirm_email,
        name="account_confirm_email",
    ),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]
