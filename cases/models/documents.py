"""The required-document checklist, uploads, verdicts and field visits."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.registration import Registration
from workflow.models import Organisation, User


class DocumentType(models.Model):
    """One item of a required-document checklist; office=None is the national list."""

    office = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document_types",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    for_first_registration = models.BooleanField(_("first registration"), default=True)
    for_renewal = models.BooleanField(_("renewal"), default=True)
    legal_entity_only = models.BooleanField(_("only berbadan hukum"), default=False)
    no_legal_entity_only = models.BooleanField(
        _("only tidak berbadan hukum"), default=False
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "code"],
                condition=models.Q(office__isnull=False),
                name="cases_documenttype_unique_code",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(office__isnull=True),
                name="cases_documenttype_unique_national_code",
            ),
            models.CheckConstraint(
                condition=~(
                    models.Q(legal_entity_only=True)
                    & models.Q(no_legal_entity_only=True)
                ),
                name="cases_documenttype_one_legal_flag",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _document_path(instance: Document, filename: str) -> str:
    # Random names: an upload never overwrites another, nor reveals its origin.
    return f"documents/{instance.registration_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """One uploaded version of a required document; versions are never overwritten."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["document_type__position", "document_type_id", "-version"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "document_type", "version"],
                name="cases_document_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type} v{self.version}"


class DocumentReview(models.Model):
    """A verifier's verdict on one document version (sesuai / tidak sesuai)."""

    class Verdict(models.TextChoices):
        CONFORMS = "sesuai", _("Conforms (sesuai)")
        DOES_NOT_CONFORM = "tidak_sesuai", _("Does not conform (tidak sesuai)")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="reviews"
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verdict="tidak_sesuai") | ~models.Q(note=""),
                name="cases_documentreview_nonconformity_has_note",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document}: {self.get_verdict_display()}"


class FieldVisit(models.Model):
    """The verifier's field visit (verifikasi lapangan) for a registration case."""

    class Outcome(models.TextChoices):
        CONFORMS = "sesuai", _("Conforms to the file")
        DOES_NOT_CONFORM = "tidak_sesuai", _("Does not conform to the file")

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="field_visits"
    )
    visited_on = models.DateField(_("visit date"))
    officers = models.CharField(_("visiting officers"), max_length=300)
    findings = models.TextField(_("findings"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")

    def __str__(self) -> str:
        return f"{self.registration} @ {self.visited_on}"
