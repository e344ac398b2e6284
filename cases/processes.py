"""Registration registers its flow with the engine (called from CasesConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.flows import RegistrationFlow
from cases.models import Registration
from workflow.models import Organisation, Role
from workflow.navigation import Held, MenuItem, menu_register
from workflow.registry import ProcessSpec, processes

STAFF = {Role.VERIFIER, Role.SIGNER, Role.SUPERVISOR}


def _case_url(registration: Registration) -> str:
    return reverse("cases:case_detail", args=[registration.reference])


def _menu(held: Held) -> list[MenuItem]:
    roles = {role for role, _kind in held}
    items: list[MenuItem] = []
    if roles & STAFF:
        items.append(MenuItem(_("Registration cases"), reverse("cases:case_list")))
    if (Role.SUPERVISOR, Organisation.Kind.DINSOS_PROVINCE) in held:
        items.append(MenuItem(_("Province overview"), reverse("cases:province")))
    if Role.OPERATOR in roles:
        items.append(MenuItem(_("My LKS"), reverse("cases:portal_dashboard")))
    return items


def register() -> None:
    processes.register(
        ProcessSpec(
            flow_class=RegistrationFlow,
            record_model=Registration,
            process_field="registration",
            label=_("LKS registration"),
            roles=(Role.VERIFIER, Role.SIGNER),
            title_lookup="lks__name",
            state_lookup="state",
            state_choices=list(Registration.State.choices),
            record_url=_case_url,
            summary_template="cases/tasks/_summary.html",
        )
    )
    menu_register(_menu)
