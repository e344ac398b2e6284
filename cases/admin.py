"""Read-only admin views of cases; state changes go through the services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cases.models import Lks, Registration


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Lks)
class LksAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "scope", "has_legal_entity"]
    search_fields = ["name"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["lks", "kind", "state", "office", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["lks__name", "reference"]
