"""Admin for reference data only; memberships and transitions go through services."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from workflow.models import Membership, Organisation, Region, User


@admin.register(User)
class PilarUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Pilar", {"fields": ("nip",)}))  # type: ignore[misc]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]

    # Regions come from the Kemendagri dataset by migration.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation_role", "is_active", "created_at"]
    list_filter = ["is_active", "organisation_role__role"]
    search_fields = ["user__username", "organisation_role__organisation__name"]

    # Read-only: membership_grant / membership_deactivate keep groups in step.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
