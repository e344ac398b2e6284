"""Models of the cases app, one module per area (re-exported here)."""

from cases.models.certificates import (
    CertificateGroupObjectPermission,
    CertificateUserObjectPermission,
    RegistrationCertificate,
)
from cases.models.documents import (
    Document,
    DocumentReview,
    DocumentType,
    FieldVisit,
    _document_path,
)
from cases.models.lks import (
    BoardMember,
    Lks,
    LksGroupObjectPermission,
    LksUserObjectPermission,
    OfficePolicy,
    ServiceType,
)
from cases.models.registration import (
    Registration,
    RegistrationGroupObjectPermission,
    RegistrationProcess,
    RegistrationUserObjectPermission,
)

__all__ = [
    "BoardMember",
    "CertificateGroupObjectPermission",
    "CertificateUserObjectPermission",
    "Document",
    "DocumentReview",
    "DocumentType",
    "FieldVisit",
    "Lks",
    "LksGroupObjectPermission",
    "LksUserObjectPermission",
    "OfficePolicy",
    "Registration",
    "RegistrationCertificate",
    "RegistrationGroupObjectPermission",
    "RegistrationProcess",
    "RegistrationUserObjectPermission",
    "ServiceType",
    "_document_path",
]
