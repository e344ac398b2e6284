"""viewflow task pages: the verifier's decision and the Kepala Dinas's signature.

viewflow's wrap_view has already checked that the user owns the task (and our
StaffTask that the grant still holds), and on POST holds the process lock
inside a transaction. These views only parse input and call the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.flow.views.mixins import TaskSuccessUrlMixin

from cases.forms.portal import VersionForm
from cases.models import Registration
from cases.selectors import registration_case_file
from cases.services import registration as services
from workflow.exceptions import WorkflowError


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("verify", _("Verified: forward to the Kepala Dinas")),
            ("request_revision", _("Return to the LKS for revision")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    ground = forms.ChoiceField(
        label=_("Ground for rejection"),
        choices=[("", "—"), *Registration.RejectionGround.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason / note"), widget=forms.Textarea, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    ground = DecisionForm.base_fields["ground"]
    reason = DecisionForm.base_fields["reason"]
    version = forms.IntegerField(widget=forms.HiddenInput)


class _CaseTaskView(TaskSuccessUrlMixin, generic.TemplateView):
    form_class: type[forms.Form]

    @property
    def registration(self) -> Registration:
        return self.request.activation.process.registration  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case = registration_case_file(registration_pk=self.registration.pk)
        context.update(case=case, registration=case.registration)
        context.setdefault(
            "form", self.form_class(initial={"version": case.registration.version})
        )
        return context

    def _refused(self, exc: WorkflowError) -> HttpResponse:
        messages.error(self.request, str(exc.message))
        return HttpResponseRedirect(self.request.get_full_path())

    def _done(self, registration: Registration) -> HttpResponse:
        activation = self.request.activation  # type: ignore[attr-defined]
        activation.process.registration = registration
        activation.execute()
        messages.success(self.request, _("Task completed."))
        return HttpResponseRedirect(self.get_success_url())


class VerifyTaskView(_CaseTaskView):
    template_name = "cases/tasks/verify.html"
    form_class = DecisionForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor: Any = request.user
        try:
            if "receive" in request.POST:
                services.registration_receive(
                    actor=actor,
                    registration=self.registration,
                    expected_version=VersionForm.seen(request.POST),
                )
                return HttpResponseRedirect(request.get_full_path())
            form = DecisionForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
            decided = services.registration_decide(
                actor=actor,
                registration=self.registration,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                ground=form.cleaned_data["ground"],
                expected_version=form.cleaned_data["version"],
            )
        except WorkflowError as exc:
            return self._refused(exc)
        return self._done(decided)


class SignTaskView(_CaseTaskView):
    """Approve (or reject) a verified case, then sign its Tanda Registrasi."""

    template_name = "cases/tasks/sign.html"
    form_class = SignForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor: Any = request.user
        try:
            if "sign" in request.POST:
                certificate = services.registration_sign(
                    actor=actor,
                    registration=self.registration,
                    expected_version=VersionForm.seen(request.POST),
                )
                return self._done(certificate.registration)
            form = SignForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
            return self._decide(actor, form.cleaned_data)
        except WorkflowError as exc:
            return self._refused(exc)

    def _decide(self, actor: Any, data: dict[str, Any]) -> HttpResponse:
        if data["decision"] == "approve":
            services.registration_approve(
                actor=actor,
                registration=self.registration,
                reason=data["reason"],
                expected_version=data["version"],
            )
            # The task stays open: the signature is the next, separate act.
            return HttpResponseRedirect(self.request.get_full_path())
        rejected = services.registration_decide(
            actor=actor,
            registration=self.registration,
            decision="reject",
            reason=data["reason"],
            ground=data["ground"],
            expected_version=data["version"],
        )
        return self._done(rejected)
