"""Forms of the workflow engine."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workflow.models import User


class LoginForm(AuthenticationForm):
    """Username or email (allauth's backend accepts both) and password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong username or password. Note that both are case-sensitive."
        ),
        "unconfirmed_email": _(
            "Confirm your email address first: open the link we sent to it."
        ),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        # Self-registered accounts must confirm their email before signing in
        # here too, as allauth's own login page demands; staff accounts made
        # by an administrator have no EmailAddress row and are not affected.
        addresses = EmailAddress.objects.filter(user=user)
        if addresses.exists() and not addresses.filter(verified=True).exists():
            raise ValidationError(
                self.error_messages["unconfirmed_email"], code="unconfirmed_email"
            )
