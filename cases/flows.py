"""Who must act next on a registration case (viewflow).

The fsm on Registration says what may happen; this flow says whose inbox the
next step lands in: verify (verifiers of the responsible office), revise (the
LKS, through its portal), sign (the Kepala Dinas). Task pages are named by
dotted path, so importing this module imports no view; services start and
advance the flow through the engine's registry (``cases.processes``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task

from cases.models import Registration, RegistrationProcess
from cases.policy import office_policy
from workflow.deadlines import deadline_create, working_days_used
from workflow.models import Role
from workflow.nodes import StaffFlowMixin, StaffTask

State = Registration.State


class RegistrationFlow(StaffFlowMixin, flow.Flow):
    """LKS registration"""

    process_class = RegistrationProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("LKS registration")
    process_description = _("Verification of an LKS registration and its signing.")

    start = flow.StartHandle(this.start_process).Next(this.verify)

    verify = (
        StaffTask(
            page="cases.views.tasks.VerifyTaskPage",
            permission="cases.verify_registration",
            role=Role.VERIFIER,
        )
        .Annotation(title=_("Verify registration"))
        .onCreate(this.set_deadline)
        .Next(this.after_verify)
    )
    after_verify = (
        flow.If(this.is_verified).Then(this.sign).Else(this.after_verify_not_verified)
    )
    after_verify_not_verified = (
        flow.If(this.needs_revision).Then(this.revise).Else(this.end)
    )
    revise = (
        flow.Handle(this.revision_handed_back)
        .Annotation(title=_("Revise the file (LKS)"))
        .Next(this.verify)
    )
    sign = (
        StaffTask(
            page="cases.views.tasks.SignTaskPage",
            permission="cases.sign_registration",
            role=Role.SIGNER,
        )
        .Annotation(title=_("Sign the Tanda Registrasi"))
        .onCreate(this.set_deadline)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, registration: Registration) -> Any:
        activation.process.registration = registration
        return activation.process

    def revision_handed_back(self, activation: Any) -> None:
        """The LKS resubmitted; the file returns to verification."""

    def is_verified(self, activation: Any) -> bool:
        return _fresh_state(activation) == State.VERIFIED

    def needs_revision(self, activation: Any) -> bool:
        return _fresh_state(activation) == State.NEEDS_REVISION

    def set_deadline(self, activation: Any) -> None:
        registration = activation.process.registration
        policy = office_policy(office_id=registration.office_id)
        # The clock stops while the file is with the LKS: only office time counts.
        spent = working_days_used(tasks=_office_tasks(activation.process))
        deadline_create(
            task=activation.task,
            office=registration.office,
            region=registration.lks.region,
            role=activation.flow_task.role,
            budget_days=policy.verification_working_days - spent,
        )


def _fresh_state(activation: Any) -> str:
    # The process caches its registration; the decision was saved since.
    registration = Registration.objects.get(pk=activation.process.registration_id)
    activation.process.registration = registration
    return registration.state


def _office_tasks(process: Any) -> Any:
    return Task.objects.filter(process=process, deadline__isnull=False)
