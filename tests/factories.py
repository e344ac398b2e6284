"""factory_boy factories for varied test data."""

from __future__ import annotations

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.checklist import required_document_types
from cases.models import BoardMember, Lks, Registration
from cases.services.documents import document_upload
from workflow.models import Organisation, Region, User


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasi {n}")
    kind = Organisation.Kind.DINSOS_REGENCY
    region = factory.LazyFunction(lambda: region("32.01"))


class LksFactory(factory.django.DjangoModelFactory):
    """An LKS in Kab. Bogor with a profile complete enough to submit a case."""

    class Meta:
        model = Lks
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Panti Asuhan Harapan {n}")
    has_legal_entity = True
    region = factory.LazyFunction(lambda: region("32.01"))
    scope = Lks.Scope.REGENCY
    deed_number = "12"
    deed_date = datetime.date(2015, 3, 2)
    sk_kemenkumham = "AHU-0012345.AH.01.04.Tahun 2015"
    npwp = "012345678403000"
    address = "Jl. Raya Cibinong No. 10"
    kecamatan_code = "32.01.01"
    desa_code = "32.01.01.1001"
    service_types = factory.LazyFunction(lambda: ["anak"])
    capacity = 40
    current_clients = 25

    @factory.post_generation
    def chair(obj: Lks, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            BoardMember.objects.create(lks=obj, name="Hj. Nur Aini", position="ketua")

    organisation = factory.LazyAttribute(
        lambda o: Organisation.objects.create(
            name=o.name, kind=Organisation.Kind.LKS, region=o.region
        )
    )


# A real one-page PDF (with its cross-reference table): uploads are parsed.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000054 00000 n \n0000000105 00000 n \n"
    b"trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def upload_required_documents(
    *, registration: Registration, actor: User, round_: int = 1
) -> None:
    """Upload every required document through the portal's service, each with
    its own bytes (a new round gives every type a new version)."""
    for document_type in required_document_types(registration=registration):
        content = PDF + f"% {document_type.code} round {round_}\n".encode()
        document_upload(
            actor=actor,
            registration=registration,
            document_type=document_type,
            uploaded_file=SimpleUploadedFile(
                f"{document_type.code}.pdf", content, "application/pdf"
            ),
        )
