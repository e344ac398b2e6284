"""The Tanda Registrasi: its states, permissions and grants.

Its number series, the office's signing key, the PDF renderer and the public
page are the engine's (``workflow.issuance``); ``cases.issuance`` registers
the Tanda Registrasi as a kind there.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.lks import Lks
from cases.models.registration import Registration
from workflow.audit import AuditedModel, audited_history
from workflow.models import Organisation


class RegistrationCertificate(ConcurrentTransitionMixin, AuditedModel):
    """The Tanda Registrasi issued when a registration case is signed."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        SUSPENDED = "suspended", _("Suspended (dibekukan)")
        REVOKED = "revoked", _("Revoked (dicabut)")
        SUPERSEDED = "superseded", _("Superseded by renewal")

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="certificate"
    )
    lks = models.ForeignKey(Lks, on_delete=models.PROTECT, related_name="certificates")
    office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    state = FSMField(
        _("status"), default=State.ACTIVE, choices=State.choices, protected=True
    )
    token = models.CharField(_("verification token"), max_length=64, unique=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/", max_length=200)
    # Indexed: the public check finds a certificate by the hash of an uploaded PDF.
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, db_index=True)
    signer_name = models.CharField(_("signer name"), max_length=150)
    signer_nip = models.CharField(_("signer NIP"), max_length=18, blank=True)
    signer_title = models.CharField(_("signer title"), max_length=150)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("Tanda Registrasi")
        verbose_name_plural = _("Tanda Registrasi")
        permissions = [
            ("suspend_certificate", _("Suspend or reinstate a Tanda Registrasi")),
            ("revoke_certificate", _("Revoke a Tanda Registrasi")),
            ("expire_certificate", _("Mark a Tanda Registrasi expired")),
            ("supersede_certificate", _("Supersede a Tanda Registrasi by its renewal")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "sequence"],
                name="cases_certificate_unique_sequence",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.EXPIRED,
        permission="cases.expire_certificate",
    )
    def expire(self) -> None:
        pass

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.SUSPENDED,
        permission="cases.suspend_certificate",
        custom={"reason_required": True},
    )
    def suspend(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUSPENDED,
        target=State.ACTIVE,
        permission="cases.suspend_certificate",
        custom={"reason_required": True},
    )
    def reinstate(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACTIVE, State.SUSPENDED],
        target=State.REVOKED,
        permission="cases.revoke_certificate",
        custom={"reason_required": True},
    )
    def revoke(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACTIVE, State.EXPIRED],
        target=State.SUPERSEDED,
        permission="cases.supersede_certificate",
    )
    def supersede(self) -> None:
        pass


class CertificateUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        RegistrationCertificate, on_delete=models.CASCADE
    )


class CertificateGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        RegistrationCertificate, on_delete=models.CASCADE
    )
