"""Errors the workflow services raise, each with a message a user can read."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    """Base of every refusal by a workflow service."""

    default_message: str | Promise = _("The action could not be carried out.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class NotPermitted(WorkflowError):
    default_message = _("You are not permitted to carry out this action.")


class TransitionNotAllowed(WorkflowError):
    default_message = _("This action is not allowed in the record's current state.")


class StaleRecord(WorkflowError):
    default_message = _(
        "Someone else changed this record first. Reload the page and try again."
    )


class InvalidInput(WorkflowError):
    default_message = _("The data given is not valid.")


class InvalidField(InvalidInput):
    """Bad data in one named field, so that a form can show it beside the field.

    ``details`` are further reasons (each shown as its own line), e.g. every
    document still to be checked before a case may be verified.
    """

    def __init__(
        self,
        field: str,
        message: str | Promise,
        *,
        details: list[str | Promise] | None = None,
    ) -> None:
        self.field = field
        self.details = list(details or [])
        super().__init__(message)

    @property
    def messages(self) -> list[str]:
        return [str(self.message), *(str(detail) for detail in self.details)]
