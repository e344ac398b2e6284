"""The required-document checklist that applies to a registration case."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Document, DocumentType, Registration


def required_document_types(*, registration: Registration) -> QuerySet[DocumentType]:
    """The office's own checklist if it has one, else the national list, filtered
    by the case kind (first / renewal) and the LKS's legal form."""
    types = DocumentType.objects.filter(office=registration.office)
    if not types.exists():
        types = DocumentType.objects.filter(office__isnull=True)
    if registration.kind == Registration.Kind.RENEWAL:
        types = types.filter(for_renewal=True)
    else:
        types = types.filter(for_first_registration=True)
    if registration.lks.has_legal_entity:
        types = types.exclude(no_legal_entity_only=True)
    else:
        types = types.exclude(legal_entity_only=True)
    return types.filter(required=True).order_by("position", "pk")


def missing_document_types(*, registration: Registration) -> list[DocumentType]:
    """Required types with no uploaded version, or whose newest version was
    judged "tidak sesuai" and not replaced since."""
    required = list(required_document_types(registration=registration))
    latest: dict[int, Document] = {}
    uploads = Document.objects.filter(registration=registration).prefetch_related(
        "reviews"
    )
    for document in uploads.order_by("document_type_id", "-version"):
        latest.setdefault(document.document_type_id, document)
    return [t for t in required if not _acceptable(latest.get(t.pk))]


def _acceptable(document: Document | None) -> bool:
    if document is None:
        return False
    reviews = list(document.reviews.all())
    newest = reviews[0] if reviews else None
    return newest is None or newest.verdict != "tidak_sesuai"
