"""The Django admin: reference data is edited here, stateful records only viewed.

Tasks, processes, memberships, case records and history rows change only
through the services, which keep the audit trail; their admins derive from
``ReadOnlyAdmin``. Every app's read-only admins use that one class.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from workflow.models import Membership, Organisation, Region, User


class ReadOnlyMixin:
    """No add, change or delete, hence no delete action; viewing stays."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The admin of a record that only the services change."""

    actions = None


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    """Rows shown inside a read-only admin page."""


def _sign_in_first(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # The admin's own login form would be a second sign-in page without the
    # rate limits of /masuk/; signed-in people who are not admin staff get 403.
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _sign_in_first  # type: ignore[method-assign]


@admin.register(User)
class PilarUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Pilar", {"fields": ("nip",)}))  # type: ignore[misc]


# Regions come from the Kemendagri dataset by migration.
@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]


# membership_grant / membership_deactivate keep groups and history in step.
@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation_role", "is_active", "created_at"]
    list_filter = ["is_active", "organisation_role__role"]
    search_fields = ["user__username", "organisation_role__organisation__name"]


# viewflow registers editable admins for its Process and Task: a superuser
# could change a task's owner or permission behind the transition service.
admin.site.unregister(Process)
admin.site.unregister(Task)


class TaskInline(ReadOnlyTabularInline):
    model = Task
    fields = viewflow_admin.TaskInline.fields
    readonly_fields = viewflow_admin.TaskInline.readonly_fields


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin, viewflow_admin.ProcessAdmin):
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin, viewflow_admin.TaskAdmin):
    pass
