"""Who acts: users, regions, organisations and their role memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history import register
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.audit import (
    AuditedHistoricalModel,
    AuditedHistoricalRecords,
    audited_history,
)


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    nip = models.CharField(_("NIP"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="workflow_user_email_unique",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Region(models.Model):
    """A Kemendagri region: a province or a kabupaten/kota (Permendagri 58/2021)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")

    code = models.CharField(_("code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(level=1, parent__isnull=True))
                | (models.Q(level=2, parent__isnull=False)),
                name="workflow_region_parent_matches_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Organisation(models.Model):
    """An office or institution whose members act in Pilar."""

    class Kind(models.TextChoices):
        DINSOS_REGENCY = "dinsos_regency", _("Dinas Sosial kabupaten/kota")
        DINSOS_PROVINCE = "dinsos_province", _("Dinas Sosial provinsi")
        KEMENSOS = "kemensos", _("Kementerian Sosial")
        BALKS = "balks", _("Accreditation body (BALKS)")
        OPD = "opd", _("OPD partner")
        LKS = "lks", _("LKS")

    class Agency(models.TextChoices):
        DP3A = "dp3a", "DP3A"
        DP3KB = "dp3kb", "DP3KB"
        DPMPTSP = "dpmptsp", "DPMPTSP"
        KESBANGPOL = "kesbangpol", "Kesbangpol"
        EDUCATION = "education", _("Dinas Pendidikan")
        HEALTH = "health", _("Dinas Kesehatan")
        SATPOL_PP = "satpol_pp", "Satpol PP"
        OTHER = "other", _("Other agency")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agency = models.CharField(
        _("OPD agency type"), max_length=20, choices=Agency.choices, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="workflow_organisation_unique_name"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="opd") & ~models.Q(agency=""))
                | (~models.Q(kind="opd") & models.Q(agency="")),
                name="workflow_organisation_agency_only_for_opd",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    VERIFIER = "verifier", _("Verifier")
    SIGNER = "signer", _("Signer (Kepala Dinas)")
    SUPERVISOR = "supervisor", _("Supervisor")
    ASSESSOR = "assessor", _("Assessor")
    MONEV_OFFICER = "monev_officer", _("Monev officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class OrganisationRole(models.Model):
    """A role within one organisation, backed by the group that holds its grants."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organisation_role"
    )

    class Meta:
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"], name="workflow_organisationrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.get_role_display()}"


class Membership(models.Model):
    """A user holding a role in an organisation; inactive ones grant nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation_role = models.ForeignKey(
        OrganisationRole, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation_role"],
                name="workflow_membership_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation_role}"


# A task is open until it is done or cancelled; working once someone holds it.
OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
WORKING_STATUSES = (STATUS.ASSIGNED, STATUS.STARTED)


class TaskDeadline(models.Model):
    """Due date of a human workflow task, counted in the office's working days.

    viewflow's Task has no due date; this one-to-one row carries it, plus the
    office, region and role the task belongs to. It also keeps a copy of the
    task's ``status`` and ``owner`` (``workflow.deadlines.deadline_follow_task``
    updates them on every save of a human task), so that every task list and
    menu count reads one partial index of this table instead of joining the
    nation's tasks. ``due_date`` is empty while the clock is stopped (the file
    is with the LKS).
    """

    task = models.OneToOneField(
        "viewflow.Task",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="deadline",
    )
    office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="task_deadlines"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="task_deadlines"
    )
    role = models.CharField(
        _("role that works the task"), max_length=20, choices=Role.choices
    )
    budget_days = models.PositiveSmallIntegerField(_("working days allowed"))
    started_on = models.DateField(_("started on"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("task status"), max_length=50, choices=STATUS.choices, default=STATUS.NEW
    )
    owner = models.ForeignKey(
        "workflow.User",
        verbose_name=_("task owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")
        indexes = [
            # The Queue (workflow.inbox.queue_q): an office's unclaimed tasks
            # for one role, soonest due first, and their count in the menu.
            models.Index(
                fields=["office", "role", "due_date"],
                name="workflow_deadline_queue",
                condition=models.Q(status=STATUS.NEW, owner__isnull=True),
            ),
            # Office tasks (workflow.inbox.supervised_q) and the overdue
            # figures (cases.selectors_overview.overdue_q): an office's open
            # tasks by due date.
            models.Index(
                fields=["office", "due_date"],
                name="workflow_deadline_open",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # My tasks and Archive (workflow.inbox.inbox_q, archive_q): one
            # user's tasks by status, soonest due first.
            models.Index(
                fields=["owner", "status", "due_date"], name="workflow_deadline_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.task_id} due {self.due_date}"


class AuditHead(models.Model):
    """The newest hash of one record's history chain, sealed (see workflow.audit).

    Beside the records rather than on them: it outlives a deleted record and
    covers records that are not ours, such as viewflow's tasks.
    """

    history_model = models.CharField(_("history table"), max_length=100)
    record_id = models.CharField(_("record"), max_length=64)
    head = models.CharField(_("newest hash"), max_length=64)
    seal = models.CharField(_("seal"), max_length=64)

    class Meta:
        verbose_name = _("audit head")
        verbose_name_plural = _("audit heads")
        constraints = [
            # Also the index of every history write's lookup of its head.
            models.UniqueConstraint(
                fields=["history_model", "record_id"], name="workflow_audithead_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.history_model} #{self.record_id}"


# Who claimed, released or was handed each task, and when: viewflow keeps only
# the current owner. simple-history's middleware records the acting user.
register(
    Task,
    app="workflow",
    table_name="workflow_historicaltask",
    records_class=AuditedHistoricalRecords,
    bases=[AuditedHistoricalModel],
    cascade_delete_history=False,
    excluded_fields=[
        "data",
        "seed_content_type",
        "seed_object_id",
        "artifact_content_type",
        "artifact_object_id",
        "external_task_id",
        "owner_permission_content_type",
        "owner_permission_obj_pk",
        "scheduled",
        "token",
    ],
)

from workflow.issuance.models import NumberSeries, SigningKey  # noqa: E402, F401
