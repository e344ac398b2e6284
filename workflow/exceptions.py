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
