"""Login, logout and the home page, in Bahasa Indonesia by default."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World

LOGIN = reverse("workflow:login")
HOME = reverse("workflow:home")


@pytest.mark.django_db
def test_the_login_page_speaks_indonesian(client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "Masuk ke Pilar" in body
    assert "Kata sandi" in body


@pytest.mark.django_db
def test_english_can_be_chosen(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": LOGIN}, follow=True
    )
    assert "Sign in to Pilar" in response.content.decode()


def test_home_shows_organisation_and_roles(client: Client, world: World) -> None:
    assert client.login(username="verifier_bogor", password=PASSWORD)
    response = client.get(HOME)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Sosial Kabupaten Bogor" in body
    assert "Verifikator" in body
    assert "32.01 Kabupaten Bogor" in body


def test_home_needs_sign_in(client: Client, db: None) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_signing_in_with_a_wrong_password_says_why_in_indonesian(
    client: Client, world: World
) -> None:
    response = client.post(LOGIN, {"login": "verifier_bogor", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_sign_in_then_out(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"login": "kadis_bogor", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(reverse("workflow:logout")).status_code == 405
    client.post(reverse("workflow:logout"))
    assert client.get(HOME).status_code == 302


def test_a_deactivated_user_loses_access_on_the_next_request(
    client: Client, world: World
) -> None:
    client.force_login(world.verifier_bogor)
    assert client.get(HOME).status_code == 200
    world.verifier_bogor.is_active = False
    world.verifier_bogor.save(update_fields=["is_active"])
    assert client.get(HOME).status_code == 302


def test_a_deactivated_membership_disappears_from_home(
    client: Client, world: World
) -> None:
    from workflow.services import membership_deactivate

    client.force_login(world.verifier_bogor)
    membership_deactivate(
        actor=world.root,
        membership=world.verifier_bogor.memberships.get(),
        reason="Pindah tugas",
    )
    body = client.get(HOME).content.decode()
    assert "Dinas Sosial Kabupaten Bogor" not in body
    assert "belum memiliki peran aktif" in body


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(
    client: Client,
) -> None:
    english = {"accept-language": "en-US,en;q=0.9"}
    assert "Masuk ke Pilar" in client.get(LOGIN, headers=english).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert "Sign in to Pilar" in client.get(LOGIN, headers=english).content.decode()


def test_home_leads_staff_to_their_inbox_and_cases(
    client: Client, world: World
) -> None:
    client.force_login(world.verifier_bogor)
    body = client.get(HOME).content.decode()
    assert 'href="/staf/"' in body
    assert 'href="/kasus/"' in body
    client.force_login(world.operator_bogor)
    assert 'href="/staf/"' not in client.get(HOME).content.decode()
