"""How django-allauth signs people in to Pilar.

Operators sign up themselves and confirm their email address; staff accounts
are made by an administrator and have no allauth ``EmailAddress`` row. Failed
sign-ins are counted per account (whichever of its names was typed) and per
address by allauth's own rate limits (settings.ACCOUNT_RATE_LIMITS).
"""

from __future__ import annotations

from typing import Any, ClassVar

# allauth.account.stages, imported first, meets a circular import inside
# allauth (stages -> internal -> flows -> stagekit -> stages); its package
# loaded first breaks the circle, whichever import order Django uses.
import allauth.account.internal  # noqa: F401
from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Q
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflow.models import User

_ALLAUTH_EMAIL_STAGE = "allauth.account.stages.EmailVerificationStage"


class AccountAdapter(DefaultAccountAdapter):
    error_messages: ClassVar[dict[str, Promise]] = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("Wrong username or password."),
        "email_password_mismatch": _("Wrong email address or password."),
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts for this account. Wait five minutes "
            "and try again, or set a new password with “Forgot password?”."
        ),
    }

    def get_login_stages(self) -> list[str]:
        return [
            f"{__name__}.{EmailVerificationStage.__name__}"
            if path == _ALLAUTH_EMAIL_STAGE
            else path
            for path in super().get_login_stages()
        ]

    def _get_login_attempts_cache_key(
        self, request: HttpRequest, **credentials: Any
    ) -> str:
        # allauth counts failures per typed login; an account reachable by
        # its username and by its email address would get the limit twice.
        login = credentials.get("email", credentials.get("username", ""))
        accounts = set(
            User.objects.filter(
                Q(username__iexact=login)
                | Q(email__iexact=login)
                | Q(emailaddress__email__iexact=login)
            ).values_list("pk", flat=True)
        )
        if len(accounts) == 1:
            return f"account:{accounts.pop()}"
        return super()._get_login_attempts_cache_key(request, **credentials)


class EmailVerificationStage(stages.EmailVerificationStage):
    """Ask to confirm the email address only of accounts that signed up.

    Accounts made by an administrator have no ``EmailAddress`` row: allauth
    would otherwise create an unverified one and lock them out of signing in.
    """

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is not None and not EmailAddress.objects.filter(user=user).exists():
            return None, True
        return super().handle()


class EmailAwareTokenGenerator(PasswordResetTokenGenerator):
    """allauth's reset token, without writing to the database when checked.

    allauth's own generator stores ``user.email`` as an ``EmailAddress`` row
    each time a token is made or checked, so that merely opening a reset link
    (a GET) created an unverified address.
    """

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        addresses = EmailAddress.objects.filter(user_id=user.pk)
        emails = {
            getattr(user, "email", ""),
            *addresses.values_list("email", flat=True),
        }
        return super()._make_hash_value(user, timestamp) + "|".join(
            sorted(emails - {""})
        )
