"""The LKS operator portal: self-registration, profile, board and submission."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.checklist import profile_gaps
from cases.forms.portal import npwp_formatted
from cases.models import (
    BoardMember,
    Document,
    DocumentType,
    Lks,
    Registration,
    RegistrationCertificate,
)
from cases.services.certificates import certificate_issue
from cases.services.portal import (
    InvalidField,
    board_member_add,
    board_member_remove,
    board_member_update,
    lks_access_grant,
    lks_profile_update,
    lks_register,
)
from cases.services.registration import IncompleteProfile, registration_submit
from tests.cases.test_certificates import approve
from tests.conftest import PASSWORD, World
from tests.factories import UserFactory, region, upload_required_documents
from tests.workflow import upload_samples as samples
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.models import Membership, Organisation, Role, User
from workflow.permissions import has_object_permission
from workflow.services import transition_run

VALID_NPWP = "01.234.567.8-901.000"
KECAMATAN = "32.01.01"  # Cibinong, Kabupaten Bogor
DESA = "32.01.01.1001"  # Pondok Rajeg, in Cibinong
OTHER_DESA = "32.01.02.2001"  # a desa of Gunungputri
PDF = samples.real_pdf()
HTMX = {"HX-Request": "true"}


BARE_PROFILE: dict[str, Any] = {
    "deed_number": "",
    "deed_date": None,
    "sk_kemenkumham": "",
    "npwp": "",
    "address": "",
    "kecamatan_code": "",
    "desa_code": "",
    "service_types": [],
    "capacity": None,
    "current_clients": None,
}


@pytest.fixture
def granted(world: World) -> World:
    """The world's two LKS with their portal grants, as lks_register makes them,
    and the profile a newly registered LKS starts with (name and place only)."""
    for lks in (world.lks_bogor, world.lks_bogor_other):
        lks_access_grant(lks=lks)
        Lks.objects.filter(pk=lks.pk).update(**BARE_PROFILE)
        lks.board.all().delete()
        lks.refresh_from_db()
    return world


@pytest.fixture
def case(granted: World, registration: Registration) -> Registration:
    return registration


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _complete_profile(world: World) -> Lks:
    lks = lks_profile_update(
        actor=world.operator_bogor,
        lks=world.lks_bogor,
        address="Jl. Raya Cibinong 1",
        kecamatan_code=KECAMATAN,
        desa_code=DESA,
        deed_number="12",
        deed_date=datetime.date(2020, 1, 15),
        sk_kemenkumham="AHU-0001.AH.01.04.2020",
        npwp=VALID_NPWP,
        service_types=["anak"],
        capacity=40,
    )
    board_member_add(
        actor=world.operator_bogor, lks=lks, name="Siti Aminah", position="ketua"
    )
    return lks


def _register(user: User, **extra: Any) -> Lks:
    fields: dict[str, Any] = {
        "name": "Yayasan Pelita Harapan",
        "legal_form": Lks.LegalForm.YAYASAN,
        "region": region("32.01"),
        "scope": Lks.Scope.REGENCY,
        **extra,
    }
    return lks_register(actor=user, **fields)


# --- lks_register -----------------------------------------------------------


def test_registering_makes_the_user_operator_and_opens_the_first_case(
    world: World,
) -> None:
    user = UserFactory.create()
    lks = _register(user, npwp=VALID_NPWP, service_types=["lansia", "anak"])
    lks.refresh_from_db()
    assert lks.organisation.kind == Organisation.Kind.LKS
    assert lks.has_legal_entity is True
    assert lks.npwp == "012345678901000"
    assert lks.service_types == ["anak", "lansia"]
    membership = Membership.objects.get(user=user)
    assert membership.organisation_role.organisation == lks.organisation
    assert membership.organisation_role.role == Role.OPERATOR
    assert user.groups.filter(pk=membership.organisation_role.group_id).exists()
    assert has_object_permission(user, "cases.operate_lks", lks)
    case = Registration.objects.get(lks=lks)
    assert (case.kind, case.state, case.office) == (
        "first",
        "draft",
        world.dinsos_bogor,
    )
    assert lks.history.get().history_user == user


def test_the_responsible_office_reads_but_does_not_operate_the_new_lks(
    world: World,
) -> None:
    lks = _register(UserFactory.create())
    for reader in (world.verifier_bogor, world.kadis_bogor, world.supervisor_jabar):
        assert has_object_permission(reader, "cases.view_lks", lks)
        assert not has_object_permission(reader, "cases.operate_lks", lks)
    assert not has_object_permission(world.verifier_bantul, "cases.view_lks", lks)
    assert not has_object_permission(world.operator_bogor, "cases.view_lks", lks)


def test_a_province_wide_lks_is_registered_with_the_provinsi(world: World) -> None:
    lks = _register(UserFactory.create(), scope=Lks.Scope.PROVINCE)
    assert Registration.objects.get(lks=lks).office == world.dinsos_jabar


def test_it_refuses_a_user_who_already_has_a_role(world: World) -> None:
    with pytest.raises(NotPermitted):
        _register(world.verifier_bogor)
    assert not Lks.objects.filter(name="Yayasan Pelita Harapan").exists()


def test_nothing_is_kept_when_no_office_serves_the_region(world: World) -> None:
    with pytest.raises(InvalidInput):
        _register(UserFactory.create(), region=region("62.71"))
    assert not Organisation.objects.filter(name="Yayasan Pelita Harapan").exists()
    assert not Membership.objects.filter(organisation_role__role="operator").exclude(
        user__username__startswith="operator_"
    )


def test_it_refuses_a_bad_npwp_at_registration(world: World) -> None:
    with pytest.raises(InvalidField) as refused:
        _register(UserFactory.create(), npwp="12.345")
    assert refused.value.field == "npwp"
    assert not Lks.objects.filter(name="Yayasan Pelita Harapan").exists()


@pytest.mark.parametrize(
    ("legal_form", "entity"),
    [("yayasan", True), ("perkumpulan", True), ("tidak_berbadan_hukum", False)],
)
def test_the_legal_form_decides_berbadan_hukum_at_registration(
    world: World, legal_form: str, entity: bool
) -> None:
    lks = _register(UserFactory.create(), legal_form=legal_form)
    lks.refresh_from_db()
    assert lks.has_legal_entity is entity


def test_a_change_of_legal_form_changes_berbadan_hukum(granted: World) -> None:
    operator, lks = granted.operator_bogor, granted.lks_bogor
    lks_profile_update(actor=operator, lks=lks, legal_form="tidak_berbadan_hukum")
    lks.refresh_from_db()
    assert (lks.legal_form, lks.has_legal_entity) == ("tidak_berbadan_hukum", False)
    lks_profile_update(actor=operator, lks=lks, legal_form="perkumpulan")
    lks.refresh_from_db()
    assert (lks.legal_form, lks.has_legal_entity) == ("perkumpulan", True)


def test_the_operator_cannot_set_berbadan_hukum_apart(granted: World) -> None:
    with pytest.raises(TypeError):
        lks_profile_update(
            actor=granted.operator_bogor,
            lks=granted.lks_bogor,
            has_legal_entity=False,  # type: ignore[call-arg]
        )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("012345678901000", "01.234.567.8-901.000"),
        ("0123456789012345", "0123456789012345"),
        ("", ""),
    ],
)
def test_the_npwp_is_shown_formatted(stored: str, shown: str) -> None:
    assert npwp_formatted(stored) == shown


# --- lks_profile_update -----------------------------------------------------


def test_the_profile_saves_a_place_inside_the_lks_region(case: Registration) -> None:
    world_lks = case.lks
    operator = Membership.objects.get(
        organisation_role__organisation=world_lks.organisation
    ).user
    lks_profile_update(
        actor=operator,
        lks=world_lks,
        kecamatan_code="320101",
        desa_code=DESA,
        latitude="-6.481234",
        longitude="106.854321",
    )
    world_lks.refresh_from_db()
    assert (world_lks.kecamatan_code, world_lks.desa_code) == (KECAMATAN, DESA)
    assert world_lks.latitude == Decimal("-6.481234")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"npwp": "1234567890"}, "npwp"),
        ({"kecamatan_code": KECAMATAN, "desa_code": OTHER_DESA}, "desa_code"),
        ({"kecamatan_code": "34.02.01"}, "kecamatan_code"),
        ({"desa_code": DESA}, "kecamatan_code"),
        ({"latitude": "48.85", "longitude": "2.35"}, "latitude"),
        ({"latitude": "-6.5", "longitude": "160"}, "longitude"),
        ({"latitude": "-6.5"}, "latitude"),
        ({"service_types": ["astrologi"]}, "service_types"),
        ({"legal_form": "koperasi"}, "legal_form"),
        ({"name": "  "}, "name"),
        ({"capacity": -1}, "capacity"),
    ],
)
def test_it_refuses_bad_profile_data_and_keeps_the_old(
    granted: World, fields: dict[str, Any], field: str
) -> None:
    before = Lks.objects.values().get(pk=granted.lks_bogor.pk)
    with pytest.raises(InvalidField) as refused:
        lks_profile_update(
            actor=granted.operator_bogor, lks=granted.lks_bogor, **fields
        )
    assert refused.value.field == field
    assert Lks.objects.values().get(pk=granted.lks_bogor.pk) == before


@pytest.mark.parametrize("who", ["operator_other_lks", "verifier_bogor", "outsider"])
def test_only_its_operators_change_the_profile(granted: World, who: str) -> None:
    with pytest.raises(NotPermitted):
        lks_profile_update(
            actor=getattr(granted, who), lks=granted.lks_bogor, address="Jl. Lain"
        )
    granted.lks_bogor.refresh_from_db()
    assert granted.lks_bogor.address == ""


def test_the_profile_is_locked_while_the_office_reviews_the_case(
    case: Registration, granted: World
) -> None:
    transition_run(actor=granted.operator_bogor, record=case, transition="submit")
    with pytest.raises(TransitionNotAllowed):
        lks_profile_update(
            actor=granted.operator_bogor, lks=granted.lks_bogor, address="Jl. Baru"
        )
    with pytest.raises(TransitionNotAllowed):
        board_member_add(
            actor=granted.operator_bogor,
            lks=granted.lks_bogor,
            name="A",
            position="ketua",
        )


def test_a_stale_version_is_refused(case: Registration, granted: World) -> None:
    with pytest.raises(StaleRecord):
        lks_profile_update(
            actor=granted.operator_bogor,
            lks=granted.lks_bogor,
            expected_version=case.version + 1,
            address="Jl. Baru",
        )


def test_profile_gaps_name_what_a_submission_needs(case: Registration) -> None:
    gaps = [str(g) for g in profile_gaps(lks=case.lks)]
    assert "NPWP" in gaps
    assert len(gaps) >= 8


def test_submitting_with_an_incomplete_profile_names_the_gaps(
    case: Registration, granted: World
) -> None:
    with pytest.raises(IncompleteProfile) as refused:
        registration_submit(actor=granted.operator_bogor, registration=case)
    assert "NPWP" in [str(m) for m in refused.value.missing]
    case.refresh_from_db()
    assert case.state == "draft"


# --- board ------------------------------------------------------------------


def test_the_board_has_one_chair_and_keeps_history(granted: World) -> None:
    operator, lks = granted.operator_bogor, granted.lks_bogor
    chair = board_member_add(actor=operator, lks=lks, name="Siti", position="ketua")
    with pytest.raises(InvalidField) as refused:
        board_member_add(actor=operator, lks=lks, name="Budi", position="ketua")
    assert refused.value.field == "position"
    member = board_member_add(actor=operator, lks=lks, name="Budi", position="anggota")
    board_member_update(actor=operator, member=member, phone="0812 3456 7890")
    member.refresh_from_db()
    assert member.phone == "0812 3456 7890"
    chair_pk = chair.pk
    board_member_remove(actor=operator, member=chair)
    assert list(lks.board.values_list("name", flat=True)) == ["Budi"]
    removed = BoardMember.history.filter(id=chair_pk, history_type="-").get()
    assert removed.history_user == operator


def test_another_lks_operator_cannot_touch_the_board(granted: World) -> None:
    member = board_member_add(
        actor=granted.operator_bogor,
        lks=granted.lks_bogor,
        name="Siti",
        position="ketua",
    )
    with pytest.raises(NotPermitted):
        board_member_remove(actor=granted.operator_other_lks, member=member)
    assert BoardMember.objects.filter(pk=member.pk).exists()


# --- pages: who may see what ------------------------------------------------


def _pages(case: Registration) -> dict[str, str]:
    lks = case.lks
    return {
        "profile": reverse("cases:portal_profile", args=[lks.pk]),
        "board": reverse("cases:portal_board", args=[lks.pk]),
        "documents": reverse("cases:portal_documents", args=[case.reference]),
    }


def _writes(case: Registration) -> dict[str, str]:
    lks = case.lks
    return {
        "board_add": reverse("cases:portal_board_add", args=[lks.pk]),
        "upload": reverse("cases:portal_document_upload", args=[case.reference]),
        "submit": reverse("cases:portal_submit", args=[case.reference]),
    }


def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, case: Registration
) -> None:
    urls = [reverse("cases:portal_dashboard"), reverse("cases:portal_register")]
    for url in [*urls, *_pages(case).values(), *_writes(case).values()]:
        response = (
            client.post(url) if url in _writes(case).values() else client.get(url)
        )
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("workflow:login")), url


def test_post_only_views_refuse_get(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    for url in _writes(case).values():
        assert client.get(url).status_code == 405, url


def test_the_operator_of_another_lks_gets_404(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_other_lks)
    for url in _pages(case).values():
        assert client.get(url).status_code == 404, url
    for url in _writes(case).values():
        assert client.post(url, {"name": "X", "position": "anggota"}).status_code == 404
    assert client.post(_pages(case)["profile"], {"name": "Dibajak"}).status_code == 404
    case.lks.refresh_from_db()
    assert case.lks.name == "Panti Asuhan Kasih Bogor"


def test_the_dinas_verifier_sees_the_lks_but_may_not_write(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.verifier_bogor)
    for url in _pages(case).values():
        assert client.get(url).status_code == 403, url
    for url in _writes(case).values():
        assert client.post(url, {"name": "X", "position": "anggota"}).status_code == 403
    assert client.get(reverse("cases:portal_dashboard")).status_code == 403
    assert client.get(reverse("cases:portal_register")).status_code == 403
    assert not case.lks.board.exists()


def test_the_dashboard_shows_the_case_and_what_is_missing(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    response = client.get(reverse("cases:portal_dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Panti Asuhan Kasih Bogor" in body
    assert "Surat permohonan kepada Kepala Dinas Sosial" in body
    assert reverse("cases:portal_documents", args=[case.reference]) in body


def test_a_user_without_lks_is_sent_to_register_one(
    client: Client, world: World
) -> None:
    client.force_login(world.outsider)
    response = client.get(reverse("cases:portal_dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:portal_register")


def test_registering_through_the_page(client: Client, world: World) -> None:
    client.force_login(world.outsider)
    assert client.get(reverse("cases:portal_register")).status_code == 200
    response = client.post(
        reverse("cases:portal_register"),
        {
            "name": "Rumah Singgah Pelita",
            "legal_form": "tidak_berbadan_hukum",
            "region": region("32.01").pk,
            "scope": "regency",
        },
    )
    lks = Lks.objects.get(name="Rumah Singgah Pelita")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:portal_profile", args=[lks.pk])
    assert lks.has_legal_entity is False
    assert client.get(reverse("cases:portal_register")).status_code == 403


def _profile_post(lks: Lks, **changes: Any) -> dict[str, Any]:
    data = {
        "name": lks.name,
        "legal_form": lks.legal_form,
        "kecamatan_code": KECAMATAN,
        "desa_code": DESA,
        "service_types": ["anak", "disabilitas"],
        "capacity": "30",
        "npwp": VALID_NPWP,
        "version": "0",
    }
    data.update(changes)
    return data


def test_the_profile_page_saves_a_draft(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    url = _pages(case)["profile"]
    assert client.get(url).status_code == 200
    response = client.post(url, _profile_post(case.lks))
    assert response.status_code == 302
    case.lks.refresh_from_db()
    assert case.lks.npwp == "012345678901000"
    assert case.lks.desa_code == DESA
    assert case.lks.service_types == ["anak", "disabilitas"]


def test_the_profile_page_refuses_a_bad_npwp(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    response = client.post(_pages(case)["profile"], _profile_post(case.lks, npwp="123"))
    assert response.status_code == 400
    case.lks.refresh_from_db()
    assert case.lks.npwp == ""


def test_the_profile_page_refuses_a_stale_form(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    stale = _profile_post(case.lks, version="7")
    assert client.post(_pages(case)["profile"], stale).status_code == 400
    case.lks.refresh_from_db()
    assert case.lks.npwp == ""


def test_the_board_page_adds_and_removes(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    add = _writes(case)["board_add"]
    response = client.post(add, {"name": "Siti Aminah", "position": "ketua"})
    assert response.status_code == 302
    member = case.lks.board.get()
    assert "Siti Aminah" in client.get(_pages(case)["board"]).content.decode()
    assert client.post(add, {"name": "Budi", "position": "ketua"}).status_code == 400
    remove = reverse("cases:portal_board_remove", args=[case.lks.pk, member.pk])
    assert client.post(remove).status_code == 302
    assert not case.lks.board.exists()


# --- the operator's forms: berbadan hukum, NPWP, the desa list ---------------


def test_the_forms_do_not_ask_berbadan_hukum_twice(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    profile = client.get(_pages(case)["profile"]).content.decode()
    assert 'name="has_legal_entity"' not in profile
    assert 'name="legal_form"' in profile
    client.force_login(granted.outsider)
    register = client.get(reverse("cases:portal_register")).content.decode()
    assert 'name="has_legal_entity"' not in register


def test_the_profile_page_shows_the_npwp_formatted_under_a_named_tab(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    response = client.post(_pages(case)["profile"], _profile_post(case.lks))
    assert response.status_code == 302
    case.lks.refresh_from_db()
    assert case.lks.npwp == "012345678901000"
    body = client.get(_pages(case)["profile"]).content.decode()
    assert 'value="01.234.567.8-901.000"' in body
    assert "<title>Profil LKS · Panti Asuhan Kasih Bogor · Pilar</title>" in body


def test_the_profile_page_loads_htmx_without_inline_script_or_style(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    body = client.get(_pages(case)["profile"]).content.decode()
    desa = reverse("cases:portal_desa_options", args=[case.lks.pk])
    assert f'hx-get="{desa}"' in body
    assert 'hx-target="#id_desa_code"' in body
    assert re.search(r'<script src="[^"]+/htmx-2\.0\.11\.min\.js" defer>', body)
    assert '"allowEval":false' in body
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    assert (
        "<style" not in body and " style=" not in body and " on" + "change=" not in body
    )


def test_without_script_the_saved_kecamatan_brings_its_desa(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    url = _pages(case)["profile"]
    assert f'value="{DESA}"' not in client.get(url).content.decode()
    draft = _profile_post(case.lks, desa_code="")
    assert client.post(url, draft).status_code == 302
    assert f'value="{DESA}"' in client.get(url).content.decode()


def _desa(case: Registration, kecamatan: str) -> str:
    url = reverse("cases:portal_desa_options", args=[case.lks.pk])
    return f"{url}?kecamatan_code={kecamatan}"


def test_the_desa_list_follows_the_kecamatan(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    response = client.get(_desa(case, KECAMATAN), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<option value="">')
    assert f'<option value="{DESA}">Pondok Rajeg</option>' in body
    assert OTHER_DESA not in body
    assert "<html" not in body
    blank = client.get(_desa(case, ""))
    assert (blank.status_code, blank.content.decode().count("<option")) == (200, 1)


def test_the_desa_list_refuses_a_kecamatan_of_another_kabupaten(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    for kecamatan in ("34.02.01", "32", "xx"):
        response = client.get(_desa(case, kecamatan))
        assert response.status_code == 400, kecamatan
        assert response.content.decode().count("<option") == 1


@pytest.mark.parametrize("who", ["operator_other_lks", "verifier_bogor", "outsider"])
def test_the_desa_list_is_for_the_lks_operators_only(
    client: Client, case: Registration, granted: World, who: str
) -> None:
    client.force_login(getattr(granted, who))
    assert client.get(_desa(case, KECAMATAN)).status_code == 404


def test_the_desa_list_needs_sign_in_and_get(
    client: Client, case: Registration, granted: World
) -> None:
    response = client.get(_desa(case, KECAMATAN))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workflow:login"))
    client.force_login(granted.operator_bogor)
    assert client.post(_desa(case, KECAMATAN)).status_code == 405


# --- uploads: htmx swaps the document's section, a plain post redirects -------


@pytest.fixture
def akta() -> DocumentType:
    return DocumentType.objects.get(office=None, code="akta_notaris")


def _upload_post(
    client: Client,
    case: Registration,
    akta: DocumentType,
    name: str,
    data: bytes,
    *,
    htmx: bool = False,
) -> Any:
    payload = {
        "document_type": akta.pk,
        "version": case.version,
        "file": SimpleUploadedFile(name, data),
    }
    headers = HTMX if htmx else None
    return client.post(_writes(case)["upload"], payload, headers=headers)


def test_an_htmx_upload_answers_with_its_section_only(
    client: Client, case: Registration, granted: World, akta: DocumentType, media: Path
) -> None:
    client.force_login(granted.operator_bogor)
    response = _upload_post(client, case, akta, "akta.pdf", PDF, htmx=True)
    body = response.content.decode()
    document = Document.objects.get()
    assert response.status_code == 200
    assert body.lstrip().startswith(
        f'<section class="card document" id="document-{akta.pk}"'
    )
    assert body.count("<section") == 1
    assert "<html" not in body and "<title" not in body
    assert "“akta.pdf” tersimpan sebagai versi 1." in body
    assert 'role="status"' in body
    file_url = reverse("cases:document_file", args=[case.reference, document.pk])
    assert f'href="{file_url}"' in body
    assert 'hx-post="' in body  # the next upload swaps again


def test_a_refused_htmx_upload_keeps_its_message_and_stores_nothing(
    client: Client, case: Registration, granted: World, akta: DocumentType, media: Path
) -> None:
    client.force_login(granted.operator_bogor)
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    response = _upload_post(client, case, akta, "setup.pdf", program, htmx=True)
    body = response.content.decode()
    assert response.status_code == 422
    assert body.count("<section") == 1 and "<html" not in body
    assert "“setup.pdf”" in body and "bukan berkas PDF, JPEG, atau PNG" in body
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    assert not Document.objects.exists()
    assert list(media.rglob("*.pdf")) == []


def test_an_htmx_upload_without_a_file_asks_for_one(
    client: Client, case: Registration, granted: World, akta: DocumentType
) -> None:
    client.force_login(granted.operator_bogor)
    response = client.post(
        _writes(case)["upload"], {"document_type": akta.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Pilih berkas yang akan diunggah." in response.content.decode()
    assert not Document.objects.exists()


def test_an_upload_without_htmx_still_redirects_to_the_page(
    client: Client, case: Registration, granted: World, akta: DocumentType, media: Path
) -> None:
    client.force_login(granted.operator_bogor)
    response = _upload_post(client, case, akta, "akta.pdf", PDF)
    assert response.status_code == 302
    assert response["Location"] == _pages(case)["documents"]
    assert Document.objects.get().original_name == "akta.pdf"


def test_an_htmx_upload_of_another_lks_is_404_and_stores_nothing(
    client: Client, case: Registration, granted: World, akta: DocumentType, media: Path
) -> None:
    client.force_login(granted.operator_other_lks)
    response = _upload_post(client, case, akta, "akta.pdf", PDF, htmx=True)
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_the_documents_page_uploads_with_htmx_and_links_each_version(
    client: Client, case: Registration, granted: World, akta: DocumentType, media: Path
) -> None:
    client.force_login(granted.operator_bogor)
    _upload_post(client, case, akta, "akta.pdf", PDF)
    document = Document.objects.get()
    body = client.get(_pages(case)["documents"]).content.decode()
    upload = _writes(case)["upload"]
    assert f'hx-post="{upload}"' in body and f'action="{upload}"' in body
    assert 'hx-target="closest section"' in body
    assert reverse("cases:document_file", args=[case.reference, document.pk]) in body
    assert "<title>Dokumen · Panti Asuhan Kasih Bogor · Pilar</title>" in body
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []


# --- submission through the page ----------------------------------------------


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_submitting_an_incomplete_profile_lists_the_gaps(
    client: Client, case: Registration, granted: World
) -> None:
    client.force_login(granted.operator_bogor)
    response = client.post(
        _writes(case)["submit"], {"version": case.version}, follow=True
    )
    case.refresh_from_db()
    assert case.state == "draft"
    assert any("NPWP" in m for m in _messages(response))


def test_submitting_without_documents_lists_what_is_missing(
    client: Client, case: Registration, granted: World
) -> None:
    _complete_profile(granted)
    client.force_login(granted.operator_bogor)
    response = client.post(
        _writes(case)["submit"], {"version": case.version}, follow=True
    )
    case.refresh_from_db()
    assert case.state == "draft"
    text = " ".join(_messages(response))
    assert "Surat permohonan kepada Kepala Dinas Sosial" in text
    assert "NPWP lembaga" in text
    assert "Nota pendirian yang dilegalisasi" not in text  # no legal entity only


def test_a_complete_file_is_submitted_once(
    client: Client, case: Registration, granted: World, media: Path
) -> None:
    _complete_profile(granted)
    upload_required_documents(registration=case, actor=granted.operator_bogor)
    client.force_login(granted.operator_bogor)
    url = _writes(case)["submit"]
    response = client.post(url, {"version": case.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:portal_dashboard")
    case.refresh_from_db()
    assert case.state == "submitted"
    again = client.post(url, {"version": case.version - 1}, follow=True)
    assert again.status_code == 200
    assert case.history.filter(transition="submit").count() == 1


# --- sign-up with email (django-allauth) --------------------------------------


def _sign_up(client: Client, email: str) -> str:
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Sri",
            "last_name": "Wahyuni",
            "email": email,
            "password1": "Sandi-Kuat-2026!",
            "password2": "Sandi-Kuat-2026!",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(
        r"https?://[^/\s]+(/akun/confirm-email/\S+/)", str(mail.outbox[0].body)
    )
    assert found is not None
    return found.group(1)


def test_the_signup_page_is_ours_and_speaks_indonesian(
    client: Client, db: None
) -> None:
    response = client.get(reverse("account_signup"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="brand"' in body  # our base template
    assert "Daftar" in body  # allauth's own id catalogue
    assert reverse("workflow:login") in body


def test_a_new_operator_confirms_the_email_and_lands_in_the_portal(
    client: Client, world: World
) -> None:
    link = _sign_up(client, "pengelola@panti.id")
    sent = client.get(reverse("account_email_verification_sent"))
    assert "Verifikasi Alamat E-mail Anda" in sent.content.decode()
    page = client.get(link)
    assert page.status_code == 200
    assert "Konfirmasi" in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:portal_dashboard")
    assert client.get(response["Location"])["Location"] == reverse(
        "cases:portal_register"
    )


def test_sign_in_with_the_email_needs_it_confirmed_first(
    client: Client, world: World
) -> None:
    link = _sign_up(client, "operator@panti.id")
    client.logout()
    login = reverse("workflow:login")
    credentials = {"login": "operator@panti.id", "password": "Sandi-Kuat-2026!"}
    # Unconfirmed: allauth sends a fresh link and shows "verification sent".
    unconfirmed = client.post(login, credentials)
    assert unconfirmed.status_code == 302
    assert unconfirmed["Location"] == reverse("account_email_verification_sent")
    assert not client.session.get("_auth_user_id")
    Client().post(link)
    response = client.post(login, credentials)
    assert response.status_code == 302
    assert client.get(reverse("cases:portal_dashboard")).status_code == 302


def test_staff_still_sign_in_with_their_username(client: Client, world: World) -> None:
    response = client.post(
        reverse("workflow:login"), {"login": "verifier_bogor", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_login_page_links_to_signup(client: Client, db: None) -> None:
    body = client.get(reverse("workflow:login")).content.decode()
    assert reverse("account_signup") in body


def test_home_links_operators_to_their_portal(client: Client, granted: World) -> None:
    client.force_login(granted.operator_bogor)
    body = client.get(reverse("workflow:home")).content.decode()
    assert reverse("cases:portal_dashboard") in body


# --- the Tanda Registrasi on the dashboard, and renewal -----------------------


def test_the_dashboard_shows_the_certificate_and_opens_renewal_in_its_window(
    client: Client, case: Registration, granted: World, media: Path
) -> None:
    approved = approve(granted, case)
    certificate = certificate_issue(actor=granted.kadis_bogor, registration=approved)
    client.force_login(granted.operator_bogor)
    page = client.get(reverse("cases:portal_dashboard")).content.decode()
    assert certificate.number in page
    assert reverse("cases:certificate_download", args=[certificate.token]) in page
    assert reverse("cases:portal_renew", args=[granted.lks_bogor.pk]) not in page

    # Inside the window (90 days before expiry) the button appears and works.
    RegistrationCertificate.objects.filter(pk=certificate.pk).update(
        valid_until=datetime.date.today() + datetime.timedelta(days=30)
    )
    renew = reverse("cases:portal_renew", args=[granted.lks_bogor.pk])
    assert renew in client.get(reverse("cases:portal_dashboard")).content.decode()
    assert client.get(renew).status_code == 405
    client.post(renew)
    client.post(renew)  # a double click opens one case
    renewals = Registration.objects.filter(lks=granted.lks_bogor, kind="renewal")
    assert renewals.count() == 1
    assert renewals.get().previous_certificate == certificate
