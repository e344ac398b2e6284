"""Accounts: one rate-limited sign-in page, password reset, sign-up with a name,
and only the allauth pages we use, none of which changes anything on GET."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, reverse

from tests.conftest import PASSWORD, World
from tests.factories import UserFactory
from workflow import account_urls
from workflow.accounts import EmailAwareTokenGenerator
from workflow.models import User

LOGIN = reverse("workflow:login")
HOME = reverse("workflow:home")
LOCKED = "Terlalu banyak percobaan masuk yang gagal untuk akun ini"
NEW_PASSWORD = "Sandi-Baru-Kuat-2026!"


def _sign_in(client: Client, login: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _sign_up(client: Client, email: str, **names: str) -> Any:
    data = {"first_name": "Sri", "last_name": "Wahyuni", **names}
    data |= {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(reverse("account_signup"), data)


def _link(body: str, path: str) -> str:
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+/)", body)
    assert found is not None, body
    return found.group(1)


# --- one sign-in page ---------------------------------------------------------


def test_allauth_login_address_leads_to_the_one_sign_in_page(
    client: Client, db: None
) -> None:
    response = client.get("/akun/login/?next=/staf/")
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=/staf/"


def test_next_is_kept_through_sign_in(client: Client, world: World) -> None:
    page = client.get(LOGIN, {"next": "/staf/"}).content.decode()
    assert '<input type="hidden" name="next" value="/staf/">' in page
    response = client.post(
        LOGIN + "?next=/staf/", {"login": "verifier_bogor", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/staf/"


def test_next_to_another_site_is_ignored(client: Client, world: World) -> None:
    response = client.post(
        LOGIN,
        {
            "login": "kadis_bogor",
            "password": PASSWORD,
            "next": "https://jahat.example/",
        },
    )
    assert response.status_code == 302 and response["Location"] == HOME


def test_staff_sign_in_with_username_or_email_and_get_no_address_row(
    client: Client, world: World
) -> None:
    assert _sign_in(client, "verifier_bogor", PASSWORD)["Location"] == HOME
    client.logout()
    email = world.verifier_bogor.email
    assert _sign_in(client, email.upper(), PASSWORD)["Location"] == HOME
    assert not EmailAddress.objects.filter(user=world.verifier_bogor).exists()


def test_a_deactivated_account_is_told_so(client: Client, world: World) -> None:
    User.objects.filter(pk=world.outsider.pk).update(is_active=False)
    response = _sign_in(client, "outsider", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    page = client.get(response["Location"]).content.decode()
    assert "Akun nonaktif" in page and 'class="brand"' in page
    assert not _signed_in(client)


# --- rate limits --------------------------------------------------------------


def test_the_sixth_attempt_is_refused_even_with_the_right_password(
    client: Client, world: World
) -> None:
    email = world.verifier_bogor.email
    # Username and email address of one account count together.
    for login in ["verifier_bogor", email, "VERIFIER_BOGOR", email, "verifier_bogor"]:
        response = _sign_in(client, login, "salah")
        assert response.status_code == 200
        assert "kata sandi salah" in response.content.decode()
    sixth = _sign_in(client, "verifier_bogor", PASSWORD)
    assert sixth.status_code == 200
    assert LOCKED in sixth.content.decode()
    assert not _signed_in(client)
    # Another account from the same address is not locked.
    assert _sign_in(client, "kadis_bogor", PASSWORD)["Location"] == HOME


def test_the_lock_follows_the_account_to_another_address(
    client: Client, world: World
) -> None:
    for n in range(5):
        _sign_in(client, "verifier_bogor", "salah", ip=f"10.0.1.{n}")
    response = _sign_in(client, "verifier_bogor", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 200 and LOCKED in response.content.decode()


def test_an_address_is_limited_across_accounts(client: Client, world: World) -> None:
    for n in range(20):
        assert (
            _sign_in(client, f"tidak-ada-{n}", "salah", ip="10.0.0.1").status_code
            == 200
        )
    refused = _sign_in(client, "verifier_bogor", PASSWORD, ip="10.0.0.1")
    assert refused.status_code == 200 and not _signed_in(client)
    assert "Terlalu banyak percobaan" in refused.content.decode()
    assert (
        _sign_in(client, "verifier_bogor", PASSWORD, ip="10.0.0.2").status_code == 302
    )


def test_too_many_sign_in_requests_from_an_address_get_429(
    client: Client, db: None
) -> None:
    statuses = [_sign_in(client, f"x{n}", "salah").status_code for n in range(30)]
    assert statuses == [200] * 30
    response = _sign_in(client, "x", "salah")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Terlalu banyak permintaan" in body and 'class="brand"' in body


# --- password reset -----------------------------------------------------------


def test_the_sign_in_page_links_to_password_reset(client: Client, db: None) -> None:
    body = client.get(LOGIN).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in body
    assert "Lupa kata sandi?" in body


def test_a_staff_member_resets_the_password_by_email(
    client: Client, world: World
) -> None:
    user = world.verifier_bogor
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Pilar] Buat kata sandi baru"
    assert message.body.startswith("Halo,")
    assert "Nama pengguna Anda: verifier_bogor." in message.body
    assert "example.com" not in message.body and "Hello" not in message.body

    link = _link(str(message.body), "/akun/password/reset/key/")
    form_url = client.get(link)["Location"]  # the key moves out of the URL
    page = client.get(form_url)
    assert page.status_code == 200 and 'class="brand"' in page.content.decode()
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    assert "Kata sandi baru Anda" in client.get(done["Location"]).content.decode()
    assert _sign_in(client, "verifier_bogor", NEW_PASSWORD)["Location"] == HOME
    # The link works once.
    client.logout()
    assert "Tautan ini tidak sah" in client.get(link, follow=True).content.decode()
    assert not EmailAddress.objects.filter(user=user).exists()


def test_an_unknown_address_gets_the_same_answer_and_a_note(
    client: Client, db: None
) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "x@contoh.id"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox[0].subject == "[Pilar] Tidak ada akun Pilar dengan alamat ini"
    assert "/akun/signup/" in str(mail.outbox[0].body)


# --- sign-up ------------------------------------------------------------------


def test_sign_up_asks_the_name_first(client: Client, db: None) -> None:
    body = client.get(reverse("account_signup")).content.decode()
    labels = re.findall(r'<label for="id_(\w+)">([^<]+)</label>', body)
    assert labels == [
        ("first_name", "Nama depan"),
        ("last_name", "Nama belakang"),
        ("email", "E-mail"),
        ("password1", "Kata sandi"),
        ("password2", "Kata sandi (lagi)"),
    ]


def test_sign_up_without_a_name_is_refused(client: Client, db: None) -> None:
    response = _sign_up(client, "baru@panti.id", first_name="", last_name=" ")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"first_name", "last_name"}
    assert not User.objects.filter(email="baru@panti.id").exists()


def test_sign_up_stores_the_name_and_mails_in_indonesian(
    client: Client, db: None
) -> None:
    response = _sign_up(client, "Baru@Panti.id", first_name="Sri", last_name="Wahyuni")
    assert response.status_code == 302
    user = User.objects.get(email="baru@panti.id")
    assert (user.first_name, user.last_name) == ("Sri", "Wahyuni")
    message = mail.outbox[0]
    assert message.subject == "[Pilar] Konfirmasi alamat e-mail Anda"
    assert message.body.startswith("Halo,") and "example.com" not in message.body
    assert "/akun/confirm-email/" in message.body


# --- only the pages we use ------------------------------------------------------

ROUTED = {
    "account_login",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
}


def test_only_the_allauth_pages_we_use_are_routed(client: Client, world: World) -> None:
    patterns = account_urls.urlpatterns
    assert {p.name for p in patterns if isinstance(p, URLPattern)} == ROUTED
    for name in [
        "account_email",
        "account_change_password",
        "account_set_password",
        "account_reauthenticate",
        "account_logout",
        "account_request_login_code",
    ]:
        with pytest.raises(NoReverseMatch):
            reverse(name)
    client.force_login(world.verifier_bogor)
    for path in [
        "/akun/email/",
        "/akun/password/change/",
        "/akun/password/set/",
        "/akun/reauthenticate/",
        "/akun/logout/",
        "/akun/3rdparty/",
        "/akun/login/code/confirm/",
    ]:
        assert client.get(path).status_code == 404, path


def test_the_admin_has_no_sign_in_form_of_its_own(client: Client, world: World) -> None:
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1] == ("/masuk/?next=/admin/", 302)
    signed_in = client.post(
        "/masuk/?next=/admin/", {"login": "root", "password": PASSWORD}
    )
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.force_login(world.verifier_bogor)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


# --- no GET changes the database -------------------------------------------------


def _row_counts() -> dict[str, int]:
    # Every table, the many-to-many ones too. The session store is left out: a
    # reset link's key is moved from the URL into the visitor's session.
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model is not Session
    }


def _account_urls(operator: User, staff: User) -> list[str]:
    address = EmailAddress.objects.get(user=operator)
    token = EmailAwareTokenGenerator().make_token(staff)
    reset = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(staff), "key": token},
    )
    urls = [reset, reset.replace(token, "set-password"), LOGIN, "/keluar/"]
    urls.append(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    )
    for pattern in account_urls.urlpatterns:
        assert isinstance(pattern, URLPattern) and pattern.name
        if not pattern.pattern.regex.groups:
            urls.append(reverse(pattern.name))
    # allauth's pages that are not routed: once they changed things on GET.
    return [*urls, "/akun/email/", "/akun/password/change/", "/akun/password/set/"]


@pytest.mark.parametrize("who", ["anonymous", "verifier_bogor", "operator"])
def test_no_account_page_changes_anything_on_get(
    client: Client, world: World, who: str
) -> None:
    _sign_up(Client(), "operator@panti.id")
    operator = User.objects.get(email="operator@panti.id")
    staff = UserFactory.create(username="staf_baru")
    if who != "anonymous":
        client.force_login(operator if who == "operator" else world.verifier_bogor)
    before = _row_counts()
    for url in _account_urls(operator, staff):
        response = client.get(url, follow=True)
        assert response.status_code in {200, 404, 405}, url
        assert _row_counts() == before, url
