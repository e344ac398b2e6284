"""The registration flow's task pages: the verifier's and the Kepala Dinas's.

Each is a ``workflow.views.tasks.TaskPage``: the engine has found the task,
checked who may see it and who may work it, and runs each action under the
process lock; these classes only say which forms are open now and which
service each calls.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.models import Document, DocumentReview, FieldVisit, Registration
from cases.selectors import CaseFile, registration_case_file
from cases.services import registration as services
from cases.services.verification import (
    Verdict,
    document_reviews_record,
    field_visit_record,
)
from workflow.views.tasks import TaskPage, task_url


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=0, **kwargs)


class ReceiveForm(forms.Form):
    version = VersionField()


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
        help_text=_("Only when rejecting."),
    )
    reason = forms.CharField(
        label=_("Reason / note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when returning or rejecting: the LKS reads it."),
    )
    version = VersionField()


class SignDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the preview: issue and sign this Tanda Registrasi."),
    )
    version = VersionField()


class FieldVisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    officers = forms.CharField(label=_("Visiting officers"), max_length=300)
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=FieldVisit.Outcome.choices, widget=forms.RadioSelect
    )


class VerdictsForm(forms.Form):
    """Every latest document of the case on one form; nothing chosen in advance."""

    def __init__(self, *args: Any, documents: list[Document], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for document in documents:
            self.fields[f"verdict_{document.pk}"] = forms.ChoiceField(
                label=str(document.document_type.name),
                choices=DocumentReview.Verdict.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"note_{document.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=1000
            )

    def verdicts(self) -> list[Verdict]:
        rows = [
            Verdict(
                document=document,
                verdict=self.cleaned_data[f"verdict_{document.pk}"],
                note=self.cleaned_data[f"note_{document.pk}"],
            )
            for document in self.documents
        ]
        return [row for row in rows if row.verdict]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_bound and not self.errors and not self.verdicts():
            raise forms.ValidationError(
                _("Choose a verdict for at least one document.")
            )
        return cleaned

    def rows(self) -> list[tuple[Document, forms.BoundField, forms.BoundField]]:
        return [
            (d, self[f"verdict_{d.pk}"], self[f"note_{d.pk}"]) for d in self.documents
        ]


class _CasePage(TaskPage):
    anchors: dict[str, str] = {}

    @cached_property
    def case(self) -> CaseFile:
        return registration_case_file(registration_pk=self.record.pk)

    @property
    def registration(self) -> Registration:
        return self.case.registration

    def _bound(self, data: Any, action: str, name: str) -> Any:
        return data if action == name else None

    def extra_context(self) -> dict[str, Any]:
        return {"case": self.case, "registration": self.registration}

    def _decide(self, data: dict[str, Any]) -> bool:
        """Verified, returned or rejected: the case leaves this step."""
        services.registration_decide(
            actor=self.user,
            registration=self.registration,
            decision=data["decision"],
            reason=data["reason"],
            ground=data["ground"],
            expected_version=data["version"],
        )
        return True

    def succeeded(self, done: bool) -> Any:
        response = super().succeeded(done)
        anchor = self.anchors.get(self.request.POST.get("action", ""))
        if not done and anchor:
            response["Location"] = f"{task_url(self.task)}#{anchor}"
        return response


class VerifyTaskPage(_CasePage):
    template_name = "cases/tasks/verify.html"
    anchors = {"verdicts": "dokumen", "visit": "kunjungan"}

    def action_forms(self, data: Any = None, action: str = "") -> dict[str, Any]:
        version = {"version": self.registration.version}
        if self.registration.state == Registration.State.SUBMITTED:
            return {"receive": ReceiveForm(self._bound(data, action, "receive"))}
        if self.registration.state != Registration.State.IN_VERIFICATION:
            return {}
        documents = [row.latest for row in self.case.checklist if row.latest]
        return {
            "verdicts": VerdictsForm(
                self._bound(data, action, "verdicts"), documents=documents
            ),
            "visit": FieldVisitForm(self._bound(data, action, "visit")),
            "decide": DecisionForm(
                self._bound(data, action, "decide"), initial=version
            ),
        }

    def act(self, action: str, form: forms.Form) -> bool:
        data = form.cleaned_data
        if action == "receive":
            services.registration_receive(
                actor=self.user,
                registration=self.registration,
                expected_version=data["version"],
            )
            return False
        if action == "verdicts":
            assert isinstance(form, VerdictsForm)  # noqa: S101 (narrowing)
            document_reviews_record(
                actor=self.user,
                registration=self.registration,
                verdicts=form.verdicts(),
            )
            return False
        if action == "visit":
            field_visit_record(actor=self.user, registration=self.registration, **data)
            return False
        return self._decide(data)


class SignTaskPage(_CasePage):
    """Approve (or reject) a verified case, preview its Tanda Registrasi, sign."""

    template_name = "cases/tasks/sign.html"

    def action_forms(self, data: Any = None, action: str = "") -> dict[str, Any]:
        version = {"version": self.registration.version}
        state = self.registration.state
        if state == Registration.State.VERIFIED:
            bound = self._bound(data, action, "decide")
            return {"decide": SignDecisionForm(bound, initial=version)}
        if state == Registration.State.APPROVED:
            bound = self._bound(data, action, "sign")
            return {"sign": SignForm(bound, initial=version)}
        return {}

    def act(self, action: str, form: forms.Form) -> bool:
        data = form.cleaned_data
        if action == "sign":
            services.registration_sign(
                actor=self.user,
                registration=self.registration,
                expected_version=data["version"],
            )
            return True
        if data["decision"] == "approve":
            services.registration_approve(
                actor=self.user,
                registration=self.registration,
                reason=data["reason"],
                expected_version=data["version"],
            )
            # The task stays open: the signature is the next, separate act.
            return False
        return self._decide(data)
