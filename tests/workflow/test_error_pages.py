"""Error pages are ours, in Bahasa Indonesia, and load only our own stylesheet."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.views.defaults import server_error


def test_an_unknown_address_answers_our_404_page(client: Client) -> None:
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Halaman tidak ditemukan" in body
    assert "Kembali ke beranda" in body
    assert "viewflow" not in body
    assert "workflow/pilar.css" in body


def test_the_server_error_page_renders_without_a_request_context() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Kesalahan server" in body
    assert "tidak ada yang tersimpan dari permintaan ini" in body
    assert "viewflow" not in body
