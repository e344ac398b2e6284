"""factory_boy factories for varied test data."""

from __future__ import annotations

import factory

from cases.models import Lks
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
    class Meta:
        model = Lks

    name = factory.Sequence(lambda n: f"Panti Asuhan Harapan {n}")
    has_legal_entity = True
    region = factory.LazyFunction(lambda: region("32.01"))
    scope = Lks.Scope.REGENCY
    organisation = factory.LazyAttribute(
        lambda o: Organisation.objects.create(
            name=o.name, kind=Organisation.Kind.LKS, region=o.region
        )
    )
