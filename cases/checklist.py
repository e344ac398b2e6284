"""The required-document checklist that applies to a registration case."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import (
    BoardMember,
    Document,
    DocumentReview,
    DocumentType,
    Lks,
    Registration,
)


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


def latest_documents(*, registration: Registration) -> dict[int, Document]:
    """The newest uploaded version per document type, with its reviews loaded."""
    latest: dict[int, Document] = {}
    uploads = Document.objects.filter(registration=registration).prefetch_related(
        "reviews"
    )
    for document in uploads.order_by("document_type_id", "-version"):
        latest.setdefault(document.document_type_id, document)
    return latest


def newest_verdict(document: Document | None) -> str | None:
    if document is None:
        return None
    reviews = list(document.reviews.all())  # ordered newest first
    return reviews[0].verdict if reviews else None


def missing_document_types(*, registration: Registration) -> list[DocumentType]:
    """Required types with no upload, or whose newest upload was judged
    "tidak sesuai" and not replaced since: what blocks a submission."""
    latest = latest_documents(registration=registration)
    return [
        t
        for t in required_document_types(registration=registration)
        if t.pk not in latest
        or newest_verdict(latest[t.pk]) == DocumentReview.Verdict.DOES_NOT_CONFORM
    ]


def unconfirmed_document_types(*, registration: Registration) -> list[DocumentType]:
    """Required types whose newest upload a verifier has not marked "sesuai":
    what blocks a "verified" decision."""
    latest = latest_documents(registration=registration)
    return [
        t
        for t in required_document_types(registration=registration)
        if newest_verdict(latest.get(t.pk)) != DocumentReview.Verdict.CONFORMS
    ]


def profile_gaps(*, lks: Lks) -> list[str | Promise]:
    """What the LKS profile still lacks before a case can be submitted, by label."""
    wanted = ["name", "address", "kecamatan_code", "desa_code", "deed_number"]
    wanted += ["deed_date", "capacity"]
    if lks.has_legal_entity:
        wanted += ["sk_kemenkumham", "npwp"]
    gaps: list[str | Promise] = [
        Lks._meta.get_field(name).verbose_name  # type: ignore[union-attr]
        for name in wanted
        if getattr(lks, name) in (None, "")
    ]
    if not lks.service_types:
        gaps.append(Lks._meta.get_field("service_types").verbose_name)
    if not lks.board.filter(position=BoardMember.Position.CHAIR).exists():
        gaps.append(_("board chair (ketua)"))
    return gaps
