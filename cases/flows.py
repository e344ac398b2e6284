"""Who must act next on a registration case (viewflow).

The fsm on Registration says what may happen; this flow says whose inbox the
next step lands in: verify (verifiers of the responsible office), revise (the
LKS, through its portal), sign (the Kepala Dinas). Every step calls the same
services as any other entry point.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import OfficePolicy, Registration, RegistrationProcess
from cases.views import tasks as task_views
from workflow.deadlines import deadline_create, working_days_used
from workflow.models import Role
from workflow.nodes import StaffFlowMixin, StaffTask

State = Registration.State
DEFAULT_VERIFICATION_DAYS = 14


def _registration(process: Any) -> Registration:
    return process.registration


class RegistrationFlow(StaffFlowMixin, flow.Flow):
    """LKS registration"""

    process_class = RegistrationProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("LKS registration")
    process_description = _("Verification of an LKS registration and its signing.")

    start = flow.StartHandle(this.start_process).Next(this.verify)

    verify = (
        StaffTask(
            task_views.VerifyTaskView.as_view(),
            permission="cases.verify_registration",
            role=Role.VERIFIER,
            record=_registration,
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
            task_views.SignTaskView.as_view(),
            permission="cases.sign_registration",
            role=Role.SIGNER,
            record=_registration,
        )
        .Annotation(title=_("Sign the Tanda Registrasi"))
        .onCreate(this.set_deadline)
        .Next(this.end)
    )
    end = flow.End()

    def record_of_process(self, process: Any) -> Registration:
        return _registration(process)

    def annotate_tasks(self, tasks: Any) -> Any:
        """The LKS name and the case state of each task, in the inbox's query."""
        from django.db.models import F

        case = "process__registrationprocess__registration"
        return tasks.annotate(
            record_title=F(f"{case}__lks__name"), record_state=F(f"{case}__state")
        )

    def task_record_states(self) -> list[tuple[str, Any]]:
        return list(State.choices)

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
        policy = OfficePolicy.objects.filter(office_id=registration.office_id).first()
        budget = (
            policy.verification_working_days if policy else DEFAULT_VERIFICATION_DAYS
        )
        # The clock stops while the file is with the LKS: only office time counts.
        spent = working_days_used(tasks=_office_tasks(activation.process))
        deadline_create(
            task=activation.task,
            office=registration.office,
            region=registration.lks.region,
            role=activation.flow_task.role,
            budget_days=budget - spent,
        )


def _fresh_state(activation: Any) -> str:
    # The process caches its registration; the decision was saved since.
    registration = Registration.objects.get(pk=activation.process.registration_id)
    activation.process.registration = registration
    return registration.state


def _office_tasks(process: Any) -> Any:
    return Task.objects.filter(process=process, deadline__isnull=False)


def process_start(*, registration: Registration) -> RegistrationProcess:
    """Start the verification process of a newly submitted case."""
    return RegistrationFlow.start.run(registration=registration)


def _open_tasks(registration: Registration, node: Any) -> Any:
    return Task.objects.filter(
        process__registrationprocess__registration=registration,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
    )


def revision_returned(*, registration: Registration) -> None:
    """Close the LKS's revise step: the file goes back to the verifiers' queue."""
    for task in _open_tasks(registration, RegistrationFlow.revise):
        RegistrationFlow.revise.run(task)


def process_cancel(*, registration: Registration) -> None:
    """Cancel the open process of a case that ended outside the flow."""
    processes = RegistrationProcess.objects.filter(
        registration=registration, status=PROCESS.NEW
    )
    for process in processes:
        RegistrationFlow.instance.cancel(process)


def open_task(*, registration: Registration, step: str) -> Task | None:
    """The open task of one step ("verify", "sign", "revise") of the case, if any."""
    node = getattr(RegistrationFlow, step)
    return _open_tasks(registration, node).order_by("-pk").first()
