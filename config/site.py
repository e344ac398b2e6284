"""The staff frontend (viewflow Material): the task inboxes of every flow, wired here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import RegistrationFlow
from workflow.inbox import StaffFlowAppViewset, StaffSite

site = StaffSite(
    title="Pilar",
    viewsets=[
        StaffFlowAppViewset(
            RegistrationFlow, icon="assignment", title=_("LKS registration")
        ),
    ],
)
