"""Pages of the LKS operator portal: light pages that work on a phone.

Every page works without script; with htmx (vendored, loaded only where it
helps) the desa list follows the kecamatan and an upload swaps in just its
own document's section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from cases import checklist
from cases.forms.portal import (
    BoardMemberForm,
    DocumentUploadForm,
    LksProfileForm,
    LksRegisterForm,
    VersionForm,
    wilayah_choices,
)
from cases.models import Document, DocumentReview, DocumentType, Lks, Registration
from cases.selectors_certificates import LksStanding, lks_standing, renewal_opens_on
from cases.services.certificates import renewal_open
from cases.services.documents import document_upload
from cases.services.portal import (
    EDITABLE_STATES,
    InvalidField,
    board_member_add,
    board_member_remove,
    board_member_update,
    current_registration,
    lks_profile_update,
    lks_register,
    may_self_register,
)
from cases.services.registration import registration_submit
from workflow.exceptions import WorkflowError
from workflow.models import User
from workflow.permissions import filter_for_user, has_object_permission

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

OPERATE = "cases.operate_lks"
RENEWABLE = {"active", "expired"}
CLOSED_STATES = {"certificate_issued", "rejected", "withdrawn"}
SUBMIT = "cases.submit_registration"
State = Registration.State
NEXT_ACTION: dict[str, str | Promise] = {
    State.SUBMITTED: _("Wait: the Dinas Sosial will receive and check your file."),
    State.IN_VERIFICATION: _(
        "The Dinas Sosial is verifying your file; a field visit may follow."
    ),
    State.VERIFIED: _("Your file is verified and awaits the Kepala Dinas's decision."),
    State.APPROVED: _("Approved: the Tanda Registrasi is being issued."),
    State.CERTIFICATE_ISSUED: _("Your Tanda Registrasi has been issued."),
    State.REJECTED: _("The registration was rejected."),
    State.WITHDRAWN: _("The case was withdrawn."),
}
# The badge colour of a case state and of a certificate standing.
TONE = {
    State.NEEDS_REVISION: "warn",
    State.REJECTED: "err",
    State.WITHDRAWN: "muted",
    State.CERTIFICATE_ISSUED: "ok",
    "active": "ok",
    "expired": "warn",
    "suspended": "warn",
    "revoked": "err",
}


class HtmxRequest(HttpRequest):
    """A request through django_htmx's middleware (``request.htmx``)."""

    htmx: HtmxDetails


@dataclass
class CaseSummary:
    """One LKS on the dashboard: its newest case and what it still needs."""

    lks: Lks
    registration: Registration | None
    profile_gaps: list[str | Promise] = field(default_factory=list)
    missing: list[DocumentType] = field(default_factory=list)
    next_action: str | Promise = ""
    can_submit: bool = False
    standing: LksStanding | None = None
    renewal_opens: dt.date | None = None
    renewal_case_open: bool = False
    can_renew: bool = False

    @property
    def state_tone(self) -> str:
        return TONE.get(self.registration.state, "") if self.registration else ""

    @property
    def standing_tone(self) -> str:
        return TONE.get(self.standing.state, "") if self.standing else ""


@dataclass
class ChecklistRow:
    number: int
    document_type: DocumentType
    versions: list[Document]
    missing: bool


@dataclass(frozen=True)
class Notice:
    """What an upload answered, shown beside the file input it concerns."""

    text: str
    ok: bool


# --- reads scoped to the operator (404 outside, 403 visible but not theirs) ----


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _lks_for_operator(request: HttpRequest, lks_pk: int) -> Lks:
    user = _user(request)
    visible = filter_for_user(user, "cases.view_lks", Lks.objects.all())
    lks = get_object_or_404(visible.select_related("region__parent"), pk=lks_pk)
    if not has_object_permission(user, OPERATE, lks):
        raise PermissionDenied
    return lks


def _registration_for_operator(request: HttpRequest, reference: UUID) -> Registration:
    user = _user(request)
    visible = filter_for_user(
        user, "cases.view_registration", Registration.objects.all()
    )
    qs = visible.select_related("lks__region__parent", "office")
    registration = get_object_or_404(qs, reference=reference)
    if not has_object_permission(user, SUBMIT, registration):
        raise PermissionDenied
    return registration


def _summary(lks: Lks) -> CaseSummary:
    registration = current_registration(lks=lks)
    summary = CaseSummary(lks=lks, registration=registration)
    summary.standing = lks_standing(lks=lks, today=timezone.localdate())
    certificate = summary.standing.certificate
    if certificate is not None and summary.standing.state in RENEWABLE:
        opens = renewal_opens_on(certificate=certificate)
        summary.renewal_opens = opens
        summary.renewal_case_open = registration is not None and (
            registration.state not in CLOSED_STATES
        )
        summary.can_renew = (
            timezone.localdate() >= opens and not summary.renewal_case_open
        )
    if registration is None or registration.state not in EDITABLE_STATES:
        summary.next_action = (
            NEXT_ACTION.get(registration.state, "") if registration else ""
        )
        return summary
    summary.profile_gaps = checklist.profile_gaps(lks=lks)
    summary.missing = checklist.missing_document_types(registration=registration)
    summary.next_action = _next_draft_action(summary)
    summary.can_submit = not (summary.profile_gaps or summary.missing)
    return summary


def _next_draft_action(summary: CaseSummary) -> str | Promise:
    if summary.profile_gaps:
        return _("Complete the LKS profile and its board.")
    if summary.missing:
        return _("Upload the documents still missing.")
    return _("Everything is in place: submit the file to the Dinas Sosial.")


def _checklist(registration: Registration) -> list[ChecklistRow]:
    reviews = Prefetch("reviews", queryset=DocumentReview.objects.order_by("-pk"))
    uploads = registration.documents.prefetch_related(reviews).order_by("-version")
    by_type: dict[int, list[Document]] = {}
    for document in uploads:
        by_type.setdefault(document.document_type_id, []).append(document)
    missing = checklist.missing_document_types(registration=registration)
    missing_pks = {t.pk for t in missing}
    required = checklist.required_document_types(registration=registration)
    return [
        ChecklistRow(number, t, by_type.get(t.pk, []), t.pk in missing_pks)
        for number, t in enumerate(required, start=1)
    ]


# --- writes: one place runs a service and shows its answer ---------------------


def _refuse(request: HttpRequest, form: Form | None, exc: WorkflowError) -> None:
    if isinstance(exc, InvalidField) and form is not None and exc.field in form.fields:
        form.add_error(exc.field, str(exc.message))
    elif form is not None:
        form.add_error(None, str(exc.message))
    else:
        messages.error(request, str(exc.message))


def _attempt[T](
    request: HttpRequest,
    write: Callable[[], T],
    done: str | _StrPromise,
    form: Form | None = None,
) -> T | None:
    """Run one service call: its success message, or its refusal shown to the
    user (beside the form's field when there is a form, else as a message)."""
    try:
        result = write()
    except WorkflowError as exc:
        _refuse(request, form, exc)
        return None
    messages.success(request, done)
    return result


def _saved[T](
    request: HttpRequest, form: Form, write: Callable[..., T], done: str | _StrPromise
) -> T | None:
    """``write`` with a valid bound form's data (its hidden ``version`` as the
    service's ``expected_version``); None when nothing was saved."""
    if not (form.is_bound and form.is_valid()):
        return None
    data = dict(form.cleaned_data)
    if "version" in data:
        data["expected_version"] = data.pop("version")
    return _attempt(request, partial(write, **data), done, form)


def _status(form: Form) -> int:
    return 400 if form.is_bound and form.errors else 200


# --- pages ------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = filter_for_user(user, OPERATE, Lks.objects.all())
    lks_list = list(found.select_related("region__parent").order_by("name"))
    if not lks_list:
        if may_self_register(user):
            return redirect("cases:portal_register")
        raise PermissionDenied
    summaries = [_summary(lks) for lks in lks_list]
    return render(request, "cases/portal/dashboard.html", {"summaries": summaries})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_self_register(user):
        raise PermissionDenied
    form = LksRegisterForm(request.POST or None)
    done = _("The LKS is registered: now fill in its profile.")
    lks = _saved(request, form, partial(lks_register, actor=user), done)
    if lks is not None:
        return redirect("cases:portal_profile", lks_pk=lks.pk)
    context = {"form": form}
    return render(request, "cases/portal/register.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, lks_pk: int) -> HttpResponse:
    lks = _lks_for_operator(request, lks_pk)
    registration = current_registration(lks=lks)
    version = registration.version if registration else None
    initial = LksProfileForm.initial_for(lks, version)
    form = LksProfileForm(request.POST or None, initial=initial, lks=lks)
    write = partial(lks_profile_update, actor=_user(request), lks=lks)
    if _saved(request, form, write, _("The profile is saved.")) is not None:
        return redirect("cases:portal_profile", lks_pk=lks.pk)
    editable = registration is None or registration.state in EDITABLE_STATES
    context = {"lks": lks, "form": form, "editable": editable}
    return render(request, "cases/portal/profile.html", context, status=_status(form))


@login_required
@require_GET
def desa_options(request: HttpRequest, lks_pk: int) -> HttpResponse:
    """The <option>s of the desa select for the chosen kecamatan (htmx)."""
    operated = filter_for_user(_user(request), OPERATE, Lks.objects.all())
    lks = get_object_or_404(operated.select_related("region"), pk=lks_pk)
    kecamatan = request.GET.get("kecamatan_code", "")
    known = {code for code, _name in wilayah_choices(lks.region.code)}
    status = 200 if kecamatan in known else 400
    choices = wilayah_choices(kecamatan) if status == 200 else wilayah_choices("")
    context = {"choices": choices}
    return render(request, "cases/portal/_desa_options.html", context, status=status)


def _board_page(
    request: HttpRequest, lks: Lks, form: BoardMemberForm, status: int = 200
) -> HttpResponse:
    registration = current_registration(lks=lks)
    context = {
        "lks": lks,
        "members": list(lks.board.all()),
        "form": form,
        "version": registration.version if registration else "",
        "editable": registration is None or registration.state in EDITABLE_STATES,
    }
    return render(request, "cases/portal/board.html", context, status=status)


@login_required
@require_GET
def board(request: HttpRequest, lks_pk: int) -> HttpResponse:
    lks = _lks_for_operator(request, lks_pk)
    return _board_page(request, lks, BoardMemberForm())


@login_required
@require_POST
def board_add(request: HttpRequest, lks_pk: int) -> HttpResponse:
    lks = _lks_for_operator(request, lks_pk)
    form = BoardMemberForm(request.POST)
    write = partial(board_member_add, actor=_user(request), lks=lks)
    if _saved(request, form, write, _("The board member is added.")) is None:
        return _board_page(request, lks, form, status=400)
    return redirect("cases:portal_board", lks_pk=lks.pk)


@login_required
@require_http_methods(["GET", "POST"])
def board_edit(request: HttpRequest, lks_pk: int, member_pk: int) -> HttpResponse:
    lks = _lks_for_operator(request, lks_pk)
    member = get_object_or_404(lks.board, pk=member_pk)
    initial = {f: getattr(member, f) for f in ("name", "position", "phone", "address")}
    form = BoardMemberForm(request.POST or None, initial=initial)
    write = partial(board_member_update, actor=_user(request), member=member)
    if _saved(request, form, write, _("The board member is saved.")) is not None:
        return redirect("cases:portal_board", lks_pk=lks.pk)
    context = {"lks": lks, "member": member, "form": form}
    template = "cases/portal/board_member.html"
    return render(request, template, context, status=_status(form))


@login_required
@require_POST
def board_remove(request: HttpRequest, lks_pk: int, member_pk: int) -> HttpResponse:
    lks = _lks_for_operator(request, lks_pk)
    member = get_object_or_404(lks.board, pk=member_pk)
    seen = VersionForm.seen(request.POST)
    write = partial(
        board_member_remove, actor=_user(request), member=member, expected_version=seen
    )
    _attempt(request, write, _("The board member is removed."))
    return redirect("cases:portal_board", lks_pk=lks.pk)


@login_required
@require_GET
def documents(request: HttpRequest, reference: UUID) -> HttpResponse:
    registration = _registration_for_operator(request, reference)
    context = {
        "registration": registration,
        "rows": _checklist(registration),
        "profile_gaps": checklist.profile_gaps(lks=registration.lks),
        "editable": registration.state in EDITABLE_STATES,
    }
    return render(request, "cases/portal/documents.html", context)


@login_required
@require_POST
def document_upload_view(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Store an upload; htmx gets its document's section back, a plain post a
    redirect to the page (with the answer as a message)."""
    registration = _registration_for_operator(request, reference)
    form = DocumentUploadForm(request.POST, request.FILES)
    document_type = get_object_or_404(
        DocumentType, pk=DocumentUploadForm.type_pk(request.POST)
    )
    notice = _upload(request, registration, document_type, form)
    if cast(HtmxRequest, request).htmx:
        return _document_section(request, registration, document_type, notice)
    level = messages.SUCCESS if notice.ok else messages.ERROR
    messages.add_message(request, level, notice.text)
    return redirect("cases:portal_documents", reference=registration.reference)


def _upload(
    request: HttpRequest,
    registration: Registration,
    document_type: DocumentType,
    form: DocumentUploadForm,
) -> Notice:
    if not form.is_valid():
        return Notice(str(_("Choose a file to upload.")), ok=False)
    try:
        document = document_upload(
            actor=_user(request),
            registration=registration,
            document_type=document_type,
            uploaded_file=form.cleaned_data["file"],
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as exc:
        return Notice(str(exc.message), ok=False)
    text = _("“%(name)s” is stored as version %(version)d.")
    stored = {"name": document.original_name, "version": document.version}
    return Notice(text % stored, ok=True)


def _document_section(
    request: HttpRequest,
    registration: Registration,
    document_type: DocumentType,
    notice: Notice,
) -> HttpResponse:
    rows = [r for r in _checklist(registration) if r.document_type == document_type]
    if not rows:
        raise Http404
    context = {
        "registration": registration,
        "row": rows[0],
        "editable": registration.state in EDITABLE_STATES,
        "notice": notice,
    }
    # A refusal is swapped in too (htmx-config responseHandling lets 422 through).
    status = 200 if notice.ok else 422
    template = "cases/portal/_document_row.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def renew(request: HttpRequest, lks_pk: int) -> HttpResponse:
    lks = _lks_for_operator(request, lks_pk)
    done = _("The renewal case is open: check the profile and upload the documents.")
    renewal = _attempt(
        request, partial(renewal_open, actor=_user(request), lks=lks), done
    )
    if renewal is None:
        return redirect("cases:portal_dashboard")
    return redirect("cases:portal_documents", reference=renewal.reference)


@login_required
@require_POST
def submit(request: HttpRequest, reference: UUID) -> HttpResponse:
    registration = _registration_for_operator(request, reference)
    write = partial(
        registration_submit,
        actor=_user(request),
        registration=registration,
        expected_version=VersionForm.seen(request.POST),
    )
    if _attempt(request, write, _("The file is submitted to the Dinas Sosial.")):
        return redirect("cases:portal_dashboard")
    return redirect("cases:portal_documents", reference=registration.reference)


urlpatterns: list[URLPattern] = [
    path("lks/", dashboard, name="portal_dashboard"),
    path("lks/baru/", register, name="portal_register"),
    path("lks/<int:lks_pk>/profil/", profile, name="portal_profile"),
    path("lks/<int:lks_pk>/wilayah/desa/", desa_options, name="portal_desa_options"),
    path("lks/<int:lks_pk>/pengurus/", board, name="portal_board"),
    path("lks/<int:lks_pk>/pengurus/tambah/", board_add, name="portal_board_add"),
    path(
        "lks/<int:lks_pk>/pengurus/<int:member_pk>/ubah/",
        board_edit,
        name="portal_board_edit",
    ),
    path(
        "lks/<int:lks_pk>/pengurus/<int:member_pk>/hapus/",
        board_remove,
        name="portal_board_remove",
    ),
    path("lks/kasus/<uuid:reference>/dokumen/", documents, name="portal_documents"),
    path(
        "lks/kasus/<uuid:reference>/dokumen/unggah/",
        document_upload_view,
        name="portal_document_upload",
    ),
    path("lks/kasus/<uuid:reference>/ajukan/", submit, name="portal_submit"),
    path("lks/<int:lks_pk>/daftar-ulang/", renew, name="portal_renew"),
]
