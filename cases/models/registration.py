"""The registration case, its permissions and its viewflow process."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from viewflow.workflow.models import Process

from cases.models.lks import Lks
from workflow.audit import AuditedModel, audited_history
from workflow.models import Organisation


class Registration(ConcurrentTransitionMixin, AuditedModel):
    """One registration case (first registration or renewal) of an LKS."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_VERIFICATION = "in_verification", _("In verification")
        NEEDS_REVISION = "needs_revision", _("Needs revision")
        VERIFIED = "verified", _("Verified")
        APPROVED = "approved", _("Approved")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        FIRST = "first", _("First registration")
        RENEWAL = "renewal", _("Renewal (daftar ulang)")

    class RejectionGround(models.TextChoices):
        INCOMPLETE = "incomplete", _("Requirements are incomplete")
        NOT_SOCIAL_WELFARE = (
            "not_social_welfare",
            _("The LKS does not carry out social welfare work"),
        )
        AGAINST_PANCASILA = (
            "against_pancasila",
            _("Its principles conflict with Pancasila and the 1945 Constitution"),
        )

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True)
    lks = models.ForeignKey(Lks, on_delete=models.PROTECT, related_name="registrations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible office"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True
    )
    previous_certificate = models.ForeignKey(
        "RegistrationCertificate",
        verbose_name=_("certificate being renewed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    rejection_ground = models.CharField(
        _("ground for rejection"),
        max_length=30,
        choices=RejectionGround.choices,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = audited_history()

    class Meta:
        verbose_name = _("registration case")
        verbose_name_plural = _("registration cases")
        permissions = [
            ("submit_registration", _("Submit or withdraw a registration")),
            ("verify_registration", _("Verify a registration")),
            ("reject_registration", _("Reject a registration")),
            ("approve_registration", _("Approve a registration")),
            ("sign_registration", _("Sign the Tanda Registrasi")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(rejection_ground=""),
                name="cases_registration_rejection_has_ground",
            )
        ]
        indexes = [
            # Lists read cases through the user's grants, by id: the case list
            # (its page keys, count and office choices) and the provincial
            # overview's open figures read only these columns, index-only.
            models.Index(
                fields=["id"],
                include=["office", "state", "created_at"],
                name="cases_registration_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lks} ({self.get_kind_display()}, {self.get_state_display()})"

    # Transitions: declarations only; transition_run checks and records them.

    @transition(
        field=state,
        source=[State.DRAFT, State.NEEDS_REVISION],
        target=State.SUBMITTED,
        permission="cases.submit_registration",
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.IN_VERIFICATION,
        permission="cases.verify_registration",
    )
    def start_verification(self, *, receipt_number: str = "") -> None:
        # The receipt number is given once, when the file is first received.
        self.receipt_number = self.receipt_number or receipt_number

    @transition(
        field=state,
        source=State.IN_VERIFICATION,
        target=State.NEEDS_REVISION,
        permission="cases.verify_registration",
        custom={"reason_required": True},
    )
    def request_revision(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_VERIFICATION,
        target=State.VERIFIED,
        permission="cases.verify_registration",
    )
    def verify(self) -> None:
        pass

    @transition(
        field=state,
        source=State.VERIFIED,
        target=State.APPROVED,
        permission="cases.approve_registration",
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=State.APPROVED,
        target=State.CERTIFICATE_ISSUED,
        permission="cases.sign_registration",
    )
    def issue_certificate(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.SUBMITTED, State.IN_VERIFICATION, State.VERIFIED],
        target=State.REJECTED,
        permission="cases.reject_registration",
        custom={"reason_required": True},
    )
    def reject(self, *, ground: str) -> None:
        self.rejection_ground = ground

    @transition(
        field=state,
        source=[
            State.DRAFT,
            State.SUBMITTED,
            State.IN_VERIFICATION,
            State.NEEDS_REVISION,
            State.VERIFIED,
        ],
        target=State.WITHDRAWN,
        permission="cases.submit_registration",
    )
    def withdraw(self) -> None:
        pass


class RegistrationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Registration, on_delete=models.CASCADE)


class RegistrationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Registration, on_delete=models.CASCADE)


class RegistrationProcess(Process):
    """The viewflow process of one registration case (our FK, not ``artifact``)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="processes"
    )

    class Meta:
        verbose_name = _("registration process")
        verbose_name_plural = _("registration processes")
        default_permissions = ("add", "change", "delete", "view", "manage")
