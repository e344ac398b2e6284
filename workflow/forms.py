"""Forms of the workflow engine."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from workflow.models import User


class SignupForm(forms.Form):
    """The name fields allauth's sign-up form adds (settings.ACCOUNT_SIGNUP_FORM_CLASS).

    allauth imports this module while building its own forms: it must not
    import ``allauth.account.forms``.
    """

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        help_text=_("If you have only one name, write it here again."),
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth's adapter.save_user already stored first_name and last_name
        # from cleaned_data; allauth calls this hook and needs it to exist.
        return None
